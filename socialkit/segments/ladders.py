"""Segments on the participation ladder (Forrester's Social Technographics: creators ...
inactives, from digital-habit columns) and on the ocean-to-fish-bowl ladder (through
:func:`socialkit.ladder.place_segments`, from facts about the relationship *with the brand* only).

The fishing ladder is about the brand's own relationship with people: reached only in public
networks (ocean), members of its own community (farm), opted in (store), preferences known (tank),
a personalised experience (bowl). General social habits (posting, reviewing, saving) say nothing
about that relationship, so they never place a segment on it: a segment is placed only from
columns that record a brand-relationship fact (the ``relationship_columns`` table: documented
names and synonyms such as ``newsletter_opt_in``, ``brand_community_member``,
``preferences_on_file``, ``personalised_offers``; or a column renamed with ``column_map``). A
survey with none of them leaves the segments unplaced and says which columns would place them.
"""

from __future__ import annotations

import math
import re
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from .. import ladder as intimacy
from .. import tables
from ..text import key
from . import answers
from .plan import ID_NAME, Shape, clean_levels, to_numbers
from .traits import SUPPRESSED

PARTICIPATION_COLUMNS = ["segment", "name", "rung", "label", "share", "placement"]
INTIMACY_COLUMNS = ["segment", "name", "stage", "label", "next_step", "missing_for_next", "evidence"]
#: A relationship fact holds for a segment when at least this share of its members have it.
FACT_THRESHOLD = 0.5


def habit_columns(df: pd.DataFrame, *, ladder: pd.DataFrame | None = None, exclude: Sequence[str] = ()) -> dict[str, list[str]]:
    """Which columns measure each rung's activity: the ``habit_*`` columns when the file has them,
    else numeric columns (not in ``exclude``, not ``psy_*``) whose name matches a rung's pattern.

    ``ladder`` is the participation ladder table (rung, order, label, column_pattern, min_value;
    default: the kit's ``participation_ladder`` table); ``column_pattern`` is a regular expression
    on the :func:`socialkit.text.key` of the header (CamelCase split, numbering removed)."""
    ladder = tables.load("participation_ladder") if ladder is None else ladder
    habit = [c for c in df.columns if str(c).lower().startswith("habit_")]
    pool = habit or [c for c in df.columns if c not in exclude and not str(c).lower().startswith("psy_")
                     and not ID_NAME.search(str(c)) and to_numbers(df[c]).notna().mean() > 0.5]
    out: dict[str, list[str]] = {}
    for r in ladder.itertuples():
        if not r.column_pattern:
            continue
        cols = [c for c in pool if (re.search(r.column_pattern, key(c)) or re.search(r.column_pattern,
                key(answers.header_text(c)))) and not any(c in v for v in out.values())]
        if cols:
            out[r.rung] = cols
    return out


def habit_values(df: pd.DataFrame, columns: Sequence[str], shapes: Mapping[str, Shape]) -> pd.DataFrame:
    """Digital habits as rates: numbers as they are, numeric answer bands ("1-2 hours") as the
    middle of the band, multi-select answers (platforms used) as the number of options chosen."""
    out = {}
    for c in columns:
        sh = shapes.get(c)
        if sh is not None and sh.type == "multi_select":
            ind = answers.indicators(df[c], sh.options, c)
            out[c] = ind.sum(axis=1, min_count=1)
        elif sh is not None and sh.order and sh.scale == "numeric bands":
            out[c] = clean_levels(df[c], c).map(answers.band_values(sh.order)).astype("float64")
        else:
            out[c] = to_numbers(df[c])
    return pd.DataFrame(out, index=df.index)


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


