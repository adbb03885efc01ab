"""Names on file found inside what a rep typed: "Initech's CEO left" mentions Initech.

Reps type news the way they heard it, so a feature or competitor name counts as
mentioned when its words appear in the text regardless of case, punctuation, a
possessive 's, a plural, or hyphens and spaces ("Single Sign-On" = "single sign
on" = "single-sign-on" = "SingleSignOn"). An abbreviation counts only when it is
recorded as the name's alias, in parentheses: "Single Sign-On (SSO)".

Pure and linear in the text: the names' keys go in a dict once; from each word of the
text, runs of words are keyed and looked up, never longer than the longest key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.domain import Event

MAX_SUGGESTIONS = 3
_ALIAS = re.compile(r"\(([^()]*)\)")
_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b", re.IGNORECASE)
_NOT_WORD = re.compile(r"[\W_]+")
_TRAILING = " \t.,;:!?…"
# Words too common to suggest a name on their own ("Did you mean Acme Inc?" for "inc").
_WEAK_WORDS = frozenset(
    {"the", "and", "inc", "ltd", "llc", "corp", "company", "co", "group", "new", "for", "our"}
)


def words(text: str) -> list[str]:
    """Lower-case words, possessives dropped: "Initech's ERP-suite" → [initech, erp, suite]."""
    return _NOT_WORD.sub(" ", _POSSESSIVE.sub("", text.casefold())).split()


def singular(word: str) -> str:
    """A crude plural fold, applied alike to names and text, so both meet halfway.

    It reads the word's ending only, so a name folds the same whether its words are typed
    apart or run together ("Dev Ops" = "DevOps" = "dev-ops")."""
    if len(word) <= 3 or not word.endswith("s"):
        return word
    if word.endswith(("ss", "us", "sis", "xis")):  # access, status, analysis, axis
        return word
    return word[:-1]


def key_of(tokens: Iterable[str]) -> str:
    """Words run together, then folded to singular: hyphens and spaces vanish."""
    return singular("".join(tokens))


def spellings(name: str) -> list[str]:
    """The keys a name on file answers to: itself and each alias in parentheses."""
    aliases = _ALIAS.findall(name)
    main = _ALIAS.sub(" ", name)
    keys = [key_of(words(main)), *(key_of(words(alias)) for alias in aliases)]
    return [key for key in dict.fromkeys(keys) if key]


def same_name(a: str, b: str) -> bool:
    """Two spellings of one name on file: "Reporting API" and "reporting-apis"."""
    first, second = spellings(a), spellings(b)
    return bool(first) and bool(second) and first[0] == second[0]


def same_news(pending: Event | None, event: Event) -> bool:
    """Has this very news (kind, name, day) already brought the prospect back?"""
    return (
        pending is not None
        and pending.kind is event.kind
        and pending.on == event.on
        and same_name(pending.subject, event.subject)
    )


def tidy(text: str) -> str:
    """Text to echo back: spaces collapsed, no trailing punctuation ("sign-on." → "sign-on")."""
    collapsed = " ".join(text.split())
    return collapsed.rstrip(_TRAILING) or collapsed


def display_name(name: str) -> str:
    """The name without its aliases, for replies: "Single Sign-On (SSO)" → "Single Sign-On"."""
    return tidy(_ALIAS.sub(" ", name)) or tidy(name)


def display_names(names: Iterable[str]) -> list[str]:
    """One display name per name (the first spelling on file), in the order given."""
    shown: dict[str, str] = {}
    for name in names:
        keys = spellings(name)
        shown.setdefault(keys[0] if keys else name, display_name(name))
    return list(shown.values())


def mentioned(text: str, names: Iterable[str]) -> list[str]:
    """The names on file that appear in `text`, in the order given, each once."""
    order = list(dict.fromkeys(names))
    by_key: dict[str, list[str]] = {}
    for name in order:
        for key in spellings(name):
            by_key.setdefault(key, []).append(name)
    if not by_key:
        return []
    longest = max(map(len, by_key))
    found: set[str] = set()
    tokens = words(text)
    for start in range(len(tokens)):
        joined = ""
        for end in range(start, len(tokens)):
            joined += tokens[end]
            if len(joined) > longest + 1:  # the fold takes one letter at most
                break
            found.update(by_key.get(singular(joined), ()))
    return [name for name in order if name in found]


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
        keys = spellings(name)
        if not keys:
            continue
        allowed = max_typos(min(map(len, keys)))
        best = min(
            (edit_distance(key, window) for key in keys for window in windows),
            default=None,
        )
        if allowed and best is not None and best <= allowed:
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
