"""Small modals from the digest's overflow menu: snooze to a date, walk away, details (where
the rep can also record that a prospect asked not to be contacted)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bot import coach, ids
from bot.blocks.questions import backlog_section
from bot.blocks.state import element_state
from bot.blocks.walk_reasons import CHOICE as WALK_REASON_LABELS
from bot.coach.playbook import human_date
from bot.coach.questions import Backlog
from bot.domain import ProspectFacts, WalkAwayReason
from bot.mrkdwn import OPTION_TEXT_MAX, SECTION_TEXT_MAX, escape, md, plain, truncate

TITLE_MAX = 24
HISTORY_SHOWN_MAX = 40
NOTE_MAX = 2000


def walk_reason_option(reason: WalkAwayReason, value: str | None = None) -> dict[str, Any]:
    return {
        "text": plain(WALK_REASON_LABELS[reason], OPTION_TEXT_MAX),
        "value": value or reason.value,
    }


def walk_reason_input(*, optional: bool = False) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": ids.IN_WALK_REASON,
        "label": plain("Why walk away?", 2000),
        "optional": optional,
        "element": {
            "type": "static_select",
            "action_id": ids.IN_WALK_REASON,
            "placeholder": plain("Pick a reason", 150),
            "options": [walk_reason_option(r) for r in WalkAwayReason],
        },
    }


def read_walk_reason(values: dict[str, dict[str, dict[str, Any]]]) -> WalkAwayReason | None:
    state = element_state(values, ids.IN_WALK_REASON)
    chosen = (state.get("selected_option") or {}).get("value")
    try:
        return WalkAwayReason(chosen) if isinstance(chosen, str) else None
    except ValueError:
        return None


DO_NOT_CONTACT_YES = "yes"


def read_do_not_contact(values: dict[str, dict[str, dict[str, Any]]]) -> bool:
    """Whether the details modal's "they asked not to be contacted" box was ticked."""
    state = element_state(values, ids.IN_DO_NOT_CONTACT)
    picked = state.get("selected_options") or []
    return any(isinstance(o, dict) and o.get("value") == DO_NOT_CONTACT_YES for o in picked)


def _do_not_contact_blocks(facts: ProspectFacts) -> list[dict[str, Any]]:
    """Closed for good, said so; otherwise the box that closes it (final, said so too)."""
    if facts.do_not_contact:
        return [
            {
                "type": "section",
                "text": md(
                    ":no_entry: *Do not contact.* They asked not to be contacted: this file "
                    "stays closed for good. No reminder, news or reopening brings them back."
                ),
            }
        ]
    return [
        {"type": "divider"},
        {
            "type": "input",
            "block_id": ids.IN_DO_NOT_CONTACT,
            "optional": True,
            "label": plain("Do not contact", 2000),
            "element": {
                "type": "checkboxes",
                "action_id": ids.IN_DO_NOT_CONTACT,
                "options": [
                    {
                        "text": plain("They asked not to be contacted", OPTION_TEXT_MAX),
                        "description": plain(
                            "Final: closes this file for good. No reminder, news or "
                            "reopening brings them back.",
                            OPTION_TEXT_MAX,
                        ),
                        "value": DO_NOT_CONTACT_YES,
                    }
                ],
            },
        },
    ]


def who(facts: ProspectFacts) -> str:
    return f"*{escape(facts.name)}* ({escape(facts.company)})"


def _modal(
    callback_id: str, title: str, blocks: list[dict[str, Any]], meta: str, submit: str | None
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title, TITLE_MAX),
        "close": plain("Cancel" if submit else "Close", TITLE_MAX),
        "private_metadata": meta,
        "blocks": blocks,
    }
    if submit:
        view["submit"] = plain(submit, TITLE_MAX)
    return view


