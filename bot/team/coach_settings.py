"""Managers change the coach settings: open the modal, save a submission, keep the history.

The settings live as overrides in Workspace.settings (bot.workspace_settings holds the
defaults); every saved change is a SettingsChange row: who, when, the setting, old → new.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks.coach_settings_modal import (
    HISTORY_SHOWN,
    Change,
    CoachSettingsForm,
    coach_settings_modal,
    coach_settings_problems,
)
from bot.team import roles
from bot.team.coach_settings_table import (
    COACH_KEYS,
    DEFAULTS,
    TACTIC_KEYS,
    Value,
    prefs_from_values,
    setting_values,
    shown,
)
from bot.usecases.home import SettingsSaved
from bot.usecases.request import Caller, rep_request
from bot.workspace_settings import settings_from_json
from store.models import SettingsChange, Workspace


def open_coach_settings(caller: Caller) -> dict[str, Any]:
    """The modal with the settings that apply now and the last changes; managers only."""
    with rep_request(caller) as req:
        roles.require_manager(req.session, req.rep.rep)
        current = setting_values(req.rep.settings)
        history = recent_changes(req.session, req.rep.workspace.id, req.rep.zone)
        today = req.rep.today
    return coach_settings_modal(current, history, today)


def submit_coach_settings(caller: Caller, form: CoachSettingsForm) -> SettingsSaved:
    """Save what the manager edited and record each change; inline errors save nothing.

    A non-manager is refused (NotAManager) before anything is read or written."""
    with rep_request(caller) as req:
        roles.require_manager(req.session, req.rep.rep)
        workspace = _locked_workspace(req.session, req.rep.workspace.id)
        current = setting_values(settings_from_json(workspace.settings))
        wanted = {**current, **form.edited()}
        problems = coach_settings_problems(wanted)
        if problems:
            return SettingsSaved(errors=problems)
        changes = changed_settings(current, wanted)
        if changes:
            workspace.settings = with_overrides(workspace.settings, wanted, changes)
            req.session.add_all(
                SettingsChange(
                    workspace_id=workspace.id,
                    changed_by=caller.user_id,
                    changed_at=req.now,
                    key=change.key,
                    old_value=change.old,
                    new_value=change.new,
                )
                for change in changes
            )
    return SettingsSaved(saved_by=caller)


def _locked_workspace(session: Session, workspace_id: int) -> Workspace:
    """The workspace row, locked and read afresh: two managers saving at once take turns,
    and the second one's 'old' values are the first one's new ones."""
    query = (
        select(Workspace)
        .where(Workspace.id == workspace_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.scalars(query).one()


@dataclass(frozen=True, slots=True)
class SettingChange:
    key: str
    old: str
    new: str


def changed_settings(
    before: Mapping[str, Value], after: Mapping[str, Value]
) -> list[SettingChange]:
    """One change per setting whose value differs, in the form's order; nothing else."""
    return [
        SettingChange(key, shown(before[key]), shown(after[key]))
        for key in after
        if key in before and before[key] != after[key]
    ]


def with_overrides(
    stored: Mapping[str, Any] | None, values: Mapping[str, Value], changes: Iterable[SettingChange]
) -> dict[str, Any]:
    """The stored overrides with the changed settings written in: a value equal to the
    default is dropped (the workspace follows the default again), the rest kept as stored."""
    overrides = dict(stored or {})
    coach = dict(overrides.get("coach") or {})
    changes = list(changes)
    for change in changes:
        if change.key in TACTIC_KEYS:
            continue  # written below, all together: they are checked together
        target = coach if change.key in COACH_KEYS else overrides
        value = values[change.key]
        if value == DEFAULTS.get(change.key):
            target.pop(change.key, None)
        else:
            target[change.key] = shown(value) if isinstance(value, time) else value
    if coach:
        overrides["coach"] = coach
    else:
        overrides.pop("coach", None)
    if any(change.key in TACTIC_KEYS for change in changes):
        tactics = prefs_from_values(values).to_json()
        if tactics:
            overrides["tactics"] = tactics
        else:
            overrides.pop("tactics", None)
    settings_from_json(overrides)  # the morning's own check: never store what it would refuse
    return overrides


def recent_changes(
    session: Session, workspace_id: int, zone: ZoneInfo, limit: int = HISTORY_SHOWN
) -> list[Change]:
    """The workspace's last changes, newest first, dated in the viewer's zone."""
    rows = session.scalars(
        select(SettingsChange)
        .where(SettingsChange.workspace_id == workspace_id)
        .order_by(SettingsChange.changed_at.desc(), SettingsChange.id.desc())
        .limit(limit)
    )
    return [
        Change(
            changed_by=row.changed_by,
            on=row.changed_at.astimezone(zone).date(),
            key=row.key,
            old=row.old_value,
            new=row.new_value,
        )
        for row in rows
    ]
