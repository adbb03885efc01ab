"""The digest's one-click buttons and its overflow menu: no reply, snooze, walk away, details."""

from __future__ import annotations

from datetime import date, timedelta

from bot import coach, ids
from bot.blocks.digest import DONE_LABELS
from bot.blocks.prospect_modals import (
    WALK_REASON_LABELS,
    Happened,
    details_modal,
    snooze_modal,
    walk_away_modal,
)
from bot.domain import DecisionKind, Outcome, WalkAwayReason
from bot.mrkdwn import escape
from bot.parsing.payloads import DigestRef
from bot.usecases.answers import backlog_for
from bot.usecases.followups import (
    Followups,
    Submitted,
    digest_update,
    inline_errors,
    log_click,
    meta_for,
    owned,
    record,
    stale_followups,
    stale_notice,
)
from bot.usecases.outcomes import OutcomeInput, mark_do_not_contact, outcome_problems
from bot.usecases.request import Caller, rep_request
from store.models import Prospect
from store.repo import prospect_facts

SNOOZE_WEEK = timedelta(days=7)
MENU_MODALS = (ids.MENU_SNOOZE_PICK, ids.MENU_WALK_AWAY, ids.MENU_DETAILS)


def known_tactic(tactic_id: str | None) -> str:
    """The tactic a click logs against; one that no longer exists makes the button stale."""
    if tactic_id not in coach.TACTICS:
        raise ids.STALE
    return tactic_id


def no_reply(caller: Caller, value: ids.ActionValue, ref: DigestRef | None) -> Followups:
    given = OutcomeInput(
        value.prospect_id, value.version, Outcome.NO_REPLY, known_tactic(value.tactic_id)
    )
    with rep_request(caller) as req:
        return log_click(req, given, ref)


def snooze_week(caller: Caller, value: ids.ActionValue, ref: DigestRef | None) -> Followups:
    tactic_id = known_tactic(value.tactic_id)
    with rep_request(caller) as req:
        next_on = req.rep.today + SNOOZE_WEEK
        given = OutcomeInput(
            value.prospect_id, value.version, Outcome.SNOOZED, tactic_id, next_on=next_on
        )
        return log_click(req, given, ref)


def open_menu_item(caller: Caller, value: ids.ActionValue, ref: DigestRef | None) -> Followups:
    """Snooze to a date, walk away, details: a modal (details open even from an old message)."""
    if value.option not in MENU_MODALS:
        raise ids.STALE
    meta = ids.encode_meta(meta_for(value, ref))
    with rep_request(caller) as req:
        prospect = owned(req, value.prospect_id)
        facts = prospect_facts(prospect)
        today = req.rep.today
        if value.option == ids.MENU_DETAILS:
            happened = history(prospect)
            backlog = backlog_for(req.session, prospect)
        else:
            notice = stale_notice(req, prospect, value.version)
            if notice is not None:
                return stale_followups(req, ref, prospect, notice)
    if value.option == ids.MENU_DETAILS:
        return Followups(view=details_modal(facts, happened, today, meta, backlog))
    if value.option == ids.MENU_SNOOZE_PICK:
        known_tactic(value.tactic_id)
        return Followups(view=snooze_modal(facts, today, meta))
    return Followups(view=walk_away_modal(facts, meta))


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


def snooze_to(
    caller: Caller, meta: ids.ModalMeta, picked: date | None, ref: DigestRef | None
) -> Submitted:
    """The snooze modal: the picked day checked, then logged like any outcome."""
    if meta.prospect_id is None or meta.version is None:
        raise ids.STALE
    tactic_id = known_tactic(meta.tactic_id)
    given = OutcomeInput(meta.prospect_id, meta.version, Outcome.SNOOZED, tactic_id, next_on=picked)
    with rep_request(caller) as req:
        problems = outcome_problems(given, req.rep.today)
        if problems:
            return inline_errors({ids.IN_SNOOZE_DATE: " ".join(problems.values())})
        return Submitted(followups=record(req, given, ref))


def do_not_contact(
    caller: Caller, meta: ids.ModalMeta, checked: bool, ref: DigestRef | None
) -> Submitted:
    """The details modal saved: ticked "they asked not to be contacted" closes the file for
    good (PLAYBOOK.md rule 2); left unticked, nothing changes."""
    if not checked:
        return Submitted()
    if meta.prospect_id is None:
        raise ids.STALE
    with rep_request(caller) as req:
        marked = mark_do_not_contact(
            req.session, req.rep, prospect_id=meta.prospect_id, now=req.now
        )
        name = escape(marked.prospect.name)
        notice = (
            f"{name} was already marked: they asked not to be contacted."
            if marked.already
            else f"Noted: {name} asked not to be contacted. The file is closed for good: no "
            "reminder, news or reopening brings them back."
        )
        return Submitted(
            followups=Followups(update=digest_update(req, ref, marked.prospect), notice=notice)
        )
