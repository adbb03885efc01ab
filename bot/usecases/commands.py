"""`/revive list | stats | snooze | shipped | news`: each a unit of work answered with a Reply,
and the "Did you mean …?" buttons an unmatched `shipped` or `news` offers.

Rows are read (and written) inside the unit of work; the reply is rendered from plain
facts after it commits, so it describes what is stored.
"""

from __future__ import annotations

from collections.abc import Callable

from bot import coach, ids
from bot.blocks import command_replies as replies
from bot.blocks.command_replies import Reply
from bot.domain import EventKind, Outcome, ProspectStatus
from bot.errors import UserError
from bot.mrkdwn import escape, truncate
from bot.parsing.dates import split_trailing_date
from bot.team.usecase import team_command
from bot.usecases.events import announce, kind_of, suggested_name
from bot.usecases.outcomes import OutcomeInput, log_outcome
from bot.usecases.reading import rep_stats
from bot.usecases.request import Caller, Request, rep_request
from store.models import Prospect
from store.repo import (
    count_rep_prospects,
    find_by_name,
    prospect_facts,
    rep_prospects,
    touch_history,
)

SNOOZE_USAGE = (
    "Type `/revive snooze <prospect> <date | N days>`, "
    "e.g. `/revive snooze Dana Reyes 2 weeks` or `/revive snooze Dana Reyes, Acme Mar 3`."
)

# Inside the unit of work: returns the reply's renderer, called once it has committed.
Command = Callable[[Request, str], Callable[[], Reply]]


def is_command(word: str) -> bool:
    return word in COMMANDS


def run_command(caller: Caller, word: str, rest: str) -> Reply:
    """One subcommand (see COMMANDS) for the rep who typed it."""
    command = COMMANDS[word]
    with rep_request(caller) as req:
        render = command(req, rest)
    return render()


def list_command(req: Request, rest: str) -> Callable[[], Reply]:
    # Read only the rows the reply can show; count the rest.
    rep, dormant = req.rep.rep, [ProspectStatus.DORMANT]
    shown = rep_prospects(req.session, rep=rep, statuses=dormant, limit=replies.LIST_MAX)
    total = len(shown)
    if total == replies.LIST_MAX:
        total = count_rep_prospects(req.session, rep=rep, statuses=dormant)
    facts, today = [prospect_facts(p) for p in shown], req.rep.today
    return lambda: replies.prospect_list(facts, today, total=total)


def stats_command(req: Request, rest: str) -> Callable[[], Reply]:
    today = req.rep.today
    stats = rep_stats(req.session, req.rep, since=today.replace(day=1))
    return lambda: replies.stats_reply(stats, today)


def snooze_command(req: Request, rest: str) -> Callable[[], Reply]:
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
        found = [prospect_facts(p) for p in matches]
        return lambda: replies.ambiguous_reply(name, found, date_text)
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
    return lambda: replies.snoozed_reply(facts, facts.next_touch_on or on, today)


def _current_tactic(req: Request, prospect: Prospect) -> str:
    """The tactic the snooze is logged against: the one the coach would offer today."""
    facts = prospect_facts(prospect)
    settings = req.rep.settings.coach
    choices = coach.tactics_for(facts, touch_history(prospect), req.rep.today, settings)
    if choices:
        return choices[0].tactic.id
    return next(t.id for t in coach.TACTICS.values() if facts.situation in t.situations)


def _event_command(kind: EventKind) -> Command:
    def command(req: Request, rest: str) -> Callable[[], Reply]:
        return _announce(req, kind, rest)

    return command


def did_you_mean(caller: Caller, value: ids.ActionValue) -> Reply:
    """A "Did you mean …?" button: the news again, as if the rep had typed that name."""
    kind = kind_of(value.option)
    if kind is None:
        raise ids.STALE
    with rep_request(caller) as req:
        name = suggested_name(
            req.session, workspace=req.rep.workspace, kind=kind, prospect_id=value.prospect_id
        )
        render = _announce(req, kind, name)
    return render()


def _announce(req: Request, kind: EventKind, text: str) -> Callable[[], Reply]:
    announced = announce(
        req.session,
        workspace=req.rep.workspace,
        kind=kind,
        subject=text,
        announced_by=req.rep.rep.slack_user_id,
        today=req.rep.today,
        now=req.now,
    )
    mine = req.rep.rep.id
    yours = [prospect_facts(p) for p in announced.resurfaced if p.rep_id == mine]
    news = replies.News(
        kind=kind,
        typed=announced.event.subject,
        matched=announced.matched,
        yours=yours,
        others=len(announced.resurfaced) - len(yours),
        already_back=announced.already_back,
        suggested=announced.suggested,
    )
    return lambda: replies.news_reply(news)


COMMANDS: dict[str, Command] = {
    "list": list_command,
    "stats": stats_command,
    "snooze": snooze_command,
    "shipped": _event_command(EventKind.FEATURE_SHIPPED),
    "news": _event_command(EventKind.COMPETITOR_NEWS),
    "team": team_command,
}
