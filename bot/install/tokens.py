"""A workspace's bot token for the sweep and the nightly refresh (Services.tokens), read from
the installation store and refreshed first when it is about to expire (token rotation).

Requests get theirs from Bolt's InstallationStoreAuthorize, bot-only like this (Revive asks
for no user token): both read and refresh the workspace's latest `slack_bots` row and save
the refreshed one there, so either one's refresh serves the other. `slack_installations`
keeps the record of who installed when.
"""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.token_rotation import TokenRotator

from bot.install.crypto import UnreadableToken
from bot.install.store import EncryptedInstallationStore
from bot.services import Services
from bot.settings import ConfigError

log = logging.getLogger(__name__)

# Bolt's default: refresh when the token has less than this left.
ROTATION_MINUTES = 120


class InstallationTokens:
    """team_id → that workspace's bot token, or None when it is not installed (any more)."""

    def __init__(
        self,
        store: EncryptedInstallationStore,
        rotator: TokenRotator,
        *,
        minutes_before_expiration: int = ROTATION_MINUTES,
    ) -> None:
        self.store = store
        self._rotator = rotator
        self._minutes = minutes_before_expiration

    def __call__(self, team_id: str) -> str | None:
        installed, enterprise_id = self.store.enterprise_of(team_id)
        if not installed:
            return None
        bot = self.store.find_bot(enterprise_id=enterprise_id, team_id=team_id)
        if bot is None or bot.bot_refresh_token is None:
            return None if bot is None else bot.bot_token
        try:
            refreshed = self._rotator.perform_bot_token_rotation(
                bot=bot, minutes_before_expiration=self._minutes
            )
        except SlackTokenRotationError as error:
            # Slack refused the refresh token (revoked, or the app's secret changed).
            code = error.api_error.response.get("error")
            log.error("token refresh for %s failed: %s", team_id, code)
            return None
        if refreshed is None:
            return bot.bot_token
        self.store.save_bot(refreshed)
        log.info("bot token of %s refreshed before use", team_id)
        return refreshed.bot_token

    def forget(self, *, enterprise_id: str | None, team_id: str) -> None:
        """Uninstalled, or its bot token revoked: the installation and its bot rows go."""
        self.store.delete_all(enterprise_id=enterprise_id, team_id=team_id)


def forget_installation(
    services: Services, *, enterprise_id: str | None, team_id: str, at: datetime | None = None
) -> bool:
    """After app_uninstalled or a revoked bot token at `at` (Slack's time): delete the
    workspace's installation (OAuth mode). The sweep skips the workspace anyway
    (Workspace.token_revoked_at); without the rows nothing uses the dead token again.
    An installation made after `at` is a reinstall, and a late retry of the event keeps it."""
    tokens = services.tokens
    if not isinstance(tokens, InstallationTokens):
        return False
    latest = tokens.store.find_bot(enterprise_id=enterprise_id, team_id=team_id)
    # Slack's event_time is in whole seconds: newer means a second or more after it.
    if latest is not None and at is not None and latest.installed_at >= at.timestamp() + 1:
        log.info("installation of %s is newer than its uninstall event: kept", team_id)
        return False
    tokens.forget(enterprise_id=enterprise_id, team_id=team_id)
    log.info("installation of %s deleted", team_id)
    return True


def check_stored_tokens(services: Services) -> None:
    """At start, in OAuth mode: a stored token the keys cannot open means REVIVE_ENCRYPTION_KEY
    lost the key it was stored under; say so in one line instead of failing every request."""
    tokens = services.tokens
    if not isinstance(tokens, InstallationTokens):
        return
    stored = tokens.store.any_stored_token()
    if stored is None:
        return
    try:
        tokens.store.cipher.decrypt(stored)
    except UnreadableToken:
        raise ConfigError(
            "Revive cannot start: REVIVE_ENCRYPTION_KEY cannot decrypt the stored Slack tokens; "
            "put back the key they were stored under (after the new one while rotating: "
            "new,old), or run `revive keys rotate` with both."
        ) from None
