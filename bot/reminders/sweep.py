"""One reminder tick: enqueue the digests that are due, claim them, send each exactly once.

Works the same from the in-process ticker, `revive sweep` and cron, and with any number of
processes on one database: the outbox (store/outbox.py) decides who sends what.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import ids
from bot.errors import UserError
from bot.reminders.mornings import MorningFacts, delivery_window, is_due, morning_facts
from bot.reminders.pacing import Pacer, Sleep
from bot.reps import RepContext, context_for
from bot.services import Services
from bot.slack_client import make_client
from bot.workspace_settings import WorkspaceSettings, settings_from_json
from store import outbox
from store.db import unit_of_work
from store.models import Rep, Workspace

log = logging.getLogger(__name__)

# Slack answers these when the token no longer works: nothing else in that workspace will.
WORKSPACE_ERRORS = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "team_access_not_granted",
        "missing_scope",
        "ekm_access_denied",
    }
)
HISTORY_LIMIT = 100


class Digest(Protocol):
    text: str
    blocks: list[dict[str, Any]]
    prospect_ids: list[int]
    due_count: int


Composer = Callable[[Session, RepContext, date], Digest | None]
BatchComposer = Callable[[Session, Sequence[tuple[RepContext, date]]], Sequence[Digest | None]]
MetadataFor = Callable[[str, str, date], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class SweepOptions:
    lease_seconds: float = 120  # a crashed process's rows are claimable again after this
    retry_after_seconds: float = 60  # a failed row waits this long (about one tick)
    batch_size: int = 50  # rows claimed (and composed) per transaction; 10 s of posts at 5/s
    max_attempts: int = 5  # claims per row before it stays failed
    post_tries: int = 3  # 5xx/timeouts retried with backoff within one attempt
    backoff_seconds: float = 0.5  # first backoff; doubles each try
    rate_limit_retries: int = 5  # 429s honoured (Retry-After) within one try
    timeout_seconds: int = 10
    pacing: bool = True


@dataclass(frozen=True, slots=True)
class SweepLine:
    team_id: str
    user_id: str
    local_date: date
    outcome: str  # sent, found (in doubt, already delivered), skipped, failed, would send…
    detail: str = ""


@dataclass
class SweepReport:
    at: datetime
    dry_run: bool = False
    enqueued: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    in_doubt_found: int = 0
    lines: list[SweepLine] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # workspace-wide, one line each

    def summary(self) -> str:
        if self.dry_run:
            return f"dry run at {self.at.isoformat()}: {len(self.lines)} due, nothing sent"
        return (
            f"sweep at {self.at.isoformat()}: enqueued {self.enqueued}, sent {self.sent}, "
            f"skipped {self.skipped}, failed {self.failed}, "
            f"in doubt found delivered {self.in_doubt_found}"
        )


def default_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def sweep(
    services: Services,
    at: datetime,
    *,
    dry_run: bool = False,
    owner: str | None = None,
    composer: Composer | None = None,
    metadata: MetadataFor | None = None,
    options: SweepOptions | None = None,
    sleep: Sleep = time.sleep,
) -> SweepReport:
    """Deliver every digest due at `at`; leases and pacing follow services.clock()."""
    if at.tzinfo is None:
        raise ValueError("sweep needs an aware instant")
    from bot.usecases.digest import compose_digests, digest_metadata

    compose_batch: BatchComposer = compose_digests
    if composer is not None:
        compose_batch = _one_by_one(composer)
    run = _Run(
        services=services,
        at=at,
        owner=owner or default_owner(),
        compose_batch=compose_batch,
        metadata=metadata or digest_metadata,
        options=options or SweepOptions(),
        sleep=sleep,
        report=SweepReport(at=at, dry_run=dry_run),
    )
    run.pacer = Pacer(services.sessions, services.clock, sleep=sleep, enabled=run.options.pacing)
    with unit_of_work(services.sessions) as session:
        workspaces = list(
            session.execute(select(Workspace.id, Workspace.team_id).order_by(Workspace.id))
        )
    for workspace_id, team_id in workspaces:
        try:
            _sweep_workspace(run, workspace_id, team_id, dry_run=dry_run)
        except Exception:
            # One workspace's surprise must not cost every other workspace its morning.
            log.exception("sweep of workspace %s failed", team_id)
            run.report.problems.append(f"{team_id}: sweep failed unexpectedly (see the log)")
    return run.report


def _one_by_one(composer: Composer) -> BatchComposer:
    def compose_each(
        session: Session, jobs: Sequence[tuple[RepContext, date]]
    ) -> list[Digest | None]:
        return [composer(session, ctx, on) for ctx, on in jobs]

    return compose_each


@dataclass
class _Run:
    services: Services
    at: datetime
    owner: str
    compose_batch: BatchComposer
    metadata: MetadataFor
    options: SweepOptions
    sleep: Sleep
    report: SweepReport
    pacer: Pacer | None = None
    row_id: int | None = None  # the row being posted, whose lease each try renews
    leases: dict[int, datetime] = field(default_factory=dict)  # row id → our lease_until

    def keep_lease(self) -> bool:
        """Make sure the row being sent is still ours; False if it was lost (never post then).

        Another process claims a row only once its lease has expired, so while more than
        half of ours is left (by our clock) it is certainly ours: no renewal, no round trip.
        The other half is the margin for clock skew between hosts.
        """
        if self.row_id is None:
            return True
        now = self.services.clock()
        lease = timedelta(seconds=self.options.lease_seconds)
        held = self.leases.get(self.row_id)
        if held is not None and held - now > lease / 2:
            return True
        with unit_of_work(self.services.sessions) as session:
            kept = outbox.renew(session, row_id=self.row_id, owner=self.owner, until=now + lease)
        if kept:
            self.leases[self.row_id] = now + lease
        return kept


class LeaseLost(Exception):
    """Another process took the row while we waited (say, a long Retry-After)."""


@dataclass(frozen=True, slots=True)
class _Plan:
    workspace_id: int
    team_id: str
    settings: WorkspaceSettings
    revoked: bool
    due: list[outbox.DueDigest]
    users: dict[int, str]  # rep id → Slack user id


def _plan(session: Session, run: _Run, workspace_id: int) -> _Plan | None:
    workspace = session.get(Workspace, workspace_id)
    assert workspace is not None
    try:
        settings = settings_from_json(workspace.settings)
    except UserError as error:
        run.report.problems.append(f"{workspace.team_id}: bad workspace settings: {error}")
        return None
    reps = session.scalars(
        select(Rep)
        .where(Rep.workspace_id == workspace_id, Rep.deactivated_at.is_(None))
        .order_by(Rep.id)
    )
    due: list[outbox.DueDigest] = []
    users: dict[int, str] = {}
    for rep in reps:
        users[rep.id] = rep.slack_user_id
        on = is_due(morning_facts(rep, settings), run.at, settings)
        if on is not None:
            due.append(outbox.DueDigest(rep.id, on, workspace_id))
    return _Plan(
        workspace_id,
        workspace.team_id,
        settings,
        workspace.token_revoked_at is not None,
        due,
        users,
    )


def _sweep_workspace(run: _Run, workspace_id: int, team_id: str, *, dry_run: bool) -> None:
    with unit_of_work(run.services.sessions) as session:
        plan = _plan(session, run, workspace_id)
    if plan is None:
        return
    token = None if plan.revoked else run.services.bot_token(team_id)
    if token is None and plan.due:
        run.report.problems.append(f"{team_id}: no bot token (not installed or revoked)")
    if dry_run:
        _preview(run, plan)
        return
    if token is None:
        return

    def enqueue() -> int:
        with unit_of_work(run.services.sessions) as session:
            return outbox.enqueue(session, plan.due, now=run.services.clock())

    run.report.enqueued += outbox.retry_on_conflict(enqueue)
    dates = sorted({d.local_date for d in plan.due})
    if not dates:
        return
    client = digest_client(token, run, workspace_id)
    while True:
        claimed = outbox.retry_on_conflict(lambda: _claim(run, workspace_id, dates))
        if not claimed:
            return
        prepared = _compose_batch(run, plan, claimed)
        for index, row in enumerate(claimed):
            stop = _deliver(run, plan, client, row, prepared.pop(row.id, None))
            if stop is not None:
                _release(run, claimed[index + 1 :], stop)
                run.report.problems.append(f"{team_id}: {stop}; its digests wait for next tick")
                return


def _claim(run: _Run, workspace_id: int, dates: list[date]) -> list[outbox.Claimed]:
    now = run.services.clock()
    lease = timedelta(seconds=run.options.lease_seconds)
    with unit_of_work(run.services.sessions) as session:
        claimed = outbox.claim(
            session,
            workspace_id=workspace_id,
            dates=dates,
            owner=run.owner,
            now=now,
            lease=lease,
            limit=run.options.batch_size,
            max_attempts=run.options.max_attempts,
        )
    run.leases = {row.id: now + lease for row in claimed}
    return claimed


def _release(run: _Run, rows: list[outbox.Claimed], why: str) -> None:
    with unit_of_work(run.services.sessions) as session:
        for row in rows:
            outbox.release(
                session, row_id=row.id, owner=run.owner, error=why, retry_at=_retry_at(run)
            )


def _retry_at(run: _Run) -> datetime:
    """When a row handed back or failed may be claimed again: about the next tick."""
    return run.services.clock() + timedelta(seconds=run.options.retry_after_seconds)


@dataclass(frozen=True, slots=True)
class _Composed:
    digest: Digest | None
    channel_hint: str | None
    not_due: bool = False
    too_early: bool = False  # this sweep's instant is before the row's window (clock skew)


def _compose_batch(run: _Run, plan: _Plan, rows: list[outbox.Claimed]) -> dict[int, _Composed]:
    """A claimed batch composed from a handful of queries (not a handful per digest).

    Any error here leaves the batch empty-handed: each row is then composed alone, so one
    bad digest fails only its own row.
    """
    try:
        return _compose_rows(run, plan, rows)
    except Exception:
        log.warning("composing a batch of digests failed; composing them one by one", exc_info=True)
        return {}


def _compose_rows(run: _Run, plan: _Plan, rows: list[outbox.Claimed]) -> dict[int, _Composed]:
    """Fresh facts (a rep may have paused since the plan) and the digests, read-only."""
    session = run.services.sessions()
    try:
        workspace = session.get(Workspace, plan.workspace_id)
        assert workspace is not None
        reps = _reps_by_id(session, [row.rep_id for row in rows])
        prepared: dict[int, _Composed] = {}
        to_compose: list[outbox.Claimed] = []
        jobs: list[tuple[RepContext, date]] = []
        for row in rows:
            rep = reps.get(row.rep_id)
            if rep is None:
                raise LookupError(f"rep {row.rep_id} no longer exists")
            not_due = _not_due(run, plan, rep, row)
            if not_due is not None:
                prepared[row.id] = not_due
                continue
            to_compose.append(row)
            jobs.append((context_for(rep, workspace, run.at), row.local_date))
        digests = run.compose_batch(session, jobs)
        hints = outbox.known_dm_channels(session, rep_ids=[row.rep_id for row in to_compose])
        for row, digest in zip(to_compose, digests, strict=True):
            prepared[row.id] = _Composed(digest, hints.get(row.rep_id))
        return prepared
    finally:
        session.rollback()
        session.close()


def _reps_by_id(session: Session, rep_ids: list[int]) -> dict[int, Rep]:
    return {rep.id: rep for rep in session.scalars(select(Rep).where(Rep.id.in_(rep_ids)))}


def _not_due(run: _Run, plan: _Plan, rep: Rep, row: outbox.Claimed) -> _Composed | None:
    """Is the row still due now? If not, say whether it is too early (ours to hand back)."""
    facts: MorningFacts = morning_facts(rep, plan.settings)
    if is_due(facts, run.at, plan.settings) == row.local_date:
        return None
    # A process sweeping a slightly earlier instant may claim a row another one
    # enqueued at its reminder time: hand it back, it is not ours to skip.
    start, _ = delivery_window(facts, row.local_date, plan.settings)
    return _Composed(None, None, not_due=True, too_early=run.at < start)


def _deliver(
    run: _Run, plan: _Plan, client: WebClient, row: outbox.Claimed, prepared: _Composed | None
) -> str | None:
    """Send one claimed row and mark it; returns a reason when the whole workspace is down."""
    user_id = plan.users[row.rep_id]
    report = run.report

    def line(outcome: str, detail: str = "") -> None:
        report.lines.append(SweepLine(plan.team_id, user_id, row.local_date, outcome, detail))

    try:
        composed = prepared or _compose_rows(run, plan, [row])[row.id]
    except Exception as error:
        # A bug composing one rep's digest must not stop the others' mornings.
        log.exception("composing the digest of rep %s failed", row.rep_id)
        with unit_of_work(run.services.sessions) as session:
            outbox.mark_failed(
                session,
                row_id=row.id,
                owner=run.owner,
                error=f"compose: {error}",
                retry_at=_retry_at(run),
            )
        report.failed += 1
        line("failed", f"compose: {error}")
        return None
    if composed.too_early:
        with unit_of_work(run.services.sessions) as session:
            outbox.release(
                session, row_id=row.id, owner=run.owner, error="claimed before its window",
                retry_at=_retry_at(run),
            )  # fmt: skip
        return None
    if composed.digest is None:
        reason = "no longer due" if composed.not_due else None
        with unit_of_work(run.services.sessions) as session:
            outbox.mark_skipped(session, row_id=row.id, owner=run.owner, reason=reason)
        report.skipped += 1
        line("skipped", reason or "nothing due")
        return None
    digest = composed.digest
    run.row_id = row.id
    result = post_digest(
        client,
        run,
        workspace_id=plan.workspace_id,
        per_second=plan.settings.posts_per_second,
        team_id=plan.team_id,
        user_id=user_id,
        on=row.local_date,
        digest=digest,
        channel_hint=composed.channel_hint,
        in_doubt=row.in_doubt,
    )
    run.row_id = None
    with unit_of_work(run.services.sessions) as session:
        if result.ts is not None and result.channel is not None:
            outbox.mark_sent(
                session,
                row_id=row.id,
                owner=run.owner,
                channel=result.channel,
                ts=result.ts,
                now=run.services.clock(),
                due_count=digest.due_count,
                prospect_ids=list(digest.prospect_ids),
            )
        elif result.workspace_down:
            outbox.release(
                session, row_id=row.id, owner=run.owner, error=result.error,
                retry_at=_retry_at(run),
            )  # fmt: skip
        else:
            outbox.mark_failed(
                session,
                row_id=row.id,
                owner=run.owner,
                error=result.error,
                retry_at=_retry_at(run),
            )
    if result.ts is not None:
        if result.found:
            report.in_doubt_found += 1
            line("found", "already delivered before a crash or timeout; not sent again")
        else:
            report.sent += 1
            line("sent", f"{digest.due_count} due")
        return None
    if result.workspace_down:
        return result.error
    report.failed += 1
    line("failed", result.error)
    return None


# --- Slack ----------------------------------------------------------------------------


class PacedRateLimitHandler(RateLimitErrorRetryHandler):
    """slack_sdk's 429 handler, honouring Retry-After through the shared pace and our sleep."""

    def __init__(self, *, max_retry_count: int, wait: Callable[[float], None]) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self._wait = wait

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        if response is None:
            raise error or RuntimeError("429 handler called without a response")
        self._wait(retry_after_seconds(response.headers))
        state.next_attempt_requested = True
        state.increment_current_attempt()


