"""The fake Slack answers, checks and misbehaves like Slack, as seen through the app's WebClient."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack_client import make_client
from tests.fakeslack import FakeSlack, blocks_text

TOKEN = "xoxb-test-T1"


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def modal(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "modal", "title": {"type": "plain_text", "text": "Revive"}, "blocks": blocks}


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return make_client(TOKEN, fake.api_url)


def api_error(call: Any) -> str:
    with pytest.raises(SlackApiError) as raised:
        call()
    return str(raised.value.response["error"])


# --- authentication --------------------------------------------------------------------


def test_unknown_or_missing_bearer_token_is_invalid_auth(fake: FakeSlack) -> None:
    wrong = make_client("xoxb-not-installed", fake.api_url)
    assert api_error(lambda: wrong.chat_postMessage(channel="U1", text="hi")) == "invalid_auth"
    anonymous = make_client(None, fake.api_url)
    assert api_error(lambda: anonymous.auth_test()) == "invalid_auth"
    assert fake.messages("U1") == []


def test_the_token_decides_the_workspace(fake: FakeSlack) -> None:
    assert make_client("xoxb-test-T2", fake.api_url).auth_test()["team_id"] == "T2"
    assert fake.calls[-1].team_id == "T2"
    assert fake.calls[-1].token == "xoxb-test-T2"


# --- messages ---------------------------------------------------------------------------


def test_post_message_answers_channel_and_increasing_ts(fake: FakeSlack, client: WebClient) -> None:
    first = client.chat_postMessage(channel="U1", text="one")
    second = client.chat_postMessage(channel="U1", text="two")
    assert first["ok"] and first["channel"] == "DU1"
    assert float(second["ts"]) > float(first["ts"])
    assert [m.text for m in fake.messages("U1")] == ["one", "two"]
    assert fake.messages("DU1") == fake.messages("U1")


def test_post_message_without_text_or_channel_is_refused(client: WebClient) -> None:
    assert api_error(lambda: client.chat_postMessage(channel="U1", text="")) == "no_text"
    assert api_error(lambda: client.chat_postMessage(channel="", text="x")) == ("channel_not_found")


def test_metadata_is_stored_and_returned_only_when_asked(
    fake: FakeSlack, client: WebClient
) -> None:
    metadata = {"event_type": "revive_digest", "event_payload": {"digest": 42}}
    posted = client.chat_postMessage(channel="U1", text="digest", metadata=metadata)
    assert fake.messages("U1")[0].metadata == metadata

    with_meta = client.conversations_history(channel=posted["channel"], include_all_metadata=True)
    assert with_meta["messages"][0]["metadata"] == metadata
    assert with_meta["messages"][0]["ts"] == posted["ts"]
    without = client.conversations_history(channel=posted["channel"])
    assert "metadata" not in without["messages"][0]


def test_history_is_newest_first_and_limited(client: WebClient) -> None:
    for text in ("a", "b", "c"):
        client.chat_postMessage(channel="C1", text=text)
    history = client.conversations_history(channel="C1", limit=2)
    assert [m["text"] for m in history["messages"]] == ["c", "b"]


def test_update_edits_the_message_in_place(fake: FakeSlack, client: WebClient) -> None:
    posted = client.chat_postMessage(channel="U1", text="before", blocks=[section("old")])
    client.chat_postMessage(channel="U1", text="other")
    updated = client.chat_update(
        channel=posted["channel"], ts=posted["ts"], text="after", blocks=[section("new")]
    )
    assert updated["ts"] == posted["ts"]
    messages = fake.messages("U1")
    assert [m.text for m in messages] == ["after", "other"]
    assert blocks_text(messages[0].blocks) == "new"
    missing = lambda: client.chat_update(channel="DU1", ts="1.000001", text="x")  # noqa: E731
    assert api_error(missing) == "message_not_found"


def test_conversations_open_gives_the_dm_channel(client: WebClient) -> None:
    assert client.conversations_open(users="U7")["channel"]["id"] == "DU7"


# --- block validation -------------------------------------------------------------------


def test_an_invalid_block_is_refused_and_recorded(fake: FakeSlack, client: WebClient) -> None:
    too_long = section("x" * 3001)  # Slack's limit for a section's text is 3,000
    error = api_error(lambda: client.chat_postMessage(channel="U1", text="t", blocks=[too_long]))
    assert error == "invalid_blocks"
    assert len(fake.validation_errors) == 1
    assert fake.messages("U1") == []


def test_an_unknown_block_type_is_refused(fake: FakeSlack, client: WebClient) -> None:
    bogus = [{"type": "sectoin", "text": {"type": "mrkdwn", "text": "typo"}}]
    assert api_error(lambda: client.chat_postMessage(channel="U1", text="t", blocks=bogus)) == (
        "invalid_blocks"
    )
    assert fake.validation_errors


def test_fifty_blocks_pass_and_fifty_one_are_refused(fake: FakeSlack, client: WebClient) -> None:
    client.chat_postMessage(channel="U1", text="t", blocks=[section("ok")] * 50)
    assert fake.validation_errors == []
    blocks = [section("ok")] * 51
    assert api_error(lambda: client.chat_postMessage(channel="U1", text="t", blocks=blocks)) == (
        "invalid_blocks"
    )
    assert "51 blocks" in fake.validation_errors[0]


def test_a_message_without_text_fallback_is_a_warning(fake: FakeSlack, client: WebClient) -> None:
    client.chat_postMessage(channel="U1", blocks=[section("only blocks")])
    assert fake.warnings == ["chat.postMessage without a text fallback"]


# --- views ------------------------------------------------------------------------------


def test_views_open_requires_a_trigger_id_and_returns_the_view_id(
    fake: FakeSlack, client: WebClient
) -> None:
    view = modal([section("hello")])
    assert api_error(lambda: client.views_open(trigger_id="", view=view)) == ("invalid_trigger_id")
    opened = client.views_open(trigger_id="1.2.trigger", view=view)
    view_id = opened["view"]["id"]
    assert fake.views[view_id]["blocks"] == view["blocks"]
    assert fake.validation_errors == []

    updated = client.views_update(
        view_id=view_id, hash=opened["view"]["hash"], view=modal([section("changed")])
    )
    assert updated["view"]["id"] == view_id
    assert blocks_text(fake.views[view_id]["blocks"]) == "changed"
    stale = lambda: client.views_update(  # noqa: E731
        view_id=view_id, hash=opened["view"]["hash"], view=view
    )
    assert api_error(stale) == "hash_conflict"


def test_a_view_with_101_blocks_is_refused(fake: FakeSlack, client: WebClient) -> None:
    client.views_open(trigger_id="t", view=modal([section("ok")] * 100))
    assert fake.validation_errors == []
    big = modal([section("ok")] * 101)
    assert api_error(lambda: client.views_open(trigger_id="t", view=big)) == ("invalid_arguments")
    assert "101 blocks" in fake.validation_errors[0]
    assert len(fake.views) == 1


def test_views_publish_stores_the_home_view(fake: FakeSlack, client: WebClient) -> None:
    home = {"type": "home", "blocks": [section("Your prospects")]}
    published = client.views_publish(user_id="U1", view=home)
    assert published["view"]["id"]
    assert blocks_text(fake.home_views["U1"]["blocks"]) == "Your prospects"
    assert api_error(lambda: client.views_publish(user_id="U1", view=modal([]))) == (
        "invalid_arguments"
    )
    assert fake.validation_errors == ["views.publish: not a home view"]


# --- users ------------------------------------------------------------------------------


def test_users_info_answers_only_for_the_tokens_workspace(
    fake: FakeSlack, client: WebClient
) -> None:
    fake.add_user("U1", tz="America/New_York", real_name="Riley Rep")
    fake.add_user("U9", team_id="T2")
    user = client.users_info(user="U1")["user"]
    assert (user["tz"], user["real_name"]) == ("America/New_York", "Riley Rep")
    assert api_error(lambda: client.users_info(user="U9")) == "user_not_found"
    fake.add_user("U2", tz=None)
    assert "tz" not in client.users_info(user="U2")["user"]


def test_users_list_paginates_with_cursors(fake: FakeSlack, client: WebClient) -> None:
    for n in range(5):
        fake.add_user(f"U{n}")
    fake.add_user("UX", team_id="T2")
    # A SlackResponse iterates by mutating itself: copy each page as it comes.
    pages = [[m["id"] for m in page["members"]] for page in client.users_list(limit=2)]
    assert pages == [["U0", "U1"], ["U2", "U3"], ["U4"]]


# --- response_url -----------------------------------------------------------------------


def test_response_url_posts_are_recorded_and_validated(fake: FakeSlack) -> None:
    def post(body: dict[str, Any]) -> None:
        request = urllib.request.Request(
            fake.new_response_url(),
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=5) as reply:
            assert json.loads(reply.read()) == {"ok": True}

    post({"response_type": "ephemeral", "text": "done", "blocks": [section("done")]})
    responses = fake.wait_for_response(1)
    assert responses[0].path.startswith("/response/")
    assert responses[0].body["text"] == "done"
    assert fake.validation_errors == []
    post({"text": "bad", "blocks": [section("x" * 3001)]})
    assert len(fake.wait_for_response(2)) == 2
    assert len(fake.validation_errors) == 1


# --- faults -----------------------------------------------------------------------------


def raw_post(fake: FakeSlack, method: str) -> tuple[int, dict[str, str], dict[str, Any]]:
    request = urllib.request.Request(
        fake.api_url + method,
        data=b"channel=U1&text=hi",
        method="POST",
        headers={
            "Authorization": f"Bearer {TOKEN}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as reply:
            return reply.status, dict(reply.headers.items()), json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), json.loads(error.read())


def test_fail_answers_429_with_retry_after_then_recovers(fake: FakeSlack) -> None:
    fake.fail("chat.postMessage", status=429, retry_after=7, times=2)
    for _ in range(2):
        status, headers, body = raw_post(fake, "chat.postMessage")
        assert (status, headers["Retry-After"], body["error"]) == (429, "7", "ratelimited")
    status, _, body = raw_post(fake, "chat.postMessage")
    assert (status, body["ok"]) == (200, True)
    assert [c.status for c in fake.calls_to("chat.postMessage", ok_only=False)] == [429, 429, 200]
    assert len(fake.messages("U1")) == 1


def test_fail_answers_a_server_error_for_that_method_only(fake: FakeSlack) -> None:
    fake.fail("chat.postMessage", status=503)
    assert raw_post(fake, "chat.update")[0] == 200
    status, headers, _ = raw_post(fake, "chat.postMessage")
    assert status == 503 and "Retry-After" not in headers


def test_fail_with_an_error_answers_ok_false(fake: FakeSlack, client: WebClient) -> None:
    fake.fail("chat.postMessage", error="channel_not_found")
    error = api_error(lambda: client.chat_postMessage(channel="U1", text="x"))
    assert error == "channel_not_found"
    assert fake.messages("U1") == []
    assert client.chat_postMessage(channel="U1", text="x")["ok"]


def test_fail_ratio_fails_a_share_until_cleared(fake: FakeSlack) -> None:
    fake.fail_ratio("chat.postMessage", 0.5, status=500)
    statuses = [raw_post(fake, "chat.postMessage")[0] for _ in range(40)]
    assert 5 < statuses.count(500) < 35
    fake.clear_faults()
    assert raw_post(fake, "chat.postMessage")[0] == 200


def test_delay_slows_one_method(fake: FakeSlack, client: WebClient) -> None:
    fake.delay("chat.postMessage", 0.3)
    started = time.monotonic()
    client.auth_test()
    assert time.monotonic() - started < 0.3
    started = time.monotonic()
    client.chat_postMessage(channel="U1", text="slow")
    assert time.monotonic() - started >= 0.3


def test_reset_forgets_calls_but_keeps_users_and_messages(
    fake: FakeSlack, client: WebClient
) -> None:
    fake.add_user("U1")
    client.chat_postMessage(channel="U1", text="kept")
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="U1", text="t", blocks=[section("x" * 3001)])
    assert fake.validation_errors
    fake.reset()
    assert (fake.calls, fake.validation_errors) == ([], [])
    assert [m.text for m in fake.messages("U1")] == ["kept"]
    assert client.users_info(user="U1")["ok"]


def test_wait_for_times_out_with_the_calls_made(fake: FakeSlack, client: WebClient) -> None:
    client.auth_test()
    with pytest.raises(AssertionError, match=r"auth\.test"):
        fake.wait_for("chat.postMessage", timeout=0.1)


# --- the app's WebClient against the fake --------------------------------------------------


def test_app_client_retries_a_429_after_retry_after(fake: FakeSlack, client: WebClient) -> None:
    fake.fail("chat.postMessage", status=429, retry_after=0, times=2)
    assert client.chat_postMessage(channel="U1", text="eventually")["ok"]
    assert [c.status for c in fake.calls_to("chat.postMessage", ok_only=False)] == [429, 429, 200]
    assert len(fake.messages("U1")) == 1


@pytest.mark.parametrize("status", [500, 503])
def test_app_client_retries_server_errors(fake: FakeSlack, client: WebClient, status: int) -> None:
    fake.fail("chat.postMessage", status=status)
    assert client.chat_postMessage(channel="U1", text="eventually")["ok"]
    assert [c.status for c in fake.calls_to("chat.postMessage", ok_only=False)] == [status, 200]


def test_app_client_gives_up_after_its_retries(fake: FakeSlack, client: WebClient) -> None:
    fake.fail("chat.postMessage", status=429, retry_after=0, times=10)
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="U1", text="never")
    assert raised.value.response.status_code == 429
    assert len(fake.calls_to("chat.postMessage", ok_only=False)) == 4  # 1 try + 3 retries
    assert fake.messages("U1") == []


def test_validation_can_be_turned_off_but_limits_stay() -> None:
    with FakeSlack(validate=False) as quick:
        client = make_client(TOKEN, quick.api_url)
        client.chat_postMessage(channel="U1", text="t", blocks=[section("x" * 3001)])
        assert quick.validation_errors == []
        blocks = [section("ok")] * 51
        assert api_error(
            lambda: client.chat_postMessage(channel="U1", text="t", blocks=blocks)
        ) == ("invalid_blocks")
