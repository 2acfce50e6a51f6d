"""What a local batch's worker has ready before its first report.

Imported once by the process the workers are forked from (multiprocessing's fork server, see
:class:`socialkit.batch.LocalEngine`), so that no worker spends its first report, or the index
page's brand comparison at the end of the batch, importing and reading the same things: the batch
and exporters (nbconvert, Altair, Great Tables, Playwright), and the kit tables the comparison
reads, validated and cached (:func:`socialkit.tables.load`). Nothing here starts a browser, a
kernel or a thread of the kit's: a fork would copy none of them (each worker starts its own).
"""

from __future__ import annotations

# this module exists for its imports: each one is work a worker would otherwise do on first use
import playwright.sync_api  # noqa: F401

from . import batch, compare, export, present, tables  # noqa: F401
from .charts import venn  # noqa: F401

#: The kit tables a worker reads (the comparison's class thresholds and the tables' column labels).
TABLES = ("venn_thresholds", "labels")

for _name in TABLES:
    try:
        tables.load(_name)
    except Exception:  # a broken table is reported by the report that reads it
        pass
