"""Reading a submitted view's state: where modal input becomes typed values."""

from __future__ import annotations

from datetime import date
from typing import Any

Values = dict[str, dict[str, dict[str, Any]]]


def element_state(values: Values, block_id: str) -> dict[str, Any]:
    """Our inputs share their block_id and action_id; a missing block reads as empty."""
    return values.get(block_id, {}).get(block_id) or {}


def read_text(values: Values, block_id: str) -> str | None:
    value = element_state(values, block_id).get("value")
    return (value.strip() or None) if isinstance(value, str) else None


def read_date(values: Values, block_id: str) -> date | None:
    """A datepicker's date; a forged or malformed value reads as no date."""
    raw = element_state(values, block_id).get("selected_date")
    try:
        return date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None
