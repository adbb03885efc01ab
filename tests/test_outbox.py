"""The outbox on SQLite and PostgreSQL: idempotent enqueue, exclusive claims, leases, marks."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from store import outbox
from store.db import make_engine, make_session_factory, unit_of_work
from store.migrate import upgrade
from store.models import DigestOutbox
from store.repo import ensure_rep, ensure_workspace
from store.retries import retry_on_conflict

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
DAY = date(2026, 11, 24)
LEASE = timedelta(minutes=2)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


def seed(sessions: sessionmaker[Session], reps: int) -> list[outbox.DueDigest]:
    with unit_of_work(sessions) as session:
        workspace = ensure_workspace(session, team_id="T1", now=NOW)
        ids = [ensure_rep(session, workspace=workspace, user_id=f"U{n}", now=NOW).id
               for n in range(reps)]  # fmt: skip
        return [outbox.DueDigest(rep_id, DAY, workspace.id) for rep_id in ids]


def claim(
    sessions: sessionmaker[Session], owner: str, now: datetime = NOW, limit: int = 100
) -> list[outbox.Claimed]:
    with unit_of_work(sessions) as session:
        return outbox.claim(
            session, workspace_id=1, dates=[DAY], owner=owner, now=now, lease=LEASE,
            limit=limit, max_attempts=3,
        )  # fmt: skip


def row(sessions: sessionmaker[Session], row_id: int) -> DigestOutbox:
    with unit_of_work(sessions) as session:
        found = session.get(DigestOutbox, row_id)
        assert found is not None
        return found


def test_enqueue_is_idempotent(sessions: sessionmaker[Session]) -> None:
    due = seed(sessions, 3)
    with unit_of_work(sessions) as session:
        assert outbox.enqueue(session, list(reversed(due)) + due[:1], now=NOW) == 3
    with unit_of_work(sessions) as session:
        assert outbox.enqueue(session, due, now=NOW) == 0
        assert outbox.enqueue(session, [], now=NOW) == 0


def test_a_claim_is_exclusive_until_its_lease_expires(sessions: sessionmaker[Session]) -> None:
    due = seed(sessions, 3)
    with unit_of_work(sessions) as session:
        outbox.enqueue(session, due, now=NOW)
    first = claim(sessions, "a", limit=2)
    assert [c.rep_id for c in first] == [due[0].rep_id, due[1].rep_id]
    assert not any(c.in_doubt for c in first)
    assert [c.rep_id for c in claim(sessions, "b")] == [due[2].rep_id]
    assert claim(sessions, "c", NOW + LEASE) == [], "a lease ending exactly now still holds"
    again = claim(sessions, "c", NOW + LEASE + timedelta(seconds=1))
    assert len(again) == 3 and all(c.in_doubt and c.attempts == 2 for c in again)
    stale = row(sessions, first[0].id)
    assert (stale.status, stale.lease_owner) == ("sending", "c")
    with unit_of_work(sessions) as session:
        # The old owner lost its lease: its late mark changes nothing.
        assert not outbox.mark_sent(session, row_id=first[0].id, owner="a", channel="D1",
                                    ts="1.2", now=NOW, due_count=1, prospect_ids=[])  # fmt: skip
        assert outbox.mark_sent(session, row_id=first[0].id, owner="c", channel="D1",
                                ts="1.2", now=NOW, due_count=2, prospect_ids=[7, 8])  # fmt: skip
    done = row(sessions, first[0].id)
    assert (done.status, done.channel, done.ts, done.prospect_ids, done.lease_owner) == (
        "sent", "D1", "1.2", [7, 8], None)  # fmt: skip
    with unit_of_work(sessions) as session:
        assert outbox.known_dm_channel(session, rep_id=due[0].rep_id) == "D1"
        assert outbox.known_dm_channel(session, rep_id=due[1].rep_id) is None


def test_failed_rows_wait_then_retry_until_max_attempts(sessions: sessionmaker[Session]) -> None:
    due = seed(sessions, 1)
    with unit_of_work(sessions) as session:
        outbox.enqueue(session, due, now=NOW)
    now = NOW
    for attempt in (1, 2, 3):
        [claimed] = claim(sessions, "a", now)
        assert claimed.attempts == attempt
        with unit_of_work(sessions) as session:
            assert outbox.mark_failed(session, row_id=claimed.id, owner="a", error="x" * 500,
                                      retry_at=now + timedelta(minutes=1))  # fmt: skip
        assert claim(sessions, "a", now + timedelta(seconds=59)) == []
        now += timedelta(minutes=1)
    assert claim(sessions, "a", now + timedelta(hours=1)) == [], "max attempts reached"
    assert len(row(sessions, 1).last_error or "") == outbox.ERROR_MAX


def test_an_expired_lease_counts_as_an_attempt_then_the_row_is_given_up(
    sessions: sessionmaker[Session],
) -> None:
    with unit_of_work(sessions) as session:
        outbox.enqueue(session, seed(sessions, 1), now=NOW)
    now = NOW
    for attempt in (1, 2, 3):  # each claimer dies: its lease expires with no mark
        [claimed] = claim(sessions, f"died-{attempt}", now)
        assert claimed.attempts == attempt
        with unit_of_work(sessions) as session:
            assert outbox.give_up_expired(session, now=now, max_attempts=3) == []
        now += LEASE + timedelta(seconds=1)
    assert claim(sessions, "alive", now) == [], "three claims were three attempts"
    with unit_of_work(sessions) as session:
        [given_up] = outbox.give_up_expired(session, now=now, max_attempts=3)
        assert outbox.give_up_expired(session, now=now, max_attempts=3) == []
    assert (given_up.team_id, given_up.user_id, given_up.local_date) == ("T1", "U0", DAY)
    assert given_up.attempts == 3 and "gave up after 3 attempts" in given_up.error
    row_ = row(sessions, given_up.id)
    assert (row_.status, row_.lease_owner, row_.lease_until) == ("failed", None, None)
    assert claim(sessions, "alive", now + timedelta(hours=1)) == []


def test_a_closed_row_is_skipped_with_its_reason(sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as session:
        outbox.enqueue(session, seed(sessions, 1), now=NOW)
    [claimed] = claim(sessions, "a")
    with unit_of_work(sessions) as session:
        assert not outbox.close(session, row_id=claimed.id, owner="b", reason="not mine")
        assert outbox.close(session, row_id=claimed.id, owner="a", reason="rep deactivated")
    closed = row(sessions, claimed.id)
    assert (closed.status, closed.last_error, closed.lease_owner) == (
        "skipped", "closed: rep deactivated", None)  # fmt: skip
    assert claim(sessions, "a", NOW + timedelta(hours=1)) == []


def test_skipped_and_released_rows(sessions: sessionmaker[Session]) -> None:
    due = seed(sessions, 2)
    with unit_of_work(sessions) as session:
        outbox.enqueue(session, due, now=NOW)
    one, two = claim(sessions, "a")
    with unit_of_work(sessions) as session:
        assert outbox.mark_skipped(session, row_id=one.id, owner="a")
        assert outbox.release(session, row_id=two.id, owner="a", error="invalid_auth")
    assert row(sessions, one.id).status == "skipped"
    released = row(sessions, two.id)
    assert (released.status, released.attempts, released.last_error) == (
        "failed", 0, "invalid_auth")  # fmt: skip
    [again] = claim(sessions, "b")
    assert again.id == two.id and not again.in_doubt
    with unit_of_work(sessions) as session:
        assert outbox.existing(session, workspace_id=1, dates=[DAY]).keys() == {
            (d.rep_id, DAY) for d in due
        }


def test_concurrent_claimers_never_share_a_row(sessions: sessionmaker[Session]) -> None:
    due = seed(sessions, 120)
    with unit_of_work(sessions) as session:
        outbox.enqueue(session, due, now=NOW)
    taken: dict[str, list[int]] = {f"w{n}": [] for n in range(4)}

    def work(owner: str) -> None:
        while True:
            got = retry_on_conflict(lambda: claim(sessions, owner, limit=7))
            if not got:
                return
            taken[owner].extend(c.id for c in got)

    threads = [threading.Thread(target=work, args=(owner,)) for owner in taken]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    everything = [i for ids in taken.values() for i in ids]
    assert sorted(everything) == list(range(1, 121))


def test_retry_on_conflict_retries_only_transient_errors() -> None:
    class Locked(Exception):
        pass

    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("BEGIN", {}, Locked("database is locked"))
        return "done"

    assert retry_on_conflict(flaky, sleep=lambda _: None) == "done"
    assert len(calls) == 3

    def broken() -> None:
        raise OperationalError("SELECT", {}, Locked("no such table"))

    with pytest.raises(OperationalError):
        retry_on_conflict(broken, sleep=lambda _: None)


def test_known_dm_channels_gives_each_reps_latest_channel(sessions: sessionmaker[Session]) -> None:
    first, second, _ = seed(sessions, 3)
    days = [DAY - timedelta(days=2), DAY - timedelta(days=1), DAY]
    with unit_of_work(sessions) as session:
        for on, channel in zip(days, ["D-old", "D-new", None], strict=True):
            session.add(DigestOutbox(workspace_id=1, rep_id=first.rep_id, local_date=on,
                                     status="sent" if channel else "pending", channel=channel,
                                     created_at=NOW))  # fmt: skip
        session.add(DigestOutbox(workspace_id=1, rep_id=second.rep_id, local_date=DAY,
                                 status="sent", channel="D-two", created_at=NOW))  # fmt: skip
    with unit_of_work(sessions) as session:
        reps = [first.rep_id, second.rep_id, 999]
        assert outbox.known_dm_channels(session, rep_ids=reps) == {
            first.rep_id: "D-new",
            second.rep_id: "D-two",
        }
        assert outbox.known_dm_channel(session, rep_id=first.rep_id) == "D-new"
        assert outbox.known_dm_channels(session, rep_ids=[]) == {}
