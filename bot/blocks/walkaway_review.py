"""The manager's walk-away review: the Home section, the hand-over modal, and the words
each side reads (the manager, the previous rep, the new rep's digest line)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot import ids
from bot.blocks.state import Values, element_state, read_text
from bot.blocks.walk_reasons import short_label
from bot.coach.playbook import human_date
from bot.domain import DecisionKind
from bot.mrkdwn import (
    BUTTON_TEXT_MAX,
    HEADER_TEXT_MAX,
    OPTION_TEXT_MAX,
    PLAIN_TITLE_MAX,
    escape,
    md,
    plain,
    truncate,
)
from bot.team.handover import NOTE_MAX, Handover

Block = dict[str, Any]

REVIEW_DAYS = 14
ROWS_SHOWN_MAX = 8  # two blocks a row: the section stays under 20 blocks
TRIED_SHOWN_MAX = 5
OPTIONS_MAX = 100  # Slack's limit for a static_select
NOTE_SHOWN_MAX = 300  # on the digest's line


@dataclass(frozen=True, slots=True)
class WalkAwayRow:
    """One recent walk-away of a manager's team, as the review lists it."""

    prospect_id: int
    version: int
    name: str
    company: str
    owner_user: str  # the rep's Slack id
    reason: str | None  # a WalkAwayReason value
    decided_on: date
    tried: tuple[str, ...]  # tactic titles, in the order first tried
    contacts: int
    closed: bool  # they asked not to be contacted: no reopening, no hand-over


@dataclass(frozen=True, slots=True)
class RepChoice:
    """A rep the prospect can be handed to."""

    rep_id: int
    label: str


@dataclass(frozen=True, slots=True)
class HandOverForm:
    new_rep_id: int | None
    note: str | None


def mention(user_id: str | None, fallback: str) -> str:
    return f"<@{escape(user_id)}>" if user_id else fallback


def who(name: str, company: str) -> str:
    return f"*{escape(name)}* ({escape(company)})"


# --- the Home section ------------------------------------------------------------------


def review_blocks(rows: list[WalkAwayRow], total: int, today: date) -> list[Block]:
    """Newest first; `total` counts every walk-away of the period, shown or not."""
    blocks: list[Block] = [
        {"type": "header", "text": plain("Walk-away review", HEADER_TEXT_MAX)},
    ]
    if not rows:
        blocks.append(_context(f"No walk-aways in your teams in the last {REVIEW_DAYS} days."))
        return blocks
    blocks.append(
        _context(
            f"Your teams' walk-aways of the last {REVIEW_DAYS} days, newest first. *Reopen* "
            "puts one back in its rep's rotation; *Hand to a fresh voice* gives it to "
            "another rep of the team, history and all."
        )
    )
    for row in rows[:ROWS_SHOWN_MAX]:
        blocks += _row_blocks(row, today)
    hidden = total - min(len(rows), ROWS_SHOWN_MAX)
    if hidden > 0:
        blocks.append(_context(f"…and {hidden} more in the last {REVIEW_DAYS} days."))
    return blocks


def _row_blocks(row: WalkAwayRow, today: date) -> list[Block]:
    tried = ", ".join(escape(t) for t in row.tried[:TRIED_SHOWN_MAX]) or "nothing yet"
    if len(row.tried) > TRIED_SHOWN_MAX:
        tried += ", …"
    contacts = f"{row.contacts} contact{'' if row.contacts == 1 else 's'}"
    lines = [
        f"{who(row.name, row.company)} · {mention(row.owner_user, 'a rep')}",
        f"Walked away {human_date(row.decided_on, today)}: {escape(short_label(row.reason))}",
        f"Tried: {tried} ({contacts})",
    ]
    if row.closed:
        lines.append(":no_entry: They asked not to be contacted: it stays closed.")
    section: Block = {"type": "section", "text": md("\n".join(lines))}
    if row.closed:
        return [section]
    value = ids.encode_value(ids.ActionValue(prospect_id=row.prospect_id, version=row.version))
    actions: Block = {
        "type": "actions",
        "block_id": f"{ids.REVIEW_BLOCK}:{row.prospect_id}",
        "elements": [
            {
                "type": "button",
                "action_id": ids.REVIEW_REOPEN,
                "text": plain("Reopen", BUTTON_TEXT_MAX),
                "value": value,
            },
            {
                "type": "button",
                "action_id": ids.REVIEW_HAND_OVER,
                "text": plain("Hand to a fresh voice", BUTTON_TEXT_MAX),
                "value": value,
            },
        ],
    }
    return [section, actions]


