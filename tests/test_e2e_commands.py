"""End to end: `/revive`, help, list, stats, snooze and unknown words over signed HTTP."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from slack_sdk.models.blocks import Block
from sqlalchemy import func, select

from bot import coach
from bot.domain import DecisionKind, Outcome, WalkAwayReason
from bot.reps import context_for
from bot.usecases.outcomes import OutcomeInput, decide, log_outcome
from store.db import unit_of_work
from store.models import Prospect, Rep, Touch
from store.repo import prospect_facts
from tests.conftest import LiveApp
from tests.fakeslack import blocks_text
from tests.slack_driver import Response

TODAY = date(2026, 11, 24)  # the clock fixture, in New York


def reply(response: Response) -> tuple[dict[str, Any], str]:
    """The ack body: an ephemeral with valid blocks; and everything it says."""
    assert response.status == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    for block in body.get("blocks", []):
        Block.parse(block).to_dict()  # type: ignore[union-attr]
    return body, body["text"] + "\n" + blocks_text(body.get("blocks", []))


def add(live: LiveApp, text: str, user: str = "U1", team_id: str | None = None) -> None:
    _body, said = reply(live.driver.command(user, f"add {text}", team_id=team_id))
    assert said.startswith("Added"), said


def prospect(live: LiveApp, name: str) -> Prospect:
    with live.session() as session:
        return session.scalars(select(Prospect).where(Prospect.name == name)).one()


def touch_count(live: LiveApp) -> int:
    with live.session() as session:
        return session.scalar(select(func.count()).select_from(Touch)) or 0


def log(live: LiveApp, name: str, outcome: Outcome, **extra: Any) -> None:
    """Log an outcome the way the digest will, straight through the use case."""
    with unit_of_work(live.sessions) as session:
        row = session.scalars(select(Prospect).where(Prospect.name == name)).one()
        rep = session.get(Rep, row.rep_id)
        assert rep is not None
        ctx = context_for(rep, rep.workspace, live.clock())
        tactic = coach.tactics_for(prospect_facts(row), [], ctx.today)[0].tactic.id
        given = OutcomeInput(
            prospect_id=row.id, version=row.version, outcome=outcome, tactic_id=tactic, **extra
        )
        log_outcome(session, ctx, given, now=live.clock())


# --- help and unknown words ------------------------------------------------------------


def test_bare_revive_and_help_show_the_quick_syntax(live: LiveApp) -> None:
    for text in ("", "help", "HELP"):
        _body, said = reply(live.driver.command("U1", text))
        for command in (
            "/revive add",
            "/revive list",
            "/revive stats",
            "/revive snooze",
            "/revive shipped",
            "/revive news",
            "/revive help",
        ):
            assert command in said
        assert "Dana Reyes, Acme Corp, went quiet" in said
    assert live.fake.validation_errors == []


def test_unknown_words_get_the_help_with_what_was_not_understood(live: LiveApp) -> None:
    body, said = reply(live.driver.command("U1", "frobnicate <!channel>"))
    assert "I didn't understand" in said
    assert "frobnicate &lt;!channel&gt;" in said
    assert "<!channel>" not in blocks_text(body["blocks"])
    assert "/revive add" in said
    assert live.fake.validation_errors == []


# --- list ------------------------------------------------------------------------------


def test_list_shows_only_your_dormant_prospects(live_any_db: LiveApp) -> None:
    live = live_any_db
    live.fake.add_user("U2", team_id="T1", tz="Europe/Paris")
    body, said = reply(live.driver.command("U1", "list"))
    assert "no dormant prospects yet" in said
    add(live, "Dana Reyes, Acme Corp, went quiet")
    add(live, "<!channel>, Initech, said no")
    add(live, "Won Deal, Globex, went quiet")
    add(live, "Pat Other, Hooli, went quiet", user="U2")
    log(live, "Won Deal", Outcome.WON)

    body, said = reply(live.driver.command("U1", "list"))
    assert "Dana Reyes" in said and "Acme Corp" in said
    assert "Went quiet / ghosted" in said and "Said no" in said
    assert "&lt;!channel&gt;" in said and "<!channel>" not in blocks_text(body["blocks"])
    assert "Won Deal" not in said  # won: no longer dormant
    assert "Pat Other" not in said  # someone else's
    assert "(2)" in said
    dana = prospect(live, "Dana Reyes")
    assert dana.next_touch_on is not None
    assert f"{dana.next_touch_on:%B} {dana.next_touch_on.day}" in said or "due today" in said
    assert live.fake.validation_errors == []


def test_a_long_list_is_capped(live: LiveApp) -> None:
    for i in range(45):
        add(live, f"Person {i:02d}, Company {i}, went quiet")
    body, said = reply(live.driver.command("U1", "list"))
    assert "(45)" in said
    assert "and 5 more" in said
    assert len(body["blocks"]) <= 50
    assert live.fake.validation_errors == []


# --- stats -----------------------------------------------------------------------------


def test_stats_counts_this_month(live: LiveApp) -> None:
    _body, said = reply(live.driver.command("U1", "stats"))
    assert "Contacts: *0*" in said
    add(live, "Ann, Acme, went quiet")
    add(live, "Bob, Initech, said no")
    add(live, "Cy, Globex, went quiet")
    add(live, "Di, Hooli, went quiet")
    log(live, "Ann", Outcome.LEARNED, learned="Budget opens in Q2", next_on=TODAY + timedelta(7))
    log(live, "Bob", Outcome.NO_REPLY)
    log(live, "Cy", Outcome.RE_ENGAGED)
    with unit_of_work(live.sessions) as session:
        row = session.scalars(select(Prospect).where(Prospect.name == "Di")).one()
        rep = session.get(Rep, row.rep_id)
        assert rep is not None
        decide(
            session,
            context_for(rep, rep.workspace, live.clock()),
            prospect_id=row.id,
            version=row.version,
            kind=DecisionKind.WALK_AWAY,
            reason=WalkAwayReason.NOT_A_FIT,
            now=live.clock(),
        )

    _body, said = reply(live.driver.command("U1", "stats"))
    assert "since November 1" in said
    assert "Contacts: *3*" in said
    assert "*33%* (1 of 3)" in said
    assert "Revived (meeting booked or won): *1*" in said
    assert "Walked away: *1*" in said
    assert "Dormant prospects in rotation: *2*" in said
    assert "not a fit (1)" in said
    # Another rep's numbers are their own.
    _body, said = reply(live.driver.command("U2", "stats"))
    assert "Contacts: *0*" in said
    assert live.fake.validation_errors == []


# --- snooze ----------------------------------------------------------------------------


def test_snooze_moves_the_prospect(live_any_db: LiveApp) -> None:
    live = live_any_db
    add(live, "Dana Reyes, Acme Corp, went quiet")
    before = prospect(live, "Dana Reyes")
    _body, said = reply(live.driver.command("U1", "snooze dana reyes 2 weeks"))
    assert "Snoozed *Dana Reyes*" in said
    after = prospect(live, "Dana Reyes")
    assert after.next_touch_on == date(2026, 12, 8)  # a Tuesday: a workday
    assert "December 8" in said
    assert after.version == before.version + 1
    assert touch_count(live) == 1
    with live.session() as session:
        assert session.scalars(select(Touch.outcome)).one() == Outcome.SNOOZED.value

    reply(live.driver.command("U1", "snooze Dana Reyes, Acme Corp March 3, 2027"))
    assert prospect(live, "Dana Reyes").next_touch_on == date(2027, 3, 3)
    assert touch_count(live) == 2
    assert live.fake.validation_errors == []


def test_snooze_errors_say_what_to_type_and_write_nothing(live: LiveApp) -> None:
    add(live, "Dana Reyes, Acme Corp, went quiet")
    add(live, "Sam Lee, Acme Corp, went quiet")
    add(live, "Sam Lee, Initech, said no")
    before = prospect(live, "Dana Reyes").next_touch_on
    cases = [
        ("snooze", "/revive snooze <prospect>"),
        ("snooze Dana Reyes", "I need a prospect and a date"),
        ("snooze Dana Reyes someday", "I need a prospect and a date"),
        ("snooze 2 weeks", "I need a prospect and a date"),
        ("snooze Dana Reyes today", "Pick a day after today"),
        ("snooze Dana Reyes 2026-01-01", "Pick a day after today"),
        ("snooze Nobody Here 2 weeks", "I can't find a dormant prospect of yours named"),
        ("snooze <!channel> 2 weeks", "&lt;!channel&gt;"),
    ]
    for text, expected in cases:
        _body, said = reply(live.driver.command("U1", text))
        assert expected in said, (text, said)
    _body, said = reply(live.driver.command("U1", "snooze Sam Lee in 3 days"))
    assert "2 prospects named *Sam Lee*" in said
    assert "/revive snooze Sam Lee, Initech in 3 days" in said
    assert touch_count(live) == 0
    assert prospect(live, "Dana Reyes").next_touch_on == before
    assert live.fake.validation_errors == []


def test_nobody_can_snooze_someone_elses_prospect(live: LiveApp) -> None:
    live.fake.add_user("U9", team_id="T2", tz="UTC")
    add(live, "Dana Reyes, Acme Corp, went quiet")
    before = prospect(live, "Dana Reyes")
    for user, team in (("U2", None), ("U9", "T2"), ("U1", "T2")):
        _body, said = reply(live.driver.command(user, "snooze Dana Reyes 2 weeks", team_id=team))
        assert "I can't find a dormant prospect of yours" in said, (user, team)
    after = prospect(live, "Dana Reyes")
    assert (after.next_touch_on, after.version) == (before.next_touch_on, before.version)
    assert touch_count(live) == 0
    assert live.fake.validation_errors == []
