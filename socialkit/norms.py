"""The two lenses of "Decoding Social Media Marketing": four norms of social technology and three
audiences, and the grid they make.

Social technologies carry four norms, in rising order: user-generated content (1), collaboration
(2), community (3), collective intelligence (4); content is only the first level. Beyond the
marketing lens they connect **customers, partners and employees**. The essay's point is the grid of
the two: 4 norms x 3 audiences, where empty cells are opportunities.

* **norm depth** = mean highest norm level of initiatives with a norm; **highest norm** = max level
* **audience reach** = audiences reached (customers, partners, employees) / 3
* **grid**: for each of the 4 x 3 cells, the initiatives carrying that norm for that audience (an
  initiative with two norms and two audiences sits in four cells); **grid cells** = filled cells / 12.

The norms' labels, definitions and examples are the editable ``norms`` table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import tables
from .findings import Findings
from .schemas import AUDIENCES, NORMS, norm_id
from .text import is_blank, join_and, split_multi

#: Level of each norm of social technologies, in rising order ("Decoding Social Media Marketing").
NORM_LEVELS = {norm: level for level, norm in enumerate(NORMS, start=1)}


def text_column(df: pd.DataFrame, col: str) -> pd.Series:
    """A text column with blanks as "" (an absent column is all blank)."""
    if col not in df.columns:
        return pd.Series("", index=df.index, dtype=object)
    return df[col].map(lambda v: "" if is_blank(v) else str(v).strip())


def norm_lists(initiatives: pd.DataFrame) -> pd.Series:
    """The norms each initiative carries, as lists of norm ids in rising order (aliases such as
    "user-generated content" resolved; see :func:`socialkit.schemas.norm_id`)."""
    cells = text_column(initiatives, "norm")
    return pd.Series([sorted({n for n in map(norm_id, split_multi(c)) if n}, key=NORM_LEVELS.get) for c in cells],
                     index=cells.index, dtype=object)


def norm_levels(initiatives: pd.DataFrame) -> pd.Series:
    """Highest norm level of each initiative (content 1 ... collective intelligence 4; NaN when none)."""
    lists = norm_lists(initiatives)
    return pd.Series([float(max(NORM_LEVELS[n] for n in ns)) if ns else np.nan for ns in lists], index=lists.index,
                     dtype="float64")


def norm_depth(initiatives: pd.DataFrame) -> float:
    """norm depth = mean highest norm level over initiatives with a norm (NaN when none has one)."""
    lv = norm_levels(initiatives).dropna()
    return float(lv.mean()) if len(lv) else float("nan")


def highest_norm(initiatives: pd.DataFrame) -> int:
    """highest norm = max norm level reached (0 when no initiative names a norm)."""
    lv = norm_levels(initiatives).dropna()
    return int(lv.max()) if len(lv) else 0


def audience_reach(initiatives: pd.DataFrame) -> float:
    """audience reach = audiences named by at least one initiative / 3 (customers, partners, employees)."""
    reached = {a for cell in text_column(initiatives, "audience") for a in split_multi(cell) if a in AUDIENCES}
    return len(reached) / len(AUDIENCES)


def norm_table(initiatives: pd.DataFrame, norms: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per norm (rising order): norm, label, level, initiatives carrying it, share (of the
    initiatives with any norm), definition and example (from the ``norms`` table)."""
    norms = tables.load("norms") if norms is None else norms
    info = norms.set_index("norm")
    lists = norm_lists(initiatives)
    with_norm = sum(bool(ns) for ns in lists)
    counts = [sum(n in ns for ns in lists) for n in NORMS]
    return pd.DataFrame({"norm": list(NORMS), "label": [info.at[n, "label"] for n in NORMS],
                         "level": list(NORM_LEVELS.values()), "initiatives": counts,
                         "share": [c / with_norm if with_norm else 0.0 for c in counts],
                         "definition": [info.at[n, "definition"] for n in NORMS],
                         "example": [info.at[n, "example"] for n in NORMS]})


def audience_table(initiatives: pd.DataFrame) -> pd.DataFrame:
    """Initiatives reaching each audience (an initiative may reach several)."""
    cells = [split_multi(c) for c in text_column(initiatives, "audience")]
    counts = [sum(a in c for c in cells) for a in AUDIENCES]
    return pd.DataFrame({"audience": list(AUDIENCES), "initiatives": counts, "reached": [c > 0 for c in counts]})


def norm_audience_grid(initiatives: pd.DataFrame, norms: pd.DataFrame | None = None) -> pd.DataFrame:
    """The 4 x 3 grid of norms (user-generated content, collaboration, community, collective
    intelligence) by audiences (customers, partners, employees): one row per cell with ``norm``,
    ``label``, ``level``, ``audience``, ``initiatives`` (count), ``names`` (", ") and ``opportunity``
    (True for an empty cell). An initiative sits in every cell of its norms x its audiences."""
    norms = tables.load("norms") if norms is None else norms
    labels = dict(zip(norms["norm"], norms["label"]))
    lists = norm_lists(initiatives)
    auds = pd.Series([[a for a in split_multi(c) if a in AUDIENCES] for c in text_column(initiatives, "audience")],
                     index=initiatives.index, dtype=object)
    names = text_column(initiatives, "initiative")
    rows = []
    for n in NORMS:
        for a in AUDIENCES:
            who = [names[i] for i in initiatives.index if n in lists[i] and a in auds[i]]
            rows.append({"norm": n, "label": labels.get(n, n), "level": NORM_LEVELS[n], "audience": a,
                         "initiatives": len(who), "names": ", ".join(who), "opportunity": not who})
    return pd.DataFrame(rows)


def grid_view(grid: pd.DataFrame) -> pd.DataFrame:
    """The grid of :func:`norm_audience_grid` as a table to read: one row per norm, one column per
    audience, each cell "n: names" or "opportunity" when empty."""
    cells = grid.assign(cell=[f"{c}: {names}" if c else "opportunity" for c, names in zip(grid["initiatives"], grid["names"])])
    view = cells.pivot(index="label", columns="audience", values="cell")
    return view.loc[list(dict.fromkeys(grid["label"])), list(AUDIENCES)].rename_axis(index="norm", columns=None)


def opportunities(grid: pd.DataFrame) -> Findings:
    """The empty cells of the norm x audience grid (:func:`norm_audience_grid`), one line per norm, as
    opportunities."""
    out = Findings(empty="_Every norm reaches every audience._")
    empty = grid[grid["opportunity"]]
    for label, grp in empty.groupby("label", sort=False):
        out.add(f"{label} with {join_and(grp['audience'])}: no initiative yet", kind="step")
    return out
