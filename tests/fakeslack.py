"""A fake Slack Web API: a real HTTP server on 127.0.0.1 that records and checks every call.

It answers the methods Revive uses the way Slack does (``ok``, ``channel``, increasing
``ts``, ``view.id``, cursors), validates every ``blocks``/``view`` with slack_sdk's own
models plus Slack's size limits, serves ``response_url``s, and injects faults on demand:
429 with ``Retry-After``, 5xx, error answers and slow replies, per method; ``hold`` keeps a
call in flight until the test calls ``release``.

Files go the v2 way: ``files.getUploadURLExternal`` hands out an ``upload_url`` on this
server, the bytes are POSTed there (raw, as slack_sdk sends them, or multipart), and
``files.completeUploadExternal`` shares them; ``fake.files`` holds what was shared, and
``url_private_download`` serves the bytes to a valid bot token only.
"""

from __future__ import annotations

import itertools
import json
import mimetypes
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from tests.fakeslack_oauth import FakeOAuth

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
DEFAULT_TOKENS = {"xoxb-test-T1": "T1", "xoxb-test-T2": "T2"}
JSON_FIELDS = ("blocks", "view", "metadata", "attachments", "files")
# Pseudo-methods for the two plain-HTTP file URLs, so calls, faults and delays name them too.
UPLOAD = "upload_url"
DOWNLOAD = "url_private"
# files.completeUploadExternal's channel_id: a conversation id, never a user id. (Slack also
# wants 8+ characters after the letter; the fake's DM ids, "D" + user id, are shorter.)
SHARE_CHANNEL_ID = re.compile(r"[CGDZ][A-Z0-9]+")
# What Slack answers a file URL fetched without a valid token: its sign-in page, with 200.
SIGN_IN_PAGE = b"<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in</body></html>"
# A held request waits for release() at most this long, so a forgotten release fails a test
# (with a warning) instead of hanging it.
HOLD_MAX = 10.0


@dataclass(frozen=True)
class Call:
    """One request the app made: what, with which token, when, and what we answered."""

    method: str
    params: dict[str, Any]
    token: str | None
    team_id: str | None
    at: float
    status: int


@dataclass
class Fault:
    status: int = 429
    retry_after: int = 1
    times: int = 1
    error: str | None = None
    ratio: float = 1.0


@dataclass
class Response:
    """A POST to a response_url: the path and the JSON the app sent."""

    path: str
    body: dict[str, Any]


@dataclass
class Message:
    ts: str
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    metadata: dict[str, Any] | None = None
    user: str = "UBOT"
    files: list[dict[str, Any]] = field(default_factory=list)

    def as_slack(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": "message", "ts": self.ts, "text": self.text,
                                "user": self.user, "bot_id": "BREVIVE"}
        if self.blocks:
            data["blocks"] = self.blocks
        if self.metadata:
            data["metadata"] = self.metadata
        if self.files:
            data["files"] = self.files
            data["upload"] = True
        return data


@dataclass
class SlackFile:
    """A file on its way through upload v2: announced, then its bytes, then shared."""

    id: str
    team_id: str
    filename: str
    length: int
    created: int
    alt_txt: str | None = None
    content: bytes | None = None  # None until the bytes were POSTed to the upload_url
    title: str = ""
    channels: list[str] = field(default_factory=list)  # where it was shared; [] is private
    initial_comment: str | None = None
    blocks: list[dict[str, Any]] = field(default_factory=list)
    thread_ts: str | None = None
    user: str = "UBOT"  # who uploaded it (a person, for a modal's file_input)

    @property
    def mimetype(self) -> str:
        return mimetypes.guess_type(self.filename)[0] or "application/octet-stream"


