"""The digest's one-click buttons and its overflow menu: no reply, snooze, walk away, details."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import coach, ids
from bot.blocks.digest import DONE_LABELS
from bot.blocks.prospect_modals import (
    WALK_REASON_LABELS,
    Happened,
    details_modal,
    read_walk_reason,
    snooze_modal,
    walk_away_modal,
)
from bot.blocks.state import read_date, read_text
from bot.domain import DecisionKind, Outcome, WalkAwayReason
from bot.usecases.outcomes import OutcomeInput, decide, outcome_problems
from handlers._context import Request, rep_request
from handlers.outcomes import (
    Followups,
    answer_text,
    digest_ref_from_click,
    digest_ref_from_meta,
    digest_update,
    meta_for,
    owned,
    record,
    stale_notice,
)
from store.models import Prospect
from store.repo import prospect_facts

SNOOZE_WEEK = timedelta(days=7)


def register(app: App) -> None:
    app.action(ids.NO_REPLY)(on_no_reply)
    app.action(ids.PROSPECT_MENU)(on_menu)
    app.view(ids.SNOOZE_MODAL)(on_snooze_submitted)
    app.view(ids.WALK_AWAY_MODAL)(on_walk_away_submitted)


def _clicked_value(body: dict[str, Any]) -> ids.ActionValue:
    action = body["actions"][0]
    selected = action.get("selected_option") or {}
    return ids.decode_value(selected.get("value") or action.get("value"))


def _tactic(value: ids.ActionValue) -> str:
    if value.tactic_id not in coach.TACTICS:
        raise ids.STALE
    return value.tactic_id


def on_no_reply(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    value = _clicked_value(body)
    given = OutcomeInput(value.prospect_id, value.version, Outcome.NO_REPLY, _tactic(value))
    _log_from_digest(body, context, client, value, given)


def _log_from_digest(
    body: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    value: ids.ActionValue,
    given: OutcomeInput,
) -> None:
    ref = digest_ref_from_click(body, value)
    with rep_request(context, client) as req:
        prospect = owned(req, value.prospect_id)
        notice = stale_notice(req, prospect, value.version)
        if notice is not None:
            followups = Followups(update=digest_update(req, ref, prospect), notice=notice)
        else:
            followups = record(req, given, ref)
    followups.send(context, client)


def on_menu(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    value = _clicked_value(body)
    if value.option == ids.MENU_SNOOZE_WEEK:
        _snooze_week(body, context, client, value)
        return
    if value.option not in (ids.MENU_SNOOZE_PICK, ids.MENU_WALK_AWAY, ids.MENU_DETAILS):
        raise ids.STALE
    ref = digest_ref_from_click(body, value)
    view = None
    followups = Followups()
    with rep_request(context, client) as req:
        prospect = owned(req, value.prospect_id)
        facts = prospect_facts(prospect)
        meta = ids.encode_meta(meta_for(value, ref))
        notice = stale_notice(req, prospect, value.version)
        if value.option == ids.MENU_DETAILS:
            view = details_modal(facts, history(prospect), req.rep.today, meta)
        elif notice is not None:
            followups = Followups(update=digest_update(req, ref, prospect), notice=notice)
        elif value.option == ids.MENU_SNOOZE_PICK:
            _tactic(value)
            view = snooze_modal(facts, req.rep.today, meta)
        else:
            view = walk_away_modal(facts, meta)
    if view is not None:
        client.views_open(trigger_id=body["trigger_id"], view=view)
    followups.send(context, client)


def _snooze_week(
    body: dict[str, Any], context: BoltContext, client: WebClient, value: ids.ActionValue
) -> None:
    with rep_request(context, client) as req:
        today = req.rep.today
    given = OutcomeInput(
        value.prospect_id,
        value.version,
        Outcome.SNOOZED,
        _tactic(value),
        next_on=today + SNOOZE_WEEK,
    )
    _log_from_digest(body, context, client, value, given)


def history(prospect: Prospect) -> list[Happened]:
    """Touches and decisions, in the rep's words where they typed any."""
    lines: list[Happened] = []
    for touch in prospect.touches:
        tactic = coach.TACTICS.get(touch.tactic_id)
        label = DONE_LABELS[Outcome(touch.outcome)]
        if tactic is not None and touch.outcome != Outcome.SNOOZED.value:
            label += f" ({tactic.title})"
        lines.append(Happened(touch.touched_on, label, touch.learned or touch.successor))
    for decision in prospect.decisions:
        if decision.kind == DecisionKind.WALK_AWAY.value:
            reason = WalkAwayReason(decision.reason) if decision.reason else None
            label = "Decided to walk away"
            if reason is not None:
                label += f": {WALK_REASON_LABELS[reason].lower()}"
        else:
            label = "Decided to keep going"
        lines.append(Happened(decision.decided_on, label, decision.note))
    return lines


# --- the two small modals ------------------------------------------------------------------


def _meta(view: dict[str, Any]) -> ids.ModalMeta:
    meta = ids.decode_meta(view.get("private_metadata"))
    if meta.prospect_id is None or meta.version is None:
        raise ids.STALE
    return meta


def on_snooze_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    meta = _meta(view)
    picked = read_date(view.get("state", {}).get("values", {}), ids.IN_SNOOZE_DATE)
    if meta.tactic_id not in coach.TACTICS:
        raise ids.STALE
    assert meta.prospect_id is not None and meta.version is not None and meta.tactic_id
    given = OutcomeInput(
        meta.prospect_id, meta.version, Outcome.SNOOZED, meta.tactic_id, next_on=picked
    )
    with rep_request(context, client) as req:
        problems = outcome_problems(given, req.rep.today)
        if not problems:
            followups = record(req, given, digest_ref_from_meta(meta))
    if problems:
        ack(response_action="errors", errors={ids.IN_SNOOZE_DATE: " ".join(problems.values())})
        return
    ack()
    followups.send(context, client)


def on_walk_away_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    meta = _meta(view)
    values = view.get("state", {}).get("values", {})
    reason = read_walk_reason(values)
    if reason is None:
        ack(response_action="errors", errors={ids.IN_WALK_REASON: "Pick why you are walking away."})
        return
    assert meta.prospect_id is not None and meta.version is not None
    with rep_request(context, client) as req:
        followups = _walk_away(req, meta, reason, read_text(values, ids.IN_NOTE))
    ack()
    followups.send(context, client)


def _walk_away(
    req: Request, meta: ids.ModalMeta, reason: WalkAwayReason, note: str | None
) -> Followups:
    assert meta.prospect_id is not None and meta.version is not None
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
    followups = Followups(update=digest_update(req, digest_ref_from_meta(meta), decided.prospect))
    if decided.already_decided:
        followups.notice = answer_text(decided.prospect, decided.decision)
    return followups
