"""Tactic card, small modals and the re-evaluate card: content, escaping, Slack's limits."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot import coach, ids
from bot.blocks.prospect_modals import (
    Happened,
    details_modal,
    read_walk_reason,
    snooze_modal,
    walk_away_modal,
)
from bot.blocks.reevaluate import answered_blocks, reevaluate_blocks
from bot.blocks.tactic_card import (
    OUTCOME_CHOICES,
    next_date_block_id,
    outcome_modal,
    read_outcome_form,
)
from bot.domain import DecisionKind, Outcome, ProspectFacts, Situation, WalkAwayReason
from tests.fakeslack import blocks_text
from tests.slack_driver import datepicker, plain_text, radio, static_select

TODAY = date(2026, 11, 24)
HOSTILE = "<!channel> <@U123>"


def facts(**fields: Any) -> ProspectFacts:
    base: dict[str, Any] = dict(
        name="Dana Reyes",
        company="Acme Corp",
        situation=Situation.WENT_QUIET,
        created_on=TODAY - timedelta(days=30),
        id=7,
    )
    return ProspectFacts(**{**base, **fields})


def valid_view(view: dict[str, Any]) -> None:
    View(**view).to_dict()
    for block in view["blocks"]:
        parsed = Block.parse(block)
        assert parsed is not None
        parsed.to_dict()
    assert len(view["title"]["text"]) <= 24
    assert len(view.get("private_metadata", "")) <= ids.PRIVATE_METADATA_MAX
    assert len(view["blocks"]) <= 100


def card_for(f: ProspectFacts, tactic_id: str = "no_pressure") -> coach.playbook.TacticCard:
    return coach.tactic_card(coach.TACTICS[tactic_id], f, TODAY)


@pytest.mark.parametrize("tactic_id", sorted(set(coach.TACTICS) - {"homework"}))
def test_every_tactic_card_is_valid_and_fully_rendered(tactic_id: str) -> None:
    f = facts(competitor="Globex", missing_feature="SSO", referrer="Sam Lee")
    view = outcome_modal(f, card_for(f, tactic_id), today=TODAY, meta="{}", proposed=TODAY)
    valid_view(view)
    text = blocks_text(view["blocks"])
    assert "{" not in text and "None" not in text
    assert coach.TACTICS[tactic_id].source.author in text


def test_card_form_for_each_outcome_shows_the_inputs_it_needs() -> None:
    f = facts()
    for outcome, _, _ in OUTCOME_CHOICES:
        view = outcome_modal(
            f, card_for(f), today=TODAY, meta="{}", outcome=outcome, proposed=TODAY
        )
        valid_view(view)
        block_ids = {b.get("block_id") for b in view["blocks"]}
        assert (ids.IN_WALK_REASON in block_ids) == (outcome is Outcome.WALKED_AWAY)
        assert (ids.IN_SUCCESSOR in block_ids) == (outcome is Outcome.CONTACT_LEFT)
        leaves = outcome in (Outcome.WON, Outcome.RE_ENGAGED, Outcome.WALKED_AWAY)
        assert (next_date_block_id(outcome) in block_ids) == (not leaves)
        learned = next(b for b in view["blocks"] if b.get("block_id") == ids.IN_LEARNED)
        assert learned["optional"] == (outcome not in (Outcome.LEARNED, Outcome.CONTACT_LEFT))


def test_card_escapes_prospect_text() -> None:
    f = facts(name=HOSTILE, company=HOSTILE, last_learned=HOSTILE, referrer=HOSTILE)
    view = outcome_modal(f, card_for(f, "copy_referrer"), today=TODAY, meta="{}")
    valid_view(view)
    dumped = json.dumps(view["blocks"])
    assert "<!channel>" not in dumped and "<@U123>" not in dumped


def test_read_outcome_form() -> None:
    values = {
        ids.IN_OUTCOME: {ids.OUTCOME_SELECT: radio("contact_left")},
        ids.IN_LEARNED: {ids.IN_LEARNED: plain_text("  Pat took over  ")},
        ids.IN_SUCCESSOR: {ids.IN_SUCCESSOR: plain_text("Pat Kim")},
        next_date_block_id(Outcome.CONTACT_LEFT): {ids.IN_NEXT_DATE: datepicker("2026-12-03")},
    }
    form = read_outcome_form(values)
    assert form.outcome is Outcome.CONTACT_LEFT
    assert (form.learned, form.successor) == ("Pat took over", "Pat Kim")
    assert form.next_on == date(2026, 12, 3)
    assert form.next_block == next_date_block_id(Outcome.CONTACT_LEFT)
    forged = read_outcome_form({ids.IN_OUTCOME: {ids.OUTCOME_SELECT: radio("snoozed")}})
    assert forged.outcome is None and forged.next_on is None
    assert read_walk_reason({ids.IN_WALK_REASON: {ids.IN_WALK_REASON: static_select("x")}}) is None


def test_small_modals_are_valid() -> None:
    f = facts(name=HOSTILE)
    for view in (snooze_modal(f, TODAY, "{}"), walk_away_modal(f, "{}")):
        valid_view(view)
        assert "<!channel>" not in json.dumps(view["blocks"])


def test_details_modal_lists_history_newest_first_and_caps_it() -> None:
    f = facts(email="dana@acme.test", note=HOSTILE, contract_end=date(2027, 3, 1))
    history = [
        Happened(TODAY - timedelta(days=i), f"Entry {i}", HOSTILE if i == 0 else None)
        for i in range(60)
    ]
    view = details_modal(f, history, TODAY, "{}")
    valid_view(view)
    text = blocks_text(view["blocks"])
    assert text.index("Entry 0") < text.index("Entry 1\n")
    assert "Entry 45" not in text and "and 20 older entries" in text
    assert "March 1, 2027" in text and "dana@acme.test" in text
    mrkdwn = json.dumps([b for b in view["blocks"] if b["type"] != "header"])
    assert "<!channel>" not in mrkdwn
    assert "Nothing logged yet" in blocks_text(details_modal(f, [], TODAY, "{}")["blocks"])


def test_reevaluate_card_and_its_answer() -> None:
    f = facts(name=HOSTILE, nothing_new_streak=2)
    reevaluation = coach.Reevaluation(
        reason=WalkAwayReason.NOTHING_LEARNED,
        tried=("real_reason", "new_ideas"),
        nothing_new_count=2,
        next_tactic=coach.TACTICS["be_a_resource"],
    )
    blocks = reevaluate_blocks(f, 5, reevaluation)
    for block in blocks:
        Block.parse(block).to_dict()  # type: ignore[union-attr]
    assert "<!channel>" not in json.dumps(blocks)
    actions = blocks[-1]["elements"]
    walk = actions[0]
    values = [ids.decode_value(o["value"]) for o in walk["options"]]
    assert {v.option for v in values} == {r.value for r in WalkAwayReason}
    assert all((v.prospect_id, v.version) == (7, 5) for v in values)
    keep = ids.decode_value(actions[1]["value"])
    assert keep.tactic_id == "be_a_resource"
    title = coach.TACTICS["be_a_resource"].title
    assert actions[1]["text"]["text"] == f"Keep going with {title}"
    done = answered_blocks(f, DecisionKind.KEEP_GOING, None, TODAY + timedelta(days=7), TODAY)
    assert "December 1" in blocks_text(done)
    walked = answered_blocks(f, DecisionKind.WALK_AWAY, WalkAwayReason.UNREACHABLE, None, TODAY)
    assert "can't reach anyone" in blocks_text(walked)
