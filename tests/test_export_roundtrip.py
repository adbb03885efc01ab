"""Our CSV export imported into an empty workspace and exported again is the same file:
every field the CSV carries comes back (what describes each prospect, its status, next
touch, last touch, last learned, a walk-away's reason and day, do not contact).

Goes through the importer's own entry points (parse → plan → apply, as `/revive import`
and `revive import` do), on SQLite and PostgreSQL: the pipeline is seeded in workspace T1,
each rep's export is imported by the same Slack user in the empty workspace T2.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.domain import ProspectStatus, Situation, WalkAwayReason
from bot.imports.apply import IMPORTED_WALK_AWAY, apply_import
from bot.imports.columns import EXPORT_HEADERS
from bot.imports.export import csv_file_bytes, csv_text, exported_prospects
from bot.imports.plan import parse_import, plan_import
from bot.imports.rows import DateOrder
from bot.team.review import stays_closed
from bot.usecases.adding import NewProspect, add_prospect
from store.db import make_engine, make_session_factory, unit_of_work
from store.migrate import upgrade
from store.models import Decision, Prospect, Rep, Workspace
from tests.export_seed import NOW, rep, seed_every_status, seed_pipeline, seed_reps

LATER = NOW + timedelta(days=1)  # the seed's last touches are on this day: export and import
TARGET = {"U1": {"tz": "America/New_York"}, "U2": {"tz": "Europe/Paris", "workdays": "0,1,2,3"}}


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield make_session_factory(engine)
    engine.dispose()


def export_of(sessions: sessionmaker[Session], user: str, team_id: str) -> str:
    with unit_of_work(sessions) as session:
        workspace = session.scalars(select(Workspace).where(Workspace.team_id == team_id)).one()
        owner = session.scalars(
            select(Rep).where(Rep.workspace_id == workspace.id, Rep.slack_user_id == user)
        ).one()
        text, _count = csv_text(exported_prospects(session, workspace=workspace, rep=owner))
    return text


def import_as(sessions: sessionmaker[Session], data: bytes, user: str, team_id: str,
              now: datetime) -> list[str]:
    """Import `data` as `user` of `team_id`; the reasons of the rows that were not imported."""
    with unit_of_work(sessions) as session:
        me = rep(session, user, now, team_id)
        parsed = parse_import(data, today=me.today, order=DateOrder.AUTO,
                              guess=DateOrder.MONTH_FIRST, for_others=False)
        plan = plan_import(session, me, parsed, lock=True)
        apply_import(session, me, plan, now=now)
    return [f"row {r.candidate.row}: {r.skipped}" for r in plan.rows if r.skipped]


def rows(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert tuple(reader.fieldnames or ()) == EXPORT_HEADERS
    return list(reader)


def seeded(sessions: sessionmaker[Session]) -> None:
    seed_pipeline(sessions)
    seed_every_status(sessions)
    seed_reps(sessions, TARGET, team_id="T2", now=LATER)


@pytest.mark.parametrize("user", ["U1", "U2"])
def test_an_export_reimported_into_an_empty_workspace_exports_the_same_file(
    sessions: sessionmaker[Session], user: str
) -> None:
    seeded(sessions)
    exported = export_of(sessions, user, "T1")
    assert import_as(sessions, csv_file_bytes(exported), user, "T2", LATER) == []
    assert export_of(sessions, user, "T2") == exported


def test_the_file_is_not_trivial(sessions: sessionmaker[Session]) -> None:
    """Every status, every kind of cell: a round trip of this file proves something."""
    seeded(sessions)
    exported = rows(export_of(sessions, "U1", "T1"))
    assert {r["Status"] for r in exported} == {s.value for s in ProspectStatus}
    for header in EXPORT_HEADERS:
        assert any(r[header] for r in exported), f"no row fills {header}"
    by_name = {r["Name"]: r for r in exported}
    assert (by_name["Nina Sky"]["Walk-away reason"], by_name["Nina Sky"]["Do not contact"]) == (
        "do_not_contact", "yes")
    assert (by_name["Carl Vance"]["Status"], by_name["Carl Vance"]["Do not contact"]) == (
        "won", "yes")
    assert by_name["Rita Gold"]["Last learned"] == "Meeting booked for the pilot"


def _imported(sessions: sessionmaker[Session], name: str) -> tuple[Prospect, list[Decision]]:
    with unit_of_work(sessions) as session:
        prospect = session.scalars(
            select(Prospect).join(Workspace, Prospect.workspace_id == Workspace.id)
            .where(Workspace.team_id == "T2", Prospect.name == name)).one()
        decisions = list(prospect.decisions)
        session.expunge_all()
    return prospect, decisions


def test_walk_aways_come_back_with_their_decision_and_do_not_contact_stays_final(
    sessions: sessionmaker[Session],
) -> None:
    seeded(sessions)
    import_as(sessions, csv_file_bytes(export_of(sessions, "U1", "T1")), "U1", "T2", LATER)
    nina, [decision] = _imported(sessions, "Nina Sky")
    assert (nina.status, nina.next_touch_on, nina.do_not_contact) == ("walked_away", None, True)
    assert (decision.kind, decision.reason, decision.decided_on, decision.note) == (
        "walk_away", WalkAwayReason.DO_NOT_CONTACT.value, LATER.date(), IMPORTED_WALK_AWAY)
    assert stays_closed(nina, decision.reason)
    otto, [walked] = _imported(sessions, "Otto Brandt")
    assert (otto.do_not_contact, walked.reason) == (False, "said_no_final")
    carl, none = _imported(sessions, "Carl Vance")
    assert (carl.status, carl.do_not_contact, none) == ("won", True, [])


def test_the_same_export_imported_twice_adds_nothing_the_second_time(
    sessions: sessionmaker[Session],
) -> None:
    seeded(sessions)
    data = csv_file_bytes(export_of(sessions, "U1", "T1"))
    assert import_as(sessions, data, "U1", "T2", LATER) == []
    again = import_as(sessions, data, "U1", "T2", LATER)
    assert len(again) == len(rows(export_of(sessions, "U1", "T1")))
    assert all(reason.endswith("already on file") for reason in again)


def test_a_past_next_touch_is_due_on_the_reps_next_workday(
    sessions: sessionmaker[Session],
) -> None:
    """Imported on Saturday, November 28: a next touch before it is overdue, so due Monday
    (U1 works Monday to Friday); one still ahead is kept."""
    seeded(sessions)
    exported = rows(export_of(sessions, "U1", "T1"))
    saturday = datetime(2026, 11, 28, 15, 0, tzinfo=NOW.tzinfo)
    seed_reps(sessions, {"U1": {"tz": "America/New_York"}}, team_id="T3", now=saturday)
    data = csv_file_bytes(export_of(sessions, "U1", "T1"))
    assert import_as(sessions, data, "U1", "T3", saturday) == []
    after = {r["Name"]: r["Next touch"] for r in rows(export_of(sessions, "U1", "T3"))}
    before = {r["Name"]: r["Next touch"] for r in exported}
    assert before["Kim Park"] == "2026-11-25" and after["Kim Park"] == "2026-11-30"
    assert before["Dana Reyes"] == after["Dana Reyes"] == "2026-12-09"
    for name, was in before.items():
        if was and date.fromisoformat(was) < saturday.date():
            assert after[name] == "2026-11-30", name
        else:
            assert after[name] == was, name


# Prospects just added, with every field a rep can type (and text a spreadsheet trips on).
FRESH: list[NewProspect] = [
    NewProspect("Dana Reyes", "Acme Corp", Situation.WENT_QUIET, email="dana@acme.example",
                phone="+1 555 0100", proposal_sent_on=date(2026, 10, 2),
                proposal_expires_on=date(2026, 12, 2), referrer="Sam Lee", note="Met at SaaStr"),
    NewProspect("José Müller", "Zürich, Söhne & Co", Situation.SAID_NO,
                stated_reason='"Too expensive",\nmaybe next year', decision_date=date(2026, 9, 1)),
    NewProspect("=HYPERLINK(\"http://x\")", "@evil", Situation.MISSING_FEATURE,
                missing_feature="-SSO", note="'=already quoted"),
    NewProspect("Kim Park", "Initech", Situation.COMPETITOR_CONTRACT, competitor="Globex",
                contract_end=date(2027, 3, 31)),
    NewProspect("Lee Wong", "Hooli", Situation.CHOSE_COMPETITOR, competitor="Globex",
                decision_date=date(2026, 12, 15)),  # a decision still ahead stays ours
    NewProspect("Ann Bell", "Umbrella", Situation.UNHAPPY_WITH_PROVIDER, competitor="Soylent",
                contract_end=date(2027, 1, 15)),
    NewProspect("Max Ito", "Wonka Industries", Situation.BIG_COMPANY, email="max@wonka.example"),
]


def test_fresh_prospects_of_every_situation_round_trip(sessions: sessionmaker[Session]) -> None:
    seed_reps(sessions, {"U1": {"tz": "America/New_York"}})
    seed_reps(sessions, {"U1": {"tz": "America/New_York"}}, team_id="T2")
    with unit_of_work(sessions) as session:
        u1 = rep(session, "U1")
        for new in FRESH:
            add_prospect(session, u1, new, now=NOW)
    exported = export_of(sessions, "U1", "T1")
    assert len(rows(exported)) == len(FRESH)
    assert import_as(sessions, csv_file_bytes(exported), "U1", "T2", NOW) == []
    assert export_of(sessions, "U1", "T2") == exported
