"""Date arithmetic in SQL, spelled the way each database wants it: PostgreSQL adds an
integer to a date; SQLite needs date(column, '+N days')."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class plus_days(FunctionElement[date]):  # a SQL function, named like one
    """date + n days."""

    type = Date()
    inherit_cache = True


class days_before(FunctionElement[date]):  # a SQL function, named like one
    """date - n days."""

    type = Date()
    inherit_cache = True


def _shifted(element: FunctionElement[date], compiler: Any, sign: str, **kw: Any) -> str:
    column, days = (compiler.process(c, **kw) for c in element.clauses)
    return f"({column} {sign} {days})"


def _shifted_sqlite(element: FunctionElement[date], compiler: Any, sign: str, **kw: Any) -> str:
    column, days = (compiler.process(c, **kw) for c in element.clauses)
    return f"date({column}, '{sign}' || {days} || ' days')"


@compiles(plus_days)
def _plus_days(element: plus_days, compiler: Any, **kw: Any) -> str:
    return _shifted(element, compiler, "+", **kw)


@compiles(plus_days, "sqlite")
def _plus_days_sqlite(element: plus_days, compiler: Any, **kw: Any) -> str:
    return _shifted_sqlite(element, compiler, "+", **kw)


@compiles(days_before)
def _days_before(element: days_before, compiler: Any, **kw: Any) -> str:
    return _shifted(element, compiler, "-", **kw)


@compiles(days_before, "sqlite")
def _days_before_sqlite(element: days_before, compiler: Any, **kw: Any) -> str:
    return _shifted_sqlite(element, compiler, "-", **kw)
