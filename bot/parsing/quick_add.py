"""The quick syntax of `/revive add`: `Dana Reyes, Acme Corp, went quiet, proposal: 2026-11-02`.

Comma-separated pieces: the name and the company first, a situation in the rep's
own words, then optional `key: value` fields with forgiving key names. A bare
email address or phone number is recognised without its key. Whatever is not
understood is returned in `unknown`, so the caller can open the form instead of
guessing. Pure: `today` (the rep's local date) is a parameter.

Bounded and linear: at most QUICK_TEXT_MAX characters and PARTS_MAX pieces (anything
more is refused, nothing written), and the situation phrases are normalised once, at
import. read_quick_add does the reading before any database work; QuickText.resolve
then places the typed dates on the rep's calendar.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any

from bot import coach, ids
from bot.domain import Situation
from bot.errors import UserError
from bot.parsing.clean import clean_payload
from bot.parsing.dates import parse_date
from bot.usecases.adding import NewProspect

DATE_FIELDS = frozenset(
    {"contract_end", "decision_date", "proposal_sent_on", "proposal_expires_on"}
)

# Every spelling a rep might use for a key → the NewProspect field (or name/company/situation).
KEYS: dict[str, str] = {
    "name": "name",
    "contact": "name",
    "person": "name",
    "who": "name",
    "company": "company",
    "account": "company",
    "org": "company",
    "organisation": "company",
    "organization": "company",
    "situation": "situation",
    "status": "situation",
    "why": "situation",
    "competitor": "competitor",
    "vendor": "competitor",
    "provider": "competitor",
    "current provider": "competitor",
    "current vendor": "competitor",
    "went with": "competitor",
    "chose": "competitor",
    "feature": "missing_feature",
    "missing feature": "missing_feature",
    "needs": "missing_feature",
    "needed": "missing_feature",
    "contract end": "contract_end",
    "contract ends": "contract_end",
    "contract": "contract_end",
    "renewal": "contract_end",
    "renews": "contract_end",
    "renewal date": "contract_end",
    "decided on": "decision_date",
    "decided": "decision_date",
    "decision": "decision_date",
    "decision date": "decision_date",
    "proposal": "proposal_sent_on",
    "proposal sent": "proposal_sent_on",
    "sent proposal": "proposal_sent_on",
    "quote": "proposal_sent_on",
    "quote sent": "proposal_sent_on",
    "proposal expires": "proposal_expires_on",
    "proposal expiry": "proposal_expires_on",
    "expires": "proposal_expires_on",
    "expiry": "proposal_expires_on",
    "quote expires": "proposal_expires_on",
    "referrer": "referrer",
    "referred by": "referrer",
    "referral": "referrer",
    "ref": "referrer",
    "email": "email",
    "e mail": "email",
    "mail": "email",
    "phone": "phone",
    "tel": "phone",
    "mobile": "phone",
    "cell": "phone",
    "note": "note",
    "notes": "note",
    "reason": "stated_reason",
    "stated reason": "stated_reason",
    "they said": "stated_reason",
}

_KEY_VALUE = re.compile(r"^\s*([A-Za-z][A-Za-z _\-]{0,30}?)\s*[:=]\s*(.*)$", re.DOTALL)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[\d\s().\-]{7,}$")
_YEAR_ONLY = re.compile(r"^\s*\d{4}\s*$")

QUICK_TEXT_MAX = 4000  # Slack's limit on a slash command's text
PARTS_MAX = 20  # name, company, situation and every key leave room to spare
# Whether a typed date reads at all does not depend on the day it is read on; the
# rep's today only places it (read_quick_add runs before the rep is looked up).
_ANY_DAY = date(2000, 1, 1)


def _plain(text: str) -> str:
    """Lower case, apostrophes dropped, other punctuation a space, spaces collapsed."""
    return " ".join(re.sub(r"[^\w]+", " ", re.sub(r"['’`]", "", text.casefold())).split())


def _situation_phrases() -> tuple[tuple[str, Situation], ...]:
    """Every phrase that names a situation, normalised once (padded for whole-word search).

    The same phrases and the same rule as coach.situation_from_text, which normalises
    all of them on each call: ~120 regex passes per comma-separated part."""
    return tuple(
        (f" {needle} ", situation)
        for situation, info in coach.SITUATIONS.items()
        for needle in (_plain(p) for p in (*info.keywords, situation.value, info.label))
        if needle
    )


_PHRASES = _situation_phrases()
_EXACT = frozenset(padded.strip() for padded, _ in _PHRASES)


def situation_in(text: str) -> Situation | None:
    """The situation a rep's words point at: the longest phrase found wins (so "no reply"
    beats "no"); on a tie, the phrase that appears first."""
    words = f" {_plain(text)} "
    best: tuple[int, int, Situation] | None = None
    for padded, situation in _PHRASES:
        position = words.find(padded)
        if position < 0:
            continue
        if best is None or (-len(padded), position) < best[:2]:
            best = (-len(padded), position, situation)
    return best[2] if best else None


@dataclass(frozen=True, slots=True)
class QuickAdd:
    new: NewProspect
    unknown: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class QuickText:
    """The quick syntax read at the boundary: every field but the dates, kept as typed
    (with their piece) until the rep's local date places them."""

    values: dict[str, Any]
    dates: dict[str, tuple[str, str]]  # field → (date text, the piece it came from)
    unknown: tuple[str, ...]

    def resolve(self, today: date) -> QuickAdd:
        values = dict(self.values)
        unknown = list(self.unknown)
        for name, (text, piece) in self.dates.items():
            parsed = parse_date(text, today)
            if parsed is None:
                unknown.append(piece)
            else:
                values[name] = parsed
        new = NewProspect(
            name=values.pop("name", ""),
            company=values.pop("company", ""),
            situation=values.pop("situation", None),
        )
        return QuickAdd(new=replace(new, **values), unknown=unknown)


