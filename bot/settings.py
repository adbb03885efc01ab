"""Runtime configuration: environment variables, optionally from a `.env` file.

Validated once at start; a missing or malformed value stops the program with
one clear line rather than a traceback deep inside Slack or the database.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from dotenv import dotenv_values

from bot.install.config import SOCKET_MODE_CLASH, OAuthConfig, read_oauth_mode

DEFAULT_DATABASE_URL = "sqlite:///revive.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DATABASE_URL_EXAMPLES = "sqlite:///path.db or postgresql+psycopg://user@host:5432/db"
DEFAULT_PORT = 3000
PORT_RANGE = (1, 65535)
# `revive serve --workers N` / WORKERS: HTTP processes under gunicorn (PostgreSQL only).
WORKERS_RANGE = (1, 64)
SLACK_CREDENTIALS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN")
SERVE_CREDENTIALS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
# Bolt runs listeners *and* the Slack calls they make after acking on this pool; its
# default of 5 makes a click wait behind five slow views.open calls (docs/benchmarks.md).
DEFAULT_LISTENER_THREADS = 32
MAX_LISTENER_THREADS = 256
# Slack's largest requests (a modal's state) are tens of KB; anything near this is not Slack.
DEFAULT_MAX_BODY_BYTES = 1_048_576
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("text", "json")

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
    # SLACK_CLIENT_ID/SECRET set: OAuth distribution, a token per workspace (bot/install).
    oauth: OAuthConfig | None = None
    database_url: str = DEFAULT_DATABASE_URL
    slack_api_url: str = DEFAULT_SLACK_API_URL
    port: int = 3000
    log_level: str = "INFO"
    scheduler_enabled: bool = True
    listener_threads: int = DEFAULT_LISTENER_THREADS
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    workers: int = 1
    metrics: bool = False  # METRICS=on: GET /metrics (docs/deploy.md "What to watch")
    metrics_port: int | None = None  # a separate /metrics listener (Socket Mode, scheduler)
    log_format: str = "text"  # LOG_FORMAT=json: one JSON object per line
    metrics_dir: str | None = None  # PROMETHEUS_MULTIPROC_DIR: metrics shared by processes

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    def __repr__(self) -> str:
        # Tokens never reach a log line, not even through a repr.
        return (
            f"Settings(database_url={redact_url(self.database_url)!r}, "
            f"slack_api_url={self.slack_api_url!r}, port={self.port}, "
            f"socket_mode={self.socket_mode}, oauth={self.oauth is not None}, "
            f"scheduler_enabled={self.scheduler_enabled})"
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


def load_settings(
    env: Mapping[str, str] | None = None, *, require_slack: bool | Collection[str] = True
) -> Settings:
    """Build and validate Settings; raises ConfigError with a message for a human.

    `require_slack`: True needs what serving needs (bot token and signing secret), False
    nothing, or the names of the credentials a command needs (`users refresh`: the bot token).
    """
    env = read_environment() if env is None else env
    get = _getter(env)
    problems: list[str] = []
    required = SERVE_CREDENTIALS if require_slack is True else tuple(require_slack or ())
    oauth, required = read_oauth_mode(get, required, problems)
    bot_token, secret, app_token = _slack_credentials(get, required, problems)
    if oauth is not None and app_token is not None:
        problems.append(SOCKET_MODE_CLASH)
    settings = Settings(
        slack_bot_token=bot_token or "",
        slack_signing_secret=secret or "",
        slack_app_token=app_token,
        oauth=oauth,
        database_url=_database_url(get, problems),
        slack_api_url=_slack_api_url(get, problems),
        port=_bounded_int(get, problems, "PORT", DEFAULT_PORT, *PORT_RANGE),
        log_level=_log_level(get, problems),
        scheduler_enabled=_scheduler_enabled(get, problems),
        listener_threads=_bounded_int(
            get, problems, "LISTENER_THREADS", DEFAULT_LISTENER_THREADS, 1, MAX_LISTENER_THREADS
        ),
        max_body_bytes=_bounded_int(
            get, problems, "MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES, 1024, 64 * 1_048_576
        ),
        workers=_bounded_int(get, problems, "WORKERS", 1, *WORKERS_RANGE),
        metrics=_on_off(get, problems, "METRICS", default=False),
        metrics_port=_metrics_port(get, problems),
        log_format=_choice(get, problems, "LOG_FORMAT", LOG_FORMATS),
        metrics_dir=_metrics_dir(get, problems),
    )
    if problems:
        raise ConfigError("Revive cannot start: " + "; ".join(problems) + ".")
    return settings


Getter = Callable[[str], str | None]


def _getter(env: Mapping[str, str]) -> Getter:
    def get(name: str) -> str | None:
        value = env.get(name, "").strip()
        return value or None

    return get


def is_placeholder(value: str) -> bool:
    """True for the stand-ins .env.example ships with (xoxb-your-bot-token, …): a copied but
    unedited .env must read as "not configured", not reach Slack as a token."""
    body = value.removeprefix("xoxb-").removeprefix("xapp-")
    return body.startswith("your-") or (value.startswith("<") and value.endswith(">"))


def _slack_credentials(
    get: Getter, required: Sequence[str], problems: list[str]
) -> tuple[str | None, str | None, str | None]:
    """Bot token, signing secret, app token; missing required ones stop at once."""
    values = {name: get(name) for name in SLACK_CREDENTIALS}
    examples = [name for name, value in values.items() if value and is_placeholder(value)]
    for name in examples:
        values[name] = None
    unset = [name for name in required if values[name] is None and name not in examples]
    # An example app token left in .env would silently mean HTTP mode: say so when serving.
    serving = set(SERVE_CREDENTIALS) <= set(required)
    named = [n for n in examples if n in required or (n == "SLACK_APP_TOKEN" and serving)]
    if unset or named:
        raise _credentials_error(unset, named)
    bot_token, app_token = values["SLACK_BOT_TOKEN"], values["SLACK_APP_TOKEN"]
    if required and bot_token and not bot_token.startswith("xoxb-"):
        problems.append("SLACK_BOT_TOKEN must be a bot token starting with xoxb-")
    if required and app_token and not app_token.startswith("xapp-"):
        problems.append("SLACK_APP_TOKEN must be an app-level token starting with xapp-")
    return bot_token, values["SLACK_SIGNING_SECRET"], app_token


def _credentials_error(unset: Sequence[str], examples: Sequence[str]) -> ConfigError:
    parts = []
    if unset:
        parts.append(f"{_and(unset)} {'is' if len(unset) == 1 else 'are'} not set")
    if examples:
        holds = "still holds" if len(examples) == 1 else "still hold"
        parts.append(f"{_and(examples)} {holds} the example value from .env.example")
    hint = ""
    if "SLACK_APP_TOKEN" in examples:
        hint = " (or leave SLACK_APP_TOKEN empty for HTTP mode)"
    return ConfigError(f"Revive cannot start: {'; '.join(parts)}{hint}. {HOW_TO_GET_TOKENS}")


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def bounded_int(text: str, low: int, high: int) -> int | None:
    """The whole number in `text` when it lies in low..high; None otherwise."""
    # isascii: str.isdigit() accepts '²', which int() refuses.
    value = int(text) if text.isascii() and text.isdigit() else None
    return value if value is not None and low <= value <= high else None


def _bounded_int(
    get: Getter, problems: list[str], name: str, default: int, low: int, high: int
) -> int:
    text = get(name) or str(default)
    value = bounded_int(text, low, high)
    if value is None:
        problems.append(f"{name} must be a number from {low} to {high} (got {text!r})")
        return default
    return value


def _log_level(get: Getter, problems: list[str]) -> str:
    level = (get("LOG_LEVEL") or "INFO").upper()
    if level not in LOG_LEVELS:
        problems.append(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)} (got {level!r})")
    return level


def _slack_api_url(get: Getter, problems: list[str]) -> str:
    url = get("SLACK_API_URL") or DEFAULT_SLACK_API_URL
    if not url.startswith(("http://", "https://")):
        problems.append(f"SLACK_API_URL must be an http(s) URL (got {url!r})")
    return url if url.endswith("/") else url + "/"


def _database_url(get: Getter, problems: list[str]) -> str:
    url = get("DATABASE_URL") or DEFAULT_DATABASE_URL
    problem = database_url_problem(url)
    if problem:
        problems.append(problem)
    return url


def database_url_problem(url: str) -> str | None:
    """Why SQLAlchemy could not use `url`, found at start rather than at the first query:
    unparseable, an unsupported database, an unknown or uninstalled driver."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    shown = redact_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        return f"DATABASE_URL is not a URL like {DATABASE_URL_EXAMPLES} (got {shown!r})"
    except ValueError:  # SQLAlchemy int()s the port
        return f"DATABASE_URL has a port that is not a number (got {shown!r})"
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        return f"DATABASE_URL must be {DATABASE_URL_EXAMPLES} (got {shown!r})"
    try:
        parsed.get_dialect().import_dbapi()
    except NoSuchModuleError:
        return (
            f"DATABASE_URL names a driver SQLAlchemy does not know, {parsed.drivername!r}; "
            f"use {DATABASE_URL_EXAMPLES}"
        )
    except ImportError as error:
        return (
            f"DATABASE_URL needs the Python module {error.name or parsed.drivername!r}, which "
            "is not installed; for PostgreSQL use postgresql+psycopg://… and install its driver "
            "with `.venv/bin/pip install -e '.[postgres]'`"
        )
    return None


