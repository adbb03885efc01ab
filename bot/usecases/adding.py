"""Adding a dormant prospect: validate, spot duplicates, let the coach set the first day."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from bot import coach
from bot.coach import TacticChoice
from bot.domain import ProspectFacts, ProspectStatus, Situation
from bot.reps import RepContext
from store.models import Prospect
from store.repo import find_by_name

NAME_MAX = 200
TEXT_MAX = 2000
# Dates further than this from today are typos (2062 for 2026), not plans.
FAR_FUTURE = timedelta(days=366 * 5)
FAR_PAST = timedelta(days=366 * 10)


@dataclass(frozen=True, slots=True)
class NewProspect:
    """A prospect as the rep described it, parsed from quick text or the modal."""

    name: str
    company: str
    situation: Situation | None
    email: str | None = None
    phone: str | None = None
    stated_reason: str | None = None
    competitor: str | None = None
    missing_feature: str | None = None
    contract_end: date | None = None
    decision_date: date | None = None
    proposal_sent_on: date | None = None
    proposal_expires_on: date | None = None
    referrer: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Added:
    prospect: Prospect
    first_choice: TacticChoice | None
    first_due: date


def problems_with(new: NewProspect, today: date) -> dict[str, str]:
    """Field name → what to fix; empty when the prospect can be added."""
    problems: dict[str, str] = {}
    if not new.name.strip():
        problems["name"] = "Who is it? Type the person's name."
    elif len(new.name) > NAME_MAX:
        problems["name"] = f"Keep the name under {NAME_MAX} characters."
    if not new.company.strip():
        problems["company"] = "Which company are they at?"
    elif len(new.company) > NAME_MAX:
        problems["company"] = f"Keep the company under {NAME_MAX} characters."
    if new.situation is None:
        problems["situation"] = "Pick why the prospect went dormant."
    for field_name in ("stated_reason", "note"):
        value = getattr(new, field_name)
        if value and len(value) > TEXT_MAX:
            problems[field_name] = f"Keep this under {TEXT_MAX} characters."
    for field_name in ("email", "phone", "competitor", "missing_feature", "referrer"):
        value = getattr(new, field_name)
        if value and len(value) > NAME_MAX:
            problems[field_name] = f"Keep this under {NAME_MAX} characters."
    if new.email and ("@" not in new.email or " " in new.email.strip()):
        problems["email"] = "That doesn't look like an email address (name@company.com)."
    for field_name in ("contract_end", "decision_date", "proposal_sent_on", "proposal_expires_on"):
        value: date | None = getattr(new, field_name)
        if value and not today - FAR_PAST <= value <= today + FAR_FUTURE:
            problems[field_name] = f"{value:%B %-d, %Y} is too far away; check the year."
    if new.situation is Situation.COMPETITOR_CONTRACT and "contract_end" not in problems:
        if new.contract_end is None:
            problems["contract_end"] = "When does their contract end? Revive times the call by it."
        elif new.contract_end <= today:
            problems["contract_end"] = (
                "That date has passed. If the contract renewed, enter the new end date."
            )
    if new.situation is Situation.MISSING_FEATURE and not (new.missing_feature or "").strip():
        problems["missing_feature"] = (
            "Which feature did they need? It brings them back when it ships."
        )
    if (
        new.proposal_sent_on
        and new.proposal_expires_on
        and new.proposal_expires_on < new.proposal_sent_on
        and "proposal_expires_on" not in problems
    ):
        problems["proposal_expires_on"] = "The proposal can't expire before it was sent."
    if new.proposal_sent_on and new.proposal_sent_on > today and "proposal_sent_on" not in problems:
        problems["proposal_sent_on"] = "A proposal sent in the future? Check the date."
    return problems


def duplicates_of(session: Session, ctx: RepContext, new: NewProspect) -> list[Prospect]:
    return find_by_name(session, rep=ctx.rep, name=new.name, company=new.company)


def add_prospect(
    session: Session, ctx: RepContext, new: NewProspect, *, now: datetime, flush: bool = True
) -> Added:
    """Store the prospect with the coach's first due date; the caller has validated it.
    `flush=False` (an import) leaves the INSERT to the caller's next, batched flush."""
    assert new.situation is not None
    settings = ctx.settings.coach
    facts = ProspectFacts(
        name=new.name.strip(),
        company=new.company.strip(),
        situation=new.situation,
        created_on=ctx.today,
        email=_clean(new.email),
        phone=_clean(new.phone),
        stated_reason=_clean(new.stated_reason),
        competitor=_clean(new.competitor),
        missing_feature=_clean(new.missing_feature),
        contract_end=new.contract_end,
        decision_date=new.decision_date,
        proposal_sent_on=new.proposal_sent_on,
        proposal_expires_on=new.proposal_expires_on,
        referrer=_clean(new.referrer),
        note=_clean(new.note),
    )
    facts = replace(facts, proposal_expires_on=coach.proposal_expiry(facts, settings))
    first_due = coach.first_due(facts, ctx.today, settings, ctx.workdays)
    facts = replace(facts, next_touch_on=first_due)
    choices = coach.tactics_for(facts, [], first_due, settings)
    prospect = Prospect(
        workspace_id=ctx.workspace.id,
        rep_id=ctx.rep.id,
        name=facts.name,
        company=facts.company,
        email=facts.email,
        phone=facts.phone,
        situation=facts.situation.value,
        stated_reason=facts.stated_reason,
        competitor=facts.competitor,
        missing_feature=facts.missing_feature,
        contract_end=facts.contract_end,
        decision_date=facts.decision_date,
        proposal_sent_on=facts.proposal_sent_on,
        proposal_expires_on=facts.proposal_expires_on,
        referrer=facts.referrer,
        note=facts.note,
        status=ProspectStatus.DORMANT.value,
        next_touch_on=first_due,
        sequence_step=0,
        nothing_new_streak=0,
        version=1,
        created_on=ctx.today,
        created_at=now,
        updated_at=now,
    )
    session.add(prospect)
    if flush:
        session.flush()
    return Added(
        prospect=prospect, first_choice=choices[0] if choices else None, first_due=first_due
    )


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None
