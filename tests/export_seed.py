"""Seeding shared by the import and export tests.

`seed_reps`: reps on file in a workspace with the attributes a test needs (time zone,
display name, admin flag …), whichever way the test reaches the database. `seed_pipeline`:
a pipeline worth exporting: two reps, a team, prospects in several situations with
touches, a walk-away and a keep-going decision, a win, an event that brought one back, a
settings change, and values a spreadsheet or a CSV writer could trip on.
`seed_every_status`: more of U1's prospects, one in each status our CSV can carry
(re-engaged, won, walked away, do not contact).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import coach
from bot.domain import DecisionKind, EventKind, Outcome, Situation, WalkAwayReason
from bot.reps import RepContext, context_for, rep_context
from bot.usecases.adding import NewProspect, add_prospect
from bot.usecases.events import announce
from bot.usecases.outcomes import OutcomeInput, decide, log_outcome, mark_do_not_contact
from store.db import unit_of_work
from store.models import Prospect, Rep, SettingsChange, Team, TeamManager

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)

PROSPECTS_U1: list[NewProspect] = [
    NewProspect(
        "Dana Reyes",
        "Acme Corp",
        Situation.WENT_QUIET,
        email="dana@acme.example",
        proposal_sent_on=date(2026, 10, 2),
        referrer="Sam Lee",
    ),
    NewProspect(
        "José Müller",
        "Zürich, Söhne & Co",
        Situation.SAID_NO,
        phone="+41 44 123 45 67",
        stated_reason='"Too expensive",\nmaybe next year',
        note="Line one\nline two",
    ),
    NewProspect(
        '=HYPERLINK("http://x")',
        "@evil",
        Situation.MISSING_FEATURE,
        missing_feature="-SSO",
        note="+1 call",
    ),
    NewProspect(
        "Kim Park",
        "Initech",
        Situation.COMPETITOR_CONTRACT,
        competitor="Globex",
        contract_end=date(2027, 3, 31),
    ),
    NewProspect(
        "Lee Wong",
        "Hooli",
        Situation.CHOSE_COMPETITOR,
        competitor="Globex",
        decision_date=date(2026, 6, 1),
    ),
    NewProspect("Ann Bell", "Umbrella", Situation.UNHAPPY_WITH_PROVIDER, competitor="Soylent"),
]
PROSPECTS_U2: list[NewProspect] = [
    NewProspect("Pat Kent", "Vandelay", Situation.BIG_COMPANY, note="'=already quoted"),
    NewProspect("Max Ito", "Wonka", Situation.SAID_NO, stated_reason="budget"),
]


def rep(session: Session, user_id: str, now: datetime = NOW, team_id: str = "T1") -> RepContext:
    ctx = rep_context(session, team_id=team_id, user_id=user_id, now=now)
    return context_for(ctx.rep, ctx.workspace, now)


def seed_reps(
    sessions: sessionmaker[Session],
    people: Mapping[str, Mapping[str, Any]],
    *,
    team_id: str = "T1",
    now: datetime = NOW,
) -> None:
    """Each user a rep on file in `team_id`, with the Rep attributes given (tz, display_name,
    is_admin, …); the workspace is created on first sight."""
    with unit_of_work(sessions) as session:
        for user_id, attributes in people.items():
            ctx = rep(session, user_id, now, team_id)
            for name, value in attributes.items():
                setattr(ctx.rep, name, value)


def _log(
    session: Session,
    ctx: RepContext,
    prospect: Prospect,
    outcome: Outcome,
    now: datetime,
    **extra: Any,
) -> None:
    facts_choice = coach.tactics_for(_facts(prospect), [], ctx.today, ctx.settings.coach)
    tactic = facts_choice[0].tactic.id if facts_choice else "breakup_email"
    log_outcome(
        session,
        ctx,
        OutcomeInput(
            prospect_id=prospect.id,
            version=prospect.version,
            outcome=outcome,
            tactic_id=tactic,
            **extra,
        ),
        now=now,
    )


def _facts(prospect: Prospect) -> Any:
    from store.repo import prospect_facts

    return prospect_facts(prospect)


def seed_pipeline(sessions: sessionmaker[Session], now: datetime = NOW) -> None:
    """Workspace T1: reps U1 and U2 with prospects, history and a team (see module doc)."""
    seed_reps(sessions, {
        "U1": {"tz": "America/New_York", "reminder_time": time(8, 30),
               "display_name": "Riley Rep"},
        "U2": {"tz": "Europe/Paris", "is_admin": True, "paused_until": date(2026, 12, 1),
               "workdays": "0,1,2,3"},
    }, now=now)  # fmt: skip
    with unit_of_work(sessions) as session:
        u1, u2 = rep(session, "U1", now), rep(session, "U2", now)
        u1.workspace.settings = {"default_tz": "America/New_York", "digest_cutoff_hours": 3}
        u1.workspace.name = "Acme Sales"
        team = Team(
            workspace_id=u1.workspace.id,
            name="North",
            report_channel="C0NORTH",
            created_at=now,
            updated_at=now,
        )
        session.add(team)
        session.flush()
        u1.rep.team_id = team.id
        session.add(TeamManager(team_id=team.id, rep_id=u2.rep.id))
        session.add(
            SettingsChange(
                workspace_id=u1.workspace.id,
                changed_by="U2",
                changed_at=now,
                key="walk_away_after",
                old_value="3",
                new_value="4",
            )
        )
        for new in PROSPECTS_U1:
            add_prospect(session, u1, new, now=now)
        for new in PROSPECTS_U2:
            add_prospect(session, u2, new, now=now)
    _history(sessions, now)


def _history(sessions: sessionmaker[Session], now: datetime) -> None:
    """Touches over a few days, a decision each way, a win, and competitor news."""
    later = now + timedelta(days=1)
    with unit_of_work(sessions) as session:
        u1, u2 = rep(session, "U1", now), rep(session, "U2", now)
        by_name = {p.name: p for p in session.scalars(select(Prospect))}
        _log(session, u1, by_name["Dana Reyes"], Outcome.NO_REPLY, now)
        _log(
            session,
            u1,
            by_name["José Müller"],
            Outcome.LEARNED,
            now,
            learned="New CFO, budget opens in Q2",
        )
        _log(session, u1, by_name["Ann Bell"], Outcome.WON, now)
        _log(session, u2, by_name["Max Ito"], Outcome.CONTACT_LEFT, now, learned="Eve Ito")
        walked = by_name["Lee Wong"]
        decide(
            session,
            u1,
            prospect_id=walked.id,
            version=walked.version,
            kind=DecisionKind.WALK_AWAY,
            reason=WalkAwayReason.NOT_A_FIT,
            now=now,
            note="Wrong segment",
        )
        kept = by_name["Pat Kent"]
        decide(
            session,
            u2,
            prospect_id=kept.id,
            version=kept.version,
            kind=DecisionKind.KEEP_GOING,
            reason=None,
            now=now,
        )
    with unit_of_work(sessions) as session:
        u1 = rep(session, "U1", later)
        dana = session.scalars(select(Prospect).where(Prospect.name == "Dana Reyes")).one()
        _log(session, u1, dana, Outcome.NOTHING_NEW, later)
        announce(
            session,
            workspace=u1.workspace,
            kind=EventKind.COMPETITOR_NEWS,
            subject="Globex",
            announced_by="U1",
            today=u1.today,
            now=later,
        )


def rep_ids(session: Session) -> dict[str, int]:
    return {r.slack_user_id: r.id for r in session.scalars(select(Rep))}


# U1's prospects, one per status our CSV carries besides dormant.
EVERY_STATUS_U1: list[NewProspect] = [
    NewProspect("Rita Gold", "Stark Industries", Situation.WENT_QUIET, email="rita@stark.example"),
    NewProspect("Otto Brandt", "Cyberdyne", Situation.SAID_NO, stated_reason="No budget"),
    NewProspect("Nina Sky", "Tyrell Corp", Situation.BIG_COMPANY, note="Asked us to stop"),
    NewProspect("Carl Vance", "Oscorp", Situation.WENT_QUIET),
    NewProspect("Ola Berg", "Massive Dynamic", Situation.WENT_QUIET),
]


def seed_every_status(sessions: sessionmaker[Session], now: datetime = NOW) -> None:
    """Added on `now`, then on the next day: Rita re-engaged, Otto walked away (said no,
    final), Nina asked not to be contacted (walked away for good), Carl won and then asked
    not to be contacted (a customer keeps its status), Ola won."""
    with unit_of_work(sessions) as session:
        u1 = rep(session, "U1", now)
        added = {new.name: add_prospect(session, u1, new, now=now).prospect
                 for new in EVERY_STATUS_U1}  # fmt: skip
    later = now + timedelta(days=1)
    with unit_of_work(sessions) as session:
        u1 = rep(session, "U1", later)
        by_name = {n: session.get_one(Prospect, p.id) for n, p in added.items()}
        _log(session, u1, by_name["Rita Gold"], Outcome.RE_ENGAGED, later,
             learned="Meeting booked for the pilot")  # fmt: skip
        otto = by_name["Otto Brandt"]
        decide(session, u1, prospect_id=otto.id, version=otto.version,
               kind=DecisionKind.WALK_AWAY, reason=WalkAwayReason.SAID_NO_FINAL, now=later)
        _log(session, u1, by_name["Carl Vance"], Outcome.WON, later)
        _log(session, u1, by_name["Ola Berg"], Outcome.WON, later)
        for name in ("Nina Sky", "Carl Vance"):
            mark_do_not_contact(session, u1, prospect_id=by_name[name].id, now=later)
