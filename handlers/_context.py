"""What every listener does first: open a unit of work and find the rep."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from slack_bolt import BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.reps import RepContext, rep_context
from bot.services import Services, services_of
from store.db import unit_of_work


@dataclass(frozen=True, slots=True)
class Request:
    session: Session
    rep: RepContext
    services: Services
    now: datetime


@contextmanager
def rep_request(context: BoltContext, client: WebClient) -> Iterator[Request]:
    """One transaction for this request, scoped to the clicking user's workspace."""
    services = services_of(context)
    now = services.clock()
    if not context.team_id or not context.user_id:
        raise ValueError("request without a team or user id")
    with unit_of_work(services.sessions) as session:
        rep = rep_context(
            session, team_id=context.team_id, user_id=context.user_id, now=now, client=client
        )
        yield Request(session=session, rep=rep, services=services, now=now)
