"""Unit tests of socialkit.metrics: every rate pinned on a hand-computed example (zero reach and blank
cells included), the ladder, gaps and findings, periods, rank correlations, objectives, charts
(socialkit.charts.metrics), the sample posts and the rates panel."""

from __future__ import annotations

import importlib.util
import math

import altair as alt
import numpy as np
import pandas as pd
import pytest

from socialkit import io, metrics, params, tables
from socialkit.charts import metrics as charts
from socialkit.config import SAMPLES_DIR
from socialkit.exceptions import DataValidationError, ParameterError
from socialkit.findings import Findings
from socialkit.samples import BRANDS, rng_for, to_csv_text
from socialkit.samples import posts as posts_samples

from conftest import DATA_DIR

NAN = np.nan


@pytest.fixture
def hand() -> pd.DataFrame:
    """Four posts worked by hand in docs/metrics.md: post B has zero reach, post C blank comments and
    clicks, post B blank revenue; there is no opt_ins column."""
    return pd.DataFrame({
        "post_id": ["A", "B", "C", "D"],
        "channel": ["fb", "fb", "fb", "ig"],
        "post_type": ["image", "image", "video", "video"],
        "paid": ["true", "false", "false", "true"],
        "reach": [1000, 0, 500, 2000],
        "impressions": [1500, 0, 600, 2400],
        "likes": [40, 0, 10, 100],
        "comments": [5, 0, NAN, 10],
        "shares": [3, 0, 1, 5],
        "saves": [2, 0, 0, 5],
        "clicks": [20, 0, NAN, 30],
        "followers": [10000, 10000, 10100, 5000],
        "leads": [2, 0, 1, 0],
        "orders": [1, 0, 0, 0],
        "revenue": [50, NAN, 0, 0],
    })


def _value(long: pd.DataFrame, rate: str, **keys) -> pd.Series:
    t = long[long["rate"] == rate]
    for k, v in keys.items():
        t = t[t[k] == v]
    assert len(t) == 1, t
    return t.iloc[0]


# --------------------------------------------------------------------------- rates


def test_engagements_sum_measured_actions_and_blank_when_none(hand):
    e = metrics.engagements(hand)
    assert e.tolist() == [50, 0, 11, 120]  # C: 10 likes + blank comments + 1 share + 0 saves
    only_blank = pd.DataFrame({"likes": [NAN, 3.0], "reach": [1, 1]})
    assert np.isnan(metrics.engagements(only_blank).iloc[0]) and metrics.engagements(only_blank).iloc[1] == 3


def test_post_rates_zero_reach_is_undefined_not_zero(hand):
    pr = metrics.post_rates(hand, rates=["engagement_rate_reach", "click_through_rate"])
    assert pr["engagement_rate_reach"].iloc[0] == pytest.approx(5.0)
    assert np.isnan(pr["engagement_rate_reach"].iloc[1])  # reach 0
    assert pr["engagement_rate_reach"].iloc[2] == pytest.approx(2.2)
    assert pr["engagement_rate_reach"].iloc[3] == pytest.approx(6.0)
    assert np.isnan(pr["click_through_rate"].iloc[2])  # blank clicks
    assert pr["click_through_rate"].iloc[3] == pytest.approx(1.25)  # 100 * 30 / 2400


