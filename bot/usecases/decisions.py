"""Deciding about a prospect: the re-evaluate card's two answers, and the walk-away modal."""

from __future__ import annotations

from bot import ids
from bot.blocks.reevaluate import answered_blocks, answered_text
from bot.domain import DecisionKind, WalkAwayReason
from bot.parsing.payloads import DigestRef
from bot.usecases.followups import (
    Followups,
    Submitted,
    answer_text,
    digest_update,
    inline_errors,
    owned,
)
from bot.usecases.outcomes import decide
from bot.usecases.request import Caller, rep_request
from store.repo import prospect_facts


def answer_reevaluation(
    caller: Caller,
    value: ids.ActionValue,
    kind: DecisionKind,
    reason: WalkAwayReason | None,
    card: tuple[str, str] | None,
    ref: DigestRef | None = None,
) -> Followups:
    """Walk away or keep going, once. From the re-evaluate card (channel, ts) the card is
    redrawn as answered; from the digest (`ref`) the digest is redrawn where it stands."""
    with rep_request(caller) as req:
        owned(req, value.prospect_id)
        decided = decide(
            req.session,
            req.rep,
            prospect_id=value.prospect_id,
            version=value.version,
            kind=kind,
            reason=reason,
            now=req.now,
        )
        decision = decided.decision
        notice = answer_text(decided.prospect, decision) if decided.already_decided else None
        if ref is not None:
            return Followups(update=digest_update(req, ref, decided.prospect), notice=notice)
        shown_kind = DecisionKind(decision.kind)
        shown_reason = WalkAwayReason(decision.reason) if decision.reason else None
        facts = prospect_facts(decided.prospect)
        next_on = decided.prospect.next_touch_on
        today = req.rep.today
    followups = Followups(notice=notice)
    if card is not None:
        followups.update = {
            "channel": card[0],
            "ts": card[1],
            "text": answered_text(facts),
            "blocks": answered_blocks(facts, shown_kind, shown_reason, next_on, today),
        }
    return followups


def walk_away(
    caller: Caller,
    meta: ids.ModalMeta,
    reason: WalkAwayReason | None,
    note: str | None,
    ref: DigestRef | None,
) -> Submitted:
    """The walk-away modal from the digest's menu: decided once, the digest redrawn."""
    if meta.prospect_id is None or meta.version is None:
        raise ids.STALE
    if reason is None:
        return inline_errors({ids.IN_WALK_REASON: "Pick why you are walking away."})
    with rep_request(caller) as req:
        decided = decide(
            req.session,
            req.rep,
            prospect_id=meta.prospect_id,
            version=meta.version,
            kind=DecisionKind.WALK_AWAY,
            reason=reason,
            now=req.now,
            note=note,
        )
        followups = Followups(update=digest_update(req, ref, decided.prospect))
        if decided.already_decided:
            followups.notice = answer_text(decided.prospect, decided.decision)
        return Submitted(followups=followups)
