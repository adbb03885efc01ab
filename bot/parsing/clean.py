"""The one cleaning of free text: control characters out, before the coach or the store.

PostgreSQL refuses a NUL byte in a text column ("Something went wrong" for the rep) and
SQLite stores it; other C0 controls and DEL render as garbage in Slack. Newline and tab
are what reps type in multi-line inputs, so they stay.
"""

from __future__ import annotations

import re
from typing import Any

# C0 except tab (0x09) and newline (0x0a), and DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_text(text: str) -> str:
    """`text` without control characters (one linear pass)."""
    return _CONTROL.sub("", text)


def clean_payload(value: Any) -> Any:
    """Every string inside a JSON-shaped value, cleaned (view state, button values)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {key: clean_payload(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clean_payload(item) for item in value]
    return value
