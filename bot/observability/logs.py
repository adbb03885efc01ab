"""Log output: tokens masked everywhere, and LOG_FORMAT=json's one object per line.

Tokens are masked by a filter on the handlers (not on loggers: a logger's filter misses its
children's records), on the message after %-formatting, on its traceback and stack text:
a token can reach a record through an argument, an exception's text or a repr.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

from bot.observability.context import request_id, team_id

# Slack tokens: bot (xoxb-), user (xoxp-), app-level (xapp-), legacy (xoxa-, xoxr-),
# refresh (xoxe-) and rotating ones (xoxe.xoxb-…).
TOKEN_PATTERN = re.compile(r"(?:xoxe\.)?(xox[abeoprs]|xapp)-[A-Za-z0-9-]+")


def redact(text: str) -> str:
    """`text` with every Slack token replaced by a mark naming its kind only."""
    return TOKEN_PATTERN.sub(lambda found: f"[redacted {found.group(1)} token]", text)


class RedactTokens(logging.Filter):
    """Masks Slack tokens in a record before any formatter sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            # A broken %-format: logging reports it when formatting; mask what we can.
            message = f"{record.msg} {record.args}"
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request and team ids."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, str] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid, team = request_id.get(), team_id.get()
        if rid:
            entry["request_id"] = rid
        if team:
            entry["team_id"] = team
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        # Masked again on the way out: whatever reached this record, no token leaves.
        return redact(json.dumps(entry, ensure_ascii=False))


def install(handler: logging.Handler, log_format: str) -> None:
    """Give `handler` Revive's format and the token filter."""
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    if not any(isinstance(f, RedactTokens) for f in handler.filters):
        handler.addFilter(RedactTokens())