def test_group_rates_pinned_on_hand_example(hand):
    long = metrics.rates(hand, by="channel")
    fb = {r: _value(long, r, channel="fb") for r in metrics.RATES}
    assert fb["engagement_rate_reach"]["value"] == pytest.approx(100 * 61 / 1500)
    assert fb["engagement_rate_reach"]["used"] == 3
    assert "1 posts with reach = 0 add nothing" in fb["engagement_rate_reach"]["note"]
    assert fb["engagement_rate_followers"]["value"] == pytest.approx(100 * 61 / 30100)
    assert fb["conversation_rate"]["value"] == pytest.approx(2.5)  # (5 + 0) / 2 posts; C's blank skipped
    assert fb["conversation_rate"]["skipped"] == 1
    assert "blank comments" in fb["conversation_rate"]["note"]
    assert fb["amplification_rate"]["value"] == pytest.approx(4 / 3)
    assert fb["applause_rate"]["value"] == pytest.approx(50 / 3)
    assert fb["click_through_rate"]["value"] == pytest.approx(100 * 20 / 1500)
    assert fb["click_through_rate"]["denominator"] == 1500
    assert fb["reach_to_engagement"]["value"] == pytest.approx(100 * 61 / 1500)
    assert fb["engagement_to_click"]["value"] == pytest.approx(100 * 20 / 50)
    assert fb["click_to_lead"]["value"] == pytest.approx(10.0)
    assert fb["lead_to_order"]["value"] == pytest.approx(100 / 3)
    assert fb["revenue_per_1000_reach"]["value"] == pytest.approx(1000 * 50 / 1500)  # B's blank revenue skipped
    assert np.isnan(fb["opt_ins_per_1000_reach"]["value"])
    assert fb["opt_ins_per_1000_reach"]["note"] == "not measured: the file has no opt_ins"
    ig = _value(long, "click_through_rate", channel="ig")
    assert ig["value"] == pytest.approx(1.25)


def test_group_with_only_zero_reach_is_blank_with_reason(hand):
    zero = hand.iloc[[1]].assign(channel="pin")
    row = _value(metrics.rates(zero, by="channel"), "engagement_rate_reach", channel="pin")
    assert np.isnan(row["value"])
    assert row["note"] == "reach is 0 for every measured post: rate undefined"


def test_impressions_stand_in_for_reach_and_reach_for_impressions(hand):
    no_reach = hand.drop(columns=["reach"])
    row = _value(metrics.rates(no_reach, by="all", rates=["engagement_rate_reach"]), "engagement_rate_reach")
    assert row["value"] == pytest.approx(100 * (50 + 0 + 11 + 120) / (1500 + 600 + 2400))
    no_impr = hand.drop(columns=["impressions"])
    row = _value(metrics.rates(no_impr, by="channel", rates=["click_through_rate"]), "click_through_rate", channel="fb")
    assert row["value"] == pytest.approx(100 * 20 / 1000)


def test_rates_by_paid_and_post_type(hand):
    long = metrics.rates(hand, by=["paid"], rates=["engagement_rate_reach"])
    assert _value(long, "engagement_rate_reach", paid="paid")["value"] == pytest.approx(100 * 170 / 3000)
    assert _value(long, "engagement_rate_reach", paid="organic")["value"] == pytest.approx(100 * 11 / 500)
    long = metrics.rates(hand, by=["post_type"], rates=["applause_rate"])
    assert _value(long, "applause_rate", post_type="video")["value"] == pytest.approx(55)
    assert set(metrics.rates(hand.drop(columns=["paid"]), by="paid")["paid"]) == {"not recorded"}


def test_paid_label_reads_booleans_and_text():
    got = metrics.paid_label(pd.Series([True, False, "yes", "No", "paid", None, "maybe"], dtype=object))
    assert got.tolist() == ["paid", "organic", "paid", "organic", "paid", "not recorded", "not recorded"]


def test_rates_summary_and_notes(hand):
    long = metrics.rates(hand, by="channel")
    wide = metrics.rates_summary(long)
    assert list(wide["channel"]) == ["fb", "ig"]
    assert wide.loc[wide["channel"] == "fb", "click_to_lead"].iloc[0] == 10.0
    notes = metrics.rate_notes(long)
    assert {"channel", "rate", "note"} <= set(notes.columns)
    assert (notes["note"] != "").all()
    assert "opt_ins_per_1000_reach" in set(notes["rate"])


def test_bad_rate_or_grouping_names_the_closest():
    df = pd.DataFrame({"channel": ["a"], "reach": [1], "likes": [1]})
    with pytest.raises(ParameterError, match="Did you mean 'click_through_rate'"):
        metrics.rates(df, rates=["click_trough_rate"])
    with pytest.raises(ParameterError, match="Did you mean 'channel'"):
        metrics.rates(df, by="chanel")


def test_rates_do_not_mutate_input(hand):
    before = hand.copy()
    metrics.rates(hand, by=["channel", "paid", "period"])
    metrics.funnel(hand)
    pd.testing.assert_frame_equal(hand, before)


