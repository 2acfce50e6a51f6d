"""Placement on the ocean-to-fish-bowl ladder, next steps, segments and the funnel chart."""

from __future__ import annotations

import pandas as pd
import pytest

from socialkit import io, ladder, tables
from socialkit.charts import ladder as ladder_charts
from socialkit.config import sample_path
from socialkit.exceptions import ParameterError


def programmes(*rows) -> pd.DataFrame:
    return pd.DataFrame([dict(zip(("programme", *ladder.FACTS), r)) for r in rows])


def test_stages_come_from_the_shared_table_in_order():
    lad = tables.load("intimacy_ladder")
    assert lad["stage"].tolist() == ["ocean", "farm", "store", "tank", "bowl"]
    assert lad.set_index("stage")["requires"].to_dict() == {
        "ocean": [], "farm": ["private_community"], "store": ["opt_in"],
        "tank": ["opt_in", "psychographic_insight"],
        "bowl": ["opt_in", "psychographic_insight", "personalised"]}


@pytest.mark.parametrize("facts, stage, missing", [
    ((1, 0, 0, 0, 0), "ocean", "private_community"),
    ((0, 1, 0, 0, 0), "farm", "opt_in"),
    ((1, 1, 1, 0, 0), "store", "psychographic_insight"),
    ((0, 0, 1, 0, 0), "store", "psychographic_insight"),   # opt-in newsletter with no community
    ((0, 1, 1, 1, 0), "tank", "personalised"),
    ((0, 1, 1, 1, 1), "bowl", ""),
])
def test_placement_is_the_highest_stage_whose_facts_all_hold(facts, stage, missing):
    p = ladder.place_programmes(programmes(("p", *map(bool, facts)))).iloc[0]
    assert p["stage"] == stage
    assert p["missing_for_next"] == missing


def test_next_step_is_the_placed_stage_next_step():
    lad = tables.load("intimacy_ladder").set_index("stage")
    p = ladder.place_programmes(programmes(("club", False, True, False, False, False))).iloc[0]
    assert p["next_step"] == lad.loc["farm", "next_step"]
    assert p["next_stage"] == "store"
    top = ladder.place_programmes(programmes(("planner", False, True, True, True, True))).iloc[0]
    assert top["next_stage"] == "" and top["next_step"] == lad.loc["bowl", "next_step"]


def test_personalisation_without_psychographic_insight_does_not_lift_and_is_noted():
    p = ladder.place_programmes(programmes(("letter", False, False, True, False, True))).iloc[0]
    assert p["stage"] == "store"
    assert p["note"] == "personalisation without psychographic insight: does not count yet"


def test_insight_without_opt_in_is_noted():
    p = ladder.place_programmes(programmes(("survey", True, False, False, True, False))).iloc[0]
    assert p["stage"] == "ocean"
    assert p["note"] == "psychographic insight without opt-in: does not count yet"


def test_no_facts_is_ocean_by_default_with_a_note():
    p = ladder.place_programmes(programmes(("idea", False, False, False, False, False))).iloc[0]
    assert p["stage"] == "ocean" and "no intimacy facts" in p["note"]


def test_segments_with_shares_use_the_threshold_and_missing_facts_are_false():
    seg = pd.DataFrame({"segment": ["a", "b"], "opt_in": [0.7, 0.3], "psychographic_insight": [0.5, 0.9]})
    got = ladder.place_segments(seg).set_index("segment")
    assert got.loc["a", "stage"] == "tank"  # 0.7 and 0.5 >= 0.5; personalised column absent
    assert got.loc["b", "stage"] == "ocean"
    strict = ladder.place_segments(seg, threshold=0.6).set_index("segment")
    assert strict.loc["a", "stage"] == "store"


def test_place_segment_single_mapping():
    got = ladder.place_segment({"private_community": True, "opt_in": "yes"}, name="Members")
    assert (got["name"], got["stage"], got["missing_for_next"]) == ("Members", "store", "psychographic_insight")
    with pytest.raises(ParameterError, match="threshold"):
        ladder.place_segment({}, threshold=0)


def test_bad_id_column_is_a_clear_error_and_input_is_not_mutated():
    df = programmes(("p", True, False, False, False, False))
    before = df.copy()
    with pytest.raises(ParameterError, match="'id_column' parameter of place must name a column"):
        ladder.place(df, id_column="name")
    ladder.place_programmes(df)
    pd.testing.assert_frame_equal(df, before)


def test_sample_programmes_span_the_ladder():
    placed = ladder.place_programmes(io.load(sample_path("summit_outfitters", "programmes"), "programmes"))
    assert set(placed["stage"]) == {"ocean", "store", "tank", "bowl"}
    memorials = ladder.place_programmes(io.load(sample_path("evergreen_memorials", "programmes"), "programmes"))
    assert memorials.set_index("programme").loc["Online design consultation", "stage"] == "store"


def test_stage_counts_and_funnel_chart_list_every_stage():
    placed = ladder.place_programmes(programmes(("a", True, False, False, False, False),
                                                ("b", True, False, False, False, False),
                                                ("c", False, True, True, True, True)))
    counts = ladder.stage_counts(placed)
    assert counts["n"].tolist() == [2, 0, 0, 0, 1]
    assert counts.loc[0, "names"] == "a, b"
    spec = ladder_charts.ladder_chart(placed).to_dict()
    data = next(iter(spec["datasets"].values()))
    assert [d["stage"] for d in data] == ["ocean", "farm", "store", "tank", "bowl"]
    halves = [d["half"] for d in data]
    assert halves == sorted(halves, reverse=True)  # a funnel: narrower as it gets more intimate
    assert [d["order"] for d in data] == [1, 2, 3, 4, 5]


def test_text_facts_read_as_yes_or_no():
    got = ladder.place_segment({"private_community": " Yes ", "opt_in": "1.0", "psychographic_insight": "no"})
    assert (got["stage"], got["private_community"], got["opt_in"], got["psychographic_insight"]) == \
        ("store", True, True, False)


def test_segments_keep_their_id_column_and_facts():
    seg = pd.DataFrame({"segment": ["s1"], "private_community": [0.8]})
    got = ladder.place_segments(seg, id_column="segment")
    assert list(got.columns[:2]) == ["segment", "stage"] and set(ladder.FACTS) <= set(got.columns)
    assert got.loc[0, "stage"] == "farm"


def test_assumptions_name_the_facts_each_stage_requires_and_the_share_threshold():
    notes = ladder.assumptions(threshold=0.6)
    assert all(f.kind == "assumption" for f in notes)
    assert "Fish store: opt-in" in notes[0].text and "Ocean fishing: nothing" in notes[0].text
    assert "at least 60% of the segment" in notes[1].text