def read_quick_add(text: str) -> QuickText:
    """Split and read the quick text in one linear pass; refused when over the limits."""
    if len(text) > QUICK_TEXT_MAX:
        raise UserError(
            f"That is over {QUICK_TEXT_MAX:,} characters, more than one line can hold. "
            "Type `/revive add` alone to open the form."
        )
    pieces = _pieces(text)
    if len(pieces) > PARTS_MAX:
        raise UserError(
            f"That is {len(pieces)} comma-separated parts; one line takes at most {PARTS_MAX}. "
            "Type `/revive add` alone to open the form, or leave out the extra parts."
        )
    values: dict[str, Any] = {}
    dates: dict[str, tuple[str, str]] = {}
    unknown: list[str] = []
    positional: list[str] = []
    for piece in pieces:
        key_value = _KEY_VALUE.match(piece)
        key = _key(key_value.group(1)) if key_value else None
        if key_value and key is not None:
            value = key_value.group(2).strip()
            if key in DATE_FIELDS and value and parse_date(value, _ANY_DAY) is not None:
                dates[key] = (value, piece)
            else:
                _set_field(values, unknown, key, value, piece)
        elif key_value:  # "budget: 50k" is a field we don't have, not a situation
            unknown.append(piece)
        elif _EMAIL.match(piece) and "email" not in values:
            values["email"] = piece
        elif _is_phone(piece) and "phone" not in values:
            values["phone"] = piece
        else:
            positional.append(piece)
    _assign_positional(values, unknown, positional)
    return QuickText(values=values, dates=dates, unknown=tuple(unknown))


def parse_quick_add(text: str, today: date) -> QuickAdd:
    return read_quick_add(text).resolve(today)


def _is_phone(piece: str) -> bool:
    # A bare date (2026-11-02) also looks like digits and dashes.
    digits = sum(c.isdigit() for c in piece)
    return bool(_PHONE.match(piece)) and digits >= 7 and parse_date(piece, date.min) is None


