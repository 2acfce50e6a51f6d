"""Properties that must hold for any input, checked with hypothesis: scores and rates stay in their
documented ranges, do not depend on row order, and are never a silent NaN where the docs say a
value is always defined; loaders round-trip what they read, and validation fails only with a
DataValidationError."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialkit import depth, io, metrics, tables, venn
from socialkit import segments as sg
from socialkit.exceptions import DataValidationError, InputFileError
from socialkit.schemas import AUDIENCES, NORMS, STATUSES

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.function_scoped_fixture])
#: Whole analyses per example (Venn model, both questionnaires): fewer examples keep the file fast.
SLOW = settings(FAST, max_examples=30)

FUNCTIONS = tables.load("functions")
PLAYBOOK = tables.load("playbook")
VOCABULARY = tables.load("kpi_vocabulary")
FUNCTION_IDS = FUNCTIONS["function"].tolist()


def shuffled(df: pd.DataFrame, seed: int) -> pd.DataFrame:
    out = df.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    out.attrs = dict(df.attrs)
    return out


# --------------------------------------------------------------------------- Venn model

KPIS = ["", "leads", "likes", "followers and reach", "time to hire", "revenue", "likes and leads", "sign-ups"]


@st.composite
def initiatives(draw) -> pd.DataFrame:
    n = draw(st.integers(1, 12))
    rows = []
    for i in range(n):
        fns = draw(st.lists(st.sampled_from(FUNCTION_IDS), max_size=5, unique=True))
        aud = draw(st.lists(st.sampled_from(AUDIENCES), max_size=3, unique=True))
        rows.append({"initiative": f"initiative {i}", "functions": "; ".join(fns),
                     "goal": draw(st.sampled_from(["", "prove thought leadership", "sell more"])),
                     "kpi": draw(st.sampled_from(KPIS)), "audience": "; ".join(aud),
                     "norm": draw(st.sampled_from([None, *NORMS])),
                     "status": draw(st.sampled_from([None, *STATUSES]))})
    return io.validate(pd.DataFrame(rows), "initiatives")


SHARES = ("scope", "integration", "centre_reach", "measurable_value", "vanity_kpis", "unclassified_kpis",
          "audience_reach", "grid_cells")


@SLOW
@given(df=initiatives(), seed=st.integers(0, 1000))
def test_venn_scores_are_bounded_and_ignore_row_order(df, seed):
    res = venn.analyse(df, FUNCTIONS, playbook=PLAYBOOK, vocabulary=VOCABULARY)
    ms = res.measures
    for name in SHARES:
        assert 0.0 <= ms[name] <= 1.0, name
    assert math.isnan(ms["norm_depth"]) or 1.0 <= ms["norm_depth"] <= 4.0
    assert ms["highest_norm"] in (0, 1, 2, 3, 4)
    assert ms["initiatives"] == (df["status"].fillna("") != "retired").sum()
    assert ms["silos"] + ms["unreached"] <= len(FUNCTIONS)
    assert res.classification in venn.CLASSES
    # only norm depth (no initiative names a norm) and delivered value (no objectives here) may be
    # undefined, and they then read "n/a"
    undefined = res.scores.loc[res.scores["value"].isna(), "score"].tolist()
    assert undefined in (["delivered_value"], ["delivered_value", "norm_depth"])
    assert res.scores.set_index("score").loc[undefined, "shown"].str.startswith("n/a").all()
    assert not res.scores["shown"].str.contains("nan", case=False).any()
    again = venn.analyse(shuffled(df, seed), FUNCTIONS, playbook=PLAYBOOK, vocabulary=VOCABULARY)
    assert again.classification == res.classification
    pd.testing.assert_frame_equal(again.scores, res.scores)
    pd.testing.assert_frame_equal(again.functions, res.functions)


# --------------------------------------------------------------------------- metrics

COUNT = st.one_of(st.just(np.nan), st.integers(0, 100_000).map(float))


@st.composite
def posts(draw) -> pd.DataFrame:
    n = draw(st.integers(1, 25))
    cols = {"channel": st.sampled_from(["facebook", "instagram", "linkedin"])}
    for c in ("reach", "impressions", "likes", "comments", "shares", "clicks", "followers", "leads", "orders"):
        cols[c] = COUNT
    data = {c: draw(st.lists(s, min_size=n, max_size=n)) for c, s in cols.items()}
    dropped = draw(st.lists(st.sampled_from(["impressions", "shares", "clicks", "followers", "orders"]), unique=True))
    df = pd.DataFrame(data).drop(columns=dropped)
    return io.validate(df, "posts")


@FAST
@given(df=posts(), seed=st.integers(0, 1000))
def test_rates_are_non_negative_explained_when_blank_and_ignore_row_order(df, seed):
    with np.errstate(all="ignore"):
        long = metrics.rates(df, by="channel")
        per_post = metrics.post_rates(df)
    values = long["value"].dropna()
    assert (values >= 0).all() and np.isfinite(values).all()
    assert (long.loc[long["value"].isna(), "note"] != "").all()  # a blank rate always says why
    assert (long["used"] + long["skipped"] == long["posts"]).all()
    assert long.groupby("channel")["posts"].first().sum() == len(df)
    pp = per_post.stack().dropna()
    assert (pp >= 0).all() and np.isfinite(pp).all()
    again = metrics.rates(shuffled(df, seed), by="channel")
    pd.testing.assert_frame_equal(again, long, check_exact=False, rtol=1e-9)


@FAST
@given(df=posts(), seed=st.integers(0, 1000))
def test_funnel_and_coverage_are_bounded_and_ignore_row_order(df, seed):
    f = metrics.funnel(df, by="channel")
    assert (f.loc[f["count"].isna(), "note"] != "").all()
    assert (f["step_rate"].dropna() >= 0).all() and (f["from_reach"].dropna() >= 0).all()
    cov = metrics.classify_metrics(df)
    assert cov["coverage"].between(0, 1).all()
    assert set(cov["status"]) <= {"measured", "partial", "empty", "absent"}
    pd.testing.assert_frame_equal(metrics.funnel(shuffled(df, seed), by="channel"), f, check_exact=False, rtol=1e-9)


PAIRS = st.integers(0, 40).flatmap(lambda n: st.tuples(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=n, max_size=n),
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=n, max_size=n)))


@FAST
@given(pair=PAIRS, seed=st.integers(0, 1000))
def test_spearman_and_its_intervals_stay_in_minus_one_one(pair, seed):
    x, y = pair
    rho = metrics.spearman(x, y)
    if len(x) < 3:
        assert math.isnan(rho)
        return
    assert math.isnan(rho) or -1 - 1e-12 <= rho <= 1 + 1e-12
    assert (math.isnan(rho) and math.isnan(metrics.spearman(y, x))) or rho == pytest.approx(metrics.spearman(y, x))
    order = np.random.default_rng(seed).permutation(len(x))
    rho2 = metrics.spearman(np.asarray(x)[order], np.asarray(y)[order])
    assert (math.isnan(rho) and math.isnan(rho2)) or rho2 == pytest.approx(rho, abs=1e-12)
    if not math.isnan(rho):
        lo, hi = metrics.fisher_interval(rho, len(x))
        assert (math.isnan(lo) and len(x) < 4) or -1 <= lo <= rho + 1e-12 <= hi + 2e-12 <= 1 + 2e-12
    blo, bhi = metrics.bootstrap_interval(x, y, n_boot=200, seed=seed)
    assert (math.isnan(blo) and math.isnan(bhi)) or -1 - 1e-12 <= blo <= bhi <= 1 + 1e-12


# --------------------------------------------------------------------------- relationship depth

QUESTIONS = tables.load("depth_questions")[["question", "scale"]].values.tolist()
READINESS = tables.load("readiness_questions")[["question", "scale"]].values.tolist()
N_LEVELS = len(tables.load("depth_levels"))  # read here: the `tables` strategy below shadows the module


def answer(scale: str):
    return st.sampled_from([0, 1]) if scale == "yes_no" else st.integers(1, 5)


@st.composite
def questionnaires(draw) -> tuple[pd.DataFrame, pd.DataFrame]:
    fns = draw(st.lists(st.sampled_from(FUNCTION_IDS), min_size=1, max_size=4, unique=True))
    rows = [{"function": f, "question": q, "answer": draw(answer(s))} for f in fns for q, s in QUESTIONS]
    ready = [{"question": q, "answer": draw(answer(s))} for q, s in READINESS]
    return pd.DataFrame(rows), pd.DataFrame(ready)


@SLOW
@given(q=questionnaires(), seed=st.integers(0, 1000))
def test_depth_levels_scores_and_gaps_are_bounded_and_ignore_row_order(q, seed):
    assessment, readiness = q
    res = depth.assess(assessment, readiness)
    n_levels = N_LEVELS
    assert res.levels["score"].between(0, 1).all()
    f = res.functions
    assert f["current_order"].between(0, n_levels).all() and f["attainable_order"].between(0, n_levels).all()
    assert (f["gap"] == f["attainable_order"] - f["current_order"]).all()
    assert not f[["current_order", "attainable_order", "gap", "current", "attainable", "status"]].isna().any().any()
    assert res.readiness["score"].between(0, 1).all()
    o = res.overall.iloc[0]
    assert 0 <= o["share_social_business"] <= 1 and 0 <= o["level_order"] <= n_levels
    again = depth.assess(shuffled(assessment, seed), shuffled(readiness, seed))
    by_fn = lambda t: t.drop(columns=[c for c in t.columns if c == "line"]).sort_values("function").reset_index(drop=True)
    pd.testing.assert_frame_equal(by_fn(again.functions), by_fn(f))
    pd.testing.assert_frame_equal(again.overall, res.overall)
    pd.testing.assert_frame_equal(again.readiness, res.readiness)


@FAST
@given(answers=st.lists(st.tuples(st.sampled_from(["yes_no", "1-5"]), st.integers(0, 5)), min_size=1, max_size=30))
def test_normalised_answers_are_between_zero_and_one(answers):
    ok = [(s, a) for s, a in answers if (a in (0, 1) if s == "yes_no" else 1 <= a <= 5)]
    if not ok:
        return
    out = depth.normalise(pd.Series([a for _, a in ok]), pd.Series([s for s, _ in ok]))
    assert out.between(0, 1).all()


# --------------------------------------------------------------------------- loaders

TEXT = st.text(alphabet=st.sampled_from(list("abcxyzABC éü019,;|'\"-_()")), max_size=15).map(lambda s: "t" + s.rstrip())


@st.composite
def tables(draw) -> pd.DataFrame:
    n = draw(st.integers(1, 20))
    text = draw(st.lists(TEXT.filter(lambda s: s.lower() not in ("true", "t")), min_size=n, max_size=n))
    ints = draw(st.lists(st.integers(-10**12, 10**12), min_size=n, max_size=n))
    floats = draw(st.lists(st.one_of(st.just(np.nan), st.floats(-1e9, 1e9, allow_nan=False)), min_size=n, max_size=n))
    return pd.DataFrame({"name": text, "count": ints, "amount": floats})


@FAST
@given(df=tables(), sep=st.sampled_from([",", ";", "\t", "|"]))
def test_csv_round_trip_with_every_delimiter(tmp_path, df, sep):
    path = tmp_path / "table.csv"
    path.write_text(df.to_csv(sep=sep, index=False, lineterminator="\n"), encoding="utf-8")
    back = io.read_table(path)
    assert back.attrs["delimiter"] == sep
    assert list(back.columns) == ["name", "count", "amount"]
    assert back["name"].tolist() == df["name"].tolist()
    assert back["count"].tolist() == df["count"].tolist()
    np.testing.assert_allclose(back["amount"].astype(float), df["amount"], rtol=1e-15, equal_nan=True)


@FAST
@given(df=tables())
def test_parquet_round_trip(tmp_path, df):
    back = io.read_table(io.write_table(df, tmp_path / "table.parquet"))
    pd.testing.assert_frame_equal(back, df, check_dtype=False)


CELL = st.one_of(st.none(), st.text(max_size=12), st.floats(), st.integers(-10**20, 10**20), st.booleans(),
                 st.sampled_from(["1e400", "-inf", "NaN", "31/03/2026", "03/31/2026", "2026-13-45", "1,200", "12,5",
                                  "=1+1", "yes", " ", "9" * 30, "2026-03-01T10:00+02:00", "Mar 31, 2026"]))
CONTRACT_COLUMNS = {
    "posts": ["post_id", "date", "channel", "reach", "likes", "paid", "hour", "sentiment"],
    "audience": ["respondent_id", "psy_a", "habit_b", "age", "gender"],
    "initiatives": ["initiative", "functions", "norm", "status", "audience"],
    "assessment": ["function", "question", "answer"],
    "readiness": ["question", "answer"],
    "programmes": ["programme", "public_network", "private_community", "opt_in", "psychographic_insight",
                   "personalised"],
    "objectives": ["objective", "metric", "target", "initiative"],
    "trust": ["period", "measure", "value"],
    "practices": ["question", "answer"],
}


@settings(max_examples=100, deadline=None)
@given(kind=st.sampled_from(sorted(CONTRACT_COLUMNS)), data=st.data())
def test_validate_fails_only_with_a_data_validation_error(kind, data):
    n = data.draw(st.integers(0, 5))
    columns = data.draw(st.lists(st.sampled_from(CONTRACT_COLUMNS[kind]), min_size=1, unique=True))
    df = pd.DataFrame({c: data.draw(st.lists(CELL, min_size=n, max_size=n)) for c in columns}, dtype=object)
    try:
        out = io.validate(df, kind)
    except DataValidationError as exc:
        assert exc.problems and str(exc)
        assert all(r >= 2 for p in exc.problems for r in p.rows)  # file lines: the header is line 1
    else:
        assert len(out) == n and out.index.equals(df.index)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.sampled_from(list('ab1,;\t|"\n\r =.é') + ["\ufeff"]), max_size=60),
       encoding=st.sampled_from(["utf-8", "cp1252"]), kind=st.sampled_from(["posts", "audience", "initiatives"]))
def test_any_text_file_loads_or_fails_with_a_socialkit_error(tmp_path, text, encoding, kind):
    path = tmp_path / "input.csv"
    path.write_bytes(text.encode(encoding, errors="replace"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            io.load(path, kind)
        except (InputFileError, DataValidationError) as exc:
            assert str(path) in str(exc)


# --------------------------------------------------------------------------- psychographic segments


@FAST
@given(labels=st.lists(st.integers(1, 4), min_size=2, max_size=60), data=st.data())
def test_segment_share_index_averages_100_over_the_audience(labels, data):
    """For every answer level, the size-weighted mean of the segments' indexes is 100, whatever the
    labels and answers; the index does not depend on row order."""
    answers = data.draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=len(labels), max_size=len(labels)))
    clean = pd.DataFrame({"c": answers})
    t = sg.index_table(clean, np.array(labels), {}, [], ["c"], kind="feature")
    sizes = pd.Series(labels).value_counts()
    for level, rows in t.groupby("level"):
        if rows["audience_value"].iloc[0] >= sg.MIN_LEVEL_SHARE:
            assert np.average(rows["index"], weights=sizes[rows["segment"]].to_numpy()) == pytest.approx(100.0)
    order = np.random.default_rng(0).permutation(len(labels))
    again = sg.index_table(clean.iloc[order].reset_index(drop=True), np.array(labels)[order], {}, [], ["c"],
                           kind="feature")
    pd.testing.assert_frame_equal(t.sort_values(["segment", "level"]).reset_index(drop=True),
                                  again.sort_values(["segment", "level"]).reset_index(drop=True))


@FAST
@given(cents=st.integers(-10**9, 10**9))
def test_segment_survey_numbers_written_as_text_parse_back(cents):
    x = cents / 100
    written = pd.Series([f"{x:,.2f}", f"{x:.2f}".replace(".", ","), f"{x:.2f}%", "n/a"])
    parsed = sg.to_numbers(written)
    assert parsed.iloc[:3].tolist() == pytest.approx([x, x, x]) and math.isnan(parsed.iloc[3])
