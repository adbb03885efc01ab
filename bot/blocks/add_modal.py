"""The "Add a prospect" modal, and reading its submitted state back into a NewProspect."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import partial
from typing import Any

from bot import coach, ids
from bot.blocks.command_replies import who
from bot.blocks.state import read_date, read_text
from bot.domain import Situation
from bot.mrkdwn import OPTION_TEXT_MAX, escape, md, plain, truncate
from bot.usecases.adding import NAME_MAX, TEXT_MAX, NewProspect

TITLE = "Add a prospect"
SHORT_MAX = NAME_MAX  # the store's column width

# problems_with() field names are the NewProspect fields; each has its own input block.
TEXT_INPUTS: tuple[tuple[str, str, str, bool, str], ...] = (
    # (block id = field, label, placeholder, multiline, hint)
    (ids.IN_REASON, "What they said", "e.g. budget frozen until Q2", True, ""),
    (
        ids.IN_COMPETITOR,
        "Competitor or current provider",
        "e.g. Globex",
        False,
        "For a competitor contract, an unhappy customer or a lost deal.",
    ),
    (
        ids.IN_FEATURE,
        "Feature they needed",
        "e.g. SSO with Okta",
        False,
        "Needed for \u201cmissing feature\u201d: it brings them back the day it ships.",
    ),
)
DATE_INPUTS: tuple[tuple[str, str, str], ...] = (
    (ids.IN_CONTRACT_END, "Their contract ends on", "Needed for a competitor contract."),
    (ids.IN_DECIDED_ON, "They decided on", "When they said no or chose a competitor."),
    (ids.IN_PROPOSAL_SENT, "Proposal sent on", ""),
    (ids.IN_PROPOSAL_EXPIRES, "Proposal expires on", "Left empty: 30 days after it was sent."),
)
CONTACT_INPUTS: tuple[tuple[str, str, str], ...] = (
    (ids.IN_REFERRER, "Referred by", "e.g. Sam Lee"),
    (ids.IN_EMAIL, "Email", "name@company.com"),
    (ids.IN_PHONE, "Phone", "+1 555 0100"),
)


def situation_option(situation: Situation) -> dict[str, Any]:
    info = coach.SITUATIONS[situation]
    return {
        "text": plain(info.label, OPTION_TEXT_MAX),
        "description": plain(info.explanation, OPTION_TEXT_MAX),
        "value": situation.value,
    }


def add_modal(
    today: date,
    prefill: NewProspect | None = None,
    note: str | None = None,
    *,
    private_metadata: str = "",
    confirm_duplicate: bool = False,
) -> dict[str, Any]:
    """The modal; `note` (mrkdwn, already escaped) explains what the quick text lacked.

    With `confirm_duplicate` it also shows the "add anyway" checkbox (a same-named
    prospect exists)."""
    given = prefill or NewProspect(name="", company="", situation=None)
    blocks: list[dict[str, Any]] = []
    if note:
        blocks.append({"type": "section", "text": md(note)})
    blocks += [
        _text_input(ids.IN_NAME, "Name", given.name, "e.g. Dana Reyes"),
        _text_input(ids.IN_COMPANY, "Company", given.company, "e.g. Acme Corp"),
        _situation_input(given.situation),
    ]
    for block_id, label, placeholder, multiline, hint in TEXT_INPUTS:
        blocks.append(
            _text_input(
                block_id,
                label,
                getattr(given, block_id),
                placeholder,
                optional=True,
                multiline=multiline,
                hint=hint,
            )
        )
    for block_id, label, hint in DATE_INPUTS:
        blocks.append(_date_input(block_id, label, getattr(given, block_id), hint))
    for block_id, label, placeholder in CONTACT_INPUTS:
        blocks.append(
            _text_input(block_id, label, getattr(given, block_id), placeholder, optional=True)
        )
    blocks.append(
        _text_input(
            ids.IN_NOTE, "Note", given.note, "Anything to remember", optional=True, multiline=True
        )
    )
    if confirm_duplicate:
        blocks.append(_add_anyway_input())
    return {
        "type": "modal",
        "callback_id": ids.ADD_MODAL,
        "title": plain(TITLE, 24),
        "submit": plain("Add", 24),
        "close": plain("Cancel", 24),
        "private_metadata": private_metadata,
        "blocks": blocks,
    }


def _text_input(
    block_id: str,
    label: str,
    value: str | None,
    placeholder: str,
    *,
    optional: bool = False,
    multiline: bool = False,
    hint: str = "",
) -> dict[str, Any]:
    limit = TEXT_MAX if multiline else SHORT_MAX
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": block_id,
        "placeholder": plain(placeholder, 150),
        "multiline": multiline,
        "max_length": limit,
    }
    if value:
        element["initial_value"] = truncate(value, limit)
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def _situation_input(situation: Situation | None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": ids.IN_SITUATION,
        "placeholder": plain("Why did they go dormant?", 150),
        "options": [situation_option(s) for s in Situation],
    }
    if situation is not None:
        element["initial_option"] = situation_option(situation)
    return {
        "type": "input",
        "block_id": ids.IN_SITUATION,
        "label": plain("Situation", 2000),
        "element": element,
        "hint": plain("It decides the tactics and when you hear from me.", 2000),
    }


def _date_input(block_id: str, label: str, value: date | None, hint: str) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "datepicker",
        "action_id": block_id,
        "placeholder": plain("Pick a date", 150),
    }
    if value is not None:
        element["initial_date"] = value.isoformat()
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": element,
        "optional": True,
    }
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


ADD_ANYWAY_VALUE = "yes"


def _add_anyway_input() -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": ids.IN_ADD_ANYWAY,
        "label": plain("You already have this prospect", 2000),
        "element": {
            "type": "checkboxes",
            "action_id": ids.IN_ADD_ANYWAY,
            "options": [{"text": plain("Add a second one anyway"), "value": ADD_ANYWAY_VALUE}],
        },
        "optional": True,
    }


# --- reading a submission --------------------------------------------------------------


def submitted_prospect(values: dict[str, dict[str, dict[str, Any]]]) -> NewProspect:
    """view.state.values → NewProspect; a forged situation value reads as none picked."""

    text = partial(read_text, values)
    day = partial(read_date, values)

    selected = (values.get(ids.IN_SITUATION, {}).get(ids.IN_SITUATION) or {}).get(
        "selected_option"
    ) or {}
    try:
        situation: Situation | None = Situation(selected.get("value"))
    except ValueError:
        situation = None
    return NewProspect(
        name=text(ids.IN_NAME) or "",
        company=text(ids.IN_COMPANY) or "",
        situation=situation,
        email=text(ids.IN_EMAIL),
        phone=text(ids.IN_PHONE),
        stated_reason=text(ids.IN_REASON),
        competitor=text(ids.IN_COMPETITOR),
        missing_feature=text(ids.IN_FEATURE),
        contract_end=day(ids.IN_CONTRACT_END),
        decision_date=day(ids.IN_DECIDED_ON),
        proposal_sent_on=day(ids.IN_PROPOSAL_SENT),
        proposal_expires_on=day(ids.IN_PROPOSAL_EXPIRES),
        referrer=text(ids.IN_REFERRER),
        note=text(ids.IN_NOTE),
    )


def add_anyway_ticked(values: dict[str, dict[str, dict[str, Any]]]) -> bool:
    state = values.get(ids.IN_ADD_ANYWAY, {}).get(ids.IN_ADD_ANYWAY) or {}
    return any(o.get("value") == ADD_ANYWAY_VALUE for o in state.get("selected_options") or [])


def not_understood_note(unknown: list[str]) -> str:
    """What the modal says about quick text it could not read (escaped)."""
    shown = ", ".join(f"\u201c{escape(truncate(piece, 80))}\u201d" for piece in unknown[:5])
    more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
    return (
        f":pencil2: I didn't understand {shown}{more}. "
        "I filled in what I could; check the rest below."
    )


# problems_with() speaks in NewProspect field names; the modal's block ids match them.
FIELD_BLOCKS: dict[str, str] = {
    "name": ids.IN_NAME,
    "company": ids.IN_COMPANY,
    "situation": ids.IN_SITUATION,
    "email": ids.IN_EMAIL,
    "phone": ids.IN_PHONE,
    "stated_reason": ids.IN_REASON,
    "competitor": ids.IN_COMPETITOR,
    "missing_feature": ids.IN_FEATURE,
    "contract_end": ids.IN_CONTRACT_END,
    "decision_date": ids.IN_DECIDED_ON,
    "proposal_sent_on": ids.IN_PROPOSAL_SENT,
    "proposal_expires_on": ids.IN_PROPOSAL_EXPIRES,
    "referrer": ids.IN_REFERRER,
    "note": ids.IN_NOTE,
}


DUPLICATE_NOTE = ":warning: You already have {who}. Tick the box at the bottom to add a second one."


def duplicate_modal(today: date, new: NewProspect, meta: ids.ModalMeta) -> dict[str, Any]:
    """The form again, asking to tick "add a second one" (a same-named prospect exists)."""
    return add_modal(
        today,
        prefill=new,
        note=DUPLICATE_NOTE.format(who=who(new.name, new.company)),
        private_metadata=ids.encode_meta(replace(meta, confirm_duplicate=True)),
        confirm_duplicate=True,
    )


def quick_add_note(unknown: list[str], problems: dict[str, str]) -> str:
    """Why quick text opened the form: what was not understood, what is still needed."""
    parts = []
    if unknown:
        parts.append(not_understood_note(unknown))
    if problems:
        parts.append(":point_down: Still needed: " + " ".join(problems.values()))
    return "\n".join(parts)


def field_errors(problems: dict[str, str]) -> dict[str, str]:
    """problems_with() as inline errors on the form's blocks."""
    # Every field problems_with() names has its own block; the fallback keeps a new
    # rule visible (on the name) rather than silently accepted.
    errors: dict[str, str] = {}
    for field_name, message in problems.items():
        block_id = FIELD_BLOCKS.get(field_name, ids.IN_NAME)
        errors[block_id] = f"{errors[block_id]} {message}" if block_id in errors else message
    return errors
