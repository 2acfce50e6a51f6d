"""Where the history lives: an embedded DuckDB file, or any database SQLAlchemy reaches.

* A plain path, or a ``duckdb:///path`` URL, is a DuckDB file opened with DuckDB's own Python API
  (duckdb-engine is not used: with duckdb 2.0 it cannot create a table with an integer primary
  key). DuckDB lets one process write a file, or several read it, never both: the writer waits up
  to ``wait`` seconds for readers to finish.
* Any other URL goes through SQLAlchemy; ``postgresql://`` (and ``postgres://``) use psycopg 3.

Every statement is written once, with ``:name`` parameters, and runs on both. Every database error
becomes a :class:`~socialkit.exceptions.HistoryError` that says what happened and how to fix it,
with the password of the URL hidden.
"""

from __future__ import annotations

import os
import re
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence

from ..exceptions import HistoryError

#: Environment variable naming the history database (a path or a SQLAlchemy URL).
ENV = "SOCIALKIT_HISTORY"
_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


def is_duckdb(url: str) -> bool:
    """True for a DuckDB file: a path with no ``scheme://``, or a ``duckdb:`` URL."""
    return "://" not in url or url.startswith("duckdb:")


def duckdb_path(url: str) -> str:
    """The file of a DuckDB url (``duckdb:///reports/history.duckdb`` -> ``reports/history.duckdb``;
    ``duckdb:////abs/h.duckdb`` -> ``/abs/h.duckdb``)."""
    if url.startswith("duckdb:"):
        rest = url[len("duckdb:"):]
        rest = rest[3:] if rest.startswith("///") else rest.lstrip("/")
        return rest.split("?", 1)[0] or ":memory:"
    return url


def shown(url: str) -> str:
    """The URL as messages show it: the password replaced by ``***``."""
    return re.sub(r"(://[^:/@]+:)[^@/]+@", r"\1***@", str(url))


def _sqlalchemy_url(url: str) -> str:
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain):]
    return url


def explain(url: str, exc: BaseException, *, writing: bool) -> HistoryError:
    """A database error as a HistoryError a person can act on."""
    text = " ".join(str(exc).split())
    low = text.lower()
    if "lock" in low and ("conflicting" in low or "could not set" in low):
        return HistoryError(shown(url), f"is in use by another process ({text})",
                            fix="DuckDB lets one process write a history file at a time; wait for the other "
                                "socialkit run (or close the notebook reading it) and store again, or use a "
                                "database server (--history postgresql://...)")
    if any(w in low for w in ("permission denied", "read-only", "read only", "readonly",
                              "insufficient privilege")):
        return HistoryError(shown(url), f"cannot be {'written' if writing else 'read'}: {text}",
                            fix="give the account write access to the history database, or pass --history "
                                "with a database you can write (or --no-history)")
    if any(w in low for w in ("connection refused", "could not connect", "connection failed", "could not translate",
                              "timeout expired", "name or service not known", "no such file or directory",
                              "cannot open file", "unable to open")):
        return HistoryError(shown(url), f"is unreachable: {text}",
                            fix="check the address, that the server runs and the folder exists, or pass "
                                "--history with another database (or --no-history)")
    return HistoryError(shown(url), f"{type(exc).__name__}: {text}")


