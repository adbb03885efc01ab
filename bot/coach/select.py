"""Which tactics fit a prospect today, and why each one.

Pure rules over domain values; `today` is always a parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.coach.dates import (
    DEFAULT_SETTINGS,
    proposal_expiry,
    renewal_window_start,
)
from bot.coach.playbook import EVENT_TACTICS, TACTICS, Lane, Tactic, lane
from bot.coach.rendering import human_date
from bot.coach.state import (
    Context,
    QuietMode,
    contacts,
    elapsed,
    in_days,
    next_step,
    or_text,
    quiet_mode,
    quiet_sequence,
    rotate,
    step_of,
)
from bot.domain import (
    CoachSettings,
    EventKind,
    Outcome,
    ProspectFacts,
    Situation,
    TouchFacts,
)

MAX_CHOICES = 3


@dataclass(frozen=True, slots=True)
class TacticChoice:
    tactic: Tactic
    reason: str  # shown to the rep: why this tactic, for this prospect, today
    evidence: str | None = None  # the team's record with it, when the ranking put it here


STEP_REASONS = {
    "no_pressure": "they went quiet. Assume a no so they can answer without losing face.",
    "voicemail_email": "still silent. Make answering take one line.",
    "did_i_offend": "several tries unanswered. Ask plainly whether something went wrong.",
    "copy_referrer": "{referrer} introduced you: copy them, kindly.",
    "final_notice": "the last message before you decide whether to walk away.",
}


def _reason(tactic_id: str, ctx: Context) -> str:
    p, situation = ctx.prospect, ctx.prospect.situation
    tactic = TACTICS[tactic_id]
    if tactic.sequence_step and situation is Situation.WENT_QUIET and tactic in quiet_sequence(p):
        k, n = step_of(p, tactic)
        why = STEP_REASONS[tactic_id].format(referrer=or_text(p.referrer, "the referrer"))
        return f"Step {k} of {n}: {why}"
    if tactic_id == "real_reason":
        return {
            Situation.SAID_NO: (
                f"They said no over “{p.stated_reason.strip()}”: generic reasons often hide "
                "the real one."
                if (p.stated_reason or "").strip()
                else "A generic no often hides the real reason."
            ),
            Situation.CHOSE_COMPETITOR: f"Learn what really decided it for {ctx.competitor}.",
            Situation.MISSING_FEATURE: f"Check that {or_text(p.missing_feature, 'the feature')} is "
            "still what stands in the way.",
        }.get(situation, "They are talking again: learn what really stalled the deal.")
    if tactic_id == "be_a_resource":
        return {
            Situation.MISSING_FEATURE: "Slow check-in while "
            f"{or_text(p.missing_feature, 'the feature')} isn't out: bring something useful.",
            Situation.WENT_QUIET: "Bring something useful, with no request attached.",
            Situation.UNHAPPY_WITH_PROVIDER: f"{ctx.since} since you last spoke: bring something "
            "useful, not a bare check-in.",
        }.get(situation, "Bring something useful and relevant, not a bare check-in.")
    if tactic_id == "before_renewal":
        end = ctx.renewal_end()
        if end is None:
            return "Contract end unknown: find it out, and offer to compare options before then."
        return (
            f"Their contract with {ctx.competitor} ends {in_days((end - ctx.today).days)}: "
            "offer to compare options before it renews."
        )
    fixed = {
        "permission_to_say_no": "They are back in touch: agree that a no is a fine answer.",
        "new_ideas": "Give them one fresh, concrete reason to talk again.",
        "measurable_results": "Put a number on what changes for them.",
        "final_notice": "The final notice goes before you decide to walk away.",
        "periodic_checkin": f"{ctx.since} since you last spoke: their patience with "
        f"{ctx.competitor} may have run out.",
        "land_a_slice": "If the whole account is out of reach, aim for one team or site.",
        "how_did_it_go": (
            f"{elapsed((ctx.today - p.decision_date).days)} since {ctx.competitor} delivered: "
            "ask how it measures up."
            if p.decision_date and p.decision_date <= ctx.today
            else f"Ask how {ctx.competitor} measures up to what they expected."
        ),
        "feature_now_available": f"{or_text(p.missing_feature, 'The feature they needed')} is "
        "available now: call today.",
        "competitor_trouble": f"News about {ctx.competitor}: be there as a resource, never gossip.",
    }
    return fixed.get(tactic_id, tactic.purpose)


def _event_choice(ctx: Context) -> TacticChoice | None:
    event = ctx.prospect.pending_event
    if event is None:
        return None
    subject = or_text(event.subject, "the news")
    reason = (
        f"{subject} shipped: they needed it. Call today."
        if event.kind is EventKind.FEATURE_SHIPPED
        else f"News about {subject}: be there as a resource, never gossip."
    )
    return TacticChoice(EVENT_TACTICS[event.kind], reason)


def _ids(situation: Situation, which: Lane) -> tuple[str, ...]:
    return tuple(t.id for t in lane(situation, which))


def _went_quiet(ctx: Context) -> list[TacticChoice]:
    p = ctx.prospect
    mode = quiet_mode(p, ctx.done, ctx.today, ctx.settings)
    if mode is QuietMode.TALKING:
        ids = rotate(_ids(Situation.WENT_QUIET, Lane.TALKING), ctx.done)
        if (
            ctx.done
            and ctx.done[-1].outcome is Outcome.CONTACT_LEFT
            and ids[0] == ("permission_to_say_no")
        ):
            first = TacticChoice(
                TACTICS["permission_to_say_no"],
                f"{or_text(p.name, 'A new contact')} took over: start by making no an easy answer.",
            )
            return [first, *(_choice(i, ctx) for i in ids[1:])]
        return [_choice(i, ctx) for i in ids]
    if mode is QuietMode.EXPIRED:
        expiry = proposal_expiry(p, ctx.settings)
        assert expiry is not None
        return [
            TacticChoice(
                TACTICS["final_notice"],
                f"The proposal expired on {human_date(expiry, ctx.today)} and they are still "
                "silent: send the final notice.",
            )
        ]
    if mode is QuietMode.SEQUENCE:
        step = next_step(p)
        assert step is not None
        return [_choice(step.id, ctx)]
    return [
        TacticChoice(
            TACTICS[i],
            "Sequence finished, slow lane: " + _reason(i, ctx)[0].lower() + _reason(i, ctx)[1:],
        )
        for i in rotate(_ids(Situation.WENT_QUIET, Lane.SLOW), ctx.done)
    ]


def _choice(tactic_id: str, ctx: Context) -> TacticChoice:
    return TacticChoice(TACTICS[tactic_id], _reason(tactic_id, ctx))


def _situation_choices(ctx: Context) -> list[TacticChoice]:
    situation = ctx.prospect.situation
    if situation is Situation.WENT_QUIET:
        return _went_quiet(ctx)
    used = {t.tactic_id for t in ctx.done}
    openers = [i for i in _ids(situation, Lane.OPENER) if i not in used]
    pool = _ids(situation, Lane.ROTATION)
    window = _ids(situation, Lane.RENEWAL_WINDOW)
    if window:
        end = ctx.renewal_end()
        if end is None or ctx.today >= renewal_window_start(end, ctx.settings):
            pool = window  # unknown end: treat it as near, so the rep finds it out
    return [_choice(i, ctx) for i in [*openers, *rotate(pool, ctx.done)]]


def tactics_for(
    prospect: ProspectFacts,
    history: Sequence[TouchFacts],
    today: date,
    settings: CoachSettings = DEFAULT_SETTINGS,
) -> list[TacticChoice]:
    """1-3 tactics, best first, each with the reason it fits this prospect today."""
    return candidates(prospect, history, today, settings)[:MAX_CHOICES]


def candidates(
    prospect: ProspectFacts,
    history: Sequence[TouchFacts],
    today: date,
    settings: CoachSettings = DEFAULT_SETTINGS,
) -> list[TacticChoice]:
    """Every tactic that fits this prospect today, in the playbook's order (an event's
    tactic first); tactics_for keeps the first few, bot.coach.ranking may reorder them."""
    ctx = Context(prospect, contacts(history), today, settings)
    choices: list[TacticChoice] = []
    event = _event_choice(ctx)
    if event:
        choices.append(event)
    for choice in _situation_choices(ctx):
        if all(c.tactic.id != choice.tactic.id for c in choices):
            choices.append(choice)
    return choices
