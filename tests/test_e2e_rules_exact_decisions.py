"""One open decision per prospect, through the Slack path (PLAYBOOK.md section 3, rule 1).

The walk-away question is posted once per streak; while it is open the digest shows it
(same action ids as the card) instead of a tactic, and no second card comes. "Keep going"
starts a new streak; an older card answered after a newer decision changes nothing.
"""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import select

from bot import ids
from bot.domain import DecisionKind, ProspectStatus, Situation
from store.models import Decision
from tests.conftest import LiveApp
from tests.digests import as_clicked, post_digest, seed
from tests.fakeslack import Message, blocks_text
from tests.slack_driver import Response
from tests.test_e2e_rules_exact import (
    action_ids,
    cards,
    cards_posted,
    click,
    elements,
    next_morning,
    stored,
)


def decisions(live: LiveApp, pid: int) -> list[tuple[str, str | None]]:
    with live.session() as session:
        rows = session.scalars(select(Decision).where(Decision.prospect_id == pid))
        return [(d.kind, d.reason) for d in rows]


def silent_until_asked(live: LiveApp, pid: int, attempts: int = 3) -> Message:
    """`attempts` mornings of "No reply yet" on a prospect due today; returns the last card
    as it was posted (a copy: what a click on it carries, even once it was redrawn)."""
    message = post_digest(live, "U1")
    for attempt in range(attempts):
        if attempt:
            message = next_morning(live, pid)
        click(live, message, pid, ids.NO_REPLY)
    return copy.deepcopy(cards(live)[-1])


def element(blocks: list[dict[str, Any]], action_id: str) -> dict[str, Any]:
    return next(
        e
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == action_id
    )


def answer_card(
    live: LiveApp, card: Message, pid: int, action_id: str, reason: str | None = None
) -> Response:
    """Answer a re-evaluate card as it was posted (an old copy stays as it was)."""
    chosen = element(card.blocks, action_id)
    option = None
    if reason is not None:
        option = next(o["value"] for o in chosen["options"] if reason in o["value"])
    answer = live.driver.block_action(
        "U1",
        action_id,
        None if option else chosen["value"],
        block_id=f"{ids.REEVALUATE_BLOCK}:{pid}",
        action_type="static_select" if option else "button",
        selected_option=option,
        message={"type": "message", "ts": card.ts, "text": card.text, "blocks": card.blocks},
        channel_id="DU1",
    )
    live.wait_until_idle()
    return answer


def answer_digest(
    live: LiveApp, message: Message, pid: int, action_id: str, reason: str | None = None
) -> Response:
    """Answer the question where the digest shows it."""
    chosen = next(e for e in elements(message, pid) if e["action_id"] == action_id)
    option = None
    if reason is not None:
        option = next(o["value"] for o in chosen["options"] if reason in o["value"])
    answer = live.driver.block_action(
        "U1",
        action_id,
        None if option else chosen["value"],
        block_id=ids.prospect_block_id(pid, "actions"),
        action_type="static_select" if option else "button",
        selected_option=option,
        message=as_clicked(message),
        channel_id="DU1",
    )
    live.wait_until_idle()
    return answer


def snooze_a_week(live: LiveApp, message: Message, pid: int) -> None:
    info_id = ids.prospect_block_id(pid, "info")
    info = next(b for b in message.blocks if b.get("block_id") == info_id)
    option = next(
        o["value"]
        for o in info["accessory"]["options"]
        if ids.decode_value(o["value"]).option == ids.MENU_SNOOZE_WEEK
    )
    live.driver.block_action(
        "U1",
        ids.PROSPECT_MENU,
        block_id=ids.prospect_block_id(pid, "info"),
        action_type="overflow",
        selected_option=option,
        message=as_clicked(message),
        channel_id="DU1",
    )
    live.wait_until_idle()


def notices(live: LiveApp) -> list[str]:
    """What the clicker was told: ephemerals (clicks), or DMs (modal submissions)."""
    told = [str(r.body.get("text", "")) for r in live.fake.responses]
    dms = live.fake.calls_to("chat.postMessage")
    return told + [str(c.params.get("text", "")) for c in dms if c.params.get("channel") == "U1"]


# ---- asked once, shown on the digest until answered --------------------------------------------


def test_the_open_question_replaces_the_tactic_on_every_digest_until_answered(
    live: LiveApp,
) -> None:
    pid = seed(live, "Bo Chen", "Initech", situation=Situation.SAID_NO)
    card = silent_until_asked(live, pid)
    for _ in range(2):  # two more mornings: the same question, never a second card
        message = next_morning(live, pid)
        assert action_ids(message, pid) == [ids.DECIDE_WALK_AWAY, ids.DECIDE_KEEP_GOING]
        text = blocks_text(message.blocks)
        assert "3 tries in a row with no answer: walk away or keep going" in text
        assert "Decide:* walk away, or keep going with" in text
        snooze_a_week(live, message, pid)  # not an answer: the question stays open
        assert [c.ts for c in cards(live)] == [card.ts] and cards_posted(live) == 1
    assert stored(live, pid).open_decision == "unreachable"
    assert decisions(live, pid) == []
    assert live.fake.validation_errors == []


