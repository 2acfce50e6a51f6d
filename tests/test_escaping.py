"""Escaping: names analysts type (initiatives, brands, channels, objectives, segments) reach HTML and
PDF reports as text, never as tags; CSV exports neutralise spreadsheet formulas."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from socialkit import io, metrics, venn
from socialkit.charts import venn as venn_charts
from socialkit.config import SAMPLES_DIR

BAD = Path(__file__).resolve().parent / "data" / "bad"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"


def live_tags(html: str) -> list[str]:
    """Markup that a browser would run: script elements and event-handler attributes on any tag."""
    return re.findall(r"<script\b[^>]*>", html, flags=re.I) + re.findall(r"<[a-z][^>]*\son\w+\s*=", html, flags=re.I)


def notebook(*outputs, markdown: str = "# Report\n\nSome narrative.") -> nbformat.NotebookNode:
    cells = [new_markdown_cell(markdown)]
    for i, out in enumerate(outputs, start=1):
        cells.append(new_code_cell(f"cell_{i}", outputs=[out]))
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def table_output(df: pd.DataFrame, count: int = 1):
    """How a notebook stores a displayed DataFrame: its to_html() and its repr."""
    return new_output("execute_result", data={"text/html": df.to_html(), "text/plain": repr(df)},
                      execution_count=count)


@pytest.fixture(scope="module")
def hostile_venn():
    return venn.analyse(io.load(BAD / "initiatives_script_names.csv", "initiatives"))


def test_pandas_to_html_escapes_cells_by_default():
    html = pd.DataFrame({"name": [SCRIPT, IMG]}).to_html()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert live_tags(html) == []


def test_report_title_meta_and_tables_show_names_as_text(hostile_venn):
    from socialkit.export import notebook_to_html

    nb = notebook(table_output(hostile_venn.initiatives[["initiative", "owner", "functions"]]),
                  table_output(hostile_venn.centre, 2),
                  new_output("stream", name="stdout", text=f"centre: {SCRIPT}\n"),
                  new_output("execute_result", data={"text/plain": repr(IMG)}, execution_count=3))
    html = notebook_to_html(nb, title=f"{SCRIPT} Venn report",
                            masthead_items={"Organisation": f"{SCRIPT} & Sons", "Segment": IMG},
                            appendix_items={"parameters": {"initiatives_path": SCRIPT}, "kit": "k", "date": "d"})
    assert live_tags(html) == []
    text = html.replace("&#x27;", "'").replace("&#39;", "'")
    assert "<h1 class=\"sk-title-heading\">&lt;script&gt;alert(1)&lt;/script&gt; Venn report</h1>" in text
    assert '<p class="sk-organisation">&lt;script&gt;alert(1)&lt;/script&gt; &amp; Sons</p>' in text
    assert '<td class="sk-wrap">&lt;script&gt;alert(1)&lt;/script&gt;</td>' in text  # the appendix
    assert "<dd>&lt;img src=x onerror=alert(2)&gt;</dd>" in text
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in text  # the initiatives and centre tables
    assert "<td>&lt;img src=x onerror=alert(2)&gt;</td>" in text
    assert "<td>&lt;b&gt;Bold&lt;/b&gt; &amp; co</td>" in text
    assert "centre: &lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_kit_tables_show_names_as_text(hostile_venn):
    from socialkit import present

    shown = present.table(hostile_venn.initiatives[["initiative", "owner", "functions"]]).html()
    assert live_tags(shown) == []
    cells = re.findall(r"<td[^>]*>(.*?)</td>", shown, flags=re.S)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in cells and "&lt;img src=x onerror=alert(2)&gt;" in cells
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in cells and "<b>" not in shown


def test_static_chart_svg_draws_names_as_text(hostile_venn):
    import vl_convert

    svg = vl_convert.vegalite_to_svg(venn_charts.venn_chart(hostile_venn).to_dict())
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg  # the centre initiative, labelled on the diagram
    assert live_tags(svg) == []


def test_pdf_report_prints_the_names_as_text(tmp_path, hostile_venn):
    pytest.importorskip("weasyprint")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    from socialkit.export import html_to_pdf, notebook_to_html

    html = notebook_to_html(notebook(table_output(hostile_venn.centre)), title="Report",
                            masthead_items={"Organisation": SCRIPT})
    pdf = html_to_pdf(html, tmp_path / "report.pdf", engine="weasyprint")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert text.count("<script>alert(1)</script>") >= 3  # the organisation, its footer and the centre table


def test_markdown_findings_quoting_user_names_are_escaped():
    from socialkit.export import notebook_to_html

    posts = io.load(SAMPLES_DIR / "summit_outfitters" / "posts.csv", "posts")
    objectives = pd.DataFrame({"objective": [IMG], "metric": ["reach"], "target": [1000.0], "channel": [None]})
    findings = metrics.objective_findings(metrics.objectives_status(posts, objectives))
    out = new_output("display_data", data={"text/markdown": findings._repr_markdown_(), "text/plain": "findings"})
    html = notebook_to_html(notebook(out), title="Report")
    assert live_tags(html) == []


def test_batch_index_escapes_brand_names_and_errors(tmp_path):
    from socialkit.batch import Job
    from socialkit.index import write_index

    brand = f"{SCRIPT} outfitters"
    job = Job(notebook="notebooks/01_social_business_venn.ipynb", brand=brand, out_dir=str(tmp_path / "b1"))
    Path(job.out_dir).mkdir()
    report = job.output("html")
    report.write_text("<p>report</p>")
    job.output("json").write_text(json.dumps({"status": "failed", "error": f"bad name {IMG}", "seconds": 1.5,
                                              "outputs": [str(report)]}))
    page = write_index(tmp_path, [job]).read_text(encoding="utf-8")
    assert live_tags(page) == []
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt; outfitters</td>" in page
    assert "bad name &lt;img src=x onerror=alert(2)&gt;" in page
    assert 'href="b1/01_social_business_venn.html"' in page


# --------------------------------------------------------------------------- CSV formula injection


FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
            "\t=1+1", "\r=1+1"]


def test_csv_export_prefixes_every_formula_cell_with_a_quote(tmp_path):
    df = pd.DataFrame({"name": FORMULAS + ["plain", "a=b", ""],
                       "n": [-1, 2, -3, 4, 5, 6, 7, 8, 9],
                       "x": [-1.5, 0.0, 2.25, -0.0, 1e-9, -7.0, 3.0, 4.0, 5.0]})
    path = io.write_table(df, tmp_path / "out.csv")
    back = pd.read_csv(path, dtype={"name": str}, keep_default_na=False)
    expected = ["'" + f.replace("\r", "\n") for f in FORMULAS] + ["plain", "a=b", ""]
    assert back["name"].tolist() == expected  # a carriage return is kept inside its (quoted) cell
    assert back["n"].tolist() == df["n"].tolist() and back["x"].tolist() == df["x"].tolist()  # numbers untouched


def test_neutralise_formulas_leaves_the_input_alone_and_handles_every_text_dtype():
    df = pd.DataFrame({"obj": pd.Series(["=1", None, 3], dtype=object), "str": pd.Series(["@x", "ok", None], dtype="string"),
                       "num": [-1, -2, -3]})
    out = io.neutralise_formulas(df)
    assert out["obj"].tolist()[0] == "'=1" and out["obj"].tolist()[2] == 3 and pd.isna(out["obj"].iloc[1])
    assert out["str"].tolist()[:2] == ["'@x", "ok"] and pd.isna(out["str"].iloc[2])
    assert out["num"].tolist() == [-1, -2, -3]
    assert df["obj"].iloc[0] == "=1" and df["str"].iloc[0] == "@x"


def test_formula_names_from_an_input_file_are_neutralised_in_every_csv_column(tmp_path):
    df = io.load(BAD / "initiatives_formula_strings.csv", "initiatives")
    back = pd.read_csv(io.write_table(df, tmp_path / "o.csv"), dtype=str, keep_default_na=False)
    assert back.map(lambda v: v.startswith(("=", "+", "-", "@", "\t", "\r"))).sum().sum() == 0
    assert back["initiative"].str.startswith("'").sum() == 5 and back.loc[1, "owner"] == "'=1+1"


def test_a_carriage_return_inside_a_cell_cannot_start_a_new_row(tmp_path):
    df = pd.DataFrame({"name": ["Blog\r=HYPERLINK(\"http://evil.example\")", "Forum\r\nsecond line"], "n": [1, 2]})
    path = io.write_table(df, tmp_path / "o.csv")
    back = pd.read_csv(path, dtype={"name": str})
    assert len(back) == 2 and back["n"].tolist() == [1, 2]
    assert back["name"].tolist() == ["Blog\n=HYPERLINK(\"http://evil.example\")", "Forum\nsecond line"]
    assert df["name"].iloc[0].count("\r") == 1  # the input is left alone


def test_parquet_export_keeps_values_exact(tmp_path):
    df = pd.DataFrame({"name": FORMULAS})
    back = pd.read_parquet(io.write_table(df, tmp_path / "o.parquet"))
    assert back["name"].tolist() == FORMULAS  # not a spreadsheet format: nothing to neutralise


def test_offline_html_drops_redirects_base_and_forms():
    from socialkit.export import offline_html

    page = offline_html('<meta http-equiv="refresh" content="0;url=https://example.org"><base href="https://x/">'
                        '<form action="https://x"><input name="q"></form><a href="javascript:alert(1)">x</a><p>ok</p>')
    for bad in ("http-equiv", "<base", "<form", "javascript:"):
        assert bad not in page
    assert "<p>ok</p>" in page


def test_event_handlers_and_script_urls_are_dropped_whatever_their_case_or_separator():
    # raw HTML in a Markdown output reaches the page as written (nothing re-parses it): upper or mixed
    # case, a tab or a slash before the attribute must not let a handler through
    import re

    from socialkit.export import notebook_to_html

    vectors = ["<img src=x\tONERROR=alert(1)>", "<img src=x oNeRrOr=\"alert(2)\">", "<svg><g/onload=alert(3)></g></svg>",
               "<a href=\"JaVaScRiPt:alert(4)\">x</a>", "<img src=x onerror\n=alert(5)>", "<b onclick='alert(6)'>b</b>"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title"), nbformat.v4.new_code_cell("x", outputs=[
        nbformat.v4.new_output("display_data", data={"text/markdown": " ".join(vectors), "text/plain": "x"})])])
    html = notebook_to_html(nb)
    tags = re.findall(r"<[A-Za-z][^<>]*>", html)
    assert not [t for t in tags if re.search(r"[\s/]on[a-z]+\s*=|javascript:", t, re.I)]
    assert html.count('tabindex="0"') >= 2  # the output areas stay focusable, as nbconvert makes them
