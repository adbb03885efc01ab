"""Tactic ranking that learns: the team's own revivals move the playbook's order.

For each workspace, situation and tactic the revival rate (bot.coach.revival: tries revived
within 60 days, a try still inside its window weighed by the time waited) is a Beta
posterior. Its prior follows the playbook's order: the situation's base rate, tilted up for
the playbook's first tactic and down for its last, worth PRIOR_STRENGTH pseudo-tries
(docs/learning.md says why these numbers). The tactics that fit the prospect today
(bot.coach.select.candidates) are ordered by Thompson sampling: one draw
from each posterior, highest first, with a random.Random seeded from the rep, the day and the
situation, so the order holds all day and explores across days.

Safeguards: only tactics the playbook fits are ever offered (the candidates come from FITS);
the ranking is off until the workspace has `ranking_min_outcomes` settled tries (then the
playbook's order stands unchanged); a manager's pin puts a tactic first, a switch-off removes
it (TacticPrefs); the went-quiet sequence steps and event tactics keep their places.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.coach.playbook import TACTICS
from bot.coach.preferences import TacticPrefs, rankable
from bot.coach.revival import PairCount
from bot.coach.select import MAX_CHOICES, TacticChoice, candidates
from bot.domain import CoachSettings, ProspectFacts, Situation, TouchFacts

PRIOR_STRENGTH = 4.0  # pseudo-tries the playbook's order is worth
PRIOR_TILT = 0.5  # the first tactic's prior mean is (1 + TILT/2) × base, the last (1 - TILT/2) ×
DEFAULT_BASE_RATE = 0.15  # a situation's revival rate before the team has any tries in it
BASE_PSEUDO_TRIES = 10.0  # how much that default weighs against the team's pooled tries


@dataclass(frozen=True, slots=True)
class TacticRecord:
    """A workspace's tries per (situation, tactic), read once per digest batch (or sweep)."""

    pairs: Mapping[tuple[str, str], PairCount] = field(default_factory=dict)

    @property
    def outcomes(self) -> int:
        """Settled tries in the workspace: what `ranking_min_outcomes` is compared with."""
        return sum(count.tries for count in self.pairs.values())

    def of(self, situation: str, tactic_id: str) -> PairCount:
        return self.pairs.get((situation, tactic_id), PairCount())

    def base_rate(self, situation: str) -> float:
        """The situation's revival rate over all its tactics, shrunk toward the default."""
        tries, revived = 0.0, 0
        for (where, _), count in self.pairs.items():
            if where == situation:
                tries, revived = tries + count.weight, revived + count.revived
        return (revived + DEFAULT_BASE_RATE * BASE_PSEUDO_TRIES) / (tries + BASE_PSEUDO_TRIES)


@dataclass(frozen=True, slots=True)
class Ranking:
    """What the ranking needs beyond the prospect: the team's record, the manager's pins and
    switch-offs, the minimum, and whose digest it is (the seed)."""

    record: TacticRecord
    prefs: TacticPrefs
    min_outcomes: int
    rep_id: int

    @property
    def learning(self) -> bool:
        return self.record.outcomes >= self.min_outcomes


def prior(situation: Situation, record: TacticRecord) -> dict[str, tuple[float, float]]:
    """tactic → (alpha, beta) of its prior: mean falling with the playbook's rank."""
    order = rankable(situation)
    base = record.base_rate(situation.value)
    last = max(len(order) - 1, 1)
    params: dict[str, tuple[float, float]] = {}
    for rank, tactic_id in enumerate(order):
        tilt = PRIOR_TILT * (0.5 - rank / last) if len(order) > 1 else 0.0
        mean = min(max(base * (1 + tilt), 0.01), 0.99)
        params[tactic_id] = (PRIOR_STRENGTH * mean, PRIOR_STRENGTH * (1 - mean))
    return params


