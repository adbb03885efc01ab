"""What a sweep may do (its options) and what it did (its report): the steps' shared types."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


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


@dataclass(frozen=True, slots=True)
class SweepLine:
    team_id: str
    user_id: str
    local_date: date
    outcome: str  # sent, found (in doubt, already delivered), skipped, failed, would send…
    detail: str = ""


@dataclass
class SweepReport:
    at: datetime
    dry_run: bool = False
    enqueued: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    in_doubt_found: int = 0
    lines: list[SweepLine] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # workspace-wide, one line each

    def summary(self) -> str:
        if self.dry_run:
            return f"dry run at {self.at.isoformat()}: {len(self.lines)} due, nothing sent"
        return (
            f"sweep at {self.at.isoformat()}: enqueued {self.enqueued}, sent {self.sent}, "
            f"skipped {self.skipped}, failed {self.failed}, "
            f"in doubt found delivered {self.in_doubt_found}"
        )
