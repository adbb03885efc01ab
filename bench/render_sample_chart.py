"""Render the weekly report's chart from fixed sample figures to docs/images/weekly-report.png.

    .venv/bin/python bench/render_sample_chart.py [OUT.png]

Deterministic (seeded numbers, fixed dates): the same code draws the same bytes, so a change
in the image in a diff is a change in the chart.
"""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta
from pathlib import Path

from bot.team.chart import weekly_chart_png
from bot.team.figures import ChartFigures, RepWeek, TacticRate

OUT = Path(__file__).resolve().parent.parent / "docs" / "images" / "weekly-report.png"
REPS = ("Ana Souza", "Björn Lindqvist", "Chioma Eze", "Dmitri Volkov", "Emma O'Brien",
        "Farah Haddad", "Gus Tanaka", "Hana Kowalski", "Ivo Petrov")
TACTICS = (
    ("Breakup email", "Went quiet", 14, 6),
    ("New-angle value drop", "Went quiet", 22, 7),
    ("Ask for a referral", "Champion left", 9, 4),
    ("Re-intro to the new leader", "Champion left", 6, 3),
    ("Budget-cycle check-in", "No budget", 11, 3),
    ("Price-anchor reset", "Lost on price", 3, 2),
    ("Competitor-switch story", "Chose a competitor", 4, 1),
    ("Proposal refresh", "Proposal expired", 8, 2),
)


def sample() -> ChartFigures:
    rng = random.Random(13)
    first = date(2025, 3, 3)
    weeks = [first + timedelta(weeks=i) for i in range(8)]
    rep_weeks = []
    for n, rep in enumerate(REPS):
        pace = 9 - n  # the first reps log the most
        for i, week in enumerate(weeks):
            contacts = max(0, pace + rng.randint(-3, 3) + i // 3)
            learned = rng.randint(0, contacts) if contacts else 0
            rep_weeks.append(RepWeek(rep, week, contacts, learned // 2 + contacts // 5))
    tactics = [TacticRate(t, s, tried, revived) for t, s, tried, revived in TACTICS]
    return ChartFigures("Team North · weekly report · week of 21 April 2025", weeks,
                        rep_weeks, tactics)


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(weekly_chart_png(sample()))
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
