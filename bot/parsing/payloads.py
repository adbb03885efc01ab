"""Slack payloads → typed values: where listeners read what Slack sent, once.

Every free-text value passes through bot.parsing.clean.clean_text on the way in, so
nothing downstream (the coach, the store, a reply) sees a control character: slash
command text, view state and picked options here; button values and private metadata,
which carry our own JSON, in their decoders (bot.ids, quick_add.decode_pending) once
decoded, since JSON spells a NUL as an escape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot import ids
from bot.blocks.digest import shown_in
from bot.blocks.state import Values
from bot.errors import UserError
from bot.mrkdwn import unescape
from bot.parsing.clean import clean_payload, clean_text

COMMAND_TEXT_MAX = 4000  # Slack's own limit on a slash command's text

TOO_LONG = UserError(
    f"That is over {COMMAND_TEXT_MAX:,} characters, more than Slack sends for a command. "
    "Type `/revive add` alone to open the form, or `/revive help` for the short forms."
)


def command_text(command: Mapping[str, Any]) -> str:
    """A slash command's text as the rep typed it: cleaned, stripped, refused over Slack's limit.

    Slack sends `&`, `<` and `>` in command text as entities; turning them back here means
    "A&B" is stored as typed and escaped once, on the way out, like every other value.
    """
    raw = command.get("text") or ""
    if not isinstance(raw, str):
        return ""
    if len(raw) > COMMAND_TEXT_MAX:
        raise TOO_LONG
    return unescape(clean_text(raw)).strip()



def view_values(view: Mapping[str, Any]) -> Values:
    """A submitted view's state.values, every string in it cleaned."""
    values = (view.get("state") or {}).get("values") or {}
    cleaned = clean_payload(values)
    return cleaned if isinstance(cleaned, dict) else {}


def modal_meta(view: Mapping[str, Any]) -> ids.ModalMeta:
    """private_metadata (JSON of ours, cleaned by ids.decode_meta once decoded)."""
    raw = view.get("private_metadata")
    return ids.decode_meta(raw if isinstance(raw, str) else None)


def _first_action(body: Mapping[str, Any]) -> dict[str, Any]:
    actions = body.get("actions") or [{}]
    action = actions[0]
    return action if isinstance(action, dict) else {}


def raw_value(body: Mapping[str, Any]) -> str | None:
    """The clicked button's value, or the picked option's: JSON of ours, cleaned by its
    decoder (ids.decode_value, quick_add.decode_pending) once decoded."""
    action = _first_action(body)
    selected = action.get("selected_option") or {}
    value = selected.get("value") or action.get("value")
    return value if isinstance(value, str) else None


def clicked_value(body: Mapping[str, Any]) -> ids.ActionValue:
    """The ActionValue a button or option carries; a forged one is a stale-button refusal."""
    return ids.decode_value(raw_value(body))


def selected_option(body: Mapping[str, Any]) -> str | None:
    """The value of a picked radio or select option (cleaned)."""
    value = (_first_action(body).get("selected_option") or {}).get("value")
    return clean_text(value) if isinstance(value, str) else None


def message_location(body: Mapping[str, Any]) -> tuple[str, str] | None:
    """(channel, ts) of the message a click sits on; None for clicks in a view."""
    container = body.get("container") or {}
    if container.get("type") != "message":
        return None
    return container["channel_id"], container["message_ts"]


# --- where a digest is, so a click on it can redraw it ----------------------------------


@dataclass(frozen=True, slots=True)
class DigestRef:
    """A sent digest: its message, the prospects it lists, the count left to Home, its day."""

    channel: str
    ts: str
    shown: list[int]
    more: int
    on: date

    def encoded_shown(self) -> str:
        return ",".join(str(i) for i in self.shown) + f"+{self.more}"


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def digest_ref_from_click(body: Mapping[str, Any], value: ids.ActionValue) -> DigestRef | None:
    """The digest a button sits on (None for clicks anywhere else)."""
    where = message_location(body)
    on = _day(value.on)
    if where is None or on is None:
        return None
    shown, more = shown_in((body.get("message") or {}).get("blocks") or [])
    if not shown or value.prospect_id not in shown:
        return None
    return DigestRef(where[0], where[1], shown, more, on)


def digest_ref_from_meta(meta: ids.ModalMeta) -> DigestRef | None:
    """The digest a modal was opened from, as its private_metadata remembers it."""
    on = _day(meta.on)
    if not (meta.channel_id and meta.message_ts and meta.shown and on):
        return None
    listed, _, more = meta.shown.partition("+")
    try:
        shown = [int(i) for i in listed.split(",") if i]
        return DigestRef(meta.channel_id, meta.message_ts, shown, int(more or 0), on)
    except ValueError:
        return None
