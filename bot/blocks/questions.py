"""The question backlog on Slack: the "Find out this time" line, the outcome form's
question choice (and the contract end it may ask for), and the answered/open list.

Pure builders; labels are the playbook's (bot.coach.questions), answers are the rep's
text and always escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.blocks.state import Values, element_state, read_date, read_text
from bot.coach.questions import CONTACT_NAME_MAX, SOMETHING_ELSE, Backlog, Fact
from bot.coach.rendering import human_date
from bot.mrkdwn import OPTION_TEXT_MAX, escape, md, plain, truncate

IN_QUESTION = "question"  # block and action id of the question choice
IN_FACT_DATE = "fact_date"  # block and action id of the contract end datepicker
IN_FACT_CONTACT = "fact_contact"  # block and action id of the decision maker as new contact
FIND_OUT = "Find out this time"
SOMETHING_ELSE_LABEL = "Something else"
ANSWER_SHOWN_MAX = 200


def find_out_line(backlog: Backlog | None) -> str | None:
    """The digest's and the card's one line, or None when nothing is left to find out."""
    question = backlog.next if backlog is not None else None
    if question is None:
        return None
    return f":mag: *{FIND_OUT}:* {escape(question.label)}"


def _option(value: str, label: str, hint: str | None = None) -> dict[str, Any]:
    option: dict[str, Any] = {"text": plain(label, OPTION_TEXT_MAX), "value": value}
    if hint:
        option["description"] = plain(hint, OPTION_TEXT_MAX)
    return option


def question_choice(backlog: Backlog) -> dict[str, Any] | None:
    """One click: which open question the learned fact answers, or something else."""
    if not backlog.open:
        return None
    options = [_option(q.id, q.label, q.why) for q in backlog.open]
    options.append(_option(SOMETHING_ELSE, SOMETHING_ELSE_LABEL, "It answers none of these."))
    return {
        "type": "input",
        "block_id": IN_QUESTION,
        "optional": True,
        "label": plain("Which question did it answer?", 2000),
        "hint": plain("Answered questions leave your list; I ask the next one.", 2000),
        "element": {"type": "radio_buttons", "action_id": IN_QUESTION, "options": options},
    }


def contract_end_input(backlog: Backlog) -> dict[str, Any] | None:
    """The date a contract-end answer needs; only while that question is open."""
    question = next((q for q in backlog.open if q.fact is Fact.CONTRACT_END), None)
    if question is None:
        return None
    return {
        "type": "input",
        "block_id": IN_FACT_DATE,
        "optional": True,
        "label": plain("Contract end date", 2000),
        "hint": plain(
            f"Needed when it answers \u201c{question.label}\u201d. "
            "I time the next call before they renew.",
            2000,
        ),
        "element": {
            "type": "datepicker",
            "action_id": IN_FACT_DATE,
            "placeholder": plain("Pick the day it ends", 150),
        },
    }


def new_contact_input(backlog: Backlog) -> dict[str, Any] | None:
    """The decision maker, when the rep will talk to them from now on; only while the
    who-decides question is open."""
    question = next((q for q in backlog.open if q.fact is Fact.DECISION_MAKER), None)
    if question is None:
        return None
    return {
        "type": "input",
        "block_id": IN_FACT_CONTACT,
        "optional": True,
        "label": plain("Talk to them from now on", 2000),
        "hint": plain(
            f"With “{question.label}”: name the person who decides if they are "
            "not your contact. They become the contact for this prospect; the history stays.",
            2000,
        ),
        "element": {
            "type": "plain_text_input",
            "action_id": IN_FACT_CONTACT,
            "max_length": CONTACT_NAME_MAX,
            "placeholder": plain("Their name", 150),
        },
    }


def answer_inputs(backlog: Backlog | None) -> list[dict[str, Any]]:
    """The outcome form's question blocks (for "learned something new")."""
    if backlog is None:
        return []
    blocks = [question_choice(backlog), contract_end_input(backlog), new_contact_input(backlog)]
    return [b for b in blocks if b is not None]


@dataclass(frozen=True, slots=True)
class AnswerForm:
    question_id: str | None  # a question id, SOMETHING_ELSE, or None (nothing picked)
    fact_date: date | None
    fact_contact: str | None = None


def read_answer_form(values: Values) -> AnswerForm:
    chosen = (element_state(values, IN_QUESTION).get("selected_option") or {}).get("value")
    return AnswerForm(
        question_id=chosen if isinstance(chosen, str) and chosen else None,
        fact_date=read_date(values, IN_FACT_DATE),
        fact_contact=read_text(values, IN_FACT_CONTACT),
    )


def backlog_lines(backlog: Backlog, today: date, *, answers: bool = True) -> list[str]:
    """Answered questions (with the answer) and open ones, as mrkdwn lines."""
    lines: list[str] = []
    for question, answer in backlog.answered:
        line = f":white_check_mark: {escape(question.label)}"
        if answers and answer.text:
            line += f" \u201c{escape(truncate(answer.text, ANSWER_SHOWN_MAX))}\u201d"
        lines.append(f"{line} _({human_date(answer.on, today)})_")
    for i, question in enumerate(backlog.open):
        mark = ":mag:" if i == 0 else ":grey_question:"
        lines.append(f"{mark} {escape(question.label)}")
    return lines


def backlog_section(backlog: Backlog | None, today: date) -> list[dict[str, Any]]:
    """The Details modal's "What we know / still to find out" section."""
    if backlog is None or not (backlog.answered or backlog.open):
        return []
    known, total = len(backlog.answered), len(backlog.answered) + len(backlog.open)
    title = f"*Questions* ({known} of {total} answered)"
    return [
        {"type": "divider"},
        {"type": "section", "text": md("\n".join([title, *backlog_lines(backlog, today)]))},
    ]


def backlog_summary(backlog: Backlog | None) -> str | None:
    """The Home tab's short line: what is known, what to find out next."""
    if backlog is None or not (backlog.answered or backlog.open):
        return None
    parts = []
    if backlog.answered:
        shown = "; ".join(
            f"{escape(q.label)} \u201c{escape(truncate(a.text or '', 80))}\u201d"
            if a.text
            else escape(q.label)
            for q, a in backlog.answered
        )
        parts.append(f"_Answered:_ {shown}")
    if backlog.next is not None:
        line = f"_{FIND_OUT}:_ {escape(backlog.next.label)}"
        later = backlog.open[1:]
        if later:  # every open question, the next one first
            line += " · _then:_ " + "; ".join(escape(q.label) for q in later)
        parts.append(line)
    return "\n".join(parts)

