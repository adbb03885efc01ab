"""One request's unit of work, scoped to the rep who clicked or typed.

Listeners hand over plain ids (team, user) with the services and the WebClient; the
transaction is opened here, in the use-case layer, never in a listener. Slack is not
called while it is open: a rep seen for the first time has their profile (time zone, name,
owner/admin flag) looked up before the transaction that creates them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.reps import RepContext, first_sight_context, known_rep_context, profile_from_slack
from bot.services import Services
from store.db import unit_of_work


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is asking (ids from the payload) and what a use case needs to answer them."""

    team_id: str
    user_id: str
    services: Services
    client: WebClient


@dataclass(frozen=True, slots=True)
class Request:
    session: Session
    rep: RepContext
    services: Services
    now: datetime


@contextmanager
def rep_request(caller: Caller) -> Iterator[Request]:
    """One transaction for this request: commit on success, roll back on any error."""
    services = caller.services
    now = services.clock()
    team_id, user_id = caller.team_id, caller.user_id
    with unit_of_work(services.sessions) as session:
        rep = known_rep_context(session, team_id=team_id, user_id=user_id, now=now)
        if rep is not None:
            yield Request(session=session, rep=rep, services=services, now=now)
            return
    # First sight: the lookup above wrote nothing, and Slack's round trip holds no connection.
    profile = profile_from_slack(caller.client, user_id)
    with unit_of_work(services.sessions) as session:
        rep = first_sight_context(
            session, team_id=team_id, user_id=user_id, now=now, profile=profile
        )
        yield Request(session=session, rep=rep, services=services, now=now)
