"""Events outside the deal (a feature shipped, news about a competitor): which prospects
they concern, and how a matching one comes back (PLAYBOOK.md: "dormant, not dead")."""

from __future__ import annotations

import re
from datetime import date

from bot.coach.dates import next_workday
from bot.coach.outcomes import InvalidOutcome, Transition, transition_from
from bot.domain import WEEKDAYS, Event, EventKind, ProspectFacts, ProspectStatus


def normalise_name(text: str | None) -> str:
    """Case and punctuation do not count: "Reporting-API" == "reporting api" == "ReportingAPI"."""
    return re.sub(r"[\W_]+", "", (text or "").casefold())


def matches_event(prospect: ProspectFacts, event: Event) -> bool:
    """Does this event concern the prospect? Walked-away prospects match (dormant, not dead);
    won and revived ones are customers or live deals, not dormant prospects; one who asked
    not to be contacted never does (do not contact means never)."""
    if prospect.do_not_contact:
        return False
    if prospect.status not in (ProspectStatus.DORMANT, ProspectStatus.WALKED_AWAY):
        return False
    subject = normalise_name(event.subject)
    field = (
        prospect.missing_feature if event.kind is EventKind.FEATURE_SHIPPED else prospect.competitor
    )
    return bool(subject) and subject == normalise_name(field)


def resurface(
    prospect: ProspectFacts, event: Event, today: date, workdays: frozenset[int] = WEEKDAYS
) -> Transition:
    """An event that matches brings the prospect back: due today, its tactic first."""
    if not matches_event(prospect, event):
        raise InvalidOutcome(f"{prospect.name} is not concerned by {event.subject!r}.")
    return transition_from(
        prospect,
        next_touch_on=next_workday(today, workdays),
        # A fresh reason to call: a new streak, and any open question no longer applies.
        nothing_new_streak=0,
        unanswered_streak=0,
        open_decision=None,
        pending_event=event,
    )
