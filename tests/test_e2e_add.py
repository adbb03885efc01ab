"""End to end: `/revive add` in one line, the add modal, duplicates and Home's Add button."""

from __future__ import annotations

import json
import threading
from datetime import date
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from sqlalchemy import func, select

from bot import ids
from bot.blocks.add_modal import FIELD_BLOCKS
from bot.domain import Situation
from store.models import Prospect, Rep
from tests.conftest import LiveApp
from tests.fakeslack import blocks_text
from tests.slack_driver import Response, checkboxes, datepicker, plain_text, static_select

QUICK = "add Dana Reyes, Acme Corp, went quiet, proposal: 2026-11-02, referrer: Sam Lee"


def prospects(live: LiveApp) -> list[Prospect]:
    with live.session() as session:
        return list(session.scalars(select(Prospect).order_by(Prospect.id)))


def prospect_count(live: LiveApp) -> int:
    with live.session() as session:
        return session.scalar(select(func.count()).select_from(Prospect)) or 0


def ephemeral(response: Response) -> dict[str, Any]:
    """The ack body of a command: an ephemeral message with valid blocks."""
    assert response.status == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    for block in body.get("blocks", []):
        Block.parse(block).to_dict()  # type: ignore[union-attr]
    return body


def form(**fields: Any) -> dict[str, dict[str, dict[str, Any]]]:
    """view.state.values for the add modal, every field present as Slack sends it."""
    values: dict[str, dict[str, dict[str, Any]]] = {}
    for field_name, block_id in FIELD_BLOCKS.items():
        value = fields.get(field_name)
        if field_name == "situation":
            state = static_select(value)
        elif field_name in (
            "contract_end",
            "decision_date",
            "proposal_sent_on",
            "proposal_expires_on",
        ):
            state = datepicker(value)
        else:
            state = plain_text(value)
        values[block_id] = {block_id: state}
    return values


def opened_view(live: LiveApp, count: int = 1) -> dict[str, Any]:
    call = live.fake.wait_for("views.open", count)[-1]
    view = call.params["view"]
    View(**view).to_dict()
    return view


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


# --- the one-line syntax ---------------------------------------------------------------


def test_quick_add_adds_and_confirms(live_any_db: LiveApp) -> None:
    live = live_any_db
    body = ephemeral(live.driver.command("U1", QUICK))
    text = blocks_text(body["blocks"])
    assert "Dana Reyes" in text and "Acme Corp" in text
    assert "Went quiet / ghosted" in text
    assert "First tactic:" in text
    [stored] = prospects(live)
    assert (stored.name, stored.company, stored.situation) == (
        "Dana Reyes",
        "Acme Corp",
        "went_quiet",
    )
    assert stored.proposal_sent_on == date(2026, 11, 2)
    assert stored.referrer == "Sam Lee"
    assert stored.next_touch_on is not None
    due = stored.next_touch_on
    assert f"{due:%B} {due.day}" in text or "*today*" in text
    with live.session() as session:
        rep = session.get(Rep, stored.rep_id)
        assert rep is not None and rep.slack_user_id == "U1"
    assert live.fake.calls_to("views.open") == []
    assert live.fake.validation_errors == []


def test_quick_add_with_words_it_cannot_read_opens_the_prefilled_modal(live: LiveApp) -> None:
    response = live.driver.command("U1", "add Dana Reyes, Acme Corp, went quiet, budget: 5k")
    assert response.status == 200 and not response.body
    view = opened_view(live)
    assert block(view, ids.IN_NAME)["element"]["initial_value"] == "Dana Reyes"
    assert block(view, ids.IN_COMPANY)["element"]["initial_value"] == "Acme Corp"
    assert block(view, ids.IN_SITUATION)["element"]["initial_option"]["value"] == "went_quiet"
    assert "budget: 5k" in blocks_text(view["blocks"])
    assert prospect_count(live) == 0
    assert live.fake.validation_errors == []


def test_quick_add_that_fails_validation_opens_the_modal_saying_why(live: LiveApp) -> None:
    live.driver.command("U1", "add Dana Reyes, Acme Corp, missing feature")
    view = opened_view(live)
    assert "Which feature did they need?" in blocks_text(view["blocks"])
    assert block(view, ids.IN_SITUATION)["element"]["initial_option"]["value"] == (
        "missing_feature"
    )
    assert prospect_count(live) == 0
    assert live.fake.validation_errors == []


def test_add_without_text_opens_an_empty_modal(live: LiveApp) -> None:
    live.driver.command("U1", "add")
    view = opened_view(live)
    assert view["callback_id"] == ids.ADD_MODAL
    assert "initial_value" not in block(view, ids.IN_NAME)["element"]
    assert live.fake.calls_to("views.open")[0].params["trigger_id"]
    assert prospect_count(live) == 0
    assert live.fake.validation_errors == []