def _on_off(get: Getter, problems: list[str], name: str, *, default: bool) -> bool:
    value = (get(name) or ("on" if default else "off")).lower()
    if value not in ("on", "off"):
        problems.append(f"{name} must be 'on' or 'off' (got {value!r})")
    return value == "on"


def _choice(get: Getter, problems: list[str], name: str, choices: Sequence[str]) -> str:
    value = (get(name) or choices[0]).lower()
    if value not in choices:
        problems.append(f"{name} must be one of {', '.join(choices)} (got {value!r})")
    return value


def _metrics_port(get: Getter, problems: list[str]) -> int | None:
    if get("METRICS_PORT") is None:
        return None
    return _bounded_int(get, problems, "METRICS_PORT", DEFAULT_PORT, *PORT_RANGE)


def _metrics_dir(get: Getter, problems: list[str]) -> str | None:
    path = get("PROMETHEUS_MULTIPROC_DIR")
    if path is not None and not (os.path.isdir(path) and os.access(path, os.W_OK)):
        problems.append(f"PROMETHEUS_MULTIPROC_DIR must be a writable directory (got {path!r})")
    return path


def _scheduler_enabled(get: Getter, problems: list[str]) -> bool:
    scheduler = (get("REVIVE_SCHEDULER") or "on").lower()
    if scheduler not in ("on", "off"):
        problems.append(f"REVIVE_SCHEDULER must be 'on' or 'off' (got {scheduler!r})")
    return scheduler != "off"


