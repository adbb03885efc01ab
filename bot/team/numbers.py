"""Team numbers: per rep, the team's totals, and which tactics revive which situations.

Pure: plain rows in (touches, walk-aways, due dates), dataclasses out; no Slack, no SQL,
no clock. Every count reads a touch through the coach (`coach.is_contact`,
`coach.learned_something`), so a manager's "learned something" is the rep's own.

Definitions, for a period [start, end] (both days included):

- **contacts**: touches logged on a day of the period that are contacts (anything but a
  snooze or a walk-away); **learned**: those contacts that learned something, by the
  coach's one definition.
- **revived** (per rep): the prospects this rep brought to re-engaged or won by a touch
  logged in the period, each prospect once per rep. The team's total is the sum over its
  reps (a prospect two reps revived in the period counts for both).
- **walk-aways**: walk-away decisions made in the period, counted by reason.
- **overdue / in rotation**: a snapshot, not the period: dormant prospects the rep owns
  now, and those among them due before the rep's own today.
- **tactic × situation**: every contact logged in the period counts as one *try* of its
  tactic in the situation the prospect was in at the time. A try is **revived within 60
  days** when the same prospect has a re-engaged or won touch (the try itself included)
  logged at or after the try — a later day, or the same day and logged after it — and no
  more than 60 days after the try's day. Touches up to 60 days past the period's end are
  read for this, so a try near the end of a past period keeps its full window; a try of
  the last 60 days may still revive, and its rate can only go up. The definition is
  bot.coach.revival's, which the tactic ranking counts with too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from operator import itemgetter
from typing import NamedTuple

from bot import coach
from bot.coach.counters import REVIVING
from bot.coach.revival import REVIVAL_WINDOW_DAYS  # the one definition, shared with the ranking
from bot.domain import Outcome, TouchFacts

FEW_TRIES = 5  # fewer tries than this: the rate is marked as a small sample
_OUTCOMES = {outcome.value: outcome for outcome in Outcome}  # a dict look-up, not Enum()
_REVIVING = frozenset(outcome.value for outcome in REVIVING)


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date  # included

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def read_until(self) -> date:
        """The last day a touch can revive a try of this period."""
        return self.end + timedelta(days=REVIVAL_WINDOW_DAYS)


class TouchRow(NamedTuple):
    """One logged touch. A named tuple, so a database row of these columns (in this order)
    passes as it is: a quarter of a team is 100,000 of them, and copying each into an object
    would cost more than the whole fold (docs/benchmarks.md)."""

    id: int  # logging order: two touches on one day
    rep_id: int
    prospect_id: int
    situation: str  # the prospect's situation when the touch was logged
    tactic_id: str
    outcome: str  # an Outcome value
    touched_on: date  # the rep's local date
    learned: str | None = None


@dataclass(frozen=True, slots=True)
class WalkAwayRow:
    rep_id: int
    reason: str | None
    count: int = 1


@dataclass(frozen=True, slots=True)
class DueRow:
    """A rep's dormant prospects due on one day (None: no date yet)."""

    rep_id: int
    due_on: date | None
    count: int = 1


@dataclass(frozen=True, slots=True)
class RepNumbers:
    rep_id: int
    contacts: int = 0
    learned: int = 0
    revived: int = 0
    walked_away: int = 0
    walk_reasons: tuple[tuple[str | None, int], ...] = ()  # most frequent first
    overdue: int = 0
    in_rotation: int = 0

    @property
    def learned_share(self) -> float:
        return self.learned / self.contacts if self.contacts else 0.0


@dataclass(frozen=True, slots=True)
class PairRate:
    tactic_id: str
    situation: str
    tried: int
    revived: int

    @property
    def rate(self) -> float:
        return self.revived / self.tried if self.tried else 0.0

    @property
    def few(self) -> bool:
        return self.tried < FEW_TRIES


@dataclass(frozen=True, slots=True)
class TeamNumbers:
    period: Period
    reps: tuple[RepNumbers, ...]  # in the order the rep ids were given
    totals: RepNumbers  # rep_id 0: the sums over `reps`
    pairs: tuple[PairRate, ...]  # best rate first; ties: more tries first

    def top_pairs(self, count: int) -> tuple[PairRate, ...]:
        """The best-reviving pairs with enough tries to mean something."""
        return tuple(pair for pair in self.pairs if not pair.few and pair.revived)[:count]


@dataclass(frozen=True, slots=True)
class RepName:
    rep_id: int
    slack_user_id: str
    display_name: str | None


@dataclass(frozen=True, slots=True)
class TeamReport:
    """What a manager is shown: a team's numbers with its reps' names."""

    team: str
    today: date  # the viewer's local date
    numbers: TeamNumbers
    names: Mapping[int, RepName]


def team_numbers(
    period: Period,
    rep_ids: Sequence[int],
    touches: Iterable[TouchRow],
    walk_aways: Iterable[WalkAwayRow] = (),
    due: Iterable[DueRow] = (),
    today_of: Mapping[int, date] | None = None,
) -> TeamNumbers:
    """The numbers of `rep_ids` over `period`; rows of other reps are left out.

    `touches` are every touch of these reps from the period's start to its `read_until`
    (any order); `today_of` gives each rep's own local date for "overdue" (default: the
    period's end).
    """
    counts = {rep_id: RepCounts() for rep_id in rep_ids}
    tallies = _count_touches(period, counts, touches)
    return finish_numbers(period, counts, tallies, walk_aways, due, today_of)