def test_a_prospect_named_like_a_mention_pings_no_one(live: LiveApp) -> None:
    body = ephemeral(live.driver.command("U1", "add <!channel>, <@U2> & Co, ghosted"))
    text = blocks_text(body["blocks"]) + body["text"]
    assert "&lt;!channel&gt;" in text and "&lt;@U2&gt; &amp; Co" in text
    assert "<!channel>" not in blocks_text(body["blocks"])
    assert prospects(live)[0].name == "<!channel>"
    assert live.fake.validation_errors == []


# --- the modal -------------------------------------------------------------------------


def submit(
    live: LiveApp,
    values: dict[str, Any],
    metadata: str = "",
    user: str = "U1",
    team_id: str | None = None,
) -> Response:
    return live.driver.view_submission(
        user, ids.ADD_MODAL, values, private_metadata=metadata, team_id=team_id
    )


def test_modal_errors_are_inline_and_write_nothing(live: LiveApp) -> None:
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"company": "Acme", "situation": "went_quiet"}, ids.IN_NAME, "name"),
        ({"name": "Dana", "company": "Acme"}, ids.IN_SITUATION, "Pick why"),
        (
            {"name": "Dana", "company": "Acme", "situation": "competitor_contract"},
            ids.IN_CONTRACT_END,
            "When does their contract end",
        ),
        (
            {
                "name": "Dana",
                "company": "Acme",
                "situation": "competitor_contract",
                "contract_end": "2026-10-01",
            },
            ids.IN_CONTRACT_END,
            "has passed",
        ),
        (
            {"name": "Dana", "company": "Acme", "situation": "missing_feature"},
            ids.IN_FEATURE,
            "Which feature",
        ),
        (
            {
                "name": "Dana",
                "company": "Acme",
                "situation": "went_quiet",
                "proposal_sent_on": "2062-11-02",
            },
            ids.IN_PROPOSAL_SENT,
            "check the year",
        ),
        (
            {
                "name": "Dana",
                "company": "Acme",
                "situation": "said_no",
                "decision_date": "1999-01-01",
            },
            ids.IN_DECIDED_ON,
            "check the year",
        ),
        (
            {"name": "Dana", "company": "Acme", "situation": "went_quiet", "email": "not an email"},
            ids.IN_EMAIL,
            "email address",
        ),
    ]
    for given, block_id, message in cases:
        response = submit(live, form(**given))
        assert response.status == 200
        body = response.json()
        assert body["response_action"] == "errors", given
        assert message in body["errors"][block_id], (given, body)
    live.wait_until_idle()
    assert prospect_count(live) == 0
    assert live.fake.calls_to("chat.postMessage") == []
    assert live.fake.validation_errors == []


def test_modal_success_adds_and_sends_the_confirmation(live_any_db: LiveApp) -> None:
    live = live_any_db
    response = submit(
        live,
        form(
            name="Bo Chen",
            company="Initech",
            situation="competitor_contract",
            competitor="Globex",
            contract_end="2027-06-30",
            email="bo@initech.com",
        ),
    )
    assert response.status == 200 and not response.body  # the modal closes
    call = live.fake.wait_for("chat.postMessage")[0]
    assert call.params["channel"] == "U1"
    text = blocks_text(live.fake.messages("U1")[-1].blocks)
    assert "Bo Chen" in text and "Locked into a contract" in text
    [stored] = prospects(live)
    assert stored.situation == Situation.COMPETITOR_CONTRACT.value
    assert stored.contract_end == date(2027, 6, 30)
    assert stored.competitor == "Globex" and stored.email == "bo@initech.com"
    assert live.fake.validation_errors == []


def test_home_add_button_opens_the_modal(live: LiveApp) -> None:
    home = {"id": "VH1", "type": "home", "blocks": []}
    response = live.driver.block_action("U1", ids.HOME_ADD, value="add", view=home)
    assert response.status == 200
    view = opened_view(live)
    assert view["callback_id"] == ids.ADD_MODAL
    assert prospect_count(live) == 0
    assert live.fake.validation_errors == []


# --- duplicates ------------------------------------------------------------------------


def add_anyway_value(body: dict[str, Any]) -> str:
    buttons = [e for b in body["blocks"] if b["type"] == "actions" for e in b["elements"]]
    [button] = [b for b in buttons if b["action_id"] == ids.ADD_ANYWAY]
    assert len(button["value"]) <= 2000
    return button["value"]


