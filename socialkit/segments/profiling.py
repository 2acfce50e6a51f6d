"""The profile of fitted segments (step 7 of the method, see :mod:`socialkit.segments`): sizes, the
index vs the whole audience, traits, ladders and demographic composition, with no respondent rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd

from .. import tables
from . import answers
from .ladders import intimacy_table, participation_table, relationship_columns
from .model import Segmenter
from .plan import (MIN_LEVEL_SHARE, NO_ANSWER, NUMERIC_SHARE, OTHER, Shape, clean_levels, column_shape, present,
                   resolve_columns, to_numbers)
from .traits import SUPPRESSED, index_table, segment_traits, variable_label


@dataclass
class SegmentProfile:
    """Everything reported about the segments; no respondent-level rows and no identifiers."""

    sizes: pd.DataFrame  # segment, name, respondents, share
    index: pd.DataFrame  # segment, name, variable, level, kind, measure, segment_value, audience_value, index, std_diff
    traits: pd.DataFrame  # segment, name, trait, variable, level, direction, index, std_diff, kind
    participation: pd.DataFrame  # segment, name, rung, label, share, placement
    intimacy: pd.DataFrame  # segment, name, stage, label, next_step, missing_for_next, evidence (empty: not placed)
    composition: pd.DataFrame  # segment, name, column, level, share
    summary: pd.DataFrame  # one row per segment
    notes: list[str]
    intimacy_note: str = ""  # what placed the segments on the fishing ladder, or which columns would


def _describe_values(df: pd.DataFrame, columns: Sequence[str], shapes: dict[str, Shape], synonyms: pd.DataFrame
                     ) -> tuple[pd.DataFrame, list[str], list[str], dict[str, list[str]]]:
    """Profile and habit columns as numbers (numbers with more than 11 values; dates as days before
    the latest date; multi-select answers as one 0/1 column per option) or tidy levels (rare
    levels pooled into "(other)", blanks as "(no answer)", ordered bands in their order)."""
    out, numeric, categorical, order = {}, [], [], {}
    for c in columns:
        s = df[c]
        sh = shapes.get(c) or column_shape(s, c, synonyms=synonyms)
        if sh.type == "date":
            dates = answers.to_dates(s, force=True)
            if dates is not None:
                out[c] = answers.days_before_latest(dates)
                numeric.append(c)
                continue
        if sh.type == "multi_select" and sh.options:
            ind = answers.indicators(s, sh.options, c)
            for col in ind.columns:
                out[col] = ind[col].astype("float64")
                numeric.append(col)
            continue
        nums = to_numbers(s)
        answered = present(s)
        if answered.sum() and nums.notna().sum() >= NUMERIC_SHARE * answered.sum() and nums.nunique() > 11:
            out[c] = nums
            numeric.append(c)
            continue
        lv = clean_levels(s, c, synonyms=synonyms)
        share = lv.value_counts(normalize=True)
        rare = set(share[share < MIN_LEVEL_SHARE].index)
        out[c] = lv.where(~lv.isin(rare), OTHER).fillna(NO_ANSWER)
        categorical.append(c)
        if sh.order:
            order[c] = sorted(sh.order, key=sh.order.get)
    return pd.DataFrame(out, index=df.index), numeric, categorical, order


def _bands(v: pd.Series) -> pd.Series:
    """Quartile bands of a numeric profile column, labelled like "18-32"; blanks as "(no answer)"."""
    edges = np.unique(np.nanquantile(v.to_numpy(dtype=float), [0, 0.25, 0.5, 0.75, 1]))
    if len(edges) < 2:
        return v.map(lambda x: NO_ANSWER if pd.isna(x) else f"{x:g}")
    cut = pd.cut(v, edges, include_lowest=True, labels=[f"{a:g}-{b:g}" for a, b in zip(edges[:-1], edges[1:])])
    return cut.astype(object).where(cut.notna(), NO_ANSWER)


def profile(model: Segmenter, df: pd.DataFrame, *, profile_columns: Any = None,
            labels: pd.Series | None = None, ladder: pd.DataFrame | None = None,
            synonyms: pd.DataFrame | None = None, relationship: pd.DataFrame | None = None) -> SegmentProfile:
    """Describe the fitted segments on ``df``: sizes, index vs the whole audience for every feature,
    profile and habit column, distinctive traits, the participation ladder, the ocean-to-fish-bowl
    ladder (from brand-relationship columns only; ``intimacy`` is empty and ``intimacy_note`` says
    which columns would place the segments when the survey has none), composition.

    Profile columns (e.g. demographics) are described, never clustered: numbers by their mean
    (and quartile bands in ``composition``), categories by the share of each level. Segments
    under ``min_segment_size`` never appear (they were merged or suppressed when fitting).
    ``ladder``, ``synonyms`` and ``relationship`` are the participation ladder, answer synonyms and
    relationship columns tables (defaults: the kit's).
    """
    model._check_fitted()
    synonyms = tables.load("answer_synonyms") if synonyms is None else synonyms
    plan = model.plan_
    profile_cols = resolve_columns(df, profile_columns, "profile_columns") if profile_columns is not None \
        else [c for c in plan.profile_columns if c in df.columns]
    habit_cols = [c for c in plan.habits if c in df.columns and c not in profile_cols]
    labels = model.predict(df) if labels is None else labels
    lab = labels.to_numpy()
    names = dict(model.segment_names_)
    clean = model._clean(model._align(df))
    idx_f = index_table(clean, lab, model.stats_, model._numeric_vars(), model._categorical_vars(), kind="feature")
    described = [c for c in profile_cols if c not in plan.features]
    pvals, p_num, p_cat, p_order = _describe_values(df, described + habit_cols, plan.shapes, synonyms)
    is_habit = lambda v: any(v == h or v.startswith(f"{h}: ") for h in habit_cols)  # noqa: E731
    idx_p = index_table(pvals, lab, {}, [c for c in p_num if not is_habit(c)], [c for c in p_cat if not is_habit(c)],
                        kind="profile")
    idx_h = index_table(pvals, lab, {}, [c for c in p_num if is_habit(c)], [c for c in p_cat if is_habit(c)], kind="habit")
    index = pd.concat([idx_f, idx_p, idx_h], ignore_index=True)
    index.insert(1, "name", index["segment"].map(names))
    index["label"] = [variable_label(v) for v in index["variable"]]
    traits = segment_traits(index)
    traits.insert(1, "name", traits["segment"].map(names))

    keep = lab != SUPPRESSED
    counts = pd.Series(lab[keep]).value_counts().sort_index()
    sizes = pd.DataFrame({"segment": counts.index.astype(int), "name": [names[s] for s in counts.index],
                          "respondents": counts.to_numpy(), "share": counts.to_numpy() / len(lab)})
    notes = list(model.notes_)
    n_sup = int((~keep).sum())
    if n_sup:
        notes.append(f"{n_sup} respondents belong to segments under min_segment_size = {model.min_segment_size} "
                     "and are not reported.")
    small = sizes[sizes["respondents"] < model.min_segment_size]
    if len(small):  # can happen when scoring a different, smaller file
        notes.append(f"On this file, segments {', '.join(map(str, small['segment']))} have fewer than "
                     f"{model.min_segment_size} respondents; their profiles are suppressed.")
        drop = set(small["segment"])
        index = index[~index["segment"].isin(drop)]
        traits = traits[~traits["segment"].isin(drop)]
        sizes = sizes[~sizes["segment"].isin(drop)]
        lab = np.where(np.isin(lab, list(drop)), SUPPRESSED, lab)

    exclude = [plan.id_column] if plan.id_column else []
    seg = pd.Series(lab, index=df.index)
    part, part_notes = participation_table(df, seg, names, exclude + list(plan.features), ladder=ladder,
                                           habits=plan.habits or None, shapes=plan.shapes)
    facts = relationship_columns(df, plan.relationship, relationship, exclude=exclude)
    intim, intimacy_note = intimacy_table(df, seg, names, facts, relationship=relationship)
    notes += part_notes + [intimacy_note]

    comp_rows = []
    for c in described:
        if c not in pvals.columns:
            continue  # multi-select answers: one indicator per option, shown in the index, not as a mix
        v = _bands(pvals[c]) if c in p_num else pvals[c]
        tab = pd.crosstab(lab[lab != SUPPRESSED], v.to_numpy()[lab != SUPPRESSED], normalize="index")
        levels = [lv for lv in p_order.get(c, []) if lv in tab.columns]
        levels += [lv for lv in tab.columns if lv not in levels]
        for s in tab.index:
            for level in levels:
                comp_rows.append(dict(segment=int(s), name=names[int(s)], column=str(c), level=str(level),
                                      share=float(tab.loc[s, level])))
    composition = pd.DataFrame(comp_rows, columns=["segment", "name", "column", "level", "share"])

    summary = sizes.copy()
    summary["traits"] = summary["segment"].map(
        traits[traits["kind"] == "feature"].groupby("segment")["trait"].apply(lambda t: "; ".join(t))).fillna(
        "close to the audience average")
    if len(part):
        summary["participation"] = summary["segment"].map(part[part["placement"]].set_index("segment")["label"])
    if len(intim):
        summary["intimacy_stage"] = summary["segment"].map(intim.set_index("segment")["label"])
    return SegmentProfile(sizes=sizes.reset_index(drop=True), index=index.reset_index(drop=True),
                          traits=traits.reset_index(drop=True), participation=part, intimacy=intim,
                          composition=composition, summary=summary.reset_index(drop=True), notes=notes,
                          intimacy_note=intimacy_note)
