"""The manager Home's Coach settings section: the values that apply now, and the button.

Its own module so bot.usecases.manager_home can list it without importing the use case
(bot.team.coach_settings republishes the Home, which imports manager_home).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from bot.blocks.coach_settings_modal import home_summary
from bot.team.coach_settings_table import setting_values
from bot.workspace_settings import settings_from_json
from store.models import Rep


def coach_settings_section(session: Session, rep: Rep, today: date) -> list[dict[str, Any]]:
    return home_summary(setting_values(settings_from_json(rep.workspace.settings)))
