"""Loaders: delimiters, encodings, formats, column_map, and one error listing every problem."""

import pandas as pd
import pytest

from socialkit import contracts, io
from socialkit.exceptions import DataValidationError, InputFileError

POSTS = [
    ["channel", "reach", "likes", "date"],
    ["instagram", "1000", "50", "2026-01-05"],
    ["linkedin", "200", "4", "2026-01-06"],
]


def _write(path, rows, sep, encoding="utf-8", newline="\n"):
    path.write_bytes(newline.join(sep.join(r) for r in rows).encode(encoding) + newline.encode())
    return path


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_delimiter_is_sniffed(tmp_path, sep):
    df = io.load(_write(tmp_path / "posts.csv", POSTS, sep), "posts")
    assert list(df["channel"]) == ["instagram", "linkedin"]
    assert df["reach"].tolist() == [1000.0, 200.0]
    assert df.attrs["delimiter"] == sep


def test_bom_latin1_and_crlf_are_read(tmp_path):
    rows = [["channel", "reach", "likes"], ["café", "10", "1"]]
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + "channel,reach,likes\r\ncafé,10,1\r\n".encode())
    assert io.load(bom, "posts").columns[0] == "channel"
    latin = _write(tmp_path / "latin.csv", rows, ";", encoding="latin-1")
    assert io.load(latin, "posts")["channel"].iloc[0] == "café"


def test_excel_and_parquet(tmp_path):
    df = pd.DataFrame({"channel": ["x", "y"], "impressions": [5, 6], "clicks": [1, 0]})
    df.to_excel(tmp_path / "p.xlsx", index=False)
    df.to_parquet(tmp_path / "p.parquet")
    assert io.load(tmp_path / "p.xlsx", "posts")["impressions"].sum() == 11
    assert io.load(tmp_path / "p.parquet", "posts")["clicks"].sum() == 1


def test_column_map_renames_user_columns(tmp_path):
    rows = [["Network", "Lifetime Post Total Reach", "Reactions"], ["fb", "10", "2"]]
    path = _write(tmp_path / "export.csv", rows, ";")
    df = io.load(path, "posts", column_map={"Network": "channel", "lifetime post total reach": "reach",
                                            "Reactions": "likes"})
    assert {"channel", "reach", "likes"} <= set(df.columns)


def test_column_map_with_unknown_column_suggests(tmp_path):
    path = _write(tmp_path / "export.csv", [["Network", "Reach", "Likes"], ["fb", "1", "1"]], ",")
    with pytest.raises(DataValidationError, match="did you mean 'Network'"):
        io.read_table(path, column_map={"Netwrk": "channel"})


def test_contract_names_match_ignoring_case_and_spaces(tmp_path):
    path = _write(tmp_path / "p.csv", [["Channel", "Reach", "Likes", "Post Type"], ["fb", "1", "1", "video"]], ",")
    assert "post_type" in io.load(path, "posts").columns


def test_all_problems_reported_at_once(tmp_path):
    rows = [["respondent_id", "psy_a", "habit_posts"], ["r1", "2", "1"], ["r2", "7", "x"], ["r3", "3", "2"]]
    path = _write(tmp_path / "aud.csv", rows, ",")
    with pytest.raises(DataValidationError) as err:
        io.load(path, "posts")  # wrong kind: missing channel, reach and engagement
    assert err.value.kind == "posts" and "channel" in str(err.value)
    rows[0][0] = "id"  # missing respondent_id
    path = _write(tmp_path / "aud.csv", rows, ",")
    with pytest.raises(DataValidationError) as err:
        io.load(path, "audience")
    msg = str(err.value)
    assert str(path) in msg and "3 problems" in msg
    assert "required column 'respondent_id' is missing" in msg
    assert "column 'habit_posts': expected a number (1 row; line 3); found 'x'" in msg
    assert "column 'psy_a': values must be <= 5 (1 row; line 3); found 7" in msg
    assert msg.count("fix:") == 3


def test_numbers_with_thousands_separators_and_decimal_commas():
    s = pd.Series(["1,200", "12,5", "3", None, "1,234,567.5"])
    assert contracts._to_number(s).tolist()[:3] == [1200.0, 12.5, 3.0]
    assert contracts._to_number(s).iloc[4] == 1234567.5


@pytest.mark.parametrize("content, reason", [(b"", "empty"), (b"\n\n", "blank lines")])
def test_empty_files(tmp_path, content, reason):
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=reason):
        io.read_table(path)


def test_missing_file_names_it(tmp_path):
    with pytest.raises(InputFileError, match="nope.csv: file not found"):
        io.read_table(tmp_path / "nope.csv")


def test_header_only_is_a_clear_problem(tmp_path):
    path = _write(tmp_path / "h.csv", [["channel", "reach", "likes"]], ",")
    with pytest.raises(DataValidationError, match="no data rows"):
        io.load(path, "posts")


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "out.csv"
    with pytest.raises(RuntimeError):
        with io.atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("crash")
    assert list(tmp_path.iterdir()) == []


def test_csv_export_neutralises_formulas(tmp_path):
    df = pd.DataFrame({"name": ["=HYPERLINK(\"http://x\")", "+1", "ok", "@cmd"], "n": [-1, 2, 3, 4]})
    text = io.write_table(df, tmp_path / "o.csv").read_text()
    assert "'=HYPERLINK" in text and "'+1" in text and "'@cmd" in text and "\n'-1" not in text
    assert pd.read_csv(tmp_path / "o.csv")["n"].tolist() == [-1, 2, 3, 4]


def test_atomic_write_gives_the_usual_file_mode(tmp_path):
    import os
    import stat

    umask = os.umask(0o022)
    try:
        path = io.write_text(tmp_path / "report.html", "<p>ok</p>")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
