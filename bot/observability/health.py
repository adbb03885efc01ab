"""GET /healthz: is the database answering? A cheap query with short timeouts.

The probe has its own engine, apart from the one serving Slack: without a pool (a pooled
connection to a server that vanished could wait for TCP to give up), with a connect timeout
and a statement timeout, and on SQLite without the app's BEGIN IMMEDIATE (a health check
must not queue for the write lock). A database that does not answer makes /healthz answer
503 within about PROBE_TIMEOUT_SECONDS, never hang.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from bot.settings import redact_url

log = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
PROBE_TIMEOUT_SECONDS = 3


def probe_engine(url: str, timeout: int = PROBE_TIMEOUT_SECONDS) -> Engine:
    """An engine for short, read-only looks at the database (health, metrics)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": timeout})
    return create_engine(
        url, poolclass=NullPool, connect_args={"timeout": timeout, "check_same_thread": False}
    )


@dataclass(frozen=True, slots=True)
class Health:
    ok: bool
    body: str  # "ok", or the part that is down and why: "database: …"

    @property
    def status(self) -> str:
        return "200 OK" if self.ok else "503 Service Unavailable"


def check_database(engine: Engine, timeout: int = PROBE_TIMEOUT_SECONDS) -> str | None:
    """None when `SELECT 1` answers; otherwise why not, in a few words for the body."""
    missing = _missing_sqlite_file(engine)
    if missing:
        return missing
    started = time.monotonic()
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(text(f"SET statement_timeout = {int(timeout * 1000)}"))
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        elapsed = time.monotonic() - started
        _log_down(engine, error)
        if elapsed >= timeout or "timeout" in str(error.orig).lower():
            return f"no answer within {timeout} s"
        return "cannot connect"
    except SQLAlchemyError as error:
        _log_down(engine, error)
        return f"query failed ({type(error).__name__})"
    return None


def health(engine: Engine | None) -> Health:
    """The answer to GET /healthz; without a database to look at (a bare Bolt app), ok."""
    problem = check_database(engine) if engine is not None else None
    return Health(True, "ok") if problem is None else Health(False, f"database: {problem}")


def _missing_sqlite_file(engine: Engine) -> str | None:
    # Connecting would create an empty file: a health check must not invent a database.
    path = engine.url.database
    if engine.dialect.name != "sqlite" or not path or path == ":memory:":
        return None
    return None if os.path.exists(path) else "the SQLite file does not exist"


def _log_down(engine: Engine, error: SQLAlchemyError) -> None:
    # The details go to the log, not to whoever asked /healthz.
    where = redact_url(engine.url.render_as_string(hide_password=False))
    detail = " ".join(str(getattr(error, "orig", error)).split())[:300]
    log.warning("health check: database at %s is down: %s", where, detail)
