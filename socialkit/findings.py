"""Prose for people: findings, notes and next steps, one type for every analysis and notebook.

A :class:`Findings` is an ordered list of :class:`Finding` items (most important first). Domain
functions return one; notebooks display it (it renders as Markdown in JupyterLab and in reports);
the executive summary merges several. Nothing here computes: it only words and orders.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator

import pandas as pd

#: Kinds of item, in the order a report reads them.
KINDS = ("finding", "step", "note", "assumption")


@dataclass(frozen=True)
class Finding:
    """One statement: a short headline (``text``) and an optional sentence or two of ``detail``."""

    text: str
    detail: str = ""
    area: str = ""
    kind: str = "finding"

    def markdown(self) -> str:
        text = self.text.strip()
        if not self.detail:
            return f"- {text}"
        detail = self.detail.strip()
        end = "" if text.endswith((".", "!", "?", ":")) else "."
        return f"- **{text}{end}** {detail[:1].upper() + detail[1:]}"


class Findings:
    """An ordered list of findings that renders as a Markdown bullet list (grouped by area when the
    items name one). ``empty`` is shown when there is nothing to say."""

    def __init__(self, items: Iterable[Finding] = (), *, empty: str = "_Nothing to note._"):
        self.items: list[Finding] = list(items)
        self.empty = empty

    @classmethod
    def of(cls, texts: Iterable[str], *, kind: str = "note", area: str = "", empty: str = "_Nothing to note._"
           ) -> "Findings":
        """Findings made of plain sentences (e.g. a model's notes)."""
        return cls([Finding(str(t), area=area, kind=kind) for t in texts], empty=empty)

    def add(self, text: str, detail: str = "", *, area: str = "", kind: str = "finding") -> "Findings":
        self.items.append(Finding(str(text), str(detail or ""), area, kind))
        return self

    def extend(self, other: Iterable[Finding]) -> "Findings":
        self.items.extend(other)
        return self

    def where(self, *, kind: str | None = None, area: str | None = None) -> "Findings":
        """The items of one kind and/or one area, in order."""
        return Findings([f for f in self.items if (kind is None or f.kind == kind) and (area is None or f.area == area)],
                        empty=self.empty)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.items)

    def __getitem__(self, i: int) -> Finding:
        return self.items[i]

    def __contains__(self, text: str) -> bool:
        return any(text in f.text or text in f.detail for f in self.items)

    def __add__(self, other: "Findings") -> "Findings":
        return Findings([*self.items, *other.items], empty=self.empty)

    @property
    def table(self) -> pd.DataFrame:
        """The items as a table: area, kind, finding, detail."""
        return pd.DataFrame([(f.area, f.kind, f.text, f.detail) for f in self.items],
                            columns=["area", "kind", "finding", "detail"])

    def markdown(self) -> str:
        if not self.items:
            return self.empty
        if not any(f.area for f in self.items):
            return "\n".join(f.markdown() for f in self.items)
        lines: list[str] = []
        for area in dict.fromkeys(f.area for f in self.items):
            if area:
                lines.append(f"**{area}**\n")
            lines += [f.markdown() for f in self.items if f.area == area]
            lines.append("")
        return "\n".join(lines).strip()

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def __str__(self) -> str:
        return self.markdown()

    def __repr__(self) -> str:
        return f"Findings({len(self.items)} items)"


class Markdown(str):
    """A paragraph of Markdown text that notebooks display as Markdown (a ``str`` subclass)."""

    def _repr_markdown_(self) -> str:
        return str(self)
