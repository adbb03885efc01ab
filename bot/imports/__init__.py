"""Bringing a pipeline in from CSV files and taking it out again: import, export, backups."""