def participation_table(df: pd.DataFrame, labels: pd.Series, names: Mapping[int, str], exclude: Sequence[str], *,
                        ladder: pd.DataFrame | None = None, habits: Sequence[str] | None = None,
                        shapes: Mapping[str, Shape] | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Share of each segment on each rung (``placement`` marks the rung of the segment's median
    member), and a note saying which columns it was built from."""
    ladder = tables.load("participation_ladder") if ladder is None else ladder
    view = habit_values(df, [c for c in habits if c in df.columns], shapes or {}) if habits else df
    cols = habit_columns(view, ladder=ladder, exclude=exclude)
    if not cols:
        return pd.DataFrame(columns=PARTICIPATION_COLUMNS), [
            "No digital-habit columns were found (habit_* or names such as 'posts per week'), so segments are not "
            "placed on the participation ladder."]
    keep = (labels != SUPPRESSED).to_numpy()
    segs = sorted(set(labels[keep].tolist()))
    rungs = participation_rungs(view, ladder=ladder, columns=cols)
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
    used = "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in cols.items())
    return pd.DataFrame(rows, columns=PARTICIPATION_COLUMNS), [
        f"Participation ladder (Forrester's Social Technographics) built from these habit columns ({used}); a "
        "segment sits on the highest rung its median member reaches."]


def relationship_columns(df: pd.DataFrame, known: Mapping[str, str] | None = None,
                         relationship: pd.DataFrame | None = None, exclude: Sequence[str] = ()) -> dict[str, str]:
    """Fact -> column for the columns of ``df`` that record the relationship with the brand:
    ``known`` (e.g. from the plan) when those columns are present, else found by name and yes/no answers."""
    if known and all(c in df.columns for c in known.values()):
        return dict(known)
    found: dict[str, str] = {}
    for c in df.columns:
        if c in exclude:
            continue
        fact = answers.relationship_fact(c, df[c], relationship)
        if fact is not None and fact not in found:
            found[fact] = c
    return found


def unplaced_note(relationship: pd.DataFrame | None = None, missing: Sequence[str] | None = None) -> str:
    """Which columns would place segments on the fishing ladder (all facts, or only ``missing``)."""
    relationship = tables.load("relationship_columns") if relationship is None else relationship
    labels = dict(zip(relationship["fact"], relationship["label"]))
    examples = answers.relationship_examples(relationship)
    facts = [f for f in intimacy.FACTS if f in examples and (missing is None or f in missing)]
    return "; ".join(f"'{examples[f]}' ({labels.get(f, f)})" for f in facts)


def intimacy_table(df: pd.DataFrame, labels: pd.Series, names: Mapping[int, str], facts_in: Mapping[str, str], *,
                   relationship: pd.DataFrame | None = None) -> tuple[pd.DataFrame, str]:
    """Segments on the ocean-to-fish-bowl ladder from brand-relationship columns only, and the note
    that says what they were placed from (or which columns would place them)."""
    if not facts_in:
        return pd.DataFrame(columns=INTIMACY_COLUMNS), (
            "Segments are not placed on the ocean-to-fish-bowl ladder: the survey records no fact about the "
            "relationship with the brand (general social habits do not show one). One yes/no column per respondent "
            f"would place them: {unplaced_note(relationship)}. Other names for these facts are recognised too "
            "(docs/segments.md), or rename yours with column_map.")
    keep = (labels != SUPPRESSED).to_numpy()
    segs = sorted(set(labels[keep].tolist()))
    facts = pd.DataFrame({"segment": segs})
    evidence = {s: [] for s in segs}
    for fact, col in facts_in.items():
        held = answers.yes_values(df[col])
        shares = []
        for s in segs:
            v = held[(labels == s).to_numpy()]
            share = float((v > 0).sum() / v.notna().sum()) if v.notna().any() else float("nan")
            shares.append(share)
            evidence[s].append(f"{intimacy.FACT_LABELS.get(fact, fact)} {share:.0%}" if np.isfinite(share) else
                               f"{intimacy.FACT_LABELS.get(fact, fact)} unknown")
        facts[fact] = shares
    placed = intimacy.place_segments(facts, id_column="segment", threshold=FACT_THRESHOLD)
    placed.insert(1, "name", placed["segment"].map(names))
    placed["evidence"] = placed["segment"].map(lambda s: "; ".join(evidence[s]))
    note = ("Segments are placed on the ocean-to-fish-bowl ladder from the brand-relationship columns " +
            ", ".join(f"'{c}' ({intimacy.FACT_LABELS.get(f, f)})" for f, c in facts_in.items()) +
            f"; a fact holds for a segment when at least {FACT_THRESHOLD:.0%} of its members have it.")
    missing = [f for f in intimacy.FACTS if f not in facts_in and f != "public_network"]
    if missing:
        note += (" Not recorded, so counted as not holding: " + ", ".join(intimacy.FACT_LABELS.get(f, f) for f in missing)
                 + f"; columns such as {unplaced_note(relationship, missing)} would show them.")
    return placed[INTIMACY_COLUMNS].reset_index(drop=True), note
