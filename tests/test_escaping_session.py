"""End to end: a prospect named like a mass ping goes through a whole session and pings no one.

Every text Revive sends (ack bodies, ephemerals, response_url posts, messages and their
`text` fallbacks, modals, Home, DMs) is recorded by the fake Slack or the driver; none
may carry the hostile values unescaped.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import select

from bot import ids
from bot.domain import Outcome, ProspectStatus
from store.models import Prospect
from tests.conftest import LiveApp
from tests.digests import as_clicked, post_digest
from tests.fakeslack import Message, blocks_text
from tests.slack_driver import Response, plain_text, static_select
from tests.test_e2e_add import form
from tests.test_e2e_outcomes import click, open_card, opened_view, outcome_values, pick

NAME = "<!channel> <@U0BOSS> <https://evil.example|click>"
HOSTILE = ("<!channel>", "<@U0BOSS>", "<https://evil")
ESCAPED_NAME = "&lt;!channel&gt; &lt;@U0BOSS&gt; &lt;https://evil.example|click&gt;"


def strings(value: Any) -> Iterator[str]:
    """Every string inside a JSON-shaped value (keys too: nothing is exempt)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)


def unescaped(live: LiveApp, acks: list[Response]) -> list[str]:
    """Every recorded outgoing string that still carries a hostile value."""
    sent: list[tuple[str, Any]] = [(c.method, c.params) for c in live.fake.calls]
    sent += [(f"response_url {r.path}", r.body) for r in live.fake.responses]
    sent += [("ack", a.text) for a in acks]
    return [
        f"{where}: {text[:200]}"
        for where, payload in sent
        for text in strings(payload)
        if any(bad in text for bad in HOSTILE)
    ]


def the_prospect(live: LiveApp, name: str = NAME) -> Prospect:
    with live.session() as session:
        found = session.scalar(select(Prospect).where(Prospect.name == name))
        assert found is not None
        session.expunge(found)
        return found


def next_morning(live: LiveApp) -> Message:
    """Move the clock to the prospect's next due day (9:00 in New York) and send the digest."""
    due = the_prospect(live).next_touch_on
    assert due is not None
    live.clock.set(datetime.combine(due, time(14, 0), tzinfo=UTC))
    return post_digest(live, "U1")


def log_from_card(live: LiveApp, message: Message, outcome: Outcome, learned: str | None) -> None:
    pid = the_prospect(live).id
    updates = len(live.fake.calls_to("chat.update"))
    opened = len(live.fake.calls_to("views.open"))
    click(live, message, pid, f"{ids.TACTIC}:0")
    view = opened_view(live, opened + 1)
    answer = live.driver.view_submission(
        "U1",
        ids.OUTCOME_MODAL,
        outcome_values(outcome, learned),
        private_metadata=view["private_metadata"],
    )
    assert answer.status == 200 and answer.text == ""
    live.fake.wait_for("chat.update", updates + 1)


