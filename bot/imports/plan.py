"""An import planned, previewed and applied.

`parse_import` is pure (bytes → candidates) and runs before any transaction. `plan_import`
runs inside one: whose each row is (a rep's import is their own; a manager may map an owner
column to reps by Slack id, email or display name), and which rows are already on file or
twice in the file. `apply_import` adds every ready row through the add path
(bot.usecases.adding, so the coach sets each first date) in the caller's one transaction.
Planning again after an import finds every row on file: the same file adds nothing twice.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.imports import columns as col
from bot.imports.columns import ColumnMap, guard_cell, map_columns, without
from bot.imports.reader import ImportRefused, Table, read_table
from bot.imports.rows import Candidate, DateOrder, DateReading, date_cells, decide_order
from bot.imports.rows import read_candidates as read_rows
from bot.reps import RepContext, apply_profile, context_for
from bot.team.roles import is_manager, may_see_rep
from bot.usecases.adding import add_prospect
from store.models import Prospect, Rep
from store.repo import ensure_rep

PROBLEMS_SHOWN = 5  # rows needing attention listed in a preview; the report has them all
OWNER_LOOKUPS_MAX = 200  # distinct owner emails asked of Slack for one file
SLACK_ID = re.compile(r"[UW][A-Z0-9]+")
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


# --- owners ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Owner:
    """Whose a row will be: a rep on file, or a Slack user Revive has not met yet."""

    key: str  # the Slack user id
    label: str  # how the preview names them
    rep: Rep | None = None
    profile: Mapping[str, Any] | None = None  # users.lookupByEmail's user, for a new rep


@dataclass(frozen=True, slots=True)
class OwnerAnswer:
    owner: Owner | None
    problem: str | None = None


class Owners:
    """Owner cells → owners, for one importer; each distinct cell is resolved once."""

    def __init__(self, session: Session, importer: RepContext,
                 people: Mapping[str, Mapping[str, Any] | None], manager: bool) -> None:
        self.session, self.importer, self.people = session, importer, people
        self.manager, self.admin = manager, bool(importer.rep.is_admin)
        me = importer.rep
        self.me = Owner(me.slack_user_id, "you", rep=me)
        reps = session.scalars(select(Rep).where(Rep.workspace_id == me.workspace_id))
        self.by_id = {rep.slack_user_id: rep for rep in reps}
        self.by_name: dict[str, list[Rep]] = {}
        for rep in self.by_id.values():
            if rep.display_name:
                self.by_name.setdefault(_folded(rep.display_name), []).append(rep)
        self._cache: dict[str, OwnerAnswer] = {}

    def of(self, cell: str) -> OwnerAnswer:
        if not self.manager or not cell.strip():
            return OwnerAnswer(self.me)
        key = cell.strip().casefold()
        if key not in self._cache:
            self._cache[key] = self._resolve(cell.strip())
        return self._cache[key]

    def _resolve(self, cell: str) -> OwnerAnswer:
        if "@" in cell:
            profile = self.people.get(cell.casefold())
            if profile is None:
                return OwnerAnswer(None, f"Owner '{cell}': no one in this Slack has that email")
            rep = self.by_id.get(str(profile.get("id")))
            if rep is None:
                return self._newcomer(cell, profile)
            return self._allowed(cell, rep)
        found = self.by_name.get(_folded(cell), [])
        if SLACK_ID.fullmatch(cell) and not found:
            rep = self.by_id.get(cell)
            if rep is None:
                return OwnerAnswer(None, f"Owner '{cell}' has not used Revive yet: use their email")
            return self._allowed(cell, rep)
        if len(found) > 1:
            return OwnerAnswer(None, f"Owner '{cell}' names {len(found)} people: use their email")
        if not found:
            return OwnerAnswer(
                None, f"Owner '{cell}' matches no one on Revive by name: use their email"
            )
        return self._allowed(cell, found[0])

    def _allowed(self, cell: str, rep: Rep) -> OwnerAnswer:
        if rep.deactivated_at is not None:
            return OwnerAnswer(None, f"Owner '{cell}' is deactivated in Slack")
        if not may_see_rep(self.session, self.importer.rep, rep):
            return OwnerAnswer(None, f"Owner '{cell}' is not in a team you manage")
        label = "you" if rep.id == self.importer.rep.id else (rep.display_name or cell)
        return OwnerAnswer(Owner(rep.slack_user_id, label, rep=rep))

    def _newcomer(self, cell: str, profile: Mapping[str, Any]) -> OwnerAnswer:
        if profile.get("deleted") or profile.get("is_bot"):
            return OwnerAnswer(None, f"Owner '{cell}' is not an active person in this Slack")
        if not self.admin:  # a new rep is in no team yet: only an admin may hand them work
            return OwnerAnswer(None, f"Owner '{cell}' is not in a team you manage")
        user_id = str(profile.get("id"))
        name = (profile.get("profile") or {}).get("real_name") or profile.get("real_name")
        return OwnerAnswer(Owner(user_id, str(name or cell), profile=profile))


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


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
    on_file = _on_file(session, importer.rep.workspace_id, reps)
    in_file = _Seen()
    rows: list[RowPlan] = []
    for candidate, answer in placed:
        skipped = "; ".join(candidate.problems) or answer.problem
        owner = answer.owner
        if skipped is None and owner is not None:
            rep_id = owner.rep.id if owner.rep else None
            if on_file.get(rep_id, _Seen()).find(candidate) is not None:
                skipped = ON_FILE
            elif (first := in_file.find(candidate)) is not None:
                skipped = IN_FILE.format(row=first)
            else:
                in_file.add(candidate)
        rows.append(RowPlan(candidate, owner, skipped))
    return ImportPlan(parsed, tuple(rows), manager)


class _Seen:
    """Prospects by email, and by name + company (with the emails they had)."""

    def __init__(self) -> None:
        self.emails: dict[str, int] = {}
        self.names: dict[tuple[str, str], dict[str | None, int]] = {}

    def add(self, candidate: Candidate) -> None:
        self.note(candidate.new.name, candidate.new.company, candidate.new.email, candidate.row)

    def note(self, name: str, company: str, email: str | None, row: int) -> None:
        mail = _folded(email) if email else None
        if mail:
            self.emails.setdefault(mail, row)
        self.names.setdefault((_folded(name), _folded(company)), {}).setdefault(mail, row)

    def find(self, candidate: Candidate) -> int | None:
        """The row it repeats: same email, or same name and company unless both have emails
        and they differ (two people of one name at one company)."""
        new = candidate.new
        mail = _folded(new.email) if new.email else None
        if mail and mail in self.emails:
            return self.emails[mail]
        known = self.names.get((_folded(new.name), _folded(new.company)))
        if not known:
            return None
        if mail is None:
            return min(known.values())
        return known.get(None)


def _on_file(session: Session, workspace_id: int, rep_ids: Iterable[int]) -> dict[int, _Seen]:
    found: dict[int, _Seen] = {}
    p = Prospect.__table__.c
    rows = session.execute(
        select(p.rep_id, p.name, p.company, p.email).where(
            p.workspace_id == workspace_id, p.rep_id.in_(list(rep_ids))
        )
    )
    for rep_id, name, company, email in rows:
        found.setdefault(rep_id, _Seen()).note(name, company, email, 0)
    return found


# --- applying ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Applied:
    plan: ImportPlan
    added: int
    first_due: dict[int, date] = field(default_factory=dict)  # spreadsheet row → first date


def apply_import(
    session: Session, importer: RepContext, plan: ImportPlan, *, now: datetime
) -> Applied:
    """Add every ready row in the caller's transaction (plan it with lock=True)."""
    contexts: dict[str, RepContext] = {}
    first_due: dict[int, date] = {}
    for row in plan.ready:
        assert row.owner is not None
        context = contexts.get(row.owner.key)
        if context is None:
            context = contexts[row.owner.key] = _owner_context(session, importer, row.owner, now)
        added = add_prospect(session, context, row.candidate.new, now=now, flush=False)
        first_due[row.candidate.row] = added.first_due
    session.flush()  # one batched INSERT for them all
    return Applied(plan, len(first_due), first_due)


