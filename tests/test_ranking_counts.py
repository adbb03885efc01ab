"""Settled tries per (situation, tactic): the pure definition (bot.coach.revival) and the
one query that counts them in the database (store.tactic_counts), on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from bot.coach.revival import LoggedTouch, PairCount, pair_counts
from bot.domain import Outcome, Situation
from store.db import make_engine, make_session_factory, unit_of_work
from store.migrate import upgrade
from store.models import Prospect, Touch
from store.repo import ensure_rep, ensure_workspace
from store.tactic_counts import settled_pair_counts

TODAY = date(2026, 12, 3)
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
LONG_AGO = TODAY - timedelta(days=200)


def logged(order: int, prospect: int, outcome: Outcome, on: date, tactic: str = "a",
           situation: str = "said_no") -> LoggedTouch:  # fmt: skip
    return LoggedTouch(order, prospect, situation, tactic, outcome, on)


def test_a_try_revives_within_sixty_days_at_or_after_it() -> None:
    touches = [
        logged(1, 1, Outcome.NOTHING_NEW, LONG_AGO),
        logged(2, 1, Outcome.RE_ENGAGED, LONG_AGO + timedelta(days=60), tactic="b"),
        logged(3, 2, Outcome.NO_REPLY, LONG_AGO),
        logged(4, 2, Outcome.WON, LONG_AGO + timedelta(days=61), tactic="b"),
    ]
    counts = pair_counts(touches, TODAY)
    assert counts[("said_no", "a")] == PairCount(tries=2, revived=1)  # day 60 yes, day 61 no
    assert counts[("said_no", "b")] == PairCount(tries=2, revived=2)  # a revival is its own try


def test_same_day_counts_only_when_logged_after() -> None:
    touches = [
        logged(2, 1, Outcome.NOTHING_NEW, LONG_AGO),
        logged(1, 1, Outcome.RE_ENGAGED, LONG_AGO, tactic="b"),  # logged before the try
    ]
    assert pair_counts(touches, TODAY)[("said_no", "a")] == PairCount(1, 0)


def test_open_tries_count_by_the_time_waited_and_non_contacts_never() -> None:
    recent = TODAY - timedelta(days=10)
    touches = [
        logged(1, 1, Outcome.NOTHING_NEW, recent),  # may still revive: 10 days waited
        logged(2, 2, Outcome.NOTHING_NEW, recent),
        logged(3, 2, Outcome.RE_ENGAGED, recent + timedelta(days=2)),  # settled: revived
        logged(4, 3, Outcome.SNOOZED, LONG_AGO),
        logged(5, 3, Outcome.WALKED_AWAY, LONG_AGO),
        logged(6, 4, Outcome.NOTHING_NEW, TODAY - timedelta(days=61)),  # window closed
    ]
    counts = pair_counts(touches, TODAY)
    assert counts == {("said_no", "a"): PairCount(tries=3, revived=2, waiting_days=10)}
    assert counts[("said_no", "a")].weight == pytest.approx(3 + 10 / 60)


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    engine = make_engine(database_url)
    upgrade(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        yield session
    engine.dispose()


def _random_touches(rng: random.Random, prospects: int) -> list[tuple[int, LoggedTouch]]:
    """(prospect index, touch) with outcomes weighted like a real rotation."""
    outcomes = [Outcome.NO_REPLY, Outcome.NOTHING_NEW, Outcome.LEARNED, Outcome.NOT_NOW,
                Outcome.RE_ENGAGED, Outcome.WON, Outcome.SNOOZED, Outcome.WALKED_AWAY]  # fmt: skip
    touches = []
    for order in range(1, 400):
        index = rng.randrange(prospects)
        touches.append((index, LoggedTouch(
            order=order, prospect_id=index, situation=rng.choice(["said_no", "big_company"]),
            tactic_id=rng.choice(["new_ideas", "be_a_resource", "land_a_slice"]),
            outcome=rng.choices(outcomes, weights=[5, 4, 3, 2, 1, 1, 1, 1])[0],
            on=TODAY - timedelta(days=rng.randrange(0, 420)),
        )))  # fmt: skip
    return touches


def test_the_query_counts_what_the_definition_counts(session: Session) -> None:
    rng = random.Random(16)
    workspace = ensure_workspace(session, team_id="T1", now=NOW)
    other = ensure_workspace(session, team_id="T2", now=NOW)
    rep = ensure_rep(session, workspace=workspace, user_id="U1", now=NOW)
    stranger = ensure_rep(session, workspace=other, user_id="U9", now=NOW)
    prospects = [
        Prospect(workspace_id=ws.id, rep_id=r.id, name=f"P{i}", company="Acme",
                 situation=Situation.SAID_NO.value, status="dormant", created_on=LONG_AGO,
                 created_at=NOW, updated_at=NOW)
        for i, (ws, r) in enumerate([(workspace, rep)] * 30 + [(other, stranger)] * 5)
    ]  # fmt: skip
    session.add_all(prospects)
    session.flush()
    expected: list[LoggedTouch] = []  # this workspace's, as the definition reads them
    for index, touch in _random_touches(rng, len(prospects)):
        prospect = prospects[index]
        session.add(Touch(
            workspace_id=prospect.workspace_id, rep_id=prospect.rep_id, prospect_id=prospect.id,
            tactic_id=touch.tactic_id, outcome=touch.outcome.value, situation=touch.situation,
            touched_on=touch.on, idempotency_key=f"k{touch.order}", created_at=NOW,
        ))  # fmt: skip
        session.flush()  # ids follow the logging order
        # The year looked back over; a touch before it can revive no try inside it.
        if prospect.workspace_id == workspace.id and touch.on >= TODAY - timedelta(days=365):
            expected.append(touch)
    got = settled_pair_counts(session, workspace_id=workspace.id, today=TODAY)
    assert got == pair_counts(expected, TODAY)
    assert sum(c.tries for c in got.values()) > 50  # the data exercised something


def test_one_query_whatever_the_number_of_touches(session: Session) -> None:
    workspace = ensure_workspace(session, team_id="T1", now=NOW)
    statements: list[str] = []
    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    settled_pair_counts(session, workspace_id=workspace.id, today=TODAY)
    assert len([s for s in statements if "touches" in s]) == 1
