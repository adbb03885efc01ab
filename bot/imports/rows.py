"""One imported row → a prospect to add, or the reasons it needs attention. Pure.

The situation is placed by bot.imports.situations; a row of Revive's own export also brings
back where the coach stood with the prospect (bot.imports.history).

Dates: ISO (2026-03-04), US (03/04/2026) and European (04/03/2026, 04.03.2026), with or
without a time after them. Whether 03/04 is March 4 or April 3 is decided once per file,
from the dates that can only be read one way (a number above 12); when none can, the
caller's guess is used and the preview says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.domain import Situation
from bot.imports import columns as col
from bot.imports.columns import ColumnMap
from bot.imports.history import History, is_ours, read_history
from bot.imports.reader import Table
from bot.imports.situations import competitor_named, feature_named, place
from bot.parsing.dates import parse_date
from bot.usecases.adding import NewProspect, problems_with


class DateOrder(StrEnum):
    """How numbers-only dates with slashes or dashes read: 03/04/2026."""

    AUTO = "auto"  # decided from the file
    MONTH_FIRST = "mdy"  # US: March 4
    DAY_FIRST = "dmy"  # European: April 3


ORDER_WORDS = {
    DateOrder.MONTH_FIRST: "month/day (US: 03/04 is March 4)",
    DateOrder.DAY_FIRST: "day/month (European: 03/04 is April 3)",
}

_ISO = re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})")
_DOTTED = re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4}|\d{2})")
_NUMERIC = re.compile(r"(?P<a>\d{1,2})(?P<sep>[/\-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})")
# What may follow a date in a CRM's cell: a time, seconds, AM/PM, a zone.
_TIME = re.compile(
    r"(?:(?:[ T]|, ?)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?"
    r"\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)?)?"
)


@dataclass(frozen=True, slots=True)
class DateReading:
    """The order a file's ambiguous dates are read in, and whether that was a guess."""

    order: DateOrder | None  # None: the file has both orders; ambiguous dates can't be read
    assumed: bool = False  # no date could tell: `order` is the caller's guess

    def note(self) -> str | None:
        """What the preview says about it (None: nothing to say)."""
        if self.order is None:
            return (
                "This file has dates written day-first and month-first: dates like 03/04 "
                "could be either and need attention."
            )
        if self.assumed:
            return (
                f"Dates like 03/04/2026 were read as {ORDER_WORDS[self.order]}: no date in "
                "the file shows which order it uses. If that's wrong, import it again "
                "choosing the other order."
            )
        return None


def decide_order(texts: Iterable[str], requested: DateOrder, guess: DateOrder) -> DateReading:
    """Read the file's numbers-only dates once and decide how the ambiguous ones read."""
    if requested is not DateOrder.AUTO:
        return DateReading(requested)
    day_first = month_first = ambiguous = False
    for text in texts:
        match = _NUMERIC.match(text.strip())
        if match is None:
            continue
        a, b = int(match["a"]), int(match["b"])
        day_first |= a > 12 >= b
        month_first |= b > 12 >= a
        ambiguous |= a <= 12 and b <= 12 and a != b
    if day_first and month_first:
        return DateReading(None)
    if day_first:
        return DateReading(DateOrder.DAY_FIRST)
    if month_first:
        return DateReading(DateOrder.MONTH_FIRST)
    return DateReading(guess, assumed=ambiguous)


class BadDate(ValueError):
    """A date cell that can't be read; the message says why, for the row's reasons."""


def read_date(text: str, reading: DateReading, today: date) -> date | None:
    """The date a cell holds; None for an empty cell; BadDate when it can't be read."""
    text = text.strip()
    if not text:
        return None
    for pattern in (_ISO, _DOTTED, _NUMERIC):
        match = pattern.match(text)
        if match is None or not _TIME.fullmatch(text[match.end() :]):
            continue
        if pattern is _NUMERIC:
            return _numeric(match, text, reading)
        return _make(_year(match["y"]), int(match["m"]), int(match["d"]), text)
    parsed = parse_date(text, today)  # "Mar 3, 2026", "3 March 2026"
    if parsed is None:
        raise BadDate(f"'{text}' is not a date")
    return parsed


