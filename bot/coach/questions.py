"""The question backlog: what the rep still needs to find out about a prospect.

PLAYBOOK.md rule 1 ("learn something new every contact") turned into a plan for the next
call. Each situation lists, most useful first, the unknowns that decide whether and when
to re-engage; each credits the article it comes from. A prospect's answers (stored per
prospect) take questions off its list, and the first open one is what the digest and the
tactic card ask the rep to find out this time.

Some answers are facts the coach itself uses: a contract end date moves the prospect's
renewal timing (bot.coach.dates), and a decision maker the rep will talk to from now on
becomes the prospect's contact (as a successor does when the contact left).
Pure data and functions: `today` is always a parameter.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from bot.coach.dates import (
    DEFAULT_SETTINGS,
    contract_cycle_end,
    days,
    renewal_window_start,
    schedule,
)
from bot.coach.outcomes import InvalidOutcome
from bot.coach.playbook import AYLING, ROSEN_SIX_WAYS, SLIFE, USZYNSKI, Source
from bot.coach.rendering import human_date
from bot.domain import WEEKDAYS, CoachSettings, ProspectFacts, Situation

# The form's choice for a learned fact that answers none of the listed questions.
SOMETHING_ELSE = "something_else"
# How far from today a contract end may be (a typo in the year is caught, not scheduled).
CONTRACT_END_PAST_DAYS = 366 * 5
CONTRACT_END_FUTURE_DAYS = 366 * 10


class Fact(StrEnum):
    """An answer the coach uses beyond its text."""

    CONTRACT_END = "contract_end"  # a date: the prospect's contract end, hence its schedule
    DECISION_MAKER = "decision_maker"  # a name: optionally the prospect's new contact


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    label: str  # what the rep reads: at most 75 characters (a radio option)
    why: str  # what the answer decides: at most 75 characters (the option's description)
    source: Source
    fact: Fact | None = None


def _catalogue(*questions: Question) -> dict[str, Question]:
    return {q.id: q for q in questions}


QUESTIONS: dict[str, Question] = _catalogue(
    Question(
        "decision_maker",
        "Who decides, and who else has a say?",
        "Tells you who to win over, and who could bring you back in.",
        ROSEN_SIX_WAYS,
        Fact.DECISION_MAKER,
    ),
    Question(
        "real_reason",
        "What really stopped them last time?",
        "The polite reason often hides the one you can fix.",
        ROSEN_SIX_WAYS,
    ),
    Question(
        "budget_timing",
        "When is their budget set, and when could they buy?",
        "Decides when the next serious conversation is worth having.",
        AYLING,
    ),
    Question(
        "what_changed",
        "What changed on their side since they went quiet?",
        "Busy, moved on, or blocked: each needs a different next step.",
        SLIFE,
    ),
    Question(
        "contract_end",
        "When does their current contract end?",
        "The date I time your call by: well before they renew.",
        USZYNSKI,
        Fact.CONTRACT_END,
    ),
    Question(
        "provider_pain",
        "What bothers them about their current provider?",
        "The problem your offer has to solve for them to switch.",
        ROSEN_SIX_WAYS,
    ),
    Question(
        "switch_trigger",
        "What would make them switch?",
        "The one compelling reason to lead your next message with.",
        ROSEN_SIX_WAYS,
    ),
    Question(
        "competitor_fit",
        "How is the provider they chose working out for them?",
        "Service or quality falling short opens the door again.",
        USZYNSKI,
    ),
    Question(
        "feature_need",
        "Do they still need the missing feature, and by when?",
        "Tells you whether the release is worth a call the day it ships.",
        USZYNSKI,
    ),
    Question(
        "cost_review",
        "When do they next review costs or vendors?",
        "Big accounts shop around on a cycle: be there before it.",
        USZYNSKI,
    ),
    Question(
        "first_slice",
        "Which part of their business could we win first?",
        "A slice of a big account beats waiting for all of it.",
        USZYNSKI,
    ),
    Question(
        "goals_this_year",
        "What are their goals and biggest problems this year?",
        "Gives your next contact something useful to bring.",
        ROSEN_SIX_WAYS,
    ),
)

# Per situation, the questions in order of usefulness: the first open one is asked next.
BACKLOGS: dict[Situation, tuple[str, ...]] = {
    Situation.WENT_QUIET: ("what_changed", "decision_maker", "budget_timing", "real_reason"),
    Situation.SAID_NO: (
        "real_reason",
        "budget_timing",
        "decision_maker",
        "switch_trigger",
        "goals_this_year",
    ),
    Situation.MISSING_FEATURE: (
        "feature_need",
        "decision_maker",
        "budget_timing",
        "goals_this_year",
    ),
    Situation.COMPETITOR_CONTRACT: (
        "contract_end",
        "provider_pain",
        "decision_maker",
        "switch_trigger",
    ),
    Situation.UNHAPPY_WITH_PROVIDER: (
        "provider_pain",
        "switch_trigger",
        "contract_end",
        "decision_maker",
    ),
    Situation.BIG_COMPANY: ("decision_maker", "cost_review", "first_slice", "goals_this_year"),
    Situation.CHOSE_COMPETITOR: (
        "competitor_fit",
        "real_reason",
        "contract_end",
        "decision_maker",
    ),
}


@dataclass(frozen=True, slots=True)
class Answer:
    """One answered question of one prospect, as stored."""

    question_id: str
    on: date
    text: str | None = None


@dataclass(frozen=True, slots=True)
class Backlog:
    """A prospect's questions: answered (oldest first, with the answer) and still open."""

    answered: tuple[tuple[Question, Answer], ...]
    open: tuple[Question, ...]

    @property
    def next(self) -> Question | None:
        """The most useful open question: what to find out this time."""
        return self.open[0] if self.open else None


