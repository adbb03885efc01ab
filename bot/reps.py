"""Who is asking, in which workspace, and what day it is for them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.coach.ranking import TacticRecord
from bot.domain import WEEKDAYS
from bot.parsing.clean import clean_text
from bot.workspace_settings import WorkspaceSettings, settings_from_json, valid_zone
from store.models import Rep, Workspace
from store.repo import ensure_rep, ensure_workspace, find_rep_in_team


@dataclass(frozen=True, slots=True)
class RepContext:
    """A rep with everything a use case needs to apply the coach's rules for them."""

    rep: Rep
    workspace: Workspace
    settings: WorkspaceSettings
    zone: ZoneInfo
    today: date  # the rep's local date
    workdays: frozenset[int]
    # The workspace's record with each tactic, when a sweep read it once for all its digests
    tactic_record: TacticRecord | None = None


def rep_context(
    session: Session, *, team_id: str, user_id: str, now: datetime, client: WebClient | None = None
) -> RepContext:
    """Find or create the rep; on first sight ask Slack for their profile (users.info).

    The Slack call happens inside the caller's transaction: fine for tests and scripts.
    Requests use known_rep_context and first_sight_context, which keep it outside."""
    rep, workspace = _find_or_create(session, team_id=team_id, user_id=user_id, now=now)
    if needs_zone(rep) and client is not None:
        note_profile(rep, profile_from_slack(client, user_id), now)
    return context_for(rep, workspace, now)


def known_rep_context(
    session: Session, *, team_id: str, user_id: str, now: datetime
) -> RepContext | None:
    """A rep seen before, whose zone was looked up; None when Slack must be asked first."""
    known = find_rep_in_team(session, team_id=team_id, user_id=user_id)
    if known is None or needs_zone(known[0]):
        return None
    return context_for(known[0], known[1], now)


def first_sight_context(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    now: datetime,
    profile: Mapping[str, Any] | None,
) -> RepContext:
    """Find or create the rep and store the profile Slack gave (asked with no transaction
    open): time zone, name, owner/admin flag."""
    rep, workspace = _find_or_create(session, team_id=team_id, user_id=user_id, now=now)
    if needs_zone(rep):  # another request may have stored it meanwhile
        note_profile(rep, profile, now)
    return context_for(rep, workspace, now)


def _find_or_create(
    session: Session, *, team_id: str, user_id: str, now: datetime
) -> tuple[Rep, Workspace]:
    known = find_rep_in_team(session, team_id=team_id, user_id=user_id)
    if known is not None:
        return known
    workspace = ensure_workspace(session, team_id=team_id, now=now)
    return ensure_rep(session, workspace=workspace, user_id=user_id, now=now), workspace


def needs_zone(rep: Rep) -> bool:
    """Never looked up: Slack is asked once per rep (profile changes arrive as events)."""
    return rep.tz is None and rep.tz_checked_at is None


def note_zone(rep: Rep, zone: str | None, now: datetime) -> None:
    rep.tz = zone
    rep.tz_checked_at = now


def note_profile(rep: Rep, profile: Mapping[str, Any] | None, now: datetime) -> None:
    """First sight: the profile Slack gave, or (Slack could not say) the workspace's zone."""
    if profile is None:
        note_zone(rep, None, now)
    else:
        apply_profile(rep, profile, now)


def context_for(rep: Rep, workspace: Workspace, now: datetime) -> RepContext:
    settings = settings_from_json(workspace.settings)
    zone = rep_zone(rep, settings)
    return RepContext(
        rep=rep,
        workspace=workspace,
        settings=settings,
        zone=zone,
        today=now.astimezone(zone).date(),
        workdays=parse_workdays(rep.workdays),
    )


NO_SUCH_USER = frozenset({"user_not_found", "users_not_found", "user_not_visible"})


def profile_from_slack(client: WebClient, user_id: str) -> dict[str, Any] | None:
    """The user's object from users.info; None when Slack cannot say (unknown user, refusal)."""
    try:
        return slack_user(client, user_id)
    except SlackApiError:
        return None


