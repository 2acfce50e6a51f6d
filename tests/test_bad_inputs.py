"""Hostile inputs: every file of tests/data/bad gets a clear error (file, column, lines, fix) or a
documented graceful handling, through Python and through the CLI; analyses fed hostile tables fail
clearly or cope; and no writer leaves a half-written output."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from socialkit import activation
from socialkit import depth, io, metrics, segments, venn
from socialkit.charts import venn as venn_charts
from socialkit.exceptions import (DataValidationError, InputFileError, ModelInputError, SocialKitError)

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "data" / "bad"

#: Files that must be refused: kind, error class, and texts the message must contain (file name,
#: column, lines, fix).
ERRORS = {
    "initiatives_empty.csv": ("initiatives", InputFileError, ["file is empty", "fix: export the data again"]),
    "initiatives_header_only.csv": ("initiatives", DataValidationError, ["has a header but no data rows", "fix:"]),
    "initiatives_duplicate_ids.csv": ("initiatives", DataValidationError, [
        "column 'initiative': values must be unique (2 rows; line 2, 4)", "'Customer forum'",
        "fix: remove or rename the duplicate rows"]),
    "assessment_answers_out_of_range.csv": ("assessment", DataValidationError, [
        "column 'answer': values must be >= 0 (1 row; line 6); found -1",
        "column 'answer': values must be <= 5 (1 row; line 4); found 7", "fix: recode the scale"]),
    "readiness_text_answers.csv": ("readiness", DataValidationError, [
        "column 'answer': expected a number (2 rows; line 2, 4); found 'yes', '4 (agree)'", "fix:"]),
    "audience_duplicate_ids.csv": ("audience", DataValidationError, [
        "column 'respondent_id': values must be unique (2 rows; line 3, 6); found 'R0002'", "fix:"]),
    "audience_likert_out_of_range.csv": ("audience", DataValidationError, [
        "column 'psy_adventure': values must be >= 1 (1 row; line 3); found 0",
        "column 'psy_adventure': values must be <= 5 (1 row; line 5); found 7", "fix:"]),
    "posts_decimal_comma_in_comma_file.csv": ("posts", InputFileError, [
        "3 rows (line 2, 3, 4) have more fields than the header's 9", "comma delimiter",
        "fix: if decimals are written with a comma (0,5)", "';' as the delimiter"]),
    "posts_text_in_numeric.csv": ("posts", DataValidationError, [
        "column 'reach': expected a number (2 rows; line 2, 4); found '1.2k', '12 %'",
        "column 'likes': expected a number (1 row; line 3); found 'about 300'", "fix: remove text, units"]),
    "posts_duplicate_post_ids.csv": ("posts", DataValidationError, [
        "column 'post_id': values must be unique (each post once) (2 rows; line 3, 5); found 'P002'",
        "fix: remove the repeated rows"]),
    "posts_ambiguous_date_orders.csv": ("posts", DataValidationError, [
        "column 'date': dates in both day/month and month/day order (2 rows; line 2, 3)",
        "'31/03/2026', '03/30/2026'", "fix: the file mixes"]),
    "posts_huge_numbers.csv": ("posts", DataValidationError, [
        "column 'reach': number too large to be real (1 row; line 2)",
        "column 'likes': number too large to be real (1 row; line 3); found 99999999999999999999",
        "fix: check the export"]),
    "posts_not_really.xlsx": ("posts", InputFileError, [
        "is a text file, not an Excel workbook", "fix: rename it to .csv"]),
}

#: Files the kit reads on purpose (docs/inputs.md, tests/data/bad/README.md): kind.
GRACEFUL = {
    "initiatives_latin1.csv": "initiatives",
    "initiatives_formula_strings.csv": "initiatives",
    "initiatives_script_names.csv": "initiatives",
    "readiness_pipe_delimited.csv": "readiness",
    "audience_utf8_bom.csv": "audience",
    "audience_all_missing_column.csv": "audience",
    "audience_single_respondent.csv": "audience",
    "audience_constant_columns.csv": "audience",
    "posts_pipe_delimited.csv": "posts",
    "posts_trailing_delimiter.csv": "posts",
    "posts_all_missing_column.csv": "posts",
    "posts_mixed_date_formats.csv": "posts",
    "posts_script_channel.csv": "posts",
}
KIND = {**{f: k for f, (k, _, _) in ERRORS.items()}, **GRACEFUL}


def corpus_files() -> list[str]:
    return sorted(p.name for p in BAD.iterdir() if p.name not in ("README.md", "make_bad_inputs.py")
                  and not p.name.startswith("."))


def load(name: str) -> pd.DataFrame:
    return io.load(BAD / name, KIND[name])


# --------------------------------------------------------------------------- the corpus itself


def test_every_corpus_file_has_an_expectation_and_a_readme_line():
    files = corpus_files()
    assert len(files) >= 15
    assert set(files) == set(KIND), "a corpus file without a test, or a test without its file"
    readme = (BAD / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in readme for name in files)
    kinds = {KIND[f] for f in files}
    assert {"initiatives", "audience", "posts"} <= kinds and kinds & {"assessment", "readiness"}


def test_corpus_generator_is_seeded_and_matches_committed_files():
    sys.path.insert(0, str(BAD))
    try:
        import make_bad_inputs
    finally:
        sys.path.remove(str(BAD))
    for f in make_bad_inputs.corpus(np.random.default_rng(make_bad_inputs.SEED)):
        assert (BAD / f.name).read_bytes() == f.data, f"{f.name} differs from its generator: re-run it"


# --------------------------------------------------------------------------- clear errors


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_clear_error_names_file_column_lines_and_fix(name):
    kind, error, texts = ERRORS[name]
    with pytest.raises(error) as err:
        load(name)
    msg = str(err.value)
    assert name in msg
    for text in texts:
        assert text in msg
    if isinstance(err.value, DataValidationError):
        assert all(p.fix for p in err.value.problems)


def test_assessment_out_of_range_is_named_per_question_by_depth():
    with pytest.raises(DataValidationError) as err:
        depth.check_assessment(io.read_table(BAD / "assessment_answers_out_of_range.csv"))
    msg = str(err.value)
    assert "question F3 (function 'marketing', line 4) must be 0 (no) or 1 (yes)" in msg
    assert "question R2 (function 'marketing', line 6) must be 1 to 5" in msg
    assert "question F3 (function 'sales', line 17) must be 0 (no) or 1 (yes)" in msg  # 2 is in 0..5 yet not yes/no


# --------------------------------------------------------------------------- graceful handling


def test_latin1_names_keep_their_accents():
    df = load("initiatives_latin1.csv")
    assert df["initiative"].tolist() == ["Café-Gespräche auf LinkedIn", "Développement durable"]
    assert df.loc[0, "owner"] == "Zoë Müller" and df.attrs["encoding"] == "cp1252"


def test_bom_and_crlf_are_dropped():
    df = load("audience_utf8_bom.csv")
    assert df.columns[0] == "respondent_id" and df["respondent_id"].iloc[0] == "R0001"
    assert not any("\r" in str(v) for v in df["region"])


@pytest.mark.parametrize("name, kind, n_rows", [("posts_pipe_delimited.csv", "posts", 3),
                                                ("readiness_pipe_delimited.csv", "readiness", 2)])
def test_pipe_delimited_files_are_read(name, kind, n_rows):
    df = load(name)
    assert df.attrs["delimiter"] == "|" and len(df) == n_rows
    assert pd.api.types.is_float_dtype(df["answer" if kind == "readiness" else "reach"])


def test_pipes_inside_cells_do_not_make_a_comma_file_pipe_delimited(tmp_path):
    path = tmp_path / "inits.csv"
    path.write_text("initiative,functions\nBlog,marketing|sales\nForum,customer_service|product\n")
    df = io.load(path, "initiatives")
    assert df.attrs["delimiter"] == "," and df["functions"].tolist() == ["marketing|sales", "customer_service|product"]


def test_trailing_delimiter_keeps_columns_aligned():
    df = load("posts_trailing_delimiter.csv")
    assert df["post_id"].tolist() == ["P001", "P002", "P003"]
    assert df["channel"].eq("instagram").all() and isinstance(df.index, pd.RangeIndex)
    assert len(df.columns) == 9


def test_mixed_date_formats_are_all_read():
    dates = load("posts_mixed_date_formats.csv")["date"].dt.strftime("%Y-%m-%d %H:%M").tolist()
    assert dates == ["2026-03-01 00:00", "2026-03-02 14:30", "2026-03-31 00:00", "2026-03-31 00:00", "2026-04-01 00:00"]


def test_month_first_numeric_dates_are_read_month_first_when_the_column_shows_it():
    df = pd.DataFrame({"channel": ["a"] * 3, "reach": [1, 2, 3], "likes": [0, 1, 0],
                       "date": ["03/31/2026", "04/03/2026", "12/25/2026"]})
    out = io.validate(df, "posts")
    assert out["date"].dt.strftime("%Y-%m-%d").tolist() == ["2026-03-31", "2026-04-03", "2026-12-25"]
    day_first = io.validate(df.assign(date=["31/03/2026", "04/03/2026", "25/12/2026"]), "posts")
    assert day_first["date"].dt.strftime("%Y-%m-%d").tolist() == ["2026-03-31", "2026-03-04", "2026-12-25"]


def test_formula_strings_are_kept_as_text_and_neutralised_on_csv_export(tmp_path):
    df = load("initiatives_formula_strings.csv")
    assert df["initiative"].iloc[0].startswith("=HYPERLINK(")
    assert df["initiative"].tolist()[1:] == ["+cmd|' /C calc'!A0", "@SUM(A1:A9)", "-2+3", "=cmd"]
    result = venn.analyse(df)
    assert set(result.initiatives["initiative"]) == set(df["initiative"])
    out = io.write_table(result.initiatives, tmp_path / "initiatives.csv")
    back = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert back["initiative"].tolist() == ["'" + v for v in df["initiative"]]
    assert back.loc[back["initiative"] == "'+cmd|' /C calc'!A0", "owner"].item() == "'=1+1"
    assert not back.map(lambda v: v[:1] in ("=", "+", "-", "@", "\t", "\r")).any().any()


def test_script_names_run_through_the_venn_model_unchanged():
    df = load("initiatives_script_names.csv")
    res = venn.analyse(df)
    assert "<script>alert(1)</script>" in res.membership.index
    assert res.centre["initiative"].tolist() == ["<script>alert(1)</script>"]
    assert res.initiatives.loc[res.initiatives["initiative"] == "<script>alert(1)</script>", "owner"].item() == \
        "<img src=x onerror=alert(2)>"
    spec = venn_charts.venn_chart(res).to_dict()  # charts carry the names as data, Vega renders them as text
    assert spec["$schema"]


def test_script_channel_names_get_rates():
    table = metrics.rates(load("posts_script_channel.csv"), by="channel", rates=["engagement_rate_reach"])
    assert set(table["channel"]) == {"<img src=x onerror=alert(1)>", "<script>x</script>", "instagram"}
    assert table["value"].notna().all()


def test_all_missing_posts_column_gives_blank_rates_with_reasons():
    posts = load("posts_all_missing_column.csv")
    table = metrics.rates(posts, by="channel")
    applause = table[table["rate"] == "applause_rate"]
    assert applause["value"].isna().all() and applause["note"].str.contains("no post has both likes").all()
    eng = table[table["rate"] == "engagement_rate_reach"]
    assert eng["value"].notna().all()  # comments + shares still count
    gaps = metrics.measurement_gaps(posts).set_index("item")["status"]
    assert gaps["likes"] == "empty" and gaps["leads"] == "empty"
    assert metrics.vanity_value(posts).empty  # no outcome measured: nothing to correlate, no error


def test_all_missing_audience_column_is_dropped_with_a_note():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = segments.Segmenter(min_segment_size=10, k_range=(2, 3), n_init=1).fit(load("audience_all_missing_column.csv"))
    assert "psy_eco_conscious" not in model.plan_.features and model.k_ >= 2
    assert any("psy_eco_conscious" in n and "blank" in n for n in model.notes_)


@pytest.mark.parametrize("name", ["audience_single_respondent.csv", "audience_constant_columns.csv"])
def test_segmenter_refuses_audiences_where_nothing_varies(name):
    df = load(name)  # a valid file: the contract does not ask for variety
    with pytest.raises(DataValidationError) as err:
        segments.Segmenter().fit(df)
    msg = str(err.value)
    assert name in msg and "constant" in msg and "no usable feature" in msg and "fix:" in msg


# --------------------------------------------------------------------------- through the CLI


def sk(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "socialkit.cli", *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)


def run_cli(capsys, *args) -> tuple[int, str, str]:
    """The CLI's entry point in this process (same code path as the `socialkit` command, much faster
    than a new interpreter per file): exit code, stdout and stderr with whitespace normalised."""
    from socialkit import cli

    old = sys.argv
    sys.argv = ["socialkit", *map(str, args)]
    try:
        cli.main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.argv = old
    out, err = capsys.readouterr()
    return code, " ".join(out.split()), " ".join(err.split())


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_cli_error_is_a_message_not_a_traceback(capsys, name):
    code, _, err = run_cli(capsys, "validate", BAD / name, "--kind", KIND[name])
    assert code == 1, err
    assert "Traceback" not in err and err.startswith("error:")
    assert name in err and "fix:" in err
    for text in ERRORS[name][2]:
        assert " ".join(text.split()) in err


@pytest.mark.parametrize("name", sorted(GRACEFUL))
def test_cli_accepts_gracefully_handled_files(capsys, name):
    code, out, err = run_cli(capsys, "validate", BAD / name, "--kind", GRACEFUL[name])
    assert code == 0, err
    assert f"valid {GRACEFUL[name]} file" in out and "Traceback" not in err


@pytest.mark.parametrize("name", ["posts_decimal_comma_in_comma_file.csv", "audience_likert_out_of_range.csv",
                                  "initiatives_script_names.csv"])
def test_cli_command_in_a_fresh_process(name):
    res = sk("validate", BAD / name, "--kind", KIND[name])
    assert "Traceback" not in res.stderr
    if name in ERRORS:
        assert res.returncode == 1 and name in res.stderr and "fix:" in res.stderr
    else:
        assert res.returncode == 0 and "valid" in res.stdout


def test_cli_debug_flag_shows_the_traceback():
    res = sk("--debug", "validate", BAD / "posts_decimal_comma_in_comma_file.csv", "--kind", "posts")
    assert res.returncode != 0
    assert "Traceback" in res.stderr and "InputFileError" in res.stderr and "more fields than the header" in res.stderr


# --------------------------------------------------------------------------- never a half-written output


class _Exploding:
    """A cell that breaks the writer half-way through a file."""

    def __str__(self):
        raise RuntimeError("disk full")

    __repr__ = __str__


def _exploding_table(n: int = 5000) -> pd.DataFrame:
    cells = [f"row {i}" for i in range(n)]
    cells[-1] = _Exploding()
    return pd.DataFrame({"n": range(n), "cell": pd.Series(cells, dtype=object)})


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_interrupted_write_leaves_no_file_and_keeps_the_old_one(tmp_path, suffix):
    target = tmp_path / f"out{suffix}"
    with pytest.raises(Exception):
        io.write_table(_exploding_table(), target)
    assert list(tmp_path.iterdir()) == []  # no partial target, no temporary file
    io.write_table(pd.DataFrame({"n": [1]}), target)
    before = target.read_bytes()
    with pytest.raises(Exception):
        io.write_table(_exploding_table(), target)
    assert target.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == [target.name]


def test_interrupted_text_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "report.html"
    io.write_text(target, "<p>old</p>")
    with pytest.raises(RuntimeError):
        with io.atomic_path(target) as tmp:
            tmp.write_text("<p>new, half")
            raise RuntimeError("kernel died")
    assert target.read_text() == "<p>old</p>" and len(list(tmp_path.iterdir())) == 1


@pytest.fixture(scope="module")
def model_path(tmp_path_factory) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df = load("audience_all_missing_column.csv")
        model = segments.Segmenter(k=2, min_segment_size=10, n_init=1, id_column="respondent_id").fit(df)
    return activation.save_model(model, tmp_path_factory.mktemp("model") / "segments.joblib")


def test_segment_export_on_bad_input_writes_nothing(tmp_path, model_path):
    model = activation.load_model(model_path)
    bad = load("posts_pipe_delimited.csv")
    with pytest.raises(ModelInputError):
        activation.export(model, bad, tmp_path / "assignments.csv")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name, message", [
    ("posts_pipe_delimited.csv", "the file's columns differ from the ones the segments were trained on"),
    ("posts_decimal_comma_in_comma_file.csv", "more fields than the header"),
])
def test_cli_segment_score_on_bad_input_writes_nothing(tmp_path, model_path, name, message):
    out = tmp_path / "scored" / "assignments.csv"
    res = sk("segment", "score", model_path, BAD / name, "-o", out)
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert message in " ".join(res.stderr.split())
    assert not out.exists() and (not out.parent.exists() or list(out.parent.iterdir()) == [])


def test_cli_segment_score_on_good_input_writes_the_assignments(tmp_path, model_path):
    out = tmp_path / "assignments.csv"
    res = sk("segment", "score", model_path, BAD / "audience_utf8_bom.csv", "-o", out)
    assert res.returncode == 0, res.stderr
    table = pd.read_csv(out)
    assert table["respondent_id"].tolist() == [f"R{i:04d}" for i in range(1, 7)] and table["segment"].between(1, 2).all()


def test_every_raised_error_is_a_socialkit_error():
    for name in ERRORS:
        with pytest.raises(SocialKitError):
            load(name)
