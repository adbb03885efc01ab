"""Teams on the Home tab (workspace admins): New team and Edit open the modal, its
submission saves the team (or deletes it) and redraws the Home."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import ids
from bot.blocks.team_modal import team_form_from_state
from bot.parsing import payloads
from bot.usecases import teams
from handlers._context import caller


def register(app: App) -> None:
    app.action(ids.HOME_TEAM_NEW)(on_new_team)
    app.action(ids.HOME_TEAM_EDIT)(on_edit_team)
    app.view(ids.TEAM_MODAL)(on_team_submitted)


def on_new_team(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    # Checked before the ack: a refusal reaches the clicker through the app's error handler.
    view = teams.team_form(caller(context, client), None)
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=view)


def on_edit_team(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    team_id = ids.decode_team_value(payloads.raw_value(body))
    view = teams.team_form(caller(context, client), team_id)
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=view)


def on_team_submitted(
    ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    # A non-admin's submission raises before the ack: nothing is saved, the error handler
    # tells them why.
    form = team_form_from_state(payloads.view_values(view))
    team_id = payloads.modal_meta(view).team_id
    who = caller(context, client)
    saved = teams.submit_team(who, form, team_id)
    if saved.errors:
        ack(response_action="errors", errors=saved.errors)
        return
    ack()  # after the commit: a closed modal means the team is stored
    teams.home_after_save(who).publish(client)
