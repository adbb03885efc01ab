"""What a sweep may do (its options) and what it did (its report): the steps' shared types."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from store.outbox import WEEKLY_REPORT


@dataclass(frozen=True, slots=True)
class SweepOptions:
    lease_seconds: float = 120  # a crashed process's rows are claimable again after this
    retry_after_seconds: float = 60  # a failed row waits this long (about one tick)
    batch_size: int = 50  # rows claimed (and composed) per transaction; 10 s of posts at 5/s
    max_attempts: int = 5  # claims per row before it stays failed
    post_tries: int = 3  # 5xx/timeouts retried with backoff within one attempt
    backoff_seconds: float = 0.5  # first backoff; doubles each try
    rate_limit_retries: int = 5  # 429s honoured (Retry-After) within one try
    timeout_seconds: int = 10
    pacing: bool = True


# A row's outcome in a sweep (a dry run says "would send", "would skip", "already sent"…).
SENT = "sent"
FOUND = "found"  # in doubt, and found already delivered: not sent again
SKIPPED = "skipped"  # nothing due, or no longer due: no DM
CLOSED = "closed"  # the rep is gone, deactivated or unknown to Slack: never sent
FAILED = "failed"  # not delivered this tick (retried later while attempts are left)


def kind_detail(kind: str, detail: str) -> str:
    """A line's detail, saying when the row is a weekly report rather than a digest."""
    return f"weekly report: {detail}" if kind == WEEKLY_REPORT else detail


@dataclass(frozen=True, slots=True)
class SweepLine:
    team_id: str
    user_id: str
    local_date: date
    outcome: str
    detail: str = ""


@dataclass
class SweepReport:
    at: datetime
    dry_run: bool = False
    enqueued: int = 0
    sent: int = 0
    skipped: int = 0
    closed: int = 0
    failed: int = 0
    in_doubt_found: int = 0
    lines: list[SweepLine] = field(default_factory=list)
    # Workspace-wide failures, one line each: no usable token, bad settings, a crash.
    problems: list[str] = field(default_factory=list)
    # Workspaces left alone on purpose (uninstalled, tokens revoked): not failures.
    skipped_workspaces: list[str] = field(default_factory=list)

    @property
    def undelivered(self) -> list[SweepLine]:
        return [line for line in self.lines if line.outcome == FAILED]

    @property
    def all_delivered(self) -> bool:
        """Nothing due was left undelivered: what `revive sweep`'s exit code reports."""
        return not self.problems and not self.undelivered

    def summary(self) -> str:
        skipped = ""
        if self.skipped_workspaces:
            skipped = f"; {len(self.skipped_workspaces)} workspace(s) skipped (uninstalled)"
        if self.dry_run:
            due = f"dry run at {self.at.isoformat()}: {len(self.lines)} due, nothing sent"
            return due + skipped
        return (
            f"sweep at {self.at.isoformat()}: enqueued {self.enqueued}, sent {self.sent}, "
            f"skipped {self.skipped}, closed {self.closed}, failed {self.failed}, "
            f"in doubt found delivered {self.in_doubt_found}"
        ) + skipped
