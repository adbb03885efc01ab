"""Does the tactic ranking revive more prospects than the playbook's fixed order? A simulation.

A team of reps works dormant prospects in every situation for some months. Each tactic has a
hidden true revival rate per situation that the team never sees, and the playbook's first
tactic is never the best one. Every workday each rep contacts a few prospects and uses the
tactic the coach offers first. Three policies, each driven through the REAL ranking
(bot.coach.ranking.rank, with bot.coach.revival's settled-try definition feeding its counts):

- playbook: the ranking with a minimum no workspace reaches, i.e. the playbook's order;
- learning: the shipped defaults (ranking_min_outcomes 30), Thompson sampling per rep, day
  and situation, counts updated as tries settle (revived, or 60 days without);
- oracle: always the truly best tactic (the ceiling; no real team has it).

Run from the repository root:

    .venv/bin/python bench/simulate_learning.py               # 200 reps, 6 months, 20 seeds
    .venv/bin/python bench/simulate_learning.py --seeds 5 --reps 50 --months 3

Prints revivals per policy (mean, spread over the seeds) and writes a PNG of cumulative
revivals (docs/learning_simulation.png by default).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.coach.playbook import TACTICS  # noqa: E402 - after the path is set
from bot.coach.preferences import TacticPrefs, rankable  # noqa: E402
from bot.coach.ranking import Ranking, TacticRecord, rank  # noqa: E402
from bot.coach.revival import REVIVAL_WINDOW_DAYS, PairCount  # noqa: E402
from bot.coach.select import TacticChoice  # noqa: E402
from bot.domain import Situation  # noqa: E402

START = date(2026, 1, 5)  # a Monday
NEVER = 10**9  # a minimum no workspace reaches: the playbook's order
SHIPPED_MINIMUM = 30  # CoachSettings.ranking_min_outcomes' default
MAX_DELAY = 45  # days from a try to the revival it causes (inside the 60-day window)
SPREAD = (1.8, 1.0, 0.7, 0.4)  # how much better or worse than the base each tactic is
Pair = tuple[str, str]


@dataclass(frozen=True, slots=True)
class World:
    """One seed's hidden truth: each (situation, tactic)'s revival rate."""

    rates: dict[Pair, float]

    def best(self, situation: Situation) -> str:
        return max(rankable(situation), key=lambda t: self.rates[(situation.value, t)])


def hidden_world(rng: random.Random) -> World:
    """Rates around a base per situation, shuffled so the playbook's first is not the best."""
    rates: dict[Pair, float] = {}
    for situation in Situation:
        order = rankable(situation)
        base = rng.uniform(0.06, 0.16)
        spread = [m * rng.uniform(0.9, 1.1) for m in SPREAD[: len(order)]]
        while True:
            rng.shuffle(spread)
            if spread[0] < max(spread):
                break
        for tactic_id, factor in zip(order, spread, strict=True):
            rates[(situation.value, tactic_id)] = min(base * factor, 0.95)
    return World(rates)


CHOICES = {s: [TacticChoice(TACTICS[t], "") for t in rankable(s)] for s in Situation}
Policy = Callable[[int, date, Situation, TacticRecord], str]


def ranked_policy(minimum: int) -> Policy:
    def first(rep_id: int, day: date, situation: Situation, record: TacticRecord) -> str:
        ranking = Ranking(record, TacticPrefs(), minimum, rep_id)
        return rank(CHOICES[situation], situation, day, ranking)[0].tactic.id

    return first


def oracle_policy(world: World) -> Policy:
    best = {s: world.best(s) for s in Situation}
    return lambda rep_id, day, situation, record: best[situation]


def run(policy: Policy, world: World, seed: int, reps: int, days: int, per_day: int) -> list[int]:
    """Revivals per day. The same seed gives every policy the same prospects and the same
    luck (a try's outcome is drawn from its own generator), so policies differ by choice."""
    luck = random.Random(seed * 7919 + 1)
    who = random.Random(seed * 104729 + 2)
    settles: dict[int, list[tuple[Pair, bool, int]]] = defaultdict(list)
    counts: dict[Pair, list[int]] = defaultdict(lambda: [0, 0])  # settled tries, revived
    waiting: dict[Pair, dict[int, int]] = defaultdict(lambda: defaultdict(int))  # day → tries
    revivals = [0] * days
    situations = list(Situation)
    for index in range(days):
        for pair, revived, tried_on in settles.pop(index, ()):
            counts[pair][0] += 1
            counts[pair][1] += revived
            waiting[pair][tried_on] -= 1
        day = START + timedelta(days=index)
        if day.weekday() >= 5:
            continue
        record = record_of(counts, waiting, index)
        for rep_id in range(1, reps + 1):
            for _ in range(per_day):
                situation = who.choice(situations)
                tactic_id = policy(rep_id, day, situation, record)
                pair = (situation.value, tactic_id)
                roll, delay = luck.random(), luck.randint(0, MAX_DELAY)
                revived = roll < world.rates[pair]
                if revived and index + delay < days:
                    revivals[index + delay] += 1
                settle = index + (delay if revived else REVIVAL_WINDOW_DAYS + 1)
                settles[settle].append((pair, revived, index))
                waiting[pair][index] += 1
    return revivals


