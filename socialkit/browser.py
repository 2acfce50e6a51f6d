"""A Chromium kept running to print reports to PDF.

Starting a browser costs about a second; printing a report in a running one costs a few tenths of
a second (a chart-heavy report prints in under a second, where WeasyPrint takes several). So each
process that prints keeps one headless Chromium (Debian's, never a downloaded one) and prints every
report through it, driven by Playwright. The browser lives in its own thread, so printing works
the same from a batch worker, the command line or a running notebook (which has an event loop of
its own), and it is stopped when the process exits.

Each report is printed in a fresh browser context (no cookies, cache or storage shared between two
reports) with JavaScript off and the network off: a report is a self-contained page (see
:func:`socialkit.export.offline_html`), and nothing it names can be fetched.
"""

from __future__ import annotations

import atexit
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from .exceptions import EngineUnavailableError, ExportError

#: Flags for Debian's Chromium running headless, as root if need be, with no network of its own.
FLAGS = ("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-dev-shm-usage",
         "--hide-scrollbars")


class Printer:
    """One headless Chromium, started on first use, printing HTML pages to PDF bytes one at a time."""

    def __init__(self, executable: str):
        self.executable = executable
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="socialkit-printer")
        self._playwright: Any = None
        self._browser: Any = None

    def _ensure(self, timeout: float) -> None:  # runs in the printer's thread
        if self._browser is not None and self._browser.is_connected():
            return
        self._stop()
        from playwright.sync_api import sync_playwright  # the browser driver loads only when a PDF is printed

        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(executable_path=self.executable, args=list(FLAGS),
                                                             timeout=min(timeout, 60) * 1000)
        except Exception as exc:
            self._stop()
            lines = str(exc).strip().splitlines()
            said = list(dict.fromkeys(line.split("[err]", 1)[1].strip() for line in lines if "[err]" in line))[-3:]
            raise EngineUnavailableError("chromium", f"could not start {self.executable} ({type(exc).__name__}: "
                                         f"{lines[0] if lines else ''})" + (": " + " / ".join(said) if said else "")
                                         + ".",
                                         fix="check that the Debian package chromium is installed and runs "
                                             "(`chromium --headless --version`), or use engine='weasyprint'") from exc

    def _print(self, html: str, timeout: float) -> bytes:  # runs in the printer's thread
        self._ensure(timeout)
        context = self._browser.new_context(offline=True, java_script_enabled=False)
        try:
            context.set_default_timeout(timeout * 1000)
            page = context.new_page()
            page.set_content(html, wait_until="load")
            return page.pdf(prefer_css_page_size=True, print_background=True)
        finally:
            context.close()

    def pdf(self, html: str, *, timeout: float = 120) -> bytes:
        """The PDF of ``html`` (a complete page), printed with the page's own CSS page size and margins."""
        job = self._thread.submit(self._print, html, timeout)
        try:
            return job.result(timeout=timeout + 30)
        except (EngineUnavailableError, ExportError):
            raise
        except FutureTimeout:
            self.close()  # a browser that does not answer is replaced on the next report
            raise ExportError(f"PDF engine 'chromium' did not finish within {timeout:g} s and was stopped; pass a "
                              "larger timeout, or use engine='weasyprint'") from None
        except Exception as exc:  # Playwright's errors: the page, the browser or the driver
            self._thread.submit(self._stop)
            raise ExportError(f"PDF engine 'chromium' failed to print the report ({type(exc).__name__}: "
                              f"{str(exc).splitlines()[0] if str(exc) else ''})",
                              fix="try again (the browser is restarted), or use engine='weasyprint'") from exc

    def _stop(self) -> None:  # runs in the printer's thread
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
