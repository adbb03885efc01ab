"""The App Home tab, the rep's Settings modal, and time zone changes from Slack profiles."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import ids
from bot.blocks.settings_modal import settings_from_state, settings_modal, settings_problems
from bot.reps import profile_changed
from bot.services import services_of
from bot.usecases.home import current_settings, home_tab, save_settings
from handlers._context import rep_request
from store.db import unit_of_work

log = logging.getLogger(__name__)


def register(app: App) -> None:
    app.event("app_home_opened")(on_home_opened)
    app.event("user_change")(on_user_change)
    app.action(ids.HOME_SETTINGS)(on_settings_button)
    app.view(ids.SETTINGS_MODAL)(on_settings_submitted)


def on_home_opened(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    if event.get("tab") != "home":  # the Messages tab needs nothing from us
        return
    with rep_request(context, client) as req:
        tab = home_tab(req.session, req.rep)
    tab.publish(client)


def on_settings_button(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    ack()
    with rep_request(context, client) as req:
        view = settings_modal(current_settings(req.rep), req.rep.today)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def on_settings_submitted(
    ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    form = settings_from_state(view.get("state", {}).get("values", {}))
    with rep_request(context, client) as req:
        problems = settings_problems(form, req.rep.today)
        if problems:
            ack(response_action="errors", errors=problems)
            return
        save_settings(req.rep, form, now=req.now)
    ack()  # after the commit: a closed modal means the settings are stored
    with rep_request(context, client) as req:
        tab = home_tab(req.session, req.rep)
    tab.publish(client)


def on_user_change(event: dict[str, Any], context: BoltContext) -> None:
    """Follow a rep's profile: a new time zone, or an account deleted or restored."""
    user = event.get("user") or {}
    team_id = context.team_id or user.get("team_id")
    if not team_id or not user.get("id"):
        return
    services = services_of(context)
    with unit_of_work(services.sessions) as session:
        changed = profile_changed(session, team_id=team_id, user=user, now=services.clock())
    if changed:
        log.info("profile of %s in %s applied (time zone or status)", user.get("id"), team_id)
