"""The app's life in a workspace: `app_uninstalled`, `tokens_revoked`, and the first
verified request after them, which shows the workspace is back (bot/usecases/lifecycle.py)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from slack_bolt import App, BoltContext
from slack_bolt.request import BoltRequest

from bot.install.tokens import forget_installation
from bot.services import services_of
from bot.usecases.lifecycle import Revocations

log = logging.getLogger(__name__)

REVOCATIONS_KEY = "revive_revocations"
LIFECYCLE_EVENTS = frozenset({"app_uninstalled", "tokens_revoked"})
_EPOCH_SECONDS = re.compile(r"[0-9]{1,12}")


def register(app: App) -> None:
    app.use(watching(Revocations()))
    app.event("app_uninstalled")(on_app_uninstalled)
    app.event("tokens_revoked")(on_tokens_revoked)


def watching(revocations: Revocations) -> Callable[..., None]:
    """Global middleware: every verified request from a revoked workspace may resume it."""

    def workspace_back(
        body: dict[str, Any], request: BoltRequest, context: BoltContext, next: Callable[[], None]
    ) -> None:
        context[REVOCATIONS_KEY] = revocations
        team_id = context.team_id
        if team_id and event_type(body) not in LIFECYCLE_EVENTS:
            seen_at = slack_time(body, request)
            revocations.seen(services_of(context), team_id=team_id, seen_at=seen_at)
        next()

    return workspace_back


def on_app_uninstalled(body: dict[str, Any], context: BoltContext) -> None:
    _revoke(body, context, "app_uninstalled")


def on_tokens_revoked(event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
    if not bot_tokens_revoked(event):
        # Only user tokens: the bot token the digests are sent with still works.
        log.info("tokens_revoked in %s names no bot token; nothing changes", context.team_id)
        return
    _revoke(body, context, "tokens_revoked")


def _revoke(body: dict[str, Any], context: BoltContext, why: str) -> None:
    team_id = context.team_id
    if not team_id:
        log.warning("%s without a team id (an org-wide install?); ignored", why)
        return
    revocations = context.get(REVOCATIONS_KEY)
    if not isinstance(revocations, Revocations):
        raise RuntimeError("Revocations missing from the Bolt context; register handlers.lifecycle")
    services, at = services_of(context), slack_time(body, None)
    revocations.revoked(services, team_id=team_id, at=at)
    # OAuth mode: the installation goes too; a reinstall stores a new one.
    forget_installation(services, enterprise_id=context.enterprise_id, team_id=team_id, at=at)


# --- reading the payload ----------------------------------------------------------------


def event_type(body: Mapping[str, Any]) -> str | None:
    event = body.get("event") if body.get("type") == "event_callback" else None
    kind = event.get("type") if isinstance(event, dict) else None
    return kind if isinstance(kind, str) else None


def bot_tokens_revoked(event: Mapping[str, Any]) -> bool:
    """tokens_revoked lists user ids per kind of token; any bot entry means ours."""
    tokens = event.get("tokens")
    bots = tokens.get("bot") if isinstance(tokens, dict) else None
    return isinstance(bots, list) and len(bots) > 0


def slack_time(body: Mapping[str, Any], request: BoltRequest | None) -> datetime | None:
    """When Slack says this happened: an event's event_time, else the signed request
    timestamp (HTTP); None in Socket Mode, where only the event carries a time."""
    if body.get("type") == "event_callback":
        return _from_epoch(body.get("event_time"))
    if request is None:
        return None
    values = request.headers.get("x-slack-request-timestamp") or [None]
    return _from_epoch(values[0])


def _from_epoch(value: object) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    text = str(value)
    return datetime.fromtimestamp(int(text), UTC) if _EPOCH_SECONDS.fullmatch(text) else None
