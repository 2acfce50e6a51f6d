"""The shared helpers every layer uses: text keys, editable tables, findings, secrets, paths, column maps."""

from __future__ import annotations

import os
import time

import pandas as pd
import pytest

from socialkit import config, secrets, tables, text
from socialkit.exceptions import DataValidationError, ParameterError, Problem, SocialKitError
from socialkit.findings import Finding, Findings
from socialkit.params import column_map_for, parse_parameters, parse_value


# --------------------------------------------------------------------------- text


@pytest.mark.parametrize("name", ["Customer-Service", "customer service", " CUSTOMER_SERVICE ", "customer__service!"])
def test_one_key_for_every_spelling(name):
    assert text.key(name) == "customer_service"


def test_words_and_lines_and_splitting():
    assert text.words("Follower-growth!") == "follower growth"
    assert text.file_line(0) == 2 and text.file_lines(pd.RangeIndex(3)) == [2, 3, 4]
    assert text.split_multi("Marketing; sales|Sales , PR") == ["marketing", "sales", "pr"]
    assert text.split_multi(float("nan")) == [] and text.split_multi(pd.NA) == []
    assert text.is_blank("  ") and text.is_blank(pd.NaT) and not text.is_blank(0)


def test_shorten_never_cuts_a_word():
    long = "What is the average time you spend on social media every day?"
    short = text.shorten(long, 30)
    assert len(short) <= 31 and short.endswith("\u2026")
    assert long.startswith(short.rstrip("\u2026")) and long[len(short.rstrip("\u2026"))] == " "
    assert text.shorten("Supercalifragilistic words", 5) == "Supercalifragilistic\u2026"


def test_closest_ignores_case():
    assert text.closest("MARKETNG", ["marketing", "sales"]) == "marketing"
    assert text.closest("zzz", ["marketing"]) is None


# --------------------------------------------------------------------------- editable tables


def test_every_shipped_table_loads_validated_and_tidied():
    for name in tables.FILES:
        df = tables.load(name)
        assert len(df) > 0, name
    assert tables.load("intimacy_ladder")["requires"].map(type).eq(list).all()
    assert list(tables.load("depth_levels")["order"]) == sorted(tables.load("depth_levels")["order"])


def test_tables_are_cached_until_the_file_changes(tmp_path, monkeypatch):
    src = config.DATA_DIR / "functions.csv"
    local = tmp_path / "data" / "tables"
    local.mkdir(parents=True)
    (local / "functions.csv").write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert tables.table_path("functions") == local / "functions.csv"
    first = tables.load("functions")
    first.loc[0, "label"] = "changed by the caller"
    assert tables.load("functions").loc[0, "label"] == "Marketing"  # each call gets its own copy
    calls = []
    real = tables.files.read_table
    monkeypatch.setattr(tables.files, "read_table", lambda *a, **k: calls.append(a) or real(*a, **k))
    tables.load("functions")
    assert calls == []  # served from the cache
    time.sleep(0.01)
    (local / "functions.csv").write_text(src.read_text(encoding="utf-8").replace("Marketing,", "Brand,", 1),
                                         encoding="utf-8")
    assert tables.load("functions").loc[0, "label"] == "Brand" and len(calls) == 1


def test_a_table_given_again_with_the_same_content_is_not_checked_again(monkeypatch):
    from socialkit import contracts

    given = tables.load("functions").assign(label=lambda d: d["label"].str.upper())
    checks = []
    real = contracts.validate
    monkeypatch.setattr(contracts, "validate", lambda *a, **k: checks.append(a[1]) or real(*a, **k))
    first = tables.check("functions", given)
    first.loc[0, "label"] = "changed by the caller"
    again = tables.check("functions", given.copy())
    assert checks == ["functions"] and again.loc[0, "label"] == "MARKETING"  # one check; each call its own copy
    edited = given.copy()
    edited.loc[0, "label"] = "Brand"
    assert tables.check("functions", edited).loc[0, "label"] == "Brand" and len(checks) == 2  # new content: checked
    broken = given.copy()
    broken.loc[0, "function"] = None
    with pytest.raises(DataValidationError):
        tables.check("functions", broken)
    with pytest.raises(DataValidationError):  # a failed check is never remembered as a pass
        tables.check("functions", broken)


def test_a_broken_table_names_file_column_and_fix(tmp_path):
    bad = tmp_path / "ladder.csv"
    bad.write_text("metric,kind,rung,becomes,aliases\nlikes,vanity,engagment,leads,likes\n")
    with pytest.raises(DataValidationError) as err:
        tables.load("metric_ladder", bad)
    assert "rung" in str(err.value) and "engagment" in str(err.value) and str(bad) in str(err.value)
    with pytest.raises(DataValidationError, match="function ids must be unique"):
        tables.check("functions", pd.DataFrame({"function": ["Sales", "sales "]}))
    with pytest.raises(ParameterError, match="Did you mean 'functions'"):
        tables.load("fuctions")


# --------------------------------------------------------------------------- findings


