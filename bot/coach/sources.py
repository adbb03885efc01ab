"""Where the playbook's advice comes from: each tactic and question credits one of these
(see ../shared/PLAYBOOK.md and ../shared/seeds/)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Source:
    title: str
    author: str

    @property
    def credit(self) -> str:
        return f"after {self.author}, “{self.title}”"


ROSEN_SIX_WAYS = Source("6 Ways to Bring a Dead Contact Back to Life", "Keith Rosen")
ROSEN_CLOSED_DOORS = Source("Opening Closed Doors", "Keith Rosen")
SLIFE = Source("Getting Prospects Re-Engaged", "Eric Slife")
USZYNSKI = Source("Prospecting from your Trash Can", "Al Uszynski")
# The seed article has no title of its own; this names what it is about.
AYLING = Source("Reviving a lead that went quiet", "Stuart Ayling")

