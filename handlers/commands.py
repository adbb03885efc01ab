"""`/revive …` slash commands.

Every answer rides on the ack body as an ephemeral message (writes commit first);
only `/revive add` may open a modal instead. Errors are UserErrors, which the app's
error handler turns into an ephemeral ack saying what to type instead.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import coach, texts
from bot.blocks import command_replies as replies
from bot.blocks.command_replies import Reply
from bot.domain import EventKind, Outcome, ProspectStatus
from bot.errors import UserError
from bot.mrkdwn import escape, truncate
from bot.parsing.dates import split_trailing_date
from bot.usecases.events import announce
from bot.usecases.outcomes import OutcomeInput, log_outcome
from bot.usecases.reading import rep_stats
from handlers._context import Request, rep_request
from handlers.add import add_command
from store.models import Prospect
from store.repo import (
    count_rep_prospects,
    find_by_name,
    prospect_facts,
    rep_prospects,
    touch_history,
)

COMMAND = "/revive"
SNOOZE_USAGE = (
    "Type `/revive snooze <prospect> <date | N days>`, "
    "e.g. `/revive snooze Dana Reyes 2 weeks` or `/revive snooze Dana Reyes, Acme Mar 3`."
)


def register(app: App) -> None:
    app.command(COMMAND)(on_revive)


def on_revive(ack: Ack, command: dict[str, str], context: BoltContext, client: WebClient) -> None:
    text = (command.get("text") or "").strip()
    word, _, rest = text.partition(" ")
    word = word.lower()
    if word in ("", "help"):
        ack(response_type="ephemeral", text=texts.HELP_TEXT, blocks=texts.help_blocks())
        return
    if word == "add":
        add_command(ack, command, context, client, rest.strip())
        return
    handler = READERS.get(word) or WRITERS.get(word)
    if handler is None:
        intro = f"I didn't understand `{escape(truncate(text, 100))}`. Here is what I can do:"
        ack(
            response_type="ephemeral",
            text=f"I didn't understand that. {texts.HELP_TEXT}",
            blocks=texts.help_blocks(intro),
        )
        return
    with rep_request(context, client) as req:
        reply = handler(req, rest.strip())
    # The unit of work has committed: the reply describes what is stored.
    ack(response_type="ephemeral", text=reply.text, blocks=reply.blocks)


def list_command(req: Request, rest: str) -> Reply:
    # Read only the rows the reply can show; count the rest.
    rep, dormant = req.rep.rep, [ProspectStatus.DORMANT]
    shown = rep_prospects(req.session, rep=rep, statuses=dormant, limit=replies.LIST_MAX)
    total = len(shown)
    if total == replies.LIST_MAX:
        total = count_rep_prospects(req.session, rep=rep, statuses=dormant)
    return replies.prospect_list([prospect_facts(p) for p in shown], req.rep.today, total=total)


def stats_command(req: Request, rest: str) -> Reply:
    today = req.rep.today
    stats = rep_stats(req.session, req.rep, since=today.replace(day=1))
    return replies.stats_reply(stats, today)


def snooze_command(req: Request, rest: str) -> Reply:
    today = req.rep.today
    head, on, date_text = split_trailing_date(rest, today)
    if not head or on is None:
        raise UserError(f"I need a prospect and a date. {SNOOZE_USAGE}")
    if on <= today:
        raise UserError(f"Pick a day after today. {SNOOZE_USAGE}")
    name, _, company = head.partition(",")
    matches = [
        p
        for p in find_by_name(
            req.session, rep=req.rep.rep, name=name, company=company.strip() or None
        )
        if p.status == ProspectStatus.DORMANT.value
    ]
    if not matches:
        raise UserError(
            f"I can't find a dormant prospect of yours named *{escape(truncate(head, 200))}*. "
            "Type `/revive list` to see their exact names."
        )
    if len(matches) > 1:
        return replies.ambiguous_reply(name, [prospect_facts(p) for p in matches], date_text)
    prospect = matches[0]
    logged = log_outcome(
        req.session,
        req.rep,
        OutcomeInput(
            prospect_id=prospect.id,
            version=prospect.version,
            outcome=Outcome.SNOOZED,
            tactic_id=_current_tactic(req, prospect),
            next_on=on,
        ),
        now=req.now,
    )
    facts = prospect_facts(logged.prospect)
    return replies.snoozed_reply(facts, facts.next_touch_on or on, today)


def _current_tactic(req: Request, prospect: Prospect) -> str:
    """The tactic the snooze is logged against: the one the coach would offer today."""
    facts = prospect_facts(prospect)
    settings = req.rep.settings.coach
    choices = coach.tactics_for(facts, touch_history(prospect), req.rep.today, settings)
    if choices:
        return choices[0].tactic.id
    return next(t.id for t in coach.TACTICS.values() if facts.situation in t.situations)


def _event_command(kind: EventKind) -> Callable[[Request, str], Reply]:
    def command(req: Request, rest: str) -> Reply:
        announced = announce(
            req.session,
            workspace=req.rep.workspace,
            kind=kind,
            subject=rest,
            announced_by=req.rep.rep.slack_user_id,
            today=req.rep.today,
            now=req.now,
        )
        yours = [prospect_facts(p) for p in announced.resurfaced if p.rep_id == req.rep.rep.id]
        others = len(announced.resurfaced) - len(yours)
        return replies.announced_reply(kind, announced.event.subject, yours, others)

    return command


READERS: dict[str, Callable[[Request, str], Reply]] = {
    "list": list_command,
    "stats": stats_command,
}
WRITERS: dict[str, Callable[[Request, str], Reply]] = {
    "snooze": snooze_command,
    "shipped": _event_command(EventKind.FEATURE_SHIPPED),
    "news": _event_command(EventKind.COMPETITOR_NEWS),
}