def slack_user(client: WebClient, user_id: str) -> dict[str, Any] | None:
    """users.info: the user's object, or None when Slack knows no such user here; any other
    refusal (a token, a scope, the rate limit after retries) is raised."""
    try:
        user = client.users_info(user=user_id).get("user")
    except SlackApiError as error:
        if error.response.get("error") in NO_SUCH_USER:
            return None
        raise
    return user if isinstance(user, dict) else None


LOOKUP_THREADS = 8  # users.info is Tier 4 (100+ a minute): a few at a time stays well inside


def profiles_from_slack(
    client: WebClient, user_ids: Iterable[str]
) -> dict[str, dict[str, Any] | None]:
    """users.info for each id, a few at a time (a modal's 3 seconds cannot wait for 30 in
    a row); None for an id Slack does not know in this workspace. Other refusals raise."""
    wanted = list(dict.fromkeys(user_ids))
    if not wanted:
        return {}
    with ThreadPoolExecutor(max_workers=min(LOOKUP_THREADS, len(wanted))) as pool:
        found = pool.map(lambda user_id: slack_user(client, user_id), wanted)
        return dict(zip(wanted, found, strict=True))


def rep_zone(rep: Rep, settings: WorkspaceSettings) -> ZoneInfo:
    return ZoneInfo(rep.tz if valid_zone(rep.tz) else settings.default_tz)


def reminder_time(rep: Rep, settings: WorkspaceSettings) -> time:
    return rep.reminder_time or settings.reminder_time


def parse_workdays(text: str | None) -> frozenset[int]:
    days = frozenset(int(d) for d in (text or "").split(",") if d.strip().isdigit())
    valid = frozenset(d for d in days if 0 <= d <= 6)
    return valid or WEEKDAYS


def format_workdays(days: frozenset[int]) -> str:
    return ",".join(str(d) for d in sorted(days))


DISPLAY_NAME_MAX = 200  # Rep.display_name's column


def profile_name(user: Mapping[str, Any]) -> str | None:
    """The name people know them by: display name, else real name, else the handle.

    Cleaned like any text from outside (control characters out, spaces collapsed); stored
    as typed and escaped on its way into a message."""
    profile = user.get("profile")
    profile = profile if isinstance(profile, dict) else {}
    for candidate in (
        profile.get("display_name"),
        profile.get("real_name"),
        user.get("real_name"),
        user.get("name"),
    ):
        if isinstance(candidate, str):
            name = " ".join(clean_text(candidate).split())
            if name:
                return name[:DISPLAY_NAME_MAX]
    return None


def profile_is_admin(user: Mapping[str, Any]) -> bool:
    """A workspace owner or admin: Revive's manager of every team."""
    return bool(user.get("is_owner") or user.get("is_admin") or user.get("is_primary_owner"))


def apply_profile(rep: Rep, user: Mapping[str, Any], now: datetime) -> bool:
    """Store what a Slack profile says about a rep; True when something changed.

    The one profile rule, for first sight, the nightly users.list and user_change events:
    time zone, name, owner/admin flag, deleted or not. Only the IANA name is kept
    (tz_offset misses DST changes ahead); a profile without a valid zone clears it, so the
    rep follows the workspace default. A deleted account gets no more digests.
    """
    tz = user.get("tz")
    zone = tz if valid_zone(tz) else None
    deactivated = bool(user.get("deleted"))
    name = profile_name(user)
    admin = profile_is_admin(user)
    changed = (
        rep.tz != zone
        or (rep.deactivated_at is not None) != deactivated
        or rep.display_name != name
        or bool(rep.is_admin) != admin
    )
    rep.tz = zone
    rep.tz_checked_at = now
    rep.display_name = name
    rep.is_admin = admin
    if deactivated and rep.deactivated_at is None:
        rep.deactivated_at = now
    elif not deactivated:
        rep.deactivated_at = None
    if changed:
        rep.updated_at = now
    return changed


def profile_changed(session: Session, *, team_id: str, user: dict[str, Any], now: datetime) -> bool:
    """A user_change event: apply the profile to a rep we know; never create one."""
    user_id = user.get("id")
    known = find_rep_in_team(session, team_id=team_id, user_id=user_id) if user_id else None
    return known is not None and apply_profile(known[0], user, now)
