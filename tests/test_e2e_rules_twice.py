"""Second, independent guards through the Slack path for rules the pure tests also check:
the chose-competitor order, the renewal-window order, the double-click key, and the
learned text kept on a touch. Signed requests go to the live app; the assertions read
what the fake Slack received and the rows the store kept."""

from __future__ import annotations

import copy
import threading
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from bot import ids
from bot.coach import next_workday
from bot.domain import Outcome, Situation
from store.models import Prospect, Touch
from tests.conftest import LiveApp
from tests.digests import as_clicked, post_digest, seed
from tests.fakeslack import Message, blocks_text
from tests.slack_driver import Response, plain_text, radio

TODAY = date(2026, 11, 24)  # the live clock's Tuesday, in New York


# ---- what the rep was sent, and what the store kept ------------------------------------------


def actions(message: Message, pid: int) -> list[dict[str, Any]]:
    block = next(
        b for b in message.blocks if b.get("block_id") == ids.prospect_block_id(pid, "actions")
    )
    return list(block["elements"])


def offered(message: Message, pid: int) -> list[tuple[str, str | None]]:
    """The tactic buttons of one prospect in a DM: (label, tactic id carried), in order."""
    return [
        (e["text"]["text"], ids.decode_value(e["value"]).tactic_id)
        for e in actions(message, pid)
        if str(e["action_id"]).startswith(f"{ids.TACTIC}:")
    ]


def prospect_text(message: Message, pid: int) -> str:
    mine = [b for b in message.blocks if str(b.get("block_id", "")).startswith(f"p{pid}:")]
    return blocks_text(mine)


def click(live: LiveApp, message: Message, pid: int, action_id: str) -> Response:
    button = next(e for e in actions(message, pid) if e["action_id"] == action_id)
    return live.driver.block_action(
        "U1",
        action_id,
        button["value"],
        block_id=ids.prospect_block_id(pid, "actions"),
        message=as_clicked(message),
        channel_id="DU1",
    )


def open_card(live: LiveApp, message: Message, pid: int, opened_before: int = 0) -> dict[str, Any]:
    click(live, message, pid, f"{ids.TACTIC}:0")
    live.fake.wait_for("views.open", opened_before + 1)
    return list(live.fake.views.values())[opened_before]  # kept in the order opened


def submit(
    live: LiveApp, view: dict[str, Any], outcome: Outcome, learned: str | None = None
) -> Response:
    values: dict[str, Any] = {ids.IN_OUTCOME: {ids.OUTCOME_SELECT: radio(outcome.value)}}
    if learned is not None:
        values[ids.IN_LEARNED] = {ids.IN_LEARNED: plain_text(learned)}
    return live.driver.view_submission(
        "U1", ids.OUTCOME_MODAL, values, private_metadata=view["private_metadata"]
    )


def touches(live: LiveApp, pid: int) -> list[Touch]:
    with live.session() as session:
        return list(session.scalars(select(Touch).where(Touch.prospect_id == pid)))


def stored(live: LiveApp, pid: int) -> Prospect:
    with live.session() as session:
        row = session.get(Prospect, pid)
        assert row is not None
        session.expunge(row)
        return row


def morning_of(live: LiveApp, day: date) -> None:
    """Move the clock to 9 a.m. in New York on `day` (within a few hours either way)."""
    live.clock.set(datetime.combine(day, time(15, 0), tzinfo=UTC))


# ---- (a) chose a competitor: ask how delivery went, then the real reason ---------------------


def test_chose_competitor_dm_offers_how_it_went_first_then_moves_past_it(live: LiveApp) -> None:
    pid = seed(
        live,
        "Kim Park",
        "Umbrella",
        situation=Situation.CHOSE_COMPETITOR,
        competitor="Globex",
        decision_date=TODAY - timedelta(weeks=6),
    )
    first = post_digest(live, "U1")
    assert offered(first, pid) == [
        ("Ask how delivery went", "how_did_it_go"),
        ("Find the real reason", "real_reason"),
        ("Be a resource", "be_a_resource"),
    ]
    assert "6 weeks since Globex delivered" in prospect_text(first, pid)

    view = open_card(live, first, pid)
    assert ids.decode_meta(view["private_metadata"]).tactic_id == "how_did_it_go"
    submit(live, view, Outcome.LEARNED, "Globex support is slow at month end")
    live.fake.wait_for("chat.update")
    [touch] = touches(live, pid)
    assert touch.tactic_id == "how_did_it_go"

    due = stored(live, pid).next_touch_on
    assert due is not None and due > TODAY
    morning_of(live, due)
    later = post_digest(live, "U1")
    assert offered(later, pid) == [
        ("Find the real reason", "real_reason"),
        ("Be a resource", "be_a_resource"),
    ]
    assert live.fake.validation_errors == []


