"""The re-evaluate card: the coach asks whether to walk away or keep going."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot import coach, ids
from bot.blocks.prospect_modals import WALK_REASON_LABELS, walk_reason_option, who
from bot.coach import Reevaluation
from bot.coach.playbook import human_date
from bot.domain import DecisionKind, ProspectFacts, WalkAwayReason
from bot.mrkdwn import BUTTON_TEXT_MAX, escape, md, plain


def reevaluate_text(facts: ProspectFacts) -> str:
    """The card's notification fallback: escaped like the blocks (it reaches push texts)."""
    return f"Time to decide about {escape(facts.name)}: walk away or keep going?"


def answered_text(facts: ProspectFacts) -> str:
    """The answered card's notification fallback."""
    return f"Decided about {escape(facts.name)}."


def tried_titles(reevaluation: Reevaluation) -> str:
    titles = [coach.TACTICS[t].title if t in coach.TACTICS else t for t in reevaluation.tried]
    return ", ".join(escape(t) for t in titles) or "no tactic yet"


def _why(reevaluation: Reevaluation) -> str:
    """Which limit was reached, in a sentence."""
    if reevaluation.reason is WalkAwayReason.PROPOSAL_EXPIRED:
        return "The proposal has expired and the final notice got no answer."
    if reevaluation.final_notice:
        return "The final notice got no answer: the went-quiet sequence is done."
    if reevaluation.reason is WalkAwayReason.UNREACHABLE:
        n = reevaluation.unanswered_count
        return "Your last try got no answer." if n == 1 else f"{n} tries in a row got no answer."
    n = reevaluation.nothing_new_count
    if n == 1:
        return "Your last conversation taught you nothing new."
    return f"{n} conversations in a row taught you nothing new."


def decision_elements(
    prospect_id: int, version: int, reevaluation: Reevaluation, on: date | None = None
) -> list[dict[str, Any]]:
    """The question's two answers: a walk-away reason to pick, or keep going. The card and
    the digest share them (and their action ids), so one listener answers both; `on` marks
    a click from the digest of that day, so it is redrawn there."""
    day = on.isoformat() if on else None
    walk_options = [
        walk_reason_option(
            reason,
            ids.encode_value(ids.ActionValue(prospect_id, version, option=reason.value, on=day)),
        )
        for reason in WalkAwayReason
    ]
    elements: list[dict[str, Any]] = [
        {
            "type": "static_select",
            "action_id": ids.DECIDE_WALK_AWAY,
            "placeholder": plain("Walk away because…", 150),
            "options": walk_options,
        }
    ]
    nxt = reevaluation.next_tactic
    if nxt is not None:
        value = ids.ActionValue(prospect_id, version, tactic_id=nxt.id, on=day)
        elements.append(
            {
                "type": "button",
                "action_id": ids.DECIDE_KEEP_GOING,
                "style": "primary",
                "text": plain(f"Keep going with {nxt.title}", BUTTON_TEXT_MAX),
                "value": ids.encode_value(value),
            }
        )
    return elements


def reevaluate_blocks(
    facts: ProspectFacts, version: int, reevaluation: Reevaluation
) -> list[dict[str, Any]]:
    if facts.id is None:
        raise ValueError("a re-evaluate card needs a stored prospect")
    block_id = f"{ids.REEVALUATE_BLOCK}:{facts.id}"
    return [
        {
            "type": "section",
            "text": md(f":thinking_face: *Decide about {who(facts)}*\n{_why(reevaluation)}"),
        },
        {
            "type": "section",
            "text": md(
                f"*Tried:* {tried_titles(reevaluation)}\n"
                "Walking away is a fine answer: it frees your time, and news about their "
                "feature or competitor can still bring them back."
            ),
        },
        {
            "type": "actions",
            "block_id": block_id,
            "elements": decision_elements(facts.id, version, reevaluation),
        },
    ]


def answered_blocks(
    facts: ProspectFacts,
    kind: DecisionKind,
    reason: WalkAwayReason | None,
    next_on: date | None,
    today: date,
) -> list[dict[str, Any]]:
    """The card once answered: what was decided, no buttons."""
    if kind is DecisionKind.WALK_AWAY:
        label = WALK_REASON_LABELS[reason] if reason else "no reason given"
        line = f":white_check_mark: You walked away from {who(facts)} ({escape(label.lower())})."
    else:
        line = f":white_check_mark: Keeping going with {who(facts)}."
        if next_on is not None:
            line += f" Next contact: {human_date(next_on, today)}."
    return [{"type": "section", "text": md(line)}]
