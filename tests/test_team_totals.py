"""bot.team.totals gives exactly the numbers bot.team.numbers counts from every touch, on
random sessions (SQLite and PostgreSQL): any reps, any group of them, any period, after
more touches are logged on days already counted and after prospects are deleted with
their touches; the stored totals equal a recount from scratch."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, event, func, select
from sqlalchemy.orm import Session

from bot.coach import TACTICS
from bot.domain import DecisionKind, Outcome, Situation, WalkAwayReason
from bot.team.day_totals import DayCounts, recount
from bot.team.numbers import Period, TeamNumbers, team_numbers
from bot.team.reading import load_team_rows
from bot.team.totals import load_team_totals, totals_numbers
from bot.workspace_settings import WorkspaceSettings
from store.db import make_engine, make_session_factory, unit_of_work
from store.migrate import upgrade
from store.models import Decision, Prospect, Rep, TeamDayTotal, Touch, Workspace
from store.repo import ensure_rep, ensure_workspace

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
START = date(2026, 6, 1)
DAYS = 170
SETTINGS = WorkspaceSettings()
# Learned text as typed, or as an import or a restore may have stored it: blank ones too.
TEXTS = (None, "", "  ", "\u2003\n", "budget moved to Q2", " new VP ")
TACTIC_IDS = sorted(TACTICS)[:6]
SITUATIONS = [s.value for s in Situation][:4]


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    engine = make_engine(database_url)
    upgrade(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        yield session
    engine.dispose()


class Office:
    """A workspace with random reps, prospects, touches and walk-aways."""

    def __init__(self, session: Session, rng: random.Random) -> None:
        self.session, self.rng, self.keys = session, rng, 0
        self.workspace: Workspace = ensure_workspace(session, team_id="T1", now=NOW)
        self.reps = [self.rep(f"U{n}") for n in range(4)]
        self.prospects = [self.prospect(rng.choice(self.reps)) for _ in range(12)]
        # Another workspace's busy rep: never counted.
        other = ensure_workspace(session, team_id="T2", now=NOW)
        stranger = ensure_rep(session, workspace=other, user_id="UX", now=NOW)
        session.flush()
        self.touches(80, prospects=[self.prospect(stranger, other)])

    def rep(self, user_id: str) -> Rep:
        rep = ensure_rep(self.session, workspace=self.workspace, user_id=user_id, now=NOW)
        self.session.flush()
        return rep

    def prospect(self, rep: Rep, workspace: Workspace | None = None) -> Prospect:
        prospect = Prospect(
            workspace_id=(workspace or self.workspace).id, rep_id=rep.id, name="Dana",
            company="Acme", situation=self.rng.choice(SITUATIONS), next_touch_on=self.day(),
            created_on=START, created_at=NOW, updated_at=NOW,
        )  # fmt: skip
        self.session.add(prospect)
        self.session.flush()
        return prospect

    def day(self) -> date:
        return START + timedelta(days=self.rng.randrange(DAYS))

    def touches(self, count: int, prospects: list[Prospect] | None = None) -> None:
        """Touches in runs on few days (several a day, revivals among them), by the
        prospect's rep or, now and then, another rep (a hand-over)."""
        rng = self.rng
        for _ in range(count):
            prospect = rng.choice(prospects or self.prospects)
            rep_id = prospect.rep_id if rng.random() < 0.8 or prospects else rng.choice(
                self.reps).id  # fmt: skip
            outcome = rng.choice(list(Outcome))
            self.keys += 1
            self.session.add(Touch(
                workspace_id=prospect.workspace_id, rep_id=rep_id, prospect_id=prospect.id,
                tactic_id=rng.choice(TACTIC_IDS), outcome=outcome.value,
                situation=rng.choice(SITUATIONS), learned=rng.choice(TEXTS),
                touched_on=START + timedelta(days=rng.randrange(0, DAYS, 3)),
                idempotency_key=f"k{self.keys}", created_at=NOW,
            ))  # fmt: skip
            if outcome is Outcome.WALKED_AWAY:
                self.session.add(Decision(
                    workspace_id=prospect.workspace_id, rep_id=rep_id, prospect_id=prospect.id,
                    kind=DecisionKind.WALK_AWAY.value,
                    reason=rng.choice([None, *[r.value for r in WalkAwayReason]]),
                    decided_on=self.day(), idempotency_key=f"d{self.keys}", created_at=NOW,
                ))  # fmt: skip
        self.session.flush()


def periods(rng: random.Random) -> list[Period]:
    found = [Period(START, START + timedelta(days=DAYS)),
             Period(date(2026, 9, 1), date(2026, 9, 30))]  # fmt: skip
    for _ in range(4):
        start = START + timedelta(days=rng.randrange(-10, DAYS))
        found.append(Period(start, start + timedelta(days=rng.randrange(0, 90))))
    return found


