"""Configuration: validated at start, explained in words, tokens never printed."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from dotenv import dotenv_values

from bot.settings import (
    QUIET_LOGGERS,
    SLACK_CREDENTIALS,
    ConfigError,
    bounded_int,
    configure_logging,
    database_url_problem,
    is_placeholder,
    load_settings,
    read_environment,
    redact_url,
)

GOOD = {"SLACK_BOT_TOKEN": "xoxb-1-abc", "SLACK_SIGNING_SECRET": "s3cret"}


def test_missing_tokens_name_the_variables_and_how_to_get_them() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({})
    message = str(caught.value)
    assert "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are not set" in message
    assert "manifest.yml" in message and "install" in message


def test_one_missing_token_is_named_alone() -> None:
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET is not set"):
        load_settings({"SLACK_BOT_TOKEN": "xoxb-1"})


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("PORT", "eighty", "PORT must be a number"),
        ("PORT", "70000", "PORT must be a number"),
        ("LOG_LEVEL", "loud", "LOG_LEVEL must be one of"),
        ("SLACK_API_URL", "ftp://x", "SLACK_API_URL must be an http"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL must be"),
        ("REVIVE_SCHEDULER", "maybe", "REVIVE_SCHEDULER must be"),
        ("LISTENER_THREADS", "0", "LISTENER_THREADS must be a number from 1 to 256"),
        ("LISTENER_THREADS", "lots", "LISTENER_THREADS must be a number"),
        ("SLACK_BOT_TOKEN", "xoxp-user-token", "must be a bot token"),
        ("SLACK_APP_TOKEN", "xoxb-wrong", "must be an app-level token"),
    ],
)
def test_malformed_values_are_refused_with_the_variable_named(
    name: str, value: str, expected: str
) -> None:
    with pytest.raises(ConfigError, match=expected):
        load_settings({**GOOD, name: value})


def test_defaults_match_the_runtime_contract() -> None:
    settings = load_settings(GOOD)
    assert settings.database_url == "sqlite:///revive.db"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.port == 3000
    assert settings.scheduler_enabled is True
    assert settings.socket_mode is False
    assert settings.listener_threads == 32
    assert load_settings({**GOOD, "LISTENER_THREADS": "8"}).listener_threads == 8


def test_api_url_gets_a_trailing_slash_and_app_token_means_socket_mode() -> None:
    settings = load_settings(
        {**GOOD, "SLACK_API_URL": "http://127.0.0.1:9/api", "SLACK_APP_TOKEN": "xapp-1"}
    )
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"
    assert settings.socket_mode is True


def test_repr_keeps_tokens_and_passwords_out_of_logs() -> None:
    settings = load_settings(
        {**GOOD, "DATABASE_URL": "postgresql+psycopg://revive:hunter2@db/revive"}
    )
    shown = repr(settings)
    assert "xoxb" not in shown and "s3cret" not in shown and "hunter2" not in shown
    assert redact_url("postgresql+psycopg://u:p@h/d") == "postgresql+psycopg://u:***@h/d"
    assert redact_url("sqlite:///revive.db") == "sqlite:///revive.db"


def test_dotenv_file_is_read_and_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("SLACK_BOT_TOKEN=xoxb-from-file\nPORT=4000\n")
    monkeypatch.setenv("PORT", "5000")
    values = read_environment(str(env_file))
    assert values["SLACK_BOT_TOKEN"] == "xoxb-from-file"
    assert values["PORT"] == "5000"


REPO = Path(__file__).parents[1]


def test_every_slack_value_of_env_example_is_a_placeholder() -> None:
    example = dotenv_values(REPO / ".env.example")
    slack = {name: value for name, value in example.items() if name.startswith("SLACK_")}
    assert set(slack) == set(SLACK_CREDENTIALS)
    assert all(value and is_placeholder(value) for value in slack.values()), slack
    assert not is_placeholder("xoxb-1-abc") and not is_placeholder("s3cret")


def test_placeholders_count_as_missing_and_are_named() -> None:
    example = {k: v for k, v in dotenv_values(REPO / ".env.example").items() if v is not None}
    with pytest.raises(ConfigError) as caught:
        load_settings(example)
    assert (
        "SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and SLACK_APP_TOKEN still hold the example "
        "value from .env.example"
    ) in str(caught.value)
    with pytest.raises(ConfigError, match=r"SLACK_APP_TOKEN still holds .* for HTTP mode"):
        load_settings({**example, **GOOD})
    # Commands that need no Slack credentials run with an unedited copy; no token leaks in.
    settings = load_settings(example, require_slack=False)
    assert (settings.slack_bot_token, settings.slack_app_token) == ("", None)


def test_a_command_can_require_only_the_bot_token() -> None:
    with pytest.raises(ConfigError, match=r"SLACK_BOT_TOKEN is not set\."):
        load_settings({"SLACK_SIGNING_SECRET": "x"}, require_slack=["SLACK_BOT_TOKEN"])
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-1"}, require_slack=["SLACK_BOT_TOKEN"])
    assert settings.slack_bot_token == "xoxb-1" and settings.slack_signing_secret == ""


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///revive.db", None),
        ("sqlite://", None),
        ("postgresql+psycopg://u:pw@db.internal:5432/revive", None),
        ("postgresql+psycopg://u:pw@h:notaport/db", "port that is not a number"),
        ("sqlite:", "is not a URL like"),
        ("revive.db", "is not a URL like"),
        ("foo://x", "must be sqlite:///path.db"),
        ("mysql+pymysql://u@h/db", "must be sqlite:///path.db"),
        ("sqlite+nosuch:///x.db", "driver SQLAlchemy does not know, 'sqlite+nosuch'"),
        ("postgresql+asyncpg://u@h/db", "needs the Python module"),
    ],
)
def test_database_urls_are_checked_before_any_connection(url: str, expected: str | None) -> None:
    problem = database_url_problem(url)
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and expected in problem
        assert "pw" not in problem


def test_bounded_int_takes_plain_whole_numbers_only() -> None:
    assert bounded_int("3000", 1, 65535) == 3000
    for text in ("0", "65536", "-1", "+80", " 80", "80.0", "²", "", "0x50"):
        assert bounded_int(text, 1, 65535) is None, text


def test_logging_keeps_libraries_quiet_unless_debugging(
    caplog: pytest.LogCaptureFixture,
) -> None:
    names = (*QUIET_LOGGERS, "slack_bolt")
    saved = {name: logging.getLogger(name).level for name in names}
    try:
        configure_logging("INFO")
        assert not logging.getLogger("alembic.runtime.migration").isEnabledFor(logging.INFO)
        assert not logging.getLogger("apscheduler.scheduler").isEnabledFor(logging.INFO)
        assert logging.getLogger("apscheduler.scheduler").isEnabledFor(logging.WARNING)
        assert not logging.getLogger("slack_sdk.web.base_client").isEnabledFor(logging.ERROR)
        configure_logging("DEBUG")
        assert logging.getLogger("alembic.runtime.migration").isEnabledFor(logging.DEBUG)
        assert logging.getLogger("slack_sdk.web.base_client").isEnabledFor(logging.DEBUG)
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)
