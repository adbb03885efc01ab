"""The morning digest DM: pure builders from DueItems to Block Kit.

Each prospect takes PROSPECT_BLOCKS blocks (a section with the overflow menu, the
buttons, a divider); when more are due than fit in Slack's 50 blocks, the most
urgent are shown and the rest are counted toward the Home tab.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from bot import coach, ids
from bot.blocks.questions import find_out_line
from bot.blocks.reevaluate import decision_elements, tried_titles
from bot.blocks.walkaway_review import handover_line
from bot.coach.playbook import human_date
from bot.domain import Outcome
from bot.mrkdwn import (
    BUTTON_TEXT_MAX,
    HEADER_TEXT_MAX,
    MESSAGE_BLOCKS_MAX,
    OPTION_TEXT_MAX,
    escape,
    md,
    plain,
    truncate,
)
from bot.usecases.reading import DueItem

PROSPECT_BLOCKS = 3
FRAME_BLOCKS = 3  # header, date context, "N more in your Home tab"
MAX_PROSPECTS = (MESSAGE_BLOCKS_MAX - FRAME_BLOCKS) // PROSPECT_BLOCKS
LEARNED_SHOWN_MAX = 300
MORE_BLOCK = "more"
_INFO_BLOCK = re.compile(r"^p(\d+):info$")
_MORE = re.compile(rf"^{MORE_BLOCK}:(\d+)$")

# How a logged outcome reads next to its ✓ on the digest.
DONE_LABELS: dict[Outcome, str] = {
    Outcome.LEARNED: "Learned something new",
    Outcome.NOTHING_NEW: "Talked, nothing new",
    Outcome.NO_REPLY: "No reply yet",
    Outcome.NOT_NOW: "Said no / not now",
    Outcome.RE_ENGAGED: "Re-engaged: meeting booked",
    Outcome.WON: "Won",
    Outcome.CONTACT_LEFT: "Contact left: successor noted",
    Outcome.WALKED_AWAY: "Walked away",
    Outcome.SNOOZED: "Snoozed",
}

MENU_LABELS: tuple[tuple[str, str], ...] = (
    (ids.MENU_SNOOZE_WEEK, "Snooze 1 week"),
    (ids.MENU_SNOOZE_PICK, "Snooze to a date…"),
    (ids.MENU_WALK_AWAY, "Walk away…"),
    (ids.MENU_DETAILS, "Details and history"),
)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def digest_text(due_count: int) -> str:
    """The notification fallback."""
    return f"{plural(due_count, 'prospect')} to revive today"


def fit(items: list[DueItem], more_in_home: int = 0) -> tuple[list[DueItem], int]:
    """The items that fit in one message (most urgent first: callers sort) and the rest."""
    shown = items[:MAX_PROSPECTS]
    return shown, more_in_home + len(items) - len(shown)


def digest_blocks(items: list[DueItem], on: date, *, more_in_home: int) -> list[dict[str, Any]]:
    shown, more = fit(items, more_in_home)
    total = len(shown) + more
    done = sum(1 for item in shown if item.done is not None or item.kept_going)
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": plain(f":seedling: {digest_text(total)}", HEADER_TEXT_MAX),
        },
        {
            "type": "context",
            "elements": [md(_date_line(on, done, len(shown)))],
        },
    ]
    for item in shown:
        blocks += prospect_blocks(item, on)
    if more:
        blocks.append(
            {
                "type": "context",
                "block_id": f"{MORE_BLOCK}:{more}",
                "elements": [
                    md(f":house: {plural(more, 'more prospect')} due: see your Home tab.")
                ],
            }
        )
    return blocks


def _date_line(on: date, done: int, shown: int) -> str:
    line = f"{on:%A}, {human_date(on)}"
    if done:
        line += f" · {done} of {shown} done"
    return line


def who(item: DueItem) -> str:
    facts = item.facts
    return f"*{escape(facts.name)}* ({escape(facts.company)})"


def prospect_blocks(item: DueItem, on: date) -> list[dict[str, Any]]:
    """Three blocks: what and why (with the menu), the buttons, a divider."""
    pid = _pid(item)
    if item.done is not None or item.kept_going:
        return [
            {
                "type": "section",
                "block_id": ids.prospect_block_id(pid, "info"),
                "text": md(f":white_check_mark: {who(item)}: {_done_line(item, on)}"),
            },
            {
                "type": "context",
                "block_id": ids.prospect_block_id(pid, "actions"),
                "elements": [md(_facts_line(item))],
            },
            {"type": "divider"},
        ]
    section: dict[str, Any] = {
        "type": "section",
        "block_id": ids.prospect_block_id(pid, "info"),
        "text": md(_info_text(item)),
    }
    if item.choices:
        section["accessory"] = _menu(item, on)
    if item.decision is not None:  # the open question, with its answers, instead of a tactic
        actions = {
            "type": "actions",
            "block_id": ids.prospect_block_id(pid, "actions"),
            "elements": decision_elements(pid, item.version, item.decision, on),
        }
        return [section, actions, {"type": "divider"}]
    return [section, _actions(item, on), {"type": "divider"}]


def _pid(item: DueItem) -> int:
    if item.facts.id is None:
        raise ValueError("a digest item needs a stored prospect")
    return item.facts.id


def _info_text(item: DueItem) -> str:
    facts = item.facts
    label = coach.SITUATIONS[facts.situation].label
    lines = [
        f"{who(item)} · {escape(label)}",
        f":dart: *Why today:* {escape(item.why)}",
    ]
    if item.handover is not None:  # a manager gave it to this rep: say by whom and why
        lines.append(handover_line(item.handover))
    if item.decision is not None:
        lines.append(_decide_line(item.decision))
    elif item.choices:
        first = item.choices[0]
        lines.append(f":bulb: *Try:* {escape(first.tactic.title)}: {escape(first.reason)}")
        if first.evidence:  # the team's own results put it first (bot.coach.ranking)
            lines.append(f":bar_chart: {escape(first.evidence)}")
    find_out = find_out_line(item.backlog)
    if find_out is not None and item.decision is None:
        lines.append(find_out)
    lines.append(_facts_line(item))
    return "\n".join(lines)


def _decide_line(decision: coach.Reevaluation) -> str:
    nxt = decision.next_tactic
    keep = f"keep going with {escape(nxt.title)}" if nxt is not None else "keep going"
    return f":thinking_face: *Decide:* walk away, or {keep}? Tried: {tried_titles(decision)}."


def _facts_line(item: DueItem) -> str:
    parts = [f"{plural(item.days_dormant, 'day')} dormant"]
    learned = item.facts.last_learned
    if learned:
        parts.append(f"last learned: \u201c{escape(truncate(learned, LEARNED_SHOWN_MAX))}\u201d")
    return " · ".join(parts)


def _done_line(item: DueItem, on: date) -> str:
    line = DONE_LABELS[item.done] if item.done is not None else "Keeping going"
    nxt = item.facts.next_touch_on
    if nxt is not None and nxt > on:
        line += f". Next: {human_date(nxt, on)}"
    return line + "."


def _value(item: DueItem, on: date, tactic_id: str | None, option: str | None = None) -> str:
    return ids.encode_value(
        ids.ActionValue(
            prospect_id=_pid(item),
            version=item.version,
            tactic_id=tactic_id,
            option=option,
            on=on.isoformat(),
        )
    )


def _actions(item: DueItem, on: date) -> dict[str, Any]:
    elements: list[dict[str, Any]] = []
    for i, choice in enumerate(item.choices):
        button: dict[str, Any] = {
            "type": "button",
            "action_id": f"{ids.TACTIC}:{i}",
            "text": plain(choice.tactic.title, BUTTON_TEXT_MAX),
            "value": _value(item, on, choice.tactic.id),
        }
        if i == 0:
            button["style"] = "primary"
        elements.append(button)
    if item.choices:
        elements.append(
            {
                "type": "button",
                "action_id": ids.NO_REPLY,
                "text": plain("No reply yet", BUTTON_TEXT_MAX),
                "value": _value(item, on, item.choices[0].tactic.id),
            }
        )
    else:  # nothing to try (should not happen): details stay reachable
        elements.append(
            {
                "type": "button",
                "action_id": ids.PROSPECT_MENU,
                "text": plain("Details", BUTTON_TEXT_MAX),
                "value": _value(item, on, None, ids.MENU_DETAILS),
            }
        )
    return {
        "type": "actions",
        "block_id": ids.prospect_block_id(_pid(item), "actions"),
        "elements": elements,
    }


def _menu(item: DueItem, on: date) -> dict[str, Any]:
    tactic_id = item.choices[0].tactic.id
    return {
        "type": "overflow",
        "action_id": ids.PROSPECT_MENU,
        "options": [
            {
                "text": plain(label, OPTION_TEXT_MAX),
                "value": _value(item, on, tactic_id, option),
            }
            for option, label in MENU_LABELS
        ],
    }


def shown_in(blocks: list[dict[str, Any]]) -> tuple[list[int], int]:
    """Read a sent digest back: the prospect ids it lists, and how many it left to Home."""
    shown: list[int] = []
    more = 0
    for block in blocks:
        block_id = str(block.get("block_id") or "")
        if match := _INFO_BLOCK.match(block_id):
            shown.append(int(match.group(1)))
        elif match := _MORE.match(block_id):
            more = int(match.group(1))
    return shown, more
