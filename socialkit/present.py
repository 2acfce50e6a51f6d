"""Tables for people: one way to show a table, in JupyterLab and in every report.

``sk.present.table(df)`` returns a :class:`Table`: the analyst's DataFrame (``.data``, unchanged) and
its presentation, rendered with Great Tables (plain HTML and inline CSS, no web font, nothing loaded
from the network):

* no row index; human column labels (from ``socialkit/data/labels.csv``, else the name in words);
* numbers formatted by meaning (the column's *kind*): shares as percentages, counts with thousands
  separators, indexes as whole numbers coloured above and below 100, rates with their unit, money
  with the organisation's currency, scores as 0-100; blanks as a dash;
* long text wrapped, never cut; a table too wide for an A4 portrait page is split into parts that
  repeat its first column;
* colour cues where they help: an index above or below 100, an objective met or missed.

Kinds: ``text``, ``count``, ``number``, ``share`` (0-1 shown as %), ``percent`` (already x100),
``index`` (100 = average), ``money``, ``score`` (0-1 shown as 0-100), ``bool``, ``date``, ``status``.
"""

from __future__ import annotations

import hashlib
import html as _html
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import great_tables as gt
import numpy as np
import pandas as pd

from . import tables
from .charts import BAD, GOOD, INK
from .text import key

# --------------------------------------------------------------------------- rendering speed
# Great Tables (1.x) reaches each pandas cell through ``.iloc`` and reads its locale files (CSV,
# about 1,000 rows) again for every column it formats: a 25 x 7 table took 57 ms to render, a report
# has up to 40 tables. The kit hands Great Tables a DataFrame of its own class, whose cells (and
# those of the formatted copy) Great Tables' own dispatch reads and writes with ``.iat``, and whose
# values it turns into text (and fills blank formatted cells with) column by column in plain Python
# rather than through pandas' whole-frame casts (registered below for that class only; pandas' path
# is kept for dates, nullable numbers and mixed columns), and keeps each locale file once read.
# Where Great Tables' internals differ (another version), nothing is changed and tables render as
# they would anyway, only slower; tests check the HTML is the same.


class _Cells(pd.DataFrame):
    """The frame a kit table gives Great Tables (see above); a pandas DataFrame in every other way."""

    @property
    def _constructor(self):
        return _Cells


def _speed_up_great_tables() -> bool:
    try:
        from great_tables import _locale, _tbl_data  # internals: only here, and optional

        get_cell, set_cell, read_csv = _tbl_data._get_cell, _tbl_data._set_cell, _locale.read_csv
        empty_frame, as_text = _tbl_data.create_empty_frame, _tbl_data.cast_frame_to_string
        fill_blanks, pandas_as_text = _tbl_data.replace_null_frame, _tbl_data.cast_frame_to_string.dispatch(pd.DataFrame)
    except (ImportError, AttributeError):
        return False

    @empty_frame.register(_Cells)
    def _(df):  # the formatted body: Great Tables' own (string columns), of the kit's class
        return _Cells(pd.NA, index=df.index, columns=df.columns, dtype="string")

    @get_cell.register(_Cells)
    def _(data, row: int, column: str):
        return data.iat[row, data.columns.get_loc(column)]

    @set_cell.register(_Cells)
    def _(data, row: int, column: str, value) -> None:
        data.iat[row, data.columns.get_loc(column)] = value

    @as_text.register(_Cells)
    def _(df):  # every value as its text, blanks as None (what Great Tables' pandas version gives)
        columns = {}
        for i, name in enumerate(df.columns):
            col = df.iloc[:, i]
            values = col.tolist()
            kind = col.dtype.kind if isinstance(col.dtype, np.dtype) else ""
            if kind == "f":  # -0.0 shows as 0.0; NaN is blank
                columns[name] = [None if v != v else str(v + 0.0) for v in values]
            elif kind in ("i", "u", "b"):
                columns[name] = [str(v) for v in values]
            elif isinstance(col.dtype, pd.StringDtype) or (kind == "O" and all(isinstance(v, str) or v is None
                                                                                for v in values)):
                columns[name] = [v if isinstance(v, str) else None for v in values]  # text; blanks None
            else:  # dates, categories, nullable types, mixed objects: Great Tables' own conversion
                columns[name] = pandas_as_text(pd.DataFrame(col)).iloc[:, 0].tolist()
        return _Cells(columns, index=df.index, columns=df.columns, dtype=object)

    @fill_blanks.register(_Cells)
    def _(df, replacement):  # the formatted body's blank cells filled from the values as text
        columns = {}
        for i, name in enumerate(df.columns):
            values, spare = df.iloc[:, i].tolist(), replacement.iloc[:, i].tolist()
            columns[name] = [r if (v is None or v is pd.NA or (isinstance(v, float) and v != v)) else v
                             for v, r in zip(values, spare)]
        return _Cells(columns, index=df.index, columns=df.columns, dtype=object)

    if not getattr(read_csv, "_socialkit_kept", False):
        kept: dict[str, list] = {}

        def read_once(fname):
            if str(fname) not in kept:
                kept[str(fname)] = read_csv(fname)
            return list(kept[str(fname)])  # a new list each time, as the original returns

        read_once._socialkit_kept = True  # type: ignore[attr-defined]
        _locale.read_csv = read_once
    return True