def _owner_context(
    session: Session, importer: RepContext, owner: Owner, now: datetime
) -> RepContext:
    if owner.rep is not None:
        if owner.rep.id == importer.rep.id:
            return importer
        return context_for(owner.rep, importer.workspace, now)
    assert owner.profile is not None
    rep = ensure_rep(session, workspace=importer.workspace, user_id=owner.key, now=now)
    apply_profile(rep, dict(owner.profile), now)
    return context_for(rep, importer.workspace, now)


# --- what people read --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What a preview (or the answer to Import) says: plain values for the blocks and CLI."""

    rows: int
    ready: int
    attention: int
    on_file: int
    in_file: int
    problems: tuple[tuple[int, str], ...]  # the first few (row, why)
    owners: tuple[tuple[str, int], ...]  # a manager's import: who gets how many
    ignored: tuple[str, ...]
    date_note: str | None
    encoding: str
    delimiter: str

    @property
    def skipped(self) -> int:
        return self.attention + self.on_file + self.in_file


def summarize(plan: ImportPlan) -> ImportSummary:
    parsed, table = plan.parsed, plan.parsed.table
    attention = plan.attention
    return ImportSummary(
        rows=len(table.rows),
        ready=len(plan.ready),
        attention=len(attention),
        on_file=len(plan.on_file),
        in_file=len(plan.in_file),
        problems=tuple((r.candidate.row, r.skipped or "") for r in attention[:PROBLEMS_SHOWN]),
        owners=tuple(plan.owner_counts()) if plan.owners_read else (),
        ignored=parsed.columns.ignored,
        date_note=parsed.reading.note(),
        encoding=table.encoding,
        delimiter=table.delimiter_name,
    )


def preview_lines(summary: ImportSummary) -> list[str]:
    """The preview as plain lines (the CLI prints them; Slack's blocks say the same)."""
    lines = [
        f"Rows read: {summary.rows:,} ({summary.encoding}, {summary.delimiter}-separated)",
        f"Ready to import: {summary.ready:,}",
    ]
    lines += [f"  for {label}: {count:,}" for label, count in summary.owners]
    lines.append(f"Need attention: {summary.attention:,}")
    lines += [f"  row {row}: {why}" for row, why in summary.problems]
    lines.append(f"Already on file: {summary.on_file:,}")
    lines.append(f"Twice in the file: {summary.in_file:,}")
    if summary.ignored:
        lines.append("Columns ignored: " + ", ".join(summary.ignored))
    if summary.date_note:
        lines.append(summary.date_note)
    return lines


REPORT_HEADERS = ("Row", "Why not imported")


def report_csv(plan: ImportPlan) -> bytes:
    """Every row not imported, with why and its cells as they were: fix them, import again
    (Row and Why are not columns an import reads). UTF-8 with a BOM, for Excel."""
    table = plan.parsed.table
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*REPORT_HEADERS, *(guard_cell(h) for h in table.headers)])
    for row in plan.rows:
        if row.skipped is not None:
            cells = table.rows[row.candidate.index]
            writer.writerow([row.candidate.row, guard_cell(row.skipped),
                             *(guard_cell(c) for c in cells)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
