"""The coach settings as managers see them: one row per setting, in one place.

Keys are the names the settings JSON uses: the CoachSettings field names, then
"default_tz" and "reminder_time", then the tactic pins and switch-offs ("pinned.said_no",
"off.said_no": stored under "tactics"). The rows are built from CoachSettings' own fields, so a
setting the coach gains shows up in the modal, the Home and the history by itself: its
bounds come from bot.domain.COACH_SETTING_LIMITS (the ones the coach validates with) and
its words from KNOBS below, one row per setting (a test checks every field has one).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time

from bot.coach.preferences import TacticPrefs, prefs_of
from bot.coach.situations import SITUATIONS
from bot.domain import COACH_SETTING_LIMITS, CoachSettings, Situation
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
RANKING = "Tactic ranking"

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
    "ranking_min_outcomes": Knob(
        "Ranking starts after", "outcomes",
        "Tactics keep the playbook's order until the workspace has this many settled tries "
        "(revived, or 60 days without); then its own results rank them. 0: rank at once.",
        RANKING),
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
    tactic_key = split_tactic_key(key)
    if tactic_key is not None:
        kind, situation = tactic_key
        what = "pinned first" if kind == PINNED else "switched off"
        return f"{SITUATIONS[situation].label}: {what}"
    return WORKSPACE_LABELS.get(key) or knob(key).label


# Pins and switch-offs, one pair of settings per situation: "pinned.said_no" holds a tactic
# id ("" for none), "off.said_no" the ids switched off, sorted and comma-separated.
PINNED, OFF = "pinned", "off"
TACTIC_KEYS: tuple[str, ...] = tuple(
    f"{kind}.{situation.value}" for situation in Situation for kind in (PINNED, OFF)
)


def split_tactic_key(key: str) -> tuple[str, Situation] | None:
    kind, _, situation = key.partition(".")
    if kind not in (PINNED, OFF) or situation not in Situation.__members__.values():
        return None
    return kind, Situation(situation)


def tactic_values(prefs: TacticPrefs) -> dict[str, Value]:
    pinned = prefs.pinned
    values: dict[str, Value] = {}
    for situation in Situation:
        values[f"{PINNED}.{situation.value}"] = pinned.get(situation, "")
        values[f"{OFF}.{situation.value}"] = ",".join(sorted(prefs.off(situation)))
    return values


def prefs_from_values(values: Mapping[str, Value]) -> TacticPrefs:
    """The pins and switch-offs among a form's values (other keys ignored)."""
    pinned: dict[Situation, str | None] = {}
    off: dict[Situation, frozenset[str]] = {}
    for key, value in values.items():
        found = split_tactic_key(key)
        if found is None or not isinstance(value, str):
            continue
        kind, situation = found
        if kind == PINNED:
            pinned[situation] = value or None
        else:
            off[situation] = frozenset(i for i in value.split(",") if i)
    return prefs_of(pinned, off)


def setting_values(settings: WorkspaceSettings) -> dict[str, Value]:
    """What applies now, keyed as stored: every coach setting, then the two defaults."""
    values: dict[str, Value] = {key: getattr(settings.coach, key) for key in COACH_KEYS}
    values[TZ] = settings.default_tz
    values[REMINDER] = settings.reminder_time
    values.update(tactic_values(settings.tactics))
    return values


def shown(value: Value) -> str:
    """A value as the modal, the Home and the history write it."""
    return f"{value:%H:%M}" if isinstance(value, time) else str(value)


DEFAULTS: dict[str, Value] = setting_values(WorkspaceSettings())