def retry_after_seconds(headers: dict[str, Any]) -> float:
    for name, value in headers.items():
        if name.lower() == "retry-after":
            text = value[0] if isinstance(value, list) else value
            try:
                return max(float(text), 0.0)
            except (TypeError, ValueError):
                break
    return 1.0


def digest_client(token: str, run: _Run, workspace_id: int) -> WebClient:
    """One client per workspace. Only 429s are retried inside slack_sdk: a 429 certainly
    did not post, while a 5xx or timeout may have, so those go through post_digest, which
    looks in the DM before trying again."""
    client = make_client(
        token, run.services.settings.slack_api_url, timeout=run.options.timeout_seconds
    )

    def wait(seconds: float) -> None:
        if run.pacer is not None:
            run.pacer.hold(workspace_id, seconds)
        run.sleep(seconds)
        if not run.keep_lease():
            raise LeaseLost

    client.retry_handlers = [
        PacedRateLimitHandler(max_retry_count=run.options.rate_limit_retries, wait=wait)
    ]
    return client


@dataclass(frozen=True, slots=True)
class Posted:
    channel: str | None = None
    ts: str | None = None
    found: bool = False  # an in-doubt earlier attempt had in fact been delivered
    error: str = ""
    workspace_down: bool = False


def post_digest(
    client: WebClient,
    run: _Run,
    *,
    workspace_id: int,
    per_second: float,
    team_id: str,
    user_id: str,
    on: date,
    digest: Digest,
    channel_hint: str | None,
    in_doubt: bool,
) -> Posted:
    marker = run.metadata(team_id, user_id, on)
    check_first = in_doubt
    error = "not attempted"
    for attempt in range(run.options.post_tries):
        if attempt:
            run.sleep(run.options.backoff_seconds * 2 ** (attempt - 1))
        try:
            if check_first:
                channel = channel_hint or _open_dm(client, user_id)
                channel_hint = channel
                ts = find_posted(client, channel, marker)
                if ts is not None:
                    return Posted(channel=channel, ts=ts, found=True)
            if run.pacer is not None:
                run.pacer.wait(workspace_id, per_second)
            if not run.keep_lease():
                raise LeaseLost
            # The user id as channel posts in the app's DM: no conversations.open per rep.
            reply = client.chat_postMessage(
                channel=user_id, text=digest.text, blocks=digest.blocks, metadata=marker
            )
            return Posted(channel=str(reply["channel"]), ts=str(reply["ts"]))
        except LeaseLost:
            return Posted(error="lease lost to another process; not posted")
        except SlackApiError as failure:
            status = failure.response.status_code
            code = str(failure.response.get("error") or status)
            if status >= 500:
                check_first, error = True, f"Slack {status} {code}"
                continue
            if code in WORKSPACE_ERRORS:
                return Posted(error=code, workspace_down=True)
            # 429 after every Retry-After, or a definite refusal: try again next tick.
            return Posted(error=code)
        except (TimeoutError, URLError, ConnectionError, OSError) as failure:
            # The post may have landed: look in the DM before trying again.
            check_first, error = True, f"network: {failure}"
    return Posted(error=f"{error} after {run.options.post_tries} tries")


