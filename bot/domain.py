"""The vocabulary shared by the store, the coach and the Slack surfaces.

Plain enums and frozen dataclasses only: no Slack, no SQLAlchemy. The coach
takes these values in and hands new values back; the store persists them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Situation(StrEnum):
    """Why a prospect went dormant (PLAYBOOK.md section 1)."""

    WENT_QUIET = "went_quiet"
    SAID_NO = "said_no"
    MISSING_FEATURE = "missing_feature"
    COMPETITOR_CONTRACT = "competitor_contract"
    UNHAPPY_WITH_PROVIDER = "unhappy_with_provider"
    BIG_COMPANY = "big_company"
    CHOSE_COMPETITOR = "chose_competitor"


class Outcome(StrEnum):
    """How one logged contact ended (PLAYBOOK.md section 3, rule 5)."""

    LEARNED = "learned"  # learned something new (text required)
    NOTHING_NEW = "nothing_new"  # talked, nothing new
    NO_REPLY = "no_reply"  # voicemail / email sent, no answer yet
    NOT_NOW = "not_now"  # said no / not now
    RE_ENGAGED = "re_engaged"  # meeting or next step booked
    WON = "won"
    CONTACT_LEFT = "contact_left"  # successor named (text required)
    WALKED_AWAY = "walked_away"
    SNOOZED = "snoozed"


class ProspectStatus(StrEnum):
    DORMANT = "dormant"  # in rotation: gets due dates and reminders
    REVIVED = "revived"  # re-engaged: off the dormant list
    WON = "won"
    WALKED_AWAY = "walked_away"  # archived; a matching event brings it back, unless do-not-contact


class WalkAwayReason(StrEnum):
    NOTHING_LEARNED = "nothing_learned"
    PROPOSAL_EXPIRED = "proposal_expired"
    SAID_NO_FINAL = "said_no_final"
    UNREACHABLE = "unreachable"
    NOT_A_FIT = "not_a_fit"
    DO_NOT_CONTACT = "do_not_contact"  # they asked not to be contacted: final
    OTHER = "other"


class DecisionKind(StrEnum):
    WALK_AWAY = "walk_away"
    KEEP_GOING = "keep_going"
    REOPEN = "reopen"  # a manager put a walked-away prospect back in its rep's rotation
    HAND_OVER = "hand_over"  # a manager gave a walked-away prospect to another rep


class EventKind(StrEnum):
    FEATURE_SHIPPED = "feature_shipped"
    COMPETITOR_NEWS = "competitor_news"


class DigestStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    SKIPPED = "skipped"  # nothing was due: no DM
    FAILED = "failed"  # gave up this tick; retried on a later one


# Monday=0 … Sunday=6, as date.weekday() counts.
WEEKDAYS: frozenset[int] = frozenset({0, 1, 2, 3, 4})


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened outside the deal and may resurface prospects."""

    kind: EventKind
    subject: str  # the feature name or the competitor name
    on: date


@dataclass(frozen=True, slots=True)
class TouchFacts:
    """One logged contact, as the coach sees it."""

    tactic_id: str
    outcome: Outcome
    on: date
    learned: str | None = None
    answered_question: str | None = None  # the backlog question it answered (bot.coach.questions)


@dataclass(frozen=True, slots=True)
class ProspectFacts:
    """Everything the coach may know about a prospect; all optional fields may be None."""

    name: str
    company: str
    situation: Situation
    created_on: date
    id: int | None = None
    status: ProspectStatus = ProspectStatus.DORMANT
    email: str | None = None
    phone: str | None = None
    stated_reason: str | None = None
    competitor: str | None = None  # competitor or current provider
    missing_feature: str | None = None
    contract_end: date | None = None
    decision_date: date | None = None  # decided on / competitor delivered
    proposal_sent_on: date | None = None
    proposal_expires_on: date | None = None
    referrer: str | None = None
    note: str | None = None
    last_touch_on: date | None = None
    next_touch_on: date | None = None
    sequence_step: int = 0  # touches made in the situation's sequence so far
    nothing_new_streak: int = 0  # conversations in a row that taught nothing new
    last_learned: str | None = None
    pending_event: Event | None = None  # an event that resurfaced it, not yet acted on
    unanswered_streak: int = 0  # attempts in a row that nobody answered
    open_decision: WalkAwayReason | None = None  # the re-evaluation asked and not yet answered
    do_not_contact: bool = False  # they asked not to be contacted: closed for good

    @property
    def first_name(self) -> str:
        parts = self.name.split()
        return parts[0] if parts else self.name


# Allowed range (inclusive) of every coach knob. Shared with any settings form
# so the form and the validation can't disagree.
COACH_SETTING_LIMITS: dict[str, tuple[int, int]] = {
    "nothing_new_limit": (1, 10),
    "unanswered_limit": (1, 10),
    "proposal_valid_days": (1, 365),
    "contract_lead_days": (0, 365),
    "contract_term_days": (30, 1827),
    "renewal_followup_days": (1, 180),
    "chose_competitor_wait_days": (1, 365),
    "unhappy_cadence_days": (7, 365),
    "big_company_cadence_days": (7, 365),
    "said_no_cadence_days": (1, 365),
    "missing_feature_checkin_days": (7, 365),
    "went_quiet_spacing_days": (1, 30),
    "conversation_followup_days": (1, 90),
    "no_reply_retry_days": (1, 60),
    "not_now_push_days": (1, 365),
    "ranking_min_outcomes": (0, 10_000),
}


@dataclass(frozen=True, slots=True)
class CoachSettings:
    """Workspace knobs for the coach; defaults are the playbook's (all counts in days
    except the two limits). Out-of-range values raise ValueError naming the knob."""

    nothing_new_limit: int = 2  # conversations in a row with nothing new before the prompt
    unanswered_limit: int = 3  # unanswered attempts in a row before the prompt (not went-quiet)
    proposal_valid_days: int = 30  # a proposal without an explicit expiry
    contract_lead_days: int = 90  # call this long before a competitor contract ends
    chose_competitor_wait_days: int = 42  # after the competitor delivered
    unhappy_cadence_days: int = 150  # "every 4-6 months"
    big_company_cadence_days: int = 91  # quarterly
    said_no_cadence_days: int = 30
    missing_feature_checkin_days: int = 120  # slow check-in until the feature ships
    went_quiet_spacing_days: int = 4  # between two steps of the went-quiet sequence
    not_now_push_days: int = 90  # "not now" pushes the next touch this far out
    # Knobs the playbook leaves implicit:
    contract_term_days: int = 365  # assumed renewal term once a contract end has passed
    renewal_followup_days: int = 30  # spacing of touches inside the renewal lead window
    conversation_followup_days: int = 14  # a went-quiet prospect who answered again
    no_reply_retry_days: int = 7  # a periodic touch that got no answer is retried
    # Settled tries the workspace needs before tactics are ranked by its results (bot.coach.ranking)
    ranking_min_outcomes: int = 30

    def __post_init__(self) -> None:
        for name, (low, high) in COACH_SETTING_LIMITS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name} must be a whole number, not {value!r}")
            if not low <= value <= high:
                raise ValueError(f"{name} must be between {low} and {high}, not {value}")
        if self.contract_lead_days >= self.contract_term_days:
            raise ValueError(
                f"contract_lead_days ({self.contract_lead_days}) must be shorter than "
                f"contract_term_days ({self.contract_term_days})"
            )
