"""The door of HTTP mode: size, Slack's signature and a well-formed body, checked before Bolt.

Principle 10: a request that fails here gets its status code and nothing else. No body is
parsed, no database is touched, nobody is answered; the reason goes to the log, never to the
client. Bolt's own RequestVerification stays on behind this door as a second line.

Order matters: the size is checked before anything is read (an unverified sender must not
make us buffer or hash megabytes), the signature before anything is parsed, and the shape of
the body after that, so Bolt never meets JSON it would raise on.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO
from urllib.parse import parse_qsl

from slack_sdk.signature import Clock, SignatureVerifier

log = logging.getLogger(__name__)

# Slack's window: a signed request older (or newer) than this is a replay or a broken clock.
SIGNATURE_WINDOW_SECONDS = 5 * 60
# Marks a BoltRequest that came through this door; the error handler answers no other.
VERIFIED_KEY = "revive_verified"
JSON_TYPE = "application/json"
FORM_TYPE = "application/x-www-form-urlencoded"

# Digits only: int() would also take " 17", "+17" and "1_7", and raises on "abc".
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
# hmac.compare_digest raises TypeError on non-ASCII text, so the shape is checked first.
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a request stops at the door: the HTTP status, and a reason for the log only."""

    status: int
    reason: str


@dataclass(frozen=True, slots=True)
class Admitted:
    """A request that passed: its body as text (UTF-8) and its content type."""

    body: str
    content_type: str


class _FunctionClock(Clock):
    """slack_sdk's Clock over a plain `() -> seconds since the epoch` function."""

    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now

    def now(self) -> float:
        return self._now()


class _RawBodyVerifier(SignatureVerifier):
    """slack_sdk's verifier, hashing the body's bytes as received.

    slack_sdk decodes bytes as UTF-8 before hashing, which raises on a body that is not
    UTF-8; such a body must still be judged by its signature first (401 when unsigned, 400
    when signed), not crash. For UTF-8 bodies the digest is the same.
    """

    def generate_signature(self, *, timestamp: str, body: str | bytes) -> str | None:
        raw = body.encode() if isinstance(body, str) else body
        base = b"v0:" + timestamp.encode() + b":" + raw
        return "v0=" + hmac.new(self.signing_secret.encode(), base, hashlib.sha256).hexdigest()


class SlackDoor:
    """Checks one HTTP request from Slack; `admit()` returns Admitted or a Refusal."""

    def __init__(
        self, signing_secret: str, *, max_body_bytes: int, now: Callable[[], float]
    ) -> None:
        if max_body_bytes < 1:
            raise ValueError("max_body_bytes must be positive")
        self.max_body_bytes = max_body_bytes
        self._now = now
        self._verifier = _RawBodyVerifier(signing_secret, clock=_FunctionClock(now))

    def admit(self, environ: Mapping[str, Any]) -> Admitted | Refusal:
        body = read_body(environ, self.max_body_bytes)
        if isinstance(body, Refusal):
            return body
        refusal = self.signature_refusal(
            body,
            timestamp=environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"),
            signature=environ.get("HTTP_X_SLACK_SIGNATURE"),
        )
        if refusal is not None:
            return refusal
        content_type = str(environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
        return parse_check(body, content_type)

    def signature_refusal(
        self, body: bytes, *, timestamp: str | None, signature: str | None
    ) -> Refusal | None:
        """None when Slack signed this body within the window; otherwise why not (401)."""
        if not timestamp:
            return Refusal(401, "no X-Slack-Request-Timestamp")
        if not _TIMESTAMP.fullmatch(timestamp):
            return Refusal(401, "X-Slack-Request-Timestamp is not a number")
        age = self._now() - int(timestamp)
        if age > SIGNATURE_WINDOW_SECONDS:
            return Refusal(401, f"timestamp is {int(age)} s old")
        if age < -SIGNATURE_WINDOW_SECONDS:
            return Refusal(401, f"timestamp is {int(-age)} s in the future")
        if not signature:
            return Refusal(401, "no X-Slack-Signature")
        if not _SIGNATURE.fullmatch(signature):
            return Refusal(401, "X-Slack-Signature is not a v0 signature")
        if not self._verifier.is_valid(body, timestamp, signature):
            return Refusal(401, "signature does not match")
        return None


def read_body(environ: Mapping[str, Any], limit: int) -> bytes | Refusal:
    """The body, or 413 without reading it when Content-Length says it is too large.

    Without a Content-Length (a chunked body on a server that passes it through) at most
    limit + 1 bytes are read: one byte more than allowed is enough to refuse.
    """
    stream: BinaryIO | None = environ.get("wsgi.input")
    length_text = str(environ.get("CONTENT_LENGTH") or "").strip()
    if length_text:
        if not length_text.isdigit():
            return Refusal(400, f"Content-Length is not a number: {length_text[:20]!r}")
        length = int(length_text)
        if length > limit:
            return Refusal(413, f"Content-Length {length} is over the {limit}-byte limit")
        body = stream.read(length) if stream is not None and length else b""
    else:
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            return Refusal(413, f"body without Content-Length is over the {limit}-byte limit")
    return body


def parse_check(body: bytes, content_type: str) -> Admitted | Refusal:
    """400 unless the body is what Slack sends: a JSON object, or a form (maybe with a
    `payload=` JSON object). Bolt parses it again; this makes sure it can."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return Refusal(400, "body is not UTF-8")
    if not text:
        return Refusal(400, "empty body")
    if content_type not in (JSON_TYPE, FORM_TYPE):
        return Refusal(400, f"unexpected content type {content_type[:60]!r}")
    # Bolt's own rule (slack_bolt.request.internals.parse_body): JSON when the content type
    # says so or the body starts with "{", a form otherwise.
    if content_type == JSON_TYPE or text.startswith("{"):
        problem = _json_object_problem(text, "body")
    else:
        problem = _form_problem(text)
    if problem is not None:
        return Refusal(400, problem)
    return Admitted(body=text, content_type=content_type)


def _json_object_problem(text: str, what: str) -> str | None:
    try:
        value = json.loads(text)
    except ValueError:  # json.JSONDecodeError
        return f"{what} is not valid JSON"
    except RecursionError:
        return f"{what} is nested too deeply"
    return None if isinstance(value, dict) else f"{what} is JSON but not an object"


def _form_problem(text: str) -> str | None:
    try:
        fields = parse_qsl(text, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        return "body is neither JSON nor a form"
    payload = dict(fields).get("payload")
    if payload is not None:
        return _json_object_problem(payload, "payload")
    return None
