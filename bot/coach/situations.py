"""The seven situations as data: why a prospect went dormant, the words for it in Slack,
and the words a rep might type for it (PLAYBOOK.md section 1)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain import Situation


@dataclass(frozen=True, slots=True)
class SituationInfo:
    situation: Situation
    label: str  # at most 30 characters (a select option)
    explanation: str  # at most 75 characters (a select option description)
    when_due: str  # for the docs and help texts
    keywords: tuple[str, ...]  # what a rep might type


SITUATIONS: dict[Situation, SituationInfo] = {
    info.situation: info
    for info in (
        SituationInfo(
            Situation.WENT_QUIET,
            "Went quiet / ghosted",
            "Was close to deciding, then stopped answering",
            "A few days after the last real contact, then a short escalating sequence",
            (
                "went quiet",
                "quiet",
                "ghosted",
                "ghosting",
                "ghost",
                "silent",
                "silence",
                "radio silence",
                "no reply",
                "no response",
                "no answer",
                "not answering",
                "stopped answering",
                "stopped responding",
                "unresponsive",
                "disappeared",
                "went dark",
                "dark",
                "mia",
                # CRM loss reasons (Salesforce's "No Decision / Non-Responsive").
                "non responsive",
                "nonresponsive",
                "no decision",
            ),
        ),
        SituationInfo(
            Situation.SAID_NO,
            "Said no (generic reason)",
            "Turned us down over price, budget, timing or a happy vendor",
            "About a month after the no, then every month or so",
            (
                "said no",
                "no",
                "price",
                "pricing",
                "too expensive",
                "expensive",
                "budget",
                "no budget",
                "cost",
                "timing",
                "bad timing",
                "not interested",
                "declined",
                "turned down",
                "rejected",
                "happy with current vendor",
                "happy with vendor",
                "happy with their vendor",
                "no need",
            ),
        ),
        SituationInfo(
            Situation.MISSING_FEATURE,
            "Needed a missing feature",
            "Needed a capability we didn't have yet",
            "The day that feature ships, plus a slow check-in every few months",
            (
                "feature",
                "missing feature",
                "features",
                "capability",
                "missing",
                "lacked",
                "lacking",
                "integration",
                "roadmap",
                "gap",
                "not supported",
                "doesnt have",
                "didnt have",
            ),
        ),
        SituationInfo(
            Situation.COMPETITOR_CONTRACT,
            "Locked into a contract",
            "Tied to a competitor's contract until a known end date",
            "A lead time (90 days by default) before the contract ends",
            (
                "contract",
                "competitor contract",
                "competitors contract",
                "under contract",
                "locked in",
                "locked into",
                "lock in",
                "renewal",
                "renews",
                "renewing",
                "agreement",
                "tied in",
            ),
        ),
        SituationInfo(
            Situation.UNHAPPY_WITH_PROVIDER,
            "Unhappy with their provider",
            "Complains about their current provider but hasn't switched",
            "Every few months (5 by default)",
            (
                "unhappy",
                "unhappy with provider",
                "frustrated",
                "frustration",
                "complains",
                "complaining",
                "complaint",
                "bad service",
                "poor service",
                "dissatisfied",
                "annoyed",
                "not happy",
                "not happy with vendor",
                "not happy with provider",
                "not happy with current vendor",
                "not happy with their vendor",
            ),
        ),
        SituationInfo(
            Situation.BIG_COMPANY,
            "Big company, slow decisions",
            "Large account with slow decisions and cost reviews: aim for a piece",
            "Every quarter",
            (
                "big company",
                "big account",
                "large account",
                "large company",
                "enterprise",
                "corporate",
                "corporation",
                "big",
                "large",
                "slow decisions",
                "procurement",
                "fortune 500",
                "multinational",
            ),
        ),
        SituationInfo(
            Situation.CHOSE_COMPETITOR,
            "Chose a competitor",
            "Bought from a competitor: the one that got away",
            "Several weeks (6 by default) after the competitor delivered",
            (
                "chose competitor",
                "chose a competitor",
                "lost to competitor",
                "lost to a competitor",
                "lost",
                "went with competitor",
                "went with",
                "picked competitor",
                "bought from competitor",
                "bought elsewhere",
                "signed with",
                "competitor won",
                "got away",
                "one that got away",
            ),
        ),
    )
}


def _normalise(text: str) -> str:
    """Lower case, apostrophes dropped, any other punctuation a space, spaces collapsed."""
    text = re.sub(r"['’`]", "", text.casefold())
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def situation_from_text(text: str) -> Situation | None:
    """The situation a rep's words point at: the longest keyword found wins (so "no reply"
    beats "no"); on a tie, the keyword that appears first. The id or label also work."""
    words = f" {_normalise(text)} "
    best: tuple[int, int, Situation] | None = None
    for situation, info in SITUATIONS.items():
        phrases = (*info.keywords, situation.value, info.label)
        for phrase in phrases:
            needle = _normalise(phrase)
            position = words.find(f" {needle} ") if needle else -1
            if position < 0:
                continue
            rank = (-len(needle), position, situation)
            if best is None or rank[:2] < best[:2]:
                best = rank
    return best[2] if best else None
