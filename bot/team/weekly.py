"""A weekly report's numbers: for each team a manager sees, the reported week per rep and in
total, the last 8 weeks per rep (the chart's left panel) and revival by tactic.

The counting is the team numbers' (bot/team/numbers.py: one set of definitions, "learned"
being the coach's `learned_something`), over the rows of bot/team/reading.py (set-based:
a handful of queries for every team of the report together, never one per rep).

A report is **as of the end of its week**: touches logged after that Sunday are not read, so
`revive report` renders a past week's report as it was sent. A week is a Monday–Sunday of
the reps' local dates (touches carry the rep's local date).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from bot import coach
from bot.team.figures import ChartFigures, RepWeek, TacticRate
from bot.team.numbers import Period, TeamNumbers, TouchRow, team_numbers
from bot.team.reading import RepName, TeamRows, load_team_rows
from bot.team.roles import TeamView
from bot.workspace_settings import WorkspaceSettings

WEEKS = 8  # weeks of history in the chart
_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True, slots=True)
class ReportWeek:
    """The week a report is about: Monday to Sunday."""

    monday: date

    @classmethod
    def parse(cls, text: str) -> ReportWeek:
        """An ISO week such as 2026-W49; ValueError with the expected form otherwise."""
        match = _ISO_WEEK.match(text.strip())
        if match is None:
            raise ValueError(f"{text!r} is not an ISO week; type one like 2026-W49")
        try:
            return cls(date.fromisocalendar(int(match[1]), int(match[2]), 1))
        except ValueError:
            raise ValueError(f"{text!r}: {match[1]} has no week {match[2]}") from None

    @classmethod
    def before(cls, day: date) -> ReportWeek:
        """The last full week before `day`'s week: what a report sent that week is about."""
        return cls(day - timedelta(days=day.weekday() + 7))

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def iso(self) -> str:
        year, week, _ = self.monday.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def label(self) -> str:
        """'week of November 30, 2026', as a title says it."""
        return f"week of {coach.human_date(self.monday)}"

    @property
    def weeks(self) -> list[date]:
        """The Mondays of the chart's weeks, oldest first, this one last."""
        return [self.monday - timedelta(weeks=WEEKS - 1 - i) for i in range(WEEKS)]

    @property
    def period(self) -> Period:
        return Period(self.monday, self.sunday)

    @property
    def history(self) -> Period:
        return Period(self.weeks[0], self.sunday)


@dataclass(frozen=True)
class TeamReport:
    """One team's part of a report."""

    name: str  # as typed: escape it in Slack text
    team_id: int | None  # None: everyone in the workspace
    week: ReportWeek
    names: dict[int, str]  # rep id → the name shown (unique within the team)
    numbers: TeamNumbers  # the reported week: per rep, totals, tactic × situation
    history: TeamNumbers  # the chart's 8 weeks: tactic × situation over them
    figures: ChartFigures

    @property
    def weekly_contacts(self) -> list[int]:
        """The team's contacts per week of the chart, oldest first."""
        totals = dict.fromkeys(self.figures.weeks, 0)
        for row in self.figures.rep_weeks:
            totals[row.week_start] += row.contacts
        return list(totals.values())


def team_reports(
    session: Session,
    *,
    workspace_id: int,
    settings: WorkspaceSettings,
    views: Sequence[TeamView],
    week: ReportWeek,
    now: datetime,
) -> list[TeamReport]:
    """Each view's part of the report, from one load of rows for all their reps."""
    rep_ids = list(dict.fromkeys(rep_id for view in views for rep_id in view.rep_ids))
    rows = load_team_rows(
        session,
        workspace_id=workspace_id,
        rep_ids=rep_ids,
        period=week.period,
        settings=settings,
        now=now,
    )
    history = load_team_rows(
        session,
        workspace_id=workspace_id,
        rep_ids=rep_ids,
        period=week.history,
        settings=settings,
        now=now,
    )
    # As of the week's end (see the module docstring).
    touches = [t for t in history.touches if t.touched_on <= week.sunday]
    return [team_report(view, week, rows, touches) for view in views]


def team_report(
    view: TeamView, week: ReportWeek, rows: TeamRows, touches: Sequence[TouchRow]
) -> TeamReport:
    """One team's numbers from rows loaded for (at least) its reps; pure."""
    known = [rep for rep in rows.reps if rep.rep_id in set(view.rep_ids)]
    rep_ids = [rep.rep_id for rep in known]
    names = shown_names(known)
    numbers = team_numbers(week.period, rep_ids, touches, rows.walk_aways, rows.due, rows.today_of)
    history = team_numbers(week.history, rep_ids, touches)
    figures = ChartFigures(
        title=f"{view.name} · weekly report · {week.label}",
        weeks=week.weeks,
        rep_weeks=rep_weeks(week, rep_ids, names, touches),
        tactics=tactic_rates(history),
    )
    return TeamReport(view.name, view.team_id, week, names, numbers, history, figures)


def rep_weeks(
    week: ReportWeek, rep_ids: Sequence[int], names: dict[int, str], touches: Sequence[TouchRow]
) -> list[RepWeek]:
    """Contacts and learned per rep and week, counted by the team numbers week by week."""
    by_week: dict[date, list[TouchRow]] = defaultdict(list)
    for touch in touches:
        monday = touch.touched_on - timedelta(days=touch.touched_on.weekday())
        by_week[monday].append(touch)
    found: list[RepWeek] = []
    for monday in week.weeks:
        numbers = team_numbers(Period(monday, monday + timedelta(days=6)), rep_ids,
                               by_week.get(monday, []))  # fmt: skip
        found += [
            RepWeek(names[rep.rep_id], monday, rep.contacts, rep.learned)
            for rep in numbers.reps
            if rep.contacts
        ]
    return found


def tactic_rates(numbers: TeamNumbers) -> list[TacticRate]:
    """Revival by tactic, every situation together: what the chart's right panel draws."""
    tried: dict[str, int] = defaultdict(int)
    revived: dict[str, int] = defaultdict(int)
    for pair in numbers.pairs:
        tried[pair.tactic_id] += pair.tried
        revived[pair.tactic_id] += pair.revived
    return [TacticRate(tactic_title(t), None, tried[t], revived[t]) for t in sorted(tried)]


def tactic_title(tactic_id: str) -> str:
    """The playbook's title of a tactic; its id if the playbook no longer has it."""
    tactic = coach.TACTICS.get(tactic_id)
    return tactic.title if tactic is not None else tactic_id.replace("_", " ")


def situation_label(situation: str) -> str:
    for known, info in coach.SITUATIONS.items():
        if known.value == situation:
            return info.label
    return situation.replace("_", " ")


def shown_names(reps: Sequence[RepName]) -> dict[int, str]:
    """The name each rep is shown by: their Slack display name, else their user id; two reps
    with one name get their user id added (the chart keys its bands by name)."""
    base = {rep.rep_id: (rep.display_name or "").strip() or rep.slack_user_id for rep in reps}
    seen: dict[str, int] = defaultdict(int)
    for name in base.values():
        seen[name] += 1
    return {
        rep.rep_id: base[rep.rep_id] if seen[base[rep.rep_id]] == 1
        else f"{base[rep.rep_id]} ({rep.slack_user_id})"
        for rep in reps
    }  # fmt: skip
