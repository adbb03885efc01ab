"""What to tell Slack after a click: computed inside the unit of work, sent after it commits.

A use case returns Followups as plain data (a modal to open, the digest's redraw,
messages, a notice for the clicker); the listener sends them, so what a rep sees always
matches what is stored, and no Slack round trip holds a database connection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot import ids
from bot.blocks.digest import DONE_LABELS
from bot.blocks.reevaluate import reevaluate_blocks, reevaluate_text
from bot.coach.playbook import human_date
from bot.domain import DecisionKind, Outcome
from bot.errors import NotFoundOrNotYours
from bot.mrkdwn import escape
from bot.parsing.payloads import DigestRef
from bot.usecases.digest import redrawn_digest
from bot.usecases.outcomes import OutcomeInput, earlier_answer, log_outcome
from bot.usecases.ranking import offered_next
from bot.usecases.request import Request
from store.models import Decision, Prospect, Touch
from store.repo import owned_prospect, prospect_facts


@dataclass
class Followups:
    """Slack calls to make once the unit of work has committed, in this order."""

    view: dict[str, Any] | None = None  # views.open, with the click's trigger_id
    update: dict[str, Any] | None = None  # chat.update (the digest, or an answered card)
    messages: list[dict[str, Any]] = field(default_factory=list)  # chat.postMessage
    notice: str | None = None  # for the clicker only (ephemeral, or a DM)


@dataclass(frozen=True, slots=True)
class Submitted:
    """The answer to a modal submission: the ack's body, or what to send after a plain ack."""

    response: dict[str, Any] | None = None  # ack(**response): inline errors, a new view
    followups: Followups = field(default_factory=Followups)


def inline_errors(errors: dict[str, str]) -> Submitted:
    return Submitted(response={"response_action": "errors", "errors": errors})


def owned(req: Request, prospect_id: int) -> Prospect:
    prospect = owned_prospect(req.session, rep=req.rep.rep, prospect_id=prospect_id)
    if prospect is None:
        raise NotFoundOrNotYours()
    return prospect


def answer_text(prospect: Prospect, earlier: Touch | Decision) -> str:
    name = escape(prospect.name)
    if isinstance(earlier, Touch):
        label = DONE_LABELS[Outcome(earlier.outcome)]
        return f"Already logged: {name}, {label.lower()} ({human_date(earlier.touched_on)})."
    kind = "walk away" if earlier.kind == DecisionKind.WALK_AWAY.value else "keep going"
    return f"Already decided: {kind} with {name} ({human_date(earlier.decided_on)})."


def stale_notice(req: Request, prospect: Prospect, version: int) -> str | None:
    """None when the click is current; otherwise what to tell the clicker."""
    if prospect.version == version:
        return None
    earlier = earlier_answer(req.session, prospect_id=prospect.id, version=version)
    if earlier is not None:
        return answer_text(prospect, earlier)
    return ids.STALE.message


def digest_update(req: Request, ref: DigestRef | None, prospect: Prospect) -> dict[str, Any] | None:
    """The chat.update that redraws the digest a click came from (None: not from a digest)."""
    if ref is None:
        return None
    req.session.flush()
    # The prospect's collections were loaded before this write: read them again.
    req.session.expire(prospect, ["touches", "decisions"])
    redrawn = redrawn_digest(
        req.session, req.rep, prospect_ids=ref.shown, on=ref.on, more_in_home=ref.more
    )
    if redrawn is None:
        return None
    text, blocks = redrawn
    return {"channel": ref.channel, "ts": ref.ts, "text": text, "blocks": blocks}


def stale_followups(
    req: Request, ref: DigestRef | None, prospect: Prospect, notice: str
) -> Followups:
    """A click on an old message: redraw the digest as it stands and say why nothing happened."""
    return Followups(update=digest_update(req, ref, prospect), notice=notice)


def record(req: Request, given: OutcomeInput, ref: DigestRef | None) -> Followups:
    """Log one outcome and work out what to show: the redraw, a re-evaluate card, a notice."""
    logged = log_outcome(req.session, req.rep, given, now=req.now)
    followups = Followups(update=digest_update(req, ref, logged.prospect))
    if logged.already_logged:
        followups.notice = answer_text(logged.prospect, logged.touch)
    elif logged.transition is not None and logged.transition.reevaluate is not None:
        facts = prospect_facts(logged.prospect)
        question = offered_next(req.session, req.rep, logged.prospect, logged.transition.reevaluate)
        followups.messages.append(
            {
                "channel": req.rep.rep.slack_user_id,
                "text": reevaluate_text(facts),
                "blocks": reevaluate_blocks(facts, logged.prospect.version, question),
            }
        )
    return followups


def log_click(req: Request, given: OutcomeInput, ref: DigestRef | None) -> Followups:
    """A one-click outcome (no reply, snooze): logged unless the button is stale."""
    prospect = owned(req, given.prospect_id)
    notice = stale_notice(req, prospect, given.version)
    if notice is not None:
        return stale_followups(req, ref, prospect, notice)
    return record(req, given, ref)


def meta_for(value: ids.ActionValue, ref: DigestRef | None) -> ids.ModalMeta:
    """A modal's private_metadata: the prospect clicked and the digest to redraw after."""
    return ids.ModalMeta(
        prospect_id=value.prospect_id,
        version=value.version,
        tactic_id=value.tactic_id,
        on=ref.on.isoformat() if ref else None,
        channel_id=ref.channel if ref else None,
        message_ts=ref.ts if ref else None,
        shown=ref.encoded_shown() if ref else None,
    )