def test_funnel_pinned_on_hand_example(hand):
    f = metrics.funnel(hand).set_index(["channel", "stage"])
    fb = f.loc["fb"]
    assert fb.loc["reach", "count"] == 1500
    assert fb.loc["engagement", "step_rate"] == pytest.approx(100 * 61 / 1500)
    assert fb.loc["click", "count"] == 20
    assert fb.loc["click", "step_rate"] == pytest.approx(40.0)  # 20 / (50 + 0) over posts with both
    assert fb.loc["click", "from_reach"] == pytest.approx(2.0)  # 20 / (1000 + 0)
    assert fb.loc["lead", "step_rate"] == pytest.approx(10.0)
    assert fb.loc["lead", "from_reach"] == pytest.approx(100 * 3 / 1500)
    assert fb.loc["order", "step_rate"] == pytest.approx(100 / 3)
    assert f.xs("ig")["order"].tolist() == [1, 2, 3, 4, 5]


def test_funnel_stops_at_a_stage_not_measured(hand):
    f = metrics.funnel(hand.drop(columns=["leads"])).set_index(["channel", "stage"])
    assert f.loc[("fb", "lead"), "note"] == "lead not measured"
    assert np.isnan(f.loc[("fb", "order"), "step_rate"])
    assert f.loc[("fb", "order"), "note"] == "previous stage not measured"


# --------------------------------------------------------------------------- periods


def test_periods_from_a_date_column():
    df = pd.DataFrame({"date": pd.to_datetime(["2025-03-04 18:00", "2025-04-30 09:00"]), "channel": "a"})
    out = metrics.add_period(df)
    assert out["period"].tolist() == ["2025-03", "2025-04"]
    assert out["weekday"].tolist() == ["Tuesday", "Wednesday"]
    assert out["hour"].tolist() == [18.0, 9.0]
    assert out["month_of_year"].tolist() == ["Mar", "Apr"]
    assert metrics.add_period(df, period="week")["period"].iloc[0] == "2025-W10"
    assert metrics.add_period(df, period="quarter")["period"].tolist() == ["2025Q1", "2025Q2"]
    assert "period" not in df.columns
    with pytest.raises(ParameterError, match="Did you mean 'month'"):
        metrics.add_period(df, period="mnth")


def test_periods_from_month_weekday_hour_columns():
    with_year = pd.DataFrame({"month": ["2025-03", "Apr 2025"], "weekday": ["mon", "6"], "hour": [7, 22]})
    basis = metrics.time_basis(with_year)
    assert basis.source == "month" and basis.trend
    out = metrics.add_period(with_year)
    assert out["period"].tolist() == ["2025-03", "2025-04"]
    assert out["weekday"].tolist() == ["Monday", "Sunday"]
    no_year = pd.DataFrame({"month": ["March", "4"], "hour": [7, 22]})
    basis = metrics.time_basis(no_year)
    assert basis.source == "month_of_year" and not basis.trend
    assert "trend sections are skipped" in basis.note
    out = metrics.add_period(no_year)
    assert out["period"].isna().all() and out["month_of_year"].tolist() == ["Mar", "Apr"]
    assert metrics.time_basis(pd.DataFrame({"weekday": ["Monday"]})).source == "weekday_hour"
    assert metrics.time_basis(pd.DataFrame({"x": [1]})).source == "none"


def test_trends_skipped_with_a_note_without_ordered_time(hand):
    t = metrics.trends(hand)
    assert t.skipped and t.table.empty
    assert "Trend skipped" in t._repr_markdown_()
    chart = charts.trend_chart(t)
    assert chart.to_dict()["mark"]["type"] == "text"


def test_trends_per_period(hand):
    dated = hand.assign(date=pd.to_datetime(["2025-01-05", "2025-01-20", "2025-02-03", "2025-02-10"]))
    t = metrics.trends(dated, by="channel")
    assert not t.skipped
    jan = t.table[(t.table["period"] == "2025-01") & (t.table["channel"] == "fb")]["value"].iloc[0]
    assert jan == pytest.approx(5.0)  # (50 + 0) / (1000 + 0)
    assert list(t.table["period"].unique()) == ["2025-01", "2025-02"]
    assert charts.trend_chart(t).to_dict()["mark"]["type"] == "line"