def _numeric(match: re.Match[str], text: str, reading: DateReading) -> date:
    a, b, year = int(match["a"]), int(match["b"]), _year(match["y"])
    order = reading.order
    if order is None:
        if a > 12 >= b:
            order = DateOrder.DAY_FIRST
        elif b > 12 >= a or a == b:
            order = DateOrder.MONTH_FIRST
        else:
            raise BadDate(
                f"'{text}' could be {_spelled(year, a, b)} or {_spelled(year, b, a)}, and this "
                "file uses both orders"
            )
    month, day = (a, b) if order is DateOrder.MONTH_FIRST else (b, a)
    if month > 12:
        raise BadDate(f"'{text}' is not a date in {ORDER_WORDS[order].split(' (')[0]} order")
    return _make(year, month, day, text)


def _spelled(year: int, month: int, day: int) -> str:
    try:
        return f"{date(year, month, day):%B} {day}"
    except ValueError:
        return f"{month}/{day}"


def _year(text: str) -> int:
    return 2000 + int(text) if len(text) == 2 else int(text)


def _make(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise BadDate(f"'{text}' is not a date") from None


# --- a row -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Candidate:
    """One row read: what it would add, whose it is, and what stops it (empty: ready)."""

    row: int  # the row number a spreadsheet shows (the header is row 1)
    index: int  # its position in Table.rows
    new: NewProspect
    owner: str  # the owner cell as written ('' when none)
    problems: tuple[str, ...] = ()
    history: History | None = None  # a row of our own export: where the coach stood

    @property
    def ready(self) -> bool:
        return not self.problems


def date_cells(table: Table, columns: ColumnMap) -> Iterable[str]:
    for field in col.IMPORT_DATE_FIELDS:
        for index in columns.fields.get(field, ()):
            for row in table.rows:
                yield row[index]


def read_candidates(
    table: Table, columns: ColumnMap, reading: DateReading, today: date
) -> list[Candidate]:
    return [
        read_row(table.row_numbers[i], i, _cells(row, columns), table.headers, columns,
                 reading, today)
        for i, row in enumerate(table.rows)
    ]  # fmt: skip


def _cells(row: tuple[str, ...], columns: ColumnMap) -> dict[str, list[str]]:
    return {field: [row[i] for i in indexes] for field, indexes in columns.fields.items()}


def read_row(
    number: int,
    index: int,
    cells: Mapping[str, list[str]],
    headers: tuple[str, ...],
    columns: ColumnMap,
    reading: DateReading,
    today: date,
) -> Candidate:
    """One row's cells (field → its columns' cells, in file order) → a Candidate."""

    def first(field: str) -> str:
        return next((c for c in cells.get(field, ()) if c), "")

    problems: list[str] = []
    name, company = _who(first, problems)
    lost_reason = first(col.LOST_REASON)
    later: list[str] = []  # said after the situation's problem, in the columns' order
    dates = _dates(cells, headers, columns, reading, today, later)
    # Our own export's Status is Revive's, not a CRM's: it says where the prospect is.
    ours = is_ours(columns)
    history = read_history(first, dates, today, later) if ours else None
    statuses = () if ours else cells.get(col.STATUS, ())
    placed = place(first(col.SITUATION), lost_reason, statuses)
    if placed.problem:
        problems.append(placed.problem)
    problems += later
    decision = dates.get(col.DECISION_DATE) or dates.get(col.LAST_ACTIVITY)
    if not ours and decision is not None and decision > today:  # a CRM's close date: a plan
        decision = None
    situation = placed.situation
    new = NewProspect(
        name=name,
        company=company,
        situation=situation,
        email=first(col.EMAIL) or None,
        phone=first(col.PHONE) or None,
        stated_reason=first(col.STATED_REASON) or lost_reason or None,
        competitor=first(col.COMPETITOR) or _if(situation, CHOSE, competitor_named(lost_reason)),
        missing_feature=first(col.MISSING_FEATURE)
        or _if(situation, (Situation.MISSING_FEATURE,), feature_named(lost_reason)),
        contract_end=dates.get(col.CONTRACT_END),
        decision_date=decision,
        proposal_sent_on=dates.get(col.PROPOSAL_SENT_ON),
        proposal_expires_on=dates.get(col.PROPOSAL_EXPIRES_ON),
        referrer=first(col.REFERRER) or None,
        note=first(col.NOTE) or None,
    )
    for field, text in problems_with(new, today).items():
        # An empty name or company and a missing situation were said above, in a row's words.
        if field != "situation" and (field not in ("name", "company") or getattr(new, field)):
            problems.append(_reason(field, text))
    return Candidate(number, index, new, first(col.OWNER), tuple(problems), history)


def _who(first: Callable[[str], str], problems: list[str]) -> tuple[str, str]:
    """The name (or first + last name) and the company; each one missing is a problem."""
    name = first(col.NAME) or " ".join(
        part for part in (first(col.FIRST_NAME), first(col.LAST_NAME)) if part
    )
    company = first(col.COMPANY)
    if not name:
        problems.append("No name: fill First Name and Last Name, or Name")
    if not company:
        problems.append("No company")
    return name, company


CHOSE = (Situation.CHOSE_COMPETITOR, Situation.COMPETITOR_CONTRACT,
         Situation.UNHAPPY_WITH_PROVIDER)  # fmt: skip


def _if(situation: Situation | None, wanted: tuple[Situation, ...], value: str | None
        ) -> str | None:
    return value if situation in wanted else None


def _dates(
    cells: Mapping[str, list[str]],
    headers: tuple[str, ...],
    columns: ColumnMap,
    reading: DateReading,
    today: date,
    problems: list[str],
) -> dict[str, date]:
    found: dict[str, date] = {}
    for field in col.IMPORT_DATE_FIELDS:
        for header, text in zip(columns.headers_of(field, headers), cells.get(field, ()),
                                strict=True):
            try:
                value = read_date(text, reading, today)
            except BadDate as error:
                problems.append(f"{header}: {error}")
                continue
            if value is not None and field not in found:
                found[field] = value
    return found


_FIELD_WORDS = {
    "email": "Email",
    "phone": "Phone",
    "stated_reason": "Reason",
    "note": "Note",
    "competitor": "Competitor",
    "missing_feature": "Missing feature",
    "referrer": "Referrer",
    "contract_end": "Contract end",
    "decision_date": "Decision date",
    "proposal_sent_on": "Proposal sent",
    "proposal_expires_on": "Proposal expires",
}


def _reason(field: str, text: str) -> str:
    """problems_with speaks to someone filling the form; a row's reason names its field."""
    if field == "missing_feature":
        return "Missing feature: which feature did they need? Add a Missing feature column"
    if field == "contract_end" and "When does" in text:
        return "Contract end: a competitor contract needs the date it ends"
    return f"{_FIELD_WORDS.get(field, field)}: {text}"


# Where month/day is how people write dates: the United States, and Canada with it in CRMs.
_MONTH_FIRST_ZONES = ("America/", "US/", "Canada/", "Pacific/Honolulu", "Asia/Manila")
_DAY_FIRST_AMERICAS = ("America/Sao_Paulo", "America/Argentina/", "America/Mexico_City",
                       "America/Bogota", "America/Lima", "America/Santiago",
                       "America/Caracas", "America/Montevideo")  # fmt: skip


def order_for_zone(zone: str) -> DateOrder:
    """The guess for a file whose dates can't tell: the importer's habit, by time zone."""
    if zone.startswith(_DAY_FIRST_AMERICAS):
        return DateOrder.DAY_FIRST
    return DateOrder.MONTH_FIRST if zone.startswith(_MONTH_FIRST_ZONES) else DateOrder.DAY_FIRST
