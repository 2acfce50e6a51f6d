"""What leadership sees: every page of every demo PDF and every demo HTML report, checked the way a
reader would notice problems (issue: stakeholder-grade reports).

From the PDFs' text positions (`pdftotext -bbox-layout`): no word beyond the right margin, no number
printed with six decimals, no page that ends with a heading or with the caption of a chart or table
that starts the next page. From the HTML: no technical parameter in the title block, the
organisation's display name in every title, no table with an index column or internal headers, no
cell cut with "...".
"""

from __future__ import annotations

import html as html_lib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from socialkit.config import samples_dir

pytestmark = [pytest.mark.slow, pytest.mark.skipif(shutil.which("pdftotext") is None,
                                                   reason="pdftotext (poppler-utils) is not installed")]
RIGHT_MARGIN_PT = 14 / 25.4 * 72  # the report's @page margin (14 mm)
BOTTOM_MARGIN_PT = 18 / 25.4 * 72  # the footer lives below this


def _pages(pdf: Path) -> list[tuple[float, float, list[dict]]]:
    """(width, height, blocks) per page; a block is {text, xmax, ymin, ymax} with its words joined."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for w, h, body in re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', xml, re.S):
        blocks = []
        for attrs, inner in re.findall(r"<block ([^>]*)>(.*?)</block>", body, re.S):
            box = dict(re.findall(r'(\w+)="([\d.]+)"', attrs))
            words = [html_lib.unescape(x) for x in re.findall(r"<word [^>]*>(.*?)</word>", inner)]
            xmax = max((float(x) for x in re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"', inner)),
                       default=0.0)
            blocks.append({"text": " ".join(words), "xmax": xmax, "ymin": float(box["yMin"]), "ymax": float(box["yMax"])})
        pages.append((float(w), float(h), blocks))
    return pages


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text).split()).lower()


@pytest.fixture(scope="module")
def reports(demo_run) -> list[tuple[Path, Path]]:
    pairs = sorted((p, p.with_suffix(".html")) for p in Path(demo_run).glob("*/*.pdf"))
    assert len(pairs) == 15
    return pairs


def test_no_word_lies_beyond_the_right_margin(reports):
    over = []
    for pdf, _ in reports:
        for n, (width, _, blocks) in enumerate(_pages(pdf), start=1):
            over += [f"{pdf.parent.name}/{pdf.name} p{n}: {b['text'][:40]!r}" for b in blocks
                     if b["xmax"] > width - RIGHT_MARGIN_PT + 1]
    assert not over, over[:10]


def test_no_number_is_printed_with_six_decimals(reports):
    for pdf, _ in reports:
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert not re.search(r"\d\.\d{6}", text), (pdf.name, re.findall(r"\S*\d\.\d{6}\S*", text)[:3])


def _headings_and_captions(page: str) -> tuple[set[str], set[str]]:
    main = page.split("<main>", 1)[1]
    heads = {_norm(re.sub(r"<[^>]+>", "", h)) for h in re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", main, re.S)}
    captions = set()
    for section in re.findall(r'<section class="sk-keep">(.*?)</section>', main, re.S):
        markdown = re.findall(r'<div class="jp-Cell jp-MarkdownCell.*?(?=<div class="jp-Cell jp-CodeCell|$)', section, re.S)
        text = _norm(html_lib.unescape(re.sub(r"<[^>]+>", " ", " ".join(markdown))))
        if text:
            captions.add(text[-40:])
    return {h for h in heads if h}, captions


def test_no_page_ends_with_a_heading_or_a_caption_apart_from_its_chart(reports):
    bad = []
    for pdf, page in reports:
        heads, captions = _headings_and_captions(page.read_text(encoding="utf-8"))
        pages = _pages(pdf)
        for n, (_, height, blocks) in enumerate(pages[:-1], start=1):
            body = [b for b in blocks if b["ymax"] < height - BOTTOM_MARGIN_PT + 2]
            if not body:
                continue
            last = _norm(body[-1]["text"])
            if last in heads or any(last.endswith(c) for c in captions):
                bad.append(f"{pdf.parent.name}/{pdf.name} page {n} ends with {body[-1]['text'][:60]!r}")
    assert not bad, bad


def test_title_blocks_name_the_organisation_and_hold_nothing_technical(reports):
    labels = {p.name: json.loads((p / "brand.json").read_text())["label"] for p in samples_dir().iterdir()
              if (p / "brand.json").is_file()}
    for _, page in reports:
        text = page.read_text(encoding="utf-8")
        head = text.split("<main>", 1)[0]
        block = re.search(r'<header class="sk-title">.*?</header>', head, re.S).group(0)
        label = labels[page.parent.name]
        assert f'<p class="sk-organisation">{html_lib.escape(label)}</p>' in head, page
        assert f"<title>" in head and f": {html_lib.escape(label)}</title>" in head
        for technical in ("interactive", "brand", "notebook", "_path", "summit_outfitters"):
            assert technical not in block, (page, technical)
        # the demo reports on the latest complete quarter of the samples, against the one before
        if page.stem in ("04_vanity_to_value", "05_stakeholder_report"):
            assert "2026-Q1 (2026-01-01 to 2026-03-31)" in block, page
            assert "2025-Q4 (previous period) and 2025-Q1 (a year earlier)" in block, page
        else:
            assert "Compared with" not in block, page


def test_every_table_has_human_headers_no_index_and_no_cut_cell(reports):
    for _, page in reports:
        text = page.read_text(encoding="utf-8")
        main = text.split("<main>", 1)[1].split('<section class="sk-appendix">')[0]
        assert 'class="dataframe' not in main, page  # no DataFrame as pandas prints it (index column)
        headers = [html_lib.unescape(re.sub(r"<[^>]+>", "", h)).strip()
                   for h in re.findall(r'<th[^>]*class="gt_col_heading[^"]*"[^>]*>(.*?)</th>', main, re.S)]
        assert headers, page
        internal = [h for h in headers if "_" in h or h == ""]
        assert not internal, (page, internal[:5])
        for block in re.findall(r'<table[^>]*class="gt_table".*?</table>', main, re.S):  # one header, one meaning
            names = [html_lib.unescape(re.sub(r"<[^>]+>", "", h)).strip()
                     for h in re.findall(r'<th[^>]*class="gt_col_heading[^"]*"[^>]*>(.*?)</th>', block, re.S)]
            assert len(names) == len(set(names)), (page, sorted({n for n in names if names.count(n) > 1}))
        cells = [html_lib.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", main, re.S)]
        cut = [c for c in cells if c.endswith(("...", "\u2026"))]
        assert not cut, (page, cut[:3])


def test_the_layout_checks_catch_what_they_look_for(tmp_path):
    """The checks above can fail: a page with a word past the margin and a heading at its foot."""
    from socialkit.export import html_to_pdf

    wide = "<p style='white-space:nowrap'>" + "wide " * 60 + "</p>"
    page = ("<html><head><style>@page { size: A4; margin: 16mm 14mm 18mm 14mm; }</style></head><body><main>"
            + wide + "<div style='height: 200mm'></div><h2>Orphan heading</h2><p style='break-before: page'>next page</p>"
            "</main></body></html>")
    pdf = html_to_pdf(page, tmp_path / "bad.pdf")
    pages = _pages(pdf)
    width = pages[0][0]
    assert any(b["xmax"] > width - RIGHT_MARGIN_PT + 1 for b in pages[0][2])
    body = [b for b in pages[0][2] if b["ymax"] < pages[0][1] - BOTTOM_MARGIN_PT + 2]
    assert _norm(body[-1]["text"]) == "orphan heading"
