"""A workspace's (or one rep's) prospects as our own CSV: the file the importer reads back.

One row per prospect, in the order they were added (so an export imported into an empty
workspace and exported again is the same file), with the headers of `columns.py`: dates
ISO, Owner the rep's Slack user id, a walk-away's reason and day from its latest walk-away
decision, flags yes or empty, every cell guarded against spreadsheet formulas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain import DecisionKind, ProspectStatus
from bot.imports.columns import (
    EXPORT_FIELDS,
    EXPORT_HEADERS,
    OWNER_HEADER,
    WALK_AWAY_REASON_HEADER,
    WALKED_AWAY_ON_HEADER,
    YES,
    guard_cell,
)
from store.models import Decision, Prospect, Rep, Workspace

WALKED_AWAY = ProspectStatus.WALKED_AWAY.value

# Excel reads a UTF-8 CSV as such only when it starts with a byte order mark; every
# spreadsheet and our importer take it. Files get it; text on stdout does not.
BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class Exported:
    """One prospect as exported: its owner's Slack id and, walked away, its latest
    walk-away decision's reason and day."""

    prospect: Prospect
    owner: str
    walk_away_reason: str | None = None
    walked_away_on: date | None = None


def cell(value: object) -> str:
    """One stored value as CSV text: '' for nothing (and false), ISO for dates, yes for
    true, guarded text otherwise."""
    if value is None or value is False:
        return ""
    if value is True:
        return YES
    if isinstance(value, date):
        return value.isoformat()
    return guard_cell(str(value))


def prospect_row(row: Exported) -> list[str]:
    special: dict[str, object] = {
        OWNER_HEADER: row.owner,
        WALK_AWAY_REASON_HEADER: row.walk_away_reason,
        WALKED_AWAY_ON_HEADER: row.walked_away_on,
    }
    return [
        cell(special[header]) if header in special
        else cell(getattr(row.prospect, EXPORT_FIELDS[header]))
        for header in EXPORT_HEADERS
    ]  # fmt: skip


def exported_prospects(
    session: Session, *, workspace: Workspace, rep: Rep | None = None
) -> Iterator[Exported]:
    """The workspace's prospects (or `rep`'s only) with their owner's Slack id, as added."""
    query = (
        select(Prospect, Rep.slack_user_id)
        .join(Rep, Prospect.rep_id == Rep.id)
        .where(Prospect.workspace_id == workspace.id)
        .order_by(Prospect.id)
    )
    if rep is not None:
        query = query.where(Prospect.rep_id == rep.id)
    walk_aways = _walk_aways(session, workspace, rep)
    for prospect, owner in session.execute(query.execution_options(yield_per=500)):
        walked = walk_aways.get(prospect.id) if prospect.status == WALKED_AWAY else None
        yield Exported(prospect, owner, *(walked or (None, None)))


def _walk_aways(
    session: Session, workspace: Workspace, rep: Rep | None
) -> dict[int, tuple[str | None, date]]:
    """Each walked-away prospect's latest walk-away decision: (reason, day)."""
    query = (
        select(Decision.prospect_id, Decision.reason, Decision.decided_on)
        .join(Prospect, Decision.prospect_id == Prospect.id)
        .where(
            Prospect.workspace_id == workspace.id,
            Prospect.status == WALKED_AWAY,
            Decision.kind == DecisionKind.WALK_AWAY.value,
        )
        .order_by(Decision.id)
    )
    if rep is not None:
        query = query.where(Prospect.rep_id == rep.id)
    return {pid: (reason, on) for pid, reason, on in session.execute(query)}  # latest wins


def csv_text(rows: Iterable[Exported]) -> tuple[str, int]:
    """The CSV (header first, RFC 4180 line ends) and how many prospects it holds."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_HEADERS)
    count = 0
    for row in rows:
        writer.writerow(prospect_row(row))
        count += 1
    return out.getvalue(), count


def csv_file_bytes(text: str) -> bytes:
    """What goes into a file: UTF-8 with the byte order mark spreadsheets look for."""
    return (BOM + text).encode("utf-8")


def export_filename(today: date, owner: str | None = None) -> str:
    who = f"-{owner}" if owner else ""
    return f"revive-prospects{who}-{today.isoformat()}.csv"
