"""A workspace's whole pipeline as one JSON document, and back into an empty database.

The backup holds every stored column of the workspace's teams, reps (Slack ids and their
settings), managers, prospects, touches, decisions, events and settings history — read
from the models themselves, so a column added later is backed up without touching this
file. Surrogate ids stay behind: a row names another by what outlives a database — a rep
by Slack user id, a team by name, a prospect by its `ref` inside the backup. Tokens and
delivery bookkeeping (the outbox, pacing, seen events) are not part of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Column, DateTime, func, select
from sqlalchemy.orm import Session

from bot.errors import UserError
from store.models import (
    Base,
    Decision,
    EventRecord,
    Prospect,
    Rep,
    SettingsChange,
    Team,
    TeamManager,
    Touch,
    Workspace,
)
from store.types import UTCDateTime

FORMAT = "revive-backup"
VERSION = 1
REF = "ref"  # a prospect's number inside the backup, what touches and decisions point at
# The tables a backup names rows of, and which attribute names them.
NAMED_BY = {"reps": "slack_user_id", "teams": "name", "prospects": REF}
SKIPPED = frozenset({"id", "workspace_id"})  # surrogate ids: the restoring database's own
WORKSPACE_FIELDS = ("name", "settings", "created_at")

# In dependency order: a section only points at sections above it.
SECTIONS: tuple[tuple[str, type[Base]], ...] = (
    ("teams", Team),
    ("reps", Rep),
    ("team_managers", TeamManager),
    ("prospects", Prospect),
    ("touches", Touch),
    ("decisions", Decision),
    ("events", EventRecord),
    ("settings_changes", SettingsChange),
)


class BackupError(UserError):
    """A backup that cannot be restored here, said in one line."""


@dataclass(frozen=True, slots=True)
class Restored:
    team_id: str
    counts: dict[str, int]

    def summary(self) -> str:
        parts = ", ".join(f"{k.replace('_', ' ')} {n}" for k, n in self.counts.items() if n)
        return f"Restored workspace {self.team_id}: {parts or 'nothing to restore'}."


# --- values ---------------------------------------------------------------------------


def _target(column: Column[Any]) -> str | None:
    """The table a foreign-key column points at, if the backup names its rows."""
    for key in column.foreign_keys:
        if key.column.table.name in NAMED_BY:
            return key.column.table.name
    return None


def _encode(value: object) -> object:
    if isinstance(value, date | time):  # datetime is a date: ISO with its offset
        return value.isoformat()
    return value


def _decode(column: Column[Any], value: object, where: str) -> object:
    if value is None or not isinstance(value, str):
        return value
    try:
        if isinstance(column.type, DateTime | UTCDateTime):
            parsed = datetime.fromisoformat(value)
            if parsed.tzinfo is None:
                raise ValueError("no time zone")
            return parsed
        kind = column.type.python_type
    except NotImplementedError:
        return value
    except ValueError as error:
        raise BackupError(f"{where}: {column.name} {value!r} is not a time ({error}).") from None
    try:
        if kind is date:
            return date.fromisoformat(value)
        if kind is time:
            return time.fromisoformat(value)
    except ValueError:
        raise BackupError(f"{where}: {column.name} {value!r} is not an ISO date.") from None
    return value


def _columns(model: type[Base]) -> list[Column[Any]]:
    return [c for c in model.__table__.columns if c.name not in SKIPPED]


# --- dump -----------------------------------------------------------------------------


def _scoped(session: Session, model: type[Base], workspace: Workspace) -> list[Any]:
    if model is TeamManager:  # the one table without a workspace column: through its team
        query = (
            select(TeamManager)
            .join(Team, TeamManager.team_id == Team.id)
            .where(Team.workspace_id == workspace.id)
            .order_by(TeamManager.team_id, TeamManager.rep_id)
        )
    else:
        query = select(model).where(model.workspace_id == workspace.id).order_by(model.id)  # type: ignore[attr-defined]
    return list(session.scalars(query))


def dump_workspace(session: Session, workspace: Workspace) -> dict[str, Any]:
    """Everything of `workspace` a restore needs, as JSON-ready values."""
    rows = {key: _scoped(session, model, workspace) for key, model in SECTIONS}
    names: dict[str, dict[int, object]] = {
        "reps": {rep.id: rep.slack_user_id for rep in rows["reps"]},
        "teams": {team.id: team.name for team in rows["teams"]},
        "prospects": {p.id: number for number, p in enumerate(rows["prospects"], start=1)},
    }
    dumped: dict[str, Any] = {"team_id": workspace.team_id}
    dumped.update({field: _encode(getattr(workspace, field)) for field in WORKSPACE_FIELDS})
    for key, model in SECTIONS:
        columns = _columns(model)
        dumped[key] = []
        for row in rows[key]:
            item: dict[str, object] = {}
            if model is Prospect:
                item[REF] = names["prospects"][row.id]
            for column in columns:
                value = getattr(row, column.key)
                target = _target(column)
                if target is not None and value is not None:
                    value = names[target][value]
                item[column.name] = _encode(value)
            dumped[key].append(item)
    return dumped


def backup_document(
    session: Session, workspace: Workspace, *, schema: str | None, now: datetime
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "schema": schema,  # the Alembic revision it came from: for whoever reads the file
        "exported_at": now.isoformat(),
        "workspaces": [dump_workspace(session, workspace)],
    }


# --- restore --------------------------------------------------------------------------


def workspace_in(document: object, team_id: str) -> Mapping[str, Any]:
    """The workspace `team_id` from a parsed backup; a clear refusal for anything else."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError(
            "This file is not a Revive backup (made by `revive export --format json`)."
        )
    if document.get("version") != VERSION:
        raise BackupError(
            f"This backup's format version is {document.get('version')!r}; this Revive "
            f"restores version {VERSION}. Restore it with the Revive that made it."
        )
    workspaces = document.get("workspaces")
    if not isinstance(workspaces, list) or not all(isinstance(w, dict) for w in workspaces):
        raise BackupError("This backup is damaged: its workspaces are not a list.")
    for workspace in workspaces:
        if workspace.get("team_id") == team_id:
            return workspace
    held = ", ".join(str(w.get("team_id")) for w in workspaces) or "no workspace"
    raise BackupError(f"This backup holds {held}, not workspace {team_id}.")


