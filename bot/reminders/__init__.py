"""The morning: who is due where, plan → claim → compose → deliver → mark sent."""

from bot.reminders.report import SweepOptions, SweepReport
from bot.reminders.sweep import sweep

__all__ = ["SweepOptions", "SweepReport", "sweep"]
