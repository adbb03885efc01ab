"""A prospect's answered questions: read for the digest, the card, Home and Details, and
written with the contact that answered them (inside log_outcome's unit of work).

The rules (which question comes next, what a fact changes) are bot.coach.questions; this
module only moves answers between the database and those rules, scoped by workspace.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.coach import questions as qs
from bot.errors import UserError
from bot.mrkdwn import escape
from bot.reps import RepContext
from store.models import Prospect, ProspectAnswer, Touch
from store.repo import prospect_facts

if TYPE_CHECKING:  # reading.py calls with_backlogs: no import back at load time
    from bot.usecases.reading import DueItem


def answers_of(
    session: Session, *, workspace_id: int, prospect_ids: Sequence[int]
) -> dict[int, list[qs.Answer]]:
    """Each prospect's answers, in one query (prospects of this workspace only)."""
    found: dict[int, list[qs.Answer]] = {pid: [] for pid in prospect_ids}
    if not found:
        return found
    rows = session.execute(
        select(
            ProspectAnswer.prospect_id,
            ProspectAnswer.question_id,
            ProspectAnswer.answered_on,
            ProspectAnswer.answer,
        )
        .where(
            ProspectAnswer.workspace_id == workspace_id,
            ProspectAnswer.prospect_id.in_(list(found)),
        )
        .order_by(ProspectAnswer.id)
    )
    for row in rows:
        found[row.prospect_id].append(qs.Answer(row.question_id, row.answered_on, row.answer))
    return found


def backlog_for(session: Session, prospect: Prospect) -> qs.Backlog:
    answers = answers_of(session, workspace_id=prospect.workspace_id, prospect_ids=[prospect.id])
    return qs.backlog_of(prospect_facts(prospect).situation, answers[prospect.id])


def with_backlogs(
    session: Session, workspace_id: int, batches: list[list[DueItem]]
) -> list[list[DueItem]]:
    """Due items with their question backlogs: one query for every item of the batches."""
    ids = [item.facts.id for batch in batches for item in batch if item.facts.id is not None]
    if not ids:
        return batches
    answers = answers_of(session, workspace_id=workspace_id, prospect_ids=ids)
    return [[_with_backlog(item, answers) for item in batch] for batch in batches]


def _with_backlog(item: DueItem, answers: dict[int, list[qs.Answer]]) -> DueItem:
    if item.facts.id is None:
        return item
    return replace(item, backlog=qs.backlog_of(item.facts.situation, answers[item.facts.id]))


def question_answered(
    session: Session, prospect: Prospect, question_id: str | None
) -> qs.Question | None:
    """The open question a contact answers (None for "something else" or none picked);
    a question that is not this prospect's, or answered already, is refused."""
    if question_id is None or question_id == qs.SOMETHING_ELSE:
        return None
    backlog = backlog_for(session, prospect)
    done = {question.id for question, _ in backlog.answered}
    try:
        return qs.question_to_answer(prospect_facts(prospect).situation, question_id, done)
    except UserError as refused:
        raise UserError(f"{escape(prospect.name)}: {refused.message}") from None


def record_answer(
    session: Session,
    ctx: RepContext,
    prospect: Prospect,
    touch: Touch,
    question: qs.Question,
    *,
    text: str | None,
    on: date,
    now: datetime,
) -> ProspectAnswer:
    answer = ProspectAnswer(
        workspace_id=ctx.workspace.id,
        prospect_id=prospect.id,
        question_id=question.id,
        touch_id=touch.id,
        answered_on=on,
        answer=text,
        created_at=now,
    )
    session.add(answer)
    return answer
