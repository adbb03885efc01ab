"""The app factory: the one place where Bolt, services and listeners are wired."""

from __future__ import annotations

import importlib
import json
import logging
import pkgutil
import uuid
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltResponse
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

import handlers
from bot.bolt_lean import make_lean
from bot.errors import UserError
from bot.events_once import once_per_event
from bot.observability.context import ContextThreadPoolExecutor
from bot.observability.requests import listener_error, observe_dispatch
from bot.services import SERVICES_KEY, Services
from bot.slack_client import make_client
from bot.verify import VERIFIED_KEY

log = logging.getLogger(__name__)


def handler_modules() -> list[str]:
    """Every public module of the handlers package; each exposes register(app)."""
    return sorted(
        f"handlers.{info.name}"
        for info in pkgutil.iter_modules(handlers.__path__)
        if not info.name.startswith("_")
    )


class ReviveApp(App):
    """Bolt's App that knows the Services it was built with (HTTP mode reads its settings)."""

    def __init__(self, *, services: Services, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        if req.mode == "socket_mode":  # HTTP requests are observed by bot/server.py's route
            return observe_dispatch(req, super().dispatch)
        return super().dispatch(req)


def build_app(services: Services, *, client: WebClient | None = None) -> ReviveApp:
    settings = services.settings
    services, distribution = oauth_parts(services, client)
    app = ReviveApp(
        services=services,
        signing_secret=settings.slack_signing_secret,
        **distribution,
        # auth.test at start would make `serve` fail offline before it can say why.
        token_verification_enabled=False,
        # Listeners ack first and finish in Bolt's worker threads: Slack's 3-second rule.
        process_before_response=False,
        # Each listener runs with its request's log context (request and workspace ids).
        listener_executor=ContextThreadPoolExecutor(
            max_workers=settings.listener_threads, thread_name_prefix="revive-listener"
        ),
        logger=logging.getLogger("slack_bolt"),
    )

    def inject_services(context: BoltContext, next: Callable[[], None]) -> None:
        context[SERVICES_KEY] = services
        context["ack"] = KeptAck()
        next()

    # First, so a retried event costs one INSERT and nothing else.
    app.use(once_per_event(services))
    app.use(inject_services)
    app.error(handle_error)
    for module_name in handler_modules():
        importlib.import_module(module_name).register(app)
    make_lean(app)  # Bolt's routing, minus its argument building per matcher (bot/bolt_lean.py)
    return app


def oauth_parts(services: Services, client: WebClient | None) -> tuple[Services, dict[str, Any]]:
    """In OAuth mode: Services with per-workspace tokens, and Bolt's OAuth flow (install
    pages, authorize from the installation store). Either mode: org-wide Grid requests are
    answered before authorization (bot/install/grid.py)."""
    from bot.install.grid import org_wide_guard

    settings = services.settings
    parts: dict[str, Any] = {"before_authorize": org_wide_guard}
    config = settings.oauth
    if config is None:
        parts["client"] = client or make_client(settings.slack_bot_token, settings.slack_api_url)
        return services, parts
    from bot.install.oauth import NOT_INSTALLED_TEXT, oauth_flow, with_installations

    services = with_installations(services)
    ours = client or make_client(None, settings.slack_api_url)
    parts["client"] = ours
    parts["oauth_flow"] = oauth_flow(config, services, ours)
    parts["user_facing_authorize_error_message"] = NOT_INSTALLED_TEXT
    return services, parts


class KeptAck(Ack):
    """An ack that, once given, stays given.

    When a listener raises after ack(), Bolt's threaded runner sets ``ack.response`` back to
    None; if its polling loop has not seen the ack yet, Slack's request then hangs for the full
    3-second timeout and fails. Our listeners ack first and may raise a UserError later.
    """

    _given: BoltResponse | None = None

    @property  # type: ignore[override]
    def response(self) -> BoltResponse | None:
        return self._given

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        if value is not None:
            self._given = value


def handle_error(
    error: Exception,
    request: BoltRequest,
    response: BoltResponse | None,
    body: dict[str, Any],
    context: BoltContext,
    client: WebClient,
) -> BoltResponse | None:
    """Known errors become a friendly ephemeral; unknown ones get an id the user can quote.

    Only a request known to be from Slack is answered (principle 10): one that came through
    the HTTP door (bot.verify), or over Socket Mode. Anything else, such as Bolt's own
    signature check raising on a timestamp that is not a number, gets a bare 401: its
    body's response_url and user_id are an attacker's choice.
    """
    if not from_slack(request):
        log.warning("error on an unverified request, not answered: %s", type(error).__name__)
        return BoltResponse(status=401, body="") if response is not None else None
    if isinstance(error, UserError):
        text = error.message
    else:
        listener_error(body)  # counted in revive_listener_errors (METRICS=on)
        error_id = uuid.uuid4().hex[:8]
        log.error(
            "unhandled error %s in %s", error_id, body.get("type") or "command", exc_info=error
        )
        text = (
            f":warning: Something went wrong on our side (error id `{error_id}`). "
            "Please try again; if it keeps happening, give that id to your Slack admin."
        )
    if response is not None and body.get("command"):
        # Not acknowledged yet: the answer rides on the ack itself.
        return BoltResponse(
            status=200,
            body=json.dumps({"response_type": "ephemeral", "text": text}),
            headers={"content-type": "application/json"},
        )
    try:
        tell_user(context, client, text)
    except SlackApiError as slack_error:
        log.warning("could not tell %s about an error: %s", context.user_id, slack_error)
    return BoltResponse(status=200, body="") if response is not None else None


def from_slack(request: BoltRequest) -> bool:
    """Verified by the HTTP door, or delivered over Socket Mode's authenticated socket."""
    return request.mode == "socket_mode" or request.context.get(VERIFIED_KEY) is True


def tell_user(context: BoltContext, client: WebClient, text: str) -> None:
    """Ephemeral where Slack gave a response_url, otherwise a DM from the bot."""
    respond = context.respond
    if respond is not None and context.response_url:
        respond(text=text, response_type="ephemeral", replace_original=False)
    elif context.user_id:
        client.chat_postMessage(channel=context.user_id, text=text)
