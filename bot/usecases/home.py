"""Gathers a rep's Home tab data, publishes it, and saves the rep's own settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks.home import HomeData, HomeSettings, WalkedAway, home_view
from bot.blocks.settings_modal import SettingsForm, settings_modal, settings_problems
from bot.domain import DecisionKind
from bot.reps import RepContext, format_workdays, profile_changed, reminder_time
from bot.services import Services
from bot.usecases import reading
from bot.usecases.manager_home import manager_blocks
from bot.usecases.request import Caller, rep_request
from store.db import unit_of_work
from store.models import Decision, Prospect
from store.repo import prospect_facts

UPCOMING_DAYS = 14


def current_settings(ctx: RepContext) -> HomeSettings:
    return HomeSettings(
        reminder_time=reminder_time(ctx.rep, ctx.settings),
        workdays=ctx.workdays,
        tz=ctx.zone.key,
        paused_until=ctx.rep.paused_until,
    )


def home_data(session: Session, ctx: RepContext) -> HomeData:
    on = ctx.today
    walked = reading.walked_away_recently(session, ctx)
    return HomeData(
        due=tuple(reading.due_items(session, ctx, on)),
        upcoming=tuple(
            prospect_facts(p) for p in reading.upcoming(session, ctx, after=on, days=UPCOMING_DAYS)
        ),
        walked_away=tuple(_walked_away(session, ctx, walked)),
        stats=reading.rep_stats(session, ctx, since=on.replace(day=1)),
        settings=current_settings(ctx),
        manager=manager_blocks(session, ctx.rep, on),
    )


def _walked_away(session: Session, ctx: RepContext, prospects: list[Prospect]) -> list[WalkedAway]:
    """Each prospect with its latest walk-away decision (reason and day), in one query."""
    if not prospects:
        return []
    decisions = session.scalars(
        select(Decision)
        .where(
            Decision.workspace_id == ctx.workspace.id,
            Decision.rep_id == ctx.rep.id,
            Decision.kind == DecisionKind.WALK_AWAY.value,
            Decision.prospect_id.in_([p.id for p in prospects]),
        )
        .order_by(Decision.id)
    )
    latest = {d.prospect_id: d for d in decisions}  # later ids overwrite earlier ones
    return [
        WalkedAway(
            facts=prospect_facts(p),
            reason=latest[p.id].reason if p.id in latest else None,
            on=latest[p.id].decided_on if p.id in latest else None,
        )
        for p in prospects
    ]


@dataclass(frozen=True, slots=True)
class HomeTab:
    user_id: str
    view: dict[str, Any]

    def publish(self, client: WebClient) -> None:
        """After the unit of work: Slack's round trip must not hold a database connection."""
        client.views_publish(user_id=self.user_id, view=self.view)


def open_home(caller: Caller) -> HomeTab:
    """The rep's Home tab, read in one unit of work and drawn after it."""
    with rep_request(caller) as req:
        data, today = home_data(req.session, req.rep), req.rep.today
    return HomeTab(caller.user_id, home_view(data, today))


def settings_form(caller: Caller) -> dict[str, Any]:
    """The Settings modal, prefilled with the settings that apply now."""
    with rep_request(caller) as req:
        current, today = current_settings(req.rep), req.rep.today
    return settings_modal(current, today)


@dataclass(frozen=True, slots=True)
class SettingsSaved:
    """Inline errors (nothing saved), or whose Home to redraw once the modal is acked:
    drawing the Home is the slow part and must not hold Slack's 3-second window."""

    errors: dict[str, str] | None = None
    saved_by: Caller | None = None

    def home(self) -> HomeTab | None:
        """The Home read after the commit, so it shows what is stored."""
        return open_home(self.saved_by) if self.saved_by is not None else None


def submit_settings(caller: Caller, form: SettingsForm) -> SettingsSaved:
    with rep_request(caller) as req:
        problems = settings_problems(form, req.rep.today)
        if problems:
            return SettingsSaved(errors=problems)
        save_settings(req.rep, form, now=req.now)
    return SettingsSaved(saved_by=caller)


def save_settings(ctx: RepContext, form: SettingsForm, *, now: datetime) -> None:
    """Store a checked form on the rep; the caller ran settings_problems first."""
    rep = ctx.rep
    # Keep following the workspace default unless the rep picked another time.
    if form.reminder_time is not None and form.reminder_time != reminder_time(rep, ctx.settings):
        rep.reminder_time = form.reminder_time
    rep.workdays = format_workdays(form.workdays)
    rep.paused_until = form.paused_until
    rep.updated_at = now


def follow_profile(services: Services, *, team_id: str, user: dict[str, Any]) -> bool:
    """A user_change event: a new time zone, or an account deleted or restored (known reps only)."""
    with unit_of_work(services.sessions) as session:
        return profile_changed(session, team_id=team_id, user=user, now=services.clock())
