"""Posting a weekly report through the fake Slack: the summary, then its chart, once each."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from PIL import Image  # matplotlib's own dependency
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack_client import make_client
from bot.team.chart import weekly_chart_png
from bot.team.figures import ChartFigures, RepWeek, TacticRate
from bot.team.upload import ChartNotUploaded, post_report, upload_chart
from tests.fakeslack import UPLOAD, FakeSlack, blocks_text

TOKEN = "xoxb-test-T1"
BLOCKS: list[dict[str, Any]] = [
    {"type": "header", "text": {"type": "plain_text", "text": "Team North, week of 21 Apr"}},
    {"type": "section", "text": {"type": "mrkdwn", "text": "*42* contacts, *9* revived"}},
]
SMALL_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\r\n" * 20  # bytes are bytes to the upload


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return make_client(TOKEN, fake.api_url)  # the app's client: its retries included


def report(client: WebClient, channel: str, png: bytes = SMALL_PNG, **extra: Any) -> str:
    return post_report(client, channel=channel, text="Your weekly team report", blocks=BLOCKS,
                       png=png, filename="team-north-2025-04-21.png",
                       title="Team North, week of 21 Apr", **extra)


def test_a_report_to_a_manager_is_the_summary_then_the_chart_in_their_dm(
        fake: FakeSlack, client: WebClient) -> None:
    week = date(2025, 4, 21)
    png = weekly_chart_png(ChartFigures("Team North", [week], [RepWeek("Ana", week, 5, 2)],
                                        [TacticRate("Breakup email", None, 6, 2)]))
    ts = report(client, "U1", png)
    summary, chart = fake.messages("U1")
    assert summary.ts == ts and summary.blocks == BLOCKS
    assert summary.text == "Your weekly team report"
    [shared] = fake.files.values()
    assert chart.files[0]["id"] == shared.id and float(chart.ts) > float(ts)
    assert shared.channels == ["DU1"]  # the DM's id: Slack refuses a user id here
    assert (shared.filename, shared.title, shared.alt_txt) == (
        "team-north-2025-04-21.png", "Team North, week of 21 Apr", "Team North, week of 21 Apr")
    assert Image.open(io.BytesIO(shared.content or b"")).size == (1200, 600)
    assert fake.validation_errors == [] and fake.warnings == []


def test_a_report_to_a_channel_and_its_metadata(fake: FakeSlack, client: WebClient) -> None:
    metadata = {"event_type": "revive_weekly_report", "event_payload": {"team": 7}}
    ts = report(client, "C0MANAGERS", metadata=metadata)
    [summary, chart] = fake.messages("C0MANAGERS")
    assert summary.ts == ts and summary.metadata == metadata
    assert "*42* contacts" in blocks_text(summary.blocks)
    assert chart.files[0]["title"] == "Team North, week of 21 Apr"
    assert [c.method for c in fake.calls] == [
        "chat.postMessage", "files.getUploadURLExternal", UPLOAD, "files.completeUploadExternal"]


def test_a_refused_summary_posts_nothing_and_uploads_nothing(fake: FakeSlack,
                                                             client: WebClient) -> None:
    fake.fail("chat.postMessage", error="channel_not_found")
    with pytest.raises(SlackApiError):
        report(client, "C0GONE")
    assert fake.calls_to("files.getUploadURLExternal", ok_only=False) == []
    assert fake.messages("C0GONE") == [] and fake.files == {}


@pytest.mark.parametrize("fail", [
    lambda fake: fake.fail(UPLOAD, status=500),  # the plain POST: urllib's HTTPError
    lambda fake: fake.fail("files.completeUploadExternal", error="internal_error"),
    lambda fake: fake.fail("files.getUploadURLExternal", error="ratelimited"),
])
def test_a_failed_chart_leaves_the_summary_posted_once_and_says_where(
        fake: FakeSlack, client: WebClient, fail: Any) -> None:
    fail(fake)
    with pytest.raises(ChartNotUploaded) as raised:
        report(client, "U1")
    [summary] = fake.messages("U1")
    assert (raised.value.channel, raised.value.ts) == ("DU1", summary.ts)
    assert fake.files == {}
    # Only the chart is tried again, into the conversation the error names.
    file_id = upload_chart(client, channel=raised.value.channel, png=SMALL_PNG,
                           filename="c.png", title="Team North")
    first, second = fake.messages("U1")
    assert first.ts == summary.ts and second.files[0]["id"] == file_id
    assert fake.files[file_id].content == SMALL_PNG
    assert len(fake.calls_to("chat.postMessage")) == 1