def _pieces(text: str) -> list[str]:
    """Comma-separated pieces; a lone year after a comma rejoins its date ("Mar 3, 2027")."""
    pieces: list[str] = []
    for raw in text.split(","):
        if pieces and _YEAR_ONLY.match(raw):
            pieces[-1] = f"{pieces[-1]}, {raw.strip()}"
        elif raw.strip():
            pieces.append(" ".join(raw.split()))
    return pieces


def _key(text: str) -> str | None:
    return KEYS.get(" ".join(re.sub(r"[_\-]", " ", text.casefold()).split()))


def _set_field(
    values: dict[str, Any], unknown: list[str], key: str, value: str, piece: str
) -> None:
    if not value or key in DATE_FIELDS:  # a date that does not read as one
        unknown.append(piece)
    elif key == "situation":
        situation = situation_in(value)
        if situation is None:
            unknown.append(piece)
        else:
            values["situation"] = situation
    else:
        values[key] = value


def _assign_positional(values: dict[str, Any], unknown: list[str], pieces: list[str]) -> None:
    """Name, company, then the situation in the rep's words; the rest is not understood."""
    slots = [s for s in ("name", "company") if s not in values]
    rest = list(pieces)
    # "Dana Reyes, went quiet": the second piece is plainly a situation, not a company.
    if slots == ["name", "company"] and len(rest) == 2 and _plain(rest[1]) in _EXACT:
        slots = ["name"]
    for slot in slots:
        if rest:
            values[slot] = rest.pop(0)
    for piece in rest:
        situation = situation_in(piece)
        if situation is not None and "situation" not in values:
            values["situation"] = situation
        else:
            unknown.append(piece)


# --- the pending prospect a duplicate prompt carries in its button value ---------------

_SHORT = {f.name: str(i) for i, f in enumerate(fields(NewProspect))}
_LONG = {v: k for k, v in _SHORT.items()}


def pending_to_json(new: NewProspect) -> dict[str, str]:
    """Compact form (short keys, ISO dates) for a button value."""
    data: dict[str, str] = {}
    for f in fields(NewProspect):
        value = getattr(new, f.name)
        if value is None or value == "":
            continue
        data[_SHORT[f.name]] = value.isoformat() if isinstance(value, date) else str(value)
    return data


def pending_from_json(data: object) -> NewProspect | None:
    """The inverse; None for anything malformed (a forged or truncated value)."""
    if not isinstance(data, dict) or set(data) - set(_LONG):
        return None
    values: dict[str, Any] = {}
    for short, raw in data.items():
        if not isinstance(raw, str):
            return None
        name = _LONG[short]
        if name in DATE_FIELDS:
            try:
                values[name] = date.fromisoformat(raw)
            except ValueError:
                return None
        elif name == "situation":
            try:
                values[name] = Situation(raw)
            except ValueError:
                return None
        else:
            values[name] = raw
    values.setdefault("name", "")
    values.setdefault("company", "")
    values.setdefault("situation", None)
    return NewProspect(**values)


def encode_pending(new: NewProspect, existing: int) -> str | None:
    """The "Add anyway" button's value: the prospect and how many copies existed when
    asked; None when it would not fit in a button (the modal asks instead)."""
    text = json.dumps({"n": existing, "p": pending_to_json(new)}, separators=(",", ":"))
    return text if len(text) <= ids.SLACK_VALUE_MAX else None


def decode_pending(value: str | None) -> tuple[NewProspect, int]:
    """The inverse; anything forged or malformed is a stale-button refusal."""
    try:
        data = clean_payload(json.loads(value or ""))
    except json.JSONDecodeError:
        raise ids.STALE from None
    if not isinstance(data, dict) or set(data) != {"n", "p"}:
        raise ids.STALE
    existing = data["n"]
    new = pending_from_json(data["p"])
    if new is None or not isinstance(existing, int) or isinstance(existing, bool):
        raise ids.STALE
    return new, existing
