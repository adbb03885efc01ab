"""bot.team.reading on SQLite and PostgreSQL: scoped rows, the revival tail, no query per rep."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from bot.domain import DecisionKind, Outcome, ProspectStatus, Situation
from bot.team.numbers import Period, TouchRow, team_numbers
from bot.team.reading import load_team_rows
from bot.workspace_settings import WorkspaceSettings
from store.db import make_engine, make_session_factory, unit_of_work
from store.migrate import upgrade
from store.models import Decision, Prospect, Rep, Touch, Workspace
from store.repo import ensure_rep, ensure_workspace

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # Nov 23 in New York, Nov 24 in Paris
NOV = Period(date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    engine = make_engine(database_url)
    upgrade(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        yield session
    engine.dispose()


class Seed:
    def __init__(self, session: Session, team_id: str = "T1") -> None:
        self.session = session
        self.workspace: Workspace = ensure_workspace(session, team_id=team_id, now=NOW)
        self.keys = 0

    def rep(self, user_id: str, tz: str = "America/New_York") -> Rep:
        rep = ensure_rep(self.session, workspace=self.workspace, user_id=user_id, now=NOW)
        rep.tz, rep.display_name = tz, f"Rep {user_id}"
        self.session.flush()
        return rep

    def prospect(self, rep: Rep, *, due: date | None = None, status: str = "dormant") -> Prospect:
        prospect = Prospect(
            workspace_id=self.workspace.id, rep_id=rep.id, name="Dana", company="Acme",
            situation=Situation.WENT_QUIET.value, status=status, next_touch_on=due,
            created_on=date(2026, 1, 1), created_at=NOW, updated_at=NOW,
        )  # fmt: skip
        self.session.add(prospect)
        self.session.flush()
        return prospect

    def touch(
        self, prospect: Prospect, outcome: Outcome, on: date, learned: str | None = None
    ) -> None:
        self.keys += 1
        self.session.add(
            Touch(
                workspace_id=self.workspace.id, rep_id=prospect.rep_id, prospect_id=prospect.id,
                tactic_id="real_reason", outcome=outcome.value, situation=prospect.situation,
                learned=learned, touched_on=on, idempotency_key=f"k{self.workspace.id}-{self.keys}",
                created_at=NOW,
            )
        )  # fmt: skip
        self.session.flush()

    def walk_away(self, prospect: Prospect, on: date, reason: str) -> None:
        self.keys += 1
        self.session.add(
            Decision(
                workspace_id=self.workspace.id, rep_id=prospect.rep_id, prospect_id=prospect.id,
                kind=DecisionKind.WALK_AWAY.value, reason=reason, decided_on=on,
                idempotency_key=f"d{self.workspace.id}-{self.keys}", created_at=NOW,
            )
        )  # fmt: skip
        self.session.flush()


def test_rows_are_the_reps_own_in_the_period_and_its_revival_tail(session: Session) -> None:
    seed = Seed(session)
    ny, paris, other = seed.rep("U1"), seed.rep("U2", tz="Europe/Paris"), seed.rep("U3")
    dana = seed.prospect(ny, due=date(2026, 11, 22))
    seed.prospect(ny, due=date(2026, 11, 23))  # due on U1's today: not overdue
    seed.prospect(paris, due=date(2026, 11, 23))  # before U2's today: overdue
    seed.prospect(paris, status=ProspectStatus.WON.value)  # not in rotation
    seed.touch(dana, Outcome.NO_REPLY, date(2026, 10, 31))  # before the period
    seed.touch(dana, Outcome.NO_REPLY, date(2026, 11, 1))
    seed.touch(dana, Outcome.LEARNED, date(2026, 11, 30), learned="new budget")
    seed.touch(dana, Outcome.RE_ENGAGED, NOV.read_until)  # the tail: read, not counted
    seed.touch(dana, Outcome.WON, NOV.read_until + timedelta(days=1))  # past the tail
    seed.touch(seed.prospect(other), Outcome.LEARNED, date(2026, 11, 5), learned="x")
    seed.walk_away(dana, date(2026, 11, 3), "unreachable")
    seed.walk_away(dana, date(2026, 11, 4), "unreachable")
    seed.walk_away(dana, date(2026, 10, 4), "other")  # before the period
    abroad = Seed(session, team_id="T2")  # another workspace: its rows never come back
    stranger = abroad.rep("U1")
    abroad.touch(abroad.prospect(stranger), Outcome.WON, date(2026, 11, 5))

    rows = load_team_rows(
        session, workspace_id=seed.workspace.id, rep_ids=[paris.id, ny.id, stranger.id],
        period=NOV, settings=WorkspaceSettings(), now=NOW,
    )  # fmt: skip

    assert [r.slack_user_id for r in rows.reps] == ["U2", "U1"]  # as asked; the stranger out
    assert rows.today_of == {ny.id: date(2026, 11, 23), paris.id: date(2026, 11, 24)}
    assert sorted((t.touched_on, t.outcome) for t in rows.touches) == [
        (date(2026, 11, 1), "no_reply"),
        (date(2026, 11, 30), "learned"),
        (NOV.read_until, "re_engaged"),
    ]
    numbers = team_numbers(
        NOV, rows.rep_ids, rows.touches, rows.walk_aways, rows.due, rows.today_of
    )
    by_rep = {r.rep_id: r for r in numbers.reps}
    assert (by_rep[ny.id].contacts, by_rep[ny.id].learned, by_rep[ny.id].revived) == (2, 1, 0)
    assert by_rep[ny.id].walk_reasons == (("unreachable", 2),)
    assert (by_rep[ny.id].overdue, by_rep[ny.id].in_rotation) == (1, 2)
    assert (by_rep[paris.id].overdue, by_rep[paris.id].in_rotation) == (1, 1)
    (pair,) = numbers.pairs
    assert (pair.tried, pair.revived) == (2, 1)  # Nov 30 is 60 days before the tail's day


def test_store_rows_and_plain_rows_give_the_same_numbers(session: Session) -> None:
    seed = Seed(session)
    rep = seed.rep("U1")
    prospects = [seed.prospect(rep) for _ in range(3)]
    outcomes = list(Outcome)
    for n in range(40):
        seed.touch(prospects[n % 3], outcomes[n % len(outcomes)], date(2026, 11, 1 + n % 30),
                   learned="something" if n % 4 == 0 else None)  # fmt: skip
    plain = [
        TouchRow(t.id, t.rep_id, t.prospect_id, t.situation, t.tactic_id, t.outcome,
                 t.touched_on, t.learned)
        for p in prospects for t in p.touches
    ]  # fmt: skip
    rows = load_team_rows(
        session, workspace_id=seed.workspace.id, rep_ids=[rep.id], period=NOV,
        settings=WorkspaceSettings(), now=NOW,
    )  # fmt: skip
    assert team_numbers(NOV, [rep.id], rows.touches) == team_numbers(NOV, [rep.id], plain)


def test_the_number_of_queries_does_not_grow_with_the_reps(session: Session) -> None:
    seed = Seed(session)
    reps = [seed.rep(f"U{n}") for n in range(6)]
    for rep in reps:
        seed.touch(seed.prospect(rep, due=date(2026, 11, 2)), Outcome.LEARNED, date(2026, 11, 2))
        seed.walk_away(rep.prospects[0], date(2026, 11, 3), "other")
    session.expire_all()

    def statements(rep_ids: list[int]) -> int:
        seen: list[str] = []
        engine = session.get_bind()
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            load_team_rows(
                session, workspace_id=seed.workspace.id, rep_ids=rep_ids, period=NOV,
                settings=WorkspaceSettings(), now=NOW,
            )  # fmt: skip
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        session.expire_all()
        return len(seen)

    one, six = statements([reps[0].id]), statements([r.id for r in reps])
    assert one == six <= 5
