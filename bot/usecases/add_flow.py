"""Adding from Slack: `/revive add` (one line or the form), the duplicate prompt, the modal.

The quick text arrives already read (bot.parsing.quick_add, outside any transaction).
Writes commit before the listener acks, so the reply a rep sees describes what is
stored. Duplicates: the one-line form asks with Add anyway / Don't add buttons; the
modal redraws itself with an "Add a second one anyway" checkbox that must be ticked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from bot import ids
from bot.blocks.add_modal import add_modal, duplicate_modal, field_errors, quick_add_note
from bot.blocks.command_replies import Reply, added_confirmation, duplicate_prompt, who
from bot.errors import UserError
from bot.mrkdwn import escape
from bot.parsing.quick_add import QuickText, encode_pending
from bot.usecases.adding import NewProspect, add_prospect, duplicates_of, problems_with
from bot.usecases.followups import Followups, Submitted, inline_errors
from bot.usecases.request import Caller, Request, rep_request
from store.models import Rep
from store.repo import prospect_facts

ADD_ANYWAY_ERROR = "Tick the box to add a second one, or press Cancel."


@dataclass(frozen=True, slots=True)
class AddAnswer:
    """What `/revive add` answers: an ephemeral reply, or a form to open."""

    reply: Reply | None = None
    view: dict[str, Any] | None = None


def _empty_form(today: date) -> dict[str, Any]:
    return add_modal(today, private_metadata=ids.encode_meta(ids.ModalMeta()))


def add_form(caller: Caller) -> dict[str, Any]:
    """The empty form (Home's Add button, or `/revive add` alone)."""
    with rep_request(caller) as req:
        today = req.rep.today
    return _empty_form(today)


def quick_add(caller: Caller, quick: QuickText | None) -> AddAnswer:
    """Add what one line describes; anything missing or unclear opens the prefilled form."""
    if quick is None:
        return AddAnswer(view=add_form(caller))
    existing = 0
    with rep_request(caller) as req:
        today = req.rep.today
        parsed = quick.resolve(today)
        problems = problems_with(parsed.new, today)
        if not (parsed.unknown or problems):
            _lock_rep(req)
            existing = len(duplicates_of(req.session, req.rep, parsed.new))
            if not existing:
                return AddAnswer(reply=_add(req, parsed.new))
    new = parsed.new
    if parsed.unknown or problems:
        note = quick_add_note(parsed.unknown, problems)
        meta = ids.encode_meta(ids.ModalMeta())
        return AddAnswer(view=add_modal(today, prefill=new, note=note, private_metadata=meta))
    value = encode_pending(new, existing)
    if value is None:  # too long for a button: ask in the modal
        return AddAnswer(view=duplicate_modal(today, new, ids.ModalMeta()))
    return AddAnswer(reply=duplicate_prompt(new, existing, value))


def add_anyway(caller: Caller, new: NewProspect, existing: int) -> Reply:
    """The duplicate prompt's "Add anyway": adds once, however often it is clicked."""
    with rep_request(caller) as req:
        problems = problems_with(new, req.rep.today)
        if problems:  # a forged value: say what is wrong, add nothing
            raise UserError(" ".join(problems.values()))
        _lock_rep(req)
        if len(duplicates_of(req.session, req.rep, new)) <= existing:
            return _add(req, new)
    already = f"{who(new.name, new.company)} was already added."
    return Reply(
        text=f"{escape(new.name)} was already added.",
        blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": already}}],
    )


def submit_add_form(
    caller: Caller, new: NewProspect, meta: ids.ModalMeta, add_anyway_ticked: bool
) -> Submitted:
    """The form submitted: inline errors, the duplicate question, or added and confirmed."""
    with rep_request(caller) as req:
        today = req.rep.today
        problems = problems_with(new, today)
        if problems:
            return inline_errors(field_errors(problems))
        _lock_rep(req)
        existing = duplicates_of(req.session, req.rep, new)
        if not existing or (meta.confirm_duplicate and add_anyway_ticked):
            reply = _add(req, new)
            # A modal has no response_url: the confirmation arrives as a DM from the bot.
            message = {"channel": caller.user_id, "text": reply.text, "blocks": reply.blocks}
            return Submitted(followups=Followups(messages=[message]))
    if not meta.confirm_duplicate:
        view = duplicate_modal(today, new, meta)
        return Submitted(response={"response_action": "update", "view": view})
    return inline_errors({ids.IN_ADD_ANYWAY: ADD_ANYWAY_ERROR})


def _add(req: Request, new: NewProspect) -> Reply:
    added = add_prospect(req.session, req.rep, new, now=req.now)
    return added_confirmation(
        prospect_facts(added.prospect), added.first_choice, added.first_due, req.rep.today
    )


def _lock_rep(req: Request) -> None:
    """Serialise this rep's adds so a double click cannot slip two copies past the check.

    SQLite already writes one transaction at a time (BEGIN IMMEDIATE); PostgreSQL
    needs the row lock."""
    req.session.execute(select(Rep.id).where(Rep.id == req.rep.rep.id).with_for_update())