def test_went_quiet_after_the_final_notice_the_digest_asks_instead_of_more_cards(
    live: LiveApp,
) -> None:
    pid = seed(live, "Dana Reyes", situation=Situation.WENT_QUIET)
    silent_until_asked(live, pid, attempts=4)  # no referrer: four steps, the last one final
    message = next_morning(live, pid)
    assert ids.NO_REPLY not in action_ids(message, pid)
    assert "the final notice went unanswered: walk away or keep going" in blocks_text(
        message.blocks
    )
    assert cards_posted(live) == 1


# ---- answers: keep going starts a new streak, walk away closes it ------------------------------


def test_keep_going_on_the_digest_starts_a_new_streak(live: LiveApp) -> None:
    pid = seed(live, "Cy Diaz", "Vandelay", situation=Situation.BIG_COMPANY)
    silent_until_asked(live, pid)
    message = next_morning(live, pid)
    answer_digest(live, message, pid, ids.DECIDE_KEEP_GOING)
    [redrawn] = [m for m in live.fake.messages("U1") if m.ts == message.ts]
    assert "Keeping going" in blocks_text(redrawn.blocks)
    assert decisions(live, pid) == [(DecisionKind.KEEP_GOING.value, None)]
    row = stored(live, pid)
    assert (row.nothing_new_streak, row.unanswered_streak, row.open_decision) == (0, 0, None)
    # The next question needs the limit reached again: two silences ask nothing, the third does.
    for attempt in range(3):
        click(live, next_morning(live, pid), pid, ids.NO_REPLY)
        assert cards_posted(live) == (2 if attempt == 2 else 1)
    assert live.fake.validation_errors == []


def test_walk_away_on_the_digest_closes_the_question(live: LiveApp) -> None:
    pid = seed(live, "Eve Gold", "Globex", situation=Situation.SAID_NO)
    silent_until_asked(live, pid)
    message = next_morning(live, pid)
    answer_digest(live, message, pid, ids.DECIDE_WALK_AWAY, reason="unreachable")
    assert decisions(live, pid) == [(DecisionKind.WALK_AWAY.value, "unreachable")]
    row = stored(live, pid)
    assert row.status == ProspectStatus.WALKED_AWAY.value and row.open_decision is None
    [redrawn] = [m for m in live.fake.messages("U1") if m.ts == message.ts]
    assert "Walked away" in blocks_text(redrawn.blocks)


# ---- an older card after a newer decision ---------------------------------------------------


def test_an_older_card_answered_after_a_newer_decision_changes_nothing(live: LiveApp) -> None:
    pid = seed(live, "Fay Hu", "Hooli", situation=Situation.UNHAPPY_WITH_PROVIDER)
    first = silent_until_asked(live, pid)
    message = next_morning(live, pid)
    snooze_a_week(live, message, pid)  # the version moves on: the card is now an old copy
    answer_digest(live, next_morning(live, pid), pid, ids.DECIDE_KEEP_GOING)
    assert decisions(live, pid) == [(DecisionKind.KEEP_GOING.value, None)]
    before = stored(live, pid)

    answer_card(live, first, pid, ids.DECIDE_WALK_AWAY, reason="not_a_fit")
    assert any("Already decided: keep going with Fay Hu" in n for n in notices(live))
    assert decisions(live, pid) == [(DecisionKind.KEEP_GOING.value, None)]
    after = stored(live, pid)
    assert (after.status, after.version, after.next_touch_on) == (
        before.status,
        before.version,
        before.next_touch_on,
    )
    [old] = [m for m in live.fake.messages("U1") if m.ts == first.ts]
    assert "Keeping going" in blocks_text(old.blocks)  # redrawn with what was decided

    # A second streak asks again; the first card still cannot answer it.
    for _ in range(3):
        click(live, next_morning(live, pid), pid, ids.NO_REPLY)
    assert cards_posted(live) == 2 and stored(live, pid).open_decision == "unreachable"
    answer_card(live, first, pid, ids.DECIDE_KEEP_GOING)
    assert decisions(live, pid) == [(DecisionKind.KEEP_GOING.value, None)]
    assert stored(live, pid).open_decision == "unreachable"
    assert live.fake.validation_errors == []


def test_a_card_whose_question_is_still_open_can_answer_it_once(live: LiveApp) -> None:
    pid = seed(live, "Gus Ito", "Umbrella", situation=Situation.SAID_NO)
    card = silent_until_asked(live, pid)
    snooze_a_week(live, next_morning(live, pid), pid)  # only a date moved: still the question
    answer_card(live, card, pid, ids.DECIDE_KEEP_GOING)
    answer_card(live, card, pid, ids.DECIDE_KEEP_GOING)  # a double click
    assert decisions(live, pid) == [(DecisionKind.KEEP_GOING.value, None)]
    assert sum("Already decided" in n for n in notices(live)) == 1
    assert stored(live, pid).open_decision is None
