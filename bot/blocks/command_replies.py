"""Replies to `/revive …`: pure functions from domain values to (text, blocks).

Every piece of user text goes through escape(); `text` is the notification fallback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot import coach, ids, texts
from bot.blocks.walk_reasons import short_label
from bot.coach import TacticChoice, mentions
from bot.domain import EventKind, ProspectFacts
from bot.mrkdwn import (
    BUTTON_TEXT_MAX,
    MESSAGE_BLOCKS_MAX,
    SECTION_TEXT_MAX,
    escape,
    md,
    plain,
    truncate,
)
from bot.parsing.dates import format_date
from bot.usecases import events
from bot.usecases.adding import NewProspect
from bot.usecases.events import Suggested
from bot.usecases.reading import RepStats

LIST_MAX = 40  # prospects shown by /revive list; the rest are counted
NAMES_MAX = 10  # names listed after an event
DID_YOU_MEAN_NAME_MAX = BUTTON_TEXT_MAX - len("Did you mean ?")


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)


def who(name: str, company: str) -> str:
    """*Dana Reyes* (Acme Corp), escaped."""
    return f"*{escape(name)}* ({escape(company)})"


def added_confirmation(
    facts: ProspectFacts,
    first_choice: TacticChoice | None,
    first_due: date,
    today: date,
    warning: str | None = None,
) -> Reply:
    label = coach.SITUATIONS[facts.situation].label
    when = "today" if first_due == today else format_date(first_due, today)
    lines = [f":white_check_mark: Added {who(facts.name, facts.company)} — {escape(label)}."]
    if first_choice is not None:
        lines.append(
            f"First tactic: *{escape(first_choice.tactic.title)}* — {escape(first_choice.reason)}"
        )
    lines.append(f"I'll remind you {'*today*' if when == 'today' else f'on *{when}*'}.")
    if warning:
        lines.append(f":warning: {warning}")
    text = "\n".join(lines)
    return Reply(
        text=f"Added {escape(facts.name)} ({escape(facts.company)}), first due {when}.",
        blocks=[{"type": "section", "text": md(text)}],
    )


def duplicate_prompt(new: NewProspect, existing: int, value: str) -> Reply:
    """Asks before adding a second prospect with the same name and company."""
    copies = "a prospect" if existing == 1 else f"{existing} prospects"
    text = f"You already have {copies} named {who(new.name, new.company)}. Add another one anyway?"
    return Reply(
        text=(
            f"You already have {escape(new.name)} ({escape(new.company)}). Add another one anyway?"
        ),
        blocks=[
            {"type": "section", "text": md(text)},
            {
                "type": "actions",
                "block_id": "add_duplicate",
                "elements": [
                    {
                        "type": "button",
                        "action_id": ids.ADD_ANYWAY,
                        "text": plain("Add anyway"),
                        "style": "primary",
                        "value": value,
                    },
                    {
                        "type": "button",
                        "action_id": ids.ADD_CANCEL,
                        "text": plain("Don't add"),
                        "value": "cancel",
                    },
                ],
            },
        ],
    )


def prospect_list(
    prospects: list[ProspectFacts], today: date, *, total: int | None = None
) -> Reply:
    """The first LIST_MAX prospects; `total` counts all of them when only those were read."""
    count = len(prospects) if total is None else max(total, len(prospects))
    if not prospects:
        return Reply(
            text="You have no dormant prospects yet.",
            blocks=[
                {
                    "type": "section",
                    "text": md(
                        "You have no dormant prospects yet. Add one with `/revive add` — "
                        "or in one line, e.g. `/revive add Dana Reyes, Acme Corp, went quiet`."
                    ),
                }
            ],
        )
    shown = prospects[:LIST_MAX]
    header = f"*Your dormant prospects* ({count})"
    lines = [_list_line(p, today) for p in shown]
    if count > len(shown):
        lines.append(f"…and {count - len(shown)} more. The Home tab has the next days.")
    blocks: list[dict[str, Any]] = [{"type": "section", "text": md(header)}]
    blocks += _sections(lines, MESSAGE_BLOCKS_MAX - len(blocks))
    return Reply(text=f"Your dormant prospects: {count}.", blocks=blocks)


def _list_line(p: ProspectFacts, today: date) -> str:
    label = coach.SITUATIONS[p.situation].label
    if p.next_touch_on is None:
        when = "no date"
    elif p.next_touch_on <= today:
        when = "*due today*" if p.next_touch_on == today else "*overdue*"
    else:
        when = f"next {format_date(p.next_touch_on, today)}"
    event = ""
    if p.pending_event is not None:
        event = f" · :bell: {escape(truncate(p.pending_event.subject, 60))}"
    name = truncate(p.name, 80)
    company = truncate(p.company, 80)
    return f"• {who(name, company)} — {escape(label)} · {when}{event}"


def _sections(lines: list[str], max_blocks: int) -> list[dict[str, Any]]:
    """Lines packed into sections under Slack's 3000-character limit."""
    blocks: list[dict[str, Any]] = []
    chunk = ""
    for line in lines:
        if chunk and len(chunk) + 1 + len(line) > SECTION_TEXT_MAX:
            blocks.append({"type": "section", "text": md(chunk)})
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line
    if chunk:
        blocks.append({"type": "section", "text": md(chunk)})
    return blocks[:max_blocks]


