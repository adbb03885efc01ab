"""The App Home tab, the rep's Settings modal, and time zone changes from Slack profiles."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import ids
from bot.blocks.settings_modal import settings_from_state
from bot.parsing import payloads
from bot.services import services_of
from bot.usecases import home
from handlers._context import caller

log = logging.getLogger(__name__)


def register(app: App) -> None:
    app.event("app_home_opened")(on_home_opened)
    app.event("user_change")(on_user_change)
    app.action(ids.HOME_SETTINGS)(on_settings_button)
    app.view(ids.SETTINGS_MODAL)(on_settings_submitted)


def on_home_opened(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    if event.get("tab") != "home":  # the Messages tab needs nothing from us
        return
    # Published after the unit of work: Slack's round trip holds no database connection.
    home.open_home(caller(context, client)).publish(client)


def on_settings_button(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    ack()
    view = home.settings_form(caller(context, client))
    client.views_open(trigger_id=body["trigger_id"], view=view)


def on_settings_submitted(
    ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    form = settings_from_state(payloads.view_values(view))
    saved = home.submit_settings(caller(context, client), form)
    if saved.errors:
        ack(response_action="errors", errors=saved.errors)
        return
    ack()  # after the commit: a closed modal means the settings are stored
    redrawn = saved.home()
    if redrawn is not None:
        redrawn.publish(client)


def on_user_change(event: dict[str, Any], context: BoltContext) -> None:
    """Follow a rep's profile: a new time zone, or an account deleted or restored."""
    user = event.get("user") or {}
    team_id = context.team_id or user.get("team_id")
    if not team_id or not user.get("id"):
        return
    changed = home.follow_profile(services_of(context), team_id=team_id, user=user)
    if changed:
        log.info("profile of %s in %s applied (time zone or status)", user.get("id"), team_id)
