"""Throw-away databases for tests: a SQLite file, or a fresh PostgreSQL schema.

A PostgreSQL test gets its own schema through `options=-csearch_path=…` in the
URL, so every engine made from that URL (even in another process) sees only
that test's tables.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError


def postgres_base_url() -> str | None:
    """TEST_DATABASE_URL, or None when PostgreSQL tests may be skipped."""
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if url:
        return url
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        pytest.fail("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set", pytrace=False)
    return None


@contextmanager
def postgres_schema_url() -> Iterator[str]:
    base = postgres_base_url()
    if base is None:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (CI sets REQUIRE_POSTGRES=1)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as error:
        admin.dispose()
        pytest.fail(f"PostgreSQL at TEST_DATABASE_URL is not reachable: {error.orig}")
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'revive-test.db'}"