def test_timing_by_weekday_and_hour():
    df = pd.DataFrame({"channel": "a", "weekday": ["Monday", "Monday", "Friday"], "hour": [9, 9, 17],
                       "reach": [100, 300, 100], "likes": [10, 10, 5]})
    t = metrics.timing(df)
    mon = t[(t["dimension"] == "weekday") & (t["value_label"] == "Monday")]["value"].iloc[0]
    assert mon == pytest.approx(5.0)
    assert t[t["dimension"] == "hour"]["value_label"].tolist() == ["09:00", "17:00"]
    assert metrics.timing(pd.DataFrame({"channel": ["a"], "reach": [1], "likes": [1]})).empty


# --------------------------------------------------------------------------- ladder, gaps, findings


def test_ladder_loads_with_its_columns():
    ladder = tables.load("metric_ladder")
    assert {"metric", "kind", "rung", "becomes", "aliases", "aggregate"} <= set(ladder.columns)
    assert set(ladder["kind"]) == {"vanity", "business"}
    row = ladder.set_index("metric").loc["followers"]
    assert row["becomes"] == "opt_ins" and row["rung"] == "relationships"


def test_bad_ladder_names_the_line(tmp_path):
    bad = tmp_path / "ladder.csv"
    bad.write_text("metric,kind,rung,becomes,aliases\nlikes,vanity,engagement,leads,likes\nleads,busines,engagement,,leads\n")
    with pytest.raises(DataValidationError) as err:
        tables.load("metric_ladder", bad)
    assert err.value.problems[0].rows == [3]
    assert "busines" in str(err.value)


def test_vanity_only_is_a_finding_not_an_error():
    df = pd.DataFrame({"channel": ["a", "a"], "reach": [100, 200], "likes": [5, 7]})
    found = metrics.measurement_findings(df)
    assert metrics.VANITY_ONLY in found
    assert "measuring vanity only" in found._repr_markdown_()
    cov = metrics.ladder_coverage(df).set_index("rung")
    assert cov.loc["relationships", "status"] == "vanity only"
    assert cov.loc["relationships", "business_coverage"] == 0
    # reach of followers, reach, impressions, follows gained, media views
    assert cov.loc["relationships", "vanity_coverage"] == pytest.approx(1 / 5)
    assert cov.loc["revenue", "status"] == "nothing measured"


def test_business_outcome_removes_vanity_only(hand):
    found = metrics.measurement_findings(hand)
    assert metrics.VANITY_ONLY not in found
    assert "The relationships rung is vanity only" in found  # no opt_ins
    assert "1 posts had zero reach" in found
    assert "Trends are skipped" in found


def test_sparse_outcomes_are_named():
    df = pd.DataFrame({"channel": "a", "reach": range(1, 11), "likes": range(10), "orders": [0] * 9 + [1]})
    assert "Sparse outcome: orders" in metrics.measurement_findings(df)


def test_gaps_list_absent_empty_partial_and_hint(hand):
    df = hand.assign(sentiment=NAN, **{"Page Fans": 10}).drop(columns=["followers"])
    gaps = metrics.measurement_gaps(df).set_index("item")
    assert gaps.loc["opt_ins", "status"] == "absent"
    assert gaps.loc["sentiment", "status"] == "empty"
    assert gaps.loc["comments", "status"] == "partial"
    assert gaps.loc["comments", "coverage"] == pytest.approx(0.75)
    assert "'Page Fans'" in gaps.loc["followers", "hint"]
    assert "engagement_rate_followers" in gaps.loc["followers", "consequence"]
    assert gaps.loc["date", "kind"] == "dimension"
    assert "likes" not in gaps.index  # fully measured


