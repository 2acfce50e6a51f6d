"""Small text helpers shared by every layer: one of each.

* :func:`key` is the one name normaliser: two names mean the same thing when their keys are equal
  ("Customer-Service", "customer service" and "customer_service" all give ``customer_service``).
* :func:`words` is the same normalisation with spaces, for matching whole words inside a text.
* :func:`file_line` / :func:`file_lines` turn DataFrame row positions into the line numbers a
  person sees in the file (the header is line 1, the first row line 2).
* :func:`closest` finds the "did you mean" suggestion.
* :func:`split_multi` splits a multi-valued cell ("marketing; sales").
"""

from __future__ import annotations

import difflib
import re
from typing import Any, Iterable

#: Separators accepted inside a multi-valued cell ("marketing; sales", "marketing|sales").
MULTI_SEP = r"\s*[;|,]\s*"
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def key(text: Any) -> str:
    """The matching key of a name: lower case, each run of characters that are not letters or digits
    becomes one ``_``, none at either end. ``key("Customer-Service ") == "customer_service"``."""
    return _NON_ALNUM.sub("_", str(text).strip().lower()).strip("_")


def words(text: Any) -> str:
    """A text as lower-case words separated by single spaces (punctuation removed), for whole-word
    matching: ``words("Follower-growth!") == "follower growth"``."""
    return key(text).replace("_", " ")


def file_line(position: Any) -> int:
    """The file line of a row of a table read from a file with a header: row 0 is line 2."""
    return int(position) + 2


def file_lines(positions: Iterable[Any]) -> list[int]:
    """:func:`file_line` of several rows."""
    return [file_line(p) for p in positions]


def closest(word: Any, candidates: Iterable[Any], cutoff: float = 0.6) -> str | None:
    """The candidate closest to ``word`` (for "did you mean" hints), ignoring case when that helps;
    None when nothing is close enough."""
    cands = [str(c) for c in candidates]
    hit = difflib.get_close_matches(str(word), cands, n=1, cutoff=cutoff)
    if not hit:
        lower = {c.lower(): c for c in cands}
        hit = [lower[h] for h in difflib.get_close_matches(str(word).lower(), list(lower), n=1, cutoff=cutoff)]
    return hit[0] if hit else None


def is_blank(value: Any) -> bool:
    """True for None, NaN, pandas' missing values and text that is only spaces."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):  # pandas' NA and NaT, without importing pandas
        return True
    if isinstance(value, float) and value != value:
        return True
    return isinstance(value, str) and not value.strip()


def split_multi(value: Any) -> list[str]:
    """Split a multi-valued cell into clean, lower-case, de-duplicated items ('' and NaN give [])."""
    if is_blank(value):
        return []
    items = re.split(MULTI_SEP, str(value))
    return list(dict.fromkeys(i.strip().lower() for i in items if i and i.strip()))


def join_and(items: Iterable[Any]) -> str:
    """"a", "a and b", "a, b and c"."""
    items = [str(i) for i in items]
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def plural(n: int, word: str, many: str | None = None) -> str:
    """"1 post", "3 posts" (``many`` for irregular plurals)."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def shorten(text: Any, limit: int = 60) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis when cut;
    never cut mid-word (a single word longer than the limit is kept whole)."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    kept = ""
    for word in text.split(" "):
        if len(f"{kept} {word}".strip()) > limit:
            break
        kept = f"{kept} {word}".strip()
    kept = (kept or text.split(" ", 1)[0]).rstrip(" ,;:-")
    return kept if kept == text else kept + "\u2026"


#: Cell texts read as yes / no (compared after trimming and lower-casing).
TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1", "1.0", "paid", "x"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0", "0.0", "organic", ""})
