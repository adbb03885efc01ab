"""The learn rule's two counters through the Slack path (PLAYBOOK.md section 3, rule 1).

Signed requests go to the live app: the rep clicks "No reply yet" or logs a tactic card on
the digest of each due day, and the tests read which re-evaluate cards the fake Slack got
and what the store kept. The helpers here serve the other test_e2e_rules_exact_* files.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select

from bot import coach, ids
from bot.domain import Outcome, Situation
from store.models import Prospect, Workspace
from tests.conftest import LiveApp
from tests.digests import as_clicked, post_digest, seed
from tests.fakeslack import Message, blocks_text
from tests.slack_driver import Response, plain_text, radio

CARD_TEXT = "Time to decide about"


# ---- helpers ------------------------------------------------------------------------------


def stored(live: LiveApp, pid: int) -> Prospect:
    with live.session() as session:
        row = session.get(Prospect, pid)
        assert row is not None
        session.expunge(row)
        return row


def morning_of(live: LiveApp, day: date) -> None:
    """Move the clock to the morning of `day` in New York (the reps' zone in `live`)."""
    live.clock.set(datetime.combine(day, time(15, 0), tzinfo=UTC))


def next_morning(live: LiveApp, pid: int) -> Message:
    """The morning the prospect is due next, and the digest the rep gets then."""
    due = stored(live, pid).next_touch_on
    assert due is not None, "the prospect is out of rotation"
    morning_of(live, due)
    return post_digest(live, "U1")


def cards(live: LiveApp) -> list[Message]:
    """The re-evaluate cards the rep was sent and has not answered, oldest first."""
    return [m for m in live.fake.messages("U1") if m.text.startswith(CARD_TEXT)]


def cards_posted(live: LiveApp) -> int:
    """How many re-evaluate cards were ever posted (answered ones included)."""
    return sum(
        1
        for call in live.fake.calls_to("chat.postMessage")
        if str(call.params.get("text", "")).startswith(CARD_TEXT)
    )


def elements(message: Message, pid: int) -> list[dict[str, Any]]:
    block = next(
        (b for b in message.blocks if b.get("block_id") == ids.prospect_block_id(pid, "actions")),
        None,
    )
    return list(block.get("elements", [])) if block is not None else []


def action_ids(message: Message, pid: int) -> list[str]:
    return [str(e["action_id"]) for e in elements(message, pid)]


def click(live: LiveApp, message: Message, pid: int, action_id: str) -> Response:
    """A click on one of the prospect's digest buttons; returns once the app is idle."""
    button = next(e for e in elements(message, pid) if e["action_id"] == action_id)
    answer = live.driver.block_action(
        "U1",
        action_id,
        button["value"],
        block_id=ids.prospect_block_id(pid, "actions"),
        message=as_clicked(message),
        channel_id="DU1",
    )
    live.wait_until_idle()
    return answer


def first_tactic(message: Message, pid: int) -> str | None:
    tactic = next(e for e in elements(message, pid) if e["action_id"] == f"{ids.TACTIC}:0")
    return ids.decode_value(tactic["value"]).tactic_id


def log_card(
    live: LiveApp, message: Message, pid: int, outcome: Outcome, learned: str | None = None
) -> Response:
    """Open the first tactic's card from the digest and log `outcome` on it."""
    opened = len(live.fake.views)
    click(live, message, pid, f"{ids.TACTIC}:0")
    assert len(live.fake.views) == opened + 1, "the tactic card did not open"
    view = list(live.fake.views.values())[-1]
    values: dict[str, Any] = {ids.IN_OUTCOME: {ids.OUTCOME_SELECT: radio(outcome.value)}}
    if learned is not None:
        values[ids.IN_LEARNED] = {ids.IN_LEARNED: plain_text(learned)}
    answer = live.driver.view_submission(
        "U1", ids.OUTCOME_MODAL, values, private_metadata=view["private_metadata"]
    )
    live.wait_until_idle()
    return answer


def set_coach(live: LiveApp, **knobs: int) -> None:
    """Workspace coach settings, stored as the app stores them (validated when read)."""
    with live.session() as session, session.begin():
        workspace = session.scalars(select(Workspace).where(Workspace.team_id == "T1")).one()
        workspace.settings = {"coach": knobs}


def walk_reasons_offered(card: Message) -> list[str]:
    select_ = next(
        e
        for b in card.blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == ids.DECIDE_WALK_AWAY
    )
    return [str(ids.decode_value(o["value"]).option) for o in select_["options"]]


# ---- went quiet: the sequence is the silent path ---------------------------------------------


def test_went_quiet_silence_runs_the_whole_sequence_then_asks_once(live: LiveApp) -> None:
    pid = seed(live, "Dana Reyes", situation=Situation.WENT_QUIET, referrer="Pat Boss")
    message = post_digest(live, "U1")
    used = []
    for step in range(5):
        if step:
            message = next_morning(live, pid)
        used.append(first_tactic(message, pid))
        click(live, message, pid, ids.NO_REPLY)
        # Before the final notice nothing asks, whatever the learn limit (2) says.
        assert len(cards(live)) == (1 if step == 4 else 0), used
    assert used == [
        "no_pressure", "voicemail_email", "did_i_offend", "copy_referrer", "final_notice",
    ]  # fmt: skip
    [card] = cards(live)
    text = blocks_text(card.blocks)
    assert "The final notice got no answer" in text and "taught you nothing" not in text
    assert "unreachable" in walk_reasons_offered(card)
    row = stored(live, pid)
    assert (row.nothing_new_streak, row.unanswered_streak) == (0, 5)
    assert row.open_decision == "unreachable"
    assert live.fake.validation_errors == []


def test_went_quiet_expired_proposal_asks_with_proposal_expired(live: LiveApp) -> None:
    today = date(2026, 11, 24)
    pid = seed(
        live,
        "Ana Ruiz",
        situation=Situation.WENT_QUIET,
        proposal_sent_on=date(2026, 9, 1),
        proposal_expires_on=date(2026, 10, 1),
    )
    message = post_digest(live, "U1", today)
    assert first_tactic(message, pid) == "final_notice"  # expired: straight to the last step
    click(live, message, pid, ids.NO_REPLY)
    [card] = cards(live)
    assert "The proposal has expired and the final notice got no answer" in blocks_text(
        card.blocks
    )
    assert stored(live, pid).open_decision == "proposal_expired"


# ---- other situations: N unanswered attempts in a row ---------------------------------------


def test_said_no_asks_after_three_unanswered_attempts_not_before(live: LiveApp) -> None:
    pid = seed(live, "Bo Chen", "Initech", situation=Situation.SAID_NO)
    message = post_digest(live, "U1")
    for attempt in range(3):
        if attempt:
            message = next_morning(live, pid)
        click(live, message, pid, ids.NO_REPLY)
        assert len(cards(live)) == (1 if attempt == 2 else 0)
    [card] = cards(live)
    assert "3 tries in a row got no answer" in blocks_text(card.blocks)
    row = stored(live, pid)
    assert (row.nothing_new_streak, row.unanswered_streak, row.open_decision) == (
        0,
        3,
        "unreachable",
    )
    assert live.fake.validation_errors == []


def test_the_unanswered_limit_is_a_workspace_setting(live: LiveApp) -> None:
    pid = seed(live, "Cy Diaz", "Vandelay", situation=Situation.BIG_COMPANY)
    set_coach(live, unanswered_limit=2)
    message = post_digest(live, "U1")
    click(live, message, pid, ids.NO_REPLY)
    assert cards(live) == []
    click(live, next_morning(live, pid), pid, ids.NO_REPLY)
    [card] = cards(live)
    assert "2 tries in a row got no answer" in blocks_text(card.blocks)


def test_an_answered_contact_clears_the_unanswered_count(live: LiveApp) -> None:
    pid = seed(live, "Dee Fox", "Hooli", situation=Situation.SAID_NO)
    message = post_digest(live, "U1")
    click(live, message, pid, ids.NO_REPLY)
    click(live, next_morning(live, pid), pid, ids.NO_REPLY)
    log_card(live, next_morning(live, pid), pid, Outcome.LEARNED, "Budget moves to Q2")
    assert stored(live, pid).unanswered_streak == 0
    click(live, next_morning(live, pid), pid, ids.NO_REPLY)
    click(live, next_morning(live, pid), pid, ids.NO_REPLY)
    # Four unanswered attempts, never three in a row: no card.
    assert cards(live) == [] and stored(live, pid).unanswered_streak == 2


# ---- the learn streak counts conversations only ------------------------------------------


def test_no_replies_between_blank_conversations_neither_count_nor_break_the_run(
    live: LiveApp,
) -> None:
    pid = seed(live, "Eve Gold", "Globex", situation=Situation.SAID_NO)
    message = post_digest(live, "U1")
    first = first_tactic(message, pid)
    log_card(live, message, pid, Outcome.NOTHING_NEW)
    click(live, next_morning(live, pid), pid, ids.NO_REPLY)
    click(live, next_morning(live, pid), pid, ids.NO_REPLY)
    assert cards(live) == []
    row = stored(live, pid)
    assert (row.nothing_new_streak, row.unanswered_streak) == (1, 2)
    message = next_morning(live, pid)
    second = first_tactic(message, pid)
    log_card(live, message, pid, Outcome.NOTHING_NEW, "they liked the demo")
    [card] = cards(live)
    text = blocks_text(card.blocks)
    assert "2 conversations in a row taught you nothing new" in text
    # Tried: the two conversations, not the unanswered attempts between them.
    assert first is not None and second is not None
    titles = [coach.TACTICS[first].title, coach.TACTICS[second].title]
    assert f"Tried:* {titles[0]}, {titles[1]}\n" in text
    row = stored(live, pid)
    assert (row.nothing_new_streak, row.unanswered_streak) == (2, 0)
    assert row.open_decision == "nothing_learned" and row.last_learned is None
    assert live.fake.validation_errors == []