def _open_dm(client: WebClient, user_id: str) -> str:
    return str(client.conversations_open(users=user_id)["channel"]["id"])


def find_posted(client: WebClient, channel: str, marker: dict[str, Any]) -> str | None:
    """The ts of a message in the DM carrying this digest's metadata, if one is there."""
    reply = client.conversations_history(
        channel=channel, limit=HISTORY_LIMIT, include_all_metadata=True
    )
    for message in reply.get("messages") or []:
        meta = message.get("metadata") or {}
        if (
            meta.get("event_type") == marker["event_type"] == ids.DIGEST_EVENT_TYPE
            and meta.get("event_payload") == marker["event_payload"]
        ):
            return str(message["ts"])
    return None


# --- dry run --------------------------------------------------------------------------


def _preview(run: _Run, plan: _Plan) -> None:
    """Who would get what: reads only, and rolls back whatever the composer touched."""
    session = run.services.sessions()
    try:
        rows = outbox.existing(
            session,
            workspace_id=plan.workspace_id,
            dates=sorted({d.local_date for d in plan.due}),
        )
        workspace = session.get(Workspace, plan.workspace_id)
        assert workspace is not None
        size = run.options.batch_size
        for chunk in (plan.due[i : i + size] for i in range(0, len(plan.due), size)):
            reps = _reps_by_id(session, [due.rep_id for due in chunk])
            done: dict[outbox.DueDigest, str] = {}
            for due in chunk:
                row = rows.get((due.rep_id, due.local_date))
                if row is not None and row.status in (outbox.SENT, outbox.SKIPPED):
                    done[due] = row.status
            jobs = [
                (context_for(reps[due.rep_id], workspace, run.at), due.local_date)
                for due in chunk
                if due not in done
            ]
            digests = iter(run.compose_batch(session, jobs))
            for due in chunk:
                if due in done:
                    outcome, detail = f"already {done[due]}", ""
                elif (digest := next(digests)) is None:
                    outcome, detail = "would skip", "nothing due"
                else:
                    outcome, detail = "would send", f"{digest.due_count} due"
                user_id = plan.users[due.rep_id]
                run.report.lines.append(
                    SweepLine(plan.team_id, user_id, due.local_date, outcome, detail)
                )
    finally:
        session.rollback()
        session.close()
