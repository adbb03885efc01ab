"""Bolt's routing without its per-call argument building, for the arguments that are cheap.

Before a listener runs, Bolt asks every registered listener's matchers, in order, whether
the request is theirs, and runs every global middleware. Each of those calls goes through
`build_required_kwargs`, which builds all ~30 injectable arguments (payload views of the
body, say, respond, …) to hand the function the one or two it names. With Revive's thirty
odd listeners a click paid that some thirty times: the largest share of Bolt's own CPU per
request (docs/benchmarks.md, "CPU per acknowledged request").

`make_lean(app)` swaps those matchers and middleware, once built, for equivalents that pass
the same objects directly, when every argument they take is one of the plain ones below.
Anything else (a matcher asking for `action`, a middleware for `say`) keeps Bolt's way.
Which function runs, in which order, with which values, is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.listener_matcher.builtins import BuiltinListenerMatcher
from slack_bolt.listener_matcher.listener_matcher import ListenerMatcher
from slack_bolt.middleware.custom_middleware import CustomMiddleware
from slack_bolt.middleware.middleware import Middleware
from slack_bolt.request import BoltRequest

Getter = Callable[[BoltRequest, BoltResponse | None, Any], Any]

# The argument names served directly, and what Bolt itself would pass for each.
_PLAIN: dict[str, Getter] = {
    "body": lambda req, resp, nxt: req.body,
    "req": lambda req, resp, nxt: req,
    "request": lambda req, resp, nxt: req,
    "resp": lambda req, resp, nxt: resp,
    "response": lambda req, resp, nxt: resp,
    "context": lambda req, resp, nxt: req.context,
    "client": lambda req, resp, nxt: req.context.client,
}
_MIDDLEWARE_ONLY: dict[str, Getter] = {
    "next": lambda req, resp, nxt: nxt,
    "next_": lambda req, resp, nxt: nxt,
}


def _getters(names: Sequence[str], served: dict[str, Getter]) -> list[tuple[str, Getter]] | None:
    if not names or any(name not in served for name in names):
        return None
    return [(name, served[name]) for name in names]


class LeanMatcher(ListenerMatcher):
    """A built-in matcher (`app.action("id")` and the like) called with its arguments only."""

    def __init__(self, func: Callable[..., bool], getters: list[tuple[str, Getter]]) -> None:
        self.func = func
        self._getters = getters

    def matches(self, req: BoltRequest, resp: BoltResponse) -> bool:
        return bool(self.func(**{name: get(req, resp, None) for name, get in self._getters}))


class LeanMiddleware(Middleware):
    """A function middleware (`app.use(fn)`) called with its arguments only."""

    def __init__(self, original: CustomMiddleware, getters: list[tuple[str, Getter]]) -> None:
        self.func = original.func
        self._name = original.name
        self._getters = getters

    @property
    def name(self) -> str:
        return self._name

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        return self.func(**{name: get(req, resp, next) for name, get in self._getters})  # type: ignore[no-any-return]


def _lean_matcher(matcher: ListenerMatcher) -> ListenerMatcher:
    if type(matcher) is not BuiltinListenerMatcher:
        return matcher
    getters = _getters(matcher.arg_names, _PLAIN)
    return matcher if getters is None else LeanMatcher(matcher.func, getters)


def _lean_middleware(middleware: Middleware) -> Middleware:
    if type(middleware) is not CustomMiddleware:
        return middleware
    getters = _getters(middleware.arg_names, {**_PLAIN, **_MIDDLEWARE_ONLY})
    return middleware if getters is None else LeanMiddleware(middleware, getters)


def make_lean(app: App) -> int:
    """Swap in lean matchers and middleware (call once every listener is registered); how
    many were swapped."""
    swapped = 0
    for listener in app._listeners:  # Bolt keeps them here, in order
        lean = [_lean_matcher(m) for m in listener.matchers]
        swapped += sum(new is not old for new, old in zip(lean, listener.matchers, strict=True))
        listener.matchers = lean
    middleware = app._middleware_list
    for index, item in enumerate(middleware):
        lean_item = _lean_middleware(item)
        swapped += lean_item is not item
        middleware[index] = lean_item
    return swapped
