"""The manager's part of the App Home: one section per capability, shown to managers only.

Each manager capability (teams, team numbers, coach settings, walk-away review) builds its
own section from the viewer's rep and local date; this module only decides who sees them,
in which order, and keeps them inside the Home's share of Slack's block limit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from bot.mrkdwn import plain
from bot.team import roles
from bot.team.coach_settings_section import coach_settings_section
from bot.team.review import review_section
from bot.team.teams_home import teams_section
from bot.team.usecase import team_numbers_section
from store.models import Rep

Block = dict[str, Any]
Section = Callable[[Session, Rep, date], list[Block]]
MANAGER_BLOCKS_MAX = 50  # half the Home's 100: the rep's own pipeline keeps the rest

# In the order a manager reads them; each capability adds its builder here.
SECTIONS: tuple[Section, ...] = (
    teams_section,
    team_numbers_section,
    coach_settings_section,
    review_section,
)


def manager_blocks(
    session: Session, rep: Rep, today: date, sections: tuple[Section, ...] = SECTIONS
) -> tuple[Block, ...]:
    """The manager sections for this viewer; nothing at all for a rep who manages no one."""
    if not roles.is_manager(session, rep):
        return ()
    blocks: list[Block] = [{"type": "divider"}, {"type": "header", "text": plain("Your team")}]
    for build in sections:
        section = build(session, rep, today)
        if len(blocks) + len(section) > MANAGER_BLOCKS_MAX:
            continue  # a section that does not fit is left out whole, never cut in half
        blocks += section
    return tuple(blocks)
