"""A Chromium kept running to print reports to PDF and to draw their charts.

Starting a browser costs about a second; printing a report in a running one costs a few tenths of
a second (a chart-heavy report prints in under a second, where WeasyPrint takes several). So each
process that prints keeps one headless Chromium (Debian's, never a downloaded one) and prints every
report through it, driven by Playwright. The browser lives in its own thread, so printing works
the same from a batch worker, the command line or a running notebook (which has an event loop of
its own), and it is stopped when the process exits.

Reports are printed in one page of their own browser context, with JavaScript off and the network
off: a report is a self-contained page (see :func:`socialkit.export.offline_html`), nothing it names
can be fetched, and with no script and no network a report cannot leave cookies or storage behind
for the next. Each report replaces the previous one in that page (opening a fresh context and page
for every report started a new renderer process, 0.2-0.3 s a report); the page is replaced after
:data:`REFRESH_PRINTING_AFTER` reports and after any failure.

The same browser draws a report's charts (:meth:`Printer.svgs`): one page, offline, holds the
Vega, Vega-Lite and Vega-Embed scripts that vl-convert bundles (the versions Altair writes, no
CDN), and turns each chart's Vega-Lite spec into the SVG Vega itself writes. That is the drawing
vl-convert does, about three times faster: vl-convert 1.9 maps the font file again for every piece
of text it measures (about 250 times for a chart with 200 labels), where the browser measures text
with fonts it has loaded once. A chart the browser cannot draw is left to vl-convert.
"""

from __future__ import annotations

import atexit
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from . import files
from .exceptions import EngineUnavailableError, ExportError

#: Flags for Debian's Chromium running headless, as root if need be, with no network of its own.
#: Every connection goes to a proxy on a port where nothing listens, the machine's own addresses
#: included (``<-loopback>``): the contexts are offline already, but Chromium may still open a
#: connection to a host a page names before the offline rule refuses the request.
NO_NETWORK = ("--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>")
FLAGS = ("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-dev-shm-usage",
         "--hide-scrollbars", *NO_NETWORK)


class Printer:
    """One headless Chromium, started on first use, printing HTML pages to PDF bytes one at a time."""

    def __init__(self, executable: str):
        self.executable = executable
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="socialkit-printer")
        self._playwright: Any = None
        self._browser: Any = None
        self._drawing: Any = None  # the page that draws charts (JavaScript on, network off)
        self._printing: Any = None  # the page that prints reports (JavaScript off, network off)
        self._printed = 0
        #: True while a browser started by this printer is up (readable from any thread).
        self.running = False
        self._drawn = 0

    def _ensure(self, timeout: float) -> None:  # runs in the printer's thread
        if self._browser is not None and self._browser.is_connected():
            return
        self._stop()
        from playwright.sync_api import sync_playwright  # the browser driver loads only when a PDF is printed

        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(executable_path=self.executable, args=list(FLAGS),
                                                             timeout=min(timeout, 60) * 1000)
            self.running = True
        except Exception as exc:
            self._stop()
            lines = str(exc).strip().splitlines()
            said = list(dict.fromkeys(line.split("[err]", 1)[1].strip() for line in lines if "[err]" in line))[-3:]
            raise EngineUnavailableError("chromium", f"could not start {self.executable} ({type(exc).__name__}: "
                                         f"{lines[0] if lines else ''})" + (": " + " / ".join(said) if said else "")
                                         + ".",
                                         fix="check that the Debian package chromium is installed and runs "
                                             "(`chromium --headless --version`), or use engine='weasyprint'") from exc

    def _printing_page(self, timeout: float):  # runs in the printer's thread
        self._ensure(timeout)
        if self._printing is not None and not self._printing.is_closed() and self._printed < REFRESH_PRINTING_AFTER:
            return self._printing
        self._close_printing()
        context = self._browser.new_context(offline=True, java_script_enabled=False)
        self._printing, self._printed = context.new_page(), 0
        return self._printing

    def _close_printing(self) -> None:  # runs in the printer's thread
        _close_page(self._printing)
        self._printing = None

    def _print(self, html: str, timeout: float) -> bytes:  # runs in the printer's thread
        page = self._printing_page(timeout)
        page.set_default_timeout(timeout * 1000)
        try:
            page.set_content(html, wait_until="load")  # the new report replaces the previous one
            pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        except BaseException:
            self._close_printing()  # a page that failed once is not used again
            raise
        self._printed += 1
        return pdf

    def pdf(self, html: str, *, timeout: float = 120) -> bytes:
        """The PDF of ``html`` (a complete page), printed with the page's own CSS page size and margins."""
        return self._in_thread(self._print, html, timeout=timeout,
                               late=f"PDF engine 'chromium' did not finish within {timeout:g} s and was stopped; "
                                    "pass a larger timeout, or use engine='weasyprint'",
                               failed="PDF engine 'chromium' failed to print the report",
                               fix="try again (the browser is restarted), or use engine='weasyprint'")

    def warm(self, *, drawing: bool = True, timeout: float = 120) -> None:
        """Start the browser and open its printing page (and with ``drawing`` its chart-drawing page)
        in the background, now, for a process that will print reports soon (a batch worker waiting
        for its first kernel). A failure is left for the first real call to report."""
        def warm_up(timeout: float) -> None:  # runs in the printer's thread
            try:
                if drawing:
                    self._drawing_page(timeout)
                self._printing_page(timeout)
            except Exception:
                self._stop()

        self._thread.submit(warm_up, timeout)

    def _in_thread(self, work, *args: Any, timeout: float, late: str, failed: str, fix: str = "") -> Any:
        """``work(*args, timeout)`` in the printer's thread. A browser that does not answer within the
        time limit is stopped (``late`` says so) and one that fails is restarted on the next call
        (``failed``, with Playwright's first line): both as :class:`ExportError`."""
        job = self._thread.submit(work, *args, timeout)
        try:
            return job.result(timeout=timeout + 30)
        except (EngineUnavailableError, ExportError):
            raise
        except FutureTimeout:
            self.close()  # a browser that does not answer is replaced on the next call
            raise ExportError(late) from None
        except Exception as exc:  # Playwright's errors: the page, the browser or the driver
            self._thread.submit(self._stop)
            first = str(exc).splitlines()[0] if str(exc) else ""
            raise ExportError(f"{failed} ({type(exc).__name__}: {first})", fix=fix) from exc

    def _drawing_page(self, timeout: float):  # runs in the printer's thread
        self._ensure(timeout)
        if self._drawing is not None and not self._drawing.is_closed() and self._drawn < REFRESH_DRAWING_AFTER:
            return self._drawing
        _close_page(self._drawing)
        context = self._browser.new_context(offline=True, java_script_enabled=True)
        context.set_default_timeout(timeout * 1000)
        page = context.new_page()
        page.set_content('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body></body></html>')
        page.add_script_tag(content=vega_bundle(), type="module")
        page.wait_for_function("() => typeof window.socialkitEmbed === 'function'")
        self._drawing, self._drawn = page, 0
        return page

    def _svgs(self, specs: list[dict], timeout: float) -> list[str | None]:  # runs in the printer's thread
        page = self._drawing_page(timeout)
        self._drawn += len(specs)
        return page.evaluate(_DRAW_JS, specs)

    def svgs(self, specs: list[dict], *, timeout: float = 120) -> list[str | None]:
        """The SVG of each Vega-Lite spec (complete specs, data inline), or None for a chart the
        browser could not draw (the caller draws it another way). Raises :class:`ExportError` when
        the browser itself fails."""
        if not specs:
            return []
        return self._in_thread(self._svgs, list(specs), timeout=timeout,
                               late=f"Chromium did not draw {len(specs)} charts within {timeout:g} s and was stopped",
                               failed="Chromium failed to draw the charts")

    def _stop(self) -> None:  # runs in the printer's thread
        self._drawing = self._printing = None
        self.running = False
        for thing, method in ((self._browser, "close"), (self._playwright, "stop")):
            if thing is not None:
                try:
                    getattr(thing, method)()
                except Exception:
                    pass
        self._browser = self._playwright = None

    def close(self) -> None:
        """Stop the browser (the next :meth:`pdf` starts a new one)."""
        try:
            self._thread.submit(self._stop).result(timeout=30)
        except Exception:
            pass


