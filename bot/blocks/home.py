"""The App Home tab: a pure builder from HomeData (gathered by bot.usecases.home) to a home view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from bot import ids
from bot.blocks.questions import backlog_summary
from bot.blocks.walk_reasons import short_label
from bot.coach import SITUATIONS
from bot.domain import ProspectFacts, WalkAwayReason
from bot.mrkdwn import (
    HEADER_TEXT_MAX,
    SECTION_TEXT_MAX,
    VIEW_BLOCKS_MAX,
    escape,
    md,
    plain,
    truncate,
)
from bot.usecases.reading import DueItem, RepStats

Block = dict[str, Any]

# Caps that keep the view well inside 100 blocks and 3000 characters per section.
DUE_SHOWN_MAX = 20  # one section per due prospect
UPCOMING_SHOWN_MAX = 25  # lines inside one section
WALKED_SHOWN_MAX = 5
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True, slots=True)
class HomeSettings:
    """The rep's delivery settings as they apply now (defaults already resolved)."""

    reminder_time: time
    workdays: frozenset[int]
    tz: str
    paused_until: date | None


@dataclass(frozen=True, slots=True)
class WalkedAway:
    facts: ProspectFacts
    reason: str | None  # a WalkAwayReason value, when a decision recorded one
    on: date | None

    @property
    def closed(self) -> bool:
        """They asked not to be contacted: closed for good, unlike every other walk-away."""
        return self.facts.do_not_contact or self.reason == WalkAwayReason.DO_NOT_CONTACT.value


@dataclass(frozen=True, slots=True)
class HomeData:
    due: tuple[DueItem, ...]
    upcoming: tuple[ProspectFacts, ...]
    walked_away: tuple[WalkedAway, ...]
    stats: RepStats
    settings: HomeSettings
    manager: tuple[Block, ...] = ()  # built by bot.usecases.manager_home, managers only


def home_view(data: HomeData, on: date) -> dict[str, Any]:
    """The whole Home tab for one rep on their local date `on`."""
    blocks: list[Block] = [*_top(data)]
    if not (data.stats.dormant or data.walked_away or data.stats.contacts):
        blocks += _empty_state()
    else:
        blocks += _due_section(data.due)
        blocks += _upcoming_section(data.upcoming, on)
        blocks += _walked_away_section(data.walked_away)
        blocks += _stats_section(data.stats)
    blocks += data.manager
    blocks += _settings_section(data.settings, on)
    assert len(blocks) <= VIEW_BLOCKS_MAX, "home view over Slack's block limit"
    return {"type": "home", "blocks": blocks}


def _top(data: HomeData) -> list[Block]:
    count = len(data.due)
    summary = (
        f"{count} prospect{'s' if count != 1 else ''} due today." if count else "Nothing due today."
    )
    return [
        _header("Revive"),
        {"type": "section", "text": md(f"Bring dormant prospects back to life. {summary}")},
        {
            "type": "actions",
            "block_id": "home_actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": ids.HOME_ADD,
                    "text": plain("Add prospect"),
                    "style": "primary",
                },
                {"type": "button", "action_id": ids.HOME_SETTINGS, "text": plain("Settings")},
            ],
        },
    ]


def _empty_state() -> list[Block]:
    return [
        {"type": "divider"},
        _header("Getting started"),
        {
            "type": "section",
            "text": md(
                "You have no dormant prospects yet. Add one that went quiet, said no, chose a "
                "competitor or is locked into a contract, and Revive tells you when to get "
                "back in touch and how.\n\n"
                "Type `/revive add Dana Reyes, Acme Corp, went quiet` in any channel, or press "
                "*Add prospect* above. `/revive help` lists everything else."
            ),
        },
    ]


def _due_section(due: tuple[DueItem, ...]) -> list[Block]:
    blocks: list[Block] = [{"type": "divider"}, _header(f"Due today ({len(due)})")]
    if not due:
        blocks.append({"type": "section", "text": md("Nothing due today. Enjoy the calm.")})
        return blocks
    for item in due[:DUE_SHOWN_MAX]:
        blocks.append({"type": "section", "text": md(_due_text(item))})
    hidden = len(due) - DUE_SHOWN_MAX
    if hidden > 0:
        blocks.append(_context(f"{hidden} more due today — they are in your morning digest."))
    return blocks


def _due_text(item: DueItem) -> str:
    facts = item.facts
    done = f"  ✓ {escape(item.done.value.replace('_', ' '))}" if item.done else ""
    if item.decision is not None:  # the open question: answered from the digest or its card
        todo = "_Decide:_ walk away or keep going (answer it in your digest)"
    else:
        todo = "_Tactics:_ " + (", ".join(escape(c.tactic.title) for c in item.choices) or "—")
    questions = backlog_summary(item.backlog)  # answered (with answers) and what to find out
    return (
        f"*{_who(facts)}*{done}\n"
        f"{escape(SITUATIONS[facts.situation].label)} · dormant {_days(item.days_dormant)}\n"
        f"_Why today:_ {escape(item.why)}\n"
        f"{todo}" + (f"\n{questions}" if questions else "")
    )


