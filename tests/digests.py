"""Test helpers: seed prospects and post a real digest to a rep, before the sweep exists."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.domain import Situation
from bot.reps import RepContext, rep_context
from bot.slack_client import make_client
from bot.usecases.adding import NewProspect, add_prospect
from bot.usecases.digest import compose_digest, digest_metadata
from store.db import unit_of_work
from tests.conftest import LiveApp
from tests.fakeslack import Message


def client_for(live: LiveApp, team_id: str = "T1") -> WebClient:
    return make_client(f"xoxb-test-{team_id}", live.fake.api_url)


def rep_ctx(
    live: LiveApp, session: Session, user_id: str = "U1", team_id: str = "T1"
) -> RepContext:
    return rep_context(
        session,
        team_id=team_id,
        user_id=user_id,
        now=live.clock(),
        client=client_for(live, team_id),
    )


def seed(
    live: LiveApp,
    name: str = "Dana Reyes",
    company: str = "Acme Corp",
    *,
    user_id: str = "U1",
    team_id: str = "T1",
    situation: Situation = Situation.WENT_QUIET,
    due_on: date | None = None,
    **fields: Any,
) -> int:
    """A prospect of the given rep's, due on `due_on` (default: the rep's today)."""
    with unit_of_work(live.sessions) as session:
        ctx = rep_ctx(live, session, user_id, team_id)
        new = replace(NewProspect(name=name, company=company, situation=situation), **fields)
        prospect = add_prospect(session, ctx, new, now=live.clock()).prospect
        prospect.next_touch_on = due_on or ctx.today
        session.flush()
        return prospect.id


def post_digest(
    live: LiveApp, user_id: str, on: date | None = None, team_id: str = "T1"
) -> Message:
    """Compose the rep's digest and DM it with its metadata, as the sweep will."""
    client = client_for(live, team_id)
    with unit_of_work(live.sessions) as session:
        ctx = rep_ctx(live, session, user_id, team_id)
        day = on or ctx.today
        digest = compose_digest(session, ctx, day)
    assert digest is not None, "nothing is due for this rep"
    answer = client.chat_postMessage(
        channel=user_id,
        text=digest.text,
        blocks=digest.blocks,
        metadata=digest_metadata(team_id, user_id, day),
    )
    channel, ts = answer["channel"], answer["ts"]
    return next(m for m in live.fake.messages(channel) if m.ts == ts)


def as_clicked(message: Message) -> dict[str, Any]:
    """The `message` of a block_actions payload for a click on this message."""
    return {"type": "message", "ts": message.ts, "text": message.text, "blocks": message.blocks}
