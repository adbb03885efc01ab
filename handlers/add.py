"""Adding prospects: `/revive add`, the add modal, the duplicate prompt, Home's Add button.

Writes commit before the ack (SQLite and PostgreSQL answer in milliseconds), so the
reply a rep sees always describes what is stored.

Duplicates: the quick syntax asks with Add anyway / Don't add buttons; the modal
redraws itself with an "Add a second one anyway" checkbox that must be ticked.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import ids
from bot.blocks.add_modal import (
    FIELD_BLOCKS,
    add_anyway_ticked,
    add_modal,
    not_understood_note,
    submitted_prospect,
)
from bot.blocks.command_replies import Reply, added_confirmation, duplicate_prompt, who
from bot.errors import UserError
from bot.mrkdwn import escape
from bot.parsing.quick_add import parse_quick_add, pending_from_json, pending_to_json
from bot.reps import RepContext
from bot.usecases.adding import NewProspect, add_prospect, duplicates_of, problems_with
from handlers._context import rep_request
from store.models import Rep
from store.repo import prospect_facts

DUPLICATE_NOTE = ":warning: You already have {who}. Tick the box at the bottom to add a second one."


def register(app: App) -> None:
    app.view(ids.ADD_MODAL)(on_add_submitted)
    app.action(ids.ADD_ANYWAY)(on_add_anyway)
    app.action(ids.ADD_CANCEL)(on_add_cancel)
    app.action(ids.HOME_ADD)(on_home_add)


# --- /revive add -------------------------------------------------------------------


def add_command(
    ack: Ack, command: dict[str, str], context: BoltContext, client: WebClient, text: str
) -> None:
    """Called by handlers.commands for `/revive add …`."""
    view: dict[str, Any] | None = None
    reply: Reply
    with rep_request(context, client) as req:
        today = req.rep.today
        if not text.strip():
            view = add_modal(today, private_metadata=ids.encode_meta(ids.ModalMeta()))
        else:
            quick = parse_quick_add(text, today)
            problems = problems_with(quick.new, today)
            if quick.unknown or problems:
                view = add_modal(
                    today,
                    prefill=quick.new,
                    note=_modal_note(quick.unknown, problems),
                    private_metadata=ids.encode_meta(ids.ModalMeta()),
                )
            else:
                _lock_rep(req.session, req.rep)
                existing = duplicates_of(req.session, req.rep, quick.new)
                value = _pending_value(quick.new, len(existing))
                if existing and value is None:  # too long for a button: ask in the modal
                    view = _duplicate_modal(req.rep, quick.new, ids.ModalMeta())
                elif existing and value is not None:
                    reply = duplicate_prompt(quick.new, len(existing), value)
                else:
                    reply = _add(req.session, req.rep, quick.new, req.now)
    if view is None:
        ack(response_type="ephemeral", text=reply.text, blocks=reply.blocks)
        return
    ack()
    client.views_open(trigger_id=command["trigger_id"], view=view)


def _modal_note(unknown: list[str], problems: dict[str, str]) -> str:
    parts = []
    if unknown:
        parts.append(not_understood_note(unknown))
    if problems:
        parts.append(":point_down: Still needed: " + " ".join(problems.values()))
    return "\n".join(parts)


def _add(session: Session, ctx: RepContext, new: NewProspect, now: datetime) -> Reply:
    added = add_prospect(session, ctx, new, now=now)
    return added_confirmation(
        prospect_facts(added.prospect), added.first_choice, added.first_due, ctx.today
    )


def _lock_rep(session: Session, ctx: RepContext) -> None:
    """Serialise this rep's adds so a double click cannot slip two copies past the check.

    SQLite already writes one transaction at a time (BEGIN IMMEDIATE); PostgreSQL
    needs the row lock."""
    session.execute(select(Rep.id).where(Rep.id == ctx.rep.id).with_for_update())


# --- the duplicate prompt's buttons ------------------------------------------------


def _pending_value(new: NewProspect, existing: int) -> str | None:
    """The button value: the prospect to add and how many copies existed when asked."""
    text = json.dumps({"n": existing, "p": pending_to_json(new)}, separators=(",", ":"))
    return text if len(text) <= ids.SLACK_VALUE_MAX else None


def _decode_pending(value: str | None) -> tuple[NewProspect, int]:
    try:
        data = json.loads(value or "")
    except json.JSONDecodeError:
        raise ids.STALE from None
    if not isinstance(data, dict) or set(data) != {"n", "p"}:
        raise ids.STALE
    existing = data["n"]
    new = pending_from_json(data["p"])
    if new is None or not isinstance(existing, int) or isinstance(existing, bool):
        raise ids.STALE
    return new, existing


def on_add_anyway(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    # Checked and written before the ack: a UserError raised after ack() races Bolt's
    # thread runner (the ack is lost and the click hangs for 3 seconds).
    new, existing = _decode_pending(body["actions"][0].get("value"))
    with rep_request(context, client) as req:
        problems = problems_with(new, req.rep.today)
        if problems:  # a forged value: say what is wrong, add nothing
            raise UserError(" ".join(problems.values()))
        _lock_rep(req.session, req.rep)
        if len(duplicates_of(req.session, req.rep, new)) > existing:
            already = f"{who(new.name, new.company)} was already added."
            reply = Reply(
                text=f"{escape(new.name)} was already added.",
                blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": already}}],
            )
        else:
            reply = _add(req.session, req.rep, new, req.now)
    ack()
    respond(replace_original=True, text=reply.text, blocks=reply.blocks)


def on_add_cancel(ack: Ack, respond: Respond) -> None:
    ack()
    respond(replace_original=True, text="OK, I didn't add it.")


# --- the modal ---------------------------------------------------------------------


def on_home_add(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    with rep_request(context, client) as req:
        view = add_modal(req.rep.today, private_metadata=ids.encode_meta(ids.ModalMeta()))
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=view)


def _duplicate_modal(ctx: RepContext, new: NewProspect, meta: ids.ModalMeta) -> dict[str, Any]:
    return add_modal(
        ctx.today,
        prefill=new,
        note=DUPLICATE_NOTE.format(who=who(new.name, new.company)),
        private_metadata=ids.encode_meta(replace(meta, confirm_duplicate=True)),
        confirm_duplicate=True,
    )


def on_add_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    meta = ids.decode_meta(view.get("private_metadata"))
    values = view.get("state", {}).get("values", {})
    new = submitted_prospect(values)
    answer: dict[str, Any] | None = None
    with rep_request(context, client) as req:
        problems = problems_with(new, req.rep.today)
        if problems:
            answer = {"response_action": "errors", "errors": _errors(problems)}
        else:
            _lock_rep(req.session, req.rep)
            existing = duplicates_of(req.session, req.rep, new)
            if existing and not meta.confirm_duplicate:
                answer = {"response_action": "update", "view": _duplicate_modal(req.rep, new, meta)}
            elif existing and not add_anyway_ticked(values):
                answer = {
                    "response_action": "errors",
                    "errors": {
                        ids.IN_ADD_ANYWAY: "Tick the box to add a second one, or press Cancel."
                    },
                }
            else:
                reply = _add(req.session, req.rep, new, req.now)
    if answer is not None:
        ack(**answer)
        return
    ack()
    # A modal has no response_url: the confirmation arrives as a DM from the bot.
    client.chat_postMessage(channel=req.rep.rep.slack_user_id, text=reply.text, blocks=reply.blocks)


def _errors(problems: dict[str, str]) -> dict[str, str]:
    # Every field problems_with() names has its own block; the fallback keeps a new
    # rule visible (on the name) rather than silently accepted.
    errors: dict[str, str] = {}
    for field_name, message in problems.items():
        block_id = FIELD_BLOCKS.get(field_name, ids.IN_NAME)
        errors[block_id] = f"{errors[block_id]} {message}" if block_id in errors else message
    return errors
