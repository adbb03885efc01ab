"""End to end: `/revive news` and `/revive shipped` typed the way reps hear the news.

"Initech outage", "Initech's CEO left", "Globex acquired Initech": every feature or
competitor name on file that appears in the text brings its prospects back (walked-away
ones too), the same news twice the same day brings nobody back twice, a typo offers
"Did you mean …?" buttons, and another workspace is never touched.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from sqlalchemy import select

from bot import ids
from bot.blocks.command_replies import News, news_reply
from bot.domain import DecisionKind, EventKind, ProspectStatus, WalkAwayReason
from bot.mrkdwn import BUTTON_TEXT_MAX
from bot.reps import context_for
from bot.usecases.events import Suggested
from bot.usecases.outcomes import decide
from store.db import unit_of_work
from store.models import EventRecord, Prospect, Rep
from tests.conftest import LiveApp
from tests.fakeslack import blocks_text
from tests.test_e2e_commands import add, prospect, reply

TODAY = date(2026, 11, 24)  # the clock fixture, in New York


def events(live: LiveApp) -> list[tuple[str, str, int]]:
    with live.session() as session:
        rows = session.scalars(select(EventRecord).order_by(EventRecord.id))
        return [(e.kind, e.subject, e.resurfaced) for e in rows]


def walk_away(live: LiveApp, name: str) -> None:
    """Setup: the rep walked away from this prospect (the decision's own tests cover how)."""
    with unit_of_work(live.sessions) as session:
        row = session.scalars(select(Prospect).where(Prospect.name == name)).one()
        rep = session.get(Rep, row.rep_id)
        assert rep is not None
        decide(
            session,
            context_for(rep, rep.workspace, live.clock()),
            prospect_id=row.id,
            version=row.version,
            kind=DecisionKind.WALK_AWAY,
            reason=WalkAwayReason.NOT_A_FIT,
            now=live.clock(),
        )
    assert prospect(live, name).status == ProspectStatus.WALKED_AWAY.value


def back_for(live: LiveApp, name: str) -> str | None:
    """The news a prospect is back for (None: not back), checking it is due by tomorrow."""
    row = prospect(live, name)
    if row.pending_event_kind is None:
        return None
    assert row.status == ProspectStatus.DORMANT.value
    assert row.next_touch_on is not None and row.next_touch_on <= date(2026, 11, 25)
    return row.pending_event_subject


def buttons(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in body.get("blocks", []) if b["type"] == "actions" for e in b["elements"]]


def click(live: LiveApp, button: dict[str, Any], user: str = "U1", **kw: Any) -> dict[str, Any]:
    """Click a button of an ephemeral reply; the answer comes back through its response_url."""
    before = len(live.fake.responses)
    response = live.driver.block_action(user, button["action_id"], value=button["value"], **kw)
    assert response.status == 200
    return live.fake.wait_for_response(before + 1)[-1].body


def add_initech_pair(live: LiveApp) -> None:
    """Two Initech prospects, one of them walked away from; and one tied to nobody."""
    add(
        live, "Dana Reyes, Acme Corp, chose competitor, competitor: Initech, decided on: 2026-10-01"
    )
    add(live, "Bo Chen, Hooli, unhappy with provider, provider: Initech")
    add(live, "Cy, Soylent, unhappy with provider, provider: Umbrella")
    walk_away(live, "Bo Chen")


# --- found inside the news ---------------------------------------------------------------


@pytest.mark.parametrize("typed", ["Initech outage", "Initech's CEO left", "INITECH: price hike!"])
def test_news_as_reps_heard_it_brings_back_both_prospects(live: LiveApp, typed: str) -> None:
    add_initech_pair(live)
    _body, said = reply(live.driver.command("U1", f"news {typed}"))
    assert "Noted the news about *Initech*." in said
    assert "2 prospects back in rotation" in said
    assert "Dana Reyes" in said and "Bo Chen" in said and "Cy" not in said
    assert back_for(live, "Dana Reyes") == back_for(live, "Bo Chen") == "Initech"
    assert prospect(live, "Bo Chen").pending_event_kind == EventKind.COMPETITOR_NEWS.value
    assert back_for(live, "Cy") is None
    # The record keeps what was typed; the prospects keep the name on file.
    assert events(live) == [("competitor_news", typed, 2)]
    assert live.fake.validation_errors == []


def test_one_piece_of_news_naming_two_competitors(live_any_db: LiveApp) -> None:
    live = live_any_db
    live.fake.add_user("U2", team_id="T1", tz="Europe/Paris")
    add(live, "Dana Reyes, Acme Corp, chose competitor, competitor: Globex, decided on: 2026-10-01")
    add(live, "Bo Chen, Hooli, unhappy with provider, provider: Initech")
    add(live, "Cy, Soylent, unhappy with provider, provider: Globex Corp")
    add(live, "Pat Other, Vandelay, unhappy with provider, provider: initech", user="U2")
    _body, said = reply(live.driver.command("U1", "news Globex acquired Initech"))
    assert "news about *Globex* and *Initech*" in said
    assert "3 prospects back in rotation" in said
    assert "1 of your teammates'" in said and "Pat Other" not in said
    assert back_for(live, "Dana Reyes") == "Globex"
    assert back_for(live, "Bo Chen") == "Initech"
    assert back_for(live, "Pat Other") == "initech"  # under its own spelling on file
    assert back_for(live, "Cy") is None  # half of "Globex Corp" is not its name

    _body, said = reply(live.driver.command("U1", "news Globex Corp. acquired Initech"))
    assert "1 prospect back in rotation" in said and "Cy" in said
    assert "3 more prospects were already back in rotation from earlier today" in said
    assert back_for(live, "Cy") == "Globex Corp"
    assert live.fake.validation_errors == []


def test_a_feature_spelled_any_way_or_by_its_recorded_alias(live: LiveApp) -> None:
    add(live, "Dana Reyes, Acme Corp, missing feature, feature: Single Sign-On (SSO)")
    add(live, "Bo Chen, Hooli, missing feature, feature: Reporting API")
    add(live, "Cy, Soylent, missing feature, feature: Audit logs")

    _body, said = reply(live.driver.command("U1", "shipped single-sign-on is live"))
    assert "*Single Sign-On* has shipped" in said and "(SSO)" not in said
    assert "1 prospect back in rotation" in said and "Dana Reyes" in said
    assert back_for(live, "Dana Reyes") == "Single Sign-On (SSO)"

    _body, said = reply(live.driver.command("U1", "shipped SSO shipped, and the audit log too"))
    assert "*Single Sign-On* and *Audit logs* have shipped" in said
    assert "1 prospect back in rotation" in said and "Cy" in said
    assert "1 more prospect was already back" in said

    _body, said = reply(live.driver.command("U1", "shipped RAPI"))  # not recorded as an alias
    assert "No dormant prospect was waiting for it" in said
    assert "no missing feature on file appears in *RAPI*" in said
    assert back_for(live, "Bo Chen") is None
    assert live.fake.validation_errors == []


def test_shipped_does_not_match_competitors_nor_news_features(live: LiveApp) -> None:
    add(live, "Dana Reyes, Acme Corp, missing feature, feature: Initech sync")
    add(live, "Bo Chen, Hooli, unhappy with provider, provider: Initech")
    reply(live.driver.command("U1", "shipped Initech"))
    assert back_for(live, "Bo Chen") is None
    reply(live.driver.command("U1", "news Initech sync is down"))
    assert back_for(live, "Bo Chen") == "Initech"
    assert back_for(live, "Dana Reyes") is None
    assert live.fake.validation_errors == []


# --- the same news twice ------------------------------------------------------------------


def test_the_same_news_twice_the_same_day_brings_nobody_back_twice(live_any_db: LiveApp) -> None:
    live = live_any_db
    add_initech_pair(live)
    reply(live.driver.command("U1", "news Initech outage"))
    first = {n: prospect(live, n) for n in ("Dana Reyes", "Bo Chen")}

    _body, said = reply(live.driver.command("U1", "news initech's outage, again"))
    assert "Nobody new came back: 2 prospects were already back in rotation" in said
    assert "back in rotation —" not in said
    for name, row in first.items():
        again = prospect(live, name)
        assert (again.version, again.updated_at) == (row.version, row.updated_at)
    assert [e[2] for e in events(live)] == [2, 0]

    # Another day, the same words are new news.
    live.clock.set(datetime(2026, 11, 25, 14, 0, tzinfo=UTC))
    _body, said = reply(live.driver.command("U1", "news Initech outage"))
    assert "2 prospects back in rotation" in said
    assert prospect(live, "Dana Reyes").pending_event_on == date(2026, 11, 25)
    assert live.fake.validation_errors == []


# --- did you mean -------------------------------------------------------------------------


def test_a_typo_offers_did_you_mean_and_a_click_brings_them_back(live_any_db: LiveApp) -> None:
    live = live_any_db
    add_initech_pair(live)
    body, said = reply(live.driver.command("U1", "news Inittech outage."))
    assert "No competitor on file appears in *Inittech outage*" in said
    assert back_for(live, "Dana Reyes") is None
    [button] = buttons(body)
    assert button["text"]["text"] == "Did you mean Initech?"
    assert ids.DID_YOU_MEAN_PATTERN.match(button["action_id"])

    answer = click(live, button)
    assert answer["replace_original"] is True
    said = answer["text"] + "\n" + blocks_text(answer.get("blocks", []))
    assert "Noted the news about *Initech*" in said and "2 prospects back in rotation" in said
    assert back_for(live, "Dana Reyes") == back_for(live, "Bo Chen") == "Initech"
    assert events(live) == [
        ("competitor_news", "Inittech outage.", 0),
        ("competitor_news", "Initech", 2),
    ]

    again = click(live, button)  # a second click, from a copy of the question
    assert "2 prospects were already back" in again["text"] + blocks_text(again["blocks"])
    assert [e[2] for e in events(live)] == [0, 2, 0]
    assert live.fake.validation_errors == []


def test_up_to_three_suggestions_and_none_for_unrelated_words(live: LiveApp) -> None:
    for i, provider in enumerate(("Globex Corp", "Globex Labs", "Globex Media", "Globex Air")):
        add(live, f"P{i}, Co{i}, unhappy with provider, provider: {provider}")
    body, _said = reply(live.driver.command("U1", "news Globex went bust"))
    assert len(buttons(body)) == 3
    assert len({b["action_id"] for b in buttons(body)}) == 3

    body, said = reply(live.driver.command("U1", "news the weather is nice"))
    assert buttons(body) == []
    assert "No dormant prospect was waiting for it" in said
    assert live.fake.validation_errors == []


def test_forged_or_foreign_did_you_mean_buttons_are_refused(live: LiveApp) -> None:
    live.fake.add_user("V1", team_id="T2", tz="Europe/Paris")
    add(live, "Zed, Acme, unhappy with provider, provider: Initech", user="V1", team_id="T2")
    with live.session() as session:
        foreign = session.scalars(select(Prospect).where(Prospect.name == "Zed")).one()
    add(live, "Dana Reyes, Acme Corp, missing feature, feature: Reporting API")
    with live.session() as session:
        mine = session.scalars(select(Prospect).where(Prospect.name == "Dana Reyes")).one()
    for value in (
        ids.ActionValue(foreign.id, foreign.version, option="news"),  # another workspace
        ids.ActionValue(mine.id, mine.version, option="news"),  # has no competitor
        ids.ActionValue(mine.id, mine.version, option="bribe"),
        ids.ActionValue(10_000, 1, option="shipped"),
    ):
        answer = click(
            live, {"action_id": f"{ids.DID_YOU_MEAN}:0", "value": ids.encode_value(value)}
        )
        assert "old message" in answer["text"]
        assert answer.get("replace_original") is False
    assert back_for(live, "Zed") is None and back_for(live, "Dana Reyes") is None
    assert events(live) == []
    assert live.fake.validation_errors == []


# --- what is echoed -----------------------------------------------------------------------


def test_names_echoed_clean_and_escaped(live: LiveApp) -> None:
    add(live, "Dana Reyes, Acme Corp, unhappy with provider, provider: <!channel> Corp.")
    add(live, "Bo Chen, Hooli, unhappy with provider, provider: <!here> Hyperion")
    add(live, "Cy, Soylent, missing feature, feature: Single sign-on")

    _body, said = reply(live.driver.command("U1", "news <!channel> corp. is down!!"))
    assert "Noted the news about *&lt;!channel&gt; Corp*." in said
    assert "<!channel>" not in said and "Corp.*" not in said

    _body, said = reply(live.driver.command("U1", "shipped single sign-on."))
    assert "*Single sign-on* has shipped" in said and "sign-on.*" not in said

    body, said = reply(live.driver.command("U1", "news Hyperion's <b>rival</b>!"))
    assert "appears in *Hyperion's &lt;b&gt;rival&lt;/b&gt;*" in said
    assert "<!here>" not in said and "<b>" not in said
    [button] = buttons(body)
    assert button["text"]["text"] == "Did you mean &lt;!here&gt; Hyperion?"
    answer = click(live, button)
    assert "<!here>" not in answer["text"] + blocks_text(answer["blocks"])
    assert back_for(live, "Bo Chen") == "<!here> Hyperion"

    _body, said = reply(live.driver.command("U1", "shipped Teleportation!!!"))
    assert "*Teleportation*" in said and "!!!" not in said
    assert live.fake.validation_errors == []


# --- one workspace ------------------------------------------------------------------------


def test_news_never_reaches_another_workspace(live: LiveApp) -> None:
    live.fake.add_user("V1", team_id="T2", tz="Europe/Paris")
    add(live, "Zed, Acme, unhappy with provider, provider: Initech", user="V1", team_id="T2")
    add(live, "Yan, Acme, missing feature, feature: Reporting API", user="V1", team_id="T2")
    add(live, "Dana Reyes, Acme Corp, unhappy with provider, provider: Initech")

    _body, said = reply(live.driver.command("U1", "news Initech outage"))
    assert "1 prospect back in rotation" in said and "teammates" not in said
    assert back_for(live, "Zed") is None
    body, said = reply(live.driver.command("U1", "shipped Reporting APIs"))
    assert "No dormant prospect was waiting for it" in said and buttons(body) == []
    assert "Reporting API*" not in said  # their names are not found either
    body, _said = reply(live.driver.command("U1", "shipped Reportin API"))
    assert buttons(body) == []  # their names are not suggested either
    assert back_for(live, "Yan") is None
    assert live.fake.validation_errors == []


# --- the reply alone (pure) ---------------------------------------------------------------


def test_did_you_mean_buttons_fit_slack_with_any_names() -> None:
    hostile = ["<!channel>" * 30, "A&B <@U1>", "x" * 200]
    news = News(
        kind=EventKind.FEATURE_SHIPPED,
        typed="<!here> " + "y" * 190 + ".",
        matched=[],
        yours=[],
        others=0,
        already_back=0,
        suggested=[Suggested(name, i + 1, 7) for i, name in enumerate(hostile)],
    )
    built = news_reply(news)
    for block in built.blocks:
        Block.parse(block).to_dict()  # type: ignore[union-attr]
    said = built.text + blocks_text(built.blocks)
    assert "<!" not in said and "<@" not in said and "A&B" not in said
    found = buttons({"blocks": built.blocks})
    assert [ids.decode_value(b["value"]) for b in found] == [
        ids.ActionValue(i + 1, 7, option="shipped") for i in range(3)
    ]
    assert len({b["action_id"] for b in found}) == 3
    assert all(ids.DID_YOU_MEAN_PATTERN.match(b["action_id"]) for b in found)
    assert all(len(b["text"]["text"]) <= BUTTON_TEXT_MAX for b in found)
    assert all(b["text"]["text"].endswith("?") for b in found)
    assert "y." not in said  # the echo has no trailing punctuation


def test_many_names_and_prospects_are_listed_then_counted() -> None:
    names = [f"Rival {i}" for i in range(25)]
    news = News(EventKind.COMPETITOR_NEWS, "all rivals", names, [], 40, 0)
    built = news_reply(news)
    said = blocks_text(built.blocks)
    assert "*Rival 9* and 15 more" in said and "Rival 10*" not in said
    assert "40 prospects back in rotation" in said
    for block in built.blocks:
        Block.parse(block).to_dict()  # type: ignore[union-attr]
