"""The sample generator is deterministic and the bundled files are exactly what it writes."""

import filecmp
import json

from socialkit import io
from socialkit.config import SAMPLES_DIR, sample_brands
from socialkit.samples import BRANDS, generate


def test_regenerating_reproduces_every_file_byte_for_byte(tmp_path):
    written = generate(tmp_path)
    assert len(written) >= 1 + 10 * len(BRANDS)
    for path in written:
        rel = path.relative_to(tmp_path)
        assert filecmp.cmp(path, SAMPLES_DIR / rel, shallow=False), f"{rel} differs from the generator's output"
    again = tmp_path / "again"
    for a, b in zip(generate(again), written):
        assert a.read_bytes() == b.read_bytes()


def test_three_brands_with_different_business_models():
    models = {json.loads((SAMPLES_DIR / b / "brand.json").read_text())["business_model"] for b in sample_brands()}
    assert len(sample_brands()) >= 3 and {"b2c_retail", "b2b_services", "memorials"} <= models


def test_sample_sizes_and_contracts():
    for brand in sample_brands():
        audience = io.load(SAMPLES_DIR / brand / "audience.csv", "audience")
        assert len(audience) >= 2000
        posts = io.load(SAMPLES_DIR / brand / "posts.csv", "posts")
        assert posts["channel"].nunique() >= 4
        months = posts["date"].dt.to_period("M").nunique()
        assert months >= 12
        for kind in ("initiatives", "assessment", "readiness", "programmes", "objectives", "practices"):
            io.load(SAMPLES_DIR / brand / f"{kind}.csv", kind)
        if (SAMPLES_DIR / brand / "trust.csv").exists():  # optional: not every organisation measures trust
            io.load(SAMPLES_DIR / brand / "trust.csv", "trust")
        truth = io.read_table(SAMPLES_DIR / brand / "audience_truth.csv")
        assert set(truth["respondent_id"]) == set(audience["respondent_id"])


def test_readme_documents_every_column():
    readme = (SAMPLES_DIR / "README.md").read_text()
    for brand in sample_brands():
        for csv in (SAMPLES_DIR / brand).glob("*.csv"):
            header = csv.read_text().splitlines()[0].split(",")
            for column in header:
                assert f"`{column}`" in readme, f"{csv.name}: column {column} is not documented"
