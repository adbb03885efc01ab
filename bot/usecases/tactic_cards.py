"""The tactic card: opening it from the digest, redrawing it for an outcome, submitting it.

The database is read (and written) inside one unit of work; the coach's card and its
date proposal are worked out from plain facts after it, so no rendering holds a
connection.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from bot import coach, ids
from bot.blocks.tactic_card import LEAVE_ROTATION, OutcomeForm, form_errors, outcome_modal
from bot.coach import questions
from bot.coach.questions import Backlog
from bot.coach.ranking import evidence as ranked_evidence
from bot.domain import Outcome, ProspectFacts, TouchFacts
from bot.parsing.payloads import DigestRef
from bot.reps import RepContext
from bot.usecases.answers import backlog_for
from bot.usecases.followups import (
    Followups,
    Submitted,
    inline_errors,
    meta_for,
    owned,
    record,
    stale_followups,
    stale_notice,
)
from bot.usecases.outcomes import OutcomeInput, outcome_problems
from bot.usecases.ranking import ranking_for, record_of
from bot.usecases.request import Caller, Request, rep_request
from store.models import Prospect
from store.repo import prospect_facts, touch_history


@dataclass(frozen=True, slots=True)
class CardSubject:
    """What the card is drawn from, read inside the unit of work."""

    facts: ProspectFacts
    history: list[TouchFacts]
    rep: RepContext
    backlog: Backlog | None = None  # its questions: "Find out this time" and the form's choice
    evidence: str | None = None  # the team's record with this tactic here, when ranking is on


def _subject(req: Request, prospect: Prospect, tactic_id: str | None) -> CardSubject:
    if tactic_id not in coach.TACTICS or tactic_id == coach.HOMEWORK.id:
        raise ids.STALE
    backlog = backlog_for(req.session, prospect)
    facts = prospect_facts(prospect)
    ranking = ranking_for(req.rep, record_of(req.session, req.rep))
    evidence = (
        ranked_evidence(facts.situation, tactic_id, ranking.record) if ranking.learning else None
    )
    return CardSubject(facts, touch_history(prospect), req.rep, backlog, evidence)


def proposal(subject: CardSubject, tactic_id: str, outcome: Outcome) -> date | None:
    """The coach's next date for this outcome, to prefill the datepicker."""
    if outcome in LEAVE_ROTATION:
        return None
    rep = subject.rep
    try:
        transition = coach.apply_outcome(
            subject.facts,
            subject.history,
            outcome=outcome,
            tactic_id=tactic_id,
            today=rep.today,
            settings=rep.settings.coach,
            workdays=rep.workdays,
            learned="(to be told)",
            successor="(to be told)",
        )
    except coach.InvalidOutcome:
        return None
    return transition.next_touch_on


def card_view(subject: CardSubject, meta: ids.ModalMeta, outcome: Outcome | None) -> dict[str, Any]:
    """The card with its outcome form; the proposal it prefills rides in the metadata."""
    assert meta.tactic_id is not None
    tactic = coach.TACTICS[meta.tactic_id]
    today = subject.rep.today
    card = coach.tactic_card(tactic, subject.facts, today, subject.rep.settings.coach)
    proposed = proposal(subject, tactic.id, outcome or Outcome.LEARNED)
    meta = replace(meta, proposed=proposed.isoformat() if proposed else None)
    return outcome_modal(
        subject.facts,
        card,
        today=today,
        meta=ids.encode_meta(meta),
        outcome=outcome,
        proposed=proposed,
        backlog=subject.backlog,
        evidence=subject.evidence,
    )


def open_tactic_card(caller: Caller, value: ids.ActionValue, ref: DigestRef | None) -> Followups:
    """A tactic button: the card, or (an old message) the digest redrawn and a notice."""
    with rep_request(caller) as req:
        prospect = owned(req, value.prospect_id)
        notice = stale_notice(req, prospect, value.version)
        if notice is not None:
            return stale_followups(req, ref, prospect, notice)
        subject = _subject(req, prospect, value.tactic_id)
    return Followups(view=card_view(subject, meta_for(value, ref), None))


def redraw_tactic_card(caller: Caller, meta: ids.ModalMeta, outcome: Outcome) -> dict[str, Any]:
    """The outcome radio changed: the form for that outcome, with the date re-proposed."""
    if meta.prospect_id is None:
        raise ids.STALE
    with rep_request(caller) as req:
        subject = _subject(req, owned(req, meta.prospect_id), meta.tactic_id)
    return card_view(subject, meta, outcome)


def submit_outcome(
    caller: Caller, meta: ids.ModalMeta, form: OutcomeForm, ref: DigestRef | None
) -> Submitted:
    """Log what happened: inline errors, or the digest's redraw and what comes next."""
    if meta.prospect_id is None or meta.version is None or meta.tactic_id is None:
        raise ids.STALE
    if form.outcome is None:
        return inline_errors({ids.IN_OUTCOME: "Pick how it went."})
    # The prefilled proposal left as it was: let the coach decide (it moves with the outcome).
    next_on = None if form.next_on and form.next_on.isoformat() == meta.proposed else form.next_on
    if form.outcome in LEAVE_ROTATION:
        next_on = None
    learning = form.outcome is Outcome.LEARNED
    question = questions.QUESTIONS.get(form.question_id or "") if learning else None
    learned = form.learned
    if question is not None:  # a contract end alone is a learned fact worth its words
        learned = questions.answer_text(question, form.learned, form.fact_date, form.fact_contact)
    given = OutcomeInput(
        prospect_id=meta.prospect_id,
        version=meta.version,
        outcome=form.outcome,
        tactic_id=meta.tactic_id,
        learned=learned,
        successor=form.successor,
        next_on=next_on,
        walk_reason=form.walk_reason if form.outcome is Outcome.WALKED_AWAY else None,
        question_id=form.question_id if learning else None,
        fact_date=form.fact_date if learning else None,
        fact_contact=form.fact_contact if learning else None,
    )
    with rep_request(caller) as req:
        problems = outcome_problems(given, req.rep.today)
        if problems:
            return inline_errors(form_errors(problems, form))
        return Submitted(followups=record(req, given, ref))
