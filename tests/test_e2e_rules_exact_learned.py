"""One definition of "learned something", through the Slack path: the rep logs outcomes on
the digest, and `/revive stats` and the Home tab count exactly what the coach counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot import coach, ids
from bot.domain import Outcome, Situation
from store.models import Touch
from store.repo import touch_facts
from tests.conftest import LiveApp
from tests.digests import post_digest, seed
from tests.fakeslack import blocks_text
from tests.test_e2e_rules_exact import click, log_card

# name, outcome, what the rep typed, whether it learned something (the playbook's word)
LOGGED = [
    ("Ann Lee", Outcome.LEARNED, "Their CFO left for Hooli", True),
    ("Ben Ito", Outcome.NOT_NOW, "Frozen until the merger closes", True),
    ("Cat Roy", Outcome.NOT_NOW, "   ", False),
    ("Dan Moe", Outcome.RE_ENGAGED, "Demo booked with the new CTO", True),
    ("Eva Sol", Outcome.WON, None, False),
    ("Fin Ray", Outcome.NOTHING_NEW, "they liked the demo", False),
    ("Gus Oak", Outcome.NO_REPLY, None, False),
    ("Hal Ng", Outcome.CONTACT_LEFT, "Sam Lee", True),
]


def stats_text(live: LiveApp) -> str:
    answer = live.driver.command("U1", "stats")
    assert answer.status == 200
    body: dict[str, Any] = answer.json()
    return body["text"] + "\n" + blocks_text(body.get("blocks", []))


def home_numbers(live: LiveApp) -> str:
    before = len(live.fake.calls_to("views.publish"))
    live.driver.event({"type": "app_home_opened", "user": "U1", "tab": "home"})
    live.fake.wait_for("views.publish", before + 1)
    blocks = live.fake.home_views["U1"]["blocks"]
    title = "Your numbers this month"
    at = next(i for i, b in enumerate(blocks) if b.get("text", {}).get("text") == title)
    return blocks_text(blocks[at : at + 2])


def test_stats_and_home_count_learning_as_the_coach_does(live: LiveApp) -> None:
    pids = {
        name: seed(live, name, "Acme Corp", situation=Situation.SAID_NO) for name, *_ in LOGGED
    }
    message = post_digest(live, "U1")
    for name, outcome, text, _ in LOGGED:
        if outcome is Outcome.NO_REPLY:
            click(live, message, pids[name], ids.NO_REPLY)
        else:
            assert log_card(live, message, pids[name], outcome, text).status == 200

    with live.session() as session:
        stored = list(session.scalars(select(Touch).order_by(Touch.id)))
        kept = {t.prospect_id: t.learned for t in stored}
        numbers = coach.tally(touch_facts(stored))
    assert kept[pids["Fin Ray"]] is None  # a nothing-new touch keeps no typed text
    learned = sum(1 for *_, did in LOGGED if did)
    assert (numbers.contacts, numbers.learned) == (len(LOGGED), learned) == (8, 4)

    said = stats_text(live)
    assert "Learned something new: *50%* (4 of 8)" in said
    assert "8 contacts, 50% learned something new, 2 revived" in said
    home = home_numbers(live)
    assert "*Contacts*\n8" in home and "*Learned something new*\n50%" in home
    assert "*Revived*\n2" in home
    assert live.fake.validation_errors == []
