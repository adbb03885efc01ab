"""Test helpers for reminder sweeps: a database with reps, a tiny composer, a fake sleep."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import ids
from bot.reminders.report import SweepOptions, SweepReport
from bot.reminders.sweep import sweep
from bot.reps import RepContext
from bot.services import Services
from bot.settings import load_settings
from bot.usecases.digest import digest_metadata
from store.db import make_engine, make_session_factory, unit_of_work
from store.migrate import upgrade
from store.models import DigestOutbox, Rep
from store.repo import ensure_rep, ensure_workspace
from tests.conftest import Clock
from tests.fakeslack import FakeSlack

# Fast and deterministic: no pacing, tiny backoffs; tests that need pacing turn it on.
FAST = SweepOptions(pacing=False, backoff_seconds=0.001, timeout_seconds=2)


def make_services(database_url: str, fake: FakeSlack, clock: Any, **env: str) -> Services:
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": "xoxb-test-T1",
            "SLACK_SIGNING_SECRET": "test-secret",
            "SLACK_API_URL": fake.api_url,
            "DATABASE_URL": database_url,
            "REVIVE_SCHEDULER": "off",
            **env,
        }
    )
    engine = make_engine(database_url)
    upgrade(engine)
    return Services(
        settings=settings,
        sessions=make_session_factory(engine),
        clock=clock,
        tokens=lambda team: f"xoxb-test-{team}" if team in fake.tokens.values() else None,
    )


def add_rep(
    services: Services,
    user_id: str,
    tz: str | None,
    *,
    team_id: str = "T1",
    workdays: str = "0,1,2,3,4",
    reminder: time | None = None,
    paused_until: date | None = None,
    now: datetime,
) -> int:
    with unit_of_work(services.sessions) as session:
        workspace = ensure_workspace(session, team_id=team_id, now=now)
        rep = ensure_rep(session, workspace=workspace, user_id=user_id, now=now)
        rep.tz, rep.workdays, rep.reminder_time = tz, workdays, reminder
        rep.paused_until = paused_until
        session.flush()
        return rep.id


@dataclass(frozen=True)
class TinyDigest:
    text: str
    blocks: list[dict[str, Any]]
    prospect_ids: list[int]
    due_count: int


@dataclass
class TinyComposer:
    """One line per rep and date; users in `idle` have nothing due."""

    idle: set[str] = field(default_factory=set)
    calls: int = 0

    def __call__(self, session: Session, ctx: RepContext, on: date) -> TinyDigest | None:
        self.calls += 1
        if ctx.rep.slack_user_id in self.idle:
            return None
        text = f"Morning {ctx.rep.slack_user_id}: 1 prospect to revive on {on.isoformat()}"
        block = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
        return TinyDigest(text=text, blocks=[block], prospect_ids=[], due_count=1)


@dataclass
class FakeSleep:
    """Records the waits instead of sleeping them."""

    waits: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def posts_by_rep_date(fake: FakeSlack) -> Counter[tuple[str, str]]:
    """Digest posts Slack accepted, per (user, local date), read from their metadata.

    A call with a token Slack refused (team_id None) posted nothing; messages without
    digest metadata are not digests.
    """
    counts: Counter[tuple[str, str]] = Counter()
    for call in fake.calls_to("chat.postMessage"):
        meta = call.params.get("metadata") or {}
        if call.team_id is None or meta.get("event_type") != ids.DIGEST_EVENT_TYPE:
            continue
        payload = meta.get("event_payload") or {}
        counts[(payload.get("user"), payload.get("date"))] += 1
    return counts


def outbox_rows(services: Services) -> list[DigestOutbox]:
    with unit_of_work(services.sessions) as session:
        return list(session.scalars(select(DigestOutbox).order_by(DigestOutbox.id)))


def rep_user(services: Services, rep_id: int) -> str:
    with unit_of_work(services.sessions) as session:
        rep = session.get(Rep, rep_id)
        assert rep is not None
        return rep.slack_user_id


FRIDAY = datetime(2026, 11, 27, tzinfo=UTC)


@dataclass
class Env:
    """A database with the fake Slack, a settable clock and a recorded sleep, for sweeps."""

    services: Services
    fake: FakeSlack
    clock: Clock
    composer: TinyComposer
    sleep: FakeSleep

    def sweep(self, at: datetime | None = None, **kwargs: object) -> SweepReport:
        if at is not None:
            self.clock.set(at)
        kwargs.setdefault("options", FAST)
        return sweep(
            self.services,
            self.clock(),
            composer=self.composer,
            metadata=digest_metadata,
            sleep=self.sleep,
            **kwargs,  # type: ignore[arg-type]
        )

    def rep(self, user_id: str, tz: str | None, **kwargs: object) -> int:
        return add_rep(self.services, user_id, tz, now=self.clock(), **kwargs)  # type: ignore[arg-type]


def open_env(database_url: str, fake: FakeSlack) -> Iterator[Env]:
    """The body of each sweep test module's `env` fixture (Friday 00:00 UTC)."""
    clock = Clock(FRIDAY)
    services = make_services(database_url, fake, clock)
    yield Env(services, fake, clock, TinyComposer(), FakeSleep())
    assert fake.validation_errors == []
    services.sessions.kw["bind"].dispose()
