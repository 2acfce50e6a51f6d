"""The KPI vocabulary: is a KPI a vanity number or a business result?

"If your team brings you friends & followers, push back and tell them you want relationships. If
they bring you likes and re-tweets, push back and tell them you want business engagement. If they
bring you sentiment and conversations, push back and tell them you want revenue." (essay "Social
media ≠ Social business"). An initiative's KPI is a free text ("newsletter subscribers", "CTR",
"brand love"); this module reads it against the editable ``kpi_vocabulary`` table (term, kind,
means, becomes, source).

Rule (docs/model.md):

* a term matches as whole words, ignoring case, punctuation and a plural "s" on its last word;
* where matches overlap, the longest wins: "newsletter subscribers" (business: an opt-in) beats
  "subscribers" (vanity: followers), "channel subscribers" (vanity) beats nothing else, and
  "engagement rate" beats "engagement";
* the KPI is **business** when any remaining match is business ("likes and leads"), **vanity**
  when all are vanity, **unclassified** when no term matches ("brand love"), **missing** when blank.

An unclassified KPI is never counted as value: the analyst is asked what it is (:func:`questions`)
and may add it to the table. Only the vocabulary decides; nothing is guessed.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

import pandas as pd

from . import tables
from .findings import Findings
from .schemas import KIT_ASSUMPTION
from .text import is_blank, join_and, words

#: Kinds a KPI can be, in the order reports list them.
KINDS = ("business", "vanity", "unclassified", "missing")
COLUMNS = ["kpi", "kpi_kind", "means", "matched", "becomes"]


def vocabulary(table: pd.DataFrame | None = None) -> pd.DataFrame:
    """The KPI vocabulary: the kit's (cached) when ``table`` is None, else ``table`` checked."""
    return tables.load("kpi_vocabulary") if table is None else tables.check("kpi_vocabulary", table)


def _pattern(term: str) -> re.Pattern:
    parts = words(term).split()
    if parts[-1].endswith("s") and len(parts[-1]) > 3:
        parts[-1] = parts[-1][:-1] + "s?"  # "followers" also matches "follower growth"
    else:
        parts[-1] += "s?"
    return re.compile(r"\b" + r"\s+".join(parts) + r"\b")


def _entries(table: pd.DataFrame) -> list[tuple[re.Pattern, dict]]:
    out = []
    for rec in table.to_dict("records"):
        if words(rec["term"]):
            out.append((_pattern(rec["term"]), {k: ("" if is_blank(v) else str(v).strip()) for k, v in rec.items()}))
    return out


def _matches(text: str, entries: list[tuple[re.Pattern, dict]]) -> list[dict]:
    """Vocabulary rows matching ``text`` (already :func:`words`), longest first, overlaps dropped."""
    found = [(m.start(), m.end(), rec) for pattern, rec in entries for m in pattern.finditer(text)]
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    kept: list[tuple[int, int, dict]] = []
    for start, end, rec in found:
        if all(end <= s or start >= e for s, e, _ in kept):
            kept.append((start, end, rec))
    return [rec for _, _, rec in sorted(kept, key=lambda f: f[0])]


def classify(kpis: pd.Series | Iterable[Any], table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Classify KPI texts with the vocabulary (see the module docstring).

    Returns one row per KPI (the index of ``kpis`` when it is a Series): ``kpi`` (the text, trimmed),
    ``kpi_kind`` (business, vanity, unclassified or missing), ``means`` (what the matching terms
    measure, e.g. "opt-in" or "followers"), ``matched`` (the vocabulary terms found) and ``becomes``
    (for a vanity KPI, the business metric to ask for instead)."""
    series = kpis if isinstance(kpis, pd.Series) else pd.Series(list(kpis), dtype=object)
    entries = _entries(vocabulary(table))
    rows = []
    for value in series:
        text = "" if is_blank(value) else str(value).strip()
        if not words(text):
            rows.append({"kpi": text, "kpi_kind": "missing", "means": "", "matched": "", "becomes": ""})
            continue
        hits = _matches(words(text), entries)
        business = [h for h in hits if h["kind"] == "business"]
        kind = "business" if business else ("vanity" if hits else "unclassified")
        chosen = business or hits
        rows.append({"kpi": text, "kpi_kind": kind,
                     "means": "; ".join(dict.fromkeys(h["means"] for h in chosen)),
                     "matched": "; ".join(dict.fromkeys(h["term"] for h in chosen)),
                     "becomes": "; ".join(dict.fromkeys(h["becomes"] for h in chosen if h["becomes"]))
                     if kind == "vanity" else ""})
    return pd.DataFrame(rows, columns=COLUMNS, index=series.index)


def questions(classified: pd.DataFrame, *, who: pd.Series | None = None) -> Findings:
    """One question per unclassified KPI of :func:`classify`'s output ("is 'brand love' a business
    result?"), naming the initiatives that use it when ``who`` (same index) gives their names."""
    out = Findings(empty="_Every KPI is in the vocabulary._")
    rows = classified[classified["kpi_kind"] == "unclassified"]
    for kpi, grp in rows.groupby("kpi", sort=False):
        names = join_and(f"'{n}'" for n in who.loc[grp.index]) if who is not None else ""
        out.add(f"Is \"{kpi}\" a business result or a vanity number?",
                (f"{names} {'is' if len(grp) == 1 else 'are'} judged on it. " if names else "")
                + "It is not in the KPI vocabulary, so it is not counted as value. If it records what people do "
                "for the business (opt in, enquire, buy, stay, recommend), add it to kpi_vocabulary.csv as "
                "business; if it counts attention (reach, followers, likes), add it as vanity.", kind="step")
    return out


def assumptions(table: pd.DataFrame | None = None) -> Findings:
    """What the vocabulary's classification rests on: the terms the kit classified itself (source
    "kit assumption") and those taken from the essays or named frameworks."""
    table = vocabulary(table)
    src = table["source"] if "source" in table.columns else pd.Series("", index=table.index)
    own = table[src.fillna("").str.contains(KIT_ASSUMPTION, case=False)]
    out = Findings()
    for kind, grp in own.groupby("kind", sort=False):
        out.add(f"KPI vocabulary: the kit itself classifies {join_and(grp['term'])} as {kind} "
                "(kpi_vocabulary.csv, source \"kit assumption\").", kind="assumption")
    out.add("A KPI is business as soon as one of its terms is (\"likes and leads\"); overlapping terms resolve to "
            "the longest (\"newsletter subscribers\" is an opt-in, \"channel subscribers\" are followers); an "
            "unknown KPI is not counted as value (kit assumption).", kind="assumption")
    return out
