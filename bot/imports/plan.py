"""An import read and planned.

`parse_import` is pure (bytes → candidates) and runs before any transaction. `plan_import`
runs inside one: whose each row is (bot.imports.owners: a rep's import is their own; a
manager may map an owner column to reps), and which rows are already on file or twice in
the file (bot.imports.duplicates). bot.imports.apply then writes the ready rows, and
bot.imports.summary says what happened. Planning again after an import finds every row on
file: the same file adds nothing twice.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.imports import columns as col
from bot.imports.columns import ColumnMap, map_columns, without
from bot.imports.duplicates import Seen, on_file_of
from bot.imports.owners import Owner, OwnerAnswer, Owners
from bot.imports.reader import ImportRefused, Table, read_table
from bot.imports.rows import Candidate, DateOrder, DateReading, date_cells, decide_order
from bot.imports.rows import read_candidates as read_rows
from bot.reps import RepContext
from bot.team.roles import is_manager
from store.models import Rep

OWNER_LOOKUPS_MAX = 200  # distinct owner emails asked of Slack for one file
NOT_YOURS = "only managers import for others: every row is yours"

# Why a row is not imported, as the report and the preview say it.
ON_FILE = "already on file"
IN_FILE = "same prospect as row {row}"


@dataclass(frozen=True, slots=True)
class Parsed:
    """A file read and every row turned into a candidate: no database, no Slack."""

    table: Table
    columns: ColumnMap
    reading: DateReading
    candidates: tuple[Candidate, ...]
    digest: str  # of the bytes: an Import click checks it is the file previewed

    @property
    def owner_column(self) -> bool:
        return self.columns.has(col.OWNER)


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def parse_import(
    data: bytes, *, today: date, order: DateOrder, guess: DateOrder, for_others: bool
) -> Parsed:
    """Read the file and every row; ImportRefused when the file can't be used at all.

    `for_others`: the importer is a manager, so an owner column is read; for anyone else it
    is set aside (every row is theirs)."""
    table = read_table(data)
    columns = map_columns(table.headers)
    if not (columns.has(col.NAME) or columns.has(col.LAST_NAME) or columns.has(col.FIRST_NAME)):
        shown = ", ".join(h for h in table.headers if h)[:300] or "none"
        raise ImportRefused(
            f"I can't find a name column in that file (its columns: {shown}). Revive reads "
            "Name, or First Name and Last Name, as HubSpot, Salesforce and Pipedrive export "
            "them; see the import guide for every column it knows."
        )
    if not table.rows:
        raise ImportRefused("That file has a header row but no prospects under it.")
    if not for_others:
        columns = without(columns, col.OWNER, table.headers, NOT_YOURS)
    reading = decide_order(date_cells(table, columns), order, guess)
    candidates = read_rows(table, columns, reading, today)
    return Parsed(table, columns, reading, tuple(candidates), file_digest(data))


def owner_emails(parsed: Parsed) -> list[str]:
    """The distinct owner emails to ask Slack about (users.lookupByEmail), lower case."""
    found = dict.fromkeys(
        c.owner.casefold() for c in parsed.candidates if c.ready and "@" in c.owner
    )
    return list(found)[:OWNER_LOOKUPS_MAX]


# --- the plan ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowPlan:
    candidate: Candidate
    owner: Owner | None
    skipped: str | None = None  # why it is not imported (None: ready)


@dataclass(frozen=True, slots=True)
class ImportPlan:
    parsed: Parsed
    rows: tuple[RowPlan, ...]
    owners_read: bool  # a manager's import with an owner column

    @property
    def ready(self) -> list[RowPlan]:
        return [r for r in self.rows if r.skipped is None]

    @property
    def attention(self) -> list[RowPlan]:
        return [r for r in self.rows if r.skipped is not None and not _duplicate(r)]

    @property
    def on_file(self) -> list[RowPlan]:
        return [r for r in self.rows if r.skipped == ON_FILE]

    @property
    def in_file(self) -> list[RowPlan]:
        return [r for r in self.rows if r.skipped is not None and r.skipped.startswith("same ")]

    def owner_counts(self) -> list[tuple[str, int]]:
        counts = Counter(r.owner.label for r in self.ready if r.owner is not None)
        return counts.most_common()


def _duplicate(row: RowPlan) -> bool:
    return row.skipped is not None and (row.skipped == ON_FILE or row.skipped.startswith("same "))


def plan_import(
    session: Session,
    importer: RepContext,
    parsed: Parsed,
    people: Mapping[str, Mapping[str, Any] | None] | None = None,
    *,
    lock: bool = False,
) -> ImportPlan:
    """Owners and duplicates, read inside the caller's transaction.

    `lock` (before applying): the rows of the importer and every owner are locked first, in
    id order, so a double click or a concurrent add cannot slip a copy past the check."""
    manager = parsed.owner_column and is_manager(session, importer.rep)
    owners = Owners(session, importer, people or {}, manager)
    placed: list[tuple[Candidate, OwnerAnswer]] = [
        (c, owners.of(c.owner) if c.ready else OwnerAnswer(None)) for c in parsed.candidates
    ]
    reps = {a.owner.rep.id for _, a in placed if a.owner and a.owner.rep} | {importer.rep.id}
    if lock:
        session.execute(
            select(Rep.id).where(Rep.id.in_(sorted(reps))).order_by(Rep.id).with_for_update()
        )
    on_file = on_file_of(session, importer.rep.workspace_id, reps)
    in_file = Seen()
    rows: list[RowPlan] = []
    for candidate, answer in placed:
        skipped = "; ".join(candidate.problems) or answer.problem
        owner = answer.owner
        if skipped is None and owner is not None:
            rep_id = owner.rep.id if owner.rep else None
            if on_file.get(rep_id, Seen()).find(candidate) is not None:
                skipped = ON_FILE
            elif (first := in_file.find(candidate)) is not None:
                skipped = IN_FILE.format(row=first)
            else:
                in_file.add(candidate)
        rows.append(RowPlan(candidate, owner, skipped))
    return ImportPlan(parsed, tuple(rows), manager)


