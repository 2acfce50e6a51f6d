"""The one place that knows where things are: package data, sample brands, notebooks, reports."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: Editable tables shipped with the kit (functions, playbook, questionnaires, ladders).
DATA_DIR = PACKAGE_DIR / "data"
#: Repository root when installed in development mode (``pip install -e .``).
PROJECT_DIR = PACKAGE_DIR.parent
SAMPLES_DIR = Path(os.environ.get("SOCIALKIT_SAMPLES", PROJECT_DIR / "data" / "samples"))
NOTEBOOKS_DIR = Path(os.environ.get("SOCIALKIT_NOTEBOOKS", PROJECT_DIR / "notebooks"))
REPORTS_DIR = Path(os.environ.get("SOCIALKIT_REPORTS", PROJECT_DIR / "reports"))

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
    "brand": "brand.json",
}


def sample_brands() -> list[str]:
    """Names of the bundled sample brands (folders of ``data/samples`` with a brand.json)."""
    if not SAMPLES_DIR.is_dir():
        return []
    return sorted(p.name for p in SAMPLES_DIR.iterdir() if (p / SAMPLE_FILES["brand"]).is_file())


def sample_path(brand: str, kind: str) -> Path:
    """Path of one input of a sample brand; raises a clear error for an unknown brand or kind."""
    from .exceptions import ParameterError
    from .params import closest

    brands = sample_brands()
    if brand not in brands:
        raise ParameterError(
            "brand",
            f"must be one of the sample brands {brands}. Got {brand!r} instead.",
            suggestion=closest(brand, brands),
        )
    if kind not in SAMPLE_FILES:
        raise ParameterError("kind", f"must be one of {sorted(SAMPLE_FILES)}. Got {kind!r}.", closest(kind, SAMPLE_FILES))
    return SAMPLES_DIR / brand / SAMPLE_FILES[kind]


def data_file(name: str) -> Path:
    """Path of an editable table shipped with the kit, e.g. ``data_file('functions.csv')``."""
    return DATA_DIR / name
