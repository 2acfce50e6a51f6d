"""Secret parameters: found once, masked everywhere (executed notebooks, reports, records, errors).

A notebook parameter whose help comment says ``[secret]`` is injected into the kernel, but its
value never appears in anything the kit writes: the injected cell shows ``[secret]``, and every text
form of the value (plain, ``repr``/JSON-escaped, HTML-escaped) is replaced by ``[secret]`` in every
output, metadata field, title block and error message. Values shorter than
:data:`MIN_SECRET_LENGTH` are masked in the injected cell and the records, but not searched for in
outputs: replacing "42" everywhere would wreck a report.
"""

from __future__ import annotations

import html as _html
import json
from typing import Any, Iterable, Iterator, Mapping

import nbformat

from .params import parse_parameters, tagged_source

#: What replaces a secret value wherever it would appear.
SECRET_MASK = "[secret]"
#: Secret values shorter than this are not searched for in outputs.
MIN_SECRET_LENGTH = 4
#: Outputs that are base64 data, not text: never searched.
_BINARY_MIMES = ("image/png", "image/jpeg", "image/gif", "application/pdf")


def secret_names(nb: Mapping) -> set[str]:
    """Names marked ``[secret]`` in the help comments of a notebook's ``parameters`` cell."""
    source = tagged_source(nb, "parameters")
    if source is None:
        return set()
    return {name for name, p in parse_parameters(source, strict=False).items() if p.secret}


def mask(parameters: Mapping[str, Any], secrets: Iterable[str]) -> dict[str, Any]:
    """``parameters`` with the values of the ``secrets`` replaced by ``[secret]`` (for records)."""
    hidden = set(secrets)
    return {k: (SECRET_MASK if k in hidden else v) for k, v in parameters.items()}


def find_secret_values(nb: Mapping, names: Iterable[str], *, meta: Mapping[str, Any] | None = None) -> list[str]:
    """Every text form of the values given to the parameters ``names`` in an executed notebook:
    papermill's record of the run, the ``injected-parameters`` and ``parameters`` cells, and ``meta``."""
    names = set(names)
    found: list[Any] = []
    recorded = nb.get("metadata", {}).get("papermill", {}).get("parameters", {}) or {}
    found += [v for k, v in recorded.items() if k in names]
    for tag in ("injected-parameters", "parameters"):
        source = tagged_source(nb, tag)
        if source is not None:
            found += [p.default for k, p in parse_parameters(source, strict=False).items() if k in names]
    if meta:
        found += [v for k, v in meta.items() if k in names]
    return secret_forms(found)


def secret_forms(values: Iterable[Any]) -> list[str]:
    """Every text form of secret ``values`` that may appear in a notebook or a page (the text, its
    ``repr``/JSON-escaped and HTML-escaped forms), longest first; short values are left out."""
    forms: set[str] = set()
    for value in values:
        for text in _leaf_texts(value):
            forms.update({text, repr(text)[1:-1], json.dumps(text)[1:-1], _html.escape(text),
                          _html.escape(text, quote=False)})
    return sorted((f for f in forms if len(f) >= MIN_SECRET_LENGTH), key=lambda s: (-len(s), s))


def scrub(text: str, values: Iterable[str]) -> str:
    """``text`` with every occurrence of each of ``values`` replaced by ``[secret]``."""
    for value in values:
        if value:
            text = text.replace(value, SECRET_MASK)
    return text


def scrub_tree(obj: Any, values: list[str], key: str | None = None) -> Any:
    """A copy of a JSON-like structure with secrets replaced in every string (binary data skipped)."""
    if key in _BINARY_MIMES:
        return obj
    if isinstance(obj, str):
        return scrub(obj, values)
    if isinstance(obj, Mapping):
        return {k: scrub_tree(v, values, k) for k, v in obj.items()}
    if isinstance(obj, list):
        return [scrub_tree(v, values) for v in obj]
    return obj


def scrub_notebook(nb, secrets: Mapping[str, Any]):
    """A copy of an executed notebook with secret values masked: by name in the injected-parameters
    cell and papermill's record, and in every text form everywhere else."""
    if not secrets:
        return nb
    for cell in nb.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            lines = []
            for line in cell.source.splitlines():
                name = line.split("=", 1)[0].split(":", 1)[0].strip()
                lines.append(f'{name} = "{SECRET_MASK}"' if name in secrets else line)
            cell.source = "\n".join(lines)
    nb.metadata.get("papermill", {}).get("parameters", {}).update({n: SECRET_MASK for n in secrets})
    return nbformat.from_dict(scrub_tree(nb, secret_forms(secrets.values())))


def _leaf_texts(value: Any) -> Iterator[str]:
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from _leaf_texts(v)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for v in value:
            yield from _leaf_texts(v)
    else:
        yield str(value)
