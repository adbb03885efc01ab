"""The add modal: valid Block Kit, prefilled from quick text, and read back from its state."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_sdk.models.views import View

from bot import coach, ids
from bot.blocks.add_modal import (
    FIELD_BLOCKS,
    add_anyway_ticked,
    add_modal,
    not_understood_note,
    submitted_prospect,
)
from bot.blocks.command_replies import (
    added_confirmation,
    ambiguous_reply,
    announced_reply,
    duplicate_prompt,
    prospect_list,
)
from bot.domain import EventKind, ProspectFacts, Situation
from bot.usecases.adding import NewProspect, problems_with
from tests.fakeslack import blocks_text
from tests.slack_driver import checkboxes, datepicker, plain_text, static_select

TODAY = date(2026, 11, 24)
FULL = NewProspect(
    name="Dana Reyes",
    company="Acme Corp",
    situation=Situation.COMPETITOR_CONTRACT,
    email="dana@acme.com",
    phone="+1 555 0100",
    stated_reason="Locked in with Globex",
    competitor="Globex",
    missing_feature="SSO",
    contract_end=date(2027, 3, 3),
    decision_date=date(2026, 10, 1),
    proposal_sent_on=date(2026, 9, 1),
    proposal_expires_on=date(2026, 10, 1),
    referrer="Sam Lee",
    note="Met at a conference",
)


def blocks_by_id(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in view["blocks"] if "block_id" in b}


def state_of(new: NewProspect) -> dict[str, dict[str, dict[str, Any]]]:
    """The view.state.values Slack would send for a form filled in with `new`."""
    values: dict[str, dict[str, dict[str, Any]]] = {}
    for field_name, block_id in FIELD_BLOCKS.items():
        value = getattr(new, field_name)
        if isinstance(value, date):
            state = datepicker(value.isoformat())
        elif field_name == "situation":
            state = static_select(value.value if value else None)
        else:
            state = plain_text(value)
        values[block_id] = {block_id: state}
    return values


def test_empty_modal_is_valid_and_has_every_field() -> None:
    view = add_modal(TODAY)
    View(**view).to_dict()
    assert view["callback_id"] == ids.ADD_MODAL
    assert len(view["title"]["text"]) <= 24
    assert set(FIELD_BLOCKS.values()) <= set(blocks_by_id(view))
    assert ids.IN_ADD_ANYWAY not in blocks_by_id(view)
    blocks = blocks_by_id(view)
    for block_id in (ids.IN_CONTRACT_END, ids.IN_DECIDED_ON, ids.IN_PROPOSAL_SENT):
        assert blocks[block_id]["element"]["type"] == "datepicker"
    assert not blocks[ids.IN_NAME]["optional"]
    assert not blocks[ids.IN_SITUATION].get("optional", False)


def test_situation_options_carry_label_and_explanation() -> None:
    options = blocks_by_id(add_modal(TODAY))[ids.IN_SITUATION]["element"]["options"]
    assert [o["value"] for o in options] == [s.value for s in Situation]
    for option in options:
        info = coach.SITUATIONS[Situation(option["value"])]
        assert option["text"]["text"] == info.label
        assert option["description"]["text"] == info.explanation
        assert len(option["text"]["text"]) <= 75 and len(option["description"]["text"]) <= 75


def test_prefilled_modal_shows_every_value_and_the_note() -> None:
    note = not_understood_note(["<!channel> budget: 5k"])
    view = add_modal(TODAY, FULL, note, private_metadata='{"a":1}', confirm_duplicate=True)
    View(**view).to_dict()
    blocks = blocks_by_id(view)
    assert blocks[ids.IN_NAME]["element"]["initial_value"] == "Dana Reyes"
    assert blocks[ids.IN_NOTE]["element"]["initial_value"] == "Met at a conference"
    assert blocks[ids.IN_CONTRACT_END]["element"]["initial_date"] == "2027-03-03"
    assert blocks[ids.IN_SITUATION]["element"]["initial_option"]["value"] == "competitor_contract"
    assert ids.IN_ADD_ANYWAY in blocks
    assert view["private_metadata"] == '{"a":1}'
    text = blocks_text(view["blocks"])
    assert "&lt;!channel&gt; budget: 5k" in text
    assert "<!channel>" not in text


def test_long_prefills_are_cut_to_the_input_limits() -> None:
    long = NewProspect(name="N" * 500, company="C", situation=None, note="x" * 5000)
    view = add_modal(TODAY, long, not_understood_note(["y" * 500] * 9))
    View(**view).to_dict()
    assert len(blocks_by_id(view)[ids.IN_NAME]["element"]["initial_value"]) <= 200


def test_submission_reads_back_what_the_form_showed() -> None:
    assert submitted_prospect(state_of(FULL)) == FULL


def test_submission_of_an_empty_form() -> None:
    empty = submitted_prospect({})
    assert empty == NewProspect(name="", company="", situation=None)
    assert {"name", "company", "situation"} <= set(problems_with(empty, TODAY))


def test_forged_select_and_date_values_read_as_empty() -> None:
    values = state_of(FULL)
    values[ids.IN_SITUATION] = {ids.IN_SITUATION: static_select("bribery")}
    values[ids.IN_CONTRACT_END] = {ids.IN_CONTRACT_END: datepicker("2027-02-31")}
    values[ids.IN_NAME] = {ids.IN_NAME: plain_text("   ")}
    new = submitted_prospect(values)
    assert (new.situation, new.contract_end, new.name) == (None, None, "")


def test_add_anyway_checkbox() -> None:
    ticked = {ids.IN_ADD_ANYWAY: {ids.IN_ADD_ANYWAY: checkboxes(["yes"])}}
    assert add_anyway_ticked(ticked)
    assert not add_anyway_ticked({ids.IN_ADD_ANYWAY: {ids.IN_ADD_ANYWAY: checkboxes([])}})
    assert not add_anyway_ticked({})


def test_every_problem_field_has_a_block() -> None:
    assert set(FIELD_BLOCKS) == {f for f in NewProspect.__dataclass_fields__}


# --- the command replies ---------------------------------------------------------------


def facts(name: str = "<!channel>", company: str = "<@U123> & Co") -> ProspectFacts:
    return ProspectFacts(
        name=name,
        company=company,
        situation=Situation.WENT_QUIET,
        created_on=TODAY,
        id=1,
        next_touch_on=date(2026, 11, 30),
    )


def test_replies_escape_user_text() -> None:
    from slack_sdk.models.blocks import Block

    choice = coach.tactics_for(facts(), [], TODAY)[0]
    replies = [
        added_confirmation(facts(), choice, date(2026, 11, 30), TODAY),
        duplicate_prompt(NewProspect("<!channel>", "<@U123> & Co", None), 1, "{}"),
        prospect_list([facts()] * 3, TODAY),
        ambiguous_reply("<!channel>", [facts(), facts()], "2 weeks"),
        announced_reply(EventKind.FEATURE_SHIPPED, "<!here>", [facts()], 2),
    ]
    for reply in replies:
        for block in reply.blocks:
            Block.parse(block).to_dict()  # type: ignore[union-attr]
        text = blocks_text(reply.blocks)
        assert "<!channel>" not in text and "<@U123>" not in text and "<!here>" not in text
    assert "&lt;!channel&gt;" in blocks_text(replies[0].blocks)


def test_a_long_list_is_capped_and_counted() -> None:
    many = [facts(name=f"Person {i} " + "x" * 150) for i in range(60)]
    reply = prospect_list(many, TODAY)
    assert len(reply.blocks) <= 50
    text = blocks_text(reply.blocks)
    assert "…and 20 more" in text
    assert all(len(b["text"]["text"]) <= 3000 for b in reply.blocks)


def test_a_list_read_up_to_its_cap_counts_every_prospect() -> None:
    first = [facts(name=f"Person {i}") for i in range(40)]
    reply = prospect_list(first, TODAY, total=75)
    text = blocks_text(reply.blocks)
    assert "(75)" in text and "…and 35 more" in text
    assert reply.text == "Your dormant prospects: 75."
