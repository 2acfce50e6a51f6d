"""Charts of reports drawn by the running Chromium, with vl-convert as the fallback."""

import re
import shutil

import altair as alt
import nbformat
import pandas as pd
import pytest

from socialkit import browser, charts, export

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed: `sudo apt-get install "
                                    "chromium` (Debian/Ubuntu; `make test` installs it)")


def _specs() -> list[dict]:
    """Two charts shaped like the reports': long category labels, and dates on a time axis."""
    labels = pd.DataFrame({"initiative": ["Customer service on Instagram", "Recruiting through LinkedIn posts",
                                          "Product ideas from the community forum", "Memorial pages"],
                           "score": [0.82, 0.41, 0.67, 0.15]})
    weeks = pd.DataFrame({"week": pd.date_range("2025-10-06", periods=8, freq="W-MON"),
                          "rate": [0.021, 0.025, 0.019, 0.03, 0.028, 0.033, 0.026, 0.031]})
    with alt.theme.enable(charts.THEME):
        return [alt.Chart(labels, title="Value by initiative").mark_bar().encode(
                    x=alt.X("score:Q", axis=alt.Axis(format="%")), y=alt.Y("initiative:N", sort="-x")).to_dict(),
                alt.Chart(weeks).mark_line(point=True).encode(x="week:T", y="rate:Q").to_dict()]


def _size(svg: str) -> tuple[float, float]:
    head = re.search(r"<svg[^>]*>", svg).group(0)
    return float(re.search(r'width="([\d.]+)"', head).group(1)), float(re.search(r'height="([\d.]+)"', head).group(1))


def _texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


@needs_chromium
def test_the_browser_draws_what_vl_convert_draws():
    specs = _specs()
    drawn = export.chart_drawer()(specs)
    assert len(drawn) == 2
    for spec, svg in zip(specs, drawn):
        reference = charts._draw(spec)["image/svg+xml"]
        assert svg.lstrip().startswith("<svg") and 'class="marks"' in svg
        assert _texts(svg) == _texts(reference)  # every label, title and tick, in the same order
        (w, h), (rw, rh) = _size(svg), _size(reference)
        assert h == rh and abs(w - rw) <= 0.02 * rw  # text is measured by each engine's own font code
        assert "DejaVu Sans" in svg  # the house font, as the theme says
    assert "Customer service on Instagram" in drawn[0] and "Oct" in "".join(_texts(drawn[1]))


@needs_chromium
def test_a_chart_the_browser_cannot_draw_is_left_to_vl_convert():
    good = _specs()[0]
    drawn = export.chart_drawer()([{"mark": "no-such-mark"}, good])
    assert drawn[0] is None and drawn[1].lstrip().startswith("<svg")


def _notebook(specs: list[dict]):
    outputs = [{"output_type": "display_data", "metadata": {}, "data": {charts.DEFERRED_MIME: {"spec": s}}}
               for s in specs]
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("charts", outputs=outputs)])


def test_render_deferred_uses_the_drawer_for_vector_charts_and_vl_convert_for_the_rest():
    bars, line = _specs()
    dense = charts.rasterised(alt.Chart(pd.DataFrame({"x": range(50), "y": range(50)})).mark_point()
                              .encode(x="x:Q", y="y:Q")).to_dict()
    asked = []

    def drawer(specs):
        asked.append(specs)
        return ["<svg>from the drawer</svg>", None]  # the second one it could not draw

    nb = _notebook([bars, dense, line])
    assert charts.render_deferred(nb, draw_svgs=drawer) == 3
    assert asked == [[bars, line]]  # rasterised charts are never sent to the drawer
    first, second, third = (o["data"] for o in nb.cells[0].outputs)
    assert first == {"image/svg+xml": "<svg>from the drawer</svg>"}
    assert "image/png" in second
    assert third["image/svg+xml"].lstrip().startswith("<svg") and "from the drawer" not in third["image/svg+xml"]
    nbformat.validate(nb)


def test_a_failing_drawer_leaves_every_chart_to_vl_convert():
    def drawer(specs):
        raise RuntimeError("the browser went away")

    nb = _notebook(_specs())
    assert charts.render_deferred(nb, draw_svgs=drawer) == 2
    assert all(o["data"]["image/svg+xml"].lstrip().startswith("<svg") for o in nb.cells[0].outputs)


def test_vl_convert_can_be_chosen_and_is_used_without_a_browser(monkeypatch):
    monkeypatch.setenv("SOCIALKIT_CHARTS", "vl-convert")
    assert export.chart_drawer() is None
    monkeypatch.delenv("SOCIALKIT_CHARTS")
    monkeypatch.setattr(browser, "available", lambda: False)
    assert export.chart_drawer() is None


def test_the_vega_bundle_is_made_once_and_kept_in_the_cache_folder(tmp_path, monkeypatch):
    import vl_convert as vlc

    made = []
    real = vlc.javascript_bundle
    monkeypatch.setattr(vlc, "javascript_bundle", lambda *a, **k: made.append(1) or real(*a, **k))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = browser.vega_bundle()
    second = browser.vega_bundle()
    assert first == second and "window.socialkitEmbed" in first
    assert made == [1]
    (cached,) = (tmp_path / "socialkit").glob("vega-bundle-*.js")
    assert alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0] in cached.name


