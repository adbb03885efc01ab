"""Errors a person can act on, as opposed to bugs."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a refused action: the message is shown to the user as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundOrNotYours(UserError):
    """A forged, foreign or deleted id: we never say which, so ids cannot be probed."""

    def __init__(self) -> None:
        super().__init__(
            "I can't find that prospect among yours. It may have been removed; "
            "type `/revive list` to see your prospects."
        )