def test_findings_render_markdown_grouped_by_area():
    f = Findings().add("Scope is low", "only 2 of 10 functions", area="Venn").add("Measure trust", area="Metrics",
                                                                                  kind="step")
    md = f.markdown()
    assert md.startswith("**Venn**") and "- **Scope is low.** Only 2 of 10 functions" in md
    assert "- Measure trust" in md and "Scope is low" in f and len(f.where(kind="step")) == 1
    assert Findings(empty="nothing").markdown() == "nothing"
    assert list(f.table.columns) == ["area", "kind", "finding", "detail"]
    assert Finding("Done.", "yes").markdown() == "- **Done.** Yes"


# --------------------------------------------------------------------------- secrets


def test_secret_forms_and_scrubbing():
    forms = secrets.secret_forms(["p<a>ss'word"])
    assert "p&lt;a&gt;ss&#x27;word" in forms and "p<a>ss'word" in forms
    assert secrets.scrub("token=p<a>ss'word", forms) == "token=[secret]"
    assert secrets.secret_forms(["42"]) == []  # too short to search for
    assert secrets.mask({"a": 1, "key": "x"}, {"key"}) == {"a": 1, "key": "[secret]"}


def test_one_parameter_parser_serves_declared_and_injected_cells():
    declared = parse_parameters('token = ""  # [secret] API token\nk = 3  # segments')
    assert declared["token"].secret and declared["k"].default == 3
    injected = parse_parameters('# Parameters\nk = 4\nx = f()\n', strict=False)
    assert {n: p.default for n, p in injected.items()} == {"k": 4}
    with pytest.raises(ParameterError):
        parse_parameters("x = f()")
    assert parse_value("[a, b]") == ["a", "b"] and parse_value("3") == 3 and parse_value("2026-01-01") == "2026-01-01"


# --------------------------------------------------------------------------- column maps


def test_column_map_has_one_shape():
    keyed = {"assessment": {"Dept": "function"}}
    assert column_map_for(keyed, "assessment", notebook="02_relationship_depth") == {"Dept": "function"}
    assert column_map_for(keyed, "readiness", notebook="02_relationship_depth") == {}
    assert column_map_for({"Reach": "reach"}, "posts", notebook="04_vanity_to_value") == {"Reach": "reach"}
    assert column_map_for({"Reach": "reach"}, "objectives", notebook="04_vanity_to_value") == {}
    assert column_map_for({"posts": {"Reach": "reach"}}, "posts", notebook="04_vanity_to_value") == {"Reach": "reach"}
    with pytest.raises(ParameterError, match="must map each input kind"):
        column_map_for({"Dept": "function"}, "assessment", notebook="02_relationship_depth")
    with pytest.raises(ParameterError, match="Did you mean 'assessment'"):
        column_map_for({"asessment": {}}, "assessment", notebook="02_relationship_depth")
    with pytest.raises(ParameterError, match="mixes"):
        column_map_for({"posts": {"a": "b"}, "c": "d"}, "posts", notebook="04_vanity_to_value")


# --------------------------------------------------------------------------- paths and errors


def test_working_folder_overrides_shipped_files(tmp_path, monkeypatch):
    monkeypatch.delenv("SOCIALKIT_SAMPLES", raising=False)
    monkeypatch.chdir(tmp_path)
    assert config.samples_dir() == config.shipped("data/samples")
    assert config.reports_dir() == tmp_path / "reports"
    (tmp_path / "data" / "samples" / "acme").mkdir(parents=True)
    (tmp_path / "data" / "samples" / "acme" / "brand.json").write_text("{}")
    assert config.samples_dir() == tmp_path / "data" / "samples" and config.sample_brands() == ["acme"]
    monkeypatch.setenv("SOCIALKIT_REPORTS", str(tmp_path / "elsewhere"))
    assert config.reports_dir() == tmp_path / "elsewhere"


def test_errors_carry_structured_facts():
    err = DataValidationError("posts.csv", "posts", [Problem("reach", "expected a number", rows=[3, 4],
                                                                         fix="remove the text")])
    assert isinstance(err, SocialKitError)
    assert (err.file, err.column, err.rows, err.fix) == ("posts.csv", "reach", (3, 4), "remove the text")
    assert err.to_dict()["column"] == "reach"


def test_workspace_init_lays_out_a_folder(tmp_path):
    from socialkit.workspace import init

    written = init(tmp_path / "w")
    rel = {str(p.relative_to(tmp_path / "w")) for p in written}
    assert {"README.md", "manifests/demo.yml", "data/tables/functions.csv",
            "notebooks/01_social_business_venn.ipynb", "data/samples/summit_outfitters/brand.json"} <= rel
    assert (tmp_path / "w" / "reports").is_dir()
    assert not any("__pycache__" in r or ".ipynb_checkpoints" in r for r in rel)
    assert os.access(tmp_path / "w" / "README.md", os.R_OK)



def test_importing_the_kit_skips_the_grammar_jsonschema_only_needs_for_iri_strings():
    import subprocess
    import sys

    code = ("import time; t = time.perf_counter(); import socialkit.batch, socialkit.execute, nbformat, altair, sys; "
            "assert sys.modules.get('rfc3987_syntax') is None; "
            "import jsonschema; jsonschema.validate({'u': 'https://example.org'}, "
            "{'properties': {'u': {'type': 'string', 'format': 'uri'}}}, format_checker=jsonschema.FormatChecker()); "
            "print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