def test_assumed_channel_is_a_gap_and_a_finding():
    raw = pd.DataFrame({"reach": [1, 2], "likes": [0, 1]})
    posts = io.validate(raw, "posts", defaults={"channel": "facebook"})
    assert posts["channel"].tolist() == ["facebook", "facebook"]
    assert metrics.assumed_channel(posts) == "facebook"
    gaps = metrics.measurement_gaps(posts).set_index("item")
    assert "'facebook'" in gaps.loc["channel", "hint"]
    assert "No channel column" in metrics.measurement_findings(posts)
    assert "channel" not in raw.columns
    given = io.validate(raw.assign(channel="ig"), "posts", defaults={"channel": "facebook"})
    assert metrics.assumed_channel(given) is None and "channel" not in set(metrics.measurement_gaps(given)["item"])
    with pytest.raises(DataValidationError, match="reach or an impressions"):
        io.validate(pd.DataFrame({"channel": ["a"], "likes": [1]}), "posts")


def test_ladder_map_pairs_vanity_with_business(hand):
    m = metrics.ladder_map(hand).set_index("vanity")
    assert m.loc["followers", "becomes"] == "opt_ins" and m.loc["followers", "business_status"] == "absent"
    assert m.loc["likes", "becomes"] == "leads" and m.loc["likes", "business_status"] == "measured"


# --------------------------------------------------------------------------- vanity vs value


def test_spearman_pinned():
    assert metrics.spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]) == pytest.approx(0.8)  # 1 - 6*4/(5*24)
    assert metrics.spearman([1, 2, 2, 3], [1, 2, 3, 4]) == pytest.approx(4.5 / math.sqrt(4.5 * 5))  # ties
    assert np.isnan(metrics.spearman([1, 2, 3], [5, 5, 5]))


def test_fisher_interval_pinned():
    lo, hi = metrics.fisher_interval(0.5, 10)
    # atanh(0.5) = 0.549306; half width = 1.959964 * 1.06 / sqrt(7) = 0.785245
    assert lo == pytest.approx(-0.231656, abs=1e-5)
    assert hi == pytest.approx(0.870357, abs=1e-5)
    assert all(np.isnan(metrics.fisher_interval(0.5, 3)))
    assert metrics.fisher_interval(1.0, 20) == (1.0, 1.0)


def test_bootstrap_interval_is_seeded_and_brackets_rho():
    rng = np.random.default_rng(1)
    x = rng.normal(size=60)
    y = x + rng.normal(scale=0.8, size=60)
    a = metrics.bootstrap_interval(x, y, seed=3, n_boot=400)
    assert a == metrics.bootstrap_interval(x, y, seed=3, n_boot=400)
    rho = metrics.spearman(x, y)
    assert a[0] < rho < a[1] and a[0] > 0


def _corr_table() -> pd.DataFrame:
    n = 30
    likes = np.arange(1, n + 1, dtype=float)
    return pd.DataFrame({
        "channel": ["a"] * n + ["b"] * 5,
        "reach": np.r_[likes * 10, [1, 2, 3, 4, 5]],
        "likes": np.r_[likes, [1, 2, 3, 4, 5]],
        "shares": np.r_[likes[::-1], [1, 2, 3, 4, 5]],
        "leads": np.r_[likes * 2, [0, 1, 0, 1, 0]],
        "orders": np.r_[np.zeros(n), [0, 0, 0, 0, 0]],
    })


@pytest.mark.parametrize("method", ["fisher", "bootstrap"])
def test_vanity_value_verdicts(method):
    corr = metrics.vanity_value(_corr_table(), method=method, n_boot=200).set_index(["channel", "vanity", "outcome"])
    assert corr.loc[("a", "likes", "leads"), "rho"] == pytest.approx(1.0)
    assert corr.loc[("a", "likes", "leads"), "verdict"] == "moves with value"
    assert corr.loc[("a", "shares", "leads"), "verdict"] == "moves against value"
    assert corr.loc[("a", "likes", "orders"), "verdict"] == "outcome never varies"
    assert corr.loc[("b", "likes", "leads"), "verdict"] == "not enough posts"
    assert corr.loc[("a", "likes", "leads"), "n"] == 30


def test_vanity_value_without_outcomes_is_empty_and_explained():
    df = pd.DataFrame({"channel": "a", "reach": range(20), "likes": range(20)})
    corr = metrics.vanity_value(df)
    assert corr.empty
    assert "Nothing to correlate" in metrics.vanity_value_findings(corr)
    assert charts.correlation_chart(corr).to_dict()["mark"]["type"] == "text"
    with pytest.raises(ParameterError):
        metrics.vanity_value(df, method="pearson")


