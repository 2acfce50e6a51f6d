"""Key figures as the history stores and shows them: flattening, typed values, periods, changes.

Pure functions (no database, no files): the store, the index page, the ``socialkit history``
command and the notebooks' "what changed" sections all format a figure and its change here, so a
figure reads the same everywhere.

Figures are what a notebook recorded with :func:`socialkit.records.record`; a dict is flattened
to dotted names (``segments.sizes = {"explorers": 120}`` becomes ``segments.sizes.explorers``),
so notebooks can add figures without a schema change.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Mapping

import pandas as pd

from ..figures import SHOWN
from ..metrics.rates import RATES

#: Recorded names that describe the report rather than measure the organisation: stored, but not
#: shown as key figures or compared.
META = frozenset({"organisation", "accent_colour", "logo", "currency", "period", "period_covered",
                  "compared_with"})

#: Families of figures :data:`socialkit.figures.SHOWN` does not list one by one: name prefix ->
#: (label prefix, format, better). ``format`` is "share" (a 0-1 value shown as a percentage, its
#: changes in percentage points), "number", "text" or "auto" (a share when the value is a fraction
#: and the name says rate, coverage, share ...); ``better`` is +1 when a rise is good, -1 when it is
#: bad, 0 when neither (a kit assumption, used only to colour a change green or red).
PREFIXES: dict[str, tuple[str, str, int]] = {
    "metrics.rate.": ("rate: ", "number", +1),  # rates are in their own unit (3.2 = 3.2 %), never 0-1 shares
    "segments.sizes.": ("segment size: ", "auto", 0),
    "objectives.": ("objectives ", "number", 0),
}
#: Words in a rate's name that mean lower is better (cost per result).
_LOWER_IS_BETTER = ("cost", "cpa", "cpc", "cpm", "churn", "complaint", "unsubscribe")
#: Words in a name that mark a 0-1 share among figures whose format is "auto".
_SHARE_WORDS = ("rate", "coverage", "share", "ratio", "scope", "value", "sizes")


# --------------------------------------------------------------------------- values


def flatten(figures: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``figures`` with every dict value flattened to dotted names (lists and scalars kept)."""
    out: dict[str, Any] = {}
    for name, value in figures.items():
        full = f"{prefix}{name}"
        if isinstance(value, Mapping):
            out.update(flatten(value, prefix=f"{full}."))
        else:
            out[full] = value
    return out


def encode(value: Any) -> tuple[str, float | None, str | None]:
    """A figure as stored: (kind, number, text). Kinds: integer, number, bool, text, list, null."""
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:  # numpy and pandas scalars
            value = value.item()
        except (ValueError, TypeError):
            value = str(value)
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return "null", None, None
    if isinstance(value, bool):
        return "bool", float(value), "true" if value else "false"
    if isinstance(value, int):
        return "integer", float(value), None
    if isinstance(value, float):
        return "number", value, None
    if isinstance(value, (list, tuple, set)):
        return "list", None, json.dumps(list(value), default=str)
    return "text", None, str(value)


def decode(kind: str, number: Any, text: Any) -> Any:
    """The value :func:`encode` stored (ints come back as ints, floats as floats)."""
    if kind in ("number", "integer"):
        if number is None or (isinstance(number, float) and math.isnan(number)):
            return None
        return int(number) if kind == "integer" else float(number)
    if kind == "bool":
        return bool(number)
    if kind == "list":
        return json.loads(text) if text else []
    if kind == "null":
        return None
    return None if text is None else str(text)


# --------------------------------------------------------------------------- periods



# --------------------------------------------------------------------------- showing figures


def describe_figure(name: str) -> tuple[str, str, int]:
    """(label, format, better) of a figure name: from :data:`socialkit.figures.SHOWN` (the figures
    the notebooks record), else from its family (:data:`PREFIXES`), else the name as recorded."""
    if name in SHOWN:
        label, fmt, better = SHOWN[name]
        return label, fmt, {True: +1, False: -1}.get(better, 0)
    for prefix, (label, fmt, better) in PREFIXES.items():
        if name.startswith(prefix):
            if prefix == "metrics.rate." and name[len(prefix):] in RATES:
                r = RATES[name[len(prefix):]]
                unit = ", %" if r.unit == "%" else f" ({r.unit})" if "per post" in r.unit else ""
                return f"{r.label}{unit}", fmt, better
            rest = name[len(prefix):].replace("_", " ")
            if prefix == "metrics.rate." and any(w in rest.lower() for w in _LOWER_IS_BETTER):
                better = -1
            return f"{label}{rest}", fmt, better
    return name, "auto", 0


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and not (
        isinstance(value, float) and math.isnan(value))


