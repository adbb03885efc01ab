"""One escaping path: every builder escapes user values through bot.mrkdwn.escape, and
nothing else in the code base escapes (or half-escapes) on its own."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, time
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bot import coach
from bot.blocks import command_replies as replies
from bot.blocks.digest import digest_blocks
from bot.blocks.home import HomeData, HomeSettings, WalkedAway, home_view
from bot.blocks.prospect_modals import Happened, details_modal, snooze_modal, walk_away_modal
from bot.blocks.reevaluate import answered_blocks, answered_text, reevaluate_blocks, reevaluate_text
from bot.blocks.tactic_card import outcome_modal
from bot.domain import (
    DecisionKind,
    Event,
    EventKind,
    ProspectFacts,
    Situation,
    WalkAwayReason,
)
from bot.mrkdwn import escape, truncate
from bot.usecases.adding import NewProspect
from bot.usecases.reading import DueItem, RepStats

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 24)
HOSTILE = "<!channel> <@U0BOSS> <https://evil.example|click> & co"
RAW = ("<!channel>", "<@U0BOSS>", "<https://evil")
ENTITY_SPLIT = re.compile(r"&(a|am|amp|l|lt|g|gt)?$")


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)


def raw_in(*built: Any) -> list[str]:
    return [s for s in strings(list(built)) if any(bad in s for bad in RAW)]


FACTS = ProspectFacts(
    name=HOSTILE,
    company=HOSTILE,
    situation=Situation.MISSING_FEATURE,
    created_on=date(2026, 9, 1),
    id=7,
    email=HOSTILE,
    stated_reason=HOSTILE,
    competitor=HOSTILE,
    missing_feature=HOSTILE,
    referrer=HOSTILE,
    note=HOSTILE,
    last_touch_on=date(2026, 10, 1),
    next_touch_on=TODAY,
    last_learned=HOSTILE,
    pending_event=Event(kind=EventKind.FEATURE_SHIPPED, subject=HOSTILE, on=TODAY),
)


def test_command_replies_escape_every_user_value() -> None:
    new = NewProspect(name=HOSTILE, company=HOSTILE, situation=Situation.WENT_QUIET)
    choice = coach.tactics_for(FACTS, [], TODAY)[0]
    built = [
        replies.added_confirmation(FACTS, choice, TODAY, TODAY, warning=None),
        replies.duplicate_prompt(new, 2, "v"),
        replies.prospect_list([FACTS], TODAY),
        replies.snoozed_reply(FACTS, date(2026, 12, 1), TODAY),
        replies.ambiguous_reply(HOSTILE, [FACTS, FACTS], HOSTILE),
        replies.announced_reply(EventKind.COMPETITOR_NEWS, HOSTILE, [FACTS], 1),
        replies.not_understood(HOSTILE),
    ]
    assert raw_in(*[(r.text, r.blocks) for r in built]) == []


def test_cards_modals_digest_and_home_escape_every_user_value() -> None:
    choices = tuple(coach.tactics_for(FACTS, [], TODAY))
    item = DueItem(FACTS, 3, choices, coach.due_reason(FACTS, [], TODAY), 84)
    tactic = choices[0].tactic
    reevaluation = coach.Reevaluation(WalkAwayReason.NOTHING_LEARNED, (tactic.id,), 2, tactic)
    stats = RepStats(TODAY.replace(day=1), 3, 1, 0, 1, 1, {"other": 1})
    settings = HomeSettings(time(9), frozenset(range(5)), "America/New_York", None)
    home = HomeData(
        due=(item,), upcoming=(FACTS,), walked_away=(WalkedAway(FACTS, "other", TODAY),),
        stats=stats, settings=settings,
    )
    card = coach.tactic_card(tactic, FACTS, TODAY)
    built = [
        reevaluate_text(FACTS),
        reevaluate_blocks(FACTS, 3, reevaluation),
        answered_text(FACTS),
        answered_blocks(FACTS, DecisionKind.WALK_AWAY, WalkAwayReason.OTHER, None, TODAY),
        details_modal(FACTS, [Happened(TODAY, "Learned something new", HOSTILE)], TODAY, "{}"),
        snooze_modal(FACTS, TODAY, "{}"),
        walk_away_modal(FACTS, "{}"),
        outcome_modal(FACTS, card, today=TODAY, meta="{}"),
        digest_blocks([item], TODAY, more_in_home=0),
        home_view(home, TODAY),
    ]
    assert raw_in(*built) == []
    assert "&lt;!channel&gt;" in reevaluate_text(FACTS)
    assert answered_text(FACTS).startswith("Decided about &lt;!channel&gt;")


@given(st.text(alphabet="<>&a!;", max_size=40), st.integers(min_value=2, max_value=45))
def test_truncating_escaped_text_never_splits_an_entity(text: str, limit: int) -> None:
    escaped = escape(text)
    cut = truncate(escaped, limit)
    if len(escaped) <= limit:
        assert cut == escaped
        return
    assert len(cut) <= limit and cut.endswith("…")
    assert "<" not in cut and ">" not in cut
    assert not ENTITY_SPLIT.search(cut.removesuffix("…")), cut


def test_there_is_one_escaping_function() -> None:
    """No module but bot/mrkdwn.py spells an entity or calls html.escape itself."""
    sources = [*ROOT.joinpath("bot").rglob("*.py"), *ROOT.joinpath("handlers").glob("*.py")]
    assert len(sources) > 20
    own = [
        str(path.relative_to(ROOT))
        for path in sources
        if path.name != "mrkdwn.py"
        and re.search(r"&(amp|lt|gt);|html\.escape|from html import", path.read_text())
    ]
    assert own == []

