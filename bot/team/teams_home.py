"""The Teams section of the manager's Home (registered in bot.usecases.manager_home)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from bot.blocks.teams import teams_blocks
from bot.team import roles
from bot.team.teams import listings
from store.models import Rep


def teams_section(session: Session, viewer: Rep, today: date) -> list[dict[str, Any]]:
    """The teams this manager manages (every team of the workspace for an admin); the
    New team and Edit buttons for admins only."""
    shown = listings(session, roles.managed_teams(session, viewer))
    return teams_blocks(shown, admin=bool(viewer.is_admin))