def stats_reply(stats: RepStats, today: date) -> Reply:
    share = f"{stats.learned_share:.0%}" if stats.contacts else "—"
    since = f"{stats.since:%B} {stats.since.day}"
    lines = [
        f"*Your numbers since {since}*",
        f"• Contacts: *{stats.contacts}*",
        f"• Learned something new: *{share}* ({stats.learned} of {stats.contacts})",
        f"• Revived (meeting booked or won): *{stats.revived}*",
        f"• Walked away: *{stats.walked_away}*",
        f"• Dormant prospects in rotation: *{stats.dormant}*",
    ]
    if stats.walk_reasons:
        reasons = ", ".join(
            f"{short_label(reason)} ({count})"
            for reason, count in sorted(stats.walk_reasons.items(), key=lambda kv: -kv[1])
        )
        lines.append(f"• Why you walked away: {escape(reasons)}")
    text = (
        f"Since {since}: {stats.contacts} contacts, {share} learned something new, "
        f"{stats.revived} revived, {stats.walked_away} walked away."
    )
    return Reply(text=text, blocks=[{"type": "section", "text": md("\n".join(lines))}])


def snoozed_reply(facts: ProspectFacts, on: date, today: date) -> Reply:
    when = format_date(on, today)
    return Reply(
        text=f"Snoozed {escape(facts.name)} until {when}.",
        blocks=[
            {
                "type": "section",
                "text": md(
                    f":zzz: Snoozed {who(facts.name, facts.company)} until *{when}*. "
                    "I'll bring them back then."
                ),
            }
        ],
    )


def ambiguous_reply(name: str, matches: list[ProspectFacts], date_text: str) -> Reply:
    lines = [f"You have {len(matches)} prospects named *{escape(name)}*. Which one?"]
    for p in matches[:NAMES_MAX]:
        lines.append(
            f"• `/revive snooze {escape(p.name)}, {escape(p.company)} {escape(date_text)}`"
        )
    return Reply(
        text=f"You have {len(matches)} prospects named {escape(name)}; add the company.",
        blocks=[{"type": "section", "text": md("\n".join(lines))}],
    )


@dataclass(frozen=True, slots=True)
class News:
    """What `/revive shipped|news` did, in plain facts, for the reply."""

    kind: EventKind
    typed: str  # the text as typed (cleaned)
    matched: list[str]  # the names on file found in it
    yours: list[ProspectFacts]  # the caller's prospects it brought back
    others: int  # teammates' prospects it brought back
    already_back: int  # matching prospects this same news brought back earlier today
    suggested: list[Suggested] = field(default_factory=list)  # when nothing matched


def announced_reply(kind: EventKind, name: str, yours: list[ProspectFacts], others: int) -> Reply:
    """The reply for news naming one name on file (see news_reply for the general case)."""
    return news_reply(News(kind, name, [name], yours, others, already_back=0))