# ---- (b) a competitor's contract: Beat the renewal first only inside the window ---------------


def test_contract_dm_puts_beat_the_renewal_first_inside_the_window_only(live: LiveApp) -> None:
    # The default lead time is 90 days: an end 90 days out opens the window today.
    edge = seed(
        live,
        "Ana Ruiz",
        "Hooli",
        situation=Situation.COMPETITOR_CONTRACT,
        competitor="Globex",
        contract_end=TODAY + timedelta(days=90),
    )
    near = seed(
        live,
        "Bo Chen",
        "Initech",
        situation=Situation.COMPETITOR_CONTRACT,
        competitor="Initrode",
        contract_end=TODAY + timedelta(days=20),
    )
    early = seed(  # brought up before its window (e.g. a date the rep picked): not yet
        live,
        "Cy Diaz",
        "Vandelay",
        situation=Situation.COMPETITOR_CONTRACT,
        competitor="Globex",
        contract_end=TODAY + timedelta(days=91),
    )
    message = post_digest(live, "U1")
    renewal_first = [("Beat the renewal", "before_renewal"), ("Be a resource", "be_a_resource")]
    assert offered(message, edge) == renewal_first
    assert offered(message, near) == renewal_first
    assert offered(message, early) == renewal_first[::-1]
    assert "contract with Initrode ends in 20 days" in prospect_text(message, near)
    assert live.fake.validation_errors == []


def test_contract_renewed_without_a_switch_comes_back_renewal_first(live: LiveApp) -> None:
    # The end passed a month ago: the coach assumes a one-year renewal, outside its window.
    pid = seed(
        live,
        "Dee Fox",
        "Acme Corp",
        situation=Situation.COMPETITOR_CONTRACT,
        competitor="Globex",
        contract_end=TODAY - timedelta(days=30),
    )
    message = post_digest(live, "U1")
    assert [t for _, t in offered(message, pid)] == ["be_a_resource", "before_renewal"]
    view = open_card(live, message, pid)
    submit(live, view, Outcome.NOT_NOW, "Renewed with Globex for a year")
    live.fake.wait_for("chat.update")
    # Back when the window before the assumed renewal opens (end + a year - 90 days),
    # renewal first and not the resource just used.
    due = stored(live, pid).next_touch_on
    assert due == next_workday(TODAY - timedelta(days=30) + timedelta(days=365 - 90))
    morning_of(live, due)
    back = post_digest(live, "U1")
    assert offered(back, pid) == [("Beat the renewal", "before_renewal")]
    assert live.fake.validation_errors == []


# ---- (c) the double-click key: one touch per button shown --------------------------------------


def at_once(*sends: Any) -> list[Response]:
    """Fire the requests together, as two clicks a few milliseconds apart arrive."""
    start = threading.Barrier(len(sends))
    answers: list[Response | None] = [None] * len(sends)

    def run(i: int) -> None:
        start.wait()
        answers[i] = sends[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(sends))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert all(a is not None for a in answers), "a request did not come back"
    return [a for a in answers if a is not None]


def test_two_clicks_at_once_on_no_reply_log_one_touch(live_any_db: LiveApp) -> None:
    live = live_any_db
    pid = seed(live, "Dana Reyes")
    message = post_digest(live, "U1")
    twin = copy.deepcopy(message)  # what the second click carries: the message as first shown
    answers = at_once(
        lambda: click(live, message, pid, ids.NO_REPLY),
        lambda: click(live, twin, pid, ids.NO_REPLY),
    )
    assert [a.status for a in answers] == [200, 200]
    # Both clicks redraw the digest as it stands; the one that lost also tells the rep.
    # Once all three calls arrived, both clicks are done: then count the touches.
    live.fake.wait_for("chat.update", 2)
    [note] = live.fake.wait_for_response(1)
    assert "Already logged" in note.body["text"]
    [touch] = touches(live, pid)
    assert (touch.outcome, touch.idempotency_key) == ("no_reply", f"touch:{pid}:v1")
    row = stored(live, pid)  # counted once too, as an unanswered attempt (not a conversation)
    assert (row.unanswered_streak, row.nothing_new_streak) == (1, 0)
    assert "No reply yet" in prospect_text(live.fake.messages("U1")[-1], pid)
    assert live.fake.validation_errors == []


def test_two_submits_of_one_card_at_once_log_one_touch(live_any_db: LiveApp) -> None:
    live = live_any_db
    pid = seed(live, "Dana Reyes", situation=Situation.SAID_NO)
    message = post_digest(live, "U1")
    view = open_card(live, message, pid)
    answers = at_once(
        lambda: submit(live, view, Outcome.LEARNED, "Budget reopens in March"),
        lambda: submit(live, view, Outcome.LEARNED, "Budget reopens in March"),
    )
    assert [a.status for a in answers] == [200, 200]
    live.fake.wait_for("chat.update", 2)  # each submit redraws the digest: both are done
    [touch] = touches(live, pid)
    assert touch.learned == "Budget reopens in March"
    assert stored(live, pid).nothing_new_streak == 0
    assert live.fake.validation_errors == []


