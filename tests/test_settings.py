"""Configuration: validated at start, explained in words, tokens never printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import ConfigError, load_settings, read_environment, redact_url

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
