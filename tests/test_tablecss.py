"""A page's kit tables share one stylesheet: fewer bytes, a faster print, and the same look."""

from __future__ import annotations

import re
import shutil
import subprocess

import pandas as pd
import pytest

from socialkit import present
from socialkit.tablecss import TABLE_ID, share_table_styles

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PDFTOPPM = shutil.which("pdftoppm")


def _tables() -> list[str]:
    """Kit tables of several kinds: text and numbers, a long wrapped text column, tones, groups."""
    objectives = pd.DataFrame({"objective": ["Qualified leads from LinkedIn", "Cost per hire", "Repeat purchase"],
                               "target": [120, 4500.0, 0.3], "actual": [96, 5100.0, 0.34],
                               "change": [-0.12, 0.08, 0.05], "tone": ["bad", "bad", "good"]})
    notes = pd.DataFrame({"function": ["Marketing", "HR & recruiting", "Customer service"],
                          "note": ["Which of our followers ever bought from us? " * 4, "Time to fill a vacancy", "n/a"],
                          "area": ["Growth", "Growth", "Care"]})
    return [present.table(objectives, title="Objectives", tone={"change": "tone"}).html(),
            present.table(notes, title="Notes by function", group="area").html(),
            present.table(objectives.drop(columns="tone"), title="Objectives, plain").html(),
            present.table(notes.drop(columns="area"), title="Notes").html()]


def _page(parts: list[str]) -> str:
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><style>body{font-family:DejaVu Sans}"
            "tr:nth-child(even){background:#f5f7f9}</style></head><body>"
            + "".join(f"<h2>Section {i}</h2>{p}" for i, p in enumerate(parts)) + "</body></html>")


def _styles(html: str) -> list[str]:
    return re.findall(r"<style\b[^>]*>(.*?)</style>", html, re.S)


def test_tables_share_one_stylesheet_scoped_by_every_id():
    page = _page(_tables())
    ids = list(dict.fromkeys(re.findall(r'<div id="(sk-[0-9a-f]{10})"', page)))
    assert len(ids) == 4 and len(_styles(page)) == 5
    merged = share_table_styles(page)
    kit = [s for s in _styles(merged) if TABLE_ID.search(s)]
    assert len(kit) == 1  # one copy of the rules ...
    assert ":is(" + ", ".join(f"#{i}" for i in ids) + ") .gt_table" in kit[0]  # ... for every table
    assert len(merged) < len(page) * 0.6
    # everything but the stylesheets is unchanged: the tables, their ids, the page's own style
    strip = lambda h: re.sub(r"<style\b[^>]*>.*?</style>", "", h, flags=re.S)
    assert strip(merged) == strip(page)
    assert _styles(merged)[0] == _styles(page)[0]
    # the shared stylesheet is the last table's, in the last table's place
    assert merged.index(kit[0]) > merged.index(f'<div id="{ids[-2]}"')
    assert kit[0].replace(":is(" + ", ".join(f"#{i}" for i in ids) + ")", f"#{ids[-1]}") == _styles(page)[-1]


def test_what_cannot_be_merged_safely_is_left_as_it_is():
    one = _tables()[0]
    assert share_table_styles(_page([one])) == _page([one])  # a single table
    table_id = re.search(r'<div id="(sk-[0-9a-f]{10})"', one).group(1)
    # the same id twice with two different stylesheets: both kept, as they were
    other = one.replace("font-size: 12px", "font-size: 14px")
    page = _page([one, other, _tables()[1]])
    merged = share_table_styles(page)
    assert [s for s in _styles(merged) if f"#{table_id}" in s] == [s for s in _styles(page) if f"#{table_id}" in s]
    assert share_table_styles("<p>no tables</p>") == "<p>no tables</p>"


@pytest.mark.skipif(CHROMIUM is None or PDFTOPPM is None, reason="needs Chromium and pdftoppm (`make test` installs them)")
def test_a_page_looks_the_same_with_shared_table_styles(tmp_path):
    from socialkit.browser import Printer

    page = _page(_tables() * 3)
    printer = Printer(CHROMIUM)
    try:
        pdfs = {name: printer.pdf(html) for name, html in (("own", page), ("shared", share_table_styles(page)))}
    finally:
        printer.close()
    pages = {}
    for name, pdf in pdfs.items():
        (tmp_path / f"{name}.pdf").write_bytes(pdf)
        subprocess.run([PDFTOPPM, "-r", "72", "-png", str(tmp_path / f"{name}.pdf"), str(tmp_path / name)], check=True)
        pages[name] = [p.read_bytes() for p in sorted(tmp_path.glob(f"{name}-*.png"))]
    assert len(pages["own"]) >= 2 and pages["own"] == pages["shared"]


def test_exported_reports_carry_one_stylesheet_for_their_tables(tmp_path):
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from socialkit.export import notebook_to_html

    cells = [new_markdown_cell("# Tables")]
    for part in _tables():
        cell = new_code_cell("t")
        cell.outputs = [new_output("execute_result", {"text/html": part, "text/plain": "t"}, execution_count=1)]
        cells.append(cell)
    html = notebook_to_html(new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3",
                                                                                 "display_name": "Python 3"}}))
    ids = re.findall(r'<div id="(sk-[0-9a-f]{10})"', html)
    kit = [s for s in _styles(html) if TABLE_ID.search(s)]
    assert len(ids) == 4 and len(kit) == 1
    assert ":is(" + ", ".join(f"#{i}" for i in ids) + ") .gt_table" in kit[0]
