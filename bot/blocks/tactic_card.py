"""The tactic card modal: what to do and say, then what happened.

The outcome radio dispatches on change so the modal can show only the inputs
that outcome needs (successor, walk-away reason, next date) and re-propose the
next date; a submission that arrives without that redraw is still read in full.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot import ids
from bot.blocks.prospect_modals import read_walk_reason, walk_reason_input, who
from bot.blocks.questions import (
    IN_FACT_CONTACT,
    IN_FACT_DATE,
    IN_QUESTION,
    answer_inputs,
    find_out_line,
    read_answer_form,
)
from bot.blocks.state import read_text
from bot.coach.playbook import TacticCard, human_date
from bot.coach.questions import Backlog
from bot.domain import Outcome, ProspectFacts, WalkAwayReason
from bot.mrkdwn import OPTION_TEXT_MAX, escape, md, plain
from bot.usecases.outcomes import LEARNED_MAX

TITLE = "Tactic card"

# The outcomes a rep can pick after a contact, in the order they read them.
OUTCOME_CHOICES: tuple[tuple[Outcome, str, str], ...] = (
    (Outcome.LEARNED, "Learned something new", "Tell me what; it shapes the next contact."),
    (Outcome.NOTHING_NEW, "Talked, nothing new", "A conversation that taught you nothing."),
    (Outcome.NO_REPLY, "No reply yet", "Voicemail or email sent, no answer."),
    (Outcome.NOT_NOW, "Said no / not now", "I push the next contact well out."),
    (Outcome.RE_ENGAGED, "Re-engaged: meeting booked", "Revived! Off the dormant list."),
    (Outcome.WON, "Won", "Congratulations."),
    (Outcome.CONTACT_LEFT, "Contact left", "Name who took over; I restart with them."),
    (Outcome.WALKED_AWAY, "Walk away", "Archive it, with a reason."),
)
LEAVE_ROTATION = frozenset({Outcome.RE_ENGAGED, Outcome.WON, Outcome.WALKED_AWAY})


def next_date_block_id(outcome: Outcome | None) -> str:
    # A new block id per outcome makes Slack show the new proposal instead of
    # keeping the date from before the redraw.
    return f"{ids.IN_NEXT_DATE}:{outcome.value if outcome else 'any'}"


def _outcome_option(outcome: Outcome) -> dict[str, Any]:
    _, label, hint = next(c for c in OUTCOME_CHOICES if c[0] is outcome)
    return {
        "text": plain(label, OPTION_TEXT_MAX),
        "description": plain(hint, OPTION_TEXT_MAX),
        "value": outcome.value,
    }


def _quote(text: str) -> str:
    return "\n".join(f">{escape(line)}" if line else ">" for line in text.split("\n"))


def outcome_modal(
    facts: ProspectFacts,
    card: TacticCard,
    *,
    today: date,
    meta: str,
    outcome: Outcome | None = None,
    proposed: date | None = None,
    backlog: Backlog | None = None,
    evidence: str | None = None,
) -> dict[str, Any]:
    """The card for one tactic and one prospect, with the outcome form below it; `evidence`
    is the team's record with it ("revived 4 of 9 like this"), when the ranking is on."""
    tactic = card.tactic
    find_out = find_out_line(backlog)
    blocks: list[dict[str, Any]] = [
        {
            "type": "section",
            "text": md(f"*{escape(tactic.title)}* with {who(facts)}\n_{escape(tactic.purpose)}_"),
        },
        *([{"type": "context", "elements": [md(f":bar_chart: {escape(evidence)}")]}]
          if evidence else []),
        *([{"type": "section", "text": md(find_out)}] if find_out else []),
        {"type": "section", "text": md(f"*What to do*\n{escape(card.what_to_do)}")},
        {"type": "section", "text": md(f"*What to say*\n{_quote(card.talk_track)}")},
        {"type": "section", "text": md(f"*Homework first*\n{escape(card.homework)}")},
        {"type": "context", "elements": [md(f"Tactic {escape(card.credit)}.")]},
        {"type": "divider"},
        _outcome_input(outcome),
        _learned_input(outcome),
    ]
    if outcome is None or outcome is Outcome.LEARNED:
        blocks += answer_inputs(backlog)
    if outcome is None or outcome is Outcome.CONTACT_LEFT:
        blocks.append(_successor_input())
    if outcome is None or outcome is Outcome.WALKED_AWAY:
        blocks.append(walk_reason_input(optional=outcome is None))
    if outcome not in LEAVE_ROTATION:
        blocks.append(_next_date_input(outcome, proposed, today))
    return {
        "type": "modal",
        "callback_id": ids.OUTCOME_MODAL,
        "title": plain(TITLE, 24),
        "submit": plain("Log it", 24),
        "close": plain("Cancel", 24),
        "private_metadata": meta,
        "blocks": blocks,
    }