def news_reply(news: News) -> Reply:
    """What matched, who came back (and who was already back); or "Did you mean …?"."""
    if not news.matched:
        return _unmatched_reply(news)
    names = mentions.display_names(news.matched)
    listed = _and([f"*{escape(n)}*" for n in names[:NAMES_MAX]], len(names))
    if news.kind is EventKind.FEATURE_SHIPPED:
        head = f"{listed} {'has' if len(names) == 1 else 'have'} shipped."
        text = f"Shipped {_and([escape(n) for n in names[:NAMES_MAX]], len(names))}:"
    else:
        head = f"Noted the news about {listed}."
        text = f"News about {_and([escape(n) for n in names[:NAMES_MAX]], len(names))}:"
    total = len(news.yours) + news.others
    body = _came_back(news, total)
    text += f" {total} prospect(s) back in rotation"
    text += f", {news.already_back} already back." if news.already_back else "."
    return Reply(text=text, blocks=[{"type": "section", "text": md(f"{head} {body}")}])


def _came_back(news: News, total: int) -> str:
    already = news.already_back
    if total == 0:
        if already:
            return f"Nobody new came back: {_were_back(already)} for this news today."
        return "No dormant prospect was waiting for it."
    body = f"{_count(total)} back in rotation"
    if news.yours:
        names = ", ".join(who(p.name, p.company) for p in news.yours[:NAMES_MAX])
        more = f" and {len(news.yours) - NAMES_MAX} more" if len(news.yours) > NAMES_MAX else ""
        body += f" — yours: {names}{more}"
    if news.others:
        body += f"; {news.others} of your teammates' (they'll see them in their next reminder)"
    body += "."
    if already:
        body += f" {_were_back(already, more=True)} from earlier today."
    return body


def _were_back(n: int, *, more: bool = False) -> str:
    """2 prospects were already back in rotation; or 1 more prospect was (…)."""
    count = f"{n} more" if more else str(n)
    return f"{count} {'prospect was' if n == 1 else 'prospects were'} already back in rotation"


def _unmatched_reply(news: News) -> Reply:
    """Nothing on file appears in the text: say so, and offer the close names as buttons."""
    what = "missing feature" if news.kind is EventKind.FEATURE_SHIPPED else "competitor"
    typed = escape(truncate(mentions.tidy(news.typed), 200))
    if not news.suggested:
        line = f"No dormant prospect was waiting for it: no {what} on file appears in *{typed}*."
        return Reply(text=f'No {what} on file appears in "{typed}".', blocks=[_section(line)])
    shown = [truncate(mentions.display_name(s.name), 80) for s in news.suggested]
    verb = events.verb(news.kind)
    buttons = [
        {
            "type": "button",
            "action_id": f"{ids.DID_YOU_MEAN}:{i}",
            "text": plain(f"Did you mean {truncate(escape(name), DID_YOU_MEAN_NAME_MAX)}?"),
            "value": ids.encode_value(ids.ActionValue(s.prospect_id, s.version, option=verb)),
        }
        for i, (s, name) in enumerate(zip(news.suggested, shown, strict=True))
    ]
    line = f"No {what} on file appears in *{typed}*, so nobody came back yet."
    text = f'No {what} on file appears in "{typed}". Did you mean {_or(shown)}?'
    return Reply(
        text=text,
        blocks=[
            _section(line),
            {"type": "actions", "block_id": ids.DID_YOU_MEAN_BLOCK, "elements": buttons},
        ],
    )


def _section(line: str) -> dict[str, Any]:
    return {"type": "section", "text": md(line)}


def _count(n: int) -> str:
    return f"{n} prospect{'s' if n != 1 else ''}"


def _and(items: list[str], total: int) -> str:
    """A, B and C; or "A, B and 3 more" when only some of `total` are given."""
    if total > len(items):
        return f"{', '.join(items)} and {total - len(items)} more"
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _or(names: list[str]) -> str:
    escaped = [escape(n) for n in names]
    return escaped[0] if len(escaped) == 1 else f"{', '.join(escaped[:-1])} or {escaped[-1]}"


def not_understood(typed: str) -> Reply:
    """An unknown subcommand: what was typed (escaped, cut short), then the help."""
    intro = f"I didn't understand `{escape(truncate(typed, 100))}`. Here is what I can do:"
    return Reply(
        text=f"I didn't understand that. {texts.HELP_TEXT}", blocks=texts.help_blocks(intro)
    )
