"""Sources and assumptions: every editable table says where each row comes from, docs/model.md carries the
domain model and cites the five essays, and nothing refers to a document outside the project."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from socialkit import tables
from socialkit.schemas import ESSAYS, FRAMEWORKS, KIT_ASSUMPTION

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "socialkit" / "data"
CSVS = sorted(DATA.glob("*.csv"))


def _parts(source: str) -> list[str]:
    """The sources a cell names: "A; kit assumption (pass score)" -> ["A", "kit assumption"]."""
    return [re.sub(r"(\s*\([^()]*\))+$", "", part.strip()) for part in str(source).split(";") if part.strip()]


def test_the_source_cell_reader_splits_and_drops_the_qualifier():
    assert _parts("Social Media vs. Social Business; kit assumption (pass score)") == [
        "Social Media vs. Social Business", KIT_ASSUMPTION]


@pytest.mark.parametrize("path", CSVS, ids=[p.name for p in CSVS])
def test_every_row_of_every_table_names_a_known_source(path):
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert "source" in table.columns, f"{path.name} has no source column"
    blank = table.index[table["source"].str.strip() == ""].tolist()
    assert not blank, f"{path.name}: blank source on lines {[i + 2 for i in blank]}"
    known = set(ESSAYS) | set(FRAMEWORKS) | {KIT_ASSUMPTION}
    for i, cell in table["source"].items():
        unknown = [p for p in _parts(cell) if p not in known]
        assert not unknown, f"{path.name} line {i + 2}: unknown source {unknown}"


def test_every_table_of_the_kit_has_a_file_and_a_source_column():
    assert {p.stem for p in CSVS} == set(tables.FILES)
    for name in tables.FILES:
        assert "source" in tables.load(name).columns, name


def test_numbers_the_essays_do_not_give_are_marked_as_assumptions():
    assert (tables.load("venn_thresholds")["source"] == KIT_ASSUMPTION).all()
    for name in ("depth_levels", "readiness_caps", "depth_practices"):  # pass scores, bands, thresholds
        assert tables.load(name)["source"].str.contains(KIT_ASSUMPTION).all(), name
    functions = tables.load("functions").set_index("function")["source"]
    assert KIT_ASSUMPTION in functions["product"] and KIT_ASSUMPTION not in functions["marketing"]
    ladder = tables.load("metric_ladder").set_index("metric")["source"]
    for added in ("reach", "impressions", "saves", "clicks"):
        assert ladder[added].startswith(KIT_ASSUMPTION), added
    assert ladder["followers"] == "Social media ≠ Social business"
    participation = tables.load("participation_ladder")
    assert participation["source"].str.startswith("Forrester's Social Technographics").all()
    assert "conversationalists" in set(participation["rung"])


def test_model_doc_cites_the_five_essays_and_marks_assumptions():
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    titles = ["Social Media vs. Social Business", "Social Business or Social Media: A Visual Perspective",
              "Decoding Social Media Marketing", "Social media ≠ Social business"]
    for title in titles:
        assert f'"{title}"' in text, title
    assert "enterprise social alignment" in text.lower() and "fishing analogy" in text
    assert text.count(KIT_ASSUMPTION) >= 10
    assert "Forrester's Social Technographics" in text
    for table in tables.FILES:
        assert f"{table}.csv" in text, f"docs/model.md does not mention {table}.csv"
    assert "](docs/model.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_nothing_in_the_project_refers_to_documents_outside_it():
    outside = "DOMAIN" + ".md"
    found = []
    for folder in ("socialkit", "docs", "notebooks", "tests", "scripts", "data", "manifests"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and path.suffix in {".py", ".md", ".ipynb", ".csv", ".json", ".yml", ".j2", ".txt"}:
                if outside in path.read_text(encoding="utf-8", errors="ignore"):
                    found.append(str(path.relative_to(ROOT)))
    for name in ("README.md", "pyproject.toml", "Makefile"):
        if outside in (ROOT / name).read_text(encoding="utf-8"):
            found.append(name)
    assert not found, f"files referring to {outside}: {found}"
