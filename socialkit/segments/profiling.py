"""The profile of fitted segments (step 7 of the method, see :mod:`socialkit.segments`): sizes, the
index vs the whole audience, traits, ladders and demographic composition, with no respondent rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd

from .. import tables
from .ladders import ladder_tables
from .model import Segmenter
from .plan import MIN_LEVEL_SHARE, NO_ANSWER, NUMERIC_SHARE, OTHER, clean_levels, present, resolve_columns, to_numbers
from .traits import SUPPRESSED, index_table, segment_traits


@dataclass
class SegmentProfile:
    """Everything reported about the segments; no respondent-level rows and no identifiers."""

    sizes: pd.DataFrame  # segment, name, respondents, share
    index: pd.DataFrame  # segment, name, variable, level, kind, measure, segment_value, audience_value, index, std_diff
    traits: pd.DataFrame  # segment, name, trait, variable, level, direction, index, std_diff, kind
    participation: pd.DataFrame  # segment, name, rung, label, share, placement
    intimacy: pd.DataFrame  # segment, name, stage, label, next_step, missing_for_next
    composition: pd.DataFrame  # segment, name, column, level, share
    summary: pd.DataFrame  # one row per segment
    notes: list[str]


def _profile_values(df: pd.DataFrame, columns: Sequence[str], synonyms: pd.DataFrame
                    ) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Profile columns as numbers (when they parse and have more than 11 values) or tidy levels,
    rare levels pooled into "(other)" and blanks as "(no answer)"."""
    out, numeric, categorical = {}, [], []
    for c in columns:
        s = df[c]
        nums = to_numbers(s)
        answered = present(s)
        if answered.sum() and nums.notna().sum() >= NUMERIC_SHARE * answered.sum() and nums.nunique() > 11:
            out[c] = nums
            numeric.append(c)
        else:
            lv = clean_levels(s, c, synonyms=synonyms)
            share = lv.value_counts(normalize=True)
            rare = set(share[share < MIN_LEVEL_SHARE].index)
            out[c] = lv.where(~lv.isin(rare), OTHER).fillna(NO_ANSWER)
            categorical.append(c)
    return pd.DataFrame(out, index=df.index), numeric, categorical


def _bands(v: pd.Series) -> pd.Series:
    """Quartile bands of a numeric profile column, labelled like "18-32"; blanks as "(no answer)"."""
    edges = np.unique(np.nanquantile(v.to_numpy(dtype=float), [0, 0.25, 0.5, 0.75, 1]))
    if len(edges) < 2:
        return v.map(lambda x: NO_ANSWER if pd.isna(x) else f"{x:g}")
    cut = pd.cut(v, edges, include_lowest=True, labels=[f"{a:g}-{b:g}" for a, b in zip(edges[:-1], edges[1:])])
    return cut.astype(object).where(cut.notna(), NO_ANSWER)


def profile(model: Segmenter, df: pd.DataFrame, *, profile_columns: Any = None,
            labels: pd.Series | None = None, ladder: pd.DataFrame | None = None,
            synonyms: pd.DataFrame | None = None) -> SegmentProfile:
    """Describe the fitted segments on ``df``: sizes, index vs the whole audience for every feature
    and profile column, distinctive traits, participation and intimacy ladders, composition.

    Profile columns (e.g. demographics) are described, never clustered: numbers by their mean
    (and quartile bands in ``composition``), categories by the share of each level. Segments
    under ``min_segment_size`` never appear (they were merged or suppressed when fitting).
    ``ladder`` is the participation ladder table and ``synonyms`` the answer synonyms table
    (defaults: the kit's).
    """
    model._check_fitted()
    synonyms = tables.load("answer_synonyms") if synonyms is None else synonyms
    profile_cols = resolve_columns(df, profile_columns, "profile_columns") if profile_columns is not None \
        else list(model.plan_.profile_columns)
    labels = model.predict(df) if labels is None else labels
    lab = labels.to_numpy()
    names = dict(model.segment_names_)
    clean = model._clean(model._align(df))
    idx_f = index_table(clean, lab, model.stats_, model.plan_.numeric, model.plan_.categorical, kind="feature")
    pvals, p_num, p_cat = _profile_values(df, [c for c in profile_cols if c not in model.plan_.features], synonyms)
    idx_p = index_table(pvals, lab, {}, p_num, p_cat, kind="profile")
    index = pd.concat([idx_f, idx_p], ignore_index=True)
    index.insert(1, "name", index["segment"].map(names))
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

    exclude = [model.plan_.id_column] if model.plan_.id_column else []
    part, intim, ladder_notes = ladder_tables(df, pd.Series(lab, index=df.index), names, exclude, ladder=ladder)
    notes += ladder_notes

    comp_rows = []
    for c in profile_cols:
        if c in model.plan_.features:
            continue
        v = pvals[c]
        if c in p_num:
            v = _bands(v)
        tab = pd.crosstab(lab[lab != SUPPRESSED], v.to_numpy()[lab != SUPPRESSED], normalize="index")
        for s in tab.index:
            for level in tab.columns:
                comp_rows.append(dict(segment=int(s), name=names[int(s)], column=str(c), level=str(level),
                                      share=float(tab.loc[s, level])))
    composition = pd.DataFrame(comp_rows, columns=["segment", "name", "column", "level", "share"])

    summary = sizes.copy()
    summary["traits"] = summary["segment"].map(
        traits[traits["kind"] == "feature"].groupby("segment")["trait"].apply(lambda t: "; ".join(t))).fillna(
        "close to the audience average")
    if len(part):
        summary["participation"] = summary["segment"].map(part[part["placement"]].set_index("segment")["label"])
    summary["intimacy_stage"] = summary["segment"].map(intim.set_index("segment")["label"])
    return SegmentProfile(sizes=sizes.reset_index(drop=True), index=index.reset_index(drop=True),
                          traits=traits.reset_index(drop=True), participation=part, intimacy=intim,
                          composition=composition, summary=summary.reset_index(drop=True), notes=notes)
