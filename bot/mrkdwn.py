"""Slack text helpers: escaping user text and staying inside Slack's limits."""

from __future__ import annotations

import html

SECTION_TEXT_MAX = 3000
BUTTON_TEXT_MAX = 75
PLAIN_TITLE_MAX = 24  # modal titles
HEADER_TEXT_MAX = 150
OPTION_TEXT_MAX = 75
CONTEXT_TEXT_MAX = 3000
MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100


def escape(text: str | None) -> str:
    """Escape user text for Slack so `<!channel>` or `<@U1>` pings no one.

    The one escaping function: every value a rep or a Slack profile typed goes through it
    on its way into any text Revive sends (blocks, `text` fallbacks, ephemerals, modals,
    Home, DMs). Slack reads `&amp;`, `&lt;` and `&gt;` back as the characters, in mrkdwn
    and plain_text alike."""
    if not text:
        return ""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_html(text: str) -> str:
    """Escape text for the few HTML pages Revive serves (the OAuth result pages): kept here
    so every escaping rule of the app lives in one module."""
    return html.escape(text, quote=True)


def unescape(text: str) -> str:
    """Slack's escaping undone, for text Slack sends us (slash command text arrives escaped).

    `&amp;` goes last, so a rep who typed `&lt;` literally gets `&lt;` back."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


_ENTITIES = ("&amp;", "&lt;", "&gt;")


def truncate(text: str, limit: int) -> str:
    """Cut to `limit` characters with an ellipsis; the one place text gets shortened.

    Never inside an escaped entity: a cut `&lt;` would show as a stray "&l"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&", max(0, len(cut) - len("&amp;") + 1))
    if amp >= 0 and any(e.startswith(cut[amp:]) and e != cut[amp:] for e in _ENTITIES):
        cut = cut[:amp]
    return cut.rstrip() + "…"


def plain(text: str, limit: int = BUTTON_TEXT_MAX) -> dict[str, object]:
    return {"type": "plain_text", "text": truncate(text, limit), "emoji": True}


def md(text: str, limit: int = SECTION_TEXT_MAX) -> dict[str, object]:
    return {"type": "mrkdwn", "text": truncate(text, limit)}
