"""Why a prospect is on today's list: one line for the digest (rule 4, purpose over
touching base)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from bot.coach.dates import DEFAULT_SETTINGS, proposal_expiry
from bot.coach.reevaluation import Reevaluation, open_reevaluation
from bot.coach.rendering import human_date
from bot.coach.state import (
    Context,
    QuietMode,
    contacts,
    elapsed,
    in_days,
    next_step,
    or_text,
    ordinal,
    quiet_mode,
    silent_run,
    step_of,
)
from bot.domain import (
    CoachSettings,
    EventKind,
    Outcome,
    ProspectFacts,
    Situation,
    TouchFacts,
    WalkAwayReason,
)


def due_reason(
    prospect: ProspectFacts,
    history: Sequence[TouchFacts],
    today: date,
    settings: CoachSettings = DEFAULT_SETTINGS,
) -> str:
    """One line: why this prospect is on today's list."""
    ctx = Context(prospect, contacts(history), today, settings)
    review = open_reevaluation(prospect, history, today, settings)
    if review is not None:  # the open question comes first: the rep answers it today
        return f"{question_reason(review)}: walk away or keep going"
    event = prospect.pending_event
    if event is not None:
        subject = or_text(event.subject, "the news")
        return (
            f"{subject} shipped"
            if event.kind is EventKind.FEATURE_SHIPPED
            else f"news about {subject}"
        )
    last = ctx.done[-1] if ctx.done else None
    if last is not None and prospect.situation is not Situation.WENT_QUIET:
        if last.outcome is Outcome.CONTACT_LEFT:
            return f"new contact {or_text(prospect.name, 'named')}: introduce yourself"
        if last.outcome is Outcome.NO_REPLY:
            return f"no answer since {human_date(last.on, today)}: try again"
    return _SITUATION_REASONS[prospect.situation](ctx)


def question_reason(review: Reevaluation) -> str:
    """Why the coach asks, in a few words ("3 tries in a row with no answer")."""
    if review.reason is WalkAwayReason.PROPOSAL_EXPIRED:
        return "proposal expired and the final notice went unanswered"
    if review.final_notice:
        return "the final notice went unanswered"
    if review.reason is WalkAwayReason.UNREACHABLE:
        n = review.unanswered_count
        return "1 try with no answer" if n == 1 else f"{n} tries in a row with no answer"
    n = review.nothing_new_count
    return (
        "1 conversation with nothing new"
        if n == 1
        else f"{n} conversations in a row with nothing new"
    )


def _quiet_reason(ctx: Context) -> str:
    p = ctx.prospect
    mode = quiet_mode(p, ctx.done, ctx.today, ctx.settings)
    if mode is QuietMode.TALKING:
        if ctx.done[-1].outcome is Outcome.CONTACT_LEFT:
            return f"new contact {or_text(p.name, 'named')}: introduce yourself"
        return f"they answered on {human_date(ctx.done[-1].on, ctx.today)}: keep it going"
    if mode is QuietMode.EXPIRED:
        expiry = proposal_expiry(p, ctx.settings)
        assert expiry is not None
        return f"proposal expired on {human_date(expiry, ctx.today)}"
    if mode is QuietMode.FINISHED:
        return "sequence finished: useful news now and then, or walk away"
    step = next_step(p)
    assert step is not None
    k, n = step_of(p, step)
    return f"{ordinal(len(silent_run(ctx.done)) + 1)} silent contact — step {k} of {n}"


def _contract_reason(ctx: Context) -> str:
    end = ctx.renewal_end()
    if end is None:
        return "contract end date unknown: find it out"
    who = (
        f"with {ctx.prospect.competitor.strip()}"
        if (ctx.prospect.competitor or "").strip()
        else "with their provider"
    )
    return f"contract {who} ends {in_days((end - ctx.today).days)}"


def _chose_reason(ctx: Context) -> str:
    decided = ctx.prospect.decision_date
    if ctx.done or decided is None or decided > ctx.today:
        return f"periodic check-in: {ctx.since} since the last contact"
    return f"{elapsed((ctx.today - decided).days)} since {ctx.competitor} delivered"


def _said_no_reason(ctx: Context) -> str:
    reason = (ctx.prospect.stated_reason or "").strip()
    what = "your last contact" if ctx.done else "they said no"
    return f"{ctx.since} since {what}" + (f" (they said: {reason})" if reason else "")


_SITUATION_REASONS: dict[Situation, Callable[[Context], str]] = {
    Situation.WENT_QUIET: _quiet_reason,
    Situation.SAID_NO: _said_no_reason,
    Situation.MISSING_FEATURE: lambda ctx: (
        f"slow check-in while {or_text(ctx.prospect.missing_feature, 'the feature')} is not out: "
        f"{ctx.since} since the last contact"
    ),
    Situation.COMPETITOR_CONTRACT: _contract_reason,
    Situation.UNHAPPY_WITH_PROVIDER: lambda ctx: (
        f"periodic check-in: {ctx.since} since the last contact"
    ),
    Situation.BIG_COMPANY: lambda ctx: f"quarterly check-in: {ctx.since} since the last contact",
    Situation.CHOSE_COMPETITOR: _chose_reason,
}
