"""Teams from the Home tab: open the New team / Edit team modal, save it, redraw the Home.

Only workspace owners and admins may. The clicker's role is asked of Slack at the moment
(users.info, before any transaction) and stored with the rest of their profile, so someone
made or unmade an admin in Slack an hour ago is treated as such now; when Slack cannot say,
the stored flag decides. A refusal happens before anything is looked up or written.

The people picked whom Revive has never looked up are asked of Slack too, a few at a time,
between a read-only transaction and the one that saves the team (no Slack round trip holds
a database connection).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from bot.blocks.team_modal import FIELD_BLOCKS, TeamForm, team_modal
from bot.reps import apply_profile, profile_from_slack, profile_is_admin, profiles_from_slack
from bot.team.report_channel import channel_from_slack, checked_channel
from bot.team.teams import (
    NotAnAdmin,
    TeamGone,
    TeamProblem,
    TeamSaved,
    checked_input,
    delete_team,
    listing,
    needs_lookup,
    require_admin,
    set_team,
    team_in,
)
from bot.usecases.home import HomeTab, open_home
from bot.usecases.request import Caller, Request, rep_request
from store.db import unit_of_work
from store.repo import find_rep_in_team


def team_form(caller: Caller, team_id: int | None) -> dict[str, Any]:
    """The modal: blank for New team, prefilled for Edit (a team of the clicker's workspace)."""
    actor = _actor_profile(caller)
    with _as_admin(caller, actor) as req:
        team = None
        if team_id is not None:
            found = team_in(req.session, req.rep.workspace, team_id)
            if found is None:
                raise TeamGone()
            team = listing(req.session, found)
    return team_modal(team)


@dataclass(frozen=True, slots=True)
class TeamSubmitted:
    """Inline errors (nothing saved), or what was saved or deleted (redraw the Home after
    the ack: drawing it is the slow part and must not hold Slack's 3-second window)."""

    errors: dict[str, str] | None = None
    saved: TeamSaved | None = None
    deleted: str | None = None


def submit_team(caller: Caller, form: TeamForm, team_id: int | None) -> TeamSubmitted:
    """Save the form (or delete the team when ticked) and redraw the clicker's Home."""
    actor = _actor_profile(caller)
    if form.delete and team_id is not None:
        with _as_admin(caller, actor) as req:
            deleted = delete_team(req.session, req.rep.workspace, req.rep.rep, team_id=team_id)
        return TeamSubmitted(deleted=deleted)
    try:
        checked_input(form.name, form.managers, form.reps)
        channel = checked_channel(form.report_channel)
        with unit_of_work(caller.services.sessions) as session:
            if actor is None:  # Slack could not say: the stored flag decides, before lookups
                known = find_rep_in_team(session, team_id=caller.team_id, user_id=caller.user_id)
                if known is None or not known[0].is_admin:
                    raise NotAnAdmin()
            unknown = needs_lookup(session, team_id=caller.team_id, user_ids=form.people)
        profiles = profiles_from_slack(caller.client, unknown)
        # Asked every time one is picked: Revive may have been removed from it since.
        channels = {channel: channel_from_slack(caller.client, channel)} if channel else {}
        with _as_admin(caller, actor) as req:
            saved = set_team(
                req.session,
                req.rep.workspace,
                form.name,
                form.managers,
                form.reps,
                req.now,
                req.rep.rep,
                team_id=team_id,
                profiles=profiles,
                report_channel=channel,
                channels=channels,
            )
    except TeamProblem as problem:
        return TeamSubmitted(errors={FIELD_BLOCKS[problem.field]: problem.message})
    return TeamSubmitted(saved=saved)


def home_after_save(caller: Caller) -> HomeTab:
    """The clicker's Home, read after the commit so it shows what is stored."""
    return open_home(caller)


def _actor_profile(caller: Caller) -> dict[str, Any] | None:
    """The clicker's profile, refused at once when Slack says they are no owner or admin."""
    actor = profile_from_slack(caller.client, caller.user_id)
    if actor is not None and not profile_is_admin(actor):
        raise NotAnAdmin()
    return actor


@contextmanager
def _as_admin(caller: Caller, actor: Mapping[str, Any] | None) -> Iterator[Request]:
    """The request's unit of work, with the clicker's fresh profile stored and checked."""
    with rep_request(caller) as req:
        if actor is not None:
            apply_profile(req.rep.rep, actor, req.now)
        require_admin(req.rep.rep, req.rep.workspace)
        yield req
