"""Why an imported prospect went dormant, from the words of a row. Pure.

The situation comes from a Situation column, or else is inferred from the lost reason, or
else from the status columns, with the words `/revive add` understands (price, budget → said
no; went with a competitor → chose a competitor; no response → went quiet …). A status that
says only that the deal is open or lost places nothing; a won deal is not dormant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from bot.domain import Situation
from bot.parsing.quick_add import situation_in as _situation_in

# Statuses that say where a deal is, not why it went dormant: they place nothing.
_PLACES_NOTHING = frozenset(
    {
        "lost", "closed lost", "closedlost", "deal lost", "open", "new", "open deal",
        "in progress", "closed", "deleted", "dormant", "other", "unknown", "none", "n a",
        "attempted to contact", "connected", "unqualified", "prospecting", "qualification",
        "needs analysis", "lead", "contacted",
    }
)  # fmt: skip
_NOT_DORMANT = {
    "won": "the deal is won",
    "closed won": "the deal is won",
    "closedwon": "the deal is won",
    "deal won": "the deal is won",
    "revived": "they are active again (revived)",
    "walked away": "you walked away from them on purpose",
}
_COMPETITOR_NAMED = re.compile(
    r"\b(?:went with|chose|lost to|signed with|bought from|switched to|moved to|picked)\s+"
    r"(?:a |an |the )?(?P<name>[^,;.()]+)",
    re.IGNORECASE,
)
_NOT_A_NAME = re.compile(r"\b(?:competitor|competition|another|other|someone|vendor)\b", re.I)


def plain(text: str) -> str:
    """Lower case, punctuation and underscores as spaces: 'Walked_Away' → 'walked away'."""
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


# A CRM export repeats the same few statuses and reasons thousands of times.
situation_in = lru_cache(maxsize=4096)(_situation_in)


@dataclass(frozen=True, slots=True)
class Placed:
    situation: Situation | None
    problem: str | None = None


def place(situation_text: str, lost_reason: str, statuses: Iterable[str]) -> Placed:
    """The situation a row describes, or why it can't be placed."""
    statuses = [s for s in statuses if s]
    for status in statuses:
        why = _NOT_DORMANT.get(plain(status))
        if why is not None:
            return Placed(None, f"Status '{status}': {why}; only dormant prospects are imported")
    if situation_text:
        situation = situation_in(situation_text)
        if situation is None:
            return Placed(None, f"Situation '{situation_text}' is not one Revive knows")
        return Placed(situation)
    for text in (lost_reason, *statuses):
        if text and plain(text) not in _PLACES_NOTHING:
            situation = situation_in(text)
            if situation is not None:
                return Placed(situation)
    seen = ", ".join(f"'{t}'" for t in (lost_reason, *statuses) if t)
    said = f" ({seen}: no situation Revive knows)" if seen else ""
    return Placed(None, f"Can't tell why they went dormant{said}: add a Situation column")


def competitor_named(reason: str) -> str | None:
    """'Went with Globex' → 'Globex'; None for 'went with a competitor'."""
    match = _COMPETITOR_NAMED.search(reason)
    if match is None:
        return None
    name = match["name"].strip(" -–:")
    return None if not name or _NOT_A_NAME.search(name) else name


def feature_named(reason: str) -> str | None:
    """'Missing feature: SSO' → 'SSO'."""
    _, colon, rest = reason.partition(":")
    return rest.strip() or None if colon else None