def _context(text: str) -> Block:
    return {"type": "context", "elements": [md(text)]}


# --- the hand-over modal ---------------------------------------------------------------


def hand_over_modal(
    name: str, company: str, owner_user: str, choices: list[RepChoice], meta: str
) -> dict[str, Any]:
    options = [
        {"text": plain(choice.label, OPTION_TEXT_MAX), "value": str(choice.rep_id)}
        for choice in choices[:OPTIONS_MAX]
    ]
    owner = mention(owner_user, "their rep")
    return {
        "type": "modal",
        "callback_id": ids.HAND_OVER_MODAL,
        "title": plain("Hand over", PLAIN_TITLE_MAX),
        "submit": plain("Hand over", PLAIN_TITLE_MAX),
        "close": plain("Cancel", PLAIN_TITLE_MAX),
        "private_metadata": meta,
        "blocks": [
            {
                "type": "section",
                "text": md(
                    f"Give {who(name, company)} to another rep of the team, with its whole "
                    f"history. It shows up in their next digest as handed over from {owner}, "
                    f"with your note; {owner} gets a message."
                ),
            },
            {
                "type": "input",
                "block_id": ids.IN_NEW_REP,
                "label": plain("Hand to", 2000),
                "element": {
                    "type": "static_select",
                    "action_id": ids.IN_NEW_REP,
                    "placeholder": plain("Pick a rep", 150),
                    "options": options,
                },
            },
            {
                "type": "input",
                "block_id": ids.IN_HANDOVER_NOTE,
                "label": plain("Note for them", 2000),
                "element": {
                    "type": "plain_text_input",
                    "action_id": ids.IN_HANDOVER_NOTE,
                    "multiline": True,
                    "max_length": NOTE_MAX,
                    "placeholder": plain("What was tried, what to try, why you", 150),
                },
            },
        ],
    }


def read_hand_over(values: Values) -> HandOverForm:
    """The picked rep (a forged or missing option reads as none) and the note."""
    option = element_state(values, ids.IN_NEW_REP).get("selected_option") or {}
    raw = option.get("value") if isinstance(option, dict) else None
    new_rep_id = int(raw) if isinstance(raw, str) and raw.isdigit() else None
    return HandOverForm(new_rep_id=new_rep_id, note=read_text(values, ids.IN_HANDOVER_NOTE))


# --- what people read ------------------------------------------------------------------


def handover_line(handover: Handover) -> str:
    """The new rep's digest: who handed it over, from whom, and the note."""
    line = (
        f":handshake: Handed over by {mention(handover.by_user, 'a manager')} "
        f"from {mention(handover.from_user, 'another rep')}"
    )
    note = " ".join((handover.note or "").split())
    return f"{line}: {escape(truncate(note, NOTE_SHOWN_MAX))}" if note else f"{line}."


def reopened_notice(name: str, company: str, owner_user: str, due: date, today: date) -> str:
    return (
        f"Reopened {who(name, company)}: back in {mention(owner_user, 'their rep')}'s "
        f"rotation, due {human_date(due, today)}."
    )


def handed_over_notice(name: str, company: str, new_user: str, due: date, today: date) -> str:
    return (
        f"Handed {who(name, company)} to {mention(new_user, 'the new rep')}: in their digest "
        f"{human_date(due, today)}, with your note. The previous rep has been told."
    )


def previous_rep_text(name: str, company: str, manager_user: str, new_user: str) -> str:
    return (
        f"{mention(manager_user, 'A manager')} handed {who(name, company)} to "
        f"{mention(new_user, 'another rep')} for a fresh voice. It keeps its whole history; "
        "nothing to do on your side."
    )


def already_notice(
    kind: DecisionKind, name: str, company: str, by_user: str | None, on: date
) -> str:
    """A second click on a decision already taken (a double click, an old Home)."""
    did = "handed over" if kind is DecisionKind.HAND_OVER else "reopened"
    return (
        f"Already {did}: {who(name, company)}, by {mention(by_user, 'a manager')} "
        f"on {human_date(on)}. Nothing else changed."
    )
