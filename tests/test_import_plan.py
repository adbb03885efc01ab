"""bot.imports.plan on SQLite and PostgreSQL: duplicates, owners, one transaction, once."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.domain import Situation
from bot.imports import apply as applying
from bot.imports import plan as planning
from bot.imports.apply import apply_import
from bot.imports.plan import ImportPlan, parse_import, plan_import
from bot.imports.rows import DateOrder
from bot.imports.summary import preview_lines, report_csv, summarize
from bot.reps import RepContext, context_for
from bot.usecases.adding import NewProspect, add_prospect
from store.db import make_engine, make_session_factory, unit_of_work
from store.migrate import upgrade
from store.models import Prospect, Rep, Team, TeamManager, Workspace
from tests.export_seed import seed_reps

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    upgrade(engine)
    names = {"U1": "Riley Rep", "U2": "Sam Other", "U3": "Sam Other", "U4": "Gone Person"}
    people: dict[str, dict[str, object]] = {
        user: {"tz": "America/New_York", "display_name": name} for user, name in names.items()}
    people["U4"]["deactivated_at"] = NOW
    seed_reps(make_session_factory(engine), people, now=NOW)
    yield make_session_factory(engine)
    engine.dispose()


def context(session: Session, user: str = "U1") -> RepContext:
    rep = session.scalars(select(Rep).where(Rep.slack_user_id == user)).one()
    return context_for(rep, session.get_one(Workspace, rep.workspace_id), NOW)


def parsed(text: str, *, for_others: bool = False) -> planning.Parsed:
    return parse_import(text.encode(), today=NOW.date(), order=DateOrder.AUTO,
                        guess=DateOrder.MONTH_FIRST, for_others=for_others)


def plan_of(sessions: sessionmaker[Session], text: str, user: str = "U1",
            people: dict[str, Any] | None = None) -> ImportPlan:
    with unit_of_work(sessions) as session:
        me = context(session, user)
        return plan_import(session, me, parsed(text, for_others=True), people)


def run(sessions: sessionmaker[Session], text: str, user: str = "U1",
        people: dict[str, Any] | None = None) -> ImportPlan:
    with unit_of_work(sessions) as session:
        me = context(session, user)
        plan = plan_import(session, me, parsed(text, for_others=True), people, lock=True)
        apply_import(session, me, plan, now=NOW)
    return plan


def stored(sessions: sessionmaker[Session]) -> dict[str, str]:
    with unit_of_work(sessions) as session:
        rows = session.execute(
            select(Prospect.name, Rep.slack_user_id).join(Rep, Prospect.rep_id == Rep.id))
        return {name: user for name, user in rows}


def skipped(plan: ImportPlan) -> dict[int, str]:
    return {r.candidate.row: r.skipped for r in plan.rows if r.skipped is not None}


# --- duplicates --------------------------------------------------------------------------


def on_file(sessions: sessionmaker[Session], *prospects: NewProspect) -> None:
    with unit_of_work(sessions) as session:
        me = context(session)
        for new in prospects:
            add_prospect(session, me, new, now=NOW)


def test_duplicates_on_file_by_email_else_by_name_and_company(
    sessions: sessionmaker[Session]
) -> None:
    on_file(
        sessions,
        NewProspect("Dana Reyes", "Acme", Situation.SAID_NO, email="Dana@Acme.example"),
        NewProspect("Sam Lee", "Globex", Situation.SAID_NO),
        NewProspect("Kim Park", "Initech", Situation.SAID_NO, email="kim@initech.example"),
    )
    plan = plan_of(sessions, (
        "Name,Company,Situation,Email\n"
        "Dana R.,Acme Inc,said no,dana@acme.EXAMPLE\n"  # 2: same email, other spelling
        "sam  lee,GLOBEX,said no,sam@globex.example\n"  # 3: same name and company
        "Kim Park,Initech,said no,\n"  # 4: same name and company, no email
        "Kim Park,Initech,said no,other.kim@initech.example\n"  # 5: another Kim Park
        "Kim Park,Initech,said no,OTHER.kim@initech.example\n"  # 6: row 5 again
    ))
    assert skipped(plan) == {2: "already on file", 3: "already on file", 4: "already on file",
                             6: "same prospect as row 5"}
    assert [r.candidate.row for r in plan.ready] == [5]
    summary = summarize(plan)
    assert (summary.ready, summary.on_file, summary.in_file, summary.attention) == (1, 3, 1, 0)


def test_duplicates_count_only_the_owners_own_prospects(sessions: sessionmaker[Session]) -> None:
    on_file(sessions, NewProspect("Dana Reyes", "Acme", Situation.SAID_NO))
    plan = plan_of(sessions, "Name,Company,Situation\nDana Reyes,Acme,said no\n", user="U2")
    assert len(plan.ready) == 1


def test_importing_twice_adds_once(sessions: sessionmaker[Session]) -> None:
    text = "Name,Company,Situation\nDana Reyes,Acme,said no\nSam Lee,Globex,went quiet\n"
    first = run(sessions, text)
    second = run(sessions, text)
    assert len(first.ready) == 2 and len(second.ready) == 0 and len(second.on_file) == 2
    assert stored(sessions) == {"Dana Reyes": "U1", "Sam Lee": "U1"}


def test_every_ready_row_goes_in_one_transaction(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def failing(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the database went away")
        return add_prospect(*args, **kwargs)

    monkeypatch.setattr(applying, "add_prospect", failing)
    text = "Name,Company,Situation\n" + "".join(f"P{i},C{i},said no\n" for i in range(5))
    with pytest.raises(RuntimeError):
        run(sessions, text)
    assert stored(sessions) == {}


def test_the_coach_sets_each_first_date(sessions: sessionmaker[Session]) -> None:
    run(sessions, "Name,Company,Situation,Contract end\n"
                  "A,B,went quiet,\nC,D,competitor contract,2027-06-30\n")
    with unit_of_work(sessions) as session:
        due = dict(session.execute(select(Prospect.name, Prospect.next_touch_on)).all())
    assert due["A"] == NOW.date()  # they went quiet: now
    assert due["C"] == datetime(2027, 4, 1).date()  # 90 days before the contract ends


# --- owners ------------------------------------------------------------------------------

OWNED = ("Name,Company,Situation,Owner\n"
         "A,A Co,said no,\n"
         "B,B Co,said no,U2\n"
         "C,C Co,said no,sam@example.com\n"
         "D,D Co,said no,Sam Other\n"
         "E,E Co,said no,Gone Person\n"
         "F,F Co,said no,new@example.com\n"
         "G,G Co,said no,riley rep\n")
PEOPLE = {"sam@example.com": {"id": "U2", "profile": {"real_name": "Sam Other"}},
          "new@example.com": {"id": "U9", "tz": "Asia/Tokyo",
                              "profile": {"real_name": "New Person"}}}


def make_admin(sessions: sessionmaker[Session], user: str = "U1") -> None:
    with unit_of_work(sessions) as session:
        session.scalars(select(Rep).where(Rep.slack_user_id == user)).one().is_admin = True


def test_a_reps_owner_column_is_set_aside(sessions: sessionmaker[Session]) -> None:
    plan = run(sessions, OWNED)
    assert not plan.owners_read and len(plan.ready) == 7
    assert set(stored(sessions).values()) == {"U1"}


def test_an_admin_maps_owners_by_id_email_and_name(sessions: sessionmaker[Session]) -> None:
    make_admin(sessions)
    plan = run(sessions, OWNED, people=PEOPLE)
    assert skipped(plan) == {
        5: "Owner 'Sam Other' names 2 people: use their email",
        6: "Owner 'Gone Person' is deactivated in Slack",
    }
    assert stored(sessions) == {"A": "U1", "B": "U2", "C": "U2", "F": "U9", "G": "U1"}
    with unit_of_work(sessions) as session:
        newcomer = session.scalars(select(Rep).where(Rep.slack_user_id == "U9")).one()
        assert newcomer.tz == "Asia/Tokyo" and newcomer.tz_checked_at is not None
    assert ("Sam Other", 2) in summarize(plan).owners


def test_a_team_manager_may_only_hand_rows_to_their_team(
    sessions: sessionmaker[Session]
) -> None:
    with unit_of_work(sessions) as session:
        u1, u2, u3 = (session.scalars(select(Rep).where(Rep.slack_user_id == u)).one()
                      for u in ("U1", "U2", "U3"))
        team = Team(workspace_id=u1.workspace_id, name="East", created_at=NOW, updated_at=NOW)
        session.add(team)
        session.flush()
        session.add(TeamManager(team_id=team.id, rep_id=u1.id))
        u2.team_id = team.id
        u3.display_name = "Third Rep"
    text = ("Name,Company,Situation,Owner\nA,A Co,said no,U2\nB,B Co,said no,U3\n"
            "C,C Co,said no,new@example.com\nD,D Co,said no,nobody@example.com\n")
    plan = run(sessions, text, people={**PEOPLE, "nobody@example.com": None})
    assert skipped(plan) == {
        3: "Owner 'U3' is not in a team you manage",
        4: "Owner 'new@example.com' is not in a team you manage",
        5: "Owner 'nobody@example.com': no one in this Slack has that email",
    }
    assert stored(sessions) == {"A": "U2"}


# --- what people read --------------------------------------------------------------------


def test_the_preview_says_everything_in_lines(sessions: sessionmaker[Session]) -> None:
    plan = plan_of(sessions, "Name,Company,Situation,Close Date,Extra\n"
                             "A,B,said no,03/04/2026,x\n,B,said no,,\n")
    lines = preview_lines(summarize(plan))
    assert lines[0] == "Rows read: 2 (UTF-8, comma-separated)"
    assert "Ready to import: 1" in lines and "Need attention: 1" in lines
    assert "  row 3: No name: fill First Name and Last Name, or Name" in lines
    assert "Columns ignored: Extra" in lines
    assert any(line.startswith("Dates like 03/04/2026 were read as month/day") for line in lines)


def test_the_report_guards_formulas_and_keeps_each_rows_cells(
    sessions: sessionmaker[Session]
) -> None:
    plan = plan_of(sessions, "Name,Company,Situation,Note\n=HYPERLINK(1),Acme,banana,+1\n"
                             "Fine,Co,said no,ok\n")
    data = report_csv(plan)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["Row", "Why not imported", "Name", "Company", "Situation", "Note"]
    assert rows[1][:2] == ["2", "Situation 'banana' is not one Revive knows"]
    assert rows[1][2:] == ["'=HYPERLINK(1)", "Acme", "banana", "'+1"]
    assert len(rows) == 2  # the ready row is not in it


def test_a_file_without_a_name_column_or_rows_is_refused() -> None:
    with pytest.raises(planning.ImportRefused, match="can't find a name column"):
        parsed("Company,Situation\nAcme,said no\n")
    with pytest.raises(planning.ImportRefused, match="no prospects under it"):
        parsed("Name,Company\n")
