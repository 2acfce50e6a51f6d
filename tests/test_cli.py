"""The CLI: clear messages and exit codes, no raw tracebacks."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEMO = "tests/data/notebooks/params_demo.ipynb"


def sk(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "socialkit.cli", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def test_validate_reports_missing_column_wrong_type_and_out_of_range_at_once(tmp_path):
    bad = tmp_path / "survey.csv"
    bad.write_text("id,psy_joy,habit_posts\nr1,2,1\nr2,7,x\n")
    res = sk("validate", bad, "--kind", "audience")
    assert res.returncode == 1
    err = " ".join(res.stderr.split())
    assert "3 problems" in err and "respondent_id" in err and "expected a number" in err and "<= 5" in err
    assert "Traceback" not in res.stderr


def test_validate_good_file_exits_zero(tmp_path):
    good = tmp_path / "survey.csv"
    good.write_text("respondent_id,psy_joy,habit_posts\nr1,2,1\nr2,5,0\n")
    res = sk("validate", good, "--kind", "audience")
    assert res.returncode == 0 and "valid audience file" in res.stdout


def test_validate_with_column_map(tmp_path):
    f = tmp_path / "export.csv"
    f.write_text("Network;Post reach;Reactions\nfb;10;1\n")
    res = sk("validate", f, "--kind", "posts", "--map", "Network=channel", "--map", "Post reach=reach",
             "--map", "Reactions=likes")
    assert res.returncode == 0, res.stderr


def test_debug_flag_shows_traceback(tmp_path):
    res = sk("--debug", "validate", tmp_path / "missing.csv", "--kind", "posts")
    assert res.returncode != 0 and "Traceback" in res.stderr


def test_run_with_misspelled_parameter_fails_before_executing(tmp_path):
    out = tmp_path / "out.ipynb"
    res = sk("run", DEMO, "-p", "tmes", "3", "-o", out)
    assert res.returncode == 1
    assert "Did you mean 'times'?" in res.stderr and not out.exists()


def test_params_lists_parameters():
    res = sk("params", DEMO)
    assert res.returncode == 0
    for name in ("greeting", "times", "api_token", "raise on purpose"):
        assert name in res.stdout


def test_parse_value():
    from socialkit.cli import parse_pairs

    assert parse_pairs(["-p", "k", "4", "-p", "brand", "x", "-p", "f", "[a, b]", "-p", "d", "2026-01-01"]) == {
        "k": 4, "brand": "x", "f": ["a", "b"], "d": "2026-01-01"}


@pytest.mark.notebook
def test_run_writes_notebook_and_offline_html_with_inline_svg(tmp_path):
    out = tmp_path / "venn.ipynb"
    res = sk("run", "01_social_business_venn", "-p", "brand", "northbridge_advisory", "-p", "compare_brands", "[]",
             "-o", out, "--reports-dir", tmp_path)
    assert res.returncode == 0, res.stderr
    html = out.with_suffix(".html").read_text()
    assert html.count("<svg") >= 2 and 'src="http' not in html and "<script" not in html
    assert "northbridge_advisory" in html


def test_a_mistyped_command_gets_the_usage_and_the_closest_command():
    res = sk("inti")
    assert res.returncode == 2
    err = " ".join(res.stderr.split())
    assert "Usage: socialkit" in err and "No such command 'inti'. Did you mean 'init'?" in err
    assert "unexpected error" not in err and "Traceback" not in res.stderr


def test_a_missing_argument_gets_the_usage_not_a_bug_report():
    res = sk("run")
    assert res.returncode == 2 and "Missing argument" in res.stderr and "unexpected error" not in res.stderr


def test_an_unknown_engine_names_the_registered_ones(tmp_path):
    manifest = tmp_path / "m.yml"
    manifest.write_text("notebooks: [01_social_business_venn]\nbrands: [summit_outfitters]\n")
    res = sk("batch", manifest, "--engine", "lcoal", "--reports-dir", tmp_path)
    assert res.returncode == 1
    err = " ".join(res.stderr.split())
    assert "unknown engine 'lcoal'" in err and "dask, local, serial" in err and "did you mean 'local'" in err
