"""The OAuth distribution settings, read from the environment with the rest of Settings.

OAuth mode is on when SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are both set: each workspace
then installs Revive at /slack/install and its own token is kept, encrypted, in the database.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

# manifest.yml's bot scopes (tests/test_oauth_settings.py holds the two together).
DEFAULT_SCOPES = (
    "commands",
    "chat:write",
    "im:history",
    "im:write",
    "users:read",
    "files:read",
    "files:write",
    "users:read.email",
    "channels:history",
    "groups:history",
    "channels:read",
    "groups:read",
)
DEFAULT_INSTALL_PATH = "/slack/install"
DEFAULT_REDIRECT_PATH = "/slack/oauth_redirect"
NEW_KEY_HOW = "make one with `revive keys new`"
NO_KEY = (
    "REVIVE_ENCRYPTION_KEY is not set: OAuth mode (SLACK_CLIENT_ID) keeps every workspace's "
    f"token encrypted with it; {NEW_KEY_HOW}"
)
SOCKET_MODE_CLASH = (
    "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (OAuth mode) need HTTP mode for the install "
    "pages; leave SLACK_APP_TOKEN empty"
)

Getter = Callable[[str], str | None]


@dataclass(frozen=True, slots=True)
class OAuthConfig:
    client_id: str
    client_secret: str
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    # Empty: Slack uses the app's only Redirect URL; set when the app lists several.
    redirect_uri: str | None = None
    install_path: str = DEFAULT_INSTALL_PATH
    redirect_path: str = DEFAULT_REDIRECT_PATH
    # REVIVE_ENCRYPTION_KEY: the first encrypts, every one decrypts (key rotation).
    encryption_keys: tuple[str, ...] = ()

    def __repr__(self) -> str:
        # The secret and the keys never reach a log line.
        return (
            f"OAuthConfig(client_id={self.client_id!r}, scopes={','.join(self.scopes)!r}, "
            f"install_path={self.install_path!r}, keys={len(self.encryption_keys)})"
        )


def read_oauth_mode(
    get: Getter, required: Sequence[str], problems: list[str]
) -> tuple[OAuthConfig | None, tuple[str, ...]]:
    """The OAuth config (None: single-token mode) and the Slack credentials still required:
    with SLACK_CLIENT_ID or SLACK_CLIENT_SECRET set, each workspace's token comes from its
    installation, never SLACK_BOT_TOKEN; serving (the signing secret required) needs a key."""
    oauth = read_oauth(get, problems)
    if oauth is None and not (get("SLACK_CLIENT_ID") or get("SLACK_CLIENT_SECRET")):
        return None, tuple(required)
    if oauth is not None and "SLACK_SIGNING_SECRET" in required and not oauth.encryption_keys:
        problems.append(NO_KEY)
    return oauth, tuple(name for name in required if name != "SLACK_BOT_TOKEN")


def read_oauth(get: Getter, problems: list[str]) -> OAuthConfig | None:
    """OAuthConfig when client id and secret are set; None (single-token mode) when neither."""
    client_id, client_secret = get("SLACK_CLIENT_ID"), get("SLACK_CLIENT_SECRET")
    keys = encryption_keys(get, problems)
    if client_id is None and client_secret is None:
        return None
    if client_id is None or client_secret is None:
        missing = "SLACK_CLIENT_ID" if client_id is None else "SLACK_CLIENT_SECRET"
        problems.append(f"{missing} is not set (OAuth mode needs both client id and secret)")
        return None
    scopes = tuple(s.strip() for s in (get("SLACK_SCOPES") or "").split(",") if s.strip())
    return OAuthConfig(
        client_id=client_id,
        client_secret=client_secret,
        scopes=scopes or DEFAULT_SCOPES,
        redirect_uri=get("SLACK_REDIRECT_URI"),
        install_path=_path(get, problems, "SLACK_INSTALL_PATH", DEFAULT_INSTALL_PATH),
        redirect_path=_path(get, problems, "SLACK_REDIRECT_URI_PATH", DEFAULT_REDIRECT_PATH),
        encryption_keys=keys,
    )


def encryption_keys(get: Getter, problems: list[str]) -> tuple[str, ...]:
    """REVIVE_ENCRYPTION_KEY: one Fernet key, or several separated by commas (newest first)."""
    from bot.install.crypto import key_problem

    text = get("REVIVE_ENCRYPTION_KEY") or ""
    keys = tuple(k.strip() for k in text.split(",") if k.strip())
    bad = [index + 1 for index, key in enumerate(keys) if key_problem(key)]
    if bad:
        which = "it" if len(keys) == 1 else f"key {', '.join(map(str, bad))} of {len(keys)}"
        problems.append(
            f"REVIVE_ENCRYPTION_KEY must be Fernet keys (32 url-safe base64 bytes) separated "
            f"by commas, but {which} is not one; {NEW_KEY_HOW}"
        )
        return ()
    return keys


def _path(get: Getter, problems: list[str], name: str, default: str) -> str:
    path = get(name) or default
    if not path.startswith("/") or "?" in path:
        problems.append(f"{name} must be a path starting with / (got {path!r})")
        return default
    return path