def snooze_modal(facts: ProspectFacts, today: date, meta: str) -> dict[str, Any]:
    blocks = [
        {"type": "section", "text": md(f"Bring {who(facts)} back on the day you pick.")},
        {
            "type": "input",
            "block_id": ids.IN_SNOOZE_DATE,
            "label": plain("Remind me on", 2000),
            "element": {
                "type": "datepicker",
                "action_id": ids.IN_SNOOZE_DATE,
                "initial_date": (today + timedelta(days=14)).isoformat(),
                "placeholder": plain("Pick a date", 150),
            },
        },
    ]
    return _modal(ids.SNOOZE_MODAL, "Snooze", blocks, meta, "Snooze")


def walk_away_modal(facts: ProspectFacts, meta: str) -> dict[str, Any]:
    blocks = [
        {
            "type": "section",
            "text": md(
                f"Walking away archives {who(facts)}: no more reminders, unless news "
                "about their missing feature or competitor brings them back."
            ),
        },
        walk_reason_input(),
        {
            "type": "input",
            "block_id": ids.IN_NOTE,
            "label": plain("Anything to remember?", 2000),
            "optional": True,
            "element": {
                "type": "plain_text_input",
                "action_id": ids.IN_NOTE,
                "multiline": True,
                "max_length": NOTE_MAX,
            },
        },
    ]
    return _modal(ids.WALK_AWAY_MODAL, "Walk away", blocks, meta, "Walk away")


@dataclass(frozen=True, slots=True)
class Happened:
    """One line of a prospect's history: our own label, the rep's words (escaped on output)."""

    on: date
    label: str
    detail: str | None = None


FACT_FIELDS: tuple[tuple[str, str], ...] = (
    ("email", "Email"),
    ("phone", "Phone"),
    ("stated_reason", "What they said"),
    ("competitor", "Competitor / provider"),
    ("missing_feature", "Feature they needed"),
    ("contract_end", "Contract ends"),
    ("decision_date", "Decided on"),
    ("proposal_sent_on", "Proposal sent"),
    ("proposal_expires_on", "Proposal expires"),
    ("referrer", "Referred by"),
    ("note", "Note"),
    ("last_learned", "Last learned"),
    ("next_touch_on", "Next contact"),
)


def _fact_lines(facts: ProspectFacts, today: date) -> list[str]:
    lines = [
        f"*Situation:* {escape(coach.SITUATIONS[facts.situation].label)}",
        f"*Status:* {facts.status.value.replace('_', ' ')}",
    ]
    for field, label in FACT_FIELDS:
        value = getattr(facts, field)
        if value is None or value == "":
            continue
        shown = human_date(value, today) if isinstance(value, date) else escape(str(value))
        lines.append(f"*{label}:* {truncate(shown, 500)}")
    return lines


def details_modal(
    facts: ProspectFacts,
    history: Sequence[Happened],
    today: date,
    meta: str,
    backlog: Backlog | None = None,
) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain(f"{escape(facts.name)} ({escape(facts.company)})", 150)},
        {"type": "section", "text": md("\n".join(_fact_lines(facts, today)))},
        *backlog_section(backlog, today),  # answered (with the answers) and open questions
        {"type": "divider"},
        {"type": "section", "text": md("*History*, newest first")},
    ]
    if not history:
        blocks.append({"type": "context", "elements": [md("Nothing logged yet.")]})
    newest = sorted(history, key=lambda h: h.on, reverse=True)[:HISTORY_SHOWN_MAX]
    chunk: list[str] = []
    for entry in newest:
        line = f"• {human_date(entry.on, today)}: {escape(entry.label)}"
        if entry.detail:
            line += f": \u201c{escape(truncate(entry.detail, 300))}\u201d"
        if sum(len(x) + 1 for x in chunk) + len(line) > SECTION_TEXT_MAX - 10:
            blocks.append({"type": "section", "text": md("\n".join(chunk))})
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append({"type": "section", "text": md("\n".join(chunk))})
    if len(history) > HISTORY_SHOWN_MAX:
        more = len(history) - HISTORY_SHOWN_MAX
        blocks.append({"type": "context", "elements": [md(f"…and {more} older entries.")]})
    blocks += _do_not_contact_blocks(facts)
    submit = None if facts.do_not_contact else "Save"
    return _modal(ids.DETAILS_MODAL, "Prospect details", blocks, meta, submit)