FAST_TABLES = _speed_up_great_tables()

_NUMERIC_KINDS = {"count", "number", "share", "percent", "index", "money", "score"}
KINDS = ("text", "count", "number", "share", "percent", "index", "money", "score", "bool", "date", "status")
#: Width of an A4 portrait page's text block, in CSS pixels (210 mm - 2 x 14 mm margins at 96 dpi).
PAGE_WIDTH = 680
#: A text column is wrapped at this width (pixels); numbers never wrap.
TEXT_WIDTH = 260
_CHAR = 6.6  # average width of a character at the table font size, in pixels
_PAD = 16  # horizontal padding of a cell
#: Status words and their colour: good, bad, or neutral.
STATUS_GOOD = {"met", "yes", "ok", "stable", "practised", "reached", "integrated", "measured", "business measured"}
STATUS_BAD = {"behind", "missed", "no", "not stable", "not yet", "unreached", "silo", "absent", "empty", "vanity only",
              "failed", "beyond readiness"}
_DEFAULTS: dict[str, Any] = {"currency": "USD"}


def use(*, currency: str | None = None) -> None:
    """Set presentation defaults for this kernel (the notebooks' set-up does it from the brand's
    settings): ``currency`` is an ISO 4217 code such as "EUR"."""
    if currency:
        _DEFAULTS["currency"] = str(currency).upper()


@dataclass(frozen=True)
class Column:
    """How one column is shown: its label, its kind and an optional unit."""

    name: str
    label: str
    kind: str
    unit: str = ""
    decimals: int | None = None


def describe_column(name: Any, values: pd.Series, *, labels: pd.DataFrame | None = None) -> Column:
    """The presentation of a column: from the labels table when it lists the name (matched by key),
    else inferred from the name and the values."""
    return _describe(name, values, _label_rows(tables.load("labels") if labels is None else labels))


def _label_rows(labels: pd.DataFrame) -> dict[str, Mapping[str, Any]]:
    """The labels table by matching key (the first row of a key wins)."""
    rows: dict[str, Mapping[str, Any]] = {}
    for r in labels.to_dict("records"):
        rows.setdefault(key(r["column"]), r)
    return rows


def _describe(name: Any, values: pd.Series, rows: Mapping[str, Mapping[str, Any]]) -> Column:
    r = rows.get(key(name))
    if r is not None:
        kind = str(r["kind"])
        if kind in _NUMERIC_KINDS and not pd.api.types.is_numeric_dtype(values):
            kind = "text"  # a column of that name holding text (e.g. values already formatted) stays text
        return Column(str(name), str(r["label"]), kind, str(r["unit"]),
                      None if pd.isna(r.get("decimals")) else int(r["decimals"]))
    return Column(str(name), _words(name), _infer_kind(str(name), values))


