"""The hand-over marker: a prospect a manager gave to a fresh voice, as its new rep sees it.

The prospect row keeps who had it before (`handed_over_from_rep_id`) and the manager's
note; the latest hand-over decision says which manager. The new rep's digest shows
"Handed over by … from …: note" until they log something about the prospect.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain import DecisionKind, Outcome
from bot.parsing.clean import clean_text
from store.models import Decision, Prospect, Rep

if TYPE_CHECKING:
    from bot.usecases.reading import DueItem

NOTE_MAX = 500


@dataclass(frozen=True, slots=True)
class Handover:
    """Who handed the prospect over, from whom, and why (Slack ids once resolved)."""

    from_rep_id: int
    note: str | None
    from_user: str | None = None  # the previous rep's Slack id
    by_user: str | None = None  # the manager's Slack id


def clean_note(text: str | None) -> str | None:
    """The note as stored: no control characters, no edge blanks; None when empty."""
    cleaned = clean_text(text or "").strip()
    return cleaned or None


def handover_of(prospect: Any) -> Handover | None:
    """The marker a prospect row (ORM object or plain row) carries, Slack ids not yet read."""
    from_rep_id = prospect.handed_over_from_rep_id
    if from_rep_id is None:
        return None
    return Handover(from_rep_id=from_rep_id, note=prospect.handover_note)


def with_handovers(session: Session, batches: list[list[DueItem]]) -> list[list[DueItem]]:
    """The items with their hand-over markers' Slack ids filled in: no query when none is
    handed over (the usual morning), two when some are."""
    marked = [item for batch in batches for item in batch if item.handover is not None]
    if not marked:
        return batches
    prospect_ids = [item.facts.id for item in marked if item.facts.id is not None]
    managers = _latest_managers(session, prospect_ids)
    rep_ids = {item.handover.from_rep_id for item in marked if item.handover is not None}
    users = _slack_ids(session, rep_ids | {m for m in managers.values() if m is not None})
    return [[_resolved(item, managers, users) for item in batch] for batch in batches]


def _resolved(item: DueItem, managers: dict[int, int | None], users: dict[int, str]) -> DueItem:
    if item.handover is None or item.facts.id is None:
        return item
    manager = managers.get(item.facts.id)
    handover = replace(
        item.handover,
        from_user=users.get(item.handover.from_rep_id),
        by_user=users.get(manager) if manager is not None else None,
    )
    return replace(item, handover=handover)


def _latest_managers(session: Session, prospect_ids: Sequence[int]) -> dict[int, int | None]:
    """Each prospect's latest hand-over decision: the manager who made it."""
    rows = session.execute(
        select(Decision.prospect_id, Decision.by_rep_id)
        .where(
            Decision.prospect_id.in_(list(prospect_ids)),
            Decision.kind == DecisionKind.HAND_OVER.value,
        )
        .order_by(Decision.id)
    )
    return {prospect_id: by_rep_id for prospect_id, by_rep_id in rows}  # later ids win


def _slack_ids(session: Session, rep_ids: set[int]) -> dict[int, str]:
    if not rep_ids:
        return {}
    rows = session.execute(select(Rep.id, Rep.slack_user_id).where(Rep.id.in_(list(rep_ids))))
    return {rep_id: user_id for rep_id, user_id in rows}


def clear_after_touch(prospect: Prospect, outcome: Outcome) -> None:
    """The new rep logged how a contact went: it is theirs now, no longer "handed over".

    A snooze only moves the date, so the marker (and the note) stay until a real answer."""
    if outcome is Outcome.SNOOZED:
        return
    prospect.handed_over_from_rep_id = None
    prospect.handover_note = None
