"""Date arithmetic of the coach: workdays, proposal expiry, renewal cycles, first due dates.

Pure functions; `today` (the rep's local date) is always a parameter.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from bot.domain import WEEKDAYS, CoachSettings, ProspectFacts, Situation

DEFAULT_SETTINGS = CoachSettings()


def days(n: int) -> timedelta:
    return timedelta(days=n)


def check_workdays(workdays: frozenset[int]) -> None:
    if not workdays or not set(workdays) <= set(range(7)):
        raise ValueError(
            f"workdays must be a non-empty set of weekday numbers 0-6 (Monday=0), "
            f"not {sorted(workdays)!r}"
        )


def next_workday(d: date, workdays: frozenset[int] = WEEKDAYS) -> date:
    """`d` itself when the rep works that day, else the first workday after it."""
    check_workdays(workdays)
    while d.weekday() not in workdays:
        d += days(1)
    return d


def schedule(d: date, today: date, workdays: frozenset[int]) -> date:
    """A next-touch date: strictly after today (a logged touch is done for today), on a workday."""
    return next_workday(max(d, today + days(1)), workdays)


def proposal_expiry(
    prospect: ProspectFacts, settings: CoachSettings = DEFAULT_SETTINGS
) -> date | None:
    """An explicit expiry wins; otherwise valid `proposal_valid_days` after sending."""
    if prospect.proposal_expires_on is not None:
        return prospect.proposal_expires_on
    if prospect.proposal_sent_on is not None:
        return prospect.proposal_sent_on + days(settings.proposal_valid_days)
    return None


def proposal_expired(prospect: ProspectFacts, today: date, settings: CoachSettings) -> bool:
    """Valid through its expiry day, expired from the day after."""
    expiry = proposal_expiry(prospect, settings)
    return expiry is not None and expiry < today


def contract_cycle_end(prospect: ProspectFacts, on: date, settings: CoachSettings) -> date | None:
    """The first contract end on or after `on`.

    Once the recorded end has passed without a switch, the contract most likely
    renewed; we assume the same term again (contract_term_days) so the prospect
    keeps coming back before each renewal instead of dropping out.
    """
    end = prospect.contract_end
    if end is None:
        return None
    if end < on:
        term = settings.contract_term_days
        end += days(term * -(-(on - end).days // term))  # ceil division
    return end


def renewal_window_start(end: date, settings: CoachSettings) -> date:
    return end - days(settings.contract_lead_days)


def _latest(*candidates: date | None) -> date | None:
    known = [d for d in candidates if d is not None]
    return max(known) if known else None


def _since_last_contact(p: ProspectFacts, cadence: int) -> date:
    return (_latest(p.last_touch_on, p.decision_date) or p.created_on) + days(cadence)


def _went_quiet(p: ProspectFacts, today: date, s: CoachSettings) -> date:
    # They already went quiet: one step's spacing after the last real contact, or now.
    return p.last_touch_on + days(s.went_quiet_spacing_days) if p.last_touch_on else today


def _competitor_contract(p: ProspectFacts, today: date, s: CoachSettings) -> date:
    end = contract_cycle_end(p, today, s)
    # Unknown end: the first call is due now, to find the date out.
    return renewal_window_start(end, s) if end else today


def _chose_competitor(p: ProspectFacts, today: date, s: CoachSettings) -> date:
    start = p.decision_date or p.last_touch_on or p.created_on
    return start + days(s.chose_competitor_wait_days)


_FIRST_DUE: dict[Situation, Callable[[ProspectFacts, date, CoachSettings], date]] = {
    Situation.WENT_QUIET: _went_quiet,
    Situation.SAID_NO: lambda p, t, s: _since_last_contact(p, s.said_no_cadence_days),
    Situation.MISSING_FEATURE: lambda p, t, s: _since_last_contact(
        p, s.missing_feature_checkin_days
    ),
    Situation.COMPETITOR_CONTRACT: _competitor_contract,
    Situation.UNHAPPY_WITH_PROVIDER: lambda p, t, s: _since_last_contact(p, s.unhappy_cadence_days),
    Situation.BIG_COMPANY: lambda p, t, s: _since_last_contact(p, s.big_company_cadence_days),
    Situation.CHOSE_COMPETITOR: _chose_competitor,
}


def first_due(
    prospect: ProspectFacts,
    today: date,
    settings: CoachSettings = DEFAULT_SETTINGS,
    workdays: frozenset[int] = WEEKDAYS,
) -> date:
    """The first day the coach brings a prospect up: per situation, never before today."""
    due = (
        today
        if prospect.pending_event
        else _FIRST_DUE[prospect.situation](prospect, today, settings)
    )
    return next_workday(max(due, today), workdays)


def situation_cadence_days(situation: Situation, settings: CoachSettings) -> int:
    """The regular gap between two contacts that got an answer, per situation.

    competitor_contract is timed by its renewal window instead (see coach_outcomes);
    the value here is its spacing inside that window.
    """
    return {
        Situation.WENT_QUIET: settings.conversation_followup_days,
        Situation.SAID_NO: settings.said_no_cadence_days,
        Situation.MISSING_FEATURE: settings.missing_feature_checkin_days,
        Situation.COMPETITOR_CONTRACT: settings.renewal_followup_days,
        Situation.UNHAPPY_WITH_PROVIDER: settings.unhappy_cadence_days,
        Situation.BIG_COMPANY: settings.big_company_cadence_days,
        # After the first "how did it go" call they are a competitor's customer:
        # checked like any unhappy-provider prospect, every few months.
        Situation.CHOSE_COMPETITOR: settings.unhappy_cadence_days,
    }[situation]