def _words(name: Any) -> str:
    text = re.sub(r"[_]+", " ", str(name)).strip()
    return text[:1].upper() + text[1:] if text else str(name)


def _infer_kind(name: str, values: pd.Series) -> str:
    k = key(name)
    if pd.api.types.is_bool_dtype(values):
        return "bool"
    if pd.api.types.is_datetime64_any_dtype(values):
        return "date"
    if not pd.api.types.is_numeric_dtype(values):
        return "status" if k in ("status", "verdict") else "text"
    present = values.dropna()
    if re.search(r"(^|_)(share|coverage|proportion)(_|$)", k) and (present.empty or present.between(0, 1).all()):
        return "share"
    if re.search(r"(^|_)index(_|$)", k):
        return "index"
    if re.search(r"(^|_)(pct|percent)(_|$)", k):
        return "percent"
    if re.search(r"(^|_)(revenue|money|value_eur|spend|cost)(_|$)", k):
        return "money"
    if len(present) and (present % 1 == 0).all():
        return "count"
    return "number"


@dataclass
class Table:
    """A DataFrame (``data``, unchanged) and how it is shown to people."""

    data: pd.DataFrame
    columns: list[Column]
    shown: pd.DataFrame = field(default_factory=pd.DataFrame)  # the columns shown, index as columns
    title: str = ""
    note: str = ""
    currency: str = "USD"
    parts: list[list[str]] = field(default_factory=list)  # column names of each part (a wide table is split)
    empty: str = ""  # what is said instead of a table with no rows
    tone: dict = field(default_factory=dict)  # column -> good/bad/neutral per row (colours the column)
    groups: list = field(default_factory=list)  # a heading row before each run of rows with the same value

    def html(self) -> str:
        """The table as HTML (one or more Great Tables parts, each a self-contained block)."""
        if self.shown.empty:
            return f'<p class="sk-empty"><em>{_html.escape(self.empty or "Nothing to show.")}</em></p>'
        blocks = [self._part(cols, i) for i, cols in enumerate(self.parts or [[c.name for c in self.columns]])]
        return "\n".join(blocks)

    def _repr_html_(self) -> str:
        return self.html()

    def __repr__(self) -> str:
        return f"Table({len(self.shown)} rows x {len(self.columns)} columns)"

    def _part(self, names: list[str], number: int) -> str:
        spec = {c.name: c for c in self.columns}
        shown = self.shown.reset_index(drop=True)[names].copy()
        ids = {n: f"c{i}" for i, n in enumerate(names)}  # plain column ids: any name is safe in HTML and CSS
        shown.columns = [ids[n] for n in names]
        digest = hashlib.sha1(repr((self.title, names, number, len(shown))).encode()).hexdigest()[:10]
        if self.groups:
            shown["sk_group"] = [str(g) for g in self.groups]
        # a stable id, in the form a page's kit tables share their stylesheet by (socialkit.tablecss)
        table = gt.GT(_Cells(shown), groupname_col="sk_group" if self.groups else None).with_id(f"sk-{digest}")
        table = table.cols_label(**{ids[n]: _label(spec[n]) for n in names})
        for n in names:
            table = _format(table, ids[n], spec[n], shown[ids[n]], self.currency)
        for n, tones in self.tone.items():
            if n not in ids:
                continue
            tones = list(tones)
            for word, colour in (("good", GOOD), ("bad", BAD)):
                rows = [i for i, t in enumerate(tones) if t == word]
                if rows:
                    table = table.tab_style(style=gt.style.text(color=colour, weight="bold"),
                                            locations=gt.loc.body(columns=ids[n], rows=rows))
        title = self.title + (f" (part {number + 1} of {len(self.parts)})" if self.title and len(self.parts) > 1 else "")
        if title:
            table = table.tab_header(title=title)
        if self.note and number == len(self.parts or [names]) - 1:
            table = table.tab_source_note(self.note)
        text_cols = [ids[n] for n in names if spec[n].kind in ("text", "status")]
        if text_cols:
            table = table.cols_align("left", columns=text_cols)
        long_text = {ids[n]: f"{TEXT_WIDTH}px" for n in names
                     if spec[n].kind == "text" and _width(spec[n], shown[ids[n]]) >= TEXT_WIDTH}
        if long_text:  # long text wraps inside a fixed width; it is never cut
            table = table.cols_width(long_text)
        table = table.tab_options(table_font_names=["DejaVu Sans", "Helvetica", "Arial", "sans-serif"],
                                  table_font_size="12px", heading_title_font_size="13px",
                                  column_labels_font_weight="bold", table_font_color=INK,
                                  table_margin_left="0", table_margin_right="0", data_row_padding="3px",
                                  source_notes_font_size="11px", table_width="auto")
        return f'<div class="sk-table">{table.as_raw_html()}</div>'


