"""From vanity to value: what an organisation measures, what it should measure, and whether its
vanity numbers move the business ones (essay "Social media ≠ Social business"; docs/model.md).

Input is a posts table (contract :class:`socialkit.schemas.Posts`, read with
``socialkit.io.load(path, "posts", defaults={"channel": ...})``): one row per post with vanity
metrics (reach, impressions, likes, comments, shares, saves, clicks, followers, sentiment) and the
business outcomes the organisation records (opt_ins, leads, orders, revenue). Only a reach-or-
impressions column and one engagement column are required; every other metric may be absent, and
a **measured** cell is a non-blank value (absent columns and blank cells are never read as zero).
Formulas and worked examples: docs/metrics.md.

One concept per module, all re-exported here (``sk.metrics.rates(...)``):

* :mod:`~socialkit.metrics.rates`: the documented rates (``RATES``), per post and per group, and
  the reach -> engagement -> click -> lead -> order funnel;
* :mod:`~socialkit.metrics.time`: where periods come from (``time_basis``) and ``add_period``;
* :mod:`~socialkit.metrics.trends`: one rate per period (``trends``) and by weekday / hour / month
  (``timing``);
* :mod:`~socialkit.metrics.ladder`: the vanity -> business ladder, measurement gaps and findings;
* :mod:`~socialkit.metrics.correlation`: Spearman's rho of vanity with value, with intervals;
* :mod:`~socialkit.metrics.objectives`: objectives' value, gap, status and trend;
* :mod:`~socialkit.metrics.comparison`: one reporting period against the previous one and the year
  before (``select_period``, ``compare_rates`` ...), with the change and whether it is beyond noise.

Charts are in :mod:`socialkit.charts.metrics`; the rates explorer in :mod:`socialkit.panels.metrics`.
"""

from __future__ import annotations

from .comparison import (Window, compare_objectives, compare_outcomes, compare_rates, compare_vanity_value,
                         comparison_findings, select_period, trust_until)
from .correlation import (binned_vanity_value, bootstrap_interval, fisher_interval, spearman, strongest_pair,
                          vanity_value, vanity_value_findings)
from .ladder import (RUNGS, preview, VANITY_ONLY, assumed_channel, classify_metrics, ladder_coverage, ladder_map,
                     measurement_findings, measurement_gaps, trust_series, trust_table)
from .objectives import delivery, improve, link_objectives, objective_findings, objectives_status, resolve_metric
from .rates import (DIMENSIONS, ENGAGEMENT_ACTIONS, FUNNEL_STAGES, RATES, Rate, basis_column, check_by, check_rates,
                    engagements, funnel, paid_label, post_rates, rate_definitions, rate_notes, rates, rates_summary)
from .time import (MONTHS, PERIODS, WEEKDAYS, TimeBasis, add_period, check_period, gap_findings, missing_periods,
                   period_covered, time_basis)
from .trends import Trends, timing, trends

__all__ = [
    "Window", "compare_objectives", "compare_outcomes", "compare_rates", "compare_vanity_value",
    "comparison_findings", "select_period", "trust_until",
    "DIMENSIONS", "ENGAGEMENT_ACTIONS", "FUNNEL_STAGES", "MONTHS", "PERIODS", "RATES", "RUNGS", "VANITY_ONLY",
    "WEEKDAYS", "Rate", "TimeBasis", "Trends", "add_period", "assumed_channel", "basis_column",
    "binned_vanity_value", "bootstrap_interval", "check_by", "check_period", "check_rates", "classify_metrics",
    "delivery", "engagements", "fisher_interval", "period_covered", "preview", "improve", "link_objectives", "trust_series", "trust_table", "gap_findings", "missing_periods", "funnel", "ladder_coverage", "ladder_map", "measurement_findings",
    "measurement_gaps", "objective_findings", "objectives_status", "paid_label", "post_rates", "rate_definitions",
    "rate_notes", "rates", "rates_summary", "resolve_metric", "spearman", "strongest_pair", "time_basis", "timing",
    "trends", "vanity_value", "vanity_value_findings",
]
