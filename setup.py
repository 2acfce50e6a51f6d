"""Build hook: the wheel carries the notebooks, sample data and demo manifest.

The repository keeps ``notebooks/``, ``data/samples/`` and ``manifests/`` at its top level; an
installed kit finds them in ``socialkit/_bundled/`` (see ``socialkit/config.py``). Everything else is
declared in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = ("notebooks", "data/samples", "manifests")


class BuildPyWithBundle(build_py):
    """Copy the bundled folders into the built package (not for editable installs: the checkout serves them)."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for rel in BUNDLED:
            source = ROOT / rel
            if source.is_dir():
                shutil.copytree(source, Path(self.build_lib) / "socialkit" / "_bundled" / rel, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.pyc"))


setup(cmdclass={"build_py": BuildPyWithBundle})
