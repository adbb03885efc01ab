"""The weekly report's pieces: its week, when it is due, who gets it where, its numbers, its
summary blocks and how a refusal from Slack is read."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from bot.blocks.weekly_report import REPS_SHOWN, TEAMS_MAX, report_blocks, report_text
from bot.domain import Outcome, Situation
from bot.mrkdwn import MESSAGE_BLOCKS_MAX
from bot.reminders.mornings import MorningFacts, report_week_due
from bot.reminders.weekly import refused
from bot.team.numbers import TouchRow, WalkAwayRow
from bot.team.reading import RepName, TeamRows
from bot.team.recipients import DM, destinations, manager_rep_ids
from bot.team.report import ReportPart
from bot.team.roles import EVERYONE, TeamView
from bot.team.weekly import ReportWeek, TeamReport, team_report
from bot.workspace_settings import WorkspaceSettings
from store import outbox
from store.db import make_engine, make_session_factory, unit_of_work
from store.migrate import upgrade
from store.models import DigestOutbox, Rep, Team, TeamManager, Workspace
from store.repo import ensure_rep, ensure_workspace
from tests.fakeslack import blocks_text

SETTINGS = WorkspaceSettings()
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
W49 = ReportWeek(date(2026, 11, 30))

# --- the week --------------------------------------------------------------------------


def test_a_report_week_is_an_iso_week_and_the_one_before_the_sending_week() -> None:
    assert ReportWeek.parse("2026-W49") == W49 and W49.iso == "2026-W49"
    assert W49.sunday == date(2026, 12, 6) and W49.label == "week of November 30, 2026"
    assert W49.weeks[0] == date(2026, 10, 12) and W49.weeks[-1] == W49.monday
    assert len(W49.weeks) == 8
    for sent_on in (date(2026, 12, 7), date(2026, 12, 8), date(2026, 12, 13)):
        assert ReportWeek.before(sent_on) == W49
    assert ReportWeek.parse("2027-W01").monday == date(2027, 1, 4)
    assert ReportWeek.parse("2026-W53").iso == "2026-W53"  # 2026 has 53 ISO weeks
    for bad in ("2026-49", "W49", "2026-W7", "2025-W53"):
        with pytest.raises(ValueError):
            ReportWeek.parse(bad)


# --- when it is due ----------------------------------------------------------------------


def facts(zone: str = "UTC", workdays: frozenset[int] = frozenset(range(5)),
          paused_until: date | None = None) -> MorningFacts:  # fmt: skip
    return MorningFacts(ZoneInfo(zone), time(9, 0), workdays, paused_until)


def test_the_report_is_due_in_the_managers_first_workday_morning_keyed_by_monday() -> None:
    monday = date(2026, 12, 7)
    assert report_week_due(facts(), NOW, SETTINGS) == monday
    assert report_week_due(facts(), NOW - timedelta(minutes=1), SETTINGS) is None  # 08:59
    assert report_week_due(facts(), NOW + timedelta(hours=4), SETTINGS) is None  # cutoff
    assert report_week_due(facts(), NOW + timedelta(days=1), SETTINGS) is None  # Tuesday
    # Kolkata's Monday 09:00 is 03:30 UTC.
    kolkata = datetime(2026, 12, 7, 3, 30, tzinfo=UTC)
    assert report_week_due(facts("Asia/Kolkata"), kolkata, SETTINGS) == monday
    tuesday_first = facts(workdays=frozenset({1, 2, 3, 4, 5}))
    assert report_week_due(tuesday_first, NOW, SETTINGS) is None
    assert report_week_due(tuesday_first, NOW + timedelta(days=1), SETTINGS) == monday
    paused = facts(paused_until=date(2026, 12, 7))
    assert report_week_due(paused, NOW, SETTINGS) is None


# --- who gets it where -------------------------------------------------------------------


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    engine = make_engine(database_url)
    upgrade(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        yield session
    engine.dispose()


def people(session: Session, *users: str) -> tuple[Workspace, dict[str, Rep]]:
    workspace = ensure_workspace(session, team_id="T1", now=NOW)
    return workspace, {u: ensure_rep(session, workspace=workspace, user_id=u, now=NOW)
                       for u in users}  # fmt: skip


def team(session: Session, workspace: Workspace, name: str, managers: list[Rep],
         reps: list[Rep], channel: str | None = None) -> Team:  # fmt: skip
    made = Team(workspace_id=workspace.id, name=name, report_channel=channel, created_at=NOW,
                updated_at=NOW)  # fmt: skip
    session.add(made)
    session.flush()
    session.add_all(TeamManager(team_id=made.id, rep_id=m.id) for m in managers)
    for rep in reps:
        rep.team_id = made.id
    session.flush()
    return made


def where(session: Session, rep: Rep) -> list[tuple[str, str, list[str]]]:
    return [(d.key, d.channel, [v.name for v in d.views]) for d in destinations(session, rep)]


def test_managers_and_admins_get_reports_and_a_channel_team_goes_out_once(
    session: Session,
) -> None:
    ws, p = people(session, "UADM", "UMA", "UMB", "UGONE", "UR1", "UR2", "UR3")
    assert manager_rep_ids(session, ws.id) == set()
    p["UADM"].is_admin = True
    assert where(session, p["UADM"]) == [(DM, "UADM", [EVERYONE])]
    team(session, ws, "East", [p["UMA"]], [p["UR1"]])
    team(session, ws, "North", [p["UGONE"], p["UMB"], p["UMA"]], [p["UR2"]], channel="C0N")
    team(session, ws, "Orphans", [], [p["UR3"]], channel="C0O")
    p["UGONE"].deactivated_at = NOW  # a manager who left: the next one sends
    session.flush()
    assert manager_rep_ids(session, ws.id) == {p["UADM"].id, p["UMA"].id, p["UMB"].id}
    assert where(session, p["UMA"]) == [(DM, "UMA", ["East"]), ("C0N", "C0N", ["North"])]
    assert where(session, p["UMB"]) == [], "North posts in its channel, sent by UMA"
    # The admin sees every team; the team nobody manages posts through them.
    assert where(session, p["UADM"]) == [(DM, "UADM", ["East"]), ("C0O", "C0O", ["Orphans"])]
    assert where(session, p["UR1"]) == []


def test_a_report_sent_to_a_channel_is_never_taken_for_the_managers_dm(
    session: Session,
) -> None:
    ws, p = people(session, "UMA")
    day = date(2026, 12, 7)
    session.add_all([
        DigestOutbox(workspace_id=ws.id, rep_id=p["UMA"].id, local_date=day - timedelta(1),
                     status="sent", channel="DUMA", ts="1.0", created_at=NOW),
        DigestOutbox(workspace_id=ws.id, rep_id=p["UMA"].id, local_date=day,
                     kind=outbox.WEEKLY_REPORT, status="sent", channel="C0N", ts="2.0",
                     created_at=NOW),
    ])  # fmt: skip
    session.flush()
    assert outbox.known_dm_channels(session, rep_ids=[p["UMA"].id]) == {p["UMA"].id: "DUMA"}


# --- the numbers and the blocks -------------------------------------------------------------


def rows(names: list[str | None], touches: list[TouchRow]) -> TeamRows:
    reps = tuple(RepName(i, f"U{i}", name) for i, name in enumerate(names, start=1))
    walks = (WalkAwayRow(1, "said_no_final"),)
    return TeamRows(reps, {}, touches, walks, ())


def touch(
    n: int,
    rep: int,
    prospect: int,
    on: date,
    outcome: Outcome,
    tactic: str,
    situation: Situation = Situation.WENT_QUIET,
    learned: str | None = None,
) -> TouchRow:
    return TouchRow(n, rep, prospect, situation.value, tactic, outcome.value, on, learned)


def report_of(name: str, names: list[str | None], touches: list[TouchRow]) -> TeamReport:
    view = TeamView(7, name, tuple(range(1, len(names) + 1)))
    return team_report(view, W49, rows(names, touches), touches)


def test_a_teams_numbers_count_the_week_chart_eight_weeks_and_tactics_across_situations() -> None:
    tue = W49.monday + timedelta(days=1)
    touches = [
        touch(1, 1, 10, tue, Outcome.LEARNED, "new_ideas", learned="new owner"),
        touch(2, 1, 10, tue, Outcome.RE_ENGAGED, "new_ideas"),
        touch(3, 2, 11, tue - timedelta(weeks=3), Outcome.NO_REPLY, "new_ideas",
              Situation.CHOSE_COMPETITOR),
        touch(4, 2, 12, W49.sunday + timedelta(days=1), Outcome.WON, "real_reason"),  # after
    ]  # fmt: skip
    team = report_of("East", ["Ana", "Ana"], touches)
    assert team.names == {1: "Ana (U1)", 2: "Ana (U2)"}, "one name, told apart"
    assert (team.numbers.totals.contacts, team.numbers.totals.learned) == (2, 1)
    assert team.numbers.totals.revived == 1 and team.numbers.totals.walked_away == 1
    assert {(r.rep, r.week_start, r.contacts, r.learned) for r in team.figures.rep_weeks} == {
        ("Ana (U1)", W49.monday, 2, 1),
        ("Ana (U2)", W49.monday - timedelta(weeks=3), 1, 0),
    }
    [rate] = team.figures.tactics
    assert (rate.tactic, rate.situation, rate.tried, rate.revived) == ("Get their attention",
                                                                       None, 3, 2)  # fmt: skip
    assert team.weekly_contacts == [0, 0, 0, 0, 1, 0, 0, 2]


def test_the_summary_escapes_every_name_and_stays_within_slacks_limits() -> None:
    many = [f"Rep {i} <@U{i}>" for i in range(REPS_SHOWN + 3)]
    touches = [touch(i, i, i, W49.monday, Outcome.NOTHING_NEW, "homework")
               for i in range(1, len(many) + 1)]  # fmt: skip
    one = report_of("<!here> A&B", many, touches)
    text = blocks_text(report_blocks(W49, [one]))
    assert "&lt;!here&gt; A&amp;B" in text and "<!here>" not in text
    assert "&lt;@U1&gt;" in text and "<@U" not in text
    assert "…and 3 more reps" in text
    assert "&lt;!here&gt; A&amp;B" in report_text(W49, [one])
    teams = [report_of(f"Team {i}", ["Ana"], []) for i in range(TEAMS_MAX + 4)]
    blocks = report_blocks(W49, teams)
    assert len(blocks) <= MESSAGE_BLOCKS_MAX
    assert "4 more team(s)" in blocks_text(blocks)


# --- Slack's refusals ------------------------------------------------------------------------


def part(key: str) -> ReportPart:
    return ReportPart(key, "UMA" if key == DM else key, "text", [], ())


def test_a_report_refused_for_a_scope_or_a_channel_fails_its_row_not_the_workspace() -> None:
    scope = refused("missing_scope", part(DM))
    assert not scope.workspace_down and "files:write" in scope.error
    channel = refused("not_in_channel", part("C0N"))
    assert not channel.workspace_down and not channel.rep_unknown
    assert "/invite @Revive" in channel.error and "<#C0N>" in channel.error
    assert refused("token_revoked", part(DM)).workspace_down
    assert refused("user_not_found", part(DM)).rep_unknown
    assert not refused("channel_not_found", part("C0N")).rep_unknown
