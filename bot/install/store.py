"""slack_sdk's SQLAlchemy installation store, with every token encrypted at rest.

A thin wrapper: tokens are encrypted on the way in (save, save_bot) and decrypted on the way
out (find_bot, find_installation); the rows, queries and deletes are slack_sdk's own. The
tables are ours (store/oauth_tables.py, migration 0005): `create_tables()` is never called.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import Engine, desc, select

from bot.install.crypto import TokenCipher, UnreadableToken

log = logging.getLogger(__name__)

BOT_SECRETS = ("bot_token", "bot_refresh_token")
INSTALLATION_SECRETS = (*BOT_SECRETS, "user_token", "user_refresh_token")

Row = TypeVar("Row", Bot, Installation)
BotKey = tuple[str | None, str | None, bool]
# How long this process trusts a bot row it read. Every request reads its workspace's bot,
# and that query is most of what OAuth mode adds to a request (docs/benchmarks.md). A save
# or delete in this process is seen at once; one in another process within this time (an
# old token stays valid until it expires; an uninstalled workspace sends no requests).
BOT_CACHE_SECONDS = 5.0


class RecentBots:
    """Decrypted bots read in the last few seconds, by (enterprise, team, org-wide)."""

    def __init__(
        self, seconds: float = BOT_CACHE_SECONDS, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._seconds = seconds
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._bots: dict[BotKey, tuple[float, Bot]] = {}

    def get(self, key: BotKey) -> Bot | None:
        with self._lock:
            found = self._bots.get(key)
        if found is None or self._monotonic() - found[0] >= self._seconds:
            return None
        return copy.copy(found[1])

    def put(self, key: BotKey, bot: Bot) -> None:
        with self._lock:
            self._bots[key] = (self._monotonic(), copy.copy(bot))

    def forget(self, team_id: str | None) -> None:
        with self._lock:
            for key in [k for k in self._bots if k[1] == team_id]:
                del self._bots[key]


class EncryptedInstallationStore(InstallationStore):
    def __init__(
        self,
        inner: SQLAlchemyInstallationStore,
        cipher: TokenCipher,
        recent: RecentBots | None = None,
    ) -> None:
        self.inner = inner
        self.cipher = cipher
        self.recent = recent or RecentBots()

    @classmethod
    def over(
        cls, engine: Engine, client_id: str, cipher: TokenCipher
    ) -> EncryptedInstallationStore:
        inner = SQLAlchemyInstallationStore(
            client_id=client_id, engine=engine, logger=logging.getLogger("revive.installations")
        )
        return cls(inner, cipher)

    @property
    def logger(self) -> logging.Logger:
        return self.inner.logger

    # --- writing: encrypted copies, the caller's objects untouched ----------------------

    def save(self, installation: Installation) -> None:
        # The inner save also saves installation.to_bot(): encrypted already, from the copy.
        self.inner.save(_mapped(installation, INSTALLATION_SECRETS, self.cipher.encrypt))
        self.recent.forget(installation.team_id)

    def save_bot(self, bot: Bot) -> None:
        self.inner.save_bot(_mapped(bot, BOT_SECRETS, self.cipher.encrypt))
        self.recent.forget(bot.team_id)

    # --- reading: decrypted; a token no key opens reads as "not installed" --------------

    def find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        key = (enterprise_id, team_id, bool(is_enterprise_install))
        recent = self.recent.get(key)
        if recent is not None:
            return recent
        found = self.inner.find_bot(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        bot = self._opened(found, BOT_SECRETS, team_id)
        if bot is not None:  # "not installed" is never kept: an install shows at once
            self.recent.put(key, bot)
        return bot

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        found = self.inner.find_installation(
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )
        return self._opened(found, INSTALLATION_SECRETS, team_id)

    def enterprise_of(self, team_id: str) -> tuple[bool, str | None]:
        """(installed, enterprise id) of a workspace known by its team id alone, as the sweep
        knows it: a workspace of a Grid was stored with its enterprise id."""
        bots = self.inner.bots
        query = (
            select(bots.c.enterprise_id)
            .where(bots.c.client_id == self.inner.client_id, bots.c.team_id == team_id)
            .order_by(desc(bots.c.installed_at))
            .limit(1)
        )
        with self.inner.engine.connect() as connection:
            row = connection.execute(query).first()
        return (False, None) if row is None else (True, row.enterprise_id)

    def any_stored_token(self) -> str | None:
        """One stored (encrypted) bot token, to check the keys against at start."""
        bots = self.inner.bots
        query = select(bots.c.bot_token).where(bots.c.bot_token.is_not(None)).limit(1)
        with self.inner.engine.connect() as connection:
            return connection.execute(query).scalar()

    # --- deleting: slack_sdk's own ------------------------------------------------------

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.inner.delete_bot(enterprise_id=enterprise_id, team_id=team_id)
        self.recent.forget(team_id)

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        self.inner.delete_installation(
            enterprise_id=enterprise_id, team_id=team_id, user_id=user_id
        )
        self.recent.forget(team_id)

    def _opened(
        self, found: Row | None, fields: tuple[str, ...], team_id: str | None
    ) -> Row | None:
        if found is None:
            return None
        try:
            return _mapped(found, fields, self.cipher.decrypt)
        except UnreadableToken as error:
            # Logged without the value; the workspace is treated as not installed.
            log.error("installation of %s unreadable: %s", team_id, error)
            return None


def _mapped(row: Row, fields: tuple[str, ...], how: Callable[[str | None], str | None]) -> Row:
    changed = copy.copy(row)
    for name in fields:
        setattr(changed, name, how(getattr(row, name)))
    return changed
