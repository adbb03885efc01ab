"""LOG_FORMAT=json: one JSON object per line with the request and workspace ids, and no Slack
token anywhere, whatever carried it into the record (an argument, an exception, a repr)."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.observability.context import ContextThreadPoolExecutor, bind_team, request_context
from bot.observability.logs import JsonFormatter, RedactTokens, install, redact
from tests.conftest import BOT_TOKEN, LiveApp
from tests.securing import post_raw

TOKENS = (
    "xoxb-1234-5678-abcdEFGH",
    "xoxp-9-8-7-zz",
    "xapp-1-A0-123-deadbeef",
    "xoxe.xoxb-1-rotating",
    "xoxe-1-refresh-token",
)
# Loggers that default above DEBUG or are quieted by configure_logging: all talk here.
TALKATIVE = ("", "slack_bolt", "slack_sdk", "slack_sdk.web.base_client", "bot", "waitress")


class JsonLines:
    """A root handler in LOG_FORMAT=json (with the token filter), writing to memory."""

    def __init__(self) -> None:
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        install(self.handler, "json")

    @property
    def raw(self) -> str:
        return self.stream.getvalue()

    def entries(self) -> list[dict[str, Any]]:
        lines = [line for line in self.raw.splitlines() if line]
        assert lines, "nothing was logged"
        return [json.loads(line) for line in lines]  # every line is one JSON object


@pytest.fixture
def json_lines() -> Iterator[JsonLines]:
    captured = JsonLines()
    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in TALKATIVE}
    root.addHandler(captured.handler)
    for name in TALKATIVE:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield captured
    finally:
        root.removeHandler(captured.handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def test_tokens_are_masked_in_messages_arguments_reprs_and_tracebacks(
    json_lines: JsonLines,
) -> None:
    log = logging.getLogger("bot.test_json_logs")
    log.info("token in the message %s", TOKENS[0])
    log.warning("in an argument: %s, in a repr: %r", TOKENS[1], {"token": TOKENS[2]})
    try:
        raise RuntimeError(f"Slack said no to {TOKENS[3]} and {TOKENS[4]}")
    except RuntimeError:
        log.exception("failed with %s", "a token in the traceback")

    entries = json_lines.entries()
    assert [e["level"] for e in entries] == ["INFO", "WARNING", "ERROR"]
    assert all(e["logger"] == "bot.test_json_logs" for e in entries)
    assert entries[0]["message"] == "token in the message [redacted xoxb token]"
    assert "[redacted xoxp token]" in entries[1]["message"]
    assert "[redacted xapp token]" in entries[1]["message"]
    assert "Traceback" in entries[2]["exception"]
    assert "[redacted xoxb token]" in entries[2]["exception"]
    assert "[redacted xoxe token]" in entries[2]["exception"]
    for token in TOKENS:
        assert token not in json_lines.raw
    assert "xoxb-" not in json_lines.raw and "xapp-" not in json_lines.raw


def test_the_filter_masks_records_for_any_formatter() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "a %s b", (TOKENS[0],), None)
    assert RedactTokens().filter(record)
    assert logging.Formatter().format(record) == "a [redacted xoxb token] b"
    # The words around a token, and text that only looks like one, stay as they were.
    assert redact("starts with xoxb- and then") == "starts with xoxb- and then"
    assert redact("no token here") == "no token here"


def test_request_and_team_ids_follow_a_request_into_listener_threads() -> None:
    formatter = JsonFormatter()
    record = logging.LogRecord("bot", logging.INFO, __file__, 1, "hello", None, None)
    assert "request_id" not in json.loads(formatter.format(record))
    with ContextThreadPoolExecutor(max_workers=1) as pool, request_context() as rid:
        bind_team("T9")
        line = pool.submit(formatter.format, record).result()
    entry = json.loads(line)
    assert entry["request_id"] == rid and entry["team_id"] == "T9"
    # Outside the request nothing is left behind.
    assert "team_id" not in json.loads(formatter.format(record))


def test_served_requests_log_json_with_their_ids_and_no_token(
    live: LiveApp, json_lines: JsonLines
) -> None:
    assert live.driver.event({"type": "app_home_opened", "user": "U1", "tab": "home"}).status == 200
    live.fake.wait_for("views.publish")
    forged = b"team_id=T1&user_id=U1&command=%2Frevive&text=list"
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=" + "ab" * 32}
    assert post_raw(live.url, forged, headers).status == 401
    live.wait_until_idle()

    entries = json_lines.entries()
    # slack_sdk's narration of views.publish ran in a listener thread, after the ack:
    # it carries the request's id and workspace.
    (publish, *_) = [e for e in entries if "views.publish" in e["message"]
                     and e["logger"].startswith("slack_sdk")]
    assert publish["team_id"] == "T1"
    assert len(publish["request_id"]) == 16
    # The refusal is logged under its own request id, with no workspace (it is unverified).
    (refusal,) = [e for e in entries if e["message"].startswith("refused POST")]
    assert refusal["request_id"] != publish["request_id"]
    assert "team_id" not in refusal
    assert BOT_TOKEN not in json_lines.raw
    assert "xoxb-" not in json_lines.raw


def test_revive_writes_json_lines_when_log_format_is_json(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "DEBUG",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'revive.db'}",
        "SLACK_BOT_TOKEN": TOKENS[0],
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "db", "upgrade"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    entries = [json.loads(line) for line in done.stderr.splitlines() if line]
    assert entries, "a DEBUG upgrade says what it migrates"
    assert all({"time", "level", "logger", "message"} <= set(e) for e in entries)
    assert any(e["logger"].startswith("alembic") for e in entries)


def test_log_format_is_text_or_json() -> None:
    from bot.settings import ConfigError, load_settings

    assert load_settings({}, require_slack=False).log_format == "text"
    assert load_settings({"LOG_FORMAT": "JSON"}, require_slack=False).log_format == "json"
    with pytest.raises(ConfigError, match="LOG_FORMAT must be one of text, json"):
        load_settings({"LOG_FORMAT": "xml"}, require_slack=False)
