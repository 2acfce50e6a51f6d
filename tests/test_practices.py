"""Presence, platform and purpose, scored in their own terms for the whole organisation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialkit import config, depth, io, params, practices, tables
from socialkit.charts import depth as depth_charts
from socialkit.exceptions import QuestionnaireError

QUESTIONS = ["PR1", "PR2", "PR3", "PR4", "PR5", "PL1", "PL2", "PL3", "PL4", "PL5", "PU1", "PU2", "PU3", "PU4"]


def answers(**changes) -> pd.DataFrame:
    """A hand-made organisation. Presence: its audience is on 4 networks, it has profiles on 3 of them
    (Twitter = X, "You-Tube" = YouTube) plus one elsewhere: 3/4 = 0.75; PR3 4 -> 0.75, PR4 5 -> 1,
    PR5 3 -> 0.5: presence = (0.75 + 0.75 + 1 + 0.5) / 4 = 0.75. Platform: yes, 3 -> 0.5, "yes", 2 -> 0.25,
    no: (1 + 0.5 + 1 + 0.25 + 0) / 5 = 0.55. Purpose: no, 2 -> 0.25, 4 -> 0.75, 3 -> 0.5: 0.375."""
    given = dict(zip(QUESTIONS, ["LinkedIn; Twitter; YouTube; TikTok", "linkedin | X; You-Tube; Facebook",
                                 "4", "5", "3", "1", "3", "yes", "2", "0", "no", "2", "4", "3"]))
    given.update(changes)
    return pd.DataFrame({"question": list(given), "answer": list(given.values())})


def test_scores_are_pinned_on_the_hand_made_organisation():
    res = practices.score(answers())
    p = res.practices.set_index("practice")
    assert p["score"].to_dict() == pytest.approx({"presence": 0.75, "platform": 0.55, "purpose": 0.375})
    assert p["practised"].to_dict() == {"presence": True, "platform": False, "purpose": False}
    assert p.loc["platform", "weakest"] == "PL5" and p.loc["purpose", "weakest"] == "PU1"
    items = res.items.set_index("question")
    assert np.isnan(items.loc["PR1", "normalised"])  # the audience's networks are context, not a score
    assert items.loc["PR2", "normalised"] == pytest.approx(0.75)
    assert items.loc["PR2", "detail"] == "covers 3 of 4 (PR1); missing TikTok"


def test_the_threshold_is_inclusive_and_comes_from_the_practices_table():
    table = tables.load("depth_practices").assign(threshold=[0.75, 0.55, 0.4])
    p = practices.score(answers(), practices=table).practices.set_index("practice")
    assert p["practised"].to_dict() == {"presence": True, "platform": True, "purpose": False}


def test_findings_give_the_verdict_the_score_and_where_to_start():
    found = practices.findings(practices.score(answers()))
    texts = [f.text for f in found]
    assert texts == ["Presence (social networking): practised", "Platform (social media): not yet practised",
                     "Purpose (social market leadership): not yet practised"]
    assert "missing TikTok" in found[0].detail and "score 38% against a threshold of 60%" in found[2].detail
    assert practices.summary_line(practices.score(answers())) == \
        "Presence practised (75%); platform not yet (55%); purpose not yet (38%)."


def test_every_problem_is_reported_at_once_with_lines():
    bad = answers(PL2="7", PU1="maybe", PR3="").iloc[:-1]  # PU4 missing, PR3 blank
    bad = pd.concat([bad, pd.DataFrame({"question": ["PX9", "PL1"], "answer": ["1", "1"]})], ignore_index=True)
    with pytest.raises(QuestionnaireError) as info:
        practices.score(bad)
    msg = str(info.value)
    assert "question PL2 (line 8) must be 1 to 5" in msg
    assert "question PU1 (line 12) must be 0 (no) or 1 (yes)" in msg
    assert "unknown question id" in msg and "PX9" in msg
    assert "answered more than once" in msg and "PL1" in msg
    assert "2 unanswered questions: PR3, PU4" in msg
    assert info.value.unanswered == {"organisation": ["PR3", "PU4"]}


def test_a_list_answer_of_none_scores_zero_coverage():
    res = practices.score(answers(PR2="none"))
    assert res.items.set_index("question").loc["PR2", "normalised"] == 0.0


def test_practices_are_not_depth_levels():
    assert "practice" not in tables.load("depth_questions").columns
    res = depth.assess(io.load(config.sample_path("summit_outfitters", "assessment"), "assessment"),
                       io.load(config.sample_path("summit_outfitters", "readiness"), "readiness"))
    assert not hasattr(res, "practices")
    questions = tables.load("practice_questions")
    assert set(questions["practice"]) == set(tables.load("depth_practices")["practice"])
    assert {"list", "yes_no", "1-5"} == set(questions["scale"])


@pytest.mark.parametrize("brand,expected", [
    ("summit_outfitters", {"presence": True, "platform": True, "purpose": True}),
    ("northbridge_advisory", {"presence": True, "platform": True, "purpose": False}),
    ("evergreen_memorials", {"presence": False, "platform": False, "purpose": False}),
])
def test_sample_brands(brand, expected):
    path = params.linked_path({"brand": brand}, "practices")
    res = practices.score(io.load(path, "practices"))
    assert res.practices.set_index("practice")["practised"].to_dict() == expected


def test_blank_questionnaire_chart_and_assumptions():
    blank = practices.blank_questionnaire()
    assert blank["question"].tolist() == QUESTIONS and (blank["answer"] == "").all()
    spec = depth_charts.practice_chart(practices.score(answers()).practices).to_dict()
    assert spec["layer"][1]["mark"]["type"] == "tick"
    notes = practices.assumptions()
    assert all(f.kind == "assumption" for f in notes) and "60% (presence)" in notes[0].text
    assert "PR5" in notes[2].text and "PL5" in notes[2].text  # the items the kit added itself


NETWORKS = ["LinkedIn", "X", "Twitter", "YouTube", "You-Tube", "Instagram", "TikTok", "none"]


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_valid_answers_score_between_0_and_1_whatever_the_row_order(data):
    q = tables.load("practice_questions")
    values = []
    for scale in q["scale"]:
        if scale == "list":
            values.append("; ".join(data.draw(st.lists(st.sampled_from(NETWORKS), min_size=1, max_size=5))))
        else:
            values.append(str(data.draw(st.sampled_from([0, 1] if scale == "yes_no" else [1, 2, 3, 4, 5]))))
    df = pd.DataFrame({"question": q["question"], "answer": values})
    res = practices.score(df)
    scored = res.practices["score"].dropna()
    assert scored.between(0, 1).all() and len(scored) >= 2  # only presence can lack a score (PR1 "none")
    order = data.draw(st.permutations(list(range(len(df)))))
    again = practices.score(df.iloc[order].reset_index(drop=True))
    pd.testing.assert_frame_equal(again.practices, res.practices)
