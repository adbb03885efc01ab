"""The fake Slack's users (admins, owners) and files (upload v2, files.info, url_private), as
seen through slack_sdk's own WebClient."""

from __future__ import annotations

import json
import struct
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.fakeslack import DOWNLOAD, SIGN_IN_PAGE, UPLOAD, FakeSlack

TOKEN = "xoxb-test-T1"
OTHER_TOKEN = "xoxb-test-T2"
CHANNEL = "C0REPORTS1"


def tiny_png(width: int = 3, height: int = 2) -> bytes:
    """A real PNG (its signature holds \\r\\n, so a multipart parser must be binary-safe)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + b"\x10\x0d\x0a" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                                0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token=TOKEN, base_url=fake.api_url)


def api_error(call: Any) -> str:
    with pytest.raises(SlackApiError) as raised:
        call()
    return str(raised.value.response["error"])


def announce(client: WebClient, data: bytes, filename: str = "chart.png") -> tuple[str, str]:
    answer = client.files_getUploadURLExternal(filename=filename, length=len(data))
    return str(answer["file_id"]), str(answer["upload_url"])


def post(url: str, data: bytes, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, method="POST", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def get(url: str, token: str | None = None) -> tuple[int, str, bytes]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers),
                                    timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


# --- users.info: admins and owners ----------------------------------------------------


def test_users_info_tells_admins_owners_deleted_and_tz(fake: FakeSlack,
                                                       client: WebClient) -> None:
    fake.add_user("U1", tz="Europe/Paris")
    fake.add_user("U2", is_admin=True)
    fake.add_user("U3", is_owner=True, deleted=True)
    users = {u: client.users_info(user=u)["user"] for u in ("U1", "U2", "U3")}
    assert [(v["is_admin"], v["is_owner"]) for v in users.values()] == [
        (False, False), (True, False), (True, True)]  # an owner is an admin in Slack too
    assert users["U1"]["tz"] == "Europe/Paris" and users["U1"]["deleted"] is False
    assert users["U3"]["deleted"] is True
    assert users["U1"]["is_primary_owner"] is False


# --- files_upload_v2 end to end -------------------------------------------------------


def test_files_upload_v2_shares_the_bytes_in_the_channel(fake: FakeSlack,
                                                        client: WebClient) -> None:
    png = tiny_png()
    answer = client.files_upload_v2(channel=CHANNEL, file=png, filename="week 12.png",
                                    title="Week 12", initial_comment="This week's chart")
    file_id = answer["file"]["id"]
    shared = fake.files[file_id]
    assert shared.content == png
    assert (shared.filename, shared.title, shared.channels) == ("week 12.png", "Week 12",
                                                                [CHANNEL])
    assert shared.initial_comment == "This week's chart" and shared.mimetype == "image/png"
    assert [c.method for c in fake.calls] == [
        "files.getUploadURLExternal", UPLOAD, "files.completeUploadExternal"]
    assert fake.calls[1].token is None  # the upload URL is pre-signed: no token sent
    [message] = fake.messages(CHANNEL)
    assert message.text == "This week's chart"
    assert [f["id"] for f in message.as_slack()["files"]] == [file_id]
    assert fake.warnings == [] and fake.validation_errors == []


def test_the_completion_answer_lists_no_channel_yet_but_files_info_does(
        fake: FakeSlack, client: WebClient) -> None:
    answer = client.files_upload_v2(channel=CHANNEL, content=b"x,y\n1,2\n", filename="a.csv")
    assert answer["file"]["channels"] == []  # Slack shares in the background
    info = client.files_info(file=answer["file"]["id"])["file"]
    assert info["channels"] == [CHANNEL]
    assert info["title"] == "a.csv" and info["size"] == 8 and info["filetype"] == "csv"


def test_a_dm_takes_the_conversation_id_not_the_user_id(fake: FakeSlack,
                                                        client: WebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        client.files_upload_v2(channel="U1", file=tiny_png(), filename="c.png")
    assert raised.value.response["error"] == "invalid_arguments"
    assert "channel_id" in raised.value.response["response_metadata"]["messages"][0]
    assert fake.files == {}
    dm = client.conversations_open(users="U1")["channel"]["id"]
    client.files_upload_v2(channel=dm, file=tiny_png(), filename="c.png")
    assert [len(m.files) for m in fake.messages("U1")] == [1]


def test_without_a_channel_the_file_is_private_and_the_fake_warns(fake: FakeSlack,
                                                                  client: WebClient) -> None:
    answer = client.files_upload_v2(file=tiny_png(), filename="c.png")
    assert fake.files[answer["file"]["id"]].channels == []
    assert fake.warnings == [f"files.completeUploadExternal without a channel: "
                             f"['{answer['file']['id']}'] shared nowhere"]


def test_completing_unknown_foreign_or_unsent_files_is_file_not_found(
        fake: FakeSlack, client: WebClient) -> None:
    other = WebClient(token=OTHER_TOKEN, base_url=fake.api_url)
    theirs, url = announce(other, b"abc", "a.txt")
    assert post(url, b"abc")[0] == 200
    unsent, _ = announce(client, b"abc", "a.txt")
    for file_id in ("F404", theirs, unsent):
        assert api_error(lambda f=file_id: client.files_completeUploadExternal(
            files=[{"id": f, "title": "t"}], channel_id=CHANNEL)) == "file_not_found"
    # One bad id shares nothing, not even the good one.
    good, url = announce(client, b"abc", "a.txt")
    assert post(url, b"abc")[0] == 200
    assert api_error(lambda: client.files_completeUploadExternal(
        files=[{"id": good}, {"id": "F404"}], channel_id=CHANNEL)) == "file_not_found"
    assert fake.files == {} and fake.messages(CHANNEL) == []
    client.files_completeUploadExternal(files=[{"id": good}], channel_id=CHANNEL)
    assert list(fake.files) == [good]


def test_announce_needs_a_filename_and_a_length(client: WebClient) -> None:
    assert api_error(lambda: client.api_call(
        "files.getUploadURLExternal", params={"filename": "a.png"})) == "invalid_arguments"
    assert api_error(lambda: client.files_getUploadURLExternal(
        filename="a.png", length=-1)) == "invalid_arguments"


def test_bytes_of_another_length_than_announced_are_refused(fake: FakeSlack,
                                                            client: WebClient) -> None:
    file_id, url = announce(client, b"12345")
    status, body = post(url, b"1234")
    assert status == 400 and b"expected 5 bytes, got 4" in body
    assert api_error(lambda: client.files_completeUploadExternal(
        files=[{"id": file_id}], channel_id=CHANNEL)) == "file_not_found"
    assert post(f"{fake.url}upload/F404", b"1")[0] == 404


def test_the_upload_url_takes_a_multipart_file_part_too(fake: FakeSlack,
                                                        client: WebClient) -> None:
    png = tiny_png()
    file_id, url = announce(client, png)
    body = (b"--XyZ\r\nContent-Disposition: form-data; name=\"filename\"\r\n\r\nchart.png\r\n"
            b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"chart.png\""
            b"\r\nContent-Type: image/png\r\n\r\n" + png + b"\r\n--XyZ--\r\n")
    status, answer = post(url, body, {"Content-Type": "multipart/form-data; boundary=XyZ"})
    assert (status, answer) == (200, f"OK - {len(png)}".encode())
    client.files_completeUploadExternal(files=[{"id": file_id}], channel_id=CHANNEL)
    assert fake.files[file_id].content == png


def test_an_upload_url_failure_raises_from_files_upload_v2_and_shares_nothing(
        fake: FakeSlack, client: WebClient) -> None:
    fake.fail(UPLOAD, status=500)
    with pytest.raises(urllib.error.HTTPError):  # slack_sdk does not wrap this step's errors
        client.files_upload_v2(channel=CHANNEL, file=tiny_png(), filename="c.png")
    assert fake.files == {}
    assert [(c.method, c.status) for c in fake.calls] == [
        ("files.getUploadURLExternal", 200), (UPLOAD, 500)]


def test_blocks_are_checked_and_ignored_beside_an_initial_comment(fake: FakeSlack,
                                                                 client: WebClient) -> None:
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "*Week 12*"}}
    client.files_upload_v2(channel=CHANNEL, file=tiny_png(), filename="c.png",
                           blocks=json.dumps([section]))
    client.files_upload_v2(channel=CHANNEL, file=tiny_png(), filename="c.png",
                           initial_comment="hi", blocks=json.dumps([section]))
    assert [m.blocks for m in fake.messages(CHANNEL)] == [[section], []]
    assert fake.warnings == ["files.completeUploadExternal: blocks ignored, "
                             "initial_comment given"]
    with pytest.raises(SlackApiError) as raised:
        client.files_upload_v2(channel=CHANNEL, file=tiny_png(), filename="c.png",
                               blocks=json.dumps([{"type": "section"}]))
    assert raised.value.response["error"] == "invalid_blocks"


# --- files.info and url_private_download ------------------------------------------------


def test_url_private_download_serves_the_bytes_to_a_valid_token_only(
        fake: FakeSlack, client: WebClient) -> None:
    png = tiny_png()
    file_id = client.files_upload_v2(channel=CHANNEL, file=png, filename="wk 1 ✓.png",
                                     title="Week 1")["file"]["id"]
    info = client.files_info(file=file_id)["file"]
    url = info["url_private_download"]
    assert url.startswith(fake.url) and info["mimetype"] == "image/png"
    assert get(url, TOKEN) == (200, "image/png", png)
    assert get(info["url_private"], TOKEN)[2] == png
    # Like Slack: no token, or another workspace's, gets the sign-in page with a 200.
    for token in (None, "xoxb-wrong", OTHER_TOKEN):
        status, kind, body = get(url, token)
        assert (status, body) == (200, SIGN_IN_PAGE) and kind.startswith("text/html")
    assert get(url.replace(file_id, "F404"), TOKEN)[0] == 404
    assert [c.status for c in fake.calls_to(DOWNLOAD, ok_only=False)] == [200] * 5 + [404]


def test_files_info_is_per_workspace(fake: FakeSlack, client: WebClient) -> None:
    file_id = client.files_upload_v2(channel=CHANNEL, content="hi", filename="a.txt")["file"]["id"]
    other = WebClient(token=OTHER_TOKEN, base_url=fake.api_url)
    assert api_error(lambda: other.files_info(file=file_id)) == "file_not_found"
    assert api_error(lambda: client.files_info(file="F404")) == "file_not_found"
