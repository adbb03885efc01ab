"""What one sweep carries through its steps: who it is, its clock, options and report."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.orm import Session

from bot.reminders.pacing import Pacer, Sleep
from bot.reminders.report import SweepOptions, SweepReport
from bot.reps import RepContext
from bot.services import Services


class Digest(Protocol):
    text: str
    blocks: list[dict[str, Any]]
    prospect_ids: list[int]
    due_count: int


Composer = Callable[[Session, RepContext, date], Digest | None]
BatchComposer = Callable[[Session, Sequence[tuple[RepContext, date]]], Sequence[Digest | None]]
MetadataFor = Callable[[str, str, date], dict[str, Any]]


def default_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


@dataclass
class SweepRun:
    services: Services
    at: datetime
    owner: str
    compose_batch: BatchComposer
    metadata: MetadataFor
    options: SweepOptions
    sleep: Sleep
    report: SweepReport
    pacer: Pacer | None = None
    row_id: int | None = None  # the row being posted, whose lease each try renews
    leases: dict[int, datetime] = field(default_factory=dict)  # row id → our lease_until

    def retry_at(self) -> datetime:
        """When a row handed back or failed may be claimed again: about the next tick."""
        return self.services.clock() + timedelta(seconds=self.options.retry_after_seconds)
