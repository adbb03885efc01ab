"""The digest builders: content, escaping, ids and Slack's limits."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from bot import coach, ids
from bot.blocks.digest import (
    MAX_PROSPECTS,
    digest_blocks,
    digest_text,
    fit,
    prospect_blocks,
    shown_in,
)
from bot.domain import Outcome, ProspectFacts, Situation
from bot.mrkdwn import MESSAGE_BLOCKS_MAX
from bot.usecases.digest import digest_metadata
from bot.usecases.reading import DueItem
from tests.fakeslack import blocks_text

ON = date(2026, 11, 24)


def item(
    pid: int = 1,
    name: str = "Dana Reyes",
    company: str = "Acme Corp",
    *,
    situation: Situation = Situation.WENT_QUIET,
    done: Outcome | None = None,
    version: int = 3,
    **fields: Any,
) -> DueItem:
    facts = ProspectFacts(
        name=name,
        company=company,
        situation=situation,
        created_on=ON - timedelta(days=40),
        id=pid,
        last_touch_on=ON - timedelta(days=12),
        next_touch_on=ON if done is None else ON + timedelta(days=7),
        **fields,
    )
    return DueItem(
        facts=facts,
        version=version,
        choices=tuple(coach.tactics_for(facts, [], ON)),
        why=coach.due_reason(facts, [], ON),
        days_dormant=12,
        done=done,
    )


def valid(blocks: list[dict[str, Any]]) -> None:
    assert len(blocks) <= MESSAGE_BLOCKS_MAX
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None
        parsed.to_dict()
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    assert len(block_ids) == len(set(block_ids)), "block ids must be unique in a message"
    for block in blocks:
        if block["type"] == "actions":
            action_ids = [e["action_id"] for e in block["elements"]]
            assert len(action_ids) == len(set(action_ids))


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def test_one_prospect_shows_who_why_tactics_and_menu() -> None:
    one = item(stated_reason="budget", competitor="Globex")
    blocks = digest_blocks([one], ON, more_in_home=0)
    valid(blocks)
    text = blocks_text(blocks)
    assert "1 prospect to revive today" in text
    assert "*Dana Reyes* (Acme Corp)" in text
    assert coach.SITUATIONS[Situation.WENT_QUIET].label in text
    assert f"Why today:* {one.why}" in text
    assert "12 days dormant" in text
    tactic_buttons = [b for b in buttons(blocks) if ids.TACTIC_PATTERN.match(b["action_id"])]
    assert [b["text"]["text"] for b in tactic_buttons] == [c.tactic.title for c in one.choices]
    value = ids.decode_value(tactic_buttons[0]["value"])
    assert value == ids.ActionValue(1, 3, one.choices[0].tactic.id, None, ON.isoformat())
    assert any(b["action_id"] == ids.NO_REPLY for b in buttons(blocks))
    menu = blocks[2]["accessory"]
    assert menu["action_id"] == ids.PROSPECT_MENU
    options = [ids.decode_value(o["value"]).option for o in menu["options"]]
    assert options == [
        ids.MENU_SNOOZE_WEEK,
        ids.MENU_SNOOZE_PICK,
        ids.MENU_WALK_AWAY,
        ids.MENU_DETAILS,
    ]


def test_prospect_without_choices_still_reaches_details() -> None:
    bare = DueItem(facts=item().facts, version=1, choices=(), why="due", days_dormant=1)
    blocks = prospect_blocks(bare, ON)
    valid(blocks)
    assert [ids.decode_value(b["value"]).option for b in buttons(blocks)] == [ids.MENU_DETAILS]


def test_no_items_is_just_the_header() -> None:
    blocks = digest_blocks([], ON, more_in_home=0)
    valid(blocks)
    assert "0 prospects to revive today" in blocks_text(blocks)


def test_many_items_each_with_unique_blocks_and_last_learned() -> None:
    items = [item(i, f"Person {i}", last_learned=f"fact {i}") for i in range(1, 6)]
    blocks = digest_blocks(items, ON, more_in_home=0)
    valid(blocks)
    text = blocks_text(blocks)
    assert "5 prospects to revive today" in text
    for i in range(1, 6):
        assert f"last learned: \u201cfact {i}\u201d" in text
    assert shown_in(blocks) == ([1, 2, 3, 4, 5], 0)


@pytest.mark.parametrize("hostile", ["<!channel>", "<@U123>", "<https://x.io|click> & co"])
def test_user_text_is_escaped(hostile: str) -> None:
    evil = item(name=hostile, company=hostile, last_learned=hostile, competitor=hostile)
    blocks = digest_blocks([evil], ON, more_in_home=0)
    valid(blocks)
    text = json.dumps(blocks)
    assert "<!channel>" not in text and "<@U123>" not in text and "<https" not in text
    assert "&lt;" in blocks_text(blocks)


def test_overflow_most_urgent_first_and_rest_to_home() -> None:
    items = [item(i, f"Person {i}", last_learned="x" * 2000) for i in range(1, 41)]
    shown, more = fit(items, 2)
    assert len(shown) == MAX_PROSPECTS and more == 40 - MAX_PROSPECTS + 2
    blocks = digest_blocks(items, ON, more_in_home=2)
    valid(blocks)
    assert len(blocks) <= 50
    ids_shown, more_read = shown_in(blocks)
    assert ids_shown == list(range(1, MAX_PROSPECTS + 1))
    assert more_read == more
    text = blocks_text(blocks)
    assert f"{more} more prospects due: see your Home tab" in text
    assert "42 prospects to revive today" in text


def test_exactly_full_digest_has_no_more_line() -> None:
    items = [item(i) for i in range(1, MAX_PROSPECTS + 1)]
    blocks = digest_blocks(items, ON, more_in_home=0)
    valid(blocks)
    assert "Home tab" not in blocks_text(blocks)


def test_done_item_shows_check_and_outcome_without_buttons() -> None:
    items = [item(1, done=Outcome.LEARNED, last_learned="moved to Q2"), item(2)]
    blocks = digest_blocks(items, ON, more_in_home=0)
    valid(blocks)
    first = prospect_blocks(items[0], ON)
    assert not buttons(first) and "accessory" not in first[0]
    text = blocks_text(first)
    assert ":white_check_mark:" in text and "Learned something new" in text
    assert "Next: December 1" in text
    assert "1 of 2 done" in blocks_text(blocks)
    assert buttons(prospect_blocks(items[1], ON))


def test_every_outcome_has_a_done_label() -> None:
    for outcome in Outcome:
        valid(prospect_blocks(item(done=outcome), ON))


def test_values_fit_slack_limits_with_long_ids() -> None:
    big = item(
        pid=2_000_000_000,
        version=999_999,
        situation=Situation.MISSING_FEATURE,
        missing_feature="SSO",
    )
    blocks = prospect_blocks(big, ON)
    valid(blocks)
    for option in blocks[0]["accessory"]["options"]:
        assert len(option["value"]) <= 150


def test_text_and_metadata() -> None:
    assert digest_text(1) == "1 prospect to revive today"
    assert digest_text(3) == "3 prospects to revive today"
    assert digest_metadata("T1", "U1", ON) == {
        "event_type": ids.DIGEST_EVENT_TYPE,
        "event_payload": {"team": "T1", "user": "U1", "date": "2026-11-24"},
    }
