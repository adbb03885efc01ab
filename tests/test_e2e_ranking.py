"""End to end: the morning digest ranks tactics by the team's results, over the real sweep,
and managers pin or switch off tactics in the Coach settings modal (signed HTTP)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot import ids
from bot.domain import Outcome, Situation
from bot.reminders.sweep import sweep
from bot.services import Services
from bot.workspace_settings import settings_from_json
from store.models import Prospect, Rep, SettingsChange, Touch, Workspace
from tests.conftest import Clock, LiveApp
from tests.digests import seed
from tests.fakeslack import FakeSlack, blocks_text
from tests.slack_driver import multi_static_select, static_select
from tests.sweeping import FAST, FakeSleep
from tests.test_e2e_coach_settings import as_submitted, history_text, make_manager, open_modal
from tests.test_e2e_outcomes import click

TUESDAY = datetime(2026, 11, 24, 14, 5, tzinfo=UTC)  # 09:05 in New York
CONTRACT = Situation.COMPETITOR_CONTRACT
MINIMUM = f"{ids.IN_COACH_SETTING_PREFIX}ranking_min_outcomes"
PIN = f"{ids.IN_COACH_SETTING_PREFIX}pinned.competitor_contract"
OFF = f"{ids.IN_COACH_SETTING_PREFIX}off.competitor_contract"


@pytest.fixture
def team(live_any_db: LiveApp, fake_slack: FakeSlack, clock: Clock) -> LiveApp:
    """U1 with one prospect due inside its renewal window, and the team's record with the two
    tactics that fit it: Be a resource revived 8 of 10, Beat the renewal 1 of 10."""
    live = live_any_db
    fake_slack.add_user("U1", team_id="T1", tz="America/New_York", real_name="Riley Rep")
    fake_slack.add_user("UM", team_id="T1", tz="America/New_York", real_name="Morgan Lead")
    make_manager(live, "UM")
    seed(live, "Dana Reyes", "Acme Corp", situation=CONTRACT, competitor="Rival",
         contract_end=date(2027, 1, 15))  # fmt: skip
    record_outcomes(live, "be_a_resource", revived=8, tries=10)
    record_outcomes(live, "before_renewal", revived=1, tries=10)
    return live


def record_outcomes(live: LiveApp, tactic_id: str, *, revived: int, tries: int) -> None:
    """Tries months ago on prospects now closed (won or still silent), straight in the
    database as the team logged them: each revived try is itself the re-engaged touch."""
    now = live.clock()
    on = now.date() - timedelta(days=150)
    with live.session() as session, session.begin():
        rep = session.scalars(select(Rep).where(Rep.slack_user_id == "U1")).one()
        for i in range(tries):
            status, outcome = ("won", Outcome.RE_ENGAGED) if i < revived else ("walked_away",
                                                                              Outcome.NO_REPLY)
            prospect = Prospect(
                workspace_id=rep.workspace_id, rep_id=rep.id, name=f"Old {tactic_id} {i}",
                company="Past Co", situation=CONTRACT.value, status=status,
                created_on=on - timedelta(days=30), created_at=now, updated_at=now,
            )  # fmt: skip
            session.add(prospect)
            session.flush()
            session.add(Touch(
                workspace_id=rep.workspace_id, rep_id=rep.id, prospect_id=prospect.id,
                tactic_id=tactic_id, outcome=outcome.value, situation=CONTRACT.value,
                touched_on=on, idempotency_key=f"seed-{tactic_id}-{i}", created_at=now,
            ))  # fmt: skip


def morning(live: LiveApp, days_later: int = 0) -> list[dict[str, Any]]:
    """Run the real sweep at 09:05 New York time; U1's digest as posted."""
    at = TUESDAY + timedelta(days=days_later)
    live.clock.set(at)
    before = len(live.fake.calls_to("chat.postMessage"))
    services = Services(settings=live.settings, sessions=live.sessions, clock=live.clock)
    report = sweep(services, at, options=FAST, sleep=FakeSleep())
    assert report.sent == 1, report.lines
    posts = live.fake.calls_to("chat.postMessage")[before:]
    return [p for p in posts if p.params["channel"].startswith(("U1", "D"))][-1].params["blocks"]


def tactic_buttons(blocks: list[dict[str, Any]]) -> list[str]:
    return [
        e["text"]["text"]
        for b in blocks if b["type"] == "actions"
        for e in b["elements"] if e["action_id"].startswith(ids.TACTIC + ":")
    ]  # fmt: skip


def manager_saves(live: LiveApp, **entries: dict[str, Any]) -> Any:
    """The manager opens Coach settings and submits it with these inputs changed."""
    view = open_modal(live, "UM")
    values = as_submitted(view)
    for block_id, entry in entries.items():
        values[block_id] = {block_id: entry}
    return live.driver.view_submission(
        "UM", ids.COACH_SETTINGS_MODAL, values, private_metadata=view["private_metadata"]
    )


