"""Offline HTML and PDF export of executed notebooks (socialkit.export).

The fixture tests/data/export/report.ipynb was executed by papermill with a secret
``api_token = "s3cr3t-tok-XYZ"`` (marked ``[secret]`` in its parameters cell) and ``weeks = 6``;
it prints the token, shows it in an HTML output next to a CDN <script>, and has one Altair chart
rendered to SVG by vl-convert.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from socialkit import export
from socialkit.exceptions import ExportError, InputFileError, ParameterError
from socialkit.export import (EngineUnavailableError, export_notebook, find_secret_values, html_to_pdf,
                              notebook_to_html, offline_html, prepare_notebook, register_pdf_engine,
                              table_of_contents)

FIXTURE = Path(__file__).resolve().parent / "data" / "export" / "report.ipynb"
SECRET = "s3cr3t-tok-XYZ"
ORANGE = (0xE6, 0x9F, 0x00)  # the LinkedIn bar of the fixture's chart (house palette, 2nd colour)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PDFTOPPM = shutil.which("pdftoppm")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed: `sudo apt-get install "
                                    "chromium` (Debian/Ubuntu; `make test` installs it)")


@pytest.fixture(scope="module")
def nb():
    return nbformat.read(FIXTURE, as_version=4)


@pytest.fixture(scope="module")
def html(nb):
    return notebook_to_html(nb, title="Engagement snapshot")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory, nb):
    """One PDF per engine, exported from a copy of the fixture."""
    folder = tmp_path_factory.mktemp("pdf")
    src = folder / "report.ipynb"
    shutil.copyfile(FIXTURE, src)
    out = {"weasyprint": export_notebook(src, to="pdf", out=folder / "weasyprint.pdf")}
    if CHROMIUM:
        out["chromium"] = export_notebook(src, to="pdf", out=folder / "chromium.pdf", engine="chromium")
    return out


def _main(html: str) -> str:
    return html.split("<main>", 1)[1]


def _svg_nb(*svgs: str) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.cells = [new_markdown_cell("# Charts")] + [
        new_code_cell("chart", outputs=[new_output("display_data", data={"image/svg+xml": s, "text/plain": "<chart>"})])
        for s in svgs]
    return nb


# --------------------------------------------------------------------------- the fixture is what we think


def test_fixture_holds_what_the_export_must_remove(nb):
    raw = FIXTURE.read_text(encoding="utf-8")
    assert raw.count(SECRET) >= 3  # injected cell, papermill metadata, printed output, HTML output
    assert "https://cdn.jsdelivr.net" in raw
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    assert ["parameters"] in tags and ["injected-parameters"] in tags
    assert sum("image/svg+xml" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", [])) == 1


# --------------------------------------------------------------------------- HTML


def test_html_loads_nothing_from_the_network(html):
    assert "<script" not in html.lower()
    assert "https://cdn" not in html and "//cdn." not in html
    assert "require.js" not in html and "mathjax" not in html.lower() and "mermaid" not in html.lower()
    # no element other than a plain link points at a remote resource
    remote = re.findall(r"<(?!a\b)(\w+)\b[^>]*\s(?:src|href|data|srcset)\s*=\s*[\"']?(?:https?:)?//", html, flags=re.I)
    assert remote == []
    assert not re.search(r"url\(\s*[\"']?(?:https?:)?//|@import", html)


def test_code_inputs_are_hidden(html):
    for code in ("alt.Chart(reach)", "print(f", "use_rendering", "pd.DataFrame("):
        assert code not in html
    main = _main(html)
    assert "jp-InputArea-editor" not in main and "highlight" not in main
    assert "In&nbsp;[" not in main and "Out[" not in main


def test_injected_and_parameters_cells_are_removed(nb, html):
    for tag in ("injected-parameters", "parameters"):
        cell = next(c for c in nb.cells if tag in c.metadata.get("tags", []))
        assert f"cell-id={cell.id}" not in html
    assert "injected-parameters" not in html
    assert "weeks = 6" not in html and "Parameters" not in html


def test_secret_value_appears_nowhere(html):
    assert SECRET not in html
    main = _main(html)
    assert "Connected to the analytics API with token [secret] for summit_outfitters" in main
    assert "Static note with token [secret]" in main


def test_secret_names_from_the_parameters_cell_and_from_the_caller(nb):
    # the fixture marks api_token [secret]; without the marker it is only secret when named
    plain = copy.deepcopy(nb)
    params = next(c for c in plain.cells if "parameters" in c.metadata.get("tags", []))
    params.source = params.source.replace("[secret] ", "")
    assert SECRET in notebook_to_html(plain, title="t")
    named = notebook_to_html(plain, title="t", secrets=["api_token"])
    assert SECRET not in named and "api_token" not in named.split("<main>")[0]
    assert SECRET not in notebook_to_html(plain, title="t", secret_values=[SECRET])


def test_input_notebook_is_not_changed(nb):
    before = nbformat.writes(nb)
    notebook_to_html(nb, title="t")
    prepare_notebook(nb, secret_values=[SECRET])
    assert nbformat.writes(nb) == before


def test_prepare_notebook_scrubs_sources_outputs_and_metadata(nb):
    out = prepare_notebook(nb, secret_values=[SECRET])
    assert SECRET not in nbformat.writes(out)
    assert out.metadata.papermill.parameters["api_token"] == "[secret]"
    assert not any(set(c.metadata.get("tags", [])) & {"parameters", "injected-parameters"} for c in out.cells)
    tagged = [c for c in nb.cells if set(c.metadata.get("tags", [])) & {"parameters", "injected-parameters"}]
    silent = [c for c in nb.cells if c.cell_type == "code" and c not in tagged and not c.get("outputs")]
    assert len(out.cells) == len(nb.cells) - len(tagged) - len(silent)  # cells that show nothing take no room


def test_find_secret_values_covers_escaped_forms_and_skips_tiny_values():
    nb = new_notebook()
    source = 'token = "p@ss&\\"w\'rd<1>"\npin = "42"\nkeys = ["alpha-key", 12345]'
    nb.cells = [new_code_cell(source, metadata={"tags": ["injected-parameters"]})]
    values = find_secret_values(nb, ["token", "pin", "keys"])
    assert "p@ss&\"w'rd<1>" in values
    assert "p@ss&amp;&quot;w&#x27;rd&lt;1&gt;" in values  # how it reads inside HTML
    assert "p@ss&\"w\\'rd<1>" in values  # how it reads inside a repr
    assert 'p@ss&\\"w\'rd<1>' in values  # how it reads inside JSON
    assert "alpha-key" in values and "12345" in values
    assert "42" not in values  # shorter than MIN_SECRET_LENGTH: replacing it would wreck the report
    assert values == sorted(values, key=lambda s: (-len(s), s))


def test_title_block_escapes_user_supplied_text(nb):
    evil = "<script>alert(1)</script>"
    page = notebook_to_html(nb, title=f"Q3 {evil}", masthead_items={"Organisation": evil, "a&b": "1"},
                            appendix_items={"parameters": {"<b>x</b>": evil}, "kit": "k", "date": "d"})
    head = page.split("<main>")[0]
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in head
    assert "<dt>a&amp;b</dt>" in head and "<td>&lt;b&gt;x&lt;/b&gt;</td>" in page
    assert "<title>Q3 &lt;script&gt;" in head
    assert 'content: "<script>alert(1)</script>"' not in page.replace("&lt;", "<") or "@bottom-left" in page


def test_title_block_holds_organisation_period_and_date_and_nothing_technical(nb, html):
    head = html.split("<main>")[0]
    items = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", head)
    assert items == [("Date", "2026-11-24")]  # the fixture records no organisation or period
    assert "weeks" not in head and "interactive" not in head
    page = notebook_to_html(nb, title="Engagement snapshot", masthead_items={
        "Organisation": "Northbridge Advisory", "Period covered": "2025-10 to 2025-12", "Date": "2026-12-01"})
    head = page.split("<main>")[0]
    assert re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", head) == [("Period covered", "2025-10 to 2025-12"),
                                                                  ("Date", "2026-12-01")]
    assert '<p class="sk-organisation">Northbridge Advisory</p>' in head
    assert "<title>Engagement snapshot: Northbridge Advisory</title>" in head
    assert 'content: "Northbridge Advisory"' in head  # the footer of every page


def test_how_this_report_was_made_lists_parameters_but_no_secret(nb, html):
    made = html.split('class="sk-appendix"', 1)[1]
    assert "How this report was made" in made and "socialkit" in made
    assert re.findall(r"<tr><td>(.*?)</td><td[^>]*>(.*?)</td></tr>", made) == [("weeks", "6")]
    assert SECRET not in html and "api_token" not in made


def test_accent_colour_and_logo_are_checked(nb):
    page = notebook_to_html(nb, title="t", accent="#8a1538", logo="data:image/png;base64,iVBORw0KGgo=")
    assert "--sk-accent: #8a1538" in page and 'class="sk-logo" src="data:image/png;base64,' in page
    with pytest.raises(ParameterError, match="accent_colour"):
        notebook_to_html(nb, title="t", accent="red; } body { display:none")
    with pytest.raises(ParameterError, match="data: URI"):
        notebook_to_html(nb, title="t", logo="https://example.org/logo.png")


def test_table_of_contents_from_markdown_headings(html):
    assert table_of_contents(html) == [(2, "Reach-by-channel", "Reach by channel"), (3, "Data-sources", "Data sources"),
                                       (2, "Next-steps", "Next steps")]
    nav = re.search(r'<nav[^>]*class="sk-toc".*?</nav>', html, flags=re.S).group(0)
    assert re.findall(r'href="#([^"]+)"', nav) == ["Reach-by-channel", "Data-sources", "Next-steps"]
    for anchor in ("Reach-by-channel", "Data-sources", "Next-steps"):
        assert f'id="{anchor}"' in _main(html)
    # the notebook's own title heading is not repeated under the title block
    assert "<h1" not in _main(html)


def test_no_contents_box_without_headings():
    page = notebook_to_html(_svg_nb("<svg/>"), title="Charts")
    assert "sk-toc" not in page.split("</head>")[1]


def test_chart_is_inline_vector_svg(nb, html):
    main = _main(html)
    assert main.count("<svg") == 1
    assert "data:image/svg+xml" not in main and "<img" not in main
    assert 'viewBox="0 0 662 376"' in main  # kept byte for byte, not lower-cased by the HTML parser
    assert 'fill="#E69F00"' in main


def test_svg_ids_are_unique_per_chart():
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><defs><clipPath id="clip1"><rect width="5" '
           'height="5"/></clipPath></defs><g clip-path="url(#clip1)"><use href="#clip1"/></g>'
           '<script>alert(1)</script><rect onclick="x()" width="1" height="1"/></svg>')
    main = _main(notebook_to_html(_svg_nb(svg, svg), title="Charts"))
    assert re.findall(r'id="([^"]+)"', main.split("</svg>")[0])[-1] == "sk1-clip1"
    assert 'id="sk2-clip1"' in main and "url(#sk2-clip1)" in main and 'href="#sk2-clip1"' in main
    assert 'id="clip1"' not in main and "<script" not in main and "onclick" not in main


def test_offline_html_removes_remote_loads_and_keeps_links():
    page = ('<link rel="stylesheet" href="https://cdn.example.org/x.css"><style>@import url("https://x.org/a.css");'
            'body{background:url(https://x.org/bg.png)}</style><script src="https://cdn.example.org/vega.js"></script>'
            '<script>fetch("https://x.org")</script><img src="https://x.org/logo.png" alt="logo">'
            '<iframe src="//x.org/embed"></iframe><svg><image href="https://x.org/i.png"/></svg>'
            '<img src="data:image/png;base64,AAAA"><a href="https://example.org/docs">docs</a>'
            '<img alt="chart" SRCSET="https://x.org/big.png 2x"><svg onload="fetch(1)"></svg>'
            '<a href="JavaScript:fetch(2)">x</a>')
    out = offline_html(page)
    assert "fetch(" not in out and "javascript:" not in out.lower() and "srcset" not in out.lower()
    assert "x.org" not in out and "cdn.example.org" not in out and "<script" not in out
    assert '<a href="https://example.org/docs">docs</a>' in out
    assert 'src="data:image/png;base64,AAAA"' in out
    assert "remote image not included" in out


# --------------------------------------------------------------------------- files


def test_export_html_writes_next_to_the_notebook(tmp_path):
    src = tmp_path / "report.ipynb"
    shutil.copyfile(FIXTURE, src)
    out = export_notebook(src, to="html")
    assert out == tmp_path / "report.html"
    text = out.read_text(encoding="utf-8")
    assert SECRET not in text and "<h1 class=\"sk-title-heading\">Engagement snapshot</h1>" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "report.ipynb"]  # no temp files left
    custom = export_notebook(src, to="html", out=tmp_path / "sub" / "x.html", title="Custom").read_text(encoding="utf-8")
    assert re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", custom) == [("Date", "2026-11-24")]
    assert "<h1 class=\"sk-title-heading\">Custom</h1>" in custom and "engagement_snapshot" in custom.split("<section class=\"sk-appendix\">")[1]


def test_export_of_a_notebook_without_papermill_record(tmp_path):
    src = tmp_path / "charts_only.ipynb"
    nbformat.write(_svg_nb('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'), src)
    page = export_notebook(src, to="html").read_text(encoding="utf-8")
    items = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", page))
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", items["Date"]) and "<code>charts_only</code>" in page
    assert '<h1 class="sk-title-heading">Charts</h1>' in page


def test_export_rejects_bad_arguments(tmp_path):
    src = tmp_path / "report.ipynb"
    shutil.copyfile(FIXTURE, src)
    with pytest.raises(ParameterError, match="'to' parameter.*Got 'docx'"):
        export_notebook(src, to="docx")
    with pytest.raises(ParameterError, match="must differ from the notebook"):
        export_notebook(src, to="html", out=src)
    with pytest.raises(InputFileError, match="notebook not found"):
        export_notebook(tmp_path / "missing.ipynb", to="html")
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputFileError, match="not a readable notebook"):
        export_notebook(bad, to="html")


# --------------------------------------------------------------------------- PDF


def _pdf_text(path: Path) -> str:
    import pypdf

    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(path).pages)


def _drawing_ops_and_images(path: Path) -> tuple[int, int]:
    """Path-painting operators and raster images on page 1, Form XObjects included."""
    import pypdf

    page = pypdf.PdfReader(path).pages[0]
    ops, images, seen = 0, 0, set()

    def walk(content, resources):
        nonlocal ops, images
        data = content.get_data().decode("latin-1") if hasattr(content, "get_data") else ""
        ops += len(re.findall(r"(?<![\w/])(?:re|f\*?|B\*?|S)(?=\s)", data))
        for obj in (resources or {}).get("/XObject", {}).values():
            obj = obj.get_object()
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            if obj.get("/Subtype") == "/Image":
                images += 1
            elif obj.get("/Subtype") == "/Form":
                walk(obj, obj.get("/Resources"))

    walk(page.get_contents(), page["/Resources"])
    return ops, images


def _orange_pixels(path: Path, tmp_path: Path) -> tuple[int, int]:
    """(pixels of the chart's orange bar, non-white pixels) on page 1 rendered at 50 dpi."""
    from PIL import Image

    subprocess.run([PDFTOPPM, "-png", "-r", "50", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
                   check=True, timeout=60)
    px = _orange_mask(next(tmp_path.glob("page*.png")))
    return int(px[0].sum()), int(px[1].sum())


def _orange_mask(png: Path):
    """(mask of orange pixels, mask of non-white pixels) of a rendered page."""
    import numpy as np
    from PIL import Image

    rgb = np.asarray(Image.open(png).convert("RGB")).astype(int)
    orange = (np.abs(rgb - np.array(ORANGE)) <= 40).all(axis=2)
    return orange, rgb.min(axis=2) < 235


@pytest.mark.parametrize("engine", ["weasyprint", pytest.param("chromium", marks=needs_chromium)])
def test_pdf_has_the_text_and_no_secret(pdfs, engine):
    text = _pdf_text(pdfs[engine])
    assert "Engagement snapshot" in text and "Reach by channel" in text and "Next steps" in text
    assert SECRET not in text and "[secret]" in text
    assert "alt.Chart" not in text and "weeks = 6" not in text
    assert pdfs[engine].read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("engine", ["weasyprint", pytest.param("chromium", marks=needs_chromium)])
def test_pdf_chart_is_vector_and_visible(pdfs, engine, tmp_path):
    ops, images = _drawing_ops_and_images(pdfs[engine])
    assert images == 0  # nothing rasterised: the chart is drawn with vector operators
    assert ops >= 20  # bars, grid lines, ticks, legend swatches
    if PDFTOPPM is None:
        pytest.skip("pdftoppm is not installed: `sudo apt-get install poppler-utils`")
    orange, ink = _orange_pixels(pdfs[engine], tmp_path)
    assert orange >= 150  # the LinkedIn bar is ~40 x 23 px at 50 dpi
    assert ink >= 2000


@pytest.mark.parametrize("engine", ["weasyprint", pytest.param("chromium", marks=needs_chromium)])
def test_wide_chart_is_scaled_to_the_page_width(engine, tmp_path):
    if PDFTOPPM is None:
        pytest.skip("pdftoppm is not installed: `sudo apt-get install poppler-utils`")
    wide = ('<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="400" viewBox="0 0 1600 400">'
            '<rect width="1600" height="400" fill="#E69F00"/></svg>')
    pdf = html_to_pdf(notebook_to_html(_svg_nb(wide), title="Wide"), tmp_path / "wide.pdf", engine=engine)
    subprocess.run([PDFTOPPM, "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=60)
    orange, _ = _orange_mask(next(tmp_path.glob("page*.png")))
    cols, rows = orange.any(axis=0).nonzero()[0], orange.any(axis=1).nonzero()[0]
    width, height = cols[-1] - cols[0] + 1, rows[-1] - rows[0] + 1
    page_width = orange.shape[1]
    assert cols[0] >= 0.04 * page_width and cols[-1] <= 0.96 * page_width  # inside the margins, not cut off
    assert width >= 0.75 * page_width  # scaled down to the text width, not shrunk to nothing
    assert abs(width / height - 4) < 0.3  # aspect ratio kept


def test_unknown_engine_names_the_registered_ones(tmp_path):
    with pytest.raises(EngineUnavailableError, match="(?s)'chromum' is not registered.*use engine='chromium'") as err:
        html_to_pdf("<p>x</p>", tmp_path / "x.pdf", engine="chromum")
    assert err.value.engine == "chromum"
    assert not list(tmp_path.iterdir())


def test_missing_chromium_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.delenv("SOCIALKIT_CHROMIUM", raising=False)
    monkeypatch.setattr(export.shutil, "which", lambda name: None)
    with pytest.raises(ExportError, match=r"(?s)PDF engine 'chromium'.*none was found.*sudo apt-get install chromium"):
        html_to_pdf("<p>x</p>", tmp_path / "x.pdf", engine="chromium")
    assert not list(tmp_path.iterdir())  # no half-written PDF


def test_bogus_chromium_path_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("SOCIALKIT_CHROMIUM", str(tmp_path / "no-such-browser"))
    with pytest.raises(EngineUnavailableError, match=r"SOCIALKIT_CHROMIUM=.*no-such-browser is not an executable"):
        html_to_pdf("<p>x</p>", tmp_path / "x.pdf", engine="chromium")


def test_missing_weasyprint_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "weasyprint", None)  # makes `import weasyprint` fail
    with pytest.raises(EngineUnavailableError, match=r"(?s)'weasyprint' cannot be imported.*pip install weasyprint"):
        html_to_pdf("<p>x</p>", tmp_path / "x.pdf", engine="weasyprint")
    assert not (tmp_path / "x.pdf").exists()


def _fake_browser(tmp_path: Path, body: str) -> Path:
    exe = tmp_path / "fake-chromium"
    exe.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    exe.chmod(0o755)
    return exe


@pytest.fixture(params=["kept running", "one run per report"])
def chromium_mode(request, monkeypatch):
    """The chromium engine both ways: a browser kept running (Playwright) and, without Playwright,
    one --print-to-pdf run per report."""
    if request.param == "one run per report":
        monkeypatch.setattr(export.browser, "available", lambda: False)
    yield request.param
    export.browser.close_all()  # no fake browser outlives its test


def test_chromium_is_stopped_after_the_timeout(tmp_path, monkeypatch, chromium_mode):
    monkeypatch.setenv("SOCIALKIT_CHROMIUM", str(_fake_browser(tmp_path, "sleep 30")))
    start = time.monotonic()
    expected = "did not finish within 1 s" if chromium_mode == "one run per report" else \
        r"could not start .*fake-chromium \(TimeoutError.*Timeout 1000ms exceeded"
    with pytest.raises(ExportError, match=expected):
        html_to_pdf("<p>x</p>", tmp_path / "out" / "x.pdf", engine="chromium", timeout=1)
    assert time.monotonic() - start < 10
    assert not (tmp_path / "out" / "x.pdf").exists()


def test_chromium_failure_shows_its_error(tmp_path, monkeypatch, chromium_mode):
    monkeypatch.setenv("SOCIALKIT_CHROMIUM", str(_fake_browser(tmp_path, "echo 'cannot open display' >&2; exit 3")))
    expected = r"(?s)exited with code 3 and wrote no PDF.*cannot open display" if chromium_mode == "one run per report" \
        else r"could not start .*fake-chromium .*: cannot open display\."
    with pytest.raises(ExportError, match=expected):
        html_to_pdf("<p>x</p>", tmp_path / "x.pdf", engine="chromium")


@needs_chromium
def test_a_kept_running_chromium_prints_every_report_in_one_browser_with_no_network(tmp_path):
    """Two reports through one browser (started once) and one page, the second replacing the first;
    a page that names a URL on a local server gets nothing from it: the network is off."""
    import http.server
    import threading

    hits, connections = [], []

    class Handler(http.server.BaseHTTPRequestHandler):
        timeout = 5  # a connection that sends nothing is dropped, so the server always stops

        def do_GET(self):  # noqa: N802 - the standard library's name
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    class Server(http.server.HTTPServer):
        def verify_request(self, request, client_address):
            connections.append(client_address)  # any connection at all, even one that asks for nothing
            return True

    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        page = (f'<html><head><link rel="stylesheet" href="{url}/style.css"></head><body><p>Report one</p>'
                f'<img src="{url}/pixel.png"><iframe src="{url}/frame"></iframe></body></html>')
        first = html_to_pdf(page, tmp_path / "one.pdf", engine="chromium")
        exe = export.chromium_executable()
        running, printing = export.browser.printer(exe)._browser, export.browser.printer(exe)._printing
        second = html_to_pdf(page.replace("Report one", "Report two"), tmp_path / "two.pdf", engine="chromium")
        assert export.browser.printer(exe)._browser is running and running.is_connected()  # the same browser
        assert export.browser.printer(exe)._printing is printing  # and the same page
    finally:
        server.shutdown()
    assert hits == [] and connections == []
    assert "Report one" in _pdf_text(first) and "Report two" in _pdf_text(second)
    assert "Report one" not in _pdf_text(second)  # nothing of the previous report is left in the page


def test_auto_uses_chromium_when_installed_and_weasyprint_otherwise(tmp_path, monkeypatch):
    used = []
    monkeypatch.setattr(export, "PDF_ENGINES", dict(export.PDF_ENGINES))
    monkeypatch.setattr(export, "chromium_pdf", lambda html, out, timeout: used.append("chromium") or out.write_bytes(b"%PDF-1.4"))
    monkeypatch.setattr(export, "weasyprint_pdf", lambda html, out, timeout: used.append("weasyprint") or out.write_bytes(b"%PDF-1.4"))
    monkeypatch.setenv("SOCIALKIT_CHROMIUM", str(_fake_browser(tmp_path, "exit 0")))
    html_to_pdf("<p>x</p>", tmp_path / "a.pdf")  # auto is the default
    monkeypatch.delenv("SOCIALKIT_CHROMIUM")
    monkeypatch.setattr(export.shutil, "which", lambda name: None)
    html_to_pdf("<p>x</p>", tmp_path / "b.pdf", engine="auto")
    assert used == ["chromium", "weasyprint"]


def test_register_a_pdf_engine(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "PDF_ENGINES", dict(export.PDF_ENGINES))
    calls = []

    @register_pdf_engine("stub")
    def stub(html, out_path, *, timeout):
        calls.append((html, timeout))
        Path(out_path).write_bytes(b"%PDF-1.7 stub")

    @register_pdf_engine("broken")
    def broken(html, out_path, *, timeout):
        Path(out_path).write_bytes(b"%PDF-1.7 half")
        raise ExportError("broken engine")

    assert set(export.PDF_ENGINES) == {"auto", "weasyprint", "chromium", "stub", "broken"}
    out = html_to_pdf("<p>hi</p>", tmp_path / "a.pdf", engine="stub", timeout=5)
    assert out.read_bytes() == b"%PDF-1.7 stub" and calls == [("<p>hi</p>", 5)]
    with pytest.raises(ExportError, match="broken engine"):
        html_to_pdf("<p>hi</p>", tmp_path / "b.pdf", engine="broken")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf"]  # atomic: nothing half-written


def test_contents_do_not_number_headings_twice():
    import nbformat as nbf

    from socialkit.export import notebook_to_html

    def page(*headings):
        nb = nbf.v4.new_notebook(cells=[nbf.v4.new_markdown_cell(f"## {h}") for h in headings])
        return notebook_to_html(nb, title="T")

    assert 'class="sk-numbered"' in page("1. The survey", "2. How many segments?")
    assert 'class="sk-numbered"' not in page("At a glance", "Key findings")
