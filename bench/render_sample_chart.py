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
from bot.team.weekly import ReportWeek, tactic_title

OUT = Path(__file__).resolve().parent.parent / "docs" / "images" / "weekly-report.png"
REPS = ("Ana Souza", "Björn Lindqvist", "Chioma Eze", "Dmitri Volkov", "Emma O'Brien",
        "Farah Haddad", "Gus Tanaka", "Hana Kowalski", "Ivo Petrov")
# Playbook tactic ids, tries and revivals over the 8 weeks: drawn by their playbook titles, all
# situations together, as the weekly report draws them (bot.team.weekly.tactic_rates).
TACTICS = (
    ("new_ideas", 22, 7),
    ("be_a_resource", 14, 6),
    ("voicemail_email", 11, 3),
    ("permission_to_say_no", 9, 4),
    ("final_notice", 8, 2),
    ("competitor_trouble", 6, 3),
    ("before_renewal", 4, 1),
    ("feature_now_available", 3, 2),
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
    tactics = [TacticRate(tactic_title(t), None, tried, revived) for t, tried, revived in TACTICS]
    week = ReportWeek(weeks[-1])
    return ChartFigures(f"Team North · weekly report · {week.label}", weeks, rep_weeks, tactics)


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(weekly_chart_png(sample()))
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
