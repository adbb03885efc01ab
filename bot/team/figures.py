"""The weekly report's numbers, as plain values: what the chart draws and the summary says.

No matplotlib here, so whoever computes the figures (a query, a use case) imports them
without loading a plotting library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class RepWeek:
    """One rep's contacts logged in the week starting `week_start`, and how many of them
    taught the rep something new. `rep` is the name shown: make it unique per rep."""

    rep: str
    week_start: date
    contacts: int
    learned: int

    def __post_init__(self) -> None:
        if not 0 <= self.learned <= self.contacts:
            raise ValueError(f"learned {self.learned} not within 0..{self.contacts} contacts")


@dataclass(frozen=True)
class TacticRate:
    """How often a tactic (in one situation, or in all: None) brought a prospect back."""

    tactic: str
    situation: str | None
    tried: int
    revived: int

    def __post_init__(self) -> None:
        if not 0 <= self.revived <= self.tried:
            raise ValueError(f"revived {self.revived} not within 0..{self.tried} tries")

    @property
    def rate(self) -> float:
        return self.revived / self.tried if self.tried else 0.0


@dataclass(frozen=True)
class ChartFigures:
    """The chart's input: `weeks` are the week starts shown, oldest first (the last 8 are
    drawn); rep weeks outside them are left out."""

    title: str
    weeks: list[date] = field(default_factory=list)
    rep_weeks: list[RepWeek] = field(default_factory=list)
    tactics: list[TacticRate] = field(default_factory=list)
