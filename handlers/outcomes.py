"""Tactic cards, logging an outcome, and the re-evaluate card's decisions.

Every write happens inside one transaction before the ack; the Slack calls that
follow (digest redraw, re-evaluate card, "already logged") are computed inside it
and sent once it has committed, so what a rep sees always matches what is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import coach, ids
from bot.app import tell_user
from bot.blocks.digest import DONE_LABELS, shown_in
from bot.blocks.reevaluate import answered_blocks, reevaluate_blocks, reevaluate_text
from bot.blocks.tactic_card import (
    LEAVE_ROTATION,
    next_date_block_id,
    outcome_modal,
    read_outcome_form,
)
from bot.coach.playbook import human_date
from bot.domain import DecisionKind, Outcome, WalkAwayReason
from bot.errors import NotFoundOrNotYours
from bot.mrkdwn import escape
from bot.usecases.digest import redrawn_digest
from bot.usecases.outcomes import (
    OutcomeInput,
    decide,
    earlier_answer,
    log_outcome,
    outcome_problems,
)
from handlers._context import Request, rep_request
from store.models import Decision, Prospect, Touch
from store.repo import owned_prospect, prospect_facts, touch_history

# outcome_problems() field → the modal block that shows it.
FORM_BLOCKS = {
    "learned": ids.IN_LEARNED,
    "walk_reason": ids.IN_WALK_REASON,
    "outcome": ids.IN_OUTCOME,
}


def register(app: App) -> None:
    app.action(ids.TACTIC_PATTERN)(on_tactic)
    app.action(ids.OUTCOME_SELECT)(on_outcome_picked)
    app.view(ids.OUTCOME_MODAL)(on_outcome_submitted)
    app.action(ids.DECIDE_WALK_AWAY)(on_decide_walk_away)
    app.action(ids.DECIDE_KEEP_GOING)(on_decide_keep_going)


# --- where the digest is, so it can be redrawn ---------------------------------------


@dataclass(frozen=True, slots=True)
class DigestRef:
    channel: str
    ts: str
    shown: list[int]
    more: int
    on: date

    def encoded_shown(self) -> str:
        return ",".join(str(i) for i in self.shown) + f"+{self.more}"


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def digest_ref_from_click(body: dict[str, Any], value: ids.ActionValue) -> DigestRef | None:
    """The digest a button sits on (None for clicks anywhere else)."""
    container = body.get("container") or {}
    on = _day(value.on)
    if container.get("type") != "message" or on is None:
        return None
    shown, more = shown_in((body.get("message") or {}).get("blocks") or [])
    if not shown or value.prospect_id not in shown:
        return None
    return DigestRef(container["channel_id"], container["message_ts"], shown, more, on)


def digest_ref_from_meta(meta: ids.ModalMeta) -> DigestRef | None:
    on = _day(meta.on)
    if not (meta.channel_id and meta.message_ts and meta.shown and on):
        return None
    listed, _, more = meta.shown.partition("+")
    try:
        shown = [int(i) for i in listed.split(",") if i]
        return DigestRef(meta.channel_id, meta.message_ts, shown, int(more or 0), on)
    except ValueError:
        return None


def meta_for(value: ids.ActionValue, ref: DigestRef | None, **more: Any) -> ids.ModalMeta:
    return ids.ModalMeta(
        prospect_id=value.prospect_id,
        version=value.version,
        tactic_id=value.tactic_id,
        on=ref.on.isoformat() if ref else None,
        channel_id=ref.channel if ref else None,
        message_ts=ref.ts if ref else None,
        shown=ref.encoded_shown() if ref else None,
        **more,
    )


# --- what to tell Slack after a write --------------------------------------------------


@dataclass
class Followups:
    """Slack calls computed inside the transaction, sent after it commits."""

    update: dict[str, Any] | None = None  # chat.update of the digest
    messages: list[dict[str, Any]] = field(default_factory=list)  # chat.postMessage
    notice: str | None = None  # for the clicker only

    def send(self, context: BoltContext, client: WebClient) -> None:
        if self.update is not None:
            client.chat_update(**self.update)
        for message in self.messages:
            client.chat_postMessage(**message)
        if self.notice:
            tell_user(context, client, self.notice)


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


def record(req: Request, given: OutcomeInput, ref: DigestRef | None) -> Followups:
    """Log one outcome and work out what to show: the redraw, a re-evaluate card, a notice."""
    logged = log_outcome(req.session, req.rep, given, now=req.now)
    followups = Followups(update=digest_update(req, ref, logged.prospect))
    if logged.already_logged:
        followups.notice = answer_text(logged.prospect, logged.touch)
    elif logged.transition is not None and logged.transition.reevaluate is not None:
        facts = prospect_facts(logged.prospect)
        followups.messages.append(
            {
                "channel": req.rep.rep.slack_user_id,
                "text": reevaluate_text(facts),
                "blocks": reevaluate_blocks(
                    facts, logged.prospect.version, logged.transition.reevaluate
                ),
            }
        )
    return followups


# --- the tactic card -------------------------------------------------------------------


def proposal(req: Request, prospect: Prospect, tactic_id: str, outcome: Outcome) -> date | None:
    """The coach's next date for this outcome, to prefill the datepicker."""
    if outcome in LEAVE_ROTATION:
        return None
    try:
        transition = coach.apply_outcome(
            prospect_facts(prospect),
            touch_history(prospect),
            outcome=outcome,
            tactic_id=tactic_id,
            today=req.rep.today,
            settings=req.rep.settings.coach,
            workdays=req.rep.workdays,
            learned="(to be told)",
            successor="(to be told)",
        )
    except coach.InvalidOutcome:
        return None
    return transition.next_touch_on