def test_the_key_is_per_message_version_so_the_next_digest_logs_again(live: LiveApp) -> None:
    pid = seed(live, "Dana Reyes")
    first = post_digest(live, "U1")
    click(live, first, pid, ids.NO_REPLY)
    live.fake.wait_for("chat.update")
    due = stored(live, pid).next_touch_on
    assert due is not None
    morning_of(live, due)
    second = post_digest(live, "U1")
    click(live, second, pid, ids.NO_REPLY)
    live.fake.wait_for("chat.update", 2)
    keys = [t.idempotency_key for t in touches(live, pid)]
    assert keys == [f"touch:{pid}:v1", f"touch:{pid}:v2"]
    row = stored(live, pid)
    assert (row.unanswered_streak, row.nothing_new_streak) == (2, 0)
    assert live.fake.validation_errors == []


# ---- (d) what was learned is kept on the touch, and comes back to the rep -----------------------


def test_learned_text_is_kept_on_the_touch_and_shown_on_the_next_digest(live: LiveApp) -> None:
    pid = seed(live, "Dana Reyes", situation=Situation.SAID_NO, stated_reason="price")
    message = post_digest(live, "U1")
    view = open_card(live, message, pid)
    submit(live, view, Outcome.LEARNED, "  New CFO <Pat> wants a 3-year deal & a pilot  ")
    live.fake.wait_for("chat.update")
    [touch] = touches(live, pid)
    assert touch.learned == "New CFO <Pat> wants a 3-year deal & a pilot"
    assert stored(live, pid).last_learned == touch.learned

    due = stored(live, pid).next_touch_on
    assert due is not None
    morning_of(live, due)
    later = post_digest(live, "U1")
    text = prospect_text(later, pid)
    assert "New CFO &lt;Pat&gt; wants a 3-year deal &amp; a pilot" in text  # escaped in mrkdwn
    card = open_card(live, later, pid, opened_before=1)
    assert "Last thing you learned: New CFO" in blocks_text(card["blocks"])
    assert live.fake.validation_errors == []


def test_a_not_now_with_a_reason_keeps_it_and_a_bare_one_counts_as_blank(live: LiveApp) -> None:
    why = seed(live, "Ann Lee", "Hooli", situation=Situation.BIG_COMPANY)
    bare = seed(live, "Ben Ito", "Initech", situation=Situation.BIG_COMPANY)
    message = post_digest(live, "U1")
    submit(live, open_card(live, message, why), Outcome.NOT_NOW, "Frozen until the merger")
    live.fake.wait_for("chat.update")
    submit(live, open_card(live, message, bare, opened_before=1), Outcome.NOT_NOW, "   ")
    live.fake.wait_for("chat.update", 2)
    [kept] = touches(live, why)
    [blank] = touches(live, bare)
    assert (kept.outcome, kept.learned) == ("not_now", "Frozen until the merger")
    assert (blank.outcome, blank.learned) == ("not_now", None)
    assert stored(live, why).nothing_new_streak == 0
    assert stored(live, why).last_learned == "Frozen until the merger"
    assert stored(live, bare).nothing_new_streak == 1
    assert live.fake.validation_errors == []


def test_a_contact_who_left_keeps_the_successor_on_the_touch(live: LiveApp) -> None:
    pid = seed(live, "Lee Chan", "Initech")
    message = post_digest(live, "U1")
    view = open_card(live, message, pid)
    submit(live, view, Outcome.CONTACT_LEFT, "Sam Lee")
    live.fake.wait_for("chat.update")
    [touch] = touches(live, pid)
    assert (touch.outcome, touch.successor) == ("contact_left", "Sam Lee")
    row = stored(live, pid)
    assert (row.name, row.last_learned) == ("Sam Lee", "Lee Chan left; Sam Lee took over")
    assert live.fake.validation_errors == []


def test_a_nothing_new_contact_keeps_no_learned_text(live: LiveApp) -> None:
    pid = seed(live, "Dana Reyes", situation=Situation.SAID_NO)
    message = post_digest(live, "U1")
    view = open_card(live, message, pid)
    submit(live, view, Outcome.NOTHING_NEW, "they liked the demo")
    live.fake.wait_for("chat.update")
    assert stored(live, pid).last_learned is None  # what the coach decided
    [touch] = touches(live, pid)
    assert touch.learned is None  # what the store keeps should agree
