"""`revive`'s exit codes, documented in README "Exit codes".

1 is left to Python (an unexpected crash); 3 is `revive sweep`'s "a due digest could not be
delivered" (bot/reminders/run.py)."""

from __future__ import annotations

EXIT_CONFIG = 2  # configuration or set-up: fix the environment, .env or command line
EXIT_SLACK = 4  # Slack could not be reached, or it refused a token
EXIT_DATABASE = 5  # the database could not be reached or opened
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report it