def _values(
    model: type[Base], item: object, refs: Mapping[str, Mapping[object, int]], where: str
) -> dict[str, object]:
    """One backed-up row as column values for this database: names turned back into ids."""
    if not isinstance(item, dict):
        raise BackupError(f"{where} is not an object.")
    columns = _columns(model)
    unknown = set(item) - {c.name for c in columns} - ({REF} if model is Prospect else set())
    if unknown:
        raise BackupError(
            f"{where} has fields this version does not know ({', '.join(sorted(unknown))}): "
            "restore it with the Revive that made it."
        )
    values: dict[str, object] = {}
    for column in columns:
        if column.name not in item:
            if not column.nullable and column.default is None and column.server_default is None:
                raise BackupError(f"{where} lacks {column.name}.")
            continue
        value, target = item[column.name], _target(column)
        if target is not None and value is not None:
            if value not in refs[target]:
                raise BackupError(f"{where}: {column.name} names {value!r}, not in the backup.")
            value = refs[target][value]
        else:
            value = _decode(column, value, where)
        values[column.key] = value
    return values


def _existing(session: Session, workspace: Workspace) -> int:
    """Prospects and events already on file: a restore never mixes two pipelines."""
    counted = 0
    for model in (Prospect, EventRecord):
        query = select(func.count()).select_from(model).where(model.workspace_id == workspace.id)
        counted += session.scalar(query) or 0
    return counted


def _workspace_for(
    session: Session, team_id: str, data: Mapping[str, Any], now: datetime
) -> Workspace:
    workspace = session.scalar(select(Workspace).where(Workspace.team_id == team_id))
    if workspace is not None and _existing(session, workspace):
        raise BackupError(
            f"Workspace {team_id} already has prospects or events in this database: a backup "
            "restores into an empty one only. Point DATABASE_URL at a fresh database."
        )
    fields = {
        f: _decode(Workspace.__table__.c[f], data.get(f), "the workspace") for f in WORKSPACE_FIELDS
    }
    if workspace is None:
        workspace = Workspace(team_id=team_id, created_at=fields["created_at"] or now)
        session.add(workspace)
    workspace.name = fields["name"]  # type: ignore[assignment]
    workspace.settings = fields["settings"] or {}  # type: ignore[assignment]
    session.flush()
    return workspace


def _merge(
    session: Session, model: type[Base], workspace: Workspace, values: dict[str, object]
) -> Any:
    """Teams and reps the empty workspace already has (a rep who opened Home) take the
    backup's values; anything else is a new row."""
    found = None
    if model is Rep:
        found = session.scalar(
            select(Rep).where(
                Rep.workspace_id == workspace.id, Rep.slack_user_id == values["slack_user_id"]
            )
        )
    elif model is Team:
        found = session.scalar(
            select(Team).where(Team.workspace_id == workspace.id, Team.name == values["name"])
        )
    elif model is TeamManager:
        found = session.get(TeamManager, (values["team_id"], values["rep_id"]))
    if found is None:
        found = (
            model(**values) if model is TeamManager else model(workspace_id=workspace.id, **values)
        )
        session.add(found)
        return found
    for key, value in values.items():
        setattr(found, key, value)
    return found


def restore_workspace(
    session: Session, document: object, *, team_id: str, now: datetime
) -> Restored:
    """Restore workspace `team_id` from a parsed backup, in the caller's transaction."""
    data = workspace_in(document, team_id)
    workspace = _workspace_for(session, team_id, data, now)
    refs: dict[str, dict[object, int]] = {name: {} for name in NAMED_BY}
    counts: dict[str, int] = {}
    for key, model in SECTIONS:
        items = data.get(key, [])
        if not isinstance(items, list):
            raise BackupError(f"This backup is damaged: {key} is not a list.")
        made = []
        for number, item in enumerate(items, start=1):
            values = _values(model, item, refs, f"{key} #{number}")
            made.append((item, _merge(session, model, workspace, values)))
        session.flush()  # ids for the sections below
        if key in refs:
            name = NAMED_BY[key]
            refs[key] = {
                (item[name] if name == REF else getattr(row, name)): row.id for item, row in made
            }
            if len(refs[key]) != len(made):
                raise BackupError(f"This backup is damaged: two {key} share a {name}.")
        counts[key] = len(made)
    return Restored(team_id=team_id, counts=counts)