# Libraries that narrate their own machinery on every command or tick; all of it comes back
# with LOG_LEVEL=DEBUG. Alembic ("Context impl SQLiteImpl.") and APScheduler ("Job …
# executed successfully") keep their warnings. slack_sdk's Web API client logs every failed
# attempt at ERROR, even one its retry then fixes, and raises the final failure to the
# caller, which reports it once: a stopped network would otherwise print it thrice.
QUIET_LOGGERS = {
    "alembic": logging.WARNING,
    "apscheduler": logging.WARNING,
    "slack_sdk.web.base_client": logging.CRITICAL,
}


def configure_logging(level: str, log_format: str = "text") -> None:
    from bot.observability.logs import install

    logging.basicConfig(
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for handler in logging.getLogger().handlers:
        install(handler, log_format)  # tokens masked; LOG_FORMAT=json: one object a line
    for name, quiet in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(logging.DEBUG if level == "DEBUG" else quiet)
    logging.getLogger("slack_bolt").addFilter(_drop_token_unused_warning)


def _drop_token_unused_warning(record: logging.LogRecord) -> bool:
    """Bolt reads SLACK_BOT_TOKEN from the environment itself, then warns "`token` will be
    unused" because build_app hands it a client (which carries that same token): noise."""
    from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped

    return record.getMessage() != warning_client_prioritized_and_token_skipped()
