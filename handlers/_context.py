"""What every listener shares: who is asking, and sending what a use case returned."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.app import tell_user
from bot.services import services_of
from bot.usecases.followups import Followups, Submitted
from bot.usecases.request import Caller


def caller(context: BoltContext, client: WebClient) -> Caller:
    """The clicking or typing user's ids, from Bolt's context (the use case opens the work)."""
    if not context.team_id or not context.user_id:
        raise ValueError("request without a team or user id")
    return Caller(
        team_id=context.team_id,
        user_id=context.user_id,
        services=services_of(context),
        client=client,
    )


def send(
    context: BoltContext, client: WebClient, followups: Followups, trigger_id: str | None = None
) -> None:
    """Make the Slack calls a use case asked for, after its unit of work committed."""
    if followups.view is not None:
        client.views_open(trigger_id=trigger_id, view=followups.view)
    if followups.update is not None:
        client.chat_update(**followups.update)
    for message in followups.messages:
        client.chat_postMessage(**message)
    if followups.notice:
        tell_user(context, client, followups.notice)


def answer_submission(ack: Ack, context: BoltContext, client: WebClient, answer: Submitted) -> None:
    """A modal submission: ack with its errors or new view, or ack (closing it) and send."""
    if answer.response is not None:
        ack(**answer.response)
        return
    ack()
    send(context, client, answer.followups)
