"""The fake Slack's OAuth side: codes handed out by "Slack's" install page, oauth.v2.access
(a code → a bot token for its workspace; a refresh token → a fresh one when rotation is on),
tokens that expire, and auth.revoke. Used through ``fake.oauth`` (tests/fakeslack.py)."""

from __future__ import annotations

import base64
import itertools
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.fakeslack import FakeSlack

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "fake-client-secret"
SCOPE = "commands,chat:write,im:history,im:write,users:read"


@dataclass(frozen=True)
class Grant:
    """What a code stands for: who installed the app where."""

    team_id: str | None
    enterprise_id: str | None
    user_id: str
    org_wide: bool


class FakeOAuth:
    def __init__(self, fake: FakeSlack) -> None:
        self._fake = fake
        self.client = (CLIENT_ID, CLIENT_SECRET)
        # Seconds a bot token lives when token rotation is on; None: tokens never expire.
        self.rotation_seconds: int | None = None
        self.expires_at: dict[str, float] = {}  # token → when it stops working
        self.revoked: set[str] = set()
        self._codes: dict[str, Grant] = {}
        self._refresh: dict[str, str] = {}  # refresh token → the team (or enterprise) id
        self._serial = itertools.count(1)

    def code(self, team_id: str | None, *, enterprise_id: str | None = None,
             user_id: str = "UADMIN", org_wide: bool = False) -> str:
        """The code Slack appends to the redirect URL once someone approved the install."""
        code = f"code-{next(self._serial)}"
        self._codes[code] = Grant(team_id, enterprise_id, user_id, org_wide)
        return code

    def refresh_tokens(self) -> list[str]:
        return list(self._refresh)

    def expire(self, token: str) -> None:
        """The token's time is up now (Slack answers token_expired)."""
        self.expires_at[token] = 0.0

    def expired(self, token: str | None) -> bool:
        return token is not None and self.expires_at.get(token, float("inf")) <= time.time()

    def answer(self, method: str, token: str | None, params: dict[str, Any],
               headers: dict[str, str]) -> dict[str, Any]:
        return self.access(params, headers) if method == "oauth.v2.access" else self.revoke(token)

    def access(self, params: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        """oauth.v2.access, called with the app's client id and secret (HTTP basic auth)."""
        if _basic_auth(headers) != self.client and (
            params.get("client_id"), params.get("client_secret")) != self.client:
            return {"ok": False, "error": "invalid_client_id"}
        if params.get("grant_type") == "refresh_token":
            owner = self._refresh.get(str(params.get("refresh_token")))
            if owner is None:
                return {"ok": False, "error": "invalid_refresh_token"}
            return {**self._issue(owner), "team": {"id": owner, "name": f"Team {owner}"},
                    "enterprise": None, "is_enterprise_install": False}
        grant = self._codes.pop(str(params.get("code")), None)
        if grant is None:
            return {"ok": False, "error": "invalid_code"}
        owner = grant.enterprise_id if grant.org_wide else grant.team_id
        answer = self._issue(str(owner))
        team = None if grant.org_wide else {"id": grant.team_id, "name": f"Team {grant.team_id}"}
        enterprise = ({"id": grant.enterprise_id, "name": f"Org {grant.enterprise_id}"}
                      if grant.enterprise_id else None)
        return {**answer, "team": team, "enterprise": enterprise,
                "is_enterprise_install": grant.org_wide,
                "authed_user": {"id": grant.user_id, "scope": None, "access_token": None}}

    def revoke(self, token: str | None) -> dict[str, Any]:
        if token is None or self._fake.tokens.pop(token, None) is None:
            return {"ok": False, "error": "invalid_auth"}
        self.revoked.add(token)
        return {"ok": True, "revoked": True}

    def _issue(self, owner: str) -> dict[str, Any]:
        serial = next(self._serial)
        prefix = "xoxe.xoxb" if self.rotation_seconds else "xoxb"
        token = f"{prefix}-{owner}-{serial}-{'s' * 24}"
        self._fake.tokens[token] = owner
        answer: dict[str, Any] = {"ok": True, "app_id": "AREVIVE", "token_type": "bot",
                                  "access_token": token, "scope": SCOPE,
                                  "bot_user_id": f"UBOT{owner}"}
        if self.rotation_seconds is not None:
            refresh = f"xoxe-1-{owner}-{serial}-{'r' * 24}"
            self._refresh[refresh] = owner
            self.expires_at[token] = time.time() + self.rotation_seconds
            answer.update(refresh_token=refresh, expires_in=self.rotation_seconds)
        return answer


def _basic_auth(headers: dict[str, str]) -> tuple[str, str] | None:
    value = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
    if not value.startswith("Basic "):
        return None
    user, _, password = base64.b64decode(value.removeprefix("Basic ")).decode().partition(":")
    return user, password
