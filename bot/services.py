"""What listeners need besides the payload, handed to them through Bolt's context."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from slack_bolt import BoltContext
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import Settings

Clock = Callable[[], datetime]
# team_id → that workspace's bot token (None: not installed there, or revoked).
TokenLookup = Callable[[str], str | None]


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    sessions: sessionmaker[Session]
    clock: Clock = system_clock
    tokens: TokenLookup | None = None

    def bot_token(self, team_id: str) -> str | None:
        """The token for a workspace; one SLACK_BOT_TOKEN serves a single-workspace install."""
        if self.tokens is not None:
            return self.tokens(team_id)
        return self.settings.slack_bot_token or None


SERVICES_KEY = "revive_services"


def services_of(context: BoltContext) -> Services:
    services = context.get(SERVICES_KEY)
    if not isinstance(services, Services):
        raise RuntimeError("Services missing from the Bolt context; build the app with bot.app")
    return services
