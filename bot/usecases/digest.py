"""Composing a rep's digest from the store, and refreshing a sent one in place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot import ids
from bot.blocks.digest import digest_blocks, digest_text, fit
from bot.reps import RepContext
from bot.usecases.reading import DueItem, due_items, due_items_for, items_by_id


@dataclass(frozen=True)
class ComposedDigest:
    text: str  # plain notification fallback ("3 prospects to revive today")
    blocks: list[dict[str, Any]]  # at most 50 blocks
    prospect_ids: list[int]  # the prospects shown, most urgent first
    due_count: int  # all due, shown or not


def compose_digest(session: Session, ctx: RepContext, on: date) -> ComposedDigest | None:
    """The digest for `on` (the rep's local date); None when nothing is due."""
    return digest_of(due_items(session, ctx, on), on)


def compose_digests(
    session: Session, jobs: Sequence[tuple[RepContext, date]]
) -> list[ComposedDigest | None]:
    """compose_digest for several reps of one workspace, reading their prospects at once."""
    read = due_items_for(session, jobs)
    return [digest_of(items, on) for items, (_, on) in zip(read, jobs, strict=True)]


def digest_of(items: list[DueItem], on: date) -> ComposedDigest | None:
    if not items:
        return None
    shown, more = fit(items)
    return ComposedDigest(
        text=digest_text(len(items)),
        blocks=digest_blocks(shown, on, more_in_home=more),
        prospect_ids=[item.facts.id for item in shown if item.facts.id is not None],
        due_count=len(items),
    )


def digest_metadata(team_id: str, user_id: str, on: date) -> dict[str, Any]:
    """Message metadata marking a digest, so a crashed sweep can find what it sent."""
    return {
        "event_type": ids.DIGEST_EVENT_TYPE,
        "event_payload": {"team": team_id, "user": user_id, "date": on.isoformat()},
    }


def redrawn_digest(
    session: Session, ctx: RepContext, *, prospect_ids: list[int], on: date, more_in_home: int = 0
) -> tuple[str, list[dict[str, Any]]] | None:
    """A sent digest's text and blocks as they should read now; None if none are left."""
    items = items_by_id(session, ctx, prospect_ids, on)
    if not items:
        return None
    total = len(items) + more_in_home
    return digest_text(total), digest_blocks(items, on, more_in_home=more_in_home)


def refresh_digest(
    session: Session,
    client: WebClient,
    ctx: RepContext,
    *,
    channel: str,
    ts: str,
    prospect_ids: list[int],
    on: date,
    more_in_home: int = 0,
) -> None:
    """Redraw a sent digest (chat.update): logged prospects show ✓, the others are untouched."""
    redrawn = redrawn_digest(
        session, ctx, prospect_ids=prospect_ids, on=on, more_in_home=more_in_home
    )
    if redrawn is not None:
        text, blocks = redrawn
        client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