def _upcoming_section(upcoming: tuple[ProspectFacts, ...], on: date) -> list[Block]:
    blocks: list[Block] = [{"type": "divider"}, _header("Next 14 days")]
    if not upcoming:
        blocks.append({"type": "section", "text": md("Nothing scheduled in the next two weeks.")})
        return blocks
    lines = [
        f"*{_day(f.next_touch_on or on, on)}* — {_who(f)} · {escape(SITUATIONS[f.situation].label)}"
        for f in upcoming[:UPCOMING_SHOWN_MAX]
    ]
    more = "_…and {} more. `/revive list` shows them all._"
    blocks.append({"type": "section", "text": md(_fitting(lines, len(upcoming), more))})
    return blocks


def _walked_away_section(walked: tuple[WalkedAway, ...]) -> list[Block]:
    blocks: list[Block] = [{"type": "divider"}, _header("Recently walked away")]
    if not walked:
        blocks.append({"type": "section", "text": md("No one. Every file is still open.")})
        return blocks
    lines = []
    for entry in walked[:WALKED_SHOWN_MAX]:
        when = f" on {entry.on:%b %-d}" if entry.on else ""
        if entry.closed:
            lines.append(
                f"{_who(entry.facts)} — asked not to be contacted{when} · :no_entry: closed "
                "for good: nothing brings them back"
            )
        else:
            lines.append(f"{_who(entry.facts)} — {escape(short_label(entry.reason))}{when}")
    blocks.append({"type": "section", "text": md(_fitting(lines, len(walked), "_…and {} more._"))})
    blocks.append(
        _context(
            "Dormant, not dead: news about their missing feature or their competitor brings "
            "them back. Those who asked not to be contacted stay closed."
        )
    )
    return blocks


def _fitting(lines: list[str], total: int, more: str) -> str:
    """As many whole lines as fit in one section, then "…and N more" for the rest."""
    budget = SECTION_TEXT_MAX - len(more) - 10
    shown: list[str] = []
    for line in lines:
        if sum(len(s) + 1 for s in shown) + len(line) > budget:
            break
        shown.append(line)
    hidden = total - len(shown)
    return "\n".join([*shown, more.format(hidden)] if hidden > 0 else shown)


def _stats_section(stats: RepStats) -> list[Block]:
    share = round(stats.learned_share * 100)
    fields = [
        ("Contacts", str(stats.contacts)),
        ("Learned something new", f"{share}%" if stats.contacts else "—"),
        ("Revived", str(stats.revived)),
        ("Walked away", str(stats.walked_away)),
    ]
    return [
        {"type": "divider"},
        _header("Your numbers this month"),
        {
            "type": "section",
            "fields": [md(f"*{label}*\n{value}") for label, value in fields],
        },
        _context(
            f"Since {stats.since:%B %-d}. {stats.dormant} dormant "
            f"prospect{'' if stats.dormant == 1 else 's'} in rotation."
        ),
    ]


def _settings_section(settings: HomeSettings, on: date) -> list[Block]:
    paused = (
        f"until {settings.paused_until:%a %b %-d, %Y}"
        if settings.paused_until and settings.paused_until >= on
        else "not paused"
    )
    fields = [
        ("Reminder time", f"{settings.reminder_time:%H:%M}"),
        ("Workdays", workdays_label(settings.workdays)),
        ("Time zone", escape(settings.tz)),
        ("Reminders", paused),
    ]
    return [
        {"type": "divider"},
        _header("Your settings"),
        {
            "type": "section",
            "fields": [md(f"*{label}*\n{value}") for label, value in fields],
        },
        _context("Your time zone follows your Slack profile. Press *Settings* to change the rest."),
    ]


def workdays_label(days: frozenset[int]) -> str:
    """'Mon–Fri' for a run of days, otherwise the days listed."""
    ordered = sorted(days)
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{DAY_NAMES[ordered[0]]}–{DAY_NAMES[ordered[-1]]}"
    return ", ".join(DAY_NAMES[d] for d in ordered) or "none"


def _days(count: int) -> str:
    return f"{count} day{'' if count == 1 else 's'}"


def _who(facts: ProspectFacts) -> str:
    return f"{escape(facts.name)} ({escape(facts.company)})"


def _day(day: date, on: date) -> str:
    return "Tomorrow" if (day - on).days == 1 else f"{day:%a %b %-d}"


def _header(text: str) -> Block:
    return {"type": "header", "text": plain(text, HEADER_TEXT_MAX)}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [md(truncate(text, 3000))]}