def test_vanity_value_findings_name_the_predictor():
    found = metrics.vanity_value_findings(metrics.vanity_value(_corr_table()))
    assert "On a, likes" in found._repr_markdown_()
    assert metrics.strongest_pair(metrics.vanity_value(_corr_table())) in {("likes", "leads"), ("reach", "leads")}


def test_binned_scatter_is_aggregated():
    big = pd.DataFrame({"channel": np.repeat(["a", "b"], 5000), "likes": np.tile(np.arange(5000), 2),
                        "leads": np.tile(np.arange(5000) // 100, 2)})
    binned = metrics.binned_vanity_value(big, vanity="likes", outcome="leads", bins=8)
    assert len(binned) == 16
    assert binned["posts"].sum() == 10000
    assert binned.groupby("channel")["outcome_mean"].apply(lambda s: s.is_monotonic_increasing).all()
    chart = charts.vanity_value_chart(binned, vanity="likes", outcome="leads")
    assert len(chart.to_dict()["datasets"][next(iter(chart.to_dict()["datasets"]))]) == 16


# --------------------------------------------------------------------------- objectives


@pytest.fixture
def monthly() -> pd.DataFrame:
    return pd.DataFrame({
        "date": pd.to_datetime(["2025-01-10", "2025-02-10", "2025-03-10", "2025-03-20"]),
        "channel": ["fb", "fb", "fb", "ig"],
        "reach": [1000, 1000, 1000, 500],
        "likes": [30, 40, 50, 10],
        "followers": [100, 110, 120, 900],
        "leads": [2, 4, 5, 1],
    })


def test_objectives_status_gap_and_trend(monthly):
    obj = pd.DataFrame({"objective": ["Leads", "Engage fb", "Audience", "Typo", "Nowhere", "Orders", "Alias"],
                        "metric": ["leads", "engagement_rate_reach", "followers", "enggement_rate_reach", "leads",
                                   "orders", "enquiries"],
                        "target": [5, 4.0, 120, 1, 1, 1, 10],
                        "channel": [None, "fb", "fb", None, "tiktok", None, "ig"]})
    st = metrics.objectives_status(monthly, obj).set_index("objective")
    # leads per month: Jan 2, Feb 4, Mar 5 + 1 = 6 -> mean 4; target 5 -> behind (4 < 4.5)
    assert st.loc["Leads", "value"] == pytest.approx(4.0)
    assert st.loc["Leads", "gap"] == pytest.approx(-1.0)
    assert st.loc["Leads", "pct_of_target"] == pytest.approx(80.0)
    assert st.loc["Leads", "status"] == "behind"
    assert st.loc["Leads", "trend"] == "rising" and st.loc["Leads", "slope"] == pytest.approx(2.0)
    assert st.loc["Leads", "last_period"] == "2025-03" and st.loc["Leads", "last_value"] == 6
    # engagement rate on fb: 100 * 120 / 3000 = 4.0 -> met
    assert st.loc["Engage fb", "value"] == pytest.approx(4.0) and st.loc["Engage fb", "status"] == "met"
    assert st.loc["Audience", "value"] == 120 and st.loc["Audience", "status"] == "met"  # latest period
    assert st.loc["Typo", "status"] == "unknown metric" and "engagement_rate_reach" in st.loc["Typo", "basis"]
    assert st.loc["Nowhere", "status"] == "no posts"
    assert st.loc["Orders", "status"] == "not measured"
    assert st.loc["Alias", "value"] == 1 and st.loc["Alias", "status"] == "behind"
    found = metrics.objective_findings(metrics.objectives_status(monthly, obj))._repr_markdown_()
    assert "about 1 periods away" in found  # gap 1 / slope 2 per month
    assert "Orders: not measured" in found


def test_objective_close_band_and_no_dates(monthly):
    obj = pd.DataFrame({"objective": ["x"], "metric": ["leads"], "target": [4.3], "channel": [None]})
    assert metrics.objectives_status(monthly, obj)["status"].iloc[0] == "close"  # 4.0 >= 0.9 * 4.3
    undated = monthly.drop(columns=["date"])
    st = metrics.objectives_status(undated, obj)
    assert st["value"].iloc[0] == 12 and st["trend"].iloc[0] == "skipped"
    assert "no dates" in st["basis"].iloc[0]


def test_no_objectives_is_a_finding(monthly):
    assert metrics.objectives_status(monthly, None).empty
    assert "No objectives defined" in metrics.objective_findings(metrics.objectives_status(monthly, None))


def test_objectives_path_of_a_notebook_run():
    assert params.objectives_path({"posts_path": "x.csv", "objectives_path": None}) is None
    assert params.objectives_path({"brand": "summit_outfitters", "posts_path": None}).name == "objectives.csv"


def test_metric_names_resolve_by_key_and_alias():
    assert metrics.resolve_metric("Engagement-Rate Reach") == "engagement_rate_reach"
    assert metrics.resolve_metric(" Enquiries ") == "leads"
    assert metrics.resolve_metric("Demo requests") == "leads"
    assert metrics.resolve_metric("opt-ins") == "opt_ins"
    assert metrics.resolve_metric("nothing like it") is None


def test_objective_channel_matches_by_key(monthly):
    obj = pd.DataFrame({"objective": ["x"], "metric": ["leads"], "target": [1.0], "channel": [" FB "]})
    assert metrics.objectives_status(monthly, obj)["status"].iloc[0] != "no posts"


def test_findings_are_the_one_prose_type(hand, monthly):
    obj = pd.DataFrame({"objective": ["Leads"], "metric": ["leads"], "target": [5], "channel": [None]})
    for found in (metrics.measurement_findings(hand), metrics.vanity_value_findings(metrics.vanity_value(hand)),
                  metrics.objective_findings(metrics.objectives_status(monthly, obj))):
        assert isinstance(found, Findings)
        assert list(found.table.columns) == ["area", "kind", "finding", "detail"]


# --------------------------------------------------------------------------- charts


def test_charts_are_values_with_few_rows(hand, monthly):
    obj = pd.DataFrame({"objective": ["Leads"], "metric": ["leads"], "target": [5], "channel": [None]})
    drawn = [
        charts.funnel_chart(metrics.funnel(hand)),
        charts.ladder_chart(metrics.ladder_coverage(hand)),
        charts.rates_chart(metrics.rates(hand, by=["channel", "post_type"])),
        charts.timing_chart(metrics.timing(monthly)),
        charts.objectives_chart(metrics.objectives_status(monthly, obj)),
    ]
    for c in drawn:
        assert isinstance(c, alt.TopLevelMixin)
        spec = c.to_dict()
        assert all(len(rows) < 100 for rows in spec.get("datasets", {}).values())
    funnel_spec = drawn[0].to_dict()
    assert funnel_spec["spec"]["layer"][0]["encoding"]["x"]["scale"]["type"] == "log"


def test_objectives_chart_is_a_bullet(monthly):
    obj = pd.DataFrame({"objective": ["Leads"], "metric": ["leads"], "target": [5], "channel": [None]})
    spec = charts.objectives_chart(metrics.objectives_status(monthly, obj)).to_dict()
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in spec["layer"]]
    assert marks == ["bar", "bar", "tick"]


# --------------------------------------------------------------------------- samples


def test_sample_posts_are_deterministic_and_valid():
    for brand in BRANDS:
        a = posts_samples.generate(brand, rng_for(brand, "posts"))
        b = posts_samples.generate(brand, rng_for(brand, "posts"))
        assert to_csv_text(a["posts.csv"]) == to_csv_text(b["posts.csv"])
        posts = io.validate(a["posts.csv"], "posts")
        objectives = io.validate(a["objectives.csv"], "objectives")
        assert objectives["initiative"].notna().sum() >= 3 and objectives["initiative"].isna().sum() == 1
        assert posts.groupby("channel").size().size >= 4
        months = pd.to_datetime(posts["date"]).dt.to_period("M").nunique()
        assert months >= 12
        assert set(a) <= set(posts_samples.COLUMNS) and {"posts.csv", "objectives.csv"} <= set(a)
        if "trust.csv" in a:  # two of the three brands measure trust
            assert io.validate(a["trust.csv"], "trust")["period"].nunique() == 5
    assert sum("trust.csv" in posts_samples.generate(b, rng_for(b, "posts")) for b in BRANDS) == 2


def test_committed_samples_match_the_generator():
    for brand in BRANDS:
        files = posts_samples.generate(brand, rng_for(brand, "posts"))
        for name, df in files.items():
            assert (SAMPLES_DIR / brand.name / name).read_text(encoding="utf-8") == to_csv_text(df), (brand.name, name)


def test_memorials_outcomes_are_sparse_with_zero_reach():
    brand = next(b for b in BRANDS if b.business_model == "memorials")
    posts = io.validate(posts_samples.generate(brand, rng_for(brand, "posts"))["posts.csv"], "posts")
    assert (posts["reach"] == 0).sum() > 0
    assert (posts["leads"] > 0).mean() < 0.1
    found = metrics.measurement_findings(posts)
    assert "Sparse outcome: orders" in found


def test_planted_predictors():
    brand = next(b for b in BRANDS if b.business_model == "b2c_retail")
    posts = io.validate(posts_samples.generate(brand, rng_for(brand, "posts"))["posts.csv"], "posts")
    corr = metrics.vanity_value(posts).set_index(["channel", "vanity", "outcome"])
    assert corr.loc[("instagram", "saves", "orders"), "verdict"] == "moves with value"
    assert corr.loc[("tiktok", "reach", "orders"), "verdict"] == "no evidence"
    assert corr.loc[("instagram", "saves", "orders"), "rho"] > corr.loc[("instagram", "likes", "orders"), "rho"] + 0.2


# --------------------------------------------------------------------------- page export


def _page_module():
    spec = importlib.util.spec_from_file_location("make_page_export", DATA_DIR / "posts" / "make_page_export.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_page_export_is_reproducible_and_reads_through_column_map():
    mod = _page_module()
    path = DATA_DIR / "posts" / "page_export.csv"
    assert path.read_text(encoding="utf-8") == mod.make().to_csv(sep=";", index=False, lineterminator="\n")
    posts = io.load(path, "posts", column_map=mod.COLUMN_MAP, defaults={"channel": "facebook"})
    assert posts.attrs["delimiter"] == ";"
    assert metrics.assumed_channel(posts) == "facebook"
    assert metrics.VANITY_ONLY in metrics.measurement_findings(posts)
    assert not metrics.time_basis(posts).trend
    assert metrics.timing(posts)["dimension"].unique().tolist() == ["hour", "month_of_year", "weekday"]


# --------------------------------------------------------------------------- panel


def test_panel_redraws_when_controls_change(hand):
    from socialkit.panels import metrics as panel_module

    p = panel_module.panel(hand)
    first = p.result.copy()
    assert set(first["channel"]) == {"fb", "ig"}
    p.rate.value = "click_through_rate"
    assert p.result["value"].iloc[0] == pytest.approx(100 * 20 / 1500)
    p.grouping.value = "post_type"
    assert "post_type" in p.result.columns
    p.channel.value = "ig"
    assert p.result["value"].tolist() == [pytest.approx(1.25)]
    assert isinstance(p.chart, alt.TopLevelMixin)
    (chart,), (table,) = p.chart_out.outputs, p.table_out.outputs  # what the panel shows: the current ones
    assert chart["data"]["text/plain"].startswith("alt.") and "1.25" in table["data"]["text/html"]
    with pytest.raises(ParameterError):
        panel_module.panel(hand, channel="tiktok")


def test_zero_reach_with_engagement_is_undefined_not_infinite():
    odd = pd.DataFrame({"channel": ["a", "a"], "reach": [0, 0], "likes": [3, 0]})
    per_post = metrics.post_rates(odd, rates=["engagement_rate_reach"])["engagement_rate_reach"]
    assert per_post.isna().all()  # 3 / 0 and 0 / 0 are both undefined
    row = _value(metrics.rates(odd, by="channel", rates=["engagement_rate_reach"]), "engagement_rate_reach", channel="a")
    assert np.isnan(row["value"]) and row["numerator"] == 3 and row["denominator"] == 0

