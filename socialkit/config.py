"""The one place that knows where things are: notebooks, sample data, editable tables, reports.

The kit works from any folder. An analyst's **working folder** (the current directory, or
``SOCIALKIT_HOME``) may hold its own ``notebooks/``, ``data/samples/`` and ``data/tables/`` (``socialkit
init`` lays them out); what it does not hold is read from the copies **shipped with the kit**: inside
the installed package (``socialkit/_bundled``) or, in a checkout of the repository, its top-level
``notebooks/`` and ``data/samples/``. Reports always go to the working folder's ``reports/`` (or
``--reports-dir``), never into the installed package.

Environment variables override each location: ``SOCIALKIT_NOTEBOOKS``, ``SOCIALKIT_SAMPLES``,
``SOCIALKIT_TABLES``, ``SOCIALKIT_REPORTS``.
"""

from __future__ import annotations

import os
from pathlib import Path

from .exceptions import ParameterError
from .text import closest

PACKAGE_DIR = Path(__file__).resolve().parent
#: Editable tables shipped with the kit (functions, playbook, questionnaires, ladders).
DATA_DIR = PACKAGE_DIR / "data"
#: Notebooks, sample data and the demo manifest inside an installed wheel.
BUNDLE_DIR = PACKAGE_DIR / "_bundled"
#: The repository root, when the kit runs from a checkout (``pip install -e .``).
CHECKOUT_DIR = PACKAGE_DIR.parent

#: The sample brand every notebook uses when run with no parameters.
DEFAULT_BRAND = "summit_outfitters"

#: File name of each input kind inside a sample brand's folder.
SAMPLE_FILES = {
    "initiatives": "initiatives.csv",
    "assessment": "assessment.csv",
    "readiness": "readiness.csv",
    "programmes": "programmes.csv",
    "audience": "audience.csv",
    "audience_truth": "audience_truth.csv",
    "posts": "posts.csv",
    "objectives": "objectives.csv",
    "practices": "practices.csv",
    "trust": "trust.csv",
    "brand": "brand.json",
}


def working_dir() -> Path:
    """The analyst's working folder: ``SOCIALKIT_HOME`` when set, else the current directory."""
    return Path(os.environ.get("SOCIALKIT_HOME") or Path.cwd())


def shipped(relative: str) -> Path:
    """A folder shipped with the kit (``notebooks``, ``data/samples``, ``manifests``): the wheel's
    bundled copy when installed, else the checkout's."""
    bundled = BUNDLE_DIR / relative
    return bundled if bundled.exists() else CHECKOUT_DIR / relative


def _local_or_shipped(env: str, relative: str, marker: str) -> Path:
    explicit = os.environ.get(env)
    if explicit:
        return Path(explicit)
    local = working_dir() / relative
    if local.is_dir() and any(local.glob(marker)):
        return local
    return shipped(relative)


def notebooks_dir() -> Path:
    """The notebooks: the working folder's ``notebooks/`` when it holds any, else the kit's."""
    return _local_or_shipped("SOCIALKIT_NOTEBOOKS", "notebooks", "*.ipynb")


def samples_dir() -> Path:
    """The sample brands: the working folder's ``data/samples/`` when it holds any, else the kit's."""
    return _local_or_shipped("SOCIALKIT_SAMPLES", "data/samples", "*/brand.json")


def reports_dir() -> Path:
    """Where reports are written: ``SOCIALKIT_REPORTS``, else ``reports/`` in the working folder."""
    return Path(os.environ.get("SOCIALKIT_REPORTS") or working_dir() / "reports")


def table_file(name: str) -> Path:
    """Where an editable table is read from: ``SOCIALKIT_TABLES/<name>``, else the working folder's
    ``data/tables/<name>`` when it exists, else the copy shipped in the package."""
    explicit = os.environ.get("SOCIALKIT_TABLES")
    if explicit:
        return Path(explicit) / name
    local = working_dir() / "data" / "tables" / name
    return local if local.is_file() else DATA_DIR / name


def data_file(name: str) -> Path:
    """Path of an editable table, e.g. ``data_file('functions.csv')`` (see :func:`table_file`)."""
    return table_file(name)


def sample_brands() -> list[str]:
    """Names of the sample brands (folders of the samples folder with a brand.json)."""
    root = samples_dir()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / SAMPLE_FILES["brand"]).is_file())


def sample_path(brand: str, kind: str) -> Path:
    """Path of one input of a sample brand; raises a clear error for an unknown brand or kind."""
    brands = sample_brands()
    if brand not in brands:
        raise ParameterError("brand", f"must be one of the sample brands {brands}. Got {brand!r} instead.",
                             suggestion=closest(brand, brands))
    if kind not in SAMPLE_FILES:
        raise ParameterError("kind", f"must be one of {sorted(SAMPLE_FILES)}. Got {kind!r}.", closest(kind, SAMPLE_FILES))
    return samples_dir() / brand / SAMPLE_FILES[kind]


_DYNAMIC = {"NOTEBOOKS_DIR": notebooks_dir, "SAMPLES_DIR": samples_dir, "REPORTS_DIR": reports_dir,
            "PROJECT_DIR": lambda: CHECKOUT_DIR}


def __getattr__(name: str):
    """``config.SAMPLES_DIR`` and friends, resolved when read (they depend on the working folder)."""
    if name in _DYNAMIC:
        return _DYNAMIC[name]()
    raise AttributeError(f"module 'socialkit.config' has no attribute {name!r}")