def card_view(
    req: Request, prospect: Prospect, meta: ids.ModalMeta, outcome: Outcome | None
) -> dict[str, Any]:
    if meta.tactic_id not in coach.TACTICS or meta.tactic_id == coach.HOMEWORK.id:
        raise ids.STALE
    tactic = coach.TACTICS[meta.tactic_id]
    facts = prospect_facts(prospect)
    today = req.rep.today
    card = coach.tactic_card(tactic, facts, today, req.rep.settings.coach)
    proposed = proposal(req, prospect, tactic.id, outcome or Outcome.LEARNED)
    meta = ids.ModalMeta(
        **{**_meta_dict(meta), "proposed": proposed.isoformat() if proposed else None}
    )
    return outcome_modal(
        facts,
        card,
        today=today,
        meta=ids.encode_meta(meta),
        outcome=outcome,
        proposed=proposed,
    )


def _meta_dict(meta: ids.ModalMeta) -> dict[str, Any]:
    return {name: getattr(meta, name) for name in ids.ModalMeta.__dataclass_fields__}


def on_tactic(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    value = ids.decode_value(body["actions"][0].get("value"))
    ref = digest_ref_from_click(body, value)
    view = None
    followups = Followups()
    with rep_request(context, client) as req:
        prospect = owned(req, value.prospect_id)
        notice = stale_notice(req, prospect, value.version)
        if notice is None:
            view = card_view(req, prospect, meta_for(value, ref), None)
        else:
            followups = Followups(update=digest_update(req, ref, prospect), notice=notice)
    if view is not None:
        client.views_open(trigger_id=body["trigger_id"], view=view)
    followups.send(context, client)


def on_outcome_picked(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """The radio changed: redraw the form for that outcome and re-propose the date."""
    ack()
    view = body["view"]
    meta = ids.decode_meta(view.get("private_metadata"))
    chosen = (body["actions"][0].get("selected_option") or {}).get("value")
    try:
        outcome = Outcome(chosen)
    except ValueError:
        raise ids.STALE from None
    if meta.prospect_id is None:
        raise ids.STALE
    with rep_request(context, client) as req:
        new_view = card_view(req, owned(req, meta.prospect_id), meta, outcome)
    try:
        client.views_update(view_id=view["id"], hash=view.get("hash"), view=new_view)
    except SlackApiError as error:
        if error.response.get("error") != "hash_conflict":
            raise
        # A later pick already redrew the modal; that one wins.


def on_outcome_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    meta = ids.decode_meta(view.get("private_metadata"))
    if meta.prospect_id is None or meta.version is None or meta.tactic_id is None:
        raise ids.STALE
    form = read_outcome_form(view.get("state", {}).get("values", {}))
    if form.outcome is None:
        ack(response_action="errors", errors={ids.IN_OUTCOME: "Pick how it went."})
        return
    # The prefilled proposal left as it was: let the coach decide (it moves with the outcome).
    next_on = None if form.next_on and form.next_on.isoformat() == meta.proposed else form.next_on
    if form.outcome in LEAVE_ROTATION:
        next_on = None
    given = OutcomeInput(
        prospect_id=meta.prospect_id,
        version=meta.version,
        outcome=form.outcome,
        tactic_id=meta.tactic_id,
        learned=form.learned,
        successor=form.successor,
        next_on=next_on,
        walk_reason=form.walk_reason if form.outcome is Outcome.WALKED_AWAY else None,
    )
    errors: dict[str, str] = {}
    with rep_request(context, client) as req:
        problems = outcome_problems(given, req.rep.today)
        if problems:
            date_block = form.next_block or next_date_block_id(form.outcome)
            errors = {
                FORM_BLOCKS.get(name, date_block): message for name, message in problems.items()
            }
        else:
            followups = record(req, given, digest_ref_from_meta(meta))
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    followups.send(context, client)


# --- the re-evaluate card ----------------------------------------------------------------


def _card_location(body: dict[str, Any]) -> tuple[str, str] | None:
    container = body.get("container") or {}
    if container.get("type") != "message":
        return None
    return container["channel_id"], container["message_ts"]


def _decide(
    body: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    value: ids.ActionValue,
    kind: DecisionKind,
    reason: WalkAwayReason | None,
) -> None:
    with rep_request(context, client) as req:
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
        shown_kind = DecisionKind(decision.kind)
        shown_reason = WalkAwayReason(decision.reason) if decision.reason else None
        facts = prospect_facts(decided.prospect)
        blocks = answered_blocks(
            facts, shown_kind, shown_reason, decided.prospect.next_touch_on, req.rep.today
        )
        notice = answer_text(decided.prospect, decision) if decided.already_decided else None
    where = _card_location(body)
    if where is not None:
        client.chat_update(
            channel=where[0], ts=where[1], text=f"Decided about {facts.name}.", blocks=blocks
        )
    if notice:
        tell_user(context, client, notice)


def on_decide_walk_away(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    ack()
    selected = body["actions"][0].get("selected_option") or {}
    value = ids.decode_value(selected.get("value"))
    try:
        reason = WalkAwayReason(value.option)
    except ValueError:
        raise ids.STALE from None
    _decide(body, context, client, value, DecisionKind.WALK_AWAY, reason)


def on_decide_keep_going(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    ack()
    value = ids.decode_value(body["actions"][0].get("value"))
    _decide(body, context, client, value, DecisionKind.KEEP_GOING, None)