def _close_page(page) -> None:
    """Close a page and its own browser context (nothing to do when there is none or the browser is gone)."""
    if page is not None:
        try:
            page.context.close()
        except Exception:
            pass  # the browser is gone already


#: Charts drawn in one page before it is replaced by a fresh one (keeps its memory bounded).
REFRESH_DRAWING_AFTER = 500
#: Reports printed in one page before it is replaced by a fresh one.
REFRESH_PRINTING_AFTER = 100
#: Draws each spec with Vega-Embed in a detached element (nothing is displayed) and returns Vega's
#: own SVG, or null for a spec that fails (a warning Vega prints is not a failure).
_DRAW_JS = """async (specs) => {
  const out = [];
  for (const spec of specs) {
    try {
      const result = await window.socialkitEmbed(document.createElement("div"), spec,
                                                 {renderer: "none", actions: false});
      out.push(await result.view.toSVG());
      result.finalize();
    } catch (error) {
      out.push(null);
    }
  }
  return out;
}"""


def vega_bundle() -> str:
    """Vega, Vega-Lite (the version Altair writes) and Vega-Embed as one offline script, from
    vl-convert. Bundling takes about a second, so the script is kept in the user's cache folder
    (``$XDG_CACHE_HOME/socialkit``, else ``~/.cache/socialkit``), one file per vl-convert and
    Vega-Lite version. Raises :class:`EngineUnavailableError` when vl-convert has no bundle of
    that Vega-Lite version."""
    import altair as alt  # the chart libraries load only in a process that draws charts
    import vl_convert as vlc  # (it bundles the scripts)

    version = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    if version not in vlc.get_vegalite_versions():
        raise EngineUnavailableError("chromium", f"cannot draw charts: vl-convert {vlc.__version__} has no "
                                     f"Vega-Lite {version} to bundle", fix="update vl-convert-python")
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = os.path.join(cache, "socialkit", f"vega-bundle-{vlc.__version__}-vl{version}.js")
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except OSError:
        pass
    script = vlc.javascript_bundle("window.socialkitEmbed = vegaEmbed;", vl_version=version)
    try:
        files.write_text(path, script)
    except OSError:
        pass  # a folder that cannot be written: bundled again next time
    return script


_PRINTERS: dict[str, Printer] = {}
_LOCK = threading.Lock()


def printer(executable: str) -> Printer:
    """This process's printer for ``executable`` (one browser per executable, started on first use)."""
    with _LOCK:
        if executable not in _PRINTERS:
            _PRINTERS[executable] = Printer(executable)
        return _PRINTERS[executable]


def available() -> bool:
    """True when Playwright (the driver of the warm browser) can be imported."""
    try:
        import playwright.sync_api  # noqa: F401 - only checking that the driver is installed
    except ImportError:
        return False
    return True


@atexit.register
def close_all() -> None:
    """Stop every browser this process started."""
    with _LOCK:
        printers = list(_PRINTERS.values())
        _PRINTERS.clear()
    for p in printers:
        p.close()
        p._thread.shutdown(wait=False)
