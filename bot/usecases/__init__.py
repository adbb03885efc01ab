"""Use cases: one unit of work each, called by a thin listener or the scheduler."""
