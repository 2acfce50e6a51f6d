"""Reporting periods and period-over-period comparison: the period grammar, the previous period and
the year before, latest complete month / quarter, posts selected by period (dates or months with their
year), and changes judged against noise on posts with planted (and with no) change."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from socialkit import export, metrics, periods, present
from socialkit.exceptions import ParameterError, ParametersError
from socialkit.metrics import comparison
from socialkit.params import validate_parameters

from conftest import gt_tables


# --------------------------------------------------------------------------- the grammar


@pytest.mark.parametrize("label, length, start, end", [
    ("2025-Q4", "quarter", "2025-10-01", "2025-12-31"),
    ("2025q1", "quarter", "2025-01-01", "2025-03-31"),
    ("2025-Q1", "quarter", "2025-01-01", "2025-03-31"),
    ("2025-11", "month", "2025-11-01", "2025-11-30"),
    ("2024-02", "month", "2024-02-01", "2024-02-29"),
    ("2025-W47", "week", "2025-11-17", "2025-11-23"),
    ("2025", "year", "2025-01-01", "2025-12-31"),
    ("2025-10-01..2025-12-31", "92 days", "2025-10-01", "2025-12-31"),
])
def test_a_period_label_names_its_first_and_last_day(label, length, start, end):
    p = periods.parse(label)
    assert (p.length, p.start.isoformat(), p.end.isoformat()) == (length, start, end)
    got = periods.info(label)  # what the run history stores for the label
    assert (got[0], got[1].isoformat(), got[2].isoformat()) == (length, start, end)


@pytest.mark.parametrize("label, length", [("latest-quarter", "quarter"), ("latest-month", "month"), (None, None),
                                           ("month", "custom"), ("2025-13", "custom")])
def test_the_history_stores_a_length_without_days_for_latest_custom_or_no_period(label, length):
    assert periods.info(label) == (length, None, None)


@pytest.mark.parametrize("label, previous, year_before", [
    ("2025-Q4", "2025-Q3", "2024-Q4"),
    ("2025-Q1", "2024-Q4", "2024-Q1"),
    ("2025-01", "2024-12", "2024-01"),
    ("2025-W01", "2024-W52", "2024-W01"),
    ("2025", "2024", "2024"),
    ("2025-10-01..2025-12-31", "2025-07-01..2025-09-30", "2024-10-01..2024-12-31"),
])
def test_the_previous_period_has_the_same_length_and_the_year_before_is_one_year_back(label, previous, year_before):
    p = periods.parse(label)
    assert periods.previous(p).label == previous
    assert periods.year_before(p).label == year_before
    assert periods.previous(p).days == p.days or p.length in ("month", "quarter", "year")


def test_latest_means_the_last_complete_month_or_quarter():
    assert periods.parse("latest-quarter", last_day=date(2026, 3, 31)).label == "2026-Q1"  # ends on its last day
    assert periods.parse("latest-quarter", last_day=date(2026, 3, 30)).label == "2025-Q4"  # Q1 not complete
    assert periods.parse("latest-month", last_day=date(2026, 2, 14)).label == "2026-01"
    assert periods.parse("latest-month", last_day=date(2026, 2, 28)).label == "2026-02"
    with pytest.raises(ParameterError, match="need dated data"):
        periods.parse("latest-month")


@pytest.mark.parametrize("bad", ["2025-13", "Q4 2025", "last quarter", "2025-W60", "2025-12-31..2025-10-01"])
def test_a_label_that_is_not_a_period_says_which_forms_are_accepted(bad):
    with pytest.raises(ParameterError) as err:
        periods.parse(bad)
    assert "2025-Q4" in str(err.value) and "latest-quarter" in str(err.value) and repr(bad) in str(err.value)


def test_period_month_is_the_old_trend_granularity_and_the_error_says_it_is_now_trend_by():
    with pytest.raises(ParameterError) as err:
        periods.parse("month")
    assert "trend_by" in str(err.value) and "trend_by='month'" in err.value.fix
    # checked with the notebook's parameters, before anything runs
    with pytest.raises(ParametersError) as err:
        validate_parameters("04_vanity_to_value", {"period": "month"})
    assert "trend_by" in str(err.value)
    with pytest.raises(ParametersError, match="trend_by.*week, month, quarter.*Did you mean 'month'"):
        validate_parameters("04_vanity_to_value", {"trend_by": "months"})
    assert validate_parameters("04_vanity_to_value", {"period": "latest-quarter", "trend_by": "week"})["period"] == \
        "latest-quarter"


# --------------------------------------------------------------------------- posts of a period


def _posts(start: str, end: str, *, per_day: int = 3, seed: int = 0, er: float = 0.05, leads_per_post: float = 2.0,
           rho: float = 0.0) -> pd.DataFrame:
    """Posts between two dates: reach ~ lognormal, engagements binomial at rate ``er``, leads Poisson
    (more with clicks when ``rho`` > 0)."""
    rng = np.random.default_rng(seed)
    days = pd.date_range(start, end, freq="D")
    when = np.repeat(days, per_day) + pd.to_timedelta(rng.integers(8, 20, len(days) * per_day), unit="h")
    n = len(when)
    reach = rng.lognormal(7, 0.6, n).round()
    likes = rng.binomial(reach.astype(int), er)
    clicks = rng.binomial(reach.astype(int), 0.01)
    base = rng.poisson(leads_per_post, n)
    leads = base + (rng.binomial(clicks, 0.3) if rho else 0)
    return pd.DataFrame({"post_id": [f"p{seed}-{i}" for i in range(n)], "date": when, "channel": "instagram",
                         "reach": reach, "likes": likes.astype(float), "comments": rng.poisson(3, n).astype(float),
                         "clicks": clicks.astype(float), "leads": leads.astype(float)})


def test_select_period_takes_the_posts_of_the_period_the_one_before_and_the_year_before():
    posts = pd.concat([_posts("2024-10-01", "2025-12-31")], ignore_index=True)
    w = metrics.select_period(posts, "2025-Q4")
    assert (w.label, w.previous.label, w.year_before.label) == ("2025-Q4", "2025-Q3", "2024-Q4")
    assert w.posts["date"].min() >= pd.Timestamp("2025-10-01") and w.posts["date"].max() < pd.Timestamp("2026-01-01")
    assert w.earlier["date"].dt.quarter.eq(3).all() and w.year_ago["date"].dt.year.eq(2024).all()
    assert len(w.posts) == 92 * 3 and len(w.earlier) == 92 * 3
    assert w.until["date"].max() == posts["date"].max()
    assert [name for name, *_ in w.comparisons()] == ["previous period", "year before"]
    assert "Compared with the previous period, **2025-Q3**" in w.summary()
    # latest-quarter resolves against the data: the last post is on 2025-12-31
    assert metrics.select_period(posts, "latest-quarter").label == "2025-Q4"
    # no period: the whole file, nothing compared
    whole = metrics.select_period(posts, None)
    assert whole.period is None and len(whole.posts) == len(posts) and not whole.comparisons()
    assert metrics.compare_rates(whole).empty


def test_a_period_without_posts_or_a_file_without_dates_is_a_clear_error():
    posts = _posts("2025-01-01", "2025-06-30")
    with pytest.raises(ParameterError, match=r"2026-Q1 .* has no posts: the data covers 2025-01-01 to 2025-06-30"):
        metrics.select_period(posts, "2026-Q1")
    with pytest.raises(ParameterError, match="needs dated posts") as err:
        metrics.select_period(posts.drop(columns=["date"]).assign(weekday="Monday"), "2025-Q1")
    assert "leave period empty" in err.value.fix


def test_a_partly_covered_period_is_said_and_outcomes_compare_per_day():
    posts = _posts("2025-07-01", "2025-11-15")
    w = metrics.select_period(posts, "2025-Q4")
    assert w.days == {"2025-Q4": 46, "2025-Q3": 92, "2024-Q4": 0}
    assert any("46 of the 92 days of 2025-Q4" in n for n in w.notes)
    out = metrics.compare_outcomes(w)
    leads = out.set_index("metric").loc["leads"]
    assert leads["now"] == pytest.approx(w.posts["leads"].sum() / 46)
    assert leads["before"] == pytest.approx(w.earlier["leads"].sum() / 92)
    assert [name for name, *_ in w.comparisons()] == ["previous period"]  # no posts a year before


def test_months_with_their_year_select_months_and_quarters_but_not_weeks():
    monthly = pd.DataFrame({"month": ["Jan 2025", "Feb 2025", "Mar 2025", "Apr 2025", "May 2025", "Jun 2025"],
                            "channel": "facebook", "reach": [1000.0] * 6, "likes": [50.0, 60, 55, 80, 90, 85]})
    w = metrics.select_period(monthly, "2025-Q2")
    assert list(w.posts["month"]) == ["Apr 2025", "May 2025", "Jun 2025"] and len(w.earlier) == 3
    assert metrics.select_period(monthly, "latest-month").label == "2025-06"  # a month row stands for its month
    with pytest.raises(ParameterError, match="months, not dates"):
        metrics.select_period(monthly, "2025-W10")


# --------------------------------------------------------------------------- beyond noise


def test_a_planted_rise_in_engagement_is_beyond_noise_and_the_same_rate_is_not():
    before = _posts("2025-07-01", "2025-09-30", seed=1, er=0.05)
    same = _posts("2025-10-01", "2025-12-31", seed=2, er=0.05)
    rose = _posts("2025-10-01", "2025-12-31", seed=3, er=0.065)
    flat = metrics.compare_rates(metrics.select_period(pd.concat([before, same]), "2025-Q4"), rates=["engagement_rate_reach"])
    up = metrics.compare_rates(metrics.select_period(pd.concat([before, rose]), "2025-Q4"), rates=["engagement_rate_reach"])
    assert flat["verdict"].tolist() == ["within noise"]
    assert flat["low"].iloc[0] < 0 < flat["high"].iloc[0]
    r = up.iloc[0]
    assert r["verdict"] == "up, beyond noise" and r["against"] == "2025-Q3" and r["low"] > 0
    # the values are the ratio of sums of each period, computed here independently
    now, then = rose, before
    eng = lambda d: d["likes"] + d["comments"]  # noqa: E731 - the posts measure likes and comments only
    assert r["now"] == pytest.approx(100 * eng(now).sum() / now["reach"].sum())
    assert r["before"] == pytest.approx(100 * eng(then).sum() / then["reach"].sum())
    assert r["change"] == pytest.approx(r["now"] - r["before"])
    assert "bootstrap" in r["method"] and "95 %" in r["method"]
    # the same seed gives the same interval: reports are reproducible
    again = metrics.compare_rates(metrics.select_period(pd.concat([before, rose]), "2025-Q4"), rates=["engagement_rate_reach"])
    assert (again["low"].iloc[0], again["high"].iloc[0]) == (r["low"], r["high"])


def test_outcomes_per_day_rise_beyond_noise_only_when_planted():
    before = _posts("2025-07-01", "2025-09-30", seed=4, leads_per_post=2.0)
    more = _posts("2025-10-01", "2025-12-31", seed=5, leads_per_post=2.6)
    same = _posts("2025-10-01", "2025-12-31", seed=6, leads_per_post=2.0)
    up = metrics.compare_outcomes(metrics.select_period(pd.concat([before, more]), "2025-Q4")).set_index("metric")
    flat = metrics.compare_outcomes(metrics.select_period(pd.concat([before, same]), "2025-Q4")).set_index("metric")
    assert up.loc["leads", "verdict"] == "up, beyond noise" and up.loc["leads", "label"] == "Leads per day"
    assert up.loc["leads", "total_now"] == more["leads"].sum()
    assert flat.loc["leads", "verdict"] == "within noise"


def test_a_vanity_value_link_that_appears_is_tested_with_fishers_z():
    before = _posts("2025-07-01", "2025-09-30", seed=7, rho=0.0)
    linked = _posts("2025-10-01", "2025-12-31", seed=8, rho=1.0)
    out = metrics.compare_vanity_value(metrics.select_period(pd.concat([before, linked]), "2025-Q4"))
    pair = out.set_index(["vanity", "outcome"]).loc[("clicks", "leads")]
    assert pair["rho_now"] > pair["rho_before"] + 0.2
    assert pair["verdict"] == "up, beyond noise" and pair["p_value"] < 0.05 and "Fisher z" in pair["method"]


def test_objectives_are_compared_period_by_period_with_trust_as_it_stood():
    posts = pd.concat([_posts("2025-07-01", "2025-09-30", seed=9, er=0.05),
                       _posts("2025-10-01", "2025-12-31", seed=10, er=0.07)])
    objectives = pd.DataFrame({"objective": ["Engage", "Recommend"], "metric": ["engagement_rate_reach", "NPS"],
                               "target": [6.0, 50.0], "channel": ["instagram", None], "initiative": ["", ""]})
    trust = pd.DataFrame({"period": ["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"], "measure": "NPS",
                          "value": [30.0, 40.0, 52.0, 60.0]})
    w = metrics.select_period(posts, "2025-Q4")
    out = metrics.compare_objectives(w, objectives, trust=trust).set_index("objective")
    assert (out.loc["Engage", "status_before"], out.loc["Engage", "status_now"]) == ("behind", "met")
    assert out.loc["Engage", "verdict"] == "up, beyond noise"
    # trust as it stood at each period's end: 52 for 2025-Q4 (not 2026-Q1's 60), 40 for 2025-Q3
    assert (out.loc["Recommend", "now"], out.loc["Recommend", "before"]) == (52.0, 40.0)
    assert out.loc["Recommend", "verdict"] == "not tested" and "no interval" in out.loc["Recommend", "method"]
    found = metrics.comparison_findings(w, metrics.compare_rates(w), metrics.compare_outcomes(w), out.reset_index())
    assert "Objective 'Engage' is met (was behind in 2025-Q3)" in found
    assert "Against 2025-Q3 (the previous period)" in found and "Engagement rate (reach) rose from" in found


def test_the_view_for_people_has_units_arrows_intervals_and_a_tone():
    before = _posts("2025-07-01", "2025-09-30", seed=1, er=0.05)
    rose = _posts("2025-10-01", "2025-12-31", seed=3, er=0.065)
    table = metrics.compare_rates(metrics.select_period(pd.concat([before, rose]), "2025-Q4"))
    view = comparison.view(table).set_index("figure")
    row = view.loc["Engagement rate (reach)"]
    assert row["change"].startswith("\u25b2 +") and row["change"].endswith(" pt") and row["tone"] == "good"
    assert row["now"].endswith(" %") and " to " in row["interval"]
    assert "Engagement rate (followers)" not in view.index  # not measured: left out
    html = present.table(comparison.view(table), tone={"change": "tone"}).html()
    shown = gt_tables(html)[0]
    assert "Tone" not in shown.columns and "Compared with" in shown.columns  # the tone colours, it is not shown
    assert present.GOOD.lower() in html.lower()  # the rise is coloured as good news
    plain = present.table(comparison.view(table)).html()
    assert present.GOOD.lower() not in plain.lower()


def test_the_title_block_names_the_period_and_what_it_is_compared_with():
    from socialkit import figures, records

    posts = _posts("2024-10-01", "2025-12-31")
    found = figures.period(metrics.select_period(posts, "2025-Q4"))
    assert found == {"period": "2025-Q4", "period_covered": "2025-10-01 to 2025-12-31",
                     "compared_with": "2025-Q3 (previous period) and 2024-Q4 (a year earlier)"}
    nb = {"cells": [{"cell_type": "code", "outputs": [
        {"output_type": "display_data", "data": {records.MIME: {"name": k, "data": v}}} for k, v in found.items()]}],
        "metadata": {}}
    items = export.masthead(nb)
    assert items["Period"] == "2025-Q4 (2025-10-01 to 2025-12-31)"
    assert items["Compared with"] == "2025-Q3 (previous period) and 2024-Q4 (a year earlier)"
    assert "Period covered" not in items
