"""Events — a feature shipped, news about a competitor — resurface matching prospects.

An event concerns the whole workspace: every rep's matching prospects come back into
rotation, walked-away ones included ("dormant, not dead"). Reps type news the way they
heard it ("Initech's CEO left"), so the names on file are read once (distinct, one query),
found inside the text in Python (bot.coach.mentions), and only then are the prospects
holding those names loaded, each judged by the coach under its own name on file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload

from bot import coach, ids
from bot.coach import mentions
from bot.domain import Event, EventKind, ProspectStatus
from bot.errors import UserError
from bot.reps import context_for
from bot.usecases.outcomes import apply_transition
from store.models import EventRecord, Prospect, Workspace
from store.repo import prospect_facts

SUBJECT_MAX = 200
# Only these come back; won and revived prospects are customers or live deals.
WAITING = (ProspectStatus.DORMANT.value, ProspectStatus.WALKED_AWAY.value)
VERBS = {EventKind.FEATURE_SHIPPED: "shipped", EventKind.COMPETITOR_NEWS: "news"}


@dataclass(frozen=True, slots=True)
class Suggested:
    """A name on file close to what was typed, and a prospect holding it (the button's)."""

    name: str
    prospect_id: int
    version: int


@dataclass(frozen=True, slots=True)
class Announced:
    event: EventRecord
    matched: list[str]  # the names on file found in the text, in the order first filed
    resurfaced: list[Prospect]
    already_back: int  # matching prospects this same news brought back earlier today
    suggested: list[Suggested]  # only when nothing matched


def verb(kind: EventKind) -> str:
    return VERBS[kind]


def kind_of(word: str | None) -> EventKind | None:
    return next((kind for kind, v in VERBS.items() if v == word), None)


def announce(
    session: Session,
    *,
    workspace: Workspace,
    kind: EventKind,
    subject: str,
    announced_by: str,
    today: date,
    now: datetime,
) -> Announced:
    typed = _checked_subject(kind, subject)
    on_file = names_on_file(session, workspace_id=workspace.id, kind=kind)
    matched = mentions.mentioned(typed, on_file)
    resurfaced: list[Prospect] = []
    already_back = 0
    if matched:
        resurfaced, already_back = _bring_back(session, workspace, kind, matched, today, now)
    suggested = [] if matched else _suggest(session, typed, on_file)
    record = EventRecord(
        workspace_id=workspace.id,
        kind=kind.value,
        subject=typed,
        announced_by=announced_by,
        happened_on=today,
        resurfaced=len(resurfaced),
        created_at=now,
    )
    session.add(record)
    session.flush()
    return Announced(record, matched, resurfaced, already_back, suggested)


def names_on_file(session: Session, *, workspace_id: int, kind: EventKind) -> dict[str, int]:
    """Each distinct name waiting prospects hold, with the first such prospect's id."""
    column = _name_column(kind)
    first = func.min(Prospect.id)
    rows = session.execute(
        select(column, first)
        .where(
            Prospect.workspace_id == workspace_id,
            Prospect.status.in_(WAITING),
            column.is_not(None),
        )
        .group_by(column)
        .order_by(first)
    )
    return {name: prospect_id for name, prospect_id in rows if name}


def suggested_name(
    session: Session, *, workspace: Workspace, kind: EventKind, prospect_id: int
) -> str:
    """The name a "Did you mean …?" button stands for: the one its prospect holds.

    Names on file do not change, so the prospect's version is not checked: clicking twice
    is harmless (the second time everyone is already back). Another workspace's prospect,
    or one without that name, is a stale button."""
    prospect = session.get(Prospect, prospect_id)
    if prospect is None or prospect.workspace_id != workspace.id:
        raise ids.STALE
    name = getattr(prospect, _name_column(kind).key)
    if not name:
        raise ids.STALE
    return str(name)


def _checked_subject(kind: EventKind, subject: str) -> str:
    typed = " ".join(subject.split())
    if not typed:
        what = "feature" if kind is EventKind.FEATURE_SHIPPED else "competitor"
        example = "Reporting API" if kind is EventKind.FEATURE_SHIPPED else "Globex outage"
        raise UserError(f"Name the {what}, e.g. `/revive {verb(kind)} {example}`.")
    if len(typed) > SUBJECT_MAX:
        raise UserError(f"Keep it under {SUBJECT_MAX} characters.")
    return typed


def _name_column(kind: EventKind) -> InstrumentedAttribute[str | None]:
    if kind is EventKind.FEATURE_SHIPPED:
        return Prospect.missing_feature
    return Prospect.competitor


def _bring_back(
    session: Session,
    workspace: Workspace,
    kind: EventKind,
    names: list[str],
    today: date,
    now: datetime,
) -> tuple[list[Prospect], int]:
    """Resurface the waiting prospects holding these names; count those already back."""
    column = _name_column(kind)
    candidates = session.scalars(
        select(Prospect)
        .where(
            Prospect.workspace_id == workspace.id,
            Prospect.status.in_(WAITING),
            column.in_(names),
        )
        .options(selectinload(Prospect.owner))
        .order_by(Prospect.id)
    )
    resurfaced: list[Prospect] = []
    already_back = 0
    for prospect in candidates:
        event = Event(kind=kind, subject=getattr(prospect, column.key), on=today)
        facts = prospect_facts(prospect)
        if not coach.matches_event(facts, event):
            continue  # the coach refuses it (e.g. marked do-not-contact)
        if mentions.same_news(facts.pending_event, event):
            already_back += 1
            continue
        rep_ctx = context_for(prospect.owner, workspace, now)
        transition = coach.resurface(facts, event, rep_ctx.today, rep_ctx.workdays)
        apply_transition(prospect, transition, now=now)
        resurfaced.append(prospect)
    return resurfaced, already_back


def _suggest(session: Session, typed: str, on_file: dict[str, int]) -> list[Suggested]:
    suggested: list[Suggested] = []
    for name in mentions.suggestions(typed, on_file):
        prospect = session.get(Prospect, on_file[name])
        if prospect is not None:
            suggested.append(Suggested(name, prospect.id, prospect.version))
    return suggested
