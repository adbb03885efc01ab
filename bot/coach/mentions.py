"""Names on file found inside what a rep typed: "Initech's CEO left" mentions Initech.

Reps type news the way they heard it, so a feature or competitor name counts as
mentioned when its words appear in the text regardless of case, punctuation, a
possessive 's, a plural, or hyphens and spaces ("Single Sign-On" = "single sign
on" = "single-sign-on" = "SingleSignOn"). An abbreviation counts only when it is
recorded as the name's alias, in parentheses: "Single Sign-On (SSO)".

Pure and linear in the text: each window of up to MAX_NAME_WORDS words is keyed
once and looked up in a dict of the names' keys.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

MAX_NAME_WORDS = 6  # "Globex Corporation of North America" is about as long as names get
MAX_SUGGESTIONS = 3
_ALIAS = re.compile(r"\(([^()]*)\)")
_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b", re.IGNORECASE)
_NOT_WORD = re.compile(r"[\W_]+")
# Words too common to suggest a name on their own ("Did you mean Acme Inc?" for "inc").
_WEAK_WORDS = frozenset(
    {"the", "and", "inc", "ltd", "llc", "corp", "company", "co", "group", "new", "for", "our"}
)


def words(text: str) -> list[str]:
    """Lower-case words, possessives dropped: "Initech's ERP-suite" → [initech, erp, suite]."""
    return _NOT_WORD.sub(" ", _POSSESSIVE.sub("", text.casefold())).split()


def singular(word: str) -> str:
    """A crude plural fold, applied alike to names and text, so both meet halfway."""
    if len(word) <= 3 or not word.endswith("s") or word.endswith(("ss", "us")):
        return word
    if word.endswith("is") and len(word) > 4:  # analysis, basis: not plurals
        return word
    return word[:-1]
    return word


def key_of(tokens: Iterable[str]) -> str:
    """Words joined without separators, the last one singular: hyphens and spaces vanish."""
    parts = list(tokens)
    if not parts:
        return ""
    return "".join(parts[:-1]) + singular(parts[-1])


def spellings(name: str) -> list[str]:
    """The keys a name on file answers to: itself and each alias in parentheses."""
    aliases = _ALIAS.findall(name)
    main = _ALIAS.sub(" ", name)
    keys = [key_of(words(main)), *(key_of(words(alias)) for alias in aliases)]
    return [key for key in dict.fromkeys(keys) if key]


def display_name(name: str) -> str:
    """The name without its aliases, for replies: "Single Sign-On (SSO)" → "Single Sign-On"."""
    return " ".join(_ALIAS.sub(" ", name).split()) or name.strip()


def mentioned(text: str, names: Iterable[str]) -> list[str]:
    """The names on file that appear in `text`, in the order given, each once."""
    by_key: dict[str, list[str]] = {}
    for name in dict.fromkeys(names):
        for key in spellings(name):
            by_key.setdefault(key, []).append(name)
    found: dict[str, None] = {}
    tokens = words(text)
    for start in range(len(tokens)):
        for end in range(start + 1, min(start + MAX_NAME_WORDS, len(tokens)) + 1):
            for name in by_key.get(key_of(tokens[start:end]), ()):
                found[name] = None
    order = {name: i for i, name in enumerate(dict.fromkeys(names))}
    return sorted(found, key=order.__getitem__)


@dataclass(frozen=True, slots=True)
class Suggestion:
    name: str  # as on file
    score: int  # lower is closer


def suggestions(text: str, names: Iterable[str], limit: int = MAX_SUGGESTIONS) -> list[str]:
    """Names close to what was typed, for "Did you mean …?": a word in common or a typo."""
    typed = [w for w in words(text) if len(w) >= 3 and w not in _WEAK_WORDS]
    typed_keys = {singular(w) for w in typed}
    windows = {key_of(typed[i:j]) for i in range(len(typed)) for j in (i + 1, i + 2, i + 3)}
    windows.discard("")
    scored: list[Suggestion] = []
    for name in dict.fromkeys(names):
        name_words = {singular(w) for w in words(_ALIAS.sub(" ", name)) if w not in _WEAK_WORDS}
        if name_words & typed_keys:
            scored.append(Suggestion(name, 0))
            continue
        best = min(
            (edit_distance(key, window) for key in spellings(name) for window in windows),
            default=None,
        )
        if best is not None and best <= max_typos(min(map(len, spellings(name)))):
            scored.append(Suggestion(name, best))
    scored.sort(key=lambda s: (s.score, s.name.casefold()))
    return [s.name for s in scored[:limit]]


def max_typos(length: int) -> int:
    """Short names tolerate one slip, longer ones two; tiny ones none (too many false hits)."""
    if length < 4:
        return 0
    return 1 if length < 8 else 2


def edit_distance(a: str, b: str, cap: int = 3) -> int:
    """Levenshtein distance, giving up at `cap` (all callers only care about small ones)."""
    if abs(len(a) - len(b)) >= cap:
        return cap
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) >= cap:
            return cap
        previous = current
    return min(previous[-1], cap)
