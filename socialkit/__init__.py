"""socialkit: social strategy analysis for analysts, in JupyterLab, in batch and in reports."""

from __future__ import annotations

import importlib
import logging
import sys

# jsonschema (imported by nbformat and altair) imports the optional package rfc3987_syntax when it is
# installed (JupyterLab's jupyter-events brings it) only to check strings of the "iri" format, and
# that import compiles a grammar: 1.2-1.5 s of CPU in every process that imports the kit (each
# command, batch worker, kernel zygote and kernel). No schema the kit validates (notebooks, Vega-Lite,
# data contracts) has an "iri" format, so the kit's processes go without it. A process that imported
# jsonschema before the kit keeps it.
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

from .exceptions import SocialKitError  # noqa: E402 (after the line above, which must come first)

__version__ = "0.1.0"
__all__ = ["SocialKitError", "__version__", "setup_notebook"]

_SUBMODULES = {"activation", "batch", "charts", "compare", "config", "contracts", "depth", "execute", "export",
               "figures", "files", "findings", "functions", "history", "index", "io", "kernels", "kpi", "ladder",
               "metrics", "norms", "panels", "params", "paths", "periods", "practices", "present", "records", "report",
               "samples", "schemas", "secrets", "segments", "summary", "tables", "text", "venn", "workspace"}


def __getattr__(name: str):
    """``sk.venn``, ``sk.io`` ... import on first use, so ``import socialkit as sk`` stays fast."""
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'socialkit' has no attribute {name!r}")


def quiet_library_warnings() -> None:
    """Keep libraries' warnings (pandas, scikit-learn, Altair ...) out of notebook outputs and reports:
    they are routed to the ``py.warnings`` logger, which writes nowhere unless the analyst configures
    logging. What the kit itself has to say about the data is written as findings for people."""
    logging.captureWarnings(True)
    logger = logging.getLogger("py.warnings")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())
    logger.propagate = False


def setup_notebook(namespace, notebook: str):
    """First call of every notebook: validate its parameters (from ``globals()``) and set up charts.

    Returns the validated parameters as a dict, plus ``interactive`` resolved to a bool.
    """
    # altair, Great Tables and the parameter machinery load here, not on `import socialkit`
    # (the command line stays fast)
    from . import present, records
    from .charts import use_rendering
    from .params import check_parameters, is_interactive, organisation

    params = check_parameters(namespace, notebook)
    records.reset()
    params["interactive"] = is_interactive(params.get("interactive", "auto"))
    quiet_library_warnings()
    org = organisation(params)
    params["organisation"] = org.name
    if "timezone" in params and not params["timezone"]:
        params["timezone"] = org.timezone or "UTC"  # the brand's reporting time zone, else UTC
    present.use(currency=org.currency)
    records.record("organisation", org.name)
    for name in ("accent_colour", "logo", "currency"):
        if getattr(org, name):
            records.record(name, getattr(org, name))
    use_rendering("interactive" if params["interactive"] else "static")
    return params
