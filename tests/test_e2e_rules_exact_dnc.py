"""Do not contact means never, through the Slack path (PLAYBOOK.md section 3, rule 2).

A walk-away with the reason "asked not to be contacted", or the mark on the prospect's
details, closes the file for good: news that matches it brings it back no more, an old
card cannot reopen it, and the Home says why it stays closed. Every other walk-away stays
dormant, not dead.
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
from tests.slack_driver import Response, checkboxes, static_select
from tests.test_e2e_rules_exact import cards, click, next_morning, stored
from tests.test_e2e_rules_exact_decisions import answer_card, notices


def menu(live: LiveApp, message: Message, pid: int, option: str) -> Response:
    info_id = ids.prospect_block_id(pid, "info")
    info = next(b for b in message.blocks if b.get("block_id") == info_id)
    value = next(
        o["value"]
        for o in info["accessory"]["options"]
        if ids.decode_value(o["value"]).option == option
    )
    answer = live.driver.block_action(
        "U1",
        ids.PROSPECT_MENU,
        block_id=info_id,
        action_type="overflow",
        selected_option=value,
        message=as_clicked(message),
        channel_id="DU1",
    )
    live.wait_until_idle()
    return answer


def opened(live: LiveApp) -> dict[str, Any]:
    return list(live.fake.views.values())[-1]


def walk_away_from_menu(live: LiveApp, message: Message, pid: int, reason: str) -> None:
    menu(live, message, pid, ids.MENU_WALK_AWAY)
    view = opened(live)
    values = {ids.IN_WALK_REASON: {ids.IN_WALK_REASON: static_select(reason)}}
    answer = live.driver.view_submission(
        "U1", ids.WALK_AWAY_MODAL, values, private_metadata=view["private_metadata"]
    )
    assert answer.status == 200
    live.wait_until_idle()


def news(live: LiveApp, competitor: str) -> None:
    assert live.driver.command("U1", f"news {competitor}").status == 200
    live.wait_until_idle()


def home_text(live: LiveApp) -> str:
    before = len(live.fake.calls_to("views.publish"))
    live.driver.event({"type": "app_home_opened", "user": "U1", "tab": "home"})
    live.fake.wait_for("views.publish", before + 1)
    return blocks_text(live.fake.home_views["U1"]["blocks"])


def walk_decisions(live: LiveApp, pid: int) -> list[tuple[str, str | None]]:
    with live.session() as session:
        rows = session.scalars(select(Decision).where(Decision.prospect_id == pid))
        return [(d.kind, d.reason) for d in rows]


def test_a_do_not_contact_walk_away_stays_closed_when_news_brings_the_others_back(
    live: LiveApp,
) -> None:
    closed = seed(
        live, "Ana Ruiz", "Hooli", situation=Situation.CHOSE_COMPETITOR, competitor="Globex"
    )
    dormant = seed(
        live, "Bo Chen", "Initech", situation=Situation.CHOSE_COMPETITOR, competitor="Globex"
    )
    message = post_digest(live, "U1")
    walk_away_from_menu(live, message, closed, "do_not_contact")
    walk_away_from_menu(live, message, dormant, "unreachable")
    row = stored(live, closed)
    assert (row.status, row.do_not_contact) == (ProspectStatus.WALKED_AWAY.value, True)
    assert walk_decisions(live, closed) == [(DecisionKind.WALK_AWAY.value, "do_not_contact")]

    news(live, "Globex")
    back = stored(live, dormant)
    assert back.status == ProspectStatus.DORMANT.value and back.pending_event_subject == "Globex"
    still = stored(live, closed)
    assert (still.status, still.next_touch_on, still.pending_event_subject) == (
        ProspectStatus.WALKED_AWAY.value,
        None,
        None,
    )

    text = home_text(live)
    assert "Ana Ruiz (Hooli) — asked not to be contacted" in text
    assert "closed for good: nothing brings them back" in text
    assert "Those who asked not to be contacted stay closed" in text
    assert live.fake.validation_errors == []


def test_the_mark_on_the_details_closes_the_file_for_good(live: LiveApp) -> None:
    pid = seed(live, "Dee Fox", "Acme Corp", situation=Situation.MISSING_FEATURE,
               missing_feature="SSO")  # fmt: skip
    message = post_digest(live, "U1")
    as_sent = copy.deepcopy(message)  # the digest redraws in place; a click may carry this
    menu(live, message, pid, ids.MENU_DETAILS)
    details = opened(live)
    assert details["submit"]["text"] == "Save"
    assert "They asked not to be contacted" in blocks_text(details["blocks"])
    # Saved without the box ticked: nothing changes.
    live.driver.view_submission(
        "U1", ids.DETAILS_MODAL, {}, private_metadata=details["private_metadata"]
    )
    live.wait_until_idle()
    assert stored(live, pid).status == ProspectStatus.DORMANT.value

    ticked = {ids.IN_DO_NOT_CONTACT: {ids.IN_DO_NOT_CONTACT: checkboxes(["yes"])}}
    for _ in range(2):  # saved twice: marked once
        answer = live.driver.view_submission(
            "U1", ids.DETAILS_MODAL, ticked, private_metadata=details["private_metadata"]
        )
        assert answer.status == 200
        live.wait_until_idle()
    row = stored(live, pid)
    assert (row.status, row.do_not_contact, row.next_touch_on) == (
        ProspectStatus.WALKED_AWAY.value,
        True,
        None,
    )
    assert walk_decisions(live, pid) == [(DecisionKind.WALK_AWAY.value, "do_not_contact")]
    said = notices(live)
    assert any("asked not to be contacted. The file is closed for good" in n for n in said), said
    assert any("was already marked" in n for n in said)
    [redrawn] = [m for m in live.fake.messages("U1") if m.ts == message.ts]
    assert "Walked away" in blocks_text(redrawn.blocks)

    # The feature ships: everyone who needed it comes back, not them.
    assert live.driver.command("U1", "shipped SSO").status == 200
    live.wait_until_idle()
    assert stored(live, pid).status == ProspectStatus.WALKED_AWAY.value

    # Their details (open even from the digest as it was sent) say why, and offer nothing.
    menu(live, as_sent, pid, ids.MENU_DETAILS)
    again = opened(live)
    assert "submit" not in again
    assert "Do not contact.* They asked not to be contacted" in blocks_text(again["blocks"])
    assert live.fake.validation_errors == []


def test_an_old_card_cannot_bring_a_do_not_contact_prospect_back(live: LiveApp) -> None:
    pid = seed(live, "Eve Gold", "Globex", situation=Situation.SAID_NO)
    message = post_digest(live, "U1")
    for attempt in range(3):
        if attempt:
            message = next_morning(live, pid)
        click(live, message, pid, ids.NO_REPLY)
    card = copy.deepcopy(cards(live)[-1])
    answer_card(live, card, pid, ids.DECIDE_WALK_AWAY, reason="do_not_contact")
    assert stored(live, pid).do_not_contact
    answer_card(live, card, pid, ids.DECIDE_KEEP_GOING)  # the same card, clicked again
    assert any("Already decided: walk away" in n for n in notices(live))
    row = stored(live, pid)
    assert (row.status, row.next_touch_on) == (ProspectStatus.WALKED_AWAY.value, None)
    assert walk_decisions(live, pid) == [(DecisionKind.WALK_AWAY.value, "do_not_contact")]
