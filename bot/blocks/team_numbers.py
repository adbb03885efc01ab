"""Team numbers for a manager: the `/revive team` reply and the Home's compact section.

Pure: TeamReport values in, Block Kit dicts out. Reps appear as `<@U…>` mentions (Slack
shows their names; a mention in an ephemeral or the Home notifies nobody), or as their
escaped display name when the id is not a Slack user id. Team names, tactic titles,
situation labels and reasons are escaped too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from bot import coach
from bot.blocks.command_replies import Reply
from bot.blocks.walk_reasons import short_label
from bot.domain import Situation
from bot.mrkdwn import HEADER_TEXT_MAX, MESSAGE_BLOCKS_MAX, SECTION_TEXT_MAX, escape, md, plain
from bot.team.numbers import (
    FEW_TRIES,
    REVIVAL_WINDOW_DAYS,
    PairRate,
    Period,
    RepName,
    RepNumbers,
    TeamReport,
)

Block = dict[str, Any]
FEW_MARK = f"(fewer than {FEW_TRIES} tries)"
HOME_TOP_PAIRS = 3
HOME_TEAMS_MAX = 3  # the Home shows this many teams' totals; the command shows any
NAME_MAX = 60
_USER_ID = re.compile(r"[UW][A-Z0-9]{1,30}")
TEAM_USAGE = "`/revive team [team] [this week | this month | last 30 days | <date> to <date>]`"


def team_reply(report: TeamReport) -> Reply:
    """The whole picture: totals, each rep, and the tactic × situation table."""
    numbers, team = report.numbers, escape(report.team)
    when = period_text(numbers.period, report)
    total = numbers.totals
    blocks: list[Block] = [
        {"type": "header", "text": plain(f"Team numbers · {team}", HEADER_TEXT_MAX)},
        {"type": "context", "elements": [md(f"*{team}* · {when}")]},
    ]
    if not numbers.reps:
        blocks.append(
            {"type": "section", "text": md(f"*{team}* has no reps yet, so no numbers either.")}
        )
        return Reply(text=f"{team} has no reps yet.", blocks=blocks)
    blocks.append({"type": "section", "fields": totals_fields(total)})
    if total.walk_reasons:
        blocks.append({"type": "context", "elements": [md(f"Walked away: {reasons(total)}")]})
    blocks.append({"type": "section", "text": md("*Each rep*")})
    reps = sorted(numbers.reps, key=lambda rep: _sort_name(report.names.get(rep.rep_id)))
    blocks += packed([rep_line(rep, report.names.get(rep.rep_id)) for rep in reps])
    blocks.append({"type": "section", "text": md("*Which tactics revive which situations*")})
    blocks += packed(pair_lines(numbers.pairs)) or [
        {"type": "section", "text": md("No contacts logged in this period yet.")}
    ]
    blocks.append({"type": "context", "elements": [md(DEFINITIONS)]})
    text = (
        f"Team numbers for {team}, {when}: {total.contacts} contacts, "
        f"{share(total)} learned something new, {total.revived} revived."
    )
    return Reply(text=text, blocks=fit(blocks))


DEFINITIONS = (
    f"_Revived_: a meeting or next step booked, or won. A try counts as revived when that "
    f"prospect was revived by a touch on or within {REVIVAL_WINDOW_DAYS} days after it, so "
    f"tries of the last {REVIVAL_WINDOW_DAYS} days may still revive. Overdue and in rotation "
    "are as of today."
)


def home_section(reports: Sequence[TeamReport], more: int = 0) -> list[Block]:
    """The Home's compact view: each team's totals and its best pairs (≤ 2 blocks a team)."""
    if not reports:
        return []
    when = period_text(reports[0].numbers.period, reports[0])
    blocks: list[Block] = [{"type": "section", "text": md(f"*Team numbers* · {when}")}]
    for report in reports[:HOME_TEAMS_MAX]:
        numbers = report.numbers
        blocks.append(
            {
                "type": "section",
                "text": md(f"*{escape(report.team)}* · {len(numbers.reps)} reps"),
                "fields": totals_fields(numbers.totals),
            }
        )
        top = numbers.top_pairs(HOME_TOP_PAIRS)
        if top:
            best = " · ".join(pair_text(pair) for pair in top)
            blocks.append({"type": "context", "elements": [md(f"Best at reviving: {best}")]})
    hidden = more + max(0, len(reports) - HOME_TEAMS_MAX)
    others = f" {hidden} more teams: name one." if hidden else ""
    footer = f"Each rep and every tactic × situation: {TEAM_USAGE}.{others}"
    blocks.append({"type": "context", "elements": [md(footer)]})
    return blocks


def totals_fields(total: RepNumbers) -> list[dict[str, object]]:
    return [
        md(f"*Contacts*\n{total.contacts}"),
        md(f"*Learned something new*\n{share(total)} ({total.learned} of {total.contacts})"),
        md(f"*Revived*\n{total.revived}"),
        md(f"*Walked away*\n{total.walked_away}"),
        md(f"*Overdue*\n{total.overdue}"),
        md(f"*In rotation*\n{total.in_rotation}"),
    ]


def rep_line(rep: RepNumbers, name: RepName | None) -> str:
    walked = f"{rep.walked_away} walked away"
    if rep.walk_reasons:
        walked += f" ({reasons(rep)})"
    return (
        f"• {rep_label(name)} — {rep.contacts} contacts · {share(rep)} learned something new · "
        f"{rep.revived} revived · {walked} · {rep.overdue} overdue · {rep.in_rotation} in rotation"
    )


def rep_label(name: RepName | None) -> str:
    if name is None:
        return "a former rep"
    if _USER_ID.fullmatch(name.slack_user_id):
        return f"<@{name.slack_user_id}>"
    return escape((name.display_name or name.slack_user_id)[:NAME_MAX])


def _sort_name(name: RepName | None) -> str:
    return "" if name is None else (name.display_name or name.slack_user_id).casefold()


def reasons(rep: RepNumbers) -> str:
    return escape(", ".join(f"{short_label(reason)} {count}" for reason, count in rep.walk_reasons))


def share(rep: RepNumbers) -> str:
    return f"{rep.learned_share:.0%}" if rep.contacts else "—"


def pair_lines(pairs: Sequence[PairRate]) -> list[str]:
    """Grouped by situation (the playbook's order), best rate first within each."""
    order = {situation.value: n for n, situation in enumerate(Situation)}
    lines: list[str] = []
    for situation in sorted({p.situation for p in pairs}, key=lambda s: (order.get(s, 99), s)):
        lines.append(f"*{escape(situation_label(situation))}*")
        for pair in (p for p in pairs if p.situation == situation):  # already best first
            lines.append(f"• {escape(tactic_title(pair.tactic_id))} — {rate_text(pair)}")
    return lines


def pair_text(pair: PairRate) -> str:
    tactic, situation = tactic_title(pair.tactic_id), situation_label(pair.situation)
    return f"*{escape(tactic)}* for {escape(situation.lower())} {rate_text(pair)}"


def rate_text(pair: PairRate) -> str:
    text = f"{pair.revived} of {pair.tried} revived ({pair.rate:.0%})"
    return f"{text} _{FEW_MARK}_" if pair.few else text


def tactic_title(tactic_id: str) -> str:
    tactic = coach.TACTICS.get(tactic_id)
    return tactic.title if tactic else tactic_id.replace("_", " ")


def situation_label(value: str) -> str:
    try:
        return coach.SITUATIONS[Situation(value)].label
    except ValueError:  # a situation this version no longer knows: shown, not hidden
        return value.replace("_", " ")


def period_text(period: Period, report: TeamReport) -> str:
    today = report.today
    start = _day(period.start, today)
    end = "today" if period.end == today else _day(period.end, today)
    return start if period.start == period.end else f"{start} – {end}"


def _day(day: date, today: date) -> str:
    return f"{day:%b} {day.day}" + (f", {day.year}" if day.year != today.year else "")


def packed(lines: list[str]) -> list[Block]:
    """Lines packed into sections under Slack's 3000-character limit."""
    blocks: list[Block] = []
    chunk = ""
    for line in lines:
        if chunk and len(chunk) + 1 + len(line) > SECTION_TEXT_MAX:
            blocks.append({"type": "section", "text": md(chunk)})
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line
    if chunk:
        blocks.append({"type": "section", "text": md(chunk)})
    return blocks


def fit(blocks: list[Block]) -> list[Block]:
    """Inside a message's 50 blocks: the definitions stay last, the middle is cut."""
    if len(blocks) <= MESSAGE_BLOCKS_MAX:
        return blocks
    cut = {"type": "context", "elements": [md("…more than one message holds.")]}
    return [*blocks[: MESSAGE_BLOCKS_MAX - 2], cut, blocks[-1]]