def test_the_browser_is_started_for_drawing_only_where_it_prints_pdfs(monkeypatch):
    class FakePrinter:
        running = False

        def svgs(self, specs):
            return [None] * len(specs)

    fake = FakePrinter()
    monkeypatch.setattr(browser, "available", lambda: True)
    monkeypatch.setattr(browser, "printer", lambda exe: fake)
    monkeypatch.setattr(export, "chromium_executable", lambda: "/usr/bin/chromium")
    assert export.chart_drawer(start=False) is None  # no browser running: vl-convert draws
    assert export.chart_drawer() == fake.svgs  # a process that prints PDFs starts it
    fake.running = True
    assert export.chart_drawer(start=False) == fake.svgs  # running already: it draws
    assert export.prints_in_browser("auto") and export.prints_in_browser("chromium")
    assert not export.prints_in_browser("weasyprint")


@needs_chromium
def test_a_warmed_printer_has_its_browser_and_pages_ready_before_the_first_chart():
    printer = browser.Printer(CHROMIUM)
    try:
        printer.warm()  # returns at once; the browser starts in the printer's thread
        printer._thread.submit(lambda: None).result(timeout=120)  # the warm-up ran before this
        assert printer.running and printer._drawing is not None and printer._printing is not None
        svg, _ = printer.svgs(_specs())
        assert svg.startswith("<svg") and "Value by initiative" in _texts(svg)
    finally:
        printer.close()


def test_a_printer_that_cannot_start_says_so_on_its_first_real_call_not_while_warming(tmp_path):
    missing = str(tmp_path / "no-chromium")
    printer = browser.Printer(missing)
    try:
        printer.warm()
        printer._thread.submit(lambda: None).result(timeout=120)
        assert not printer.running
        with pytest.raises(export.EngineUnavailableError, match="could not start"):
            printer.pdf("<html><body>x</body></html>", timeout=30)
    finally:
        printer.close()


def test_batch_workers_warm_the_browser_only_when_they_print_pdfs_with_it(monkeypatch, tmp_path):
    from socialkit import batch

    monkeypatch.setattr(browser, "available", lambda: True)
    monkeypatch.setattr(export, "chromium_executable", lambda: "/usr/bin/chromium")

    def jobs(export_, engine):
        return batch.jobs_from_spec({"run": "w", "export": export_, "pdf_engine": engine, "notebooks": ["01_social_business_venn"],
                                     "brands": ["summit_outfitters"]}, reports_dir=tmp_path)

    assert batch.browser_wanted(jobs(["html", "pdf"], "chromium")) and batch.browser_wanted(jobs(["pdf"], "auto"))
    assert not batch.browser_wanted(jobs(["html"], "chromium"))  # no PDF: vl-convert draws, no browser
    assert not batch.browser_wanted(jobs(["html", "pdf"], "weasyprint"))
    monkeypatch.setattr(browser, "available", lambda: False)  # no Playwright: nothing to warm
    assert not batch.browser_wanted(jobs(["html", "pdf"], "chromium"))


def test_shared_schema_tables_build_the_same_chart_specs_as_altair_own(monkeypatch):
    """The kit shares Altair's table of schema classes between encode() calls (charts._speed_up_altair):
    the kit's charts come out the same as with Altair building the table every time."""
    from altair.utils import schemapi

    from socialkit import config, depth, io, metrics, venn
    from socialkit.charts import depth as depth_charts
    from socialkit.charts import metrics as metric_charts
    from socialkit.charts import venn as venn_charts

    assert charts.FAST_CHARTS and schemapi._FromDict.__init__._socialkit_shared
    brand = "northbridge_advisory"
    posts = io.load(config.sample_path(brand, "posts"), "posts", defaults={"channel": "all channels"})
    result = venn.analyse(io.load(config.sample_path(brand, "initiatives"), "initiatives"))
    assessed = depth.assess(io.load(config.sample_path(brand, "assessment"), "assessment"),
                            io.load(config.sample_path(brand, "readiness"), "readiness"))

    def specs():
        made = [venn_charts.venn_chart(result), venn_charts.upset_chart(result), venn_charts.norm_audience_chart(result),
                depth_charts.depth_chart(assessed.functions), metric_charts.ladder_chart(metrics.ladder_coverage(posts)),
                metric_charts.rates_chart(metrics.rates(posts, by="channel")),
                alt.Chart(pd.DataFrame({"a": [0.5]})).mark_point().encode(
                    x=alt.X("a:Q", title="a"), tooltip=["a:Q", alt.Tooltip("a:Q", format=".0%")])]
        with alt.theme.enable(charts.THEME):
            return [c.to_dict() for c in made]

    shared = specs()
    monkeypatch.setattr(schemapi._FromDict, "__init__", schemapi._FromDict.__init__._socialkit_original)
    assert specs() == shared