def stored(live: LiveApp) -> dict[str, Any]:
    with live.session() as session:
        return session.scalars(select(Workspace.settings)).one() or {}


def prospect_id(live: LiveApp) -> int:
    with live.session() as session:
        return session.scalars(select(Prospect.id).where(Prospect.name == "Dana Reyes")).one()


def number(text: str) -> dict[str, Any]:
    return {"type": "number_input", "value": text}


def test_below_the_minimum_the_playbook_order_is_kept(team: LiveApp) -> None:
    blocks = morning(team)
    assert tactic_buttons(blocks) == ["Beat the renewal", "Be a resource"]
    assert "like this in your workspace" not in blocks_text(blocks)
    before = len(team.fake.calls_to("views.open"))
    click(team, team.fake.messages("U1")[-1], prospect_id(team), f"{ids.TACTIC}:0")
    card = team.fake.wait_for("views.open", before + 1)[-1].params["view"]
    assert "Beat the renewal" in blocks_text(card["blocks"])
    assert "like this in your workspace" not in blocks_text(card["blocks"])


def test_the_tactic_that_revives_more_is_offered_first_with_its_numbers(team: LiveApp) -> None:
    response = manager_saves(team, **{MINIMUM: number("20")})
    assert response.status == 200 and not (response.json() or {}).get("response_action")
    assert stored(team)["coach"]["ranking_min_outcomes"] == 20
    for day in (1, 2):
        blocks = morning(team, days_later=day)
        assert tactic_buttons(blocks) == ["Be a resource", "Beat the renewal"]
        assert "Be a resource: revived 8 of 10 like this in your workspace." in blocks_text(blocks)
    # The tactic card opened from the digest says the same.
    digest = team.fake.messages("U1")[-1]
    before = len(team.fake.calls_to("views.open"))
    click(team, digest, prospect_id(team), f"{ids.TACTIC}:0")
    card = team.fake.wait_for("views.open", before + 1)[-1].params["view"]
    assert "Be a resource: revived 8 of 10 like this in your workspace." in blocks_text(
        card["blocks"]
    )


def test_a_pinned_tactic_stays_first(team: LiveApp) -> None:
    manager_saves(team, **{MINIMUM: number("0"), PIN: static_select("before_renewal")})
    assert stored(team)["tactics"] == {"competitor_contract": {"pinned": "before_renewal"}}
    for day in (1, 2, 3):
        assert tactic_buttons(morning(team, days_later=day))[0] == "Beat the renewal"
    history = history_text(open_modal(team, "UM"))
    assert "Locked into a contract: pinned first none → Beat the renewal" in history
    with team.session() as session:
        keys = set(session.scalars(select(SettingsChange.key)))
    assert "pinned.competitor_contract" in keys


def test_a_switched_off_tactic_never_shows(team: LiveApp) -> None:
    manager_saves(team, **{MINIMUM: number("0"), OFF: multi_static_select(["be_a_resource"])})
    assert settings_from_json(stored(team)).tactics.is_off(CONTRACT, "be_a_resource")
    for day in (1, 2, 3):
        blocks = morning(team, days_later=day)
        assert tactic_buttons(blocks) == ["Beat the renewal"]
        assert "Be a resource" not in blocks_text(blocks)


def test_switching_off_every_tactic_is_refused_inline(team: LiveApp) -> None:
    every = multi_static_select(["be_a_resource", "before_renewal"])
    response = manager_saves(team, **{OFF: every})
    answer = response.json()
    assert answer["response_action"] == "errors"
    assert "Keep at least one of" in answer["errors"][OFF]
    assert "tactics" not in stored(team)
    pinned_off = manager_saves(team, **{PIN: static_select("before_renewal"),
                                        OFF: multi_static_select(["before_renewal"])})  # fmt: skip
    assert "pinned" in pinned_off.json()["errors"][OFF]
    assert "tactics" not in stored(team)


def test_keep_going_never_names_a_switched_off_tactic(team: LiveApp) -> None:
    """The walk-away question's "keep going with …" follows the digest's offer: Be a resource
    switched off and Beat the renewal just tried leave nothing else to name."""
    manager_saves(team, **{MINIMUM: number("0"), OFF: multi_static_select(["be_a_resource"])})
    pid = prospect_id(team)
    now = team.clock()
    with team.session() as session, session.begin():
        dana = session.get(Prospect, pid)
        assert dana is not None
        dana.open_decision, dana.nothing_new_streak = "nothing_learned", 3
        session.add(Touch(
            workspace_id=dana.workspace_id, rep_id=dana.rep_id, prospect_id=pid,
            tactic_id="before_renewal", outcome=Outcome.NOTHING_NEW.value,
            situation=CONTRACT.value, touched_on=now.date() - timedelta(days=7),
            idempotency_key="seed-last-try", created_at=now,
        ))  # fmt: skip
    text = blocks_text(morning(team, days_later=1))
    assert "Decide:* walk away, or keep going?" in text
    assert "Be a resource" not in text
