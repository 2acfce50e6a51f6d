"""The package's structure: layers, no import cycles, small modules, domain code that never opens files.

See docs/architecture.md for the layers these tests hold in place.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "socialkit"
#: Domain modules: maths and result types. They receive tables; they never read or write files.
DOMAIN = ("venn", "depth", "ladder", "functions", "segments", "metrics", "summary", "kpi", "practices", "figures", "norms",
          "periods")
#: What a domain module may import from the kit, besides other domain modules.
DOMAIN_MAY_IMPORT = {"exceptions", "text", "tables", "schemas", "findings", "functions"}
MAX_LINES = 750
#: Calls that read or write files.
FILE_CALLS = {"open", "read_csv", "read_excel", "read_parquet", "read_table", "read_text", "read_bytes",
              "to_csv", "to_parquet", "to_excel", "write_text", "write_bytes", "dump", "load_model"}


def modules() -> dict[str, Path]:
    """Dotted name -> file of every module of the package."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _is_package(name: str, mods: dict[str, Path]) -> bool:
    return mods[name].name == "__init__.py"


def module_imports(name: str, mods: dict[str, Path], *, top_level_only: bool = True) -> set[str]:
    """The kit's modules that ``name`` imports when it is imported (statements at module level)."""
    tree = ast.parse(mods[name].read_text(encoding="utf-8"))
    package = name if _is_package(name, mods) else name.rsplit(".", 1)[0]
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "socialkit"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "socialkit":
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in mods else target)
    return {m for m in found if m in mods and m != name}


def test_no_import_cycles():
    mods = modules()
    graph = {m: module_imports(m, mods) for m in mods}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                return stack[stack.index(n):] + [n]
            if n not in state:
                cycle = visit(n)
                if cycle:
                    return cycle
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state:
            cycle = visit(m)
            assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_detector_finds_a_cycle(tmp_path, monkeypatch):
    pkg = tmp_path / "socialkit"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from . import b\n")
    (pkg / "b.py").write_text("from .a import thing\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", pkg)
    with pytest.raises(AssertionError, match="import cycle"):
        test_no_import_cycles()


def test_no_module_is_longer_than_750_lines():
    long = {name: n for name, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def _domain_modules(mods: dict[str, Path]) -> list[str]:
    return [m for m in mods if m.count(".") >= 1 and m.split(".")[1] in DOMAIN]


def test_domain_modules_import_nothing_from_the_io_layer_but_the_table_loader():
    mods = modules()
    domain = _domain_modules(mods)
    assert {"socialkit.venn", "socialkit.depth", "socialkit.ladder"} <= set(domain)
    for m in domain:
        allowed = {f"socialkit.{a}" for a in DOMAIN_MAY_IMPORT} | set(domain) | {"socialkit"}
        used = module_imports(m, mods, top_level_only=False)
        assert used <= allowed, f"{m} imports {sorted(used - allowed)}"
        tree = ast.parse(mods[m].read_text(encoding="utf-8"))
        third = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        third |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module and not n.level}
        assert "altair" not in third, f"{m} draws charts: charts belong in socialkit.charts"


def test_domain_modules_never_open_files():
    mods = modules()
    for m in _domain_modules(mods):
        tree = ast.parse(mods[m].read_text(encoding="utf-8"))
        calls = {n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", "")
                 for n in ast.walk(tree) if isinstance(n, ast.Call)}
        assert not calls & FILE_CALLS, f"{m} calls {sorted(calls & FILE_CALLS)}"


def test_imports_inside_functions_say_why():
    """An import inside a function is allowed where the import is expensive or optional, with a
    comment on its line (or the line above) saying so."""
    unexplained = []
    for name, path in modules().items():
        lines = path.read_text(encoding="utf-8").splitlines()
        tree = ast.parse("\n".join(lines))
        for fn in ast.walk(tree):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(fn):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    here, end = lines[node.lineno - 1], lines[node.end_lineno - 1]
                    above = node.lineno - 2  # the comment may head a group of imports
                    while above >= 0 and (lines[above].strip().startswith(("import ", "from "))
                                          or not lines[above].strip()):
                        above -= 1
                    if "#" not in here and "#" not in end and not (above >= 0 and lines[above].strip().startswith("#")):
                        unexplained.append(f"{name}:{node.lineno}")
    assert not unexplained, "imports inside functions without a comment saying why: " + ", ".join(unexplained)


def test_every_exception_class_lives_in_exceptions():
    mods = modules()
    elsewhere = []
    for name, path in mods.items():
        if name == "socialkit.exceptions":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(
                    (isinstance(b, ast.Name) and b.id.endswith(("Error", "Exception"))) or
                    (isinstance(b, ast.Attribute) and b.attr.endswith(("Error", "Exception"))) for b in node.bases):
                elsewhere.append(f"{name}.{node.name}")
    assert not elsewhere, f"exception classes outside socialkit/exceptions.py: {elsewhere}"


def test_no_bare_builtin_errors_are_raised():
    """Errors a user can meet are the kit's own (structured) exceptions."""
    raised = []
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                fn = node.exc.func
                ident = fn.id if isinstance(fn, ast.Name) else getattr(fn, "attr", "")
                if ident in {"RuntimeError", "ValueError", "TypeError", "KeyError", "Exception"}:
                    raised.append(f"{name}:{node.lineno} {ident}")
    assert not raised, f"bare builtin errors raised: {raised}"


def test_panels_never_capture_output_into_their_widgets():
    """Panels fill their Output widgets with ``socialkit.panels.show``. Capturing output into one
    (``with out:``, ``clear_output``, ``display``) makes papermill's client send the kernel messages
    while it waits for a reply, which can stall it (docs/testing.md)."""
    found = []
    for path in sorted((PACKAGE / "panels").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.With):
                found += [f"{path.name}:{node.lineno}: with ..." for _ in node.items]
            elif isinstance(node, ast.Call):
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                if name in {"display", "clear_output"}:
                    found.append(f"{path.name}:{node.lineno}: {name}(...)")
    assert not found, "panels capture output: " + "; ".join(found)
