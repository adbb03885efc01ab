"""The coach settings as managers see them: one row per setting, in one place.

Keys are the names the settings JSON uses: the CoachSettings field names, then
"default_tz" and "reminder_time". The rows are built from CoachSettings' own fields, so a
setting the coach gains shows up in the modal, the Home and the history by itself: its
bounds come from bot.domain.COACH_SETTING_LIMITS (the ones the coach validates with) and
its words from KNOBS below, one row per setting (a test checks every field has one).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import time

from bot.domain import COACH_SETTING_LIMITS, CoachSettings
from bot.workspace_settings import WorkspaceSettings

Value = int | str | time
TZ, REMINDER = "default_tz", "reminder_time"


@dataclass(frozen=True, slots=True)
class Knob:
    """How one coach setting reads in the modal and its history."""

    label: str
    unit: str  # what the number counts
    meaning: str  # the hint under the input
    group: str


LEARN, PROPOSALS, CADENCES, OTHER = "The learn rule", "Proposals and contracts", "Cadences", "Other"

# One row per CoachSettings field; the order within a group is the form's order.
KNOBS: dict[str, Knob] = {
    "nothing_new_limit": Knob(
        "Nothing-new limit", "conversations",
        "Conversations in a row that taught nothing new before the coach asks: "
        "walk away, or keep going?", LEARN),
    "unanswered_limit": Knob(
        "Unanswered limit", "attempts",
        "Unanswered attempts in a row before the coach asks whether to walk away "
        "(went-quiet prospects ask after their final notice instead).", LEARN),
    "proposal_valid_days": Knob(
        "Proposal expiry", "days",
        "How long a proposal stays valid when the rep gave no expiry date.", PROPOSALS),
    "contract_lead_days": Knob(
        "Renewal lead time", "days",
        "How long before a competitor's contract ends the coach calls. "
        "Shorter than the contract term.", PROPOSALS),
    "contract_term_days": Knob(
        "Contract term", "days",
        "The renewal term assumed once a contract's end has passed without a switch.",
        PROPOSALS),
    "renewal_followup_days": Knob(
        "Renewal follow-up", "days", "Time between contacts inside the renewal lead time.",
        PROPOSALS),
    "chose_competitor_wait_days": Knob(
        "Chose-competitor wait", "days",
        "Wait after the competitor delivered before the first call.", CADENCES),
    "unhappy_cadence_days": Knob(
        "Unhappy-with-provider cadence", "days",
        "Check-ins with a prospect unhappy with their provider; also a chose-competitor "
        "prospect after the first call.", CADENCES),
    "big_company_cadence_days": Knob(
        "Big-company cadence", "days", "Check-ins with a big company that decides slowly.",
        CADENCES),
    "said_no_cadence_days": Knob(
        "Said-no cadence", "days", "Contacts after a no; also the went-quiet slow lane.",
        CADENCES),
    "missing_feature_checkin_days": Knob(
        "Missing-feature check-in", "days",
        "Slow check-ins while the feature they need has not shipped.", CADENCES),
    "went_quiet_spacing_days": Knob(
        "Went-quiet spacing", "days",
        "Between two steps of the went-quiet sequence; also how soon to reach a successor.",
        CADENCES),
    "conversation_followup_days": Knob(
        "Conversation follow-up", "days", "A went-quiet prospect who answered again.",
        CADENCES),
    "no_reply_retry_days": Knob(
        "No-reply retry", "days",
        "Retry after an unanswered periodic contact; also when a kept-going prospect is due.",
        CADENCES),
    "not_now_push_days": Knob(
        "Not-now push", "days", "How far a \"not now\" pushes the next contact, at least.",
        CADENCES),
}  # fmt: skip
WORKSPACE_LABELS = {TZ: "Default time zone", REMINDER: "Default reminder time"}
COACH_KEYS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(CoachSettings))
FALLBACK_BOUNDS = (0, 3650)  # a setting the coach gained without limits: at most ten years


def knob(key: str) -> Knob:
    """The row for a setting; one missing its row still gets a usable form field."""
    found = KNOBS.get(key)
    if found is not None:
        return found
    days = key.endswith("_days")
    label = key.removesuffix("_days").replace("_", " ").capitalize()
    return Knob(label, "days" if days else "", "", OTHER)


def bounds(key: str) -> tuple[int, int]:
    return COACH_SETTING_LIMITS.get(key, FALLBACK_BOUNDS)


def label(key: str) -> str:
    return WORKSPACE_LABELS.get(key) or knob(key).label


def setting_values(settings: WorkspaceSettings) -> dict[str, Value]:
    """What applies now, keyed as stored: every coach setting, then the two defaults."""
    values: dict[str, Value] = {key: getattr(settings.coach, key) for key in COACH_KEYS}
    values[TZ] = settings.default_tz
    values[REMINDER] = settings.reminder_time
    return values


def shown(value: Value) -> str:
    """A value as the modal, the Home and the history write it."""
    return f"{value:%H:%M}" if isinstance(value, time) else str(value)


DEFAULTS: dict[str, Value] = setting_values(WorkspaceSettings())
