"""Managers: teams, team numbers, the weekly report."""
