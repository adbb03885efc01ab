"""Runtime configuration: environment variables, optionally from a `.env` file.

Validated once at start; a missing or malformed value stops the program with
one clear paragraph rather than a traceback deep inside Slack or the database.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass

from dotenv import dotenv_values

DEFAULT_DATABASE_URL = "sqlite:///revive.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
# Bolt runs listeners *and* the Slack calls they make after acking on this pool; its
# default of 5 makes a click wait behind five slow views.open calls (docs/benchmarks.md).
DEFAULT_LISTENER_THREADS = 32
MAX_LISTENER_THREADS = 256
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

HOW_TO_GET_TOKENS = (
    "To get them: at https://api.slack.com/apps choose 'Create New App' → 'From an app "
    "manifest', paste manifest.yml from this repository, install the app to your workspace, "
    "then copy the Bot User OAuth Token (xoxb-…) from 'OAuth & Permissions', the Signing "
    "Secret from 'Basic Information', and for Socket Mode an app-level token (xapp-…) with "
    "the connections:write scope from 'Basic Information → App-Level Tokens'. Put them in "
    "the environment or in a .env file next to manifest.yml (see .env.example)."
)


class ConfigError(Exception):
    """Configuration that cannot work; the message is meant for the person starting the bot."""


@dataclass(frozen=True, slots=True)
class Settings:
    slack_bot_token: str
    slack_signing_secret: str
    slack_app_token: str | None = None
    database_url: str = DEFAULT_DATABASE_URL
    slack_api_url: str = DEFAULT_SLACK_API_URL
    port: int = 3000
    log_level: str = "INFO"
    scheduler_enabled: bool = True
    listener_threads: int = DEFAULT_LISTENER_THREADS

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    def __repr__(self) -> str:
        # Tokens never reach a log line, not even through a repr.
        return (
            f"Settings(database_url={redact_url(self.database_url)!r}, "
            f"slack_api_url={self.slack_api_url!r}, port={self.port}, "
            f"socket_mode={self.socket_mode}, scheduler_enabled={self.scheduler_enabled})"
        )


def redact_url(url: str) -> str:
    """Hide a password in a database URL (postgresql+psycopg://user:secret@host/db)."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    creds, _, host = rest.rpartition("@")
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in creds else url


def read_environment(env_file: str | None = ".env") -> dict[str, str]:
    """The process environment over the optional .env file (the environment wins)."""
    values: dict[str, str] = {}
    if env_file and os.path.exists(env_file):
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ)
    return values


def load_settings(env: Mapping[str, str] | None = None, *, require_slack: bool = True) -> Settings:
    """Build and validate Settings; raises ConfigError with a message for a human."""
    env = read_environment() if env is None else env

    def get(name: str) -> str | None:
        value = env.get(name, "").strip()
        return value or None

    bot_token = get("SLACK_BOT_TOKEN")
    secret = get("SLACK_SIGNING_SECRET")
    app_token = get("SLACK_APP_TOKEN")
    problems: list[str] = []

    if require_slack:
        missing = [
            name
            for name, value in (("SLACK_BOT_TOKEN", bot_token), ("SLACK_SIGNING_SECRET", secret))
            if value is None
        ]
        if missing:
            raise ConfigError(
                f"Revive cannot start: {' and '.join(missing)} "
                f"{'is' if len(missing) == 1 else 'are'} not set. {HOW_TO_GET_TOKENS}"
            )
        if bot_token and not bot_token.startswith("xoxb-"):
            problems.append("SLACK_BOT_TOKEN must be a bot token starting with xoxb-")
        if app_token and not app_token.startswith("xapp-"):
            problems.append("SLACK_APP_TOKEN must be an app-level token starting with xapp-")

    port_text = get("PORT") or "3000"
    port = int(port_text) if port_text.isdigit() else -1
    if not 0 < port < 65536:
        problems.append(f"PORT must be a number from 1 to 65535 (got {port_text!r})")

    log_level = (get("LOG_LEVEL") or "INFO").upper()
    if log_level not in LOG_LEVELS:
        problems.append(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)} (got {log_level!r})")

    api_url = get("SLACK_API_URL") or DEFAULT_SLACK_API_URL
    if not api_url.startswith(("http://", "https://")):
        problems.append(f"SLACK_API_URL must be an http(s) URL (got {api_url!r})")
    api_url = api_url if api_url.endswith("/") else api_url + "/"

    database_url = get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not database_url.startswith(("sqlite", "postgresql")):
        problems.append(
            "DATABASE_URL must be sqlite:///path.db or postgresql+psycopg://user@host/db "
            f"(got {redact_url(database_url)!r})"
        )

    threads_text = get("LISTENER_THREADS") or str(DEFAULT_LISTENER_THREADS)
    threads = int(threads_text) if threads_text.isdigit() else -1
    if not 1 <= threads <= MAX_LISTENER_THREADS:
        problems.append(
            f"LISTENER_THREADS must be a number from 1 to {MAX_LISTENER_THREADS} "
            f"(got {threads_text!r})"
        )

    scheduler = (get("REVIVE_SCHEDULER") or "on").lower()
    if scheduler not in ("on", "off"):
        problems.append(f"REVIVE_SCHEDULER must be 'on' or 'off' (got {scheduler!r})")

    if problems:
        raise ConfigError("Revive cannot start: " + "; ".join(problems) + ".")

    return Settings(
        slack_bot_token=bot_token or "",
        slack_signing_secret=secret or "",
        slack_app_token=app_token,
        database_url=database_url,
        slack_api_url=api_url,
        port=port,
        log_level=log_level,
        scheduler_enabled=scheduler == "on",
        listener_threads=threads,
    )


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