def both_ways(
    session: Session, office: Office, load: list[int], shown: list[int], period: Period,
    now: datetime | None,
) -> tuple[TeamNumbers, TeamNumbers]:  # fmt: skip
    """The numbers of `shown` from rows loaded for `load` (as the Home does), counted from
    every touch and from the totals."""
    args = {"workspace_id": office.workspace.id, "rep_ids": load, "period": period,
            "settings": SETTINGS, "now": now}  # fmt: skip
    rows = load_team_rows(session, **args)
    expected = team_numbers(period, shown, rows.touches, rows.walk_aways, rows.due, rows.today_of)
    return expected, totals_numbers(load_team_totals(session, **args), shown)


def check_all(session: Session, office: Office, rng: random.Random) -> None:
    ids = [rep.id for rep in office.reps]
    for period in periods(rng):
        for shown in (ids, ids[:2], [ids[3]]):
            load = ids if rng.random() < 0.5 else shown
            now = NOW if rng.random() < 0.5 else None
            expected, got = both_ways(session, office, load, shown, period, now)
            assert got == expected, (period, shown, load)


@pytest.mark.parametrize("seed", range(3))
def test_the_totals_give_the_numbers_counted_from_every_touch(session: Session, seed: int) -> None:
    rng = random.Random(seed)
    office = Office(session, rng)
    office.touches(400)
    check_all(session, office, rng)  # the first reads fill the totals
    check_all(session, office, rng)  # then they are read back

    office.touches(150)  # on days already counted, and new ones
    check_all(session, office, rng)
    gone = rng.sample(office.prospects, 3)
    session.execute(delete(Touch).where(Touch.prospect_id.in_([p.id for p in gone])))
    office.prospects = [p for p in office.prospects if p not in gone]
    check_all(session, office, rng)

    assert_stored_rows_are_recounts(session, office)


def assert_stored_rows_are_recounts(session: Session, office: Office) -> None:
    """Every stored row whose signature still matches its touches holds what counting
    those touches from scratch gives (a whole month: its days together)."""
    rows = list(session.scalars(select(TeamDayTotal)))
    assert {row.workspace_id for row in rows} == {office.workspace.id}
    months = [row for row in rows if row.days > 1]
    assert months, "a whole month of totals was stored"
    checked = 0
    for row in rows:
        days = [row.day + timedelta(days=n) for n in range(row.days)]
        fresh = recount(session, [(row.rep_id, day) for day in days])
        if not fresh:
            continue
        total = DayCounts()
        for _signature, counts in fresh.values():
            total.add(counts)
        signature = (sum(s[0] for s, _c in fresh.values()), max(s[1] for s, _c in fresh.values()),
                     sum(s[2] for s, _c in fresh.values()))  # fmt: skip
        if (row.touches, row.max_touch_id, row.touch_id_sum) != signature:
            continue  # stale: the next read counts it again
        stored = (row.contacts, row.learned, row.tries)
        assert stored == (total.contacts, total.learned, total.tries), (row.day, row.days)
        checked += 1
    assert checked > len(rows) // 2


def test_a_second_read_counts_no_touch_again(session: Session) -> None:
    rng = random.Random(11)
    office = Office(session, rng)
    office.touches(300)
    ids = [rep.id for rep in office.reps]
    period = Period(START, START + timedelta(days=DAYS))
    args = {"workspace_id": office.workspace.id, "rep_ids": ids, "period": period,
            "settings": SETTINGS, "now": NOW}  # fmt: skip
    first = totals_numbers(load_team_totals(session, **args), ids)
    statements: list[str] = []
    engine = session.get_bind()
    listen = lambda *a, **k: statements.append(str(a[2]))  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        again = totals_numbers(load_team_totals(session, **args), ids)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert again == first
    assert not any("team_day_totals" in s and "INSERT" in s.upper() for s in statements)
    assert not any("touches.learned" in s for s in statements), "no touch read one by one"
    assert len(statements) <= 8, statements
    count = session.scalar(select(func.count()).select_from(TeamDayTotal))
    assert count and count < session.scalar(select(func.count()).select_from(Touch))


def test_unknown_and_foreign_reps_give_empty_numbers(session: Session) -> None:
    office = Office(session, random.Random(5))
    stranger = session.scalar(select(Rep.id).where(Rep.slack_user_id == "UX"))
    assert stranger is not None
    period = Period(START, START + timedelta(days=DAYS))
    totals = load_team_totals(session, workspace_id=office.workspace.id, rep_ids=[stranger],
                              period=period, settings=SETTINGS, now=None)  # fmt: skip
    assert totals.reps == () and totals.days == {}
    assert totals_numbers(totals, []) == team_numbers(period, [], [])
