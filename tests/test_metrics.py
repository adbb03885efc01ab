"""GET /metrics (METRICS=on), parsed with prometheus_client's own parser after signed
requests and sweeps through the live app: each counter moves by what happened, no more."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from prometheus_client.parser import text_string_to_metric_families
from slack_bolt.request import BoltRequest

from bot.app import build_app
from bot.observability import metrics
from bot.reminders.sweep import sweep
from bot.services import Services
from tests.conftest import Clock, LiveApp, serve_app
from tests.digests import seed
from tests.fakeslack import FakeSlack
from tests.securing import post_raw, signed_headers
from tests.sweeping import FAST

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
# 09:05 in New York on the clock fixture's Tuesday: five minutes after U1's reminder time.
FIVE_PAST_NINE = datetime(2026, 11, 24, 14, 5, tzinfo=UTC)


@pytest.fixture
def metered(database_url: str, fake_slack: FakeSlack, clock: Clock) -> Iterator[LiveApp]:
    """The live app with METRICS=on, on SQLite and on PostgreSQL."""
    fake_slack.add_user("U1", team_id="T1", tz="America/New_York", real_name="Riley Rep")
    yield from serve_app(database_url, fake_slack, clock, METRICS="on")


def scrape(live: LiveApp) -> tuple[Samples, str]:
    url = live.url.replace("/slack/events", metrics.METRICS_PATH)
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.status == 200
        content_type = response.headers["Content-Type"]
        text = response.read().decode()
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples, content_type


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def moved(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


def services_of(live: LiveApp) -> Services:
    return Services(settings=live.settings, sessions=live.sessions, clock=live.clock)


def test_requests_are_counted_by_kind_and_result_with_their_ack_time(metered: LiveApp) -> None:
    before, content_type = scrape(metered)
    assert content_type.startswith("text/plain")
    driver = metered.driver
    assert driver.command("U1", "help").status == 200
    assert driver.command("U1", "list").status == 200
    assert driver.event({"type": "app_home_opened", "user": "U1", "tab": "home"}).status == 200
    forged = b"team_id=T1&user_id=U1&command=%2Frevive&text=list"
    headers = signed_headers(forged)
    headers["X-Slack-Signature"] = "v0=" + "ab" * 32
    assert post_raw(metered.url, forged, headers).status == 401
    metered.wait_until_idle()

    after, _ = scrape(metered)
    requests = "revive_requests_total"
    assert moved(before, after, requests, kind="command", result="ok") == 2
    assert moved(before, after, requests, kind="event", result="ok") == 1
    assert moved(before, after, requests, kind="unknown", result="refused") == 1
    assert moved(before, after, requests, kind="command", result="error") == 0
    # Every answered request has its ack time; a refusal never reached Bolt, so has none.
    assert moved(before, after, "revive_ack_seconds_count", kind="command") == 2
    assert moved(before, after, "revive_ack_seconds_count", kind="event") == 1
    assert moved(before, after, "revive_ack_seconds_count", kind="unknown") == 0
    assert moved(before, after, "revive_ack_seconds_bucket", kind="command", le="+Inf") == 2
    assert value(after, "revive_ack_seconds_sum", kind="command") > 0


def test_a_sweep_counts_digests_sent_and_their_lateness(metered: LiveApp) -> None:
    seed(metered, "Dana Reyes")
    before, _ = scrape(metered)
    metered.clock.set(FIVE_PAST_NINE)
    report = sweep(services_of(metered), FIVE_PAST_NINE, options=FAST)
    assert report.sent == 1, report.lines

    after, _ = scrape(metered)
    assert moved(before, after, "revive_digests_total", kind="digest", outcome="sent") == 1
    assert moved(before, after, "revive_digests_total", kind="digest", outcome="failed") == 0
    assert moved(before, after, "revive_digests_in_doubt_total", kind="digest") == 0
    lateness = "revive_digest_lateness_seconds"
    assert moved(before, after, f"{lateness}_count", kind="digest") == 1
    assert moved(before, after, f"{lateness}_sum", kind="digest") == pytest.approx(300)
    # 300 s late: in the 300 s bucket (le is inclusive), not the 120 s one.
    assert moved(before, after, f"{lateness}_bucket", kind="digest", le="300.0") == 1
    assert moved(before, after, f"{lateness}_bucket", kind="digest", le="120.0") == 0
    for status in ("pending", "sending", "failed", "gave_up"):
        assert value(after, "revive_outbox_rows", status=status) == 0


def test_a_failed_post_shows_in_the_outbox_and_its_retry_is_in_doubt(metered: LiveApp) -> None:
    seed(metered, "Dana Reyes")
    before, _ = scrape(metered)
    metered.clock.set(FIVE_PAST_NINE)
    # A 5xx may have reached Slack: every try of this attempt fails, the row stays failed.
    metered.fake.fail("chat.postMessage", status=500, times=FAST.post_tries)
    report = sweep(services_of(metered), FIVE_PAST_NINE, options=FAST)
    assert report.failed == 1, report.lines

    middle, _ = scrape(metered)
    assert moved(before, middle, "revive_digests_total", kind="digest", outcome="failed") == 1
    assert moved(before, middle, "revive_digests_total", kind="digest", outcome="sent") == 0
    assert value(middle, "revive_outbox_rows", status="failed") == 1
    assert value(middle, "revive_outbox_rows", status="pending") == 0

    # The next tick: the row is in doubt (the 5xx may have posted), looked for, then sent.
    next_tick = datetime(2026, 11, 24, 14, 7, tzinfo=UTC)
    metered.clock.set(next_tick)
    report = sweep(services_of(metered), next_tick, options=FAST)
    assert report.sent == 1, report.lines

    after, _ = scrape(metered)
    assert moved(middle, after, "revive_digests_total", kind="digest", outcome="sent") == 1
    assert moved(middle, after, "revive_digests_in_doubt_total", kind="digest") == 1
    assert moved(middle, after, "revive_digest_lateness_seconds_sum", kind="digest") == (
        pytest.approx(420)
    )
    assert value(after, "revive_outbox_rows", status="failed") == 0


def test_socket_mode_requests_are_counted_too(metered: LiveApp) -> None:
    # Socket Mode has no HTTP route of ours: ReviveApp.dispatch observes its requests.
    app = build_app(services_of(metered))
    before, _ = scrape(metered)
    body = {"team_id": "T1", "user_id": "U1", "command": "/revive", "text": "help",
            "response_url": metered.fake.new_response_url(), "trigger_id": "1.2.3"}
    request = BoltRequest(body=urlencode(body), mode="socket_mode")
    try:
        assert app.dispatch(request).status == 200
    finally:
        app.listener_runner.listener_executor.shutdown(wait=True)
    after, _ = scrape(metered)
    assert moved(before, after, "revive_requests_total", kind="command", result="ok") == 1
    assert moved(before, after, "revive_ack_seconds_count", kind="command") == 1


def test_metrics_are_not_served_unless_turned_on(live: LiveApp) -> None:
    url = live.url.replace("/slack/events", metrics.METRICS_PATH)
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(url, timeout=5)
    assert missing.value.code == 404


def test_request_kinds_name_what_slack_sent() -> None:
    assert metrics.request_kind({"command": "/revive", "text": "list"}) == "command"
    assert metrics.request_kind({"type": "block_actions"}) == "action"
    assert metrics.request_kind({"type": "view_submission"}) == "view_submission"
    assert metrics.request_kind({"type": "block_suggestion"}) == "options"
    assert metrics.request_kind({"type": "event_callback"}) == "event"
    assert metrics.request_kind({"type": "something_new"}) == "other"
    assert metrics.request_kind({}) == "other"
