"""Tokens at rest: Fernet (AES-128-CBC with HMAC-SHA256) from `cryptography`.

REVIVE_ENCRYPTION_KEY holds one key, or several separated by commas: the first encrypts,
any of them decrypts (MultiFernet), so a new key can be put first and the stored tokens
re-encrypted under it (`revive keys rotate`) before the old one is dropped.
"""

from __future__ import annotations

import binascii
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class UnreadableToken(Exception):
    """A stored token that none of the keys decrypts (a key dropped before rotating)."""


def new_key() -> str:
    return Fernet.generate_key().decode()


def key_problem(key: str) -> str | None:
    """Why `key` is not a Fernet key; None when it is."""
    try:
        Fernet(key.encode())
    except (ValueError, binascii.Error) as error:
        return str(error)
    return None


class TokenCipher:
    """Encrypts under the first key, decrypts with any."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("at least one key is needed")
        self._fernet = MultiFernet([Fernet(key.encode()) for key in keys])

    def encrypt(self, token: str | None) -> str | None:
        return None if token is None else self._fernet.encrypt(token.encode()).decode()

    def decrypt(self, stored: str | None) -> str | None:
        if stored is None:
            return None
        try:
            return self._fernet.decrypt(stored.encode()).decode()
        except InvalidToken:
            raise UnreadableToken(
                "a stored token cannot be decrypted with REVIVE_ENCRYPTION_KEY"
            ) from None

    def rotate(self, stored: str) -> str:
        """The same token, encrypted under the first key."""
        try:
            return self._fernet.rotate(stored.encode()).decode()
        except InvalidToken:
            raise UnreadableToken(
                "a stored token cannot be decrypted with any key in REVIVE_ENCRYPTION_KEY"
            ) from None