def test_duplicate_asks_then_adds_once_on_a_double_click(live_any_db: LiveApp) -> None:
    live = live_any_db
    ephemeral(live.driver.command("U1", QUICK))
    prompt = ephemeral(live.driver.command("U1", QUICK.replace("Dana Reyes", "dana reyes")))
    assert "already have" in prompt["text"]
    assert prospect_count(live) == 1
    value = add_anyway_value(prompt)
    message = {"type": "message", "ts": "1790000000.000009", "text": prompt["text"]}

    results: list[Response] = []

    def click() -> None:
        results.append(live.driver.block_action("U1", ids.ADD_ANYWAY, value=value, message=message))

    clicks = [threading.Thread(target=click) for _ in range(2)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()
    assert [r.status for r in results] == [200, 200]
    responses = live.fake.wait_for_response(2)
    assert all(r.body["replace_original"] for r in responses)
    texts = sorted(r.body["text"] for r in responses)
    assert any("already added" in t for t in texts)
    assert any(t.startswith("Added") for t in texts)
    assert prospect_count(live) == 2
    assert live.fake.validation_errors == []


def test_duplicate_cancel_adds_nothing(live: LiveApp) -> None:
    ephemeral(live.driver.command("U1", QUICK))
    prompt = ephemeral(live.driver.command("U1", QUICK))
    live.driver.block_action("U1", ids.ADD_CANCEL, value="cancel")
    [response] = live.fake.wait_for_response(1)
    assert response.body["replace_original"] is True
    assert "didn't add" in response.body["text"]
    assert prompt["blocks"]
    assert prospect_count(live) == 1
    assert live.fake.validation_errors == []


def test_forged_add_anyway_value_is_refused(live: LiveApp) -> None:
    for forged in (
        "nonsense",
        json.dumps({"n": 0, "p": {"0": "Dana", "2": "bribery"}}),
        json.dumps({"n": 0, "p": {"0": "", "1": "Acme", "2": "went_quiet"}}),
    ):
        live.fake.reset()
        assert live.driver.block_action("U1", ids.ADD_ANYWAY, value=forged).status == 200
        [response] = live.fake.wait_for_response(1)
        assert response.body["response_type"] == "ephemeral"
        assert response.body.get("replace_original") is False
    assert prospect_count(live) == 0
    assert live.fake.validation_errors == []


def test_duplicate_in_the_modal_needs_the_box_ticked(live: LiveApp) -> None:
    ephemeral(live.driver.command("U1", "add Dana Reyes, Acme Corp, went quiet"))
    values = form(name="Dana Reyes", company="ACME CORP", situation="said_no")
    first = submit(live, values, metadata=ids.encode_meta(ids.ModalMeta())).json()
    assert first["response_action"] == "update"
    updated = first["view"]
    View(**updated).to_dict()
    assert "already have" in blocks_text(updated["blocks"])
    assert block(updated, ids.IN_NAME)["element"]["initial_value"] == "Dana Reyes"
    assert ids.decode_meta(updated["private_metadata"]).confirm_duplicate
    assert prospect_count(live) == 1

    values[ids.IN_ADD_ANYWAY] = {ids.IN_ADD_ANYWAY: checkboxes([])}
    unticked = submit(live, values, metadata=updated["private_metadata"]).json()
    assert unticked["response_action"] == "errors"
    assert ids.IN_ADD_ANYWAY in unticked["errors"]
    assert prospect_count(live) == 1

    values[ids.IN_ADD_ANYWAY] = {ids.IN_ADD_ANYWAY: checkboxes(["yes"])}
    response = submit(live, values, metadata=updated["private_metadata"])
    assert response.status == 200 and not response.body
    live.fake.wait_for("chat.postMessage")
    assert [p.situation for p in prospects(live)] == ["went_quiet", "said_no"]
    assert live.fake.validation_errors == []


def test_another_reps_prospect_is_not_a_duplicate(live: LiveApp) -> None:
    ephemeral(live.driver.command("U1", QUICK))
    body = ephemeral(live.driver.command("U2", QUICK))
    assert body["text"].startswith("Added")
    assert prospect_count(live) == 2
    assert live.fake.validation_errors == []


def test_a_duplicate_too_long_for_a_button_is_confirmed_in_the_modal(live: LiveApp) -> None:
    long_note = "n" * 1990
    text = f"add Dana Reyes, Acme Corp, went quiet, note: {long_note}"
    ephemeral(live.driver.command("U1", text))
    response = live.driver.command("U1", text)
    assert response.status == 200 and not response.body
    view = opened_view(live)
    assert ids.IN_ADD_ANYWAY in {b.get("block_id") for b in view["blocks"]}
    assert ids.decode_meta(view["private_metadata"]).confirm_duplicate
    assert block(view, ids.IN_NOTE)["element"]["initial_value"] == long_note
    assert prospect_count(live) == 1
    assert live.fake.validation_errors == []