def test_a_hostile_name_is_escaped_in_everything_sent(live: LiveApp) -> None:
    acks: list[Response] = []
    driver = live.driver

    # Add in one line, then a second prospect through the modal (its confirmation is a DM).
    acks.append(
        driver.command(
            "U1",
            f"add {NAME}, Acme <!channel> Corp, said no, reason: <@U0BOSS> said so, "
            "note: <https://evil.example|click> here",
        )
    )
    assert "Added" in acks[-1].json()["text"]
    values = form(name="<!channel> Eve", company="<@U0BOSS> Inc", situation="went_quiet")
    acks.append(driver.view_submission("U1", ids.ADD_MODAL, values))
    live.fake.wait_for("chat.postMessage")
    acks.append(driver.command("U1", "list"))
    acks.append(driver.command("U1", NAME))  # not a command: echoed back in the help
    pid = the_prospect(live).id

    # The digest, its details, the tactic card and a first outcome.
    message = next_morning(live)
    assert ESCAPED_NAME in blocks_text(message.blocks)
    pick(live, message, pid, ids.MENU_DETAILS)
    opened_view(live, 1)
    log_from_card(live, message, Outcome.LEARNED, f"{NAME} moved the budget")

    # Two blank contacts on later mornings: the coach asks to re-evaluate.
    for _ in range(2):
        log_from_card(live, next_morning(live), Outcome.NOTHING_NEW, None)
    card = live.fake.wait_for(
        "chat.postMessage", predicate=lambda c: "Time to decide" in str(c.params.get("text"))
    )[0]
    assert ESCAPED_NAME in card.params["text"]

    # Walk away on the card, twice (the second click is told it was already decided).
    [reevaluate] = [m for m in live.fake.messages("U1") if m.text == card.params["text"]]
    stale = copy.deepcopy(reevaluate)
    select_ = next(
        e for b in reevaluate.blocks if b["type"] == "actions" for e in b["elements"]
        if e["action_id"] == ids.DECIDE_WALK_AWAY
    )
    option = next(o["value"] for o in select_["options"] if "not_a_fit" in o["value"])
    updates = len(live.fake.calls_to("chat.update"))
    for clicked in (reevaluate, stale):
        driver.block_action(
            "U1",
            ids.DECIDE_WALK_AWAY,
            action_type="static_select",
            block_id=f"{ids.REEVALUATE_BLOCK}:{pid}",
            selected_option=option,
            message=as_clicked(clicked),
            channel_id="DU1",
        )
    decided = live.fake.wait_for("chat.update", updates + 2)[-1]
    assert decided.params["text"] == f"Decided about {ESCAPED_NAME}."
    [already] = live.fake.wait_for_response(1)
    assert ESCAPED_NAME in already.body["text"] and "Already decided" in already.body["text"]
    assert the_prospect(live).status == ProspectStatus.WALKED_AWAY.value

    # A refused snooze names what was typed; stats; the Home tab lists the walked-away one.
    acks.append(driver.command("U1", f"snooze {NAME} in 2 weeks"))
    assert "can't find" in acks[-1].json()["text"]
    acks.append(driver.command("U1", "stats"))
    driver.event({"type": "app_home_opened", "user": "U1", "tab": "home"})
    live.fake.wait_for("views.publish")
    assert ESCAPED_NAME in blocks_text(live.fake.home_views["U1"]["blocks"])

    assert all(a.status == 200 for a in acks)
    assert unescaped(live, acks) == []
    assert live.fake.validation_errors == []


def test_the_checker_finds_a_hostile_value_anywhere() -> None:
    payload = {"blocks": [{"text": {"text": f"hi {NAME}"}}], "ok": True}
    assert any("<!channel>" in s for s in strings(payload))
    assert not any(bad in s for s in strings({"text": ESCAPED_NAME}) for bad in HOSTILE)


def test_a_stale_outcome_names_the_prospect_escaped(live: LiveApp) -> None:
    """The "changed since" refusal (an old card after a decision) reaches the rep escaped."""
    driver = live.driver
    driver.command("U1", f"add {NAME}, Acme, went quiet")
    prospect = the_prospect(live)
    message = next_morning(live)
    view = open_card(live, message, prospect.id)  # shown at this version
    pick(live, message, prospect.id, ids.MENU_WALK_AWAY)
    walk = opened_view(live, 2)
    reason = {ids.IN_WALK_REASON: {ids.IN_WALK_REASON: static_select("not_a_fit")}}
    reason[ids.IN_NOTE] = {ids.IN_NOTE: plain_text("<!channel> never again")}
    driver.view_submission("U1", ids.WALK_AWAY_MODAL, reason,
                           private_metadata=walk["private_metadata"])
    live.fake.wait_for("chat.update")
    answer = driver.view_submission(
        "U1", ids.OUTCOME_MODAL, outcome_values(Outcome.NO_REPLY),
        private_metadata=view["private_metadata"],
    )
    assert answer.status == 200
    refusal = live.fake.wait_for(
        "chat.postMessage", predicate=lambda c: "changed since" in str(c.params.get("text"))
    )[0]
    assert refusal.params["text"].startswith(ESCAPED_NAME)
    assert unescaped(live, [answer]) == []
