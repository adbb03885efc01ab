"""The walk-away review's clicks: one unit of work each, then the manager's Home redrawn.

Kept apart from bot.team.review because it redraws the Home (bot.usecases.home), whose
manager sections import bot.team.review.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot import ids
from bot.blocks.walkaway_review import (
    HandOverForm,
    already_notice,
    hand_over_modal,
    handed_over_notice,
    previous_rep_text,
    reopened_notice,
)
from bot.domain import DecisionKind
from bot.errors import UserError
from bot.mrkdwn import escape
from bot.team import review
from bot.team.handover import clean_note
from bot.usecases.followups import Followups
from bot.usecases.home import HomeTab, open_home
from bot.usecases.request import Caller, Request, rep_request


@dataclass
class ReviewAnswer:
    """What to send: the modal ack's errors, or the follow-ups and whose Home to redraw
    (after the ack: drawing it is the slow part of a submission)."""

    followups: Followups = field(default_factory=Followups)
    redraw_for: Caller | None = None  # the manager whose Home shows the review
    response: dict[str, Any] | None = None  # ack(**response) for a modal submission

    def home(self) -> HomeTab | None:
        """The manager's Home, read after the commit so it shows what is stored."""
        return open_home(self.redraw_for) if self.redraw_for is not None else None


def reopen(caller: Caller, value: ids.ActionValue) -> ReviewAnswer:
    """The Reopen button: once per version, then the manager's Home redrawn."""
    with rep_request(caller) as req:
        done = review.reopen(
            req.session,
            req.rep,
            prospect_id=value.prospect_id,
            version=value.version,
            now=req.now,
        )
        notice = _notice(req, done)
    return ReviewAnswer(Followups(notice=notice), redraw_for=caller)


def open_hand_over(caller: Caller, value: ids.ActionValue) -> Followups:
    """The Hand to a fresh voice button: the modal, or why it can't be handed over."""
    with rep_request(caller) as req:
        found = review.target(req.session, req.rep, value.prospect_id, value.version)
        done = review.earlier(req.session, found)
        if done is not None:
            return Followups(notice=_notice(req, review.Reviewed(found.prospect, done, True)))
        review.check_open(req.session, found, value.version)
        choices = review.hand_over_choices(req.session, found.owner)
        prospect = found.prospect
        if not choices:
            raise UserError(
                f"There is no other active rep in <@{escape(found.owner.slack_user_id)}>'s team "
                f"to hand {escape(prospect.name)} to."
            )
        meta = ids.encode_meta(ids.ModalMeta(prospect_id=prospect.id, version=value.version))
        view = hand_over_modal(
            prospect.name, prospect.company, found.owner.slack_user_id, choices, meta
        )
    return Followups(view=view)


def hand_over(caller: Caller, meta: ids.ModalMeta, form: HandOverForm) -> ReviewAnswer:
    """The hand-over modal submitted: inline errors, or moved once and the previous rep told."""
    if meta.prospect_id is None or meta.version is None:
        raise ids.STALE
    with rep_request(caller) as req:
        found = review.target(req.session, req.rep, meta.prospect_id, meta.version)
        done = review.earlier(req.session, found)
        if done is not None:
            notice = _notice(req, review.Reviewed(found.prospect, done, True))
            return ReviewAnswer(Followups(notice=notice))
        review.check_open(req.session, found, meta.version)
        choices = review.hand_over_choices(req.session, found.owner)
        problems = review.hand_over_problems(form, choices)
        note = clean_note(form.note)
        if problems or form.new_rep_id is None or note is None:
            return ReviewAnswer(response={"response_action": "errors", "errors": problems})
        previous = found.owner.slack_user_id
        done = review.hand_over(
            req.session, req.rep, found, new_rep_id=form.new_rep_id, note=note, now=req.now
        )
        followups = Followups(notice=_notice(req, done))
        if not done.already:
            prospect, new_user = done.prospect, review.slack_id(req.session, form.new_rep_id)
            text = previous_rep_text(
                prospect.name, prospect.company, req.rep.rep.slack_user_id, new_user or ""
            )
            followups.messages.append({"channel": previous, "text": text})
    return ReviewAnswer(followups, redraw_for=caller)


def _notice(req: Request, done: review.Reviewed) -> str:
    """What the manager reads after a click: what was done, or what had been done already."""
    prospect, decision = done.prospect, done.decision
    kind = DecisionKind(decision.kind)
    if done.already or done.due is None:
        by = review.slack_id(req.session, decision.by_rep_id)
        return already_notice(kind, prospect.name, prospect.company, by, decision.decided_on)
    today = req.rep.today
    if kind is DecisionKind.HAND_OVER:
        new_user = review.slack_id(req.session, decision.to_rep_id) or ""
        return handed_over_notice(prospect.name, prospect.company, new_user, done.due, today)
    owner = review.slack_id(req.session, prospect.rep_id) or ""
    return reopened_notice(prospect.name, prospect.company, owner, done.due, today)
