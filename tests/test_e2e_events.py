"""End to end: `/revive shipped <feature>` and `/revive news <competitor>` resurface prospects."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from bot.domain import EventKind
from store.models import EventRecord, Prospect
from tests.conftest import LiveApp
from tests.test_e2e_commands import add, prospect, reply

TODAY = date(2026, 11, 24)


def events(live: LiveApp) -> list[EventRecord]:
    with live.session() as session:
        return list(session.scalars(select(EventRecord).order_by(EventRecord.id)))


def test_shipped_brings_back_everyone_who_needed_it(live_any_db: LiveApp) -> None:
    live = live_any_db
    live.fake.add_user("U2", team_id="T1", tz="Europe/Paris")
    add(live, "Dana Reyes, Acme Corp, missing feature, feature: Reporting API")
    add(live, "<!channel>, Initech, missing feature, feature: reporting-api")
    add(live, "Bo Chen, Globex, missing feature, feature: SSO")
    add(live, "Pat Other, Hooli, missing feature, feature: Reporting API", user="U2")
    assert prospect(live, "Dana Reyes").next_touch_on != TODAY

    _body, said = reply(live.driver.command("U1", "shipped Reporting API"))
    assert "*Reporting API* has shipped" in said
    assert "3 prospects back in rotation" in said
    assert "Dana Reyes" in said and "&lt;!channel&gt;" in said
    assert "<!channel>" not in said
    assert "Bo Chen" not in said
    assert "1 of your teammates'" in said
    assert "Pat Other" not in said  # a teammate's prospect is counted, not named
    for name in ("Dana Reyes", "<!channel>", "Pat Other"):
        row = prospect(live, name)
        assert row.pending_event_kind == EventKind.FEATURE_SHIPPED.value
        assert row.next_touch_on is not None and row.next_touch_on <= date(2026, 11, 25)
    assert prospect(live, "Bo Chen").pending_event_kind is None
    [event] = events(live)
    assert (event.kind, event.subject, event.resurfaced, event.announced_by) == (
        "feature_shipped",
        "Reporting API",
        3,
        "U1",
    )
    assert live.fake.validation_errors == []


def test_news_brings_back_the_competitors_customers(live: LiveApp) -> None:
    add(live, "Dana Reyes, Acme Corp, chose competitor, competitor: Globex, decided on: 2026-10-01")
    add(live, "Bo Chen, Initech, unhappy with provider, provider: Globex")
    add(live, "Cy, Hooli, went quiet")
    _body, said = reply(live.driver.command("U1", "news globex"))
    assert "news about *Globex*" in said  # the name on file, not as typed
    assert "2 prospects back in rotation" in said
    assert "Dana Reyes" in said and "Bo Chen" in said and "Cy" not in said
    assert prospect(live, "Bo Chen").pending_event_kind == EventKind.COMPETITOR_NEWS.value
    assert live.fake.validation_errors == []


def test_an_event_nobody_waited_for(live: LiveApp) -> None:
    _body, said = reply(live.driver.command("U1", "shipped <!here> Teleportation"))
    assert "<!here>" not in said and "&lt;!here&gt; Teleportation" in said
    assert "No dormant prospect was waiting for it" in said
    assert [e.resurfaced for e in events(live)] == [0]
    assert live.fake.validation_errors == []


def test_an_event_without_a_subject_writes_nothing(live: LiveApp) -> None:
    for text, expected in (
        ("shipped", "/revive shipped Reporting API"),
        ("news   ", "/revive news"),
        ("shipped " + "x" * 300, "under 200 characters"),
    ):
        _body, said = reply(live.driver.command("U1", text))
        assert expected in said, said
    assert events(live) == []
    with live.session() as session:
        assert session.scalar(select(func.count()).select_from(Prospect)) == 0
    assert live.fake.validation_errors == []