class Backend:
    """One open connection to the history database, with ``:name`` parameters on every backend."""

    def __init__(self, url: str, *, write: bool, wait: float | None = None):
        """``wait``: seconds to wait for a DuckDB file another process holds (default
        ``SOCIALKIT_HISTORY_WAIT``, else 30 s when writing and 5 s when reading)."""
        if wait is None:
            wait = float(os.environ.get("SOCIALKIT_HISTORY_WAIT") or (30 if write else 5))
        self.url = str(url)
        self.write = write
        self.kind = "duckdb" if is_duckdb(self.url) else "sqlalchemy"
        self._conn: Any = None
        self._engine: Any = None
        try:
            self._open(wait)
        except HistoryError:
            raise
        except Exception as exc:  # any driver error: say what and how to fix it
            raise explain(self.url, exc, writing=write) from exc

    def _open(self, wait: float) -> None:
        if self.kind == "duckdb":
            import duckdb  # the embedded database: loaded only when the history is used

            path = duckdb_path(self.url)
            if path != ":memory:":
                folder = Path(path).parent
                if self.write and not folder.is_dir():
                    if folder.exists():
                        raise HistoryError(shown(self.url), f"is unreachable: {folder} is not a folder",
                                           fix="pass --history with a path in an existing folder")
                    folder.mkdir(parents=True, exist_ok=True)
            deadline = time.monotonic() + wait
            while True:
                try:
                    self._conn = duckdb.connect(path, read_only=not self.write and path != ":memory:")
                    return
                except duckdb.IOException as exc:
                    if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                        raise
                    time.sleep(0.25)
        import sqlalchemy as sa  # a database server: loaded only when one is named

        try:
            self._engine = sa.create_engine(_sqlalchemy_url(self.url), pool_pre_ping=True,
                                            connect_args=_connect_args(self.url))
        except ImportError as exc:
            raise HistoryError(shown(self.url), f"needs a database driver that is not installed ({exc})",
                               fix="install the driver for this database (PostgreSQL: pip install 'psycopg[binary]')"
                               ) from exc
        except sa.exc.ArgumentError as exc:
            raise HistoryError(shown(self.url), f"is not a database URL the kit can read ({exc})",
                               fix="give a path (a DuckDB file) or a SQLAlchemy URL such as "
                                   "postgresql://user:password@host/database") from exc
        self._conn = self._engine.connect()

    # ------------------------------------------------------------------ statements

    def _sql(self, sql: str) -> Any:
        if self.kind == "duckdb":
            return _PARAM.sub(r"$\1", sql)
        import sqlalchemy as sa  # only for a database server (see _open)

        return sa.text(sql)

    @staticmethod
    def _only_used(sql: str, params: dict[str, Any] | None) -> dict[str, Any]:
        """The parameters a statement names (DuckDB refuses extra ones)."""
        used = set(_PARAM.findall(sql))
        return {k: v for k, v in (params or {}).items() if k in used}

    def query(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Rows of a SELECT as dicts."""
        try:
            if self.kind == "duckdb":
                cur = self._conn.execute(self._sql(sql), self._only_used(sql, params))
                names = [d[0] for d in cur.description]
                return [dict(zip(names, row)) for row in cur.fetchall()]
            result = self._conn.execute(self._sql(sql), params or {})
            return [dict(row._mapping) for row in result]
        except HistoryError:
            raise
        except Exception as exc:  # any driver error: say what and how to fix it
            raise explain(self.url, exc, writing=False) from exc

    def execute(self, sql: str, params: dict[str, Any] | Sequence[dict[str, Any]] | None = None) -> None:
        """Run a statement (a list of parameter dicts runs it once per dict)."""
        try:
            if isinstance(params, (list, tuple)):
                if not params:
                    return
                if self.kind == "duckdb":
                    self._conn.executemany(self._sql(sql), [self._only_used(sql, p) for p in params])
                else:
                    self._conn.execute(self._sql(sql), list(params))
            else:
                self._conn.execute(self._sql(sql), self._only_used(sql, params) if self.kind == "duckdb"
                                   else (params or {}))
        except HistoryError:
            raise
        except Exception as exc:  # any driver error: say what and how to fix it
            raise explain(self.url, exc, writing=True) from exc

    @contextmanager
    def transaction(self) -> Iterator["Backend"]:
        """Everything inside is written together or not at all."""
        try:
            if self.kind == "duckdb":
                self._conn.begin()
            elif self._conn.in_transaction():
                self._conn.commit()
        except Exception as exc:  # any driver error: say what and how to fix it
            raise explain(self.url, exc, writing=True) from exc
        try:
            yield self
            self._conn.commit()
        except BaseException as exc:
            try:
                self._conn.rollback()
            except Exception:  # the connection itself failed: nothing more to undo
                pass
            if isinstance(exc, Exception) and not isinstance(exc, HistoryError):
                raise explain(self.url, exc, writing=True) from exc
            raise

    def tables(self) -> set[str]:
        """Names of the tables in the database (its default schema)."""
        try:
            if self.kind == "duckdb":
                rows = self._conn.execute("SELECT table_name FROM information_schema.tables "
                                          "WHERE table_schema = current_schema()").fetchall()
                return {r[0] for r in rows}
            import sqlalchemy as sa  # only for a database server (see _open)

            if self._conn.in_transaction():
                self._conn.commit()
            return set(sa.inspect(self._conn).get_table_names())
        except Exception as exc:  # any driver error: say what and how to fix it
            raise explain(self.url, exc, writing=False) from exc

    def close(self) -> None:
        try:
            if self._conn is not None:
                if self.kind != "duckdb" and self._conn.in_transaction():
                    self._conn.rollback()
                self._conn.close()
            if self._engine is not None:
                self._engine.dispose()
        except Exception:  # closing a broken connection: nothing left to release
            pass
        self._conn = self._engine = None


def _connect_args(url: str) -> dict[str, Any]:
    """A short connection timeout for servers, so an unreachable history fails in seconds."""
    if url.startswith(("postgresql", "postgres:")):
        return {"connect_timeout": int(os.environ.get("SOCIALKIT_HISTORY_TIMEOUT", "10"))}
    return {}
