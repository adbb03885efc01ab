"""Team numbers for a manager: `/revive team [team] [period]` and the Home's Team section.

Who may see what is bot.team.roles' alone: a rep who manages nothing is refused before
anything is read or parsed, and a team is looked up only among the viewer's own views
(`roles.view_for`), so another manager's team is refused without being named. The numbers
come from the daily totals and a few set-based queries (bot.team.totals), the same as the
pure bot.team.numbers counts from every touch.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

from bot.blocks import team_numbers as blocks
from bot.blocks.command_replies import Reply
from bot.team import roles
from bot.team.numbers import Period, TeamReport
from bot.team.periods import split_request, this_month
from bot.team.totals import TeamTotals, load_team_totals, totals_numbers
from bot.usecases.request import Request
from bot.workspace_settings import WorkspaceSettings, settings_from_json
from store.models import Rep


def team_command(req: Request, rest: str) -> Callable[[], Reply]:
    """`/revive team [team] [period]`, for the manager who typed it."""
    viewer, session = req.rep, req.session
    views = roles.visible_views(session, viewer.rep)
    if not views:
        raise roles.NotAManager()
    name, period = split_request(rest, viewer.today, [view.name for view in views])
    view = roles.view_for(session, viewer.rep, name)
    rows = load_team_totals(
        session,
        workspace_id=viewer.workspace.id,
        rep_ids=view.rep_ids,
        period=period,
        settings=viewer.settings,
        now=req.now,
    )
    report = _report(view, period, rows, viewer.today)
    return lambda: blocks.team_reply(report)


def team_numbers_section(session: Session, rep: Rep, today: date) -> list[dict[str, object]]:
    """The manager's Home: this month's totals and best pairs of their first few teams.

    One load for all the teams shown (the union of their reps), then each team's numbers
    from its own reps' rows. Overdue counts against the viewer's date (the Home is drawn
    without each rep's clock)."""
    views = roles.visible_views(session, rep)
    if not views:
        return []
    shown = views[: blocks.HOME_TEAMS_MAX]
    period = this_month(today)
    rows = load_team_totals(
        session,
        workspace_id=rep.workspace_id,
        rep_ids=list(dict.fromkeys(rep_id for view in shown for rep_id in view.rep_ids)),
        period=period,
        settings=_settings(rep),
        now=None,
    )
    reports = [_report(view, period, rows, today) for view in shown]
    return blocks.home_section(reports, more=len(views) - len(shown))


def _report(view: roles.TeamView, period: Period, rows: TeamTotals, today: date) -> TeamReport:
    names = {name.rep_id: name for name in rows.reps if name.rep_id in view.rep_ids}
    rep_ids = [rep_id for rep_id in view.rep_ids if rep_id in names]
    return TeamReport(team=view.name, today=today, numbers=totals_numbers(rows, rep_ids),
                      names=names)  # fmt: skip


def _settings(rep: Rep) -> WorkspaceSettings:
    return settings_from_json(rep.workspace.settings)
