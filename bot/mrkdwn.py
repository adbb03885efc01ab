"""Slack text helpers: escaping user text and staying inside Slack's limits."""

from __future__ import annotations

SECTION_TEXT_MAX = 3000
BUTTON_TEXT_MAX = 75
PLAIN_TITLE_MAX = 24  # modal titles
HEADER_TEXT_MAX = 150
OPTION_TEXT_MAX = 75
CONTEXT_TEXT_MAX = 3000
MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100


def escape(text: str | None) -> str:
    """Escape user text for mrkdwn so `<!channel>` or `<@U1>` pings no one."""
    if not text:
        return ""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    """Cut to `limit` characters with an ellipsis; the one place text gets shortened."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def plain(text: str, limit: int = BUTTON_TEXT_MAX) -> dict[str, object]:
    return {"type": "plain_text", "text": truncate(text, limit), "emoji": True}


def md(text: str, limit: int = SECTION_TEXT_MAX) -> dict[str, object]:
    return {"type": "mrkdwn", "text": truncate(text, limit)}
