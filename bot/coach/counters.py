"""What one logged touch counts as: the coach's single definition of "learned something".

PLAYBOOK.md section 3, rule 1, as two counters kept on every prospect:

- the **learn streak** counts *conversations* that taught nothing new ("talked, nothing
  new", and "not now" without anything learned); a conversation that taught something
  ends it;
- the **unanswered streak** counts attempts nobody answered ("no reply yet"); any
  answered contact ends it. An unanswered attempt never moves the learn streak: there
  was nobody to learn from.

`learned_something` is the one definition of learning, shared by the streak logic, the
rep's numbers (`/revive stats`, the Home tab) and any team numbers to come: a touch
learned something when it is a contact and either its outcome is learning itself
("learned something new", "contact left": a new person to talk to) or the rep wrote
down what they learned with a "not now", a re-engagement or a win. A contact that
answered one of the prospect's backlog questions (bot.coach.questions) learned something,
whatever its outcome.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.domain import Outcome, TouchFacts

# Not contacts at all: a snooze only moves a date, a walk-away is a decision.
NOT_CONTACTS = frozenset({Outcome.SNOOZED, Outcome.WALKED_AWAY})
# Outcomes that say by themselves that something was learned.
LEARNING = frozenset({Outcome.LEARNED, Outcome.CONTACT_LEFT})
# Outcomes that say by themselves that nothing was: any text typed with them is not kept.
TEXT_NOT_KEPT = frozenset({Outcome.NO_REPLY, Outcome.NOTHING_NEW})
# Outcomes that end the dormant spell: counted as revivals.
REVIVING = frozenset({Outcome.RE_ENGAGED, Outcome.WON})


def kept_text(outcome: Outcome, text: str | None) -> str | None:
    """The learned text a touch keeps: none when its outcome says nothing was learned."""
    if outcome in TEXT_NOT_KEPT:
        return None
    return (text or "").strip() or None


def is_contact(touch: TouchFacts) -> bool:
    """A logged contact: anything but a snooze or a walk-away."""
    return touch.outcome not in NOT_CONTACTS


def answered(touch: TouchFacts) -> bool:
    """A contact where someone answered (every contact but "no reply yet")."""
    return is_contact(touch) and touch.outcome is not Outcome.NO_REPLY


def learned_something(touch: TouchFacts) -> bool:
    """The one definition of learning (see the module docstring)."""
    if not is_contact(touch):
        return False
    if touch.answered_question:  # it answered one of the prospect's open questions
        return True
    if touch.outcome in TEXT_NOT_KEPT:
        return False
    return touch.outcome in LEARNING or kept_text(touch.outcome, touch.learned) is not None


def taught_nothing(touch: TouchFacts) -> bool:
    """A conversation that taught nothing new: what the learn streak counts."""
    return touch.outcome is Outcome.NOTHING_NEW or (
        touch.outcome is Outcome.NOT_NOW and not learned_something(touch)
    )


@dataclass(frozen=True, slots=True)
class Streaks:
    """The two counters of rule 1, as stored on the prospect."""

    nothing_new: int = 0  # conversations in a row that taught nothing new
    unanswered: int = 0  # attempts in a row that nobody answered

    def after(self, touch: TouchFacts) -> Streaks:
        """How one touch moves both counters."""
        if not is_contact(touch):
            return self
        if not answered(touch):
            return Streaks(self.nothing_new, self.unanswered + 1)
        return Streaks(self.nothing_new + 1 if taught_nothing(touch) else 0, 0)


def streaks_of(touches: Iterable[TouchFacts], start: Streaks | None = None) -> Streaks:
    """Both counters after these touches (oldest first), from `start` (a fresh streak)."""
    streaks = start or Streaks()
    for touch in touches:
        streaks = streaks.after(touch)
    return streaks


@dataclass(frozen=True, slots=True)
class Tally:
    """A rep's (or, later, a team's) numbers over some touches: one way of counting."""

    contacts: int = 0
    learned: int = 0  # contacts that learned something (learned_something)
    unanswered: int = 0  # contacts nobody answered
    revived: int = 0  # re-engaged or won

    @property
    def learned_share(self) -> float:
        """The share of contacts that learned something; 0 when there were none."""
        return self.learned / self.contacts if self.contacts else 0.0


def tally(touches: Iterable[TouchFacts]) -> Tally:
    contacts = learned = unanswered = revived = 0
    for touch in touches:
        if not is_contact(touch):
            continue
        contacts += 1
        learned += learned_something(touch)
        unanswered += not answered(touch)
        revived += touch.outcome in REVIVING
    return Tally(contacts=contacts, learned=learned, unanswered=unanswered, revived=revived)
