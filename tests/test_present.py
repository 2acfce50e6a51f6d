"""Tables for people: no index, human labels, numbers by meaning, nothing cut, wide tables split."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from socialkit import present


def cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", html, flags=re.S)]


def headers(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<th[^>]*>(.*?)</th>", html, flags=re.S)]


@pytest.fixture
def frame():
    return pd.DataFrame({"channel": ["facebook", "instagram"], "engagement_rate_reach": [3.21456, 5.1],
                         "posts": [1200.0, 45.0], "share": [0.4, 0.240417], "index": [157.97, 78.2],
                         "status": ["met", "behind"], "note": ["a long explanation " * 12, None]},
                        index=[7, 9])


def test_numbers_read_by_meaning_and_no_index(frame):
    t = present.table(frame)
    html = t.html()
    row = cells(html)[:7]
    assert row == ["facebook", "3.21", "1,200", "40%", "158", "met", "a long explanation " * 11 + "a long explanation"]
    assert "7" not in cells(html) and "9" not in cells(html)  # the DataFrame's index is not shown
    assert "0.400000" not in html and "157.97" not in html and "1200.0" not in html
    assert "–" in cells(html)  # a blank is a dash
    assert t.data is frame  # the analyst's DataFrame is untouched and at hand


def test_human_labels_and_colour_cues(frame):
    html = present.table(frame).html()
    assert {"Channel", "Engagement rate (reach) (%)", "Posts", "Share", "Index (100 = average)", "Status"} <= set(headers(html))
    assert "engagement_rate_reach" not in headers(html)
    assert "#dbe9f6" in html and "#fbe3d6" in html  # index above 120 / below 80


def test_labels_and_kinds_can_be_overridden(frame):
    t = present.table(frame, labels={"posts": ("Posts published", "number"), "channel": "Network"}, hide=["note"])
    assert [c.label for c in t.columns][:3] == ["Network", "Engagement rate (reach)", "Posts published"]
    assert "Note" not in headers(t.html())


def test_a_wide_table_is_split_and_repeats_its_first_column():
    wide = pd.DataFrame({f"measure_{i}": [1234.5678, 2.0] for i in range(14)})
    wide.insert(0, "brand", ["Summit Outfitters", "Northbridge Advisory"])
    t = present.table(wide)
    assert len(t.parts) >= 2 and all(p[0] == "brand" for p in t.parts)
    assert sorted({c for p in t.parts for c in p}) == sorted(wide.columns)
    html = t.html()
    assert html.count("Summit Outfitters") == len(t.parts) and "part 1 of" not in html  # no title: no part label
    assert "(part 2 of" in present.table(wide, title="Scores").html()


def test_money_uses_the_brand_currency():
    df = pd.DataFrame({"channel": ["web"], "revenue": [12345.6]})
    assert "€12,346" in html.unescape(present.table(df, currency="EUR").html())
    present.use(currency="GBP")
    try:
        assert "£12,346" in html.unescape(present.table(df).html())
    finally:
        present.use(currency="USD")


def test_a_named_index_becomes_columns():
    df = pd.DataFrame({"area": ["Audience"], "measure": ["segments"], "value": ["4"]}).set_index(["area", "measure"])
    assert headers(present.table(df).html())[:2] == ["Area", "Measure"]


def test_fast_rendering_writes_the_same_html_as_great_tables_own(monkeypatch):
    """The kit's quicker cell access and kept locale files (present._Cells) change nothing in the
    HTML: every kind, colour cues, a grouped table and a split wide table, rendered both ways."""
    assert present.FAST_TABLES  # the installed Great Tables takes the quicker path
    df = pd.DataFrame({"channel": ["facebook", "instagram", "linkedin", "tiktok"],
                       "reach": [120_000, 4_500, None, 88],
                       "engagement_share": [0.41, 0.052, 0.3333, None], "pct_paid": [12.5, 0.0, 99.95, 40.0],
                       "reach_index": [157.9, 78.2, 100.0, None], "revenue": [1234.5, 0.0, 98765.4321, None],
                       "status": ["met", "behind", "met", "not yet"], "when": pd.to_datetime(["2026-01-01", "2026-02-15",
                                                                                              None, "2026-03-31"]),
                       "note": ["a long explanation " * 12, None, "short", "x"],
                       "tone": ["good", "bad", "neutral", "good"], "area": ["paid", "paid", "owned", "owned"]})
    wide = pd.DataFrame({f"measure_{i}_with_a_long_name": [i * 1000.5, i / 7] for i in range(12)} | {"name": ["a", "b"]})
    shown = [present.table(df, tone={"status": "tone"}, title="Channels", note="Made up."),
             present.table(df, group="area", currency="EUR"),
             present.table(wide[["name", *wide.columns[:-1]]], title="Wide")]
    fast = [t.html() for t in shown]
    monkeypatch.setattr(present, "_Cells", lambda frame: frame)  # Great Tables' own pandas path
    plain = [t.html() for t in shown]
    assert len(shown[2].parts) > 1 and "&#8364;" in fast[1] and "#dbe9f6" in fast[0]  # the cases are exercised
    assert fast == plain


def test_fast_text_of_cells_is_great_tables_own_for_every_kind_of_column():
    """The kit's conversion of a table's values to text (and of blank formatted cells back to those
    texts) gives what Great Tables' pandas version gives: floats (negative zero, huge, tiny, blank),
    integers, booleans, text with blanks (string and object columns), and the kinds it hands back to Great Tables (dates, nullable
    numbers, mixed objects, lists)."""
    import numpy as np
    from great_tables import _tbl_data

    rng = np.random.default_rng(7)
    df = pd.DataFrame({"f": [-0.0, 0.1, 1e16, np.nan, 123456.789, 2.5e-07] + list(rng.normal(size=4) * 1e3),
                       "i": list(range(-5, 5)), "b": [True, False] * 5,
                       "s": ["a", None, "<b>", "", "é", "x", "y", None, "z", "w"],  # a string column
                       "o": pd.Series(["a", None, "b", "c", None, "d", "e", "f", "g", "h"], dtype=object),
                       "d": pd.to_datetime(["2026-01-01", None] * 5), "n": pd.array([1, None] * 5, dtype="Int64"),
                       "m": ["a", 1, 2.5, None, np.nan, "b", [1, 2], "c", 0, -0.0]})
    own = _tbl_data.cast_frame_to_string.dispatch(pd.DataFrame)
    fast = _tbl_data.cast_frame_to_string(present._Cells(df))
    assert isinstance(fast, present._Cells)
    pd.testing.assert_frame_equal(pd.DataFrame(fast), own(df))
    body = pd.DataFrame({c: pd.array(["shown", None] * 5, dtype="string") for c in df.columns})
    filled = _tbl_data.replace_null_frame(present._Cells(body), fast)
    assert isinstance(filled, present._Cells)
    pd.testing.assert_frame_equal(pd.DataFrame(filled), _tbl_data.replace_null_frame.dispatch(pd.DataFrame)(body, own(df)))


def test_a_date_is_never_broken_at_its_hyphens():
    df = pd.DataFrame({"post": ["P1", "P2"], "date": pd.to_datetime(["2026-01-01", "2026-01-02"]),
                       "note": ["a long explanation " * 20, "short"]})
    cells = re.findall(r"<td([^>]*)>(2026-01-0\d)</td>", present.table(df).html())
    assert [d for _, d in cells] == ["2026-01-01", "2026-01-02"]
    assert all("white-space: nowrap" in attrs for attrs, _ in cells)