def posterior(situation: Situation, record: TacticRecord) -> dict[str, tuple[float, float]]:
    """tactic → (alpha, beta) after the team's tries (unsettled ones weighed by time waited)."""
    params = {}
    for tactic_id, (alpha, beta) in prior(situation, record).items():
        count = record.of(situation.value, tactic_id)
        params[tactic_id] = (alpha + count.revived, beta + count.weight - count.revived)
    return params


def seed(rep_id: int, on: date, situation: Situation) -> str:
    """The same rep, day and situation draw the same numbers: the order holds all day."""
    return f"{rep_id}:{on.isoformat()}:{situation.value}"


def draws(situation: Situation, ranking: Ranking, on: date) -> dict[str, float]:
    """One Thompson draw per rankable tactic, always in the playbook's order (so a tactic's
    draw does not depend on which others fit this prospect today)."""
    rng = random.Random(seed(ranking.rep_id, on, situation))
    return {
        tactic_id: rng.betavariate(alpha, beta)
        for tactic_id, (alpha, beta) in posterior(situation, ranking.record).items()
    }


def evidence(situation: Situation, tactic_id: str, record: TacticRecord) -> str | None:
    """'Beat the renewal: revived 4 of 9 like this in your workspace.' once tried here."""
    count = record.of(situation.value, tactic_id)
    if not count.tries:
        return None
    title = TACTICS[tactic_id].title
    return f"{title}: revived {count.revived} of {count.tries} like this in your workspace."


def rank(
    choices: Sequence[TacticChoice], situation: Situation, on: date, ranking: Ranking
) -> list[TacticChoice]:
    """`choices` (the playbook's order for today) with switch-offs removed, the pin first
    and, when the team has enough outcomes, the rest ordered by Thompson sampling.

    Only rankable tactics move; an event's tactic or a went-quiet step keeps its place."""
    movable = set(rankable(situation))
    kept = [c for c in choices if not ranking.prefs.is_off(situation, c.tactic.id)] or (
        _still_on(situation, ranking.prefs, choices)
    )
    fixed = [c for c in kept if c.tactic.id not in movable]
    ordered = [c for c in kept if c.tactic.id in movable]
    if ranking.learning and ordered:
        drawn = draws(situation, ranking, on)
        ordered = sorted(ordered, key=lambda c: -drawn.get(c.tactic.id, 0.0))
        ordered = [
            TacticChoice(c.tactic, c.reason, evidence(situation, c.tactic.id, ranking.record))
            for c in ordered
        ]
    pinned = ranking.prefs.pinned.get(situation)
    ordered.sort(key=lambda c: c.tactic.id != pinned)  # stable: the pin first, rest as ranked
    events = [c for c in fixed if c.tactic.event is not None]
    steps = [c for c in fixed if c.tactic.event is None]
    return [*events, *steps, *ordered]


def _still_on(
    situation: Situation, prefs: TacticPrefs, choices: Sequence[TacticChoice]
) -> list[TacticChoice]:
    """Today's fits are all switched off (the one left on was just used): the situation's
    tactics that are on, in the playbook's order, rather than a switched-off one."""
    on = [i for i in rankable(situation) if not prefs.is_off(situation, i)]
    # The settings refuse switching a whole situation off, so `on` is empty only if they
    # were bypassed: then today's fits, as the playbook has them.
    return [TacticChoice(TACTICS[i], TACTICS[i].purpose) for i in on] or list(choices)


def ranked_tactics(
    prospect: ProspectFacts,
    history: Sequence[TouchFacts],
    today: date,
    settings: CoachSettings,
    ranking: Ranking | None,
) -> list[TacticChoice]:
    """The tactics the digest offers, best first: tactics_for, ranked when it can be."""
    choices = candidates(prospect, history, today, settings)
    if ranking is None:
        return choices[:MAX_CHOICES]
    return rank(choices, prospect.situation, today, ranking)[:MAX_CHOICES]
