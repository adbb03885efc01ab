"""Walk-away review, below the Slack path: the builders (limits, escaping, ids), the form's
checks, the coach transition, the hand-over marker, and the read model's window and order."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from sqlalchemy.orm import Session

from bot import ids
from bot.blocks.digest import prospect_blocks
from bot.blocks.walkaway_review import (
    ROWS_SHOWN_MAX,
    HandOverForm,
    RepChoice,
    WalkAwayRow,
    hand_over_modal,
    handover_line,
    read_hand_over,
    review_blocks,
)
from bot.domain import (
    DecisionKind,
    Outcome,
    ProspectFacts,
    ProspectStatus,
    Situation,
    WalkAwayReason,
)
from bot.team.handover import NOTE_MAX, Handover, clear_after_touch
from bot.team.review import back_in_rotation, hand_over_problems, walk_aways
from store.db import make_engine, make_session_factory, unit_of_work
from store.migrate import upgrade
from store.models import Decision, Prospect, Rep
from store.repo import ensure_rep, ensure_workspace
from tests.fakeslack import blocks_text
from tests.test_digest_blocks import item, valid

TODAY = date(2026, 12, 7)
NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
HOSTILE = "<!channel> & <@U999>"


def row(pid: int = 1, *, name: str = "Nora Quinn", closed: bool = False,
        **more: Any) -> WalkAwayRow:
    fields: dict[str, Any] = {
        "prospect_id": pid, "version": 4, "name": name, "company": "Acme Corp",
        "owner_user": "U1", "reason": WalkAwayReason.UNREACHABLE.value,
        "decided_on": TODAY - timedelta(days=1), "tried": ("Find the real reason",),
        "contacts": 3, "closed": closed, **more,
    }
    return WalkAwayRow(**fields)


def test_the_section_stays_small_newest_first_and_counts_the_rest() -> None:
    rows = [row(pid) for pid in range(1, 13)]
    blocks = review_blocks(rows, total=12, today=TODAY)
    valid(blocks)
    assert len(blocks) <= 20
    text = blocks_text(blocks)
    assert f"…and {12 - ROWS_SHOWN_MAX} more in the last 14 days." in text
    actions = [b for b in blocks if b["type"] == "actions"]
    assert [b["block_id"] for b in actions] == [
        f"{ids.REVIEW_BLOCK}:{pid}" for pid in range(1, ROWS_SHOWN_MAX + 1)
    ]
    for element in actions[0]["elements"]:
        value = ids.decode_value(element["value"])
        assert (value.prospect_id, value.version) == (1, 4)
    assert [e["text"]["text"] for e in actions[0]["elements"]] == [
        "Reopen", "Hand to a fresh voice"]


def test_a_closed_row_says_why_and_has_no_buttons() -> None:
    blocks = review_blocks([row(closed=True)], total=1, today=TODAY)
    valid(blocks)
    assert "it stays closed" in blocks_text(blocks)
    assert not [b for b in blocks if b["type"] == "actions"]


def test_no_walk_aways_is_said_plainly() -> None:
    blocks = review_blocks([], total=0, today=TODAY)
    valid(blocks)
    assert "No walk-aways in your teams in the last 14 days." in blocks_text(blocks)


def test_every_value_typed_by_someone_is_escaped() -> None:
    built = review_blocks(
        [row(name=HOSTILE, company=HOSTILE, tried=(HOSTILE,), reason=HOSTILE)], 1, TODAY
    )
    modal = hand_over_modal(HOSTILE, HOSTILE, "U1", [RepChoice(3, "Casey")], "{}")
    line = handover_line(Handover(from_rep_id=1, note=HOSTILE, from_user="U1", by_user="UB"))
    text = blocks_text(built) + blocks_text(modal["blocks"]) + line
    assert "<!channel>" not in text and "<@U999>" not in text
    assert "&lt;!channel&gt; &amp; &lt;@U999&gt;" in line
    assert line.startswith(":handshake: Handed over by <@UB> from <@U1>: ")


def test_the_digest_item_of_a_handed_over_prospect_says_so() -> None:
    plain_item = item(pid=5)
    handed = Handover(from_rep_id=1, note="Ask about\n the CFO", from_user="U1", by_user="UB")
    marked = prospect_blocks(replace(plain_item, handover=handed), TODAY)
    valid(marked)
    assert "Handed over by <@UB> from <@U1>: Ask about the CFO" in blocks_text(marked)
    assert "Handed over" not in blocks_text(prospect_blocks(plain_item, TODAY))
    no_note = handover_line(Handover(from_rep_id=1, note=None))
    assert no_note == ":handshake: Handed over by a manager from another rep."


def test_the_modal_is_valid_and_offers_at_most_slacks_hundred_options() -> None:
    choices = [RepChoice(i, f"Rep {i}") for i in range(1, 151)]
    modal = hand_over_modal("Nora Quinn", "Acme Corp", "U1", choices, "{}")
    View(**modal).to_dict()
    for block in modal["blocks"]:
        parsed = Block.parse(block)
        assert parsed is not None
        parsed.to_dict()
    select_ = next(b for b in modal["blocks"] if b.get("block_id") == ids.IN_NEW_REP)
    assert len(select_["element"]["options"]) == 100
    note = next(b for b in modal["blocks"] if b.get("block_id") == ids.IN_HANDOVER_NOTE)
    assert note["element"]["max_length"] == NOTE_MAX


@pytest.mark.parametrize(
    ("picked", "expected"), [("12", 12), ("x12", None), ("-3", None), (None, None)]
)
def test_reading_the_form_refuses_forged_picks(picked: str | None, expected: int | None) -> None:
    option = {"selected_option": {"value": picked}} if picked is not None else {}
    values = {
        ids.IN_NEW_REP: {ids.IN_NEW_REP: option},
        ids.IN_HANDOVER_NOTE: {ids.IN_HANDOVER_NOTE: {"value": "  note  "}},
    }
    assert read_hand_over(values) == HandOverForm(new_rep_id=expected, note="note")


def test_the_form_needs_a_rep_of_the_team_and_a_short_note() -> None:
    choices = [RepChoice(3, "Casey")]
    assert hand_over_problems(HandOverForm(3, "Try the CFO"), choices) == {}
    assert set(hand_over_problems(HandOverForm(4, "Try the CFO"), choices)) == {ids.IN_NEW_REP}
    assert set(hand_over_problems(HandOverForm(None, None), choices)) == {
        ids.IN_NEW_REP, ids.IN_HANDOVER_NOTE}
    too_long = hand_over_problems(HandOverForm(3, "x" * (NOTE_MAX + 1)), choices)
    assert too_long == {ids.IN_HANDOVER_NOTE: f"Keep it under {NOTE_MAX} characters."}
    assert set(hand_over_problems(HandOverForm(3, "\x00\x01 "), choices)) == {ids.IN_HANDOVER_NOTE}


def test_back_in_rotation_is_a_fresh_start_on_the_day_given() -> None:
    walked = ProspectFacts(
        name="Nora Quinn", company="Acme Corp", situation=Situation.WENT_QUIET,
        created_on=TODAY - timedelta(days=90), id=1, status=ProspectStatus.WALKED_AWAY,
        nothing_new_streak=2, unanswered_streak=3, sequence_step=4,
        open_decision=WalkAwayReason.UNREACHABLE, last_learned="budget in Q2",
    )
    moved = back_in_rotation(walked, TODAY + timedelta(days=1))
    assert moved.status is ProspectStatus.DORMANT
    assert moved.next_touch_on == TODAY + timedelta(days=1)
    assert (moved.nothing_new_streak, moved.unanswered_streak, moved.open_decision) == (0, 0, None)
    assert moved.clear_event and moved.last_learned == "budget in Q2"
    assert moved.sequence_step == 4  # its history stays its history


def test_the_marker_stays_through_a_snooze_and_clears_on_anything_logged() -> None:
    prospect = Prospect(handed_over_from_rep_id=1, handover_note="note")
    clear_after_touch(prospect, Outcome.SNOOZED)
    assert (prospect.handed_over_from_rep_id, prospect.handover_note) == (1, "note")
    clear_after_touch(prospect, Outcome.NO_REPLY)
    assert (prospect.handed_over_from_rep_id, prospect.handover_note) == (None, None)


# --- the read model ----------------------------------------------------------------------


@pytest.fixture
def session(sqlite_database_url: str) -> Iterator[Session]:
    engine = make_engine(sqlite_database_url)
    upgrade(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        yield session
    engine.dispose()


def rep(session: Session, user_id: str, *, admin: bool = False) -> Rep:
    workspace = ensure_workspace(session, team_id="T1", now=NOW)
    made = ensure_rep(session, workspace=workspace, user_id=user_id, now=NOW)
    made.is_admin = admin
    return made


def walked(session: Session, owner: Rep, name: str, *, days_ago: int,
           status: ProspectStatus = ProspectStatus.WALKED_AWAY) -> Prospect:
    prospect = Prospect(
        workspace_id=owner.workspace_id, rep_id=owner.id, name=name, company="Acme",
        situation=Situation.WENT_QUIET.value, status=status.value, created_on=TODAY,
        created_at=NOW, updated_at=NOW,
    )
    session.add(prospect)
    session.flush()
    session.add(Decision(
        workspace_id=owner.workspace_id, rep_id=owner.id, prospect_id=prospect.id,
        kind=DecisionKind.WALK_AWAY.value, reason=WalkAwayReason.NOT_A_FIT.value,
        decided_on=TODAY - timedelta(days=days_ago), idempotency_key=f"k{prospect.id}",
        created_at=NOW,
    ))
    session.flush()
    return prospect


def test_the_last_14_days_still_walked_away_newest_first(session: Session) -> None:
    admin, owner = rep(session, "UADMIN", admin=True), rep(session, "U1")
    walked(session, owner, "Old", days_ago=15)
    edge = walked(session, owner, "Edge", days_ago=14)
    newest = walked(session, owner, "Newest", days_ago=0)
    walked(session, owner, "Reopened since", days_ago=2, status=ProspectStatus.DORMANT)
    rows, total = walk_aways(session, admin, TODAY)
    assert [r.prospect_id for r in rows] == [newest.id, edge.id]
    assert total == 2 and rows[0].reason == WalkAwayReason.NOT_A_FIT.value
    assert (rows[0].tried, rows[0].contacts, rows[0].closed) == ((), 0, False)
    limited, total = walk_aways(session, admin, TODAY, limit=1)
    assert [r.prospect_id for r in limited] == [newest.id] and total == 2


def test_a_rep_who_manages_nobody_reviews_nothing(session: Session) -> None:
    owner = rep(session, "U1")
    walked(session, owner, "Theirs", days_ago=1)
    assert walk_aways(session, owner, TODAY) == ([], 0)