def _label(col: Column) -> str:
    if col.kind in ("percent",) and not col.unit:
        return f"{col.label} (%)"
    return f"{col.label} ({col.unit})" if col.unit and col.kind not in ("money",) else col.label


def _format(table: gt.GT, cid: str, col: Column, values: pd.Series, currency: str) -> gt.GT:
    kind = col.kind
    d = col.decimals
    if kind == "count":
        table = table.fmt_integer(columns=cid)
    elif kind == "share":
        table = table.fmt_percent(columns=cid, decimals=0 if d is None else d)
    elif kind == "percent":
        table = table.fmt_number(columns=cid, decimals=1 if d is None else d)
    elif kind == "index":
        table = table.fmt_integer(columns=cid)
        numbers = pd.to_numeric(values, errors="coerce")
        high = [i for i, v in numbers.items() if pd.notna(v) and v >= 120]
        low = [i for i, v in numbers.items() if pd.notna(v) and v <= 80]
        if high:
            table = table.tab_style(style=gt.style.fill(color="#dbe9f6"), locations=gt.loc.body(columns=cid, rows=high))
        if low:
            table = table.tab_style(style=gt.style.fill(color="#fbe3d6"), locations=gt.loc.body(columns=cid, rows=low))
    elif kind == "money":
        table = table.fmt_currency(columns=cid, currency=currency, decimals=0 if d is None else d)
    elif kind == "score":
        table = table.fmt_number(columns=cid, decimals=0 if d is None else d, scale_by=100)
    elif kind == "number":
        table = table.fmt_number(columns=cid, decimals=2 if d is None else d, drop_trailing_zeros=d is None)
    elif kind == "bool":
        table = table.fmt(lambda v: "yes" if v is True or v == 1 else "no" if v is False or v == 0 else "", columns=cid)
    elif kind == "date":
        table = table.fmt(lambda v: "" if pd.isna(v) else pd.Timestamp(v).strftime("%Y-%m-%d"), columns=cid)
        # a date is read as one word: never broken at its hyphens in a narrow column
        table = table.tab_style(style=gt.style.css("white-space: nowrap"), locations=gt.loc.body(columns=cid))
    elif kind == "status":
        words = values.astype("string").str.strip().str.lower()
        good = [i for i, w in words.items() if isinstance(w, str) and w in STATUS_GOOD]
        bad = [i for i, w in words.items() if isinstance(w, str) and w in STATUS_BAD]
        if good:
            table = table.tab_style(style=gt.style.text(color=GOOD, weight="bold"), locations=gt.loc.body(columns=cid, rows=good))
        if bad:
            table = table.tab_style(style=gt.style.text(color=BAD, weight="bold"), locations=gt.loc.body(columns=cid, rows=bad))
    if kind in ("text", "status"):
        table = table.fmt(_text_cell, columns=cid)
    return table.sub_missing(columns=cid, missing_text="\u2013")


