"""Segments on the participation ladder (creators ... inactives, from digital-habit columns) and
on the intimacy ladder (ocean ... fish bowl, through :func:`socialkit.ladder.place_segments`)."""

from __future__ import annotations

import math
import re
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from .. import ladder as intimacy
from .. import tables
from ..text import TRUE_WORDS, key
from .plan import ID_NAME, clean_levels, to_numbers
from .traits import SUPPRESSED

PARTICIPATION_COLUMNS = ["segment", "name", "rung", "label", "share", "placement"]
INTIMACY_COLUMNS = ["segment", "name", "stage", "label", "next_step", "missing_for_next"]


def habit_columns(df: pd.DataFrame, *, ladder: pd.DataFrame | None = None, exclude: Sequence[str] = ()) -> dict[str, list[str]]:
    """Which columns measure each rung's activity: the ``habit_*`` columns when the file has them,
    else numeric columns (not in ``exclude``, not ``psy_*``) whose name matches a rung's pattern.

    ``ladder`` is the participation ladder table (rung, order, label, column_pattern, min_value,
    implies; default: the kit's ``participation_ladder`` table); ``column_pattern`` is a regular
    expression on the column's :func:`socialkit.text.key`."""
    ladder = tables.load("participation_ladder") if ladder is None else ladder
    habit = [c for c in df.columns if str(c).lower().startswith("habit_")]
    pool = habit or [c for c in df.columns if c not in exclude and not str(c).lower().startswith("psy_")
                     and not ID_NAME.search(str(c)) and to_numbers(df[c]).notna().mean() > 0.5]
    out: dict[str, list[str]] = {}
    for r in ladder.itertuples():
        if not r.column_pattern:
            continue
        cols = [c for c in pool if re.search(r.column_pattern, key(c))
                and not any(c in v for v in out.values())]
        if cols:
            out[r.rung] = cols
    return out


def participation_rungs(df: pd.DataFrame, *, ladder: pd.DataFrame | None = None,
                        columns: Mapping[str, list[str]] | None = None) -> pd.Series:
    """Each respondent's highest rung: the most engaged rung (lowest ``order``) for which any of its
    habit columns reaches ``min_value``; the last rung ("inactives") when none does."""
    ladder = tables.load("participation_ladder") if ladder is None else ladder
    columns = habit_columns(df, ladder=ladder) if columns is None else columns
    best = pd.Series(int(ladder["order"].iloc[-1]), index=df.index)
    for r in ladder.itertuples():
        cols = columns.get(r.rung)
        if not cols:
            continue
        met = np.zeros(len(df), dtype=bool)
        for c in cols:
            met |= (to_numbers(df[c]) >= float(r.min_value)).fillna(False).to_numpy()
        best = best.where(~met | (best < r.order), int(r.order))
    return best.map({int(o): r for o, r in zip(ladder["order"], ladder["rung"])}).rename("rung")


def ladder_tables(df: pd.DataFrame, labels: pd.Series, names: Mapping[int, str], exclude: Sequence[str], *,
                  ladder: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Both ladders for the segments ``labels`` of ``df``: the participation table (share of each
    segment on each rung; ``placement`` marks the rung of the segment's median member), the intimacy
    placement (from the facts the rungs imply, or survey columns named like a fact) and notes."""
    ladder = tables.load("participation_ladder") if ladder is None else ladder
    cols = habit_columns(df, ladder=ladder, exclude=exclude)
    keep = (labels != SUPPRESSED).to_numpy()
    segs = sorted(set(labels[keep].tolist()))
    notes: list[str] = []
    facts = pd.DataFrame({"segment": segs})
    facts["psychographic_insight"] = 1.0  # this survey is that insight
    part = pd.DataFrame(columns=PARTICIPATION_COLUMNS)
    if cols:
        rungs = participation_rungs(df, ladder=ladder, columns=cols)
        order = {r: int(o) for r, o in zip(ladder["rung"], ladder["order"])}
        by_order = {o: r for r, o in order.items()}
        rows = []
        for s in segs:
            r = rungs[(labels == s).to_numpy()]
            shares = r.value_counts(normalize=True)
            placed = by_order[int(math.ceil(float(np.median(r.map(order)))))]
            for rec in ladder.itertuples():
                rows.append(dict(segment=s, name=names.get(s, ""), rung=rec.rung, label=rec.label,
                                 share=float(shares.get(rec.rung, 0.0)), placement=rec.rung == placed))
        part = pd.DataFrame(rows, columns=PARTICIPATION_COLUMNS)
        implied = {f: set(ladder.loc[ladder["implies"].map(lambda i: f in list(i)), "rung"]) for f in intimacy.FACTS}
        for f, rung_set in implied.items():
            if rung_set and f != "psychographic_insight":
                facts[f] = [float(rungs[(labels == s).to_numpy()].isin(rung_set).mean()) for s in segs]
        used = "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in cols.items())
        notes.append(f"Participation ladder built from these habit columns ({used}); a segment sits on the "
                     "highest rung its median member reaches.")
    else:
        notes.append("No digital-habit columns were found (habit_* or names such as 'posts per week'), so segments "
                     "are not placed on the participation ladder.")
    norm = {key(c): c for c in df.columns}
    for f in intimacy.FACTS:  # survey columns that record a fact directly (e.g. opt_in) win over habits
        if f in norm and norm[f] not in exclude:
            held = to_numbers(df[norm[f]])
            if held.isna().all():
                held = clean_levels(df[norm[f]]).isin(TRUE_WORDS).astype(float)
            facts[f] = [float((held[(labels == s).to_numpy()] > 0).mean()) for s in segs]
            notes.append(f"Intimacy fact '{f}' read from the column '{norm[f]}'.")
    placed = intimacy.place_segments(facts, id_column="segment")
    placed.insert(1, "name", placed["segment"].map(names))
    return part, placed[INTIMACY_COLUMNS], notes
