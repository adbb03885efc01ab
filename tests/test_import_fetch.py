"""bot.imports.fetch against the fake Slack: the file's bytes with the bot token, and every
way Slack can decline, said in words."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from bot.imports.fetch import _SlackOnlyRedirects, download, fetch_upload, trusted
from bot.imports.reader import MAX_BYTES, ImportRefused
from tests.fakeslack import DOWNLOAD, FakeSlack

DATA = b"Name,Company,Situation\nDana Reyes,Acme,said no\n"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


def client(fake: FakeSlack, token: str = "xoxb-test-T1") -> WebClient:
    return WebClient(token=token, base_url=fake.api_url)


def test_the_bytes_come_with_the_bot_token(fake: FakeSlack) -> None:
    file = fake.add_user_file("pipeline.csv", DATA)
    upload = fetch_upload(client(fake), file["id"], api_url=fake.api_url)
    assert (upload.file_id, upload.name, upload.data) == (file["id"], "pipeline.csv", DATA)
    [call] = fake.calls_to(DOWNLOAD)
    assert call.token == "xoxb-test-T1"


def test_slacks_sign_in_page_is_refused_not_parsed(fake: FakeSlack) -> None:
    file = fake.add_user_file("pipeline.csv", DATA)
    with pytest.raises(ImportRefused, match=r"sign-in page.*files:read"):
        download(file["url_private_download"], "xoxb-test-T2", fake.api_url)


def test_an_html_body_is_refused_whatever_its_content_type(fake: FakeSlack) -> None:
    file = fake.add_user_file("page.csv", b"  <!DOCTYPE html><html><body>Sign in</body></html>")
    with pytest.raises(ImportRefused, match="sign-in page"):
        fetch_upload(client(fake), file["id"], api_url=fake.api_url)


def test_a_file_too_big_is_refused_before_downloading(fake: FakeSlack) -> None:
    file = fake.add_user_file("huge.csv", DATA)
    fake.files[file["id"]].length = MAX_BYTES + 1
    with pytest.raises(ImportRefused, match="up to 20 MB"):
        fetch_upload(client(fake), file["id"], api_url=fake.api_url)
    assert fake.calls_to(DOWNLOAD) == []


@pytest.mark.parametrize(
    ("error", "words"),
    [("missing_scope", "reinstall Revive"), ("file_not_found", "gone from Slack")],
)
def test_files_info_refusals_are_said_in_words(fake: FakeSlack, error: str, words: str) -> None:
    file = fake.add_user_file("pipeline.csv", DATA)
    fake.fail("files.info", error=error)
    with pytest.raises(ImportRefused, match=words):
        fetch_upload(client(fake), file["id"], api_url=fake.api_url)


def test_a_download_error_is_said_in_words(fake: FakeSlack) -> None:
    file = fake.add_user_file("pipeline.csv", DATA)
    fake.fail(DOWNLOAD, status=500)
    with pytest.raises(ImportRefused, match="HTTP 500"):
        fetch_upload(client(fake), file["id"], api_url=fake.api_url)


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://files.slack.com/files-pri/T1-F1/download/a.csv", True),
        ("https://slack.com/x", True),
        ("http://files.slack.com/x", False),  # never the token over plain HTTP
        ("https://files.slack.com.evil.example/x", False),
        ("https://evil.example/x", False),
        ("http://127.0.0.1:1234/files-pri/x", True),  # the configured API host
        ("http://127.0.0.1:9999/files-pri/x", False),
    ],
)
def test_the_token_goes_to_slack_only(url: str, ok: bool) -> None:
    assert trusted(url, "http://127.0.0.1:1234/api/") is ok


def test_a_redirect_elsewhere_is_refused() -> None:
    handler = _SlackOnlyRedirects("https://slack.com/api/")
    with pytest.raises(ImportRefused, match="somewhere else"):
        handler.redirect_request(None, None, 302, "Found", {}, "https://evil.example/x")