def record_of(counts: dict[Pair, list[int]], waiting: dict[Pair, dict[int, int]],
              today: int) -> TacticRecord:  # fmt: skip
    """What the team's database would say today (bot.coach.revival's definition): settled
    tries and revivals, and the days waited by tries still inside their window."""
    pairs = {}
    for pair in counts.keys() | waiting.keys():
        tries, revived = counts.get(pair, (0, 0))
        days = sum(n * min(today - on, REVIVAL_WINDOW_DAYS) for on, n in waiting[pair].items())
        pairs[pair] = PairCount(tries, revived, days)
    return TacticRecord(pairs)


def cumulative(values: list[int]) -> list[int]:
    total, out = 0, []
    for value in values:
        total += value
        out.append(total)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--per-day", type=int, default=3, help="contacts per rep per workday")
    parser.add_argument("--png", default=str(ROOT / "docs" / "learning_simulation.png"))
    args = parser.parse_args()
    days = round(args.months * 365 / 12)
    policies = {"playbook": lambda w: ranked_policy(NEVER),
                "learning": lambda w: ranked_policy(SHIPPED_MINIMUM),
                "oracle": oracle_policy}  # fmt: skip
    curves: dict[str, list[list[int]]] = {name: [] for name in policies}
    started = time.perf_counter()
    for seed in range(args.seeds):
        world = hidden_world(random.Random(seed))
        for name, make in policies.items():
            curves[name].append(cumulative(run(make(world), world, seed, args.reps, days,
                                               args.per_day)))  # fmt: skip
    elapsed = time.perf_counter() - started
    print_table(curves, args, days, elapsed)
    plot(curves, days, args)


def print_table(curves: dict[str, list[list[int]]], args: argparse.Namespace, days: int,
                elapsed: float) -> None:  # fmt: skip
    totals = {name: [c[-1] for c in runs] for name, runs in curves.items()}
    base = statistics.mean(totals["playbook"])
    print(f"{args.reps} reps, {days} days ({args.months} months), {args.per_day} contacts per "
          f"rep per workday, {args.seeds} seeds; {elapsed:.1f} s")  # fmt: skip
    header = ("policy", "revivals mean", "sd", "min", "max", "vs playbook")
    print("{:<10} {:>14} {:>7} {:>7} {:>7} {:>12}".format(*header))
    for name, values in totals.items():
        mean = statistics.mean(values)
        sd = statistics.stdev(values) if len(values) > 1 else 0.0
        print(f"{name:<10} {mean:>14.1f} {sd:>7.1f} {min(values):>7} {max(values):>7} "
              f"{(mean / base - 1) * 100:>+11.1f}%")  # fmt: skip
    gains = [lr - pb for lr, pb in zip(totals["learning"], totals["playbook"], strict=True)]
    wins = sum(g > 0 for g in gains)
    print(f"learning minus playbook per seed: mean {statistics.mean(gains):+.1f}, "
          f"min {min(gains):+d}, max {max(gains):+d}; learning ahead in {wins} of {len(gains)}")


def plot(curves: dict[str, list[list[int]]], days: int, args: argparse.Namespace) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(8, 4.5), dpi=110)
    x = [START + timedelta(days=i) for i in range(days)]
    colours = {"playbook": "#888888", "learning": "#1f77b4", "oracle": "#2ca02c"}
    for name, runs in curves.items():
        mean = [statistics.mean(day) for day in zip(*runs, strict=True)]
        low = [min(day) for day in zip(*runs, strict=True)]
        high = [max(day) for day in zip(*runs, strict=True)]
        style = "--" if name == "oracle" else "-"
        axes.plot(x, mean, style, color=colours[name], label=f"{name} (mean)")
        axes.fill_between(x, low, high, color=colours[name], alpha=0.15)
    axes.set_title(f"Cumulative revivals: {args.reps} reps, {args.months} months, "
                   f"{args.seeds} seeds (band: min–max)")  # fmt: skip
    axes.set_ylabel("prospects revived")
    axes.legend(loc="upper left")
    axes.grid(alpha=0.3)
    figure.autofmt_xdate()
    figure.tight_layout()
    figure.savefig(args.png)
    print(f"chart: {args.png}")


if __name__ == "__main__":
    main()
