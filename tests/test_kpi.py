"""The KPI vocabulary: vanity or business, read from the words of a KPI, never guessed."""

from __future__ import annotations

import pandas as pd
import pytest

from socialkit import kpi, tables
from socialkit.exceptions import DataValidationError

# The cases of issue 13's "Done when", exactly: kind and what the KPI measures.
DONE_WHEN = [
    ("engagement rate", "vanity", "engagement"),
    ("CTR", "vanity", "engagement"),
    ("newsletter subscribers", "business", "opt-in"),
    ("YouTube channel subscribers", "vanity", "followers"),
    ("qualified leads", "business", "leads"),
    ("brand love", "unclassified", ""),
]


@pytest.mark.parametrize("text,kind,means", DONE_WHEN)
def test_the_issue_cases_classify_as_the_model_says(text, kind, means):
    row = kpi.classify([text]).iloc[0]
    assert (row["kpi_kind"], row["means"]) == (kind, means)


def test_the_longest_overlapping_term_wins_and_any_business_term_makes_it_business():
    got = kpi.classify(["subscribers", "Newsletter-Subscribers", "channel subscribers", "subscribers opted in",
                        "likes and leads", "rate of likes", "Engagement rate (IG)", "views per video",
                        "Net Promoter Score", "repeat purchases", "Follower growth", "", None])
    assert got["kpi_kind"].tolist() == ["vanity", "business", "vanity", "business", "business", "vanity", "vanity",
                                        "vanity", "business", "business", "vanity", "missing", "missing"]
    assert got["matched"].tolist()[:4] == ["subscribers", "newsletter subscribers", "channel subscribers", "opted in"]
    assert got.loc[5, "matched"] == "rate of likes" and got.loc[6, "matched"] == "engagement rate"
    assert got.loc[8, "means"] == "trust" and got.loc[9, "means"] == "retention"
    assert got.loc[0, "becomes"] == "opt_ins" and got.loc[4, "becomes"] == ""  # only vanity KPIs are redirected


def test_index_of_a_series_is_kept():
    got = kpi.classify(pd.Series(["leads", "likes"], index=[7, 3]))
    assert list(got.index) == [7, 3] and got.loc[3, "kpi_kind"] == "vanity"


def test_a_custom_vocabulary_is_checked_and_used():
    table = pd.DataFrame({"term": ["brand love", "leads"], "kind": ["business", "vanity"],
                          "means": ["affinity", "leads"], "becomes": [None, "orders"]})
    got = kpi.classify(["brand love", "qualified leads", "likes"], table)
    assert got["kpi_kind"].tolist() == ["business", "vanity", "unclassified"]
    bad = table.assign(kind=["business", "vain"])
    with pytest.raises(DataValidationError) as info:
        kpi.classify(["x"], bad)
    assert "kind" in str(info.value) and "line 3" in str(info.value)


def test_unclassified_kpis_become_questions_naming_who_uses_them():
    classified = kpi.classify(pd.Series(["brand love", "leads", "brand love", "mood"]))
    questions = kpi.questions(classified, who=pd.Series(["Memorial tips", "Ads", "Gallery", "Wall"]))
    assert [q.text for q in questions] == ['Is "brand love" a business result or a vanity number?',
                                           'Is "mood" a business result or a vanity number?']
    assert "'Memorial tips' and 'Gallery' are judged on it" in questions[0].detail
    assert all(q.kind == "step" for q in questions)
    assert not len(kpi.questions(kpi.classify(["leads"])))


def test_the_shipped_vocabulary_names_its_sources_and_the_kits_own_terms_are_listed():
    table = tables.load("kpi_vocabulary")
    assert table["term"].map(str.lower).is_unique
    assert table["source"].str.strip().ne("").all()
    notes = kpi.assumptions()
    text = " ".join(f.text for f in notes)
    assert "ctr" in text and "engagement rate" in text  # classified vanity by the kit, not by the essay
    assert "followers" not in text.split("as vanity")[0]  # followers are the essay's own vanity example
