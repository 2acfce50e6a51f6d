"""The business functions of the model, and the one way a name is resolved to a function id or a
playbook goal.

A function may be named by its id or its label, ignoring case, spaces and punctuation:
"Customer service", "customer-service" and "CUSTOMER_SERVICE" all mean ``customer_service``. The Venn
model (initiatives' ``functions`` cells) and the depth questionnaire (``function`` column) both
resolve names here. A goal is matched to the playbook's goals (:func:`match_goal`) by the Venn
model's recommendations and by the objectives loop's "improve" step.
"""

from __future__ import annotations

from typing import Any, Iterable

import pandas as pd

from . import tables
from .text import closest, is_blank, key


def functions_table(functions: pd.DataFrame | None = None) -> pd.DataFrame:
    """The functions table: the kit's (cached) when ``functions`` is None, else ``functions``
    checked and tidied (ids normalised, labels filled)."""
    if functions is None:
        return tables.load("functions")
    return tables.check("functions", functions)


def lookup(functions: pd.DataFrame) -> dict[str, str]:
    """Matching key -> function id, for ids and labels (ids win when a label's key equals another id)."""
    table = {key(f): f for f in functions["function"]}
    for label, fid in zip(functions["label"], functions["function"]):
        table.setdefault(key(label), fid)
    return table


def resolve(name: Any, functions: pd.DataFrame, *, table: dict[str, str] | None = None) -> str | None:
    """The id of the function ``name`` refers to (by id or label, any case or punctuation), or None."""
    if is_blank(name):
        return None
    return (table or lookup(functions)).get(key(name))


def resolve_many(names: Iterable[Any], functions: pd.DataFrame) -> list[str | None]:
    """:func:`resolve` for each name (None where a name is unknown)."""
    table = lookup(functions)
    return [resolve(n, functions, table=table) for n in names]


def suggestion(name: Any, functions: pd.DataFrame) -> str | None:
    """The function id closest to an unknown ``name`` (by id or label), for "did you mean" hints."""
    known = list(functions["function"]) + list(functions["label"])
    hit = closest(str(name), known)
    return resolve(hit, functions) if hit else None


def labels(functions: pd.DataFrame) -> dict[str, str]:
    """Function id -> label."""
    return dict(zip(functions["function"], functions["label"]))


def match_goal(goal: Any, playbook: pd.DataFrame) -> str | None:
    """The playbook ``goal_id`` a goal text refers to: its goal_id or goal text (ignoring case and
    punctuation), else the closest playbook goal text (similarity >= 0.75), else None."""
    goal_key = key(goal)
    if not goal_key:
        return None
    for gid, text in zip(playbook["goal_id"], playbook["goal"]):
        if goal_key in (key(gid), key(text)):
            return str(gid)
    texts = {key(t): str(g) for g, t in zip(playbook["goal_id"], playbook["goal"])}
    hit = closest(goal_key, list(texts), cutoff=0.75)
    return texts[hit] if hit else None