class FakeSlack:
    """Start with ``with FakeSlack() as fake:`` and point a WebClient at ``fake.api_url``."""

    def __init__(
        self, tokens: dict[str, str] | None = None, *, seed: int = 7, validate: bool = True
    ) -> None:
        self.tokens = dict(DEFAULT_TOKENS if tokens is None else tokens)
        # Benchmarks turn slack_sdk's model validation off to answer at once (limits stay).
        self.validate = validate
        self.calls: list[Call] = []
        self.arrivals: list[str] = []  # methods in the order requests arrived, before any delay
        self.responses: list[Response] = []
        self.validation_errors: list[str] = []
        self.warnings: list[str] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.home_views: dict[str, dict[str, Any]] = {}
        self.files: dict[str, SlackFile] = {}  # completed uploads, by file id
        # Channels added with add_channel: conversations.info knows them, and posting in one
        # the bot is not in is refused. Any other channel id accepts posts, as before.
        self.conversations: dict[str, dict[str, Any]] = {}
        self._uploads: dict[str, SlackFile] = {}  # announced, not completed yet
        self.oauth = FakeOAuth(self)  # codes, oauth.v2.access, expiring tokens, auth.revoke
        self._channels: dict[str, list[Message]] = {}
        self._faults: dict[str, Fault] = {}
        self._delays: dict[str, float] = {}
        self._holds: dict[str, threading.Event] = {}
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._random = random.Random(seed)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # --- lifecycle ---------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    @property
    def api_url(self) -> str:
        return f"{self.url}api/"

    def start(self) -> FakeSlack:
        if self._thread is None:
            # A short poll interval: stop() waits for it, and every test stops a server.
            self._thread = threading.Thread(target=self._server.serve_forever,
                                            kwargs={"poll_interval": 0.05}, daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self) -> None:
        """Forget the recorded calls and answers, keep users, messages and faults."""
        with self._lock:
            self.calls.clear()
            self.arrivals.clear()
            self.responses.clear()
            self.validation_errors.clear()
            self.warnings.clear()

    # --- set-up ------------------------------------------------------------------------

    def add_user(self, user_id: str, *, team_id: str = "T1", tz: str | None = "UTC",
                 real_name: str | None = None, deleted: bool = False,
                 is_bot: bool = False, is_admin: bool = False, is_owner: bool = False,
                 is_primary_owner: bool = False, email: str | None = None) -> None:
        # In Slack the primary owner is an owner, and every owner is an admin too.
        is_owner = is_owner or is_primary_owner
        user: dict[str, Any] = {
            "id": user_id, "team_id": team_id, "name": user_id.lower(),
            "real_name": real_name or user_id, "deleted": deleted, "is_bot": is_bot,
            "is_admin": is_admin or is_owner, "is_owner": is_owner,
            "is_primary_owner": is_primary_owner,
            "profile": {"real_name": real_name or user_id, "display_name": real_name or ""},
        }
        if email is not None:
            user["profile"]["email"] = email
        if tz is not None:
            user["tz"] = tz
            user["tz_label"] = tz
            # Deliberately wrong: the app must schedule from the IANA name, never this.
            user["tz_offset"] = -1
        with self._lock:
            self.users[user_id] = user

    def add_channel(self, channel_id: str, *, name: str | None = None, member: bool = True,
                    private: bool = False, team_id: str = "T1") -> None:
        """A channel of the workspace; `member`: the bot was invited (`/invite @Revive`)."""
        with self._lock:
            self.conversations[channel_id] = {
                "id": channel_id, "name": name or channel_id.lower(), "is_channel": True,
                "is_private": private, "is_member": member, "is_archived": False,
                "context_team_id": team_id,
            }

    def fail(self, method: str, *, status: int = 429, retry_after: int = 1, times: int = 1,
             error: str | None = None) -> None:
        """The next ``times`` calls of ``method`` fail: an HTTP status, or ok:false + error."""
        with self._lock:
            self._faults[method] = Fault(status=status, retry_after=retry_after,
                                         times=times, error=error)

    def fail_ratio(self, method: str, ratio: float, *, status: int = 429,
                   retry_after: int = 0) -> None:
        """A share of calls of ``method`` fail, at random (seeded), until cleared."""
        with self._lock:
            self._faults[method] = Fault(status=status, retry_after=retry_after,
                                         times=-1, ratio=ratio)

    def delay(self, method: str, seconds: float) -> None:
        with self._lock:
            self._delays[method] = seconds

    def hold(self, method: str) -> None:
        """Requests for ``method`` arrive, then wait until ``release(method)``: a test sees
        what the app does (and answers) while that Slack call is in flight."""
        with self._lock:
            self._holds[method] = threading.Event()

    def release(self, method: str) -> None:
        with self._lock:
            gate = self._holds.pop(method, None)
        if gate is not None:
            gate.set()

    def _wait_if_held(self, method: str) -> None:
        with self._lock:
            gate = self._holds.get(method)
        if gate is not None and not gate.wait(HOLD_MAX):
            self.warnings.append(f"{method} was held {HOLD_MAX} s and never released")

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()
            self._delays.clear()

    def new_response_url(self) -> str:
        return f"{self.url}response/{next(self._ids)}"

    def add_user_file(self, filename: str, content: bytes, *, user: str = "U1",
                      team_id: str = "T1") -> dict[str, Any]:
        """A file a person uploaded through a modal's file_input: private (shared nowhere),
        readable with files.info and url_private_download. Returns the file object a
        view_submission carries in state.values."""
        with self._lock:
            file_id = f"F{next(self._ids):08d}"
            self.files[file_id] = SlackFile(
                id=file_id, team_id=team_id, filename=filename, length=len(content),
                created=int(time.time()), content=content, title=filename, user=user)
            return self._file_object(self.files[file_id])

    # --- reading what happened ---------------------------------------------------------

    def calls_to(self, method: str, *, ok_only: bool = True) -> list[Call]:
        with self._lock:
            return [c for c in self.calls
                    if c.method == method and (c.status == 200 or not ok_only)]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0,
                 predicate: Callable[[Call], bool] | None = None) -> list[Call]:
        """Block until ``count`` successful calls of ``method`` (matching) were made."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [c for c in self.calls_to(method) if predicate is None or predicate(c)]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    made = [c.method for c in self.calls]
                    raise AssertionError(
                        f"expected {count} call(s) to {method}, got {len(found)}; calls: {made}")
                self._changed.wait(left)

    def wait_for_arrival(self, method: str, timeout: float = 5.0) -> None:
        """Block until a request for ``method`` has arrived (it may still be delayed)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while method not in self.arrivals:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no request to {method} arrived; got {self.arrivals}")
                self._changed.wait(left)

    def wait_for_response(self, count: int = 1, timeout: float = 5.0) -> list[Response]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.responses) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} response_url post(s), "
                                         f"got {len(self.responses)}")
                self._changed.wait(left)
            return list(self.responses)

    def dm_channel(self, user_id: str) -> str:
        return "D" + user_id

    def messages(self, channel: str) -> list[Message]:
        """Messages in a channel (a user id means their DM with the bot), oldest first."""
        with self._lock:
            return list(self._channels.get(self._channel_id(channel), []))

    # --- the server --------------------------------------------------------------------

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return  # quiet: pytest shows the recorded calls when a test fails

            def do_GET(self) -> None:
                self._serve()

            def do_POST(self) -> None:
                self._serve()

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                status, headers, body = fake._dispatch(
                    self.command, self.path, dict(self.headers.items()), raw)
                if isinstance(body, bytes):  # a file's bytes or a page: the caller's type
                    payload = body
                    content_type = headers.pop("Content-Type", "application/octet-stream")
                else:
                    payload = json.dumps(body).encode()
                    content_type = "application/json; charset=utf-8"
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

        return Handler

    def _dispatch(self, verb: str, path: str, headers: dict[str, str],
                  raw: bytes) -> tuple[int, dict[str, str], dict[str, Any] | bytes]:
        parts = urlsplit(path)
        if parts.path.startswith("/response/"):
            return self._response_url(parts.path, raw)
        if parts.path.startswith("/upload/"):
            return self._upload_url(verb, parts.path.removeprefix("/upload/"), headers, raw)
        if parts.path.startswith("/files-pri/"):
            return self._url_private(verb, parts.path.removeprefix("/files-pri/"), headers)
        if not parts.path.startswith("/api/"):
            return 404, {}, {"ok": False, "error": "unknown_path"}
        method = parts.path.removeprefix("/api/")
        params = self._params(parts.query, headers, raw)
        token = self._token(headers, params)
        team_id = self.tokens.get(token or "")
        with self._changed:
            self.arrivals.append(method)
            self._changed.notify_all()
        if method in ("oauth.v2.access", "auth.revoke"):  # tests/fakeslack_oauth.py
            with self._lock:
                answer = self.oauth.answer(method, token, params, headers)
            self._record(method, params, token, team_id, 200)
            return 200, {}, answer
        if method in self._delays:
            time.sleep(self._delays[method])
        self._wait_if_held(method)
        fault = self._take_fault(method)
        if fault is not None and fault.error is None:
            extra = {"Retry-After": str(fault.retry_after)} if fault.status == 429 else {}
            self._record(method, params, token, team_id, fault.status)
            error = "ratelimited" if fault.status == 429 else "internal_error"
            return fault.status, extra, {"ok": False, "error": error}
        if team_id is None:
            answer: dict[str, Any] = {"ok": False, "error": "invalid_auth"}
        elif self.oauth.expired(token):
            answer = {"ok": False, "error": "token_expired"}
        elif fault is not None:
            answer = {"ok": False, "error": fault.error}
        else:
            handler = getattr(self, "_m_" + method.replace(".", "_"), None)
            if handler is None:
                answer = {"ok": False, "error": "unknown_method"}
                self.warnings.append(f"unexpected method {method}")
            else:
                with self._lock:
                    answer = handler(params, team_id)
        self._record(method, params, token, team_id, 200)
        return 200, {}, answer

    def _record(self, method: str, params: dict[str, Any], token: str | None,
                team_id: str | None, status: int) -> None:
        with self._changed:
            self.calls.append(Call(method, params, token, team_id, time.time(), status))
            self._changed.notify_all()

    def _take_fault(self, method: str) -> Fault | None:
        with self._lock:
            fault = self._faults.get(method)
            if fault is None:
                return None
            if fault.times < 0:
                return fault if self._random.random() < fault.ratio else None
            fault.times -= 1
            if fault.times <= 0:
                del self._faults[method]
            return fault

    @staticmethod
    def _params(query: str, headers: dict[str, str], raw: bytes) -> dict[str, Any]:
        params: dict[str, Any] = dict(parse_qsl(query))
        content_type = _header(headers, "content-type")
        if raw and "json" in content_type:
            params.update(json.loads(raw))
        elif raw:
            params.update(parse_qsl(raw.decode()))
        for name in JSON_FIELDS:
            if isinstance(params.get(name), str) and params[name].strip()[:1] in "[{":
                params[name] = json.loads(params[name])
        return params

    @staticmethod
    def _token(headers: dict[str, str], params: dict[str, Any]) -> str | None:
        auth = _header(headers, "authorization")
        if auth.startswith("Bearer "):
            return auth.removeprefix("Bearer ")
        return params.get("token")

    def _response_url(self, path: str, raw: bytes) -> tuple[int, dict[str, str], dict[str, Any]]:
        body = json.loads(raw or b"{}")
        if "blocks" in body:
            self._check_blocks(body["blocks"], f"response_url {path}")
        with self._changed:
            self.responses.append(Response(path, body))
            self._changed.notify_all()
        return 200, {}, {"ok": True}

    # --- the file URLs: plain HTTP, recorded as the pseudo-methods UPLOAD and DOWNLOAD ----

    def _arrive(self, method: str) -> Fault | None:
        with self._changed:
            self.arrivals.append(method)
            self._changed.notify_all()
        if method in self._delays:
            time.sleep(self._delays[method])
        self._wait_if_held(method)
        return self._take_fault(method)

    def _upload_url(self, verb: str, file_id: str, headers: dict[str, str],
                    raw: bytes) -> tuple[int, dict[str, str], bytes]:
        """The upload_url: pre-signed, so no token; the bytes must match the announced length."""
        fault = self._arrive(UPLOAD)
        with self._lock:
            upload = self._uploads.get(file_id)
            data = self._uploaded_bytes(headers, raw)
            if fault is not None:
                status, answer = fault.status, b"error"
            elif verb != "POST" or upload is None:
                status, answer = 404, b"not found"
            elif len(data) != upload.length:
                status, answer = 400, f"expected {upload.length} bytes, got {len(data)}".encode()
            else:
                upload.content = data
                status, answer = 200, f"OK - {len(data)}".encode()
        self._record(UPLOAD, {"file_id": file_id, "length": len(data)}, None,
                     upload.team_id if upload else None, status)
        return status, {"Content-Type": "text/plain; charset=utf-8"}, answer

    @staticmethod
    def _uploaded_bytes(headers: dict[str, str], raw: bytes) -> bytes:
        """slack_sdk POSTs the bytes as they are; curl -F sends a multipart 'file' part."""
        content_type = _header(headers, "content-type")
        boundary = re.search(r'boundary="?([^";]+)"?', content_type)
        if not content_type.startswith("multipart/form-data") or boundary is None:
            return raw
        for part in raw.split(b"--" + boundary.group(1).encode())[1:-1]:
            head, _, body = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
            if re.search(rb'\bname="file"', head):
                return body.removesuffix(b"\r\n")
        return b""

    def _url_private(self, verb: str, path: str,
                     headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """url_private(_download): the bytes for a bot token of the file's workspace; anyone
        else gets Slack's sign-in page, with 200 (an importer must check the content type)."""
        fault = self._arrive(DOWNLOAD)
        file_id = path.split("/", 1)[0].partition("-")[2]
        token = self._token(headers, {})  # the header only: Slack ignores ?token= here
        team_id = self.tokens.get(token or "")
        with self._lock:
            found = self.files.get(file_id)
        if fault is not None:
            status, answer, kind = fault.status, b"error", "text/plain"
        elif verb != "GET" or found is None or found.content is None:
            status, answer, kind = 404, b"not found", "text/plain"
        elif team_id != found.team_id:
            status, answer, kind = 200, SIGN_IN_PAGE, "text/html; charset=utf-8"
        else:
            status, answer, kind = 200, found.content, found.mimetype
        self._record(DOWNLOAD, {"file_id": file_id}, token, team_id, status)
        return status, {"Content-Type": kind}, answer

    # --- validation --------------------------------------------------------------------

    def _check_blocks(self, blocks: Any, where: str) -> bool:
        if not isinstance(blocks, list):
            self.validation_errors.append(f"{where}: blocks is not a list")
            return False
        if len(blocks) > MAX_MESSAGE_BLOCKS:
            self.validation_errors.append(f"{where}: {len(blocks)} blocks > 50")
            return False
        return all(self._check_block(b, where) for b in blocks)

    def _check_block(self, block: dict[str, Any], where: str) -> bool:
        if not self.validate:
            return True
        try:
            parsed = Block.parse(block)
            if parsed is None:
                raise SlackObjectFormationError(f"unknown block {block!r}")
            parsed.to_dict()
        except (SlackObjectFormationError, TypeError, KeyError, ValueError) as error:
            self.validation_errors.append(f"{where}: {error}")
            return False
        return True

    def _check_view(self, view: Any, where: str) -> bool:
        if not isinstance(view, dict):
            self.validation_errors.append(f"{where}: view is not an object")
            return False
        blocks = view.get("blocks", [])
        if len(blocks) > MAX_VIEW_BLOCKS:
            self.validation_errors.append(f"{where}: {len(blocks)} blocks > 100")
            return False
        if len(view.get("private_metadata", "")) > 3000:
            self.validation_errors.append(f"{where}: private_metadata over 3000 characters")
            return False
        if not self.validate:
            return True
        try:
            View(**view).to_dict()
        except (SlackObjectFormationError, TypeError, KeyError, ValueError) as error:
            self.validation_errors.append(f"{where}: {error}")
            return False
        return all(self._check_block(b, where) for b in blocks)

    # --- methods (called with the lock held) -------------------------------------------

    def _next_ts(self) -> str:
        return f"{1_790_000_000 + next(self._ts)}.{next(self._ids):06d}"

    def _channel_id(self, channel: str) -> str:
        return self.dm_channel(channel) if channel[:1] in ("U", "W") else channel

    def _message_from(self, params: dict[str, Any], method: str) -> Message | dict[str, Any]:
        if "blocks" in params and not self._check_blocks(params["blocks"], method):
            return {"ok": False, "error": "invalid_blocks"}
        if not params.get("text") and not params.get("blocks"):
            return {"ok": False, "error": "no_text"}
        if not params.get("text"):
            self.warnings.append(f"{method} without a text fallback")
        return Message(ts=self._next_ts(), text=params.get("text", ""),
                       blocks=params.get("blocks") or [], metadata=params.get("metadata"))

    def _m_auth_test(self, params: dict[str, Any], team_id: str) -> dict[str, Any]:
        return {"ok": True, "team_id": team_id, "user_id": "UBOT", "bot_id": "BREVIVE",
                "team": f"Team {team_id}", "url": f"https://{team_id.lower()}.slack.com/"}

    def _m_team_info(self, params: dict[str, Any], team_id: str) -> dict[str, Any]:
        return {"ok": True, "team": {"id": team_id, "name": f"Team {team_id}"}}

    def _refused_channel(self, channel: str, team_id: str) -> dict[str, Any] | None:
        """Slack's answer to writing in or reading an added channel the bot is not in (a
        private one it cannot even see), or another workspace's."""
        known = self.conversations.get(channel)
        if known is None:
            return None
        if known["context_team_id"] != team_id or (known["is_private"] and not known["is_member"]):
            return {"ok": False, "error": "channel_not_found"}
        if not known["is_member"]:
            return {"ok": False, "error": "not_in_channel"}
        return None

    def _m_conversations_info(self, params: dict[str, Any], team_id: str) -> dict[str, Any]:
        # Any channel of the workspace, the bot in it or not, except a private one without it.
        known = self.conversations.get(str(params.get("channel") or ""))
        refusal = None if known is None else self._refused_channel(known["id"], team_id)
        if known is None or (refusal is not None and refusal["error"] == "channel_not_found"):
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "channel": dict(known)}

    def _m_chat_postMessage(self, params: dict[str, Any], team_id: str) -> dict[str, Any]:
        channel = params.get("channel")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        refusal = self._refused_channel(channel, team_id)
        if refusal is not None:
            return refusal
        message = self._message_from(params, "chat.postMessage")
        if isinstance(message, dict):
            return message
        channel_id = self._channel_id(channel)
        self._channels.setdefault(channel_id, []).append(message)
        return {"ok": True, "channel": channel_id, "ts": message.ts,
                "message": message.as_slack()}

    def _m_chat_postEphemeral(self, params: dict[str, Any], team_id: str) -> dict[str, Any]:
        if not params.get("user"):
            return {"ok": False, "error": "user_not_in_channel"}
        message = self._message_from(params, "chat.postEphemeral")
        if isinstance(message, dict):
            return message
        return {"ok": True, "message_ts": message.ts}

    def _find(self, channel: str, ts: str) -> Message | None:
        return next((m for m in self._channels.get(self._channel_id(channel), [])
                     if m.ts == ts), None)

    def _m_chat_update(self, params: dict[str, Any], team_id: str) -> dict[str, Any]:
        found = self._find(params.get("channel", ""), params.get("ts", ""))
        if found is None:
            return {"ok": False, "error": "message_not_found"}
        message = self._message_from(params, "chat.update")
        if isinstance(message, dict):
            return message
        found.text, found.blocks = message.text, message.blocks
        if message.metadata:
            found.metadata = message.metadata
        return {"ok": True, "channel": self._channel_id(params["channel"]), "ts": found.ts,
                "text": found.text}

    def _m_chat_delete(self, params: dict[str, Any], team_id: str) -> dict[str, Any]:
        channel = self._channel_id(params.get("channel", ""))
        found = self._find(channel, params.get("ts", ""))
        if found is None:
            return {"ok": False, "error": "message_not_found"}
        self._channels[channel].remove(found)
        return {"ok": True, "channel": channel, "ts": found.ts}

    def _m_conversations_open(self, params: dict[str, Any], team_id: str) -> dict[str, Any]:
        users = str(params.get("users", "")).split(",")
        if not users or not users[0]:
            return {"ok": False, "error": "users_list_not_supplied"}
        return {"ok": True, "channel": {"id": self.dm_channel(users[0])}}

    def _m_conversations_history(self, params: dict[str, Any], team_id: str) -> dict[str, Any]:
        channel = self._channel_id(params.get("channel", ""))
        refusal = self._refused_channel(channel, team_id)
        if refusal is not None:
            return refusal
        limit = int(params.get("limit") or 100)
        newest_first = list(reversed(self._channels.get(channel, [])))[:limit]
        with_metadata = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
        messages = []
        for message in newest_first:
            data = message.as_slack()
            if not with_metadata:
                data.pop("metadata", None)
            messages.append(data)
        return {"ok": True, "messages": messages, "has_more": False}

    def _open_view(self, params: dict[str, Any], method: str) -> dict[str, Any]:
        if not params.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        view = params.get("view")
        if not self._check_view(view, method):
            return {"ok": False, "error": "invalid_arguments"}
        view_id = f"V{next(self._ids):08d}"
        stored = {**view, "id": view_id, "hash": f"h{next(self._ids)}"}
        self.views[view_id] = stored
        return {"ok": True, "view": stored}

    def _m_views_open(self, params: dict[str, Any], team_id: str) -> dict[str, Any]:
        return self._open_view(params, "views.open")

    def _m_views_push(self, params: dict[str, Any], team_id: str) -> dict[str, Any]:
        return self._open_view(params, "views.push")

    def _m_views_update(self, params: dict[str, Any], team_id: str) -> dict[str, Any]:
        view_id = params.get("view_id")
        if view_id is None and params.get("external_id"):
            view_id = next((k for k, v in self.views.items()
                            if v.get("external_id") == params["external_id"]), None)
        if view_id not in self.views:
            return {"ok": False, "error": "not_found"}
        if params.get("hash") and params["hash"] != self.views[view_id]["hash"]:
            return {"ok": False, "error": "hash_conflict"}
        view = params.get("view")
        if not self._check_view(view, "views.update"):
            return {"ok": False, "error": "invalid_arguments"}
        stored = {**view, "id": view_id, "hash": f"h{next(self._ids)}"}
        self.views[view_id] = stored
        return {"ok": True, "view": stored}

    def _m_views_publish(self, params: dict[str, Any], team_id: str) -> dict[str, Any]:
        user_id = params.get("user_id")
        view = params.get("view")
        if not user_id:
            return {"ok": False, "error": "invalid_arguments"}
        if not isinstance(view, dict) or view.get("type") != "home":
            self.validation_errors.append("views.publish: not a home view")
            return {"ok": False, "error": "invalid_arguments"}
        if not self._check_view(view, "views.publish"):
            return {"ok": False, "error": "invalid_arguments"}
        stored = {**view, "id": f"VH{user_id}", "hash": f"h{next(self._ids)}"}
        self.home_views[user_id] = stored
        return {"ok": True, "view": stored}

    def _m_users_info(self, params: dict[str, Any], team_id: str) -> dict[str, Any]:
        user = self.users.get(params.get("user", ""))
        if user is None or user["team_id"] != team_id:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": user}

    def _m_users_lookupByEmail(self, params: dict[str, Any], team_id: str) -> dict[str, Any]:
        wanted = str(params.get("email") or "").casefold()
        if not wanted:
            return invalid_arguments("email is required")
        found = next((u for u in self.users.values() if u["team_id"] == team_id
                      and str(u["profile"].get("email") or "").casefold() == wanted), None)
        if found is None:
            return {"ok": False, "error": "users_not_found"}
        return {"ok": True, "user": found}

    def _m_users_list(self, params: dict[str, Any], team_id: str) -> dict[str, Any]:
        members = sorted((u for u in self.users.values() if u["team_id"] == team_id),
                         key=lambda u: u["id"])
        limit = int(params.get("limit") or 200)
        start = int(params.get("cursor") or 0)
        page = members[start:start + limit]
        more = start + limit < len(members)
        return {"ok": True, "members": page,
                "response_metadata": {"next_cursor": str(start + limit) if more else ""}}

    def _m_files_getUploadURLExternal(self, params: dict[str, Any],
                                      team_id: str) -> dict[str, Any]:
        filename = params.get("filename")
        length = str(params.get("length", ""))
        if not filename or not length.isdigit():
            return invalid_arguments("filename and length (bytes, an integer) are required")
        file_id = f"F{next(self._ids):08d}"
        self._uploads[file_id] = SlackFile(
            id=file_id, team_id=team_id, filename=filename, length=int(length),
            created=int(time.time()), alt_txt=params.get("alt_txt"))
        return {"ok": True, "upload_url": f"{self.url}upload/{file_id}", "file_id": file_id}

    def _m_files_completeUploadExternal(self, params: dict[str, Any],
                                        team_id: str) -> dict[str, Any]:
        entries = params.get("files")
        if not isinstance(entries, list) or not entries:
            return invalid_arguments("files: a JSON array of {id, title} is required")
        channel_id = params.get("channel_id")
        if channel_id and not SHARE_CHANNEL_ID.fullmatch(channel_id):
            # Slack's answer to a user id here: it wants the DM's id (conversations.open).
            return invalid_arguments("input must match regex pattern: ^[CGDZ][A-Z0-9]{8,}$ "
                                     "[json-pointer:/channel_id]")
        targets = ([channel_id] if channel_id else
                   [self._channel_id(c) for c in str(params.get("channels") or "").split(",")
                    if c])
        uploads = []
        for entry in entries:
            upload = self._uploads.get(entry.get("id", "") if isinstance(entry, dict) else "")
            # Unknown, another workspace's, or its bytes never arrived (Slack's exact answer
            # for the last is undocumented): nothing is shared, not even the other files.
            if upload is None or upload.team_id != team_id or upload.content is None:
                return {"ok": False, "error": "file_not_found"}
            uploads.append((upload, entry))
        blocks = params.get("blocks") or []
        if blocks and not self._check_blocks(blocks, "files.completeUploadExternal"):
            return {"ok": False, "error": "invalid_blocks"}
        comment = params.get("initial_comment")
        if comment and blocks:
            self.warnings.append("files.completeUploadExternal: blocks ignored, "
                                 "initial_comment given")
            blocks = []
        if not targets:
            # Not an error in Slack: the file is private, shared nowhere. Surely not meant.
            self.warnings.append("files.completeUploadExternal without a channel: "
                                 f"{[u.id for u, _ in uploads]} shared nowhere")
        for upload, entry in uploads:
            del self._uploads[upload.id]
            upload.title = entry.get("title") or upload.filename
            upload.channels, upload.initial_comment = targets, comment
            upload.blocks, upload.thread_ts = blocks, params.get("thread_ts")
            self.files[upload.id] = upload
        shared = [self._file_object(u) for u, _ in uploads]
        for channel in targets:
            self._channels.setdefault(channel, []).append(
                Message(ts=self._next_ts(), text=comment or "", blocks=blocks, files=shared))
        # Slack shares in the background: the answer lists no channels yet (files.info will).
        return {"ok": True, "files": [{**f, "channels": [], "groups": [], "ims": []}
                                      for f in shared]}

    def _m_files_info(self, params: dict[str, Any], team_id: str) -> dict[str, Any]:
        found = self.files.get(params.get("file", ""))
        if found is None or found.team_id != team_id:
            return {"ok": False, "error": "file_not_found"}
        return {"ok": True, "file": self._file_object(found)}

    def _file_object(self, file: SlackFile) -> dict[str, Any]:
        url = f"{self.url}files-pri/{file.team_id}-{file.id}/"
        extension = file.filename.rpartition(".")[2].lower() if "." in file.filename else ""
        return {
            "id": file.id, "created": file.created, "timestamp": file.created,
            "name": file.filename, "title": file.title, "mimetype": file.mimetype,
            "filetype": extension, "user": file.user, "size": file.length, "mode": "hosted",
            "is_external": False, "alt_txt": file.alt_txt,
            "url_private": url + quote(file.filename),
            "url_private_download": f"{url}download/{quote(file.filename)}",
            "channels": [c for c in file.channels if c.startswith("C")],
            "groups": [c for c in file.channels if c.startswith("G")],
            "ims": [c for c in file.channels if c.startswith("D")],
        }


def invalid_arguments(message: str) -> dict[str, Any]:
    return {"ok": False, "error": "invalid_arguments",
            "response_metadata": {"messages": [f"[ERROR] {message}"]}}


def _header(headers: dict[str, str], name: str) -> str:
    return next((v for k, v in headers.items() if k.lower() == name), "")


def iter_blocks_text(blocks: list[dict[str, Any]]) -> Iterator[str]:
    """Every piece of text in a list of blocks, for assertions on what a rep reads."""
    for block in blocks:
        yield from _texts(block)


def _texts(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("text"), str):
            yield node["text"]
        for value in node.values():
            if isinstance(value, dict | list):
                yield from _texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _texts(item)


def blocks_text(blocks: list[dict[str, Any]]) -> str:
    return "\n".join(iter_blocks_text(blocks))