def _format_of(name: str, value: Any) -> str:
    fmt = describe_figure(name)[1]
    if fmt == "auto":
        if (_is_number(value) and isinstance(value, float) and 0 <= value <= 1
                and any(w in name.lower() for w in _SHARE_WORDS)):
            return "share"
        return "number" if _is_number(value) else "text"
    return fmt


def format_value(name: str, value: Any) -> str:
    """A figure as a person reads it: shares as percentages, numbers to three significant digits."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    fmt = _format_of(name, value)
    if fmt == "share" and _is_number(value):
        return f"{value:.1%}" if abs(value) < 0.1 else f"{value:.0%}"
    if _is_number(value):
        return _number(value)
    return str(value)


def _number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def change(name: str, before: Any, after: Any) -> dict[str, str]:
    """How a figure moved: ``text`` ("+5 pp", "+12 (+8%)", "coordinated -> social business"),
    ``direction`` (up, down, same, changed, new, gone) and ``tone`` (good, bad, neutral)."""
    missing_before = before is None or (isinstance(before, float) and math.isnan(before))
    missing_after = after is None or (isinstance(after, float) and math.isnan(after))
    if missing_before and missing_after:
        return {"text": "", "direction": "same", "tone": "neutral"}
    if missing_before:
        return {"text": "new", "direction": "new", "tone": "neutral"}
    if missing_after:
        return {"text": "no longer recorded", "direction": "gone", "tone": "neutral"}
    better = describe_figure(name)[2]
    if _is_number(before) and _is_number(after):
        diff = after - before
        if abs(diff) < 1e-12:
            return {"text": "no change", "direction": "same", "tone": "neutral"}
        fmt = _format_of(name, after)
        if fmt == "share":
            text = f"{diff * 100:+.1f} pp"
        else:
            text = ("+" if diff > 0 else "-") + _number(abs(diff))
            if before:
                text += f" ({diff / abs(before):+.0%})"
        direction = "up" if diff > 0 else "down"
        tone = "neutral" if not better else ("good" if (diff > 0) == (better > 0) else "bad")
        return {"text": text, "direction": direction, "tone": tone}
    if before == after:
        return {"text": "no change", "direction": "same", "tone": "neutral"}
    return {"text": f"{format_value(name, before)} -> {format_value(name, after)}", "direction": "changed",
            "tone": "neutral"}


#: Arrows for each direction of a change (the word is always written next to it too).
ARROWS = {"up": "\u25b2", "down": "\u25bc", "same": "=", "changed": "\u2192", "new": "+", "gone": "\u2013"}


def key_figures(figures: Mapping[str, Any]) -> dict[str, Any]:
    """The figures worth showing: every recorded figure but :data:`META`, known ones first."""
    names = [n for n in figures if n not in META]
    known = [n for n in SHOWN if n in figures]
    return {n: figures[n] for n in known + sorted(set(names) - set(known))}


def changes(current: Mapping[str, Any], previous: Mapping[str, Any]) -> pd.DataFrame:
    """Each key figure now and in the previous run, and how it moved (one row per figure):
    ``figure`` (name), ``label``, ``previous``, ``now`` (formatted), ``change``, ``direction``,
    ``tone``, ``previous_value``, ``value`` (raw). Figures recorded in only one of the two runs are
    listed as new or no longer recorded."""
    current, previous = flatten(current), flatten(previous)
    names = list(key_figures(current)) + [n for n in key_figures(previous) if n not in current]
    rows = []
    for name in names:
        before, after = previous.get(name), current.get(name)
        moved = change(name, before, after)
        rows.append({"figure": name, "label": describe_figure(name)[0],
                     "previous": format_value(name, before) if name in previous else "",
                     "now": format_value(name, after) if name in current else "",
                     "change": moved["text"], "direction": moved["direction"], "tone": moved["tone"],
                     "previous_value": before, "value": after})
    return pd.DataFrame(rows, columns=["figure", "label", "previous", "now", "change", "direction", "tone",
                                       "previous_value", "value"])


def summary_line(figures: Mapping[str, Any], limit: int = 4) -> str:
    """A few key figures in one line, known ones first ("Venn scope 62%, Venn class coordinated")."""
    shown = list(key_figures(figures).items())[:limit]
    more = len(key_figures(figures)) - len(shown)
    text = ", ".join(f"{describe_figure(n)[0]} {format_value(n, v)}" for n, v in shown)
    return text + (f" (+{more} more)" if more > 0 else "")
