"""Each data contract accepts a good table and names the column, rows and fix for a bad one."""

import pandas as pd
import pytest

from socialkit import io
from socialkit.exceptions import DataValidationError
from socialkit.schemas import KINDS, split_multi


def test_every_kind_has_a_contract():
    assert set(KINDS) >= {"initiatives", "assessment", "readiness", "audience", "posts"}


def test_initiatives_contract():
    good = pd.DataFrame({"initiative": ["a", "b"], "functions": ["marketing; sales", None],
                         "norm": ["content", None], "audience": ["customers; employees", None]})
    assert len(io.validate(good, "initiatives")) == 2
    bad = good.assign(initiative=["a", "a"], norm=["content", "gossip"], audience=["customers", "aliens"])
    with pytest.raises(DataValidationError) as err:
        io.validate(bad, "initiatives", source="inits.csv")
    text = str(err.value)
    assert "inits.csv" in text and "'initiative': values must be unique" in text
    assert "'norm': must name only content" in text and "gossip" in text
    assert "'audience': must name only customers, partners, employees" in text and "line 3" in text


def test_assessment_answers_are_bounded():
    with pytest.raises(DataValidationError, match="'answer': values must be <= 5"):
        io.validate(pd.DataFrame({"function": ["pr"], "question": ["q1"], "answer": [9]}), "assessment")


def test_programmes_booleans_accept_yes_no():
    df = pd.DataFrame({"programme": ["p"], "public_network": ["yes"], "private_community": ["no"],
                       "opt_in": ["1"], "psychographic_insight": ["false"], "personalised": ["TRUE"]})
    out = io.validate(df, "programmes")
    assert out.loc[0, ["public_network", "opt_in", "personalised"]].tolist() == [True, True, True]
    with pytest.raises(DataValidationError, match="expected yes/no"):
        io.validate(df.assign(opt_in="maybe"), "programmes")


def test_posts_need_reach_and_engagement():
    with pytest.raises(DataValidationError) as err:
        io.validate(pd.DataFrame({"channel": ["x"], "revenue": [1]}), "posts")
    assert "reach or an impressions column" in str(err.value) and "engagement column" in str(err.value)


def test_posts_dates_in_mixed_formats():
    df = pd.DataFrame({"channel": ["a"] * 3, "reach": [1, 2, 3], "likes": [0, 1, 0],
                       "date": ["2026-03-01", "31/03/2026", "not a date"]})
    with pytest.raises(DataValidationError) as err:
        io.validate(df, "posts")
    assert "'date': expected a date (1 row; line 4); found 'not a date'" in str(err.value)
    ok = io.validate(df.iloc[:2], "posts")
    assert ok["date"].dt.strftime("%Y-%m-%d").tolist() == ["2026-03-01", "2026-03-31"]


def test_huge_numbers_are_flagged():
    df = pd.DataFrame({"channel": ["a"], "reach": ["1e400"], "likes": [1]})
    with pytest.raises(DataValidationError, match="too large"):
        io.validate(df, "posts")


@pytest.mark.parametrize("cell, items", [("marketing; Sales", ["marketing", "sales"]), ("a|b|a", ["a", "b"]),
                                         (None, []), ("", []), (float("nan"), [])])
def test_split_multi(cell, items):
    assert split_multi(cell) == items


def test_schemas_are_built_the_same_without_asking_other_frame_libraries(monkeypatch):
    """The kit answers pandera's "which annotations are series / index types" with pandas' own types
    (no import of dask.dataframe): every contract's schema must be what pandera itself builds."""
    import sys

    from pandera.api.dataframe import model as frame_model
    from pandera.api.pandas import model

    from socialkit import schemas

    def built() -> dict[str, str]:
        monkeypatch.setattr(frame_model, "MODEL_CACHE", {})  # pandera's cache of built schemas
        models = {**schemas.CONTRACTS, **{f"table {name}": entry for name, entry in schemas.TABLES.items()}}
        return {kind: repr(cls.to_schema()) for kind, (cls, _) in models.items()}

    assert schemas.FAST_SCHEMAS
    fast = built()
    assert len(fast) > 10 and all("Column(" in text for text in fast.values())
    for name in ("get_series_types", "get_index_types"):
        monkeypatch.setattr(model, name, getattr(model, name)._socialkit_original)
    assert built() == fast
    monkeypatch.undo()
    # pandas' own types until another library's pandera types are imported, then pandera's own answer
    from pandera.typing import Series

    theirs = model.get_series_types._socialkit_original()
    assert len(theirs) > 1  # dask's Series too: it is installed (for the batch engine)
    for name in ("dask", "modin", "pyspark", "geopandas"):  # imported by pandera's own answer above
        monkeypatch.delitem(sys.modules, f"pandera.typing.{name}", raising=False)
    assert model.get_series_types() == {Series}
    monkeypatch.setitem(sys.modules, "pandera.typing.dask", object())
    assert model.get_series_types() == theirs


def test_validating_every_input_kind_imports_no_other_frame_library():
    import subprocess
    import sys

    code = ("import sys, pandas as pd\nfrom socialkit import io, schemas\n"
            "for model, _ in schemas.CONTRACTS.values(): model.to_schema()\n"
            "io.validate(pd.DataFrame({'channel': ['a'], 'reach': [1], 'likes': [0]}), 'posts')\n"
            "print(sorted(m for m in sys.modules if m.startswith(('dask', 'pandera.typing.dask'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
