"""The Home tab builder: sections, caps, escaping, and Slack's own model validation."""

from __future__ import annotations

import json
from datetime import date, time, timedelta
from typing import Any

import pytest
from slack_sdk.models.views import View

from bot import ids
from bot.blocks.home import (
    DUE_SHOWN_MAX,
    HomeData,
    HomeSettings,
    WalkedAway,
    home_view,
    workdays_label,
)
from bot.coach import TACTICS, TacticChoice
from bot.domain import Outcome, ProspectFacts, Situation
from bot.usecases.reading import DueItem, RepStats
from tests.fakeslack import blocks_text

ON = date(2026, 11, 24)
SETTINGS = HomeSettings(
    reminder_time=time(8, 30),
    workdays=frozenset({0, 1, 2, 3, 4}),
    tz="America/New_York",
    paused_until=None,
)


def facts(i: int, name: str = "Dana Reyes", company: str = "Acme", **kw: Any) -> ProspectFacts:
    return ProspectFacts(
        id=i,
        name=name,
        company=company,
        situation=kw.pop("situation", Situation.WENT_QUIET),
        created_on=ON - timedelta(days=30),
        **kw,
    )


def due(i: int, **kw: Any) -> DueItem:
    return DueItem(
        facts=facts(i, **kw),
        version=1,
        choices=(
            TacticChoice(TACTICS["real_reason"], "why"),
            TacticChoice(TACTICS["homework"], "why"),
        ),
        why="3rd silent contact — step 3 of 5",
        days_dormant=30,
    )


def stats(**kw: Any) -> RepStats:
    values: dict[str, Any] = dict(
        since=ON.replace(day=1),
        contacts=0,
        learned=0,
        revived=0,
        walked_away=0,
        dormant=0,
        walk_reasons={},
    )
    values.update(kw)
    return RepStats(**values)


def data(**kw: Any) -> HomeData:
    values: dict[str, Any] = dict(
        due=(), upcoming=(), walked_away=(), stats=stats(), settings=SETTINGS
    )
    values.update(kw)
    return HomeData(**values)


def valid(view: dict[str, Any]) -> dict[str, Any]:
    assert view["type"] == "home"
    assert len(view["blocks"]) <= 100
    assert View(**view).to_dict()["blocks"] == view["blocks"]
    return view


def action_ids(view: dict[str, Any]) -> list[str]:
    return [e["action_id"] for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]


def test_empty_state_tells_a_new_rep_how_to_start() -> None:
    view = valid(home_view(data(), ON))
    text = blocks_text(view["blocks"])
    assert "/revive add" in text
    assert "Due today" not in text
    assert action_ids(view) == [ids.HOME_ADD, ids.HOME_SETTINGS]
    assert "08:30" in text and "Mon–Fri" in text and "America/New_York" in text


def test_all_sections_with_the_reps_data() -> None:
    upcoming = facts(
        7, "Lee Park", "Initech", situation=Situation.SAID_NO, next_touch_on=ON + timedelta(1)
    )
    walked = WalkedAway(facts(8, "Kim Fox", "Globex"), "proposal_expired", ON - timedelta(2))
    view = valid(
        home_view(
            data(
                due=(due(1),),
                upcoming=(upcoming,),
                walked_away=(walked,),
                stats=stats(contacts=8, learned=3, revived=2, walked_away=1, dormant=5),
                settings=HomeSettings(time(7, 0), frozenset({0, 2, 4}), "Europe/Paris", ON),
            ),
            ON,
        )
    )
    text = blocks_text(view["blocks"])
    for expected in (
        "Due today (1)",
        "Dana Reyes (Acme)",
        "Went quiet",
        "3rd silent contact — step 3 of 5",
        TACTICS["real_reason"].title,
        TACTICS["homework"].title,
        "Next 14 days",
        "Tomorrow",
        "Lee Park (Initech)",
        "Recently walked away",
        "Kim Fox (Globex) — proposal expired on Nov 22",
        "Your numbers this month",
        "*Contacts*\n8",
        "38%",  # 3 of 8 learned something new
        "*Revived*\n2",
        "*Walked away*\n1",
        "07:00",
        "Mon, Wed, Fri",
        "Europe/Paris",
        "until Tue Nov 24, 2026",
    ):
        assert expected in text, expected
    assert "/revive add Dana" not in text  # not the empty state


def test_many_items_are_capped_inside_100_blocks() -> None:
    many_due = tuple(due(i, name=f"Person {i}" + "x" * 150) for i in range(1, 301))
    many_upcoming = tuple(
        facts(1000 + i, "N" * 200, "C" * 200, next_touch_on=ON + timedelta(1 + i % 14))
        for i in range(300)
    )
    view = valid(
        home_view(data(due=many_due, upcoming=many_upcoming, stats=stats(dormant=600)), ON)
    )
    text = blocks_text(view["blocks"])
    assert "Due today (300)" in text
    assert f"{300 - DUE_SHOWN_MAX} more due today" in text
    assert "more. `/revive list` shows them all." in text
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in view["blocks"])


def test_user_text_is_escaped_everywhere() -> None:
    hostile = "<!channel> & <@U123>"
    view = valid(
        home_view(
            data(
                due=(due(1, name=hostile, company=hostile),),
                upcoming=(facts(2, hostile, hostile, next_touch_on=ON + timedelta(3)),),
                walked_away=(WalkedAway(facts(3, hostile, hostile), "other", None),),
                stats=stats(dormant=2),
            ),
            ON,
        )
    )
    raw = json.dumps(view)
    assert "<!channel>" not in raw and "<@U123>" not in raw
    assert "&lt;!channel&gt; &amp; &lt;@U123&gt;" in raw


def test_a_past_pause_shows_as_not_paused() -> None:
    settings = HomeSettings(time(9, 0), frozenset({0, 1, 2, 3, 4}), "UTC", ON - timedelta(1))
    text = blocks_text(home_view(data(settings=settings), ON)["blocks"])
    assert "not paused" in text


def test_done_items_show_a_check_mark() -> None:
    item = due(1)
    done = DueItem(item.facts, item.version, item.choices, item.why, 3, Outcome.NO_REPLY)
    text = blocks_text(valid(home_view(data(due=(done,), stats=stats(dormant=1)), ON))["blocks"])
    assert "✓ no reply" in text


@pytest.mark.parametrize(
    ("days", "label"),
    [
        ({0, 1, 2, 3, 4}, "Mon–Fri"),
        ({0, 1, 2, 3, 4, 5, 6}, "Mon–Sun"),
        ({0, 2, 4}, "Mon, Wed, Fri"),
        ({5, 6}, "Sat, Sun"),
        ({3}, "Thu"),
    ],
)
def test_workdays_label(days: set[int], label: str) -> None:
    assert workdays_label(frozenset(days)) == label
