"""slack_sdk's SQLAlchemy installation store, with every token encrypted at rest.

A thin wrapper: tokens are encrypted on the way in (save, save_bot) and decrypted on the way
out (find_bot, find_installation); the rows, queries and deletes are slack_sdk's own. The
tables are ours (store/oauth_tables.py, migration 0005): `create_tables()` is never called.
"""

from __future__ import annotations

import copy
import logging
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


class EncryptedInstallationStore(InstallationStore):
    def __init__(self, inner: SQLAlchemyInstallationStore, cipher: TokenCipher) -> None:
        self.inner = inner
        self.cipher = cipher

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

    def save_bot(self, bot: Bot) -> None:
        self.inner.save_bot(_mapped(bot, BOT_SECRETS, self.cipher.encrypt))

    # --- reading: decrypted; a token no key opens reads as "not installed" --------------

    def find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        found = self.inner.find_bot(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        return self._opened(found, BOT_SECRETS, team_id)

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

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        self.inner.delete_installation(
            enterprise_id=enterprise_id, team_id=team_id, user_id=user_id
        )

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