def questions_for(situation: Situation) -> tuple[Question, ...]:
    """The situation's questions, most useful first."""
    return tuple(QUESTIONS[i] for i in BACKLOGS.get(situation, ()))


def open_questions(situation: Situation, answered: Collection[str]) -> tuple[Question, ...]:
    return tuple(q for q in questions_for(situation) if q.id not in answered)


def next_question(situation: Situation, answered: Collection[str]) -> Question | None:
    """The most useful open question for this situation, given the answered ids."""
    still = open_questions(situation, answered)
    return still[0] if still else None


def backlog_of(situation: Situation, answers: Iterable[Answer]) -> Backlog:
    """Answers to any known question count (an answer survives a change of situation);
    the open ones are the current situation's."""
    known = sorted(
        (a for a in answers if a.question_id in QUESTIONS), key=lambda a: (a.on, a.question_id)
    )
    done = {a.question_id for a in known}
    return Backlog(
        answered=tuple((QUESTIONS[a.question_id], a) for a in known),
        open=open_questions(situation, done),
    )


def question_to_answer(
    situation: Situation, question_id: str, answered: Collection[str]
) -> Question:
    """The question a logged contact answers; refused when it is not an open question of
    this situation (a forged id, a changed situation, answered already)."""
    question = QUESTIONS.get(question_id)
    if question is None or question_id not in BACKLOGS.get(situation, ()):
        raise InvalidOutcome("That question is not one of this prospect's; open the card again.")
    if question_id in answered:
        raise InvalidOutcome(f"\u201c{question.label}\u201d is answered already.")
    return question


def fact_problem(question: Question, value: date | None, today: date) -> str | None:
    """What is wrong with the fact given with an answer, or None."""
    if question.fact is not Fact.CONTRACT_END:
        return None
    if value is None:
        return "Pick the day their contract ends."
    if value < today - days(CONTRACT_END_PAST_DAYS):
        return "That is more than five years ago; check the year."
    if value > today + days(CONTRACT_END_FUTURE_DAYS):
        return "That is more than ten years away; check the year."
    return None


def with_fact(
    prospect: ProspectFacts, question: Question | None, value: date | None
) -> ProspectFacts:
    """The prospect as the coach should see it once this answer (if any) is known."""
    if question is not None and question.fact is Fact.CONTRACT_END and value is not None:
        return replace(prospect, contract_end=value)
    return prospect


CONTACT_NAME_MAX = 200  # a prospect's name


def contact_problem(question: Question | None, name: str | None) -> str | None:
    """What is wrong with a new contact given with an answer, or None."""
    if not name:
        return None
    if question is None or question.fact is not Fact.DECISION_MAKER:
        return "A new contact goes with the who-decides question; pick it or clear the name."
    if len(name) > CONTACT_NAME_MAX:
        return f"Keep the name under {CONTACT_NAME_MAX} characters."
    return None


def answer_text(
    question: Question, learned: str | None, value: date | None, contact: str | None = None
) -> str | None:
    """The text kept with an answer: what the rep wrote, else the fact in words."""
    text = (learned or "").strip()
    if text:
        return text
    if question.fact is Fact.CONTRACT_END and value is not None:
        return f"Contract ends {human_date(value)}"
    if question.fact is Fact.DECISION_MAKER and contact:
        return f"{contact} decides"
    return None


def renewal_date(
    prospect: ProspectFacts,
    planned: date | None,
    today: date,
    settings: CoachSettings = DEFAULT_SETTINGS,
    workdays: frozenset[int] = WEEKDAYS,
) -> date | None:
    """The next touch once a contract end is known: brought forward to the renewal window
    when that comes before the planned date, so the rep calls before they renew.

    Locked-in prospects are timed by the window already (bot.coach.outcomes); this covers
    the other situations that learn a contract end (an unhappy customer, a competitor's)."""
    end = contract_cycle_end(prospect, today, settings)
    if planned is None or end is None:
        return planned
    window = renewal_window_start(end, settings)
    if today < window < planned:
        return schedule(window, today, workdays)
    return planned