def _outcome_input(outcome: Outcome | None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "radio_buttons",
        "action_id": ids.OUTCOME_SELECT,
        "options": [_outcome_option(o) for o, _, _ in OUTCOME_CHOICES],
    }
    if outcome is not None:
        element["initial_option"] = _outcome_option(outcome)
    return {
        "type": "input",
        "block_id": ids.IN_OUTCOME,
        "dispatch_action": True,
        "label": plain("How did it go?", 2000),
        "element": element,
    }


def _learned_input(outcome: Outcome | None) -> dict[str, Any]:
    needed = outcome in (Outcome.LEARNED, Outcome.CONTACT_LEFT)
    label = (
        "Who took over, and what did you learn?"
        if outcome is Outcome.CONTACT_LEFT
        else "What did you learn?"
    )
    return {
        "type": "input",
        "block_id": ids.IN_LEARNED,
        "label": plain(label, 2000),
        "optional": not needed,
        "hint": plain(
            "Needed for \u201clearned something new\u201d and \u201ccontact left\u201d.", 2000
        ),
        "element": {
            "type": "plain_text_input",
            "action_id": ids.IN_LEARNED,
            "multiline": True,
            "max_length": LEARNED_MAX,
            "placeholder": plain("e.g. budget moves to Q2; Pat now owns the decision", 150),
        },
    }


def _successor_input() -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": ids.IN_SUCCESSOR,
        "label": plain("Successor's name (if the contact left)", 2000),
        "optional": True,
        "element": {
            "type": "plain_text_input",
            "action_id": ids.IN_SUCCESSOR,
            "max_length": 200,
            "placeholder": plain("e.g. Pat Kim", 150),
        },
    }


def _next_date_input(outcome: Outcome | None, proposed: date | None, today: date) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "datepicker",
        "action_id": ids.IN_NEXT_DATE,
        "placeholder": plain("Pick a date", 150),
    }
    hint = "Leave it and I'll pick the day that fits the outcome."
    if proposed is not None:
        element["initial_date"] = proposed.isoformat()
        hint = (
            f"My proposal: {human_date(proposed, today)}. Change it if you agreed on another day."
        )
    return {
        "type": "input",
        "block_id": next_date_block_id(outcome),
        "label": plain("Next contact", 2000),
        "optional": True,
        "hint": plain(hint, 2000),
        "element": element,
    }


@dataclass(frozen=True, slots=True)
class OutcomeForm:
    """The submitted form, parsed; next_block is where a date error goes."""

    outcome: Outcome | None
    learned: str | None
    successor: str | None
    next_on: date | None
    walk_reason: WalkAwayReason | None
    next_block: str | None
    question_id: str | None = None  # the backlog question it answered (or "something else")
    fact_date: date | None = None  # the contract end, when that is what it answered
    fact_contact: str | None = None  # the decision maker who becomes the contact


def read_outcome_form(values: dict[str, dict[str, dict[str, Any]]]) -> OutcomeForm:
    chosen = (
        (values.get(ids.IN_OUTCOME, {}).get(ids.OUTCOME_SELECT) or {}).get("selected_option") or {}
    ).get("value")
    allowed = {o.value for o, _, _ in OUTCOME_CHOICES}
    outcome = Outcome(chosen) if chosen in allowed else None
    next_block = next((b for b in values if b.startswith(f"{ids.IN_NEXT_DATE}:")), None)
    next_on = None
    if next_block is not None:
        raw = (values[next_block].get(ids.IN_NEXT_DATE) or {}).get("selected_date")
        try:
            next_on = date.fromisoformat(raw) if isinstance(raw, str) else None
        except ValueError:
            next_on = None
    answer = read_answer_form(values)
    return OutcomeForm(
        outcome=outcome,
        learned=read_text(values, ids.IN_LEARNED),
        successor=read_text(values, ids.IN_SUCCESSOR),
        next_on=next_on,
        walk_reason=read_walk_reason(values),
        next_block=next_block,
        question_id=answer.question_id,
        fact_date=answer.fact_date,
        fact_contact=answer.fact_contact,
    )


def view_block_ids(view: dict[str, Any]) -> set[str]:
    return {str(b.get("block_id")) for b in view.get("blocks", []) if b.get("block_id")}


# outcome_problems() field → the modal block that shows it; a date problem goes to the
# date block the form had (its id changes with the outcome).
FORM_BLOCKS = {
    "learned": ids.IN_LEARNED,
    "walk_reason": ids.IN_WALK_REASON,
    "outcome": ids.IN_OUTCOME,
    "question": IN_QUESTION,
    "fact_date": IN_FACT_DATE,
    "fact_contact": IN_FACT_CONTACT,
}


def form_errors(problems: dict[str, str], form: OutcomeForm) -> dict[str, str]:
    """outcome_problems() as inline errors, each on the block that shows the field."""
    assert form.outcome is not None
    date_block = form.next_block or next_date_block_id(form.outcome)
    return {FORM_BLOCKS.get(name, date_block): message for name, message in problems.items()}
