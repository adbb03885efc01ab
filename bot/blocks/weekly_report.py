"""The weekly report's summary message: pure builders from TeamReports to Block Kit.

One message per conversation: a header, then per team its totals for the week, one line per
rep and the tactics that revive best; its charts follow as files. Every name (teams, reps)
is escaped; rep names are plain text, never mentions (a channel report would ping them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.blocks.walk_reasons import short_label
from bot.mrkdwn import HEADER_TEXT_MAX, MESSAGE_BLOCKS_MAX, escape, md, plain, truncate
from bot.team.numbers import FEW_TRIES, RepNumbers
from bot.team.weekly import ReportWeek, TeamReport, situation_label, tactic_title

Block = dict[str, Any]
FRAME_BLOCKS = 3  # header, context, "more teams"
TEAM_BLOCKS = 5  # divider, title, totals, reps, tactics
TEAMS_MAX = (MESSAGE_BLOCKS_MAX - FRAME_BLOCKS) // TEAM_BLOCKS
REPS_SHOWN = 15
PAIRS_SHOWN = 3
NAME_MAX = 40
REASONS_SHOWN = 3


def report_text(week: ReportWeek, teams: Sequence[TeamReport]) -> str:
    """The notification and fallback text."""
    names = ", ".join(escape(truncate(team.name, NAME_MAX)) for team in teams[:3])
    more = f" and {len(teams) - 3} more" if len(teams) > 3 else ""
    return f"Your weekly team report, {week.label}: {names}{more}"


def report_blocks(week: ReportWeek, teams: Sequence[TeamReport]) -> list[Block]:
    charts = "one chart per team below" if len(teams) > 1 else "the chart below"
    blocks: list[Block] = [
        {"type": "header", "text": plain(f"Weekly team report · {week.label}", HEADER_TEXT_MAX)},
        context(
            f"{week.iso}, {week.monday:%a %b} {week.monday.day} to {week.sunday:%a %b} "
            f"{week.sunday.day}. In {charts}: contacts and the share that taught the rep "
            f"something new, per rep over {len(week.weeks)} weeks; revival rate by tactic."
        ),
    ]
    for team in teams[:TEAMS_MAX]:
        blocks += team_blocks(team)
    if len(teams) > TEAMS_MAX:
        hidden = len(teams) - TEAMS_MAX
        blocks.append(context(f"{hidden} more team(s) in their charts below, and with "
                              "`/revive team <name>`."))  # fmt: skip
    return blocks


def team_blocks(team: TeamReport) -> list[Block]:
    totals = team.numbers.totals
    reps = len(team.numbers.reps)
    title = f"*{escape(truncate(team.name, NAME_MAX))}* · {reps} rep{'' if reps == 1 else 's'}"
    return [
        {"type": "divider"},
        {"type": "section", "text": md(title)},
        {"type": "section", "fields": totals_fields(team, totals)},
        {"type": "section", "text": md(rep_lines(team))},
        context(best_pairs(team)),
    ]


def totals_fields(team: TeamReport, totals: RepNumbers) -> list[dict[str, object]]:
    earlier = team.weekly_contacts[:-1]
    average = sum(earlier) / len(earlier) if earlier else 0.0
    trend = f" (weekly average before: {average:.0f})" if any(earlier) else ""
    reasons = ", ".join(
        f"{short_label(reason)} {count}" for reason, count in totals.walk_reasons[:REASONS_SHOWN]
    )
    return [
        md(f"*Contacts*\n{totals.contacts}{trend}"),
        md(f"*Learned something new*\n{share(totals)}"),
        md(f"*Revived*\n{totals.revived} prospect{'' if totals.revived == 1 else 's'}"),
        md(f"*Walk-aways*\n{totals.walked_away}" + (f": {reasons}" if reasons else "")),
        md(f"*Overdue now*\n{totals.overdue} of {totals.in_rotation} in rotation"),
    ]


def share(numbers: RepNumbers) -> str:
    if not numbers.contacts:
        return "no contacts"
    return f"{numbers.learned_share:.0%} ({numbers.learned} of {numbers.contacts})"


def rep_lines(team: TeamReport) -> str:
    if not team.numbers.reps:
        return "No reps in this team yet: a workspace admin adds them in Revive's Home tab."
    ranked = sorted(team.numbers.reps,
                    key=lambda r: (-r.contacts, team.names[r.rep_id].lower()))  # fmt: skip
    lines = [rep_line(team.names[rep.rep_id], rep) for rep in ranked[:REPS_SHOWN]]
    if len(ranked) > REPS_SHOWN:
        lines.append(f"…and {len(ranked) - REPS_SHOWN} more reps: `/revive team`")
    return "\n".join(lines)


def rep_line(name: str, rep: RepNumbers) -> str:
    parts = [f"{rep.contacts} contact{'' if rep.contacts == 1 else 's'}"]
    if rep.contacts:
        parts.append(f"{rep.learned_share:.0%} learned something")
    if rep.revived:
        parts.append(f"{rep.revived} revived")
    if rep.walked_away:
        parts.append(f"{rep.walked_away} walked away")
    if rep.overdue:
        parts.append(f"{rep.overdue} overdue")
    return f"• *{escape(truncate(name, NAME_MAX))}*: " + " · ".join(parts)


def best_pairs(team: TeamReport) -> str:
    weeks = len(team.week.weeks)
    pairs = team.history.top_pairs(PAIRS_SHOWN)
    if not pairs:
        return (f"What revives best shows here once a tactic has been tried {FEW_TRIES} times "
                f"in one situation within {weeks} weeks.")  # fmt: skip
    said = "; ".join(
        f"*{escape(tactic_title(p.tactic_id))}* for {escape(situation_label(p.situation))}: "
        f"{p.rate:.0%} of {p.tried} tries"
        for p in pairs
    )
    return f"Revives best over {weeks} weeks (within 60 days of the try): {said}"


def context(text: str) -> Block:
    return {"type": "context", "elements": [md(text)]}
