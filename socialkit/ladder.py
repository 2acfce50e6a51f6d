"""The intimacy ladder, from ocean fishing to the fish bowl (the fishing analogy of the essay on
enterprise social alignment; docs/model.md).

ocean (public networks) -> farm (private, profile-based communities) -> store (content and
engagement create opt-in buying) -> tank (insight into demographics *and psychographics*) -> bowl
(those insights personalise the experience online and offline). The stages, what each requires and
the next step from each live in the editable ``intimacy_ladder`` table (:func:`socialkit.tables.load`).

Placement rule: each stage lists the observable facts it requires (column ``requires``; ocean
requires nothing). A programme or audience segment sits on the **highest stage whose required facts
all hold**. Facts are ``public_network``, ``private_community``, ``opt_in``,
``psychographic_insight`` and ``personalised``. With the shipped table: farm needs a private
community; store needs opt-in; tank needs opt-in and psychographic insight; bowl needs opt-in,
psychographic insight and personalisation. The **next step** is the placed stage's ``next_step``
text, and ``missing_for_next`` lists the facts the next stage requires that do not hold yet. A fact
that holds without the facts beneath it (e.g. personalisation with no psychographic insight) is
named in ``note``: it does not lift the placement.

For segments, facts may be shares (0..1, e.g. the share of a segment that opted in): a fact holds
when the share is at least ``threshold`` (0.5 by default).
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import pandas as pd

from . import tables
from .exceptions import ParameterError
from .findings import Findings
from .schemas import INTIMACY_FACTS
from .text import TRUE_WORDS, is_blank

#: Observable facts, in the order the ladder uses them.
FACTS = INTIMACY_FACTS
FACT_LABELS = {
    "public_network": "public network", "private_community": "private community", "opt_in": "opt-in",
    "psychographic_insight": "psychographic insight", "personalised": "personalisation",
}


def _truth(value: Any, threshold: float) -> bool:
    """Whether a fact holds: booleans as given, numbers (shares) from ``threshold`` up, text when it
    reads as yes (:data:`socialkit.text.TRUE_WORDS`); missing values do not hold."""
    if is_blank(value):
        return False
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value) >= threshold
    return str(value).strip().lower() in TRUE_WORDS


def place_segment(facts: Mapping[str, Any], *, name: str = "segment", threshold: float = 0.5,
                  ladder: pd.DataFrame | None = None) -> dict[str, Any]:
    """Place one programme or audience segment from its facts (booleans, or shares 0..1 compared
    with ``threshold``); missing facts count as not holding. Returns a dict with name, stage, order,
    label, next_step, missing_for_next, note and one boolean per fact."""
    ladder = tables.load("intimacy_ladder") if ladder is None else ladder
    if not 0 < threshold <= 1:
        raise ParameterError("threshold", f"must be in (0, 1]. Got {threshold!r} instead.", owner="place_segment")
    held = {f: _truth(facts.get(f), threshold) for f in FACTS}
    pos = 0
    for i, required in enumerate(ladder["requires"]):
        if all(held[f] for f in required):
            pos = i
    placed = ladder.iloc[pos]
    nxt = ladder.iloc[pos + 1] if pos + 1 < len(ladder) else None
    missing = [f for f in (nxt["requires"] if nxt is not None else []) if not held[f]]
    used = set(placed["requires"])
    unsupported = [f for f in FACTS if held[f] and f not in used and f not in ("public_network",)
                   and any(f in r for r in ladder["requires"].iloc[pos + 1:])]
    note = ""
    if unsupported:
        note = ", ".join(FACT_LABELS[f] for f in unsupported) + " without " + ", ".join(
            FACT_LABELS[f] for f in _prerequisites(unsupported, held, ladder)) + ": does not count yet"
    if not any(held.values()):
        note = "no intimacy facts recorded: placed on the ocean by default"
    return {
        "name": name, "stage": placed["stage"], "order": int(placed["order"]), "label": placed["label"],
        "next_step": placed["next_step"],
        "next_stage": nxt["stage"] if nxt is not None else "",
        "missing_for_next": "; ".join(missing), "note": note, **held,
    }


def _prerequisites(facts: list[str], held: Mapping[str, bool], ladder: pd.DataFrame) -> list[str]:
    """Facts that must also hold for ``facts`` to lift the placement (those of the first stage that
    requires each), and do not."""
    need: list[str] = []
    for f in facts:
        first = next(r for r in ladder["requires"] if f in r)
        need += [g for g in first if g != f and not held[g] and g not in need]
    return need


def place(df: pd.DataFrame, *, id_column: str = "programme", threshold: float = 0.5,
          ladder: pd.DataFrame | None = None) -> pd.DataFrame:
    """Place every row (a programme or a segment) on the ladder: ``id_column``, stage, order, label,
    next_step, next_stage, missing_for_next, note and the facts as booleans. Missing fact columns
    count as false; the input is not changed."""
    if id_column not in df.columns:
        raise ParameterError("id_column", f"must name a column of the table (its columns: "
                             f"{', '.join(map(str, df.columns))}). Got {id_column!r} instead.", owner="place")
    ladder = tables.load("intimacy_ladder") if ladder is None else ladder
    rows = []
    for rec in df.to_dict("records"):
        out = place_segment(rec, name=rec[id_column], threshold=threshold, ladder=ladder)
        out[id_column] = out.pop("name")
        rows.append(out)
    cols = [id_column, "stage", "order", "label", "next_step", "next_stage", "missing_for_next", "note", *FACTS]
    return pd.DataFrame(rows, columns=cols)


def place_programmes(programmes: pd.DataFrame, *, ladder: pd.DataFrame | None = None) -> pd.DataFrame:
    """Place each programme (the Programmes contract) on the ladder; see :func:`place`."""
    return place(programmes, id_column="programme", ladder=ladder)


def place_segments(segments: pd.DataFrame, *, id_column: str = "segment", threshold: float = 0.5,
                   ladder: pd.DataFrame | None = None) -> pd.DataFrame:
    """Place audience segments whose facts are booleans or shares (0..1); see :func:`place`."""
    return place(segments, id_column=id_column, threshold=threshold, ladder=ladder)


def stage_counts(placed: pd.DataFrame, *, id_column: str = "programme", ladder: pd.DataFrame | None = None) -> pd.DataFrame:
    """Programmes per stage (every stage listed, zeros included): stage, order, label, n, names."""
    ladder = tables.load("intimacy_ladder") if ladder is None else ladder
    rows = []
    for s in ladder.itertuples(index=False):
        names = placed.loc[placed["stage"] == s.stage, id_column].astype(str).tolist()
        rows.append({"stage": s.stage, "order": int(s.order), "label": s.label, "n": len(names), "names": ", ".join(names)})
    return pd.DataFrame(rows)


def assumptions(*, threshold: float = 0.5, ladder: pd.DataFrame | None = None) -> Findings:
    """What a placement on the ladder rests on (for a report's notes): the facts each stage requires
    (the kit's reading of the essay's stages) and, for segments, the share from which a fact holds."""
    ladder = tables.load("intimacy_ladder") if ladder is None else ladder
    needs = "; ".join(f"{s}: {', '.join(FACT_LABELS[f] for f in r) or 'nothing'}"
                      for s, r in zip(ladder["label"], ladder["requires"]))
    return Findings().add(f"Each stage of the fishing analogy requires observable facts ({needs}); which facts is the "
                          "kit's reading of the essay (intimacy_ladder.csv).", kind="assumption").add(
        f"For segments, a fact holds when at least {threshold:.0%} of the segment shares it (kit assumption).",
        kind="assumption")
