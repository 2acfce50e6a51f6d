"""Seeded generator of the bundled sample brands (``data/samples/``).

Re-running it reproduces every file byte for byte: each brand and input kind draws from its own
``numpy.random.Generator`` seeded from the brand's seed and the kind's name. Each input kind has
its own module here exposing ``generate(brand: Brand, rng) -> dict[file name, DataFrame]``.

Run it with ``python scripts/make_samples.py`` or ``socialkit samples --regenerate``.
"""

from __future__ import annotations

import importlib
import json
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..io import write_text


@dataclass(frozen=True)
class Brand:
    """A sample organisation."""

    name: str  # folder name and the value of the notebooks' ``brand`` parameter
    label: str
    business_model: str  # b2c_retail | b2b_services | memorials
    description: str
    seed: int


BRANDS = (
    Brand("summit_outfitters", "Summit Outfitters", "b2c_retail",
          "Outdoor gear retailer selling online and in 40 stores; a lively customer community.", 101),
    Brand("northbridge_advisory", "Northbridge Advisory", "b2b_services",
          "B2B advisory firm (strategy and finance); long sales cycles, partner-led relationships.", 202),
    Brand("evergreen_memorials", "Evergreen Memorials", "memorials",
          "Family-run maker of headstones and memorials; a business model that caps collaboration.", 303),
)

#: Modules (in this package) that generate each input kind, in the order they run.
KIND_MODULES = ("initiatives", "depth", "audience", "posts")


def rng_for(brand: Brand, kind: str) -> np.random.Generator:
    """The generator for one brand and kind: stable across runs and Python versions."""
    return np.random.default_rng([brand.seed, zlib.crc32(kind.encode())])


def to_csv_text(df: pd.DataFrame) -> str:
    """CSV text with fixed formatting, so regenerated files are byte-identical."""
    return df.to_csv(index=False, lineterminator="\n", float_format="%.6g")


def generate(out_dir: str | Path, brands=BRANDS, kinds=KIND_MODULES) -> list[Path]:
    """Write every sample file of ``brands`` under ``out_dir``; returns the written paths."""
    out_dir = Path(out_dir)
    written = []
    for brand in brands:
        folder = out_dir / brand.name
        meta = {k: v for k, v in asdict(brand).items() if k != "seed"}
        written.append(write_text(folder / "brand.json", json.dumps(meta, indent=2) + "\n"))
        for kind in kinds:
            module = importlib.import_module(f"{__name__}.{kind}")
            for file_name, df in module.generate(brand, rng_for(brand, kind)).items():
                written.append(write_text(folder / file_name, to_csv_text(df)))
    return written
