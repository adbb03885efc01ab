"""Managers' Coach settings: the Home button opens the modal, its submission saves."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import ids
from bot.blocks.coach_settings_modal import coach_settings_from_state
from bot.parsing import payloads
from bot.team import coach_settings
from handlers._context import caller


def register(app: App) -> None:
    app.action(ids.HOME_COACH_SETTINGS)(on_coach_settings_button)
    app.view(ids.COACH_SETTINGS_MODAL)(on_coach_settings_submitted)


def on_coach_settings_button(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    ack()
    view = coach_settings.open_coach_settings(caller(context, client))
    client.views_open(trigger_id=body["trigger_id"], view=view)


def on_coach_settings_submitted(
    ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    # A non-manager's submission raises before the ack: the app's error handler tells them.
    form = coach_settings_from_state(payloads.view_values(view), view.get("private_metadata"))
    saved = coach_settings.submit_coach_settings(caller(context, client), form)
    if saved.errors:
        ack(response_action="errors", errors=saved.errors)
        return
    ack()  # after the commit: a closed modal means the settings are stored
    redrawn = saved.home()
    if redrawn is not None:
        redrawn.publish(client)
