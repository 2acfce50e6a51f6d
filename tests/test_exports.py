"""Platform exports as they come: several monthly files at once, presets recognised from the header,
time zones, promoted columns, every file's problems reported together.

The files are made by tests/data/exports/make_exports.py in the real X (Twitter) analytics and
Facebook page export layouts (see its docstring for what is planted).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest

from socialkit import io, paths
from socialkit.exceptions import DataValidationError, InputFileError, ParameterError

EXPORTS = Path(__file__).resolve().parent / "data" / "exports"
X_DIR = EXPORTS / "x_2021"
FB = EXPORTS / "facebook_metrics.csv"


def test_the_generated_exports_are_the_committed_ones(tmp_path):
    sys.path.insert(0, str(EXPORTS))
    try:
        import make_exports
    finally:
        sys.path.remove(str(EXPORTS))
    out = tmp_path / "x_2021"
    out.mkdir()
    for written in make_exports.x_files(out, make_exports.tweets()):
        assert written.read_bytes() == (X_DIR / written.name).read_bytes()
    assert make_exports.facebook(tmp_path / "fb.csv").read_bytes() == FB.read_bytes()


@pytest.mark.parametrize("spec", [str(X_DIR), str(X_DIR / "tweet_activity_metrics_*.csv"),
                                  sorted(str(p) for p in X_DIR.glob("*.csv"))])
def test_a_folder_a_glob_or_a_list_read_the_same_posts_once(spec):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no library warning may escape
        posts = io.load(spec, "posts")
    assert len(posts.attrs["files"]) == 11
    assert posts.attrs["preset"] == "x_analytics" and set(posts["channel"]) == {"x"}
    assert posts.attrs["duplicates_dropped"] > 0
    assert posts["post_id"].is_unique
    # a tweet in the overlap of two downloads counts once
    raw = pd.concat([pd.read_csv(f, dtype=str) for f in sorted(X_DIR.glob("*.csv"))])
    organic_ids = set(raw["Tweet id"])
    assert set(posts.loc[~posts["paid"].astype(bool), "post_id"]) == organic_ids
    assert f"{posts.attrs['duplicates_dropped']} posts exported in more than one file counted once" in io.load_note(posts)


def test_the_export_maps_onto_the_contract_with_no_column_map():
    posts = io.load(X_DIR, "posts")
    for column in ("post_id", "date", "impressions", "engagements", "likes", "shares", "comments", "clicks",
                   "profile_clicks", "follows", "media_views", "paid"):
        assert column in posts.columns, column
    assert pd.api.types.is_datetime64_any_dtype(posts["date"])
    text = posts.loc[posts["Tweet text"].str.contains("\n", na=False), "Tweet text"]
    assert len(text) and text.str.contains("\U0001F64F").any()  # quoted, several lines, emoji kept


def test_promoted_columns_split_paid_from_organic():
    posts = io.load(X_DIR, "posts")
    paid = posts[posts["paid"].astype(bool)]
    assert len(paid) > 0 and paid["post_id"].str.endswith(" (promoted)").all()
    raw = pd.concat([pd.read_csv(f, dtype=str) for f in sorted(X_DIR.glob("*.csv"))]).drop_duplicates("Tweet id")
    promoted = raw[raw["promoted impressions"] != "-"]
    assert len(paid) == len(promoted)
    one = promoted.iloc[0]
    twin = paid.set_index("post_id").loc[f"{one['Tweet id']} (promoted)"]
    organic = posts.set_index("post_id").loc[one["Tweet id"]]
    assert twin["impressions"] == float(one["promoted impressions"])
    assert organic["impressions"] == float(one["impressions"]) and not organic["paid"]


def test_times_are_converted_to_the_reporting_time_zone_before_months_are_formed():
    utc = io.load(X_DIR, "posts")
    berlin = io.load(X_DIR, "posts", timezone="Europe/Berlin")
    late = "2021-03-31 23:30"
    moved = utc.index[(utc["date"] == pd.Timestamp(late)) & ~utc["paid"].astype(bool)]
    assert len(moved) == 1
    assert berlin.loc[moved[0], "date"] == pd.Timestamp("2021-04-01 01:30")  # UTC+2 after 28 March
    assert utc.attrs["timezone"] == "UTC" and berlin.attrs["timezone"] == "Europe/Berlin"
    assert berlin["date"].dt.tz is None  # wall-clock times: nothing later drops a zone with a warning
    with pytest.raises(ParameterError, match="Europe/Berlin"):
        io.load(X_DIR, "posts", timezone="Europe/Berln")


def test_an_explicit_column_map_wins_over_the_preset():
    posts = io.load(X_DIR, "posts", column_map={"impressions": "reach"})
    assert "reach" in posts.columns and posts["reach"].notna().all()
    assert posts.attrs["preset"] == "x_analytics"


def test_the_facebook_page_export_is_recognised():
    posts = io.load(FB, "posts")
    assert posts.attrs["preset"] == "facebook_page" and set(posts["channel"]) == {"facebook"}
    assert {"reach", "impressions", "engagements", "likes", "comments", "shares", "followers", "month"} <= set(posts.columns)
    assert set(posts["weekday"]) <= {f"day {i}" for i in range(1, 8)}  # the export does not say which day is 1
    assert posts["paid"].isin([True, False]).all() and "date" not in posts.columns


def test_every_files_problems_are_reported_at_once(tmp_path):
    folder = tmp_path / "exports"
    shutil.copytree(X_DIR, folder)
    files = sorted(folder.glob("*.csv"))
    for f in (files[0], files[3]):
        table = pd.read_csv(f, dtype=str, keep_default_na=False)
        table.loc[1, "impressions"] = "1.2k"  # written with a unit, on the file's line 3
        table.to_csv(f, index=False)
    with pytest.raises(DataValidationError) as err:
        io.load(folder, "posts")
    msg = str(err.value)
    assert files[0].name in msg and files[3].name in msg and "impressions" in msg and "'1.2k'" in msg
    assert "line 3" in msg
    res = subprocess.run([sys.executable, "-m", "socialkit.cli", "validate", str(folder), "--kind", "posts"],
                         capture_output=True, text=True)
    assert res.returncode == 1 and files[0].name in res.stderr and files[3].name in res.stderr


def test_socialkit_validate_reports_the_recognised_preset():
    res = subprocess.run([sys.executable, "-m", "socialkit.cli", "validate", str(X_DIR), "--kind", "posts"],
                         capture_output=True, text=True)
    out = " ".join(res.stdout.split())
    assert res.returncode == 0, res.stderr
    assert "11 files" in out and "X (Twitter) analytics" in out and "counted once" in out


def test_path_specs_fail_clearly():
    with pytest.raises(InputFileError, match="matches no CSV"):
        paths.expand(str(X_DIR / "nothing_*.csv"))
    with pytest.raises(InputFileError, match="empty list"):
        paths.expand([])
    assert paths.problem(str(X_DIR)) is None and "names no file" in paths.problem("/nowhere/x.csv")
    assert len(paths.expand([str(X_DIR), str(X_DIR / "*.csv")])) == 11  # each file once
    assert paths.fingerprint(str(X_DIR)) != paths.fingerprint(sorted(str(p) for p in X_DIR.glob("*.csv"))[:5])


def test_several_survey_files_stack_when_they_share_their_columns(tmp_path):
    a, b = tmp_path / "wave1.csv", tmp_path / "wave2.csv"
    a.write_text("id,q1\nr1,3\n")
    b.write_text("id,q1\nr2,4\n")
    assert list(io.read(tmp_path)["id"]) == ["r1", "r2"]
    b.write_text("id,q2\nr2,4\n")
    with pytest.raises(InputFileError, match="other columns"):
        io.read(tmp_path)


def test_a_month_without_posts_is_reported_and_left_as_a_gap():
    from socialkit import metrics

    posts = io.load(X_DIR, "posts", timezone="Europe/Berlin")
    assert list(metrics.missing_periods(posts)["period"]) == ["2021-05"]
    findings = metrics.gap_findings(posts)
    assert "2021-05: no posts in the files" in findings and "missing export" in findings.markdown()
    trend = metrics.trends(posts, by="channel")
    may = trend.table[trend.table["period"] == "2021-05"]
    assert len(may) == 1 and may["value"].isna().all() and trend.gaps == ("2021-05",)
    text = trend._repr_markdown_()
    assert "12 periods (2021-01 to 2021-12)" in text and "2021-05" in text and "not as zero" in text
    assert metrics.missing_periods(posts, period="quarter").empty
    assert metrics.missing_periods(io.load(FB, "posts")).empty  # no dates: no periods, no gaps


def test_weekday_numbers_of_an_export_keep_their_order():
    from socialkit import metrics

    weekdays = metrics.timing(io.load(FB, "posts")).query("dimension == 'weekday'")
    assert list(weekdays["value_label"]) == [f"day {i}" for i in range(1, 8)]
