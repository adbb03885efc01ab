"""Transactions run again when the database says two of them collided (a deadlock, a
serialization failure, SQLite's busy file): the sweep's processes meet on the same rows."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)

T = TypeVar("T")
RETRYABLE_SQLSTATES = ("40P01", "40001")  # deadlock detected, serialization failure


def retry_on_conflict(
    work: Callable[[], T],
    *,
    attempts: int = 5,
    pause: float = 0.05,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run a transaction again when the database reports a deadlock or lock timeout."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except DBAPIError as error:
            if attempt == attempts or not _transient(error):
                raise
            log.info("transient database conflict (%s); retrying", error.orig)
            sleep(pause * attempt)
    raise AssertionError("unreachable")


def _transient(error: DBAPIError) -> bool:
    code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    if code in RETRYABLE_SQLSTATES:
        return True
    return "database is locked" in str(error.orig)