def _text_cell(value: Any) -> str:
    """Text as it should read in a cell: lists joined, nothing cut, escaped (Great Tables puts what a
    formatter returns into the page as HTML: a name like "R&D <team>" must show as typed)."""
    if isinstance(value, (list, tuple, set)):
        return _html.escape(", ".join(map(str, value)))
    return "" if value is None or (isinstance(value, float) and value != value) else _html.escape(str(value))


def _width(col: Column, values: pd.Series) -> float:
    """Estimated width of a column in pixels (text columns wrap at TEXT_WIDTH)."""
    label = max((len(w) for w in _label(col).split()), default=4)
    if col.kind in ("text", "status"):
        longest = values.astype("string").fillna("").str.len().max() if len(values) else 0
        return min(TEXT_WIDTH, max(label, int(longest or 0)) * _CHAR + _PAD)
    digits = values.astype("string").fillna("").str.len().max() if len(values) else 4
    return max(label, min(int(digits or 4), 14)) * _CHAR + _PAD


def _split(columns: list[Column], data: pd.DataFrame, key_columns: int, width: int) -> list[list[str]]:
    widths = {c.name: _width(c, data[c.name]) for c in columns}
    keys = [c.name for c in columns[:key_columns]]
    base = sum(widths[k] for k in keys)
    parts, current, used = [], list(keys), base
    for c in columns[key_columns:]:
        if used + widths[c.name] > width and len(current) > len(keys):
            parts.append(current)
            current, used = list(keys), base
        current.append(c.name)
        used += widths[c.name]
    parts.append(current)
    return parts


def table(df: pd.DataFrame | None, *, labels: Mapping[str, Any] | None = None, hide: Iterable[str] = (),
          title: str = "", note: str = "", currency: str | None = None, key_columns: int = 1,
          width: int = PAGE_WIDTH, empty: str = "", tone: Mapping[str, str] | None = None,
          group: str | None = None) -> Table:
    """Present ``df`` for people (see the module docstring). ``labels`` overrides a column's label
    (``{"n": "Initiatives"}``) or its label and kind (``{"n": ("Initiatives", "count")}``); ``hide``
    leaves columns out; ``key_columns`` columns are repeated in every part of a table too wide for
    ``width`` pixels (an A4 portrait page by default); ``empty`` is said instead of a table when
    ``df`` is None or has no rows; ``tone`` colours a column by another one holding good / bad /
    neutral per row (``{"change": "tone"}``: a change green when it is good news, red when bad; the
    tone column is not shown); ``group`` names a column whose values head the rows that share them
    (one heading row per value, in the order they come; the column itself is not repeated on every
    row). ``df`` itself is never changed."""
    if df is None:
        return Table(data=None, columns=[], shown=pd.DataFrame(), title=title, empty=empty)
    if not isinstance(df, pd.DataFrame):
        df = pd.DataFrame(df)
    data = df.copy()
    if not isinstance(data.index, pd.RangeIndex) and any(n is not None for n in data.index.names):
        data = data.reset_index()  # a meaningful index (e.g. area, measure) becomes columns, shown first
    hidden = set(hide) | set((tone or {}).values()) | ({group} if group else set())
    known = _label_rows(tables.load("labels"))
    columns = []
    for name in data.columns:
        if name in hidden:
            continue
        col = _describe(name, data[name], known)
        override = (labels or {}).get(name)
        if isinstance(override, tuple):
            col = Column(col.name, override[0], override[1], col.unit, col.decimals)
        elif override:
            col = Column(col.name, str(override), col.kind, col.unit, col.decimals)
        columns.append(col)
    data = data[[c.name for c in columns]]
    parts = _split(columns, data, key_columns, width)
    tones = {col: [str(t) for t in df[by].reset_index(drop=True)] for col, by in (tone or {}).items() if by in df.columns}
    return Table(data=df, columns=columns, shown=data, title=title, note=note, currency=currency or _DEFAULTS["currency"],
                 parts=parts if len(parts) > 1 else [], empty=empty, tone=tones,
                 groups=list(df[group].reset_index(drop=True)) if group and group in df.columns else [])
