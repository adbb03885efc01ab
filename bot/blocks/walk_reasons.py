"""How walk-away reasons read to a rep: one table for every surface."""

from __future__ import annotations

from bot.domain import WalkAwayReason

# In lists and counts ("walked away: a final no").
SHORT: dict[WalkAwayReason, str] = {
    WalkAwayReason.NOTHING_LEARNED: "nothing new learned",
    WalkAwayReason.PROPOSAL_EXPIRED: "proposal expired",
    WalkAwayReason.SAID_NO_FINAL: "a final no",
    WalkAwayReason.UNREACHABLE: "unreachable",
    WalkAwayReason.NOT_A_FIT: "not a fit",
    WalkAwayReason.DO_NOT_CONTACT: "asked not to be contacted",
    WalkAwayReason.OTHER: "other",
}

# As choices in a select ("Why walk away?").
CHOICE: dict[WalkAwayReason, str] = {
    WalkAwayReason.NOTHING_LEARNED: "Nothing new learned in a while",
    WalkAwayReason.PROPOSAL_EXPIRED: "Proposal expired, no answer",
    WalkAwayReason.SAID_NO_FINAL: "They said no for good",
    WalkAwayReason.UNREACHABLE: "Can't reach anyone",
    WalkAwayReason.NOT_A_FIT: "Not a fit after all",
    WalkAwayReason.DO_NOT_CONTACT: "They asked not to be contacted (final)",
    WalkAwayReason.OTHER: "Another reason",
}


def short_label(reason: str | None) -> str:
    """A stored reason as a rep reads it; an unknown value is shown, not hidden."""
    if reason is None:
        return "no reason given"
    try:
        return SHORT[WalkAwayReason(reason)]
    except ValueError:
        return reason.replace("_", " ")
