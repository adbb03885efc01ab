"""Bolt's OAuth flow over our database: /slack/install, /slack/oauth_redirect, authorize.

slack_sdk's SQLAlchemy state store and (encrypted) installation store share Revive's engine;
every Slack call the flow makes (oauth.v2.access, auth.test, refreshes) goes through our
WebClient, so SLACK_API_URL applies. Org-wide installs are refused with a page that says
why, and the token Slack just issued for them is revoked.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime

from slack_bolt import BoltResponse
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.error import BoltError
from slack_bolt.oauth import OAuthFlow
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.install.config import NO_KEY, OAuthConfig
from bot.install.crypto import TokenCipher
from bot.install.store import EncryptedInstallationStore
from bot.install.tokens import ROTATION_MINUTES, InstallationTokens
from bot.mrkdwn import escape_html
from bot.services import Services
from bot.settings import ConfigError, Settings
from bot.slack_client import make_client
from bot.usecases.lifecycle import record_back
from store.db import make_engine, make_session_factory

log = logging.getLogger(__name__)

# How long an "Add to Slack" link stays good (Bolt's default).
STATE_SECONDS = 600
ORG_WIDE_REFUSED = (
    "Revive is installed one workspace at a time, so it cannot be installed for a whole "
    "Enterprise Grid organization. Install it from this page once in each workspace that "
    "needs it (choose the workspace, not the organization, at the top right of Slack's page)."
)
NOT_INSTALLED_TEXT = (
    "Revive is not installed in this workspace (or it was uninstalled). "
    "A Slack admin can install it again from the Add to Slack page."
)


class OrgWideInstallRefused(BoltError):
    """An installation for a whole Grid organization: Revive works per workspace."""


def with_installations(services: Services) -> Services:
    """Services whose tokens come from the installation store (OAuth mode); unchanged in
    single-token mode or when already so."""
    config = services.settings.oauth
    if config is None or isinstance(services.tokens, InstallationTokens):
        return services
    engine = services.sessions.kw["bind"]
    return replace(services, tokens=installation_tokens(config, engine, services))


def installation_tokens(
    config: OAuthConfig, engine: Engine, services: Services
) -> InstallationTokens:
    if not config.encryption_keys:
        raise ConfigError(f"Revive cannot start: {NO_KEY}.")
    store = EncryptedInstallationStore.over(
        engine, config.client_id, TokenCipher(config.encryption_keys)
    )
    rotator = TokenRotator(
        client_id=config.client_id,
        client_secret=config.client_secret,
        client=make_client(None, services.settings.slack_api_url),
    )
    return InstallationTokens(store, rotator)


def oauth_flow(config: OAuthConfig, services: Services, client: WebClient) -> OAuthFlow:
    """The flow Bolt serves at the install and redirect paths, and authorizes requests with
    (`services` from with_installations)."""
    tokens = services.tokens
    if not isinstance(tokens, InstallationTokens):
        raise TypeError("oauth_flow needs Services from with_installations")
    store = tokens.store
    settings = OAuthSettings(
        client_id=config.client_id,
        client_secret=config.client_secret,
        scopes=list(config.scopes),
        user_scopes=[],
        redirect_uri=config.redirect_uri,
        install_path=config.install_path,
        redirect_uri_path=config.redirect_path,
        callback_options=CallbackOptions(success=installed, failure=not_installed),
        installation_store=store,
        # No user tokens: one query (find_bot) per request instead of two.
        installation_store_bot_only=True,
        token_rotation_expiration_minutes=ROTATION_MINUTES,
        state_store=SQLAlchemyOAuthStateStore(
            expiration_seconds=STATE_SECONDS,
            engine=store.inner.engine,
            logger=logging.getLogger("revive.oauth_states"),
        ),
        state_expiration_seconds=STATE_SECONDS,
        logger=log,
    )
    # Bolt's default authorize refreshes tokens with a WebClient of its own, bound to
    # slack.com: this one is ours. Its cache keys by token, so a refreshed or new token
    # is checked with auth.test once, not on every request.
    settings.authorize = InstallationStoreAuthorize(
        logger=log,
        installation_store=store,
        client_id=config.client_id,
        client_secret=config.client_secret,
        token_rotation_expiration_minutes=ROTATION_MINUTES,
        bot_only=True,
        client=client,
        cache_enabled=True,
    )
    flow = ReviveOAuthFlow(client=client, logger=log, settings=settings)
    flow.sessions = services.sessions
    return flow


class ReviveOAuthFlow(OAuthFlow):
    sessions: sessionmaker[Session] | None = None

    def store_installation(self, request: BoltRequest, installation: Installation) -> None:
        team_id = installation.team_id
        if installation.is_enterprise_install or not team_id:
            self._revoke(installation)
            raise OrgWideInstallRefused(
                f"org-wide install for enterprise {installation.enterprise_id} refused"
            )
        super().store_installation(request, installation)
        log.info("installed in workspace %s (%s)", team_id, installation.team_name)
        # A reinstall after an uninstall: the digests resume now, not at the next request.
        installed_at = datetime.fromtimestamp(installation.installed_at, UTC)
        if self.sessions is not None and record_back(
            self.sessions, team_id=team_id, seen_at=installed_at
        ):
            log.info("workspace %s reinstalled: sending again", team_id)

    def _revoke(self, installation: Installation) -> None:
        """Give back the token of a refused install, so nothing half-installed remains."""
        if installation.bot_token is None:
            return
        try:
            self.client.auth_revoke(token=installation.bot_token)
        except SlackApiError as error:
            code = error.response.get("error")
            log.warning("could not revoke the token of a refused org-wide install: %s", code)


def installed(args: SuccessArgs) -> BoltResponse:
    return args.default.success(args)


def not_installed(args: FailureArgs) -> BoltResponse:
    if isinstance(args.error, OrgWideInstallRefused):
        log.info("refused an org-wide install: %s", args.error)
        return _page(400, "Revive was not installed", ORG_WIDE_REFUSED, args.settings.install_path)
    log.warning("installation failed: %s", args.reason)
    return args.default.failure(args)


def _page(status: int, title: str, text: str, install_path: str) -> BoltResponse:
    body = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{escape_html(title)}</title></head><body style='font-family:sans-serif'>"
        f"<h2>{escape_html(title)}</h2><p>{escape_html(text)}</p>"
        f"<p><a href='{escape_html(install_path)}'>Back to Add to Slack</a></p></body></html>"
    )
    headers = {"content-type": "text/html; charset=utf-8"}
    return BoltResponse(status=status, body=body, headers=headers)


def installed_token(settings: Settings, team_id: str | None) -> str:
    """OAuth mode, for a CLI command that calls Slack: the bot token of the workspace it names
    with --team-id, read (and refreshed if due) from the installation store."""
    if team_id is None:
        raise ConfigError(
            "In OAuth mode (SLACK_CLIENT_ID) name the workspace with --team-id T…: each one "
            "has its own token."
        )
    engine = make_engine(settings.database_url)
    services = with_installations(
        Services(settings=settings, sessions=make_session_factory(engine))
    )
    token = services.bot_token(team_id)
    engine.dispose()
    if token is None:
        raise ConfigError(
            f"Workspace {team_id} has not installed Revive, or uninstalled it: install it "
            "from the Add to Slack page (/slack/install) first."
        )
    return token