def finish_numbers(
    period: Period,
    counts: Mapping[int, RepCounts],
    tallies: Pairs,
    walk_aways: Iterable[WalkAwayRow] = (),
    due: Iterable[DueRow] = (),
    today_of: Mapping[int, date] | None = None,
) -> TeamNumbers:
    """The numbers from the reps' touch counts and the pairs' tallies (however they were
    counted: from touch rows here, from daily totals in bot.team.totals), with the
    walk-aways and due dates added."""
    for row in walk_aways:
        if row.rep_id in counts:
            counts[row.rep_id].walk_reasons[row.reason] += row.count
    for row in due:
        if row.rep_id in counts:
            counts[row.rep_id].note_due(row, (today_of or {}).get(row.rep_id, period.end))
    reps = tuple(rep.numbers(rep_id) for rep_id, rep in counts.items())
    pairs = sorted(
        (
            PairRate(tactic, situation, tried, revived)
            for tactic, by_situation in tallies.items()
            for situation, (tried, revived) in by_situation.items()
        ),
        key=lambda p: (-p.rate, -p.tried, p.situation, p.tactic_id),
    )
    return TeamNumbers(period=period, reps=reps, totals=sum_numbers(reps), pairs=tuple(pairs))


_ORDER = itemgetter(2, 6, 0)  # prospect, day, logging order
Pairs = dict[str, dict[str, list[int]]]  # tactic → situation → [tried, revived]


def _count_touches(
    period: Period, counts: Mapping[int, RepCounts], touches: Iterable[TouchRow]
) -> Pairs:
    """Count the period's touches into `counts`; return tries and revivals per pair.

    Walks each prospect's touches newest first, remembering the day of the earliest
    reviving touch at or after the current one. One plain loop whose counting makes no
    object per touch (nested dicts, not key tuples): it runs 100,000 times for a quarter of
    a 50-rep team, where every object made is one more for the garbage collector to chase
    (docs/benchmarks.md)."""
    start, end, window = period.start, period.end, timedelta(days=REVIVAL_WINDOW_DAYS)
    pairs: Pairs = {}
    verdicts = Verdicts()
    prospect, revived_on = None, None
    for _id, rep_id, prospect_id, situation, tactic_id, outcome, day, text in reversed(
        sorted(touches, key=_ORDER)
    ):
        if prospect_id != prospect:
            prospect, revived_on = prospect_id, None
        reviving = outcome in _REVIVING
        if reviving:
            revived_on = day
        rep = counts.get(rep_id)
        if rep is None or not start <= day <= end:
            continue
        if reviving:
            rep.revived.add(prospect_id)
        contact, learned = verdicts.of(tactic_id, outcome, day, text)
        if contact:
            rep.contacts += 1
            rep.learned += learned
            by_situation = pairs.get(tactic_id) or pairs.setdefault(tactic_id, {})
            tally = by_situation.get(situation) or by_situation.setdefault(situation, [0, 0])
            tally[0] += 1
            tally[1] += revived_on is not None and revived_on - day <= window
    return pairs


class Verdicts:
    """The coach's verdict on a touch, memoised on the touch's own values (tactic, outcome,
    day, text): the same values, the same verdict, asked of the coach once."""

    __slots__ = ("_known",)

    def __init__(self) -> None:
        self._known: dict[str, dict[date, dict[str | None, tuple[bool, bool]]]] = {}

    def of(self, tactic_id: str, outcome: str, day: date, text: str | None) -> tuple[bool, bool]:
        by_day = self._known.get(outcome + "/" + tactic_id)
        if by_day is None:
            by_day = self._known[outcome + "/" + tactic_id] = {}
        by_text = by_day.get(day)
        if by_text is None:
            by_text = by_day[day] = {}
        verdict = by_text.get(text)
        if verdict is None:
            verdict = by_text[text] = _verdict(TouchFacts(tactic_id, _OUTCOMES[outcome], day, text))
        return verdict


def _verdict(touch: TouchFacts) -> tuple[bool, bool]:
    """The coach's one definition: is it a contact, and did it learn something?"""
    return coach.is_contact(touch), coach.learned_something(touch)


class RepCounts:
    """One rep's running counts while the rows are read."""

    __slots__ = ("contacts", "in_rotation", "learned", "overdue", "revived", "walk_reasons")

    def __init__(self) -> None:
        self.contacts = self.learned = self.overdue = self.in_rotation = 0
        self.revived: set[int] = set()
        self.walk_reasons: Counter[str | None] = Counter()

    def note_due(self, row: DueRow, today: date) -> None:
        self.in_rotation += row.count
        if row.due_on is not None and row.due_on < today:
            self.overdue += row.count

    def numbers(self, rep_id: int) -> RepNumbers:
        return RepNumbers(
            rep_id=rep_id,
            contacts=self.contacts,
            learned=self.learned,
            revived=len(self.revived),
            walked_away=sum(self.walk_reasons.values()),
            walk_reasons=_by_count(self.walk_reasons),
            overdue=self.overdue,
            in_rotation=self.in_rotation,
        )


def sum_numbers(reps: Iterable[RepNumbers]) -> RepNumbers:
    """The team's totals: each number summed over its reps (rep_id 0)."""
    reps = tuple(reps)
    reasons: Counter[str | None] = Counter()
    for rep in reps:
        reasons.update(dict(rep.walk_reasons))
    return RepNumbers(
        rep_id=0,
        contacts=sum(r.contacts for r in reps),
        learned=sum(r.learned for r in reps),
        revived=sum(r.revived for r in reps),
        walked_away=sum(r.walked_away for r in reps),
        walk_reasons=_by_count(reasons),
        overdue=sum(r.overdue for r in reps),
        in_rotation=sum(r.in_rotation for r in reps),
    )


def _by_count(counts: Counter[str | None]) -> tuple[tuple[str | None, int], ...]:
    """Most frequent first; ties by reason, with "no reason" last."""
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] is None, kv[0] or "")))
