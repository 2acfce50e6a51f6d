"""The kit works outside its checkout: a wheel installed into a fresh virtual environment lays out a
working folder with ``socialkit init`` and runs a notebook there with ``socialkit run``.

The fresh environment gets the kit from the wheel only (not editable); its third-party dependencies
are borrowed from the test environment through a path file, and Jupyter's data folders (nbconvert's
templates, the kernel spec) through JUPYTER_PATH, so the test needs no download and takes seconds.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _run(cmd, **kw):
    res = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=600, **kw)
    assert res.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}"
    return res


def _clean_env() -> dict[str, str]:
    """The environment without the kit's own settings and without PYTHONPATH (which could point at a checkout)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("SOCIALKIT_") and k != "PYTHONPATH"}


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(python, socialkit command, environment) of a fresh venv holding the kit from a wheel."""
    tmp = tmp_path_factory.mktemp("install")
    wheels = tmp / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--quiet", "-w", wheels])
    wheel = next(wheels.glob("socialkit-*.whl"))
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", venv])
    python = venv / "bin" / "python"
    purelib = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
    Path(purelib, "borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # --force-reinstall: the borrowed folder holds the test environment's own (editable) socialkit record
    _run([python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--force-reinstall", wheel],
         env=_clean_env())
    env = _clean_env()
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    return python, venv / "bin" / "socialkit", env, Path(purelib)


def test_the_wheel_carries_notebooks_samples_and_tables(installed):
    _, _, _, purelib = installed
    bundled = purelib / "socialkit" / "_bundled"
    assert len(list((bundled / "notebooks").glob("*.ipynb"))) == 5
    assert (bundled / "data" / "samples" / "summit_outfitters" / "brand.json").is_file()
    assert (bundled / "manifests" / "demo.yml").is_file()
    assert (purelib / "socialkit" / "data" / "functions.csv").is_file()


def test_init_then_run_writes_reports_in_the_working_folder(installed, tmp_path):
    python, socialkit, env, purelib = installed
    work = tmp_path / "analysis"
    out = _run([socialkit, "init", work], env=env).stdout
    assert "files written" in out
    for rel in ("README.md", "notebooks/04_vanity_to_value.ipynb", "data/samples/summit_outfitters/posts.csv",
                "data/tables/functions.csv", "manifests/demo.yml"):
        assert (work / rel).is_file(), rel
    # the kit imported is the installed one, not the checkout
    where = _run([python, "-c", "import socialkit; print(socialkit.__file__)"], cwd=work, env=env).stdout
    assert str(purelib) in where and str(ROOT) not in where
    _run([socialkit, "run", "02_relationship_depth"], cwd=work, env=env)
    assert (work / "reports" / "02_relationship_depth.ipynb").is_file()
    html = (work / "reports" / "02_relationship_depth.html").read_text(encoding="utf-8")
    assert "Relationship depth" in html and "<svg" in html
    assert not (purelib / "socialkit" / "reports").exists() and not (purelib / "reports").exists()


def test_an_edited_table_in_the_working_folder_is_the_one_read(installed, tmp_path):
    python, socialkit, env, _ = installed
    work = tmp_path / "edited"
    _run([socialkit, "init", work], env=env)
    table = work / "data" / "tables" / "functions.csv"
    table.write_text(table.read_text(encoding="utf-8").replace("Marketing,", "Brand marketing,", 1), encoding="utf-8")
    code = "import socialkit.tables as t; print(t.load('functions').set_index('function').loc['marketing', 'label'])"
    assert _run([python, "-c", code], cwd=work, env=env).stdout.strip() == "Brand marketing"


def test_init_refuses_to_overwrite(installed, tmp_path):
    _, socialkit, env, _ = installed
    _run([socialkit, "init", tmp_path / "w"], env=env)
    res = subprocess.run([str(socialkit), "init", str(tmp_path / "w")], capture_output=True, text=True, env=env)
    assert res.returncode == 1 and "already holds" in res.stderr and "--force" in res.stderr
