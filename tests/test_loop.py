"""The objectives loop closed: objectives name the initiatives that deploy them, their status says what
each initiative delivered, and picks a concrete "improve" step from the playbook; trust is an
organisation-level input (metrics.objectives, metrics.ladder)."""

from __future__ import annotations

import pandas as pd
import pytest

from socialkit import io, metrics
from socialkit.charts import metrics as charts
from socialkit.exceptions import DataValidationError
from socialkit.metrics import objectives as loop

INITIATIVES = pd.DataFrame({
    "initiative": ["Client webinars", "Social selling", "Photo contest", "Idea wall", "Press corner"],
    "functions": ["events; marketing", "Sales", "marketing", "internal_comms", "pr"],
    "goal": ["buzz around an event; engage and track attendees", "grow a professional network as CEO / entrepreneur",
             "", "invent the future", "prove thought leadership"],
})


def status(**rows) -> pd.DataFrame:
    """Objectives with a status, as objectives_status returns them (only the columns the loop reads)."""
    base = [
        ("Webinar sign-ups", "opt_ins", "met", 120.0, "client webinars"),
        ("Leads from selling", "leads", "behind", 60.0, "Social selling"),
        ("Photo engagement", "engagement_rate_reach", "met", 130.0, "Photo contest"),
        ("Ideas shipped", "orders", "close", 95.0, "Idea wall"),
        ("Press leads", "leads", "not measured", None, "Press corner"),
        ("Orders", "orders", "behind", 40.0, ""),
    ]
    df = pd.DataFrame(base, columns=["objective", "metric", "status", "pct_of_target", "initiative"])
    df["basis"] = ["", "", "", "", "the file does not record leads", ""]
    return df


def test_links_match_names_ignoring_case_and_take_several_initiatives():
    st = status()
    st.loc[0, "initiative"] = "CLIENT WEBINARS; social selling"
    links = loop.link_objectives(st, INITIATIVES)
    assert links[links["objective"] == "Webinar sign-ups"]["initiative"].tolist() == ["Client webinars", "Social selling"]
    assert links.set_index("objective").loc["Photo engagement", "metric_kind"] == "vanity"
    assert "Orders" not in set(links["objective"])  # blank: not linked
    assert loop.link_objectives(st.drop(columns="initiative"), INITIATIVES).empty


def test_an_unknown_initiative_name_is_an_error_with_the_line_and_a_suggestion():
    st = status()
    st.loc[1, "initiative"] = "Social seling"
    with pytest.raises(DataValidationError) as info:
        loop.link_objectives(st, INITIATIVES)
    msg = str(info.value)
    assert "'Leads from selling'" in msg and "line 3" in msg and "did you mean 'Social selling'" in msg


def test_delivery_of_each_initiative():
    links = loop.link_objectives(status(), INITIATIVES)
    d = loop.delivery(list(INITIATIVES["initiative"]) + ["Nothing linked"], links).set_index("initiative")
    assert d["delivered"].to_dict() == {
        "Client webinars": "delivered", "Social selling": "not delivered", "Photo contest": "vanity objectives only",
        "Idea wall": "not delivered", "Press corner": "not measured", "Nothing linked": "no objective"}
    both = status()
    both.loc[1, "initiative"] = "Client webinars"
    assert loop.delivery(["Client webinars"], loop.link_objectives(both, INITIATIVES))["delivered"].iloc[0] == \
        "partly delivered"


def test_improve_picks_the_action_from_the_status_and_the_tactic_from_the_goal():
    imp = loop.improve(status(), INITIATIVES).set_index("objective")
    assert imp["action"].to_dict() == {"Webinar sign-ups": "keep", "Leads from selling": "improve",
                                       "Photo engagement": "re-aim", "Ideas shipped": "push",
                                       "Press leads": "measure", "Orders": "link"}
    keep = imp.loc["Webinar sign-ups"]
    assert keep["tactic"] == "social promotion campaign and live-event strategy"
    assert keep["recommendation"].startswith('Client webinars meets "Webinar sign-ups" (120% of target): keep it')
    behind = imp.loc["Leads from selling"]
    assert behind["tactic"] == "meaningful conversations on LinkedIn and X" and behind["functions"] == "sales"
    assert "bringing in Leadership & thought leadership" in behind["recommendation"]  # the tactic's other function
    assert "vanity number" in imp.loc["Photo engagement", "recommendation"]
    assert "give it an objective on leads" in imp.loc["Photo engagement", "recommendation"]
    assert "playbook does not know (\"invent the future\")" in imp.loc["Ideas shipped", "recommendation"]
    assert "the file does not record leads" in imp.loc["Press leads", "recommendation"]
    assert "column initiative" in imp.loc["Orders", "recommendation"]


def test_improve_without_the_initiatives_file_still_names_the_initiatives():
    imp = loop.improve(status(), None)
    assert "initiatives_path" in imp.set_index("objective").loc["Leads from selling", "recommendation"]
    assert loop.improve(pd.DataFrame(columns=["objective", "status"]), INITIATIVES).empty


def test_findings_use_the_improve_step_instead_of_a_fixed_sentence():
    imp = loop.improve(status(), INITIATIVES)
    st = status().assign(channel="all channels", value=1.0, target=2.0, gap=-1.0, trend="flat", slope=0.0)
    found = metrics.objective_findings(st, improvements=imp)
    behind = [f for f in found if f.text == "Leads from selling: behind"][0]
    assert "Next: Social selling is behind" in behind.detail and "name the initiative" not in behind.detail
    unlinked = [f for f in found if f.text == "Orders: behind"][0]
    assert "column initiative" in unlinked.detail


# --------------------------------------------------------------------------- trust


TRUST = pd.DataFrame({"period": ["2025-Q3", "2025-Q1", "2026-Q1", "2025-Q1"],
                      "measure": ["NPS", "NPS", "NPS", "Trust score"],
                      "value": [40, 31, 44, 7.2]})


def test_trust_is_read_in_time_order_per_measure():
    series = metrics.ladder.trust_series(TRUST)
    assert list(series) == ["nps", "trust_score"]
    assert series["nps"].index.tolist() == ["2025-Q1", "2025-Q3", "2026-Q1"]
    table = metrics.ladder.trust_table(TRUST).set_index("measure")
    assert table.loc["NPS", "reading"] == "up 13 since 2025-Q1 (3 periods)"
    assert table.loc["Trust score", "reading"].startswith("one period only")
    words = TRUST.assign(period=["spring", "winter", "summer", "spring"])
    assert metrics.ladder.trust_series(words)["nps"].index.tolist() == ["spring", "winter", "summer"]  # file order


def test_trust_objective_is_measured_on_the_trust_file():
    posts = pd.DataFrame({"channel": ["fb"], "reach": [100], "likes": [5]})
    obj = pd.DataFrame({"objective": ["Recommend us"], "metric": ["nps"], "target": [50.0], "channel": [None],
                        "initiative": ["Client webinars"]})
    st = metrics.objectives_status(posts, obj, trust=TRUST).iloc[0]
    assert st["value"] == 44 and st["status"] == "behind" and st["last_period"] == "2026-Q1"
    assert st["trend"] == "rising" and st["initiative"] == "Client webinars"
    assert metrics.objectives_status(posts, obj).iloc[0]["status"] == "unknown metric"  # no trust file given


def test_without_a_trust_file_trust_is_a_note_not_a_headline():
    posts = pd.DataFrame({"channel": ["fb"], "reach": [100], "likes": [5], "leads": [1]})
    found = metrics.measurement_findings(posts)
    trust = [f for f in found if "Trust" in f.text]
    assert len(trust) == 1 and trust[0].kind == "note"
    assert not any("trust" in f.text.lower() for f in found.where(kind="finding"))
    with_trust = metrics.measurement_findings(posts, trust=TRUST)
    assert "Trust: NPS 44 in 2026-Q1" in [f.text for f in with_trust.where(kind="finding")]


def test_trust_file_contract_names_bad_values(tmp_path):
    path = tmp_path / "trust.csv"
    TRUST.assign(value=["40", "n/a", "44", "7,2"]).to_csv(path, index=False)
    with pytest.raises(DataValidationError) as info:
        io.load(path, "trust")
    assert "value" in str(info.value) and "line 3" in str(info.value)


def test_trust_chart_draws_one_panel_per_measure_or_says_there_is_none():
    spec = charts.trust_chart(TRUST).to_dict()
    assert spec["facet"]["column"]["field"] == "measure"
    assert "No trust file" in str(charts.trust_chart(None).to_dict())


@pytest.mark.parametrize("brand", ["summit_outfitters", "northbridge_advisory", "evergreen_memorials"])
def test_sample_objectives_name_initiatives_of_their_brand(brand):
    from socialkit import config

    objectives = io.load(config.sample_path(brand, "objectives"), "objectives")
    initiatives = io.load(config.sample_path(brand, "initiatives"), "initiatives")
    links = loop.link_objectives(objectives, initiatives)
    assert set(links["objective"]) == set(objectives.loc[objectives["initiative"].notna(), "objective"])
    assert objectives["initiative"].isna().sum() == 1  # one objective per brand is left unlinked on purpose
