"""SQLAlchemy 2.0 typed models: the whole persistent state of Revive.

Every row below a workspace carries `workspace_id` so each query can be
scoped by workspace (and by owner) without a join.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.domain import DigestStatus, ProspectStatus
from store import oauth_tables
from store.types import UTCDateTime

# Stable constraint names so Alembic migrations are the same on every database.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


# slack_sdk's OAuth installation, bot and state tables belong to our schema (issue 15).
OAUTH_TABLES = oauth_tables.attach(Base.metadata)


class Workspace(Base):
    __tablename__ = "workspaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    # Only the overrides are stored; bot.workspace_settings holds the defaults.
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    token_revoked_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    reps: Mapped[list[Rep]] = relationship(back_populates="workspace")


class Rep(Base):
    __tablename__ = "reps"
    __table_args__ = (UniqueConstraint("workspace_id", "slack_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    slack_user_id: Mapped[str] = mapped_column(String(32))
    tz: Mapped[str | None] = mapped_column(String(64))  # IANA name; None: workspace default
    reminder_time: Mapped[time | None] = mapped_column(Time)  # None: workspace default
    workdays: Mapped[str] = mapped_column(String(16), default="0,1,2,3,4")  # Monday=0
    paused_until: Mapped[date | None] = mapped_column(Date)
    tz_checked_at: Mapped[datetime | None]
    deactivated_at: Mapped[datetime | None]
    # From Slack's profile (users.info): the name managers see, and whether the workspace
    # made them an owner or admin (managers of every team).
    display_name: Mapped[str | None] = mapped_column(String(200))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # A rep is in at most one team; managers are listed in team_managers.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    workspace: Mapped[Workspace] = relationship(back_populates="reps")
    prospects: Mapped[list[Prospect]] = relationship(
        back_populates="owner", foreign_keys="Prospect.rep_id"
    )


class Prospect(Base):
    __tablename__ = "prospects"
    __table_args__ = (
        Index("ix_prospects_due", "rep_id", "status", "next_touch_on"),
        Index("ix_prospects_workspace_status", "workspace_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("reps.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    company: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(64))
    situation: Mapped[str] = mapped_column(String(32))
    stated_reason: Mapped[str | None] = mapped_column(Text)
    competitor: Mapped[str | None] = mapped_column(String(200))  # competitor or provider
    missing_feature: Mapped[str | None] = mapped_column(String(200))
    contract_end: Mapped[date | None] = mapped_column(Date)
    decision_date: Mapped[date | None] = mapped_column(Date)
    proposal_sent_on: Mapped[date | None] = mapped_column(Date)
    proposal_expires_on: Mapped[date | None] = mapped_column(Date)
    referrer: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=ProspectStatus.DORMANT.value)
    next_touch_on: Mapped[date | None] = mapped_column(Date)
    last_touch_on: Mapped[date | None] = mapped_column(Date)
    sequence_step: Mapped[int] = mapped_column(Integer, default=0)
    # The two counters of the learn rule (bot.coach.counters): conversations in a row that
    # taught nothing new, and attempts in a row nobody answered.
    nothing_new_streak: Mapped[int] = mapped_column(Integer, default=0)
    unanswered_streak: Mapped[int] = mapped_column(Integer, default=0)
    # The walk-away question asked and not yet answered (a WalkAwayReason value): one at a time.
    open_decision: Mapped[str | None] = mapped_column(String(32))
    # They asked not to be contacted: final, nothing brings the prospect back.
    do_not_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    last_learned: Mapped[str | None] = mapped_column(Text)
    pending_event_kind: Mapped[str | None] = mapped_column(String(32))
    pending_event_subject: Mapped[str | None] = mapped_column(String(200))
    pending_event_on: Mapped[date | None] = mapped_column(Date)
    # Handed to this rep by a manager: shown as such in their digest until they log a contact.
    handed_over_from_rep_id: Mapped[int | None] = mapped_column(
        ForeignKey("reps.id", ondelete="SET NULL")
    )
    handover_note: Mapped[str | None] = mapped_column(Text)
    # Bumped on every change; buttons carry it so stale clicks are recognised.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    owner: Mapped[Rep] = relationship(back_populates="prospects", foreign_keys=[rep_id])
    touches: Mapped[list[Touch]] = relationship(
        back_populates="prospect", order_by="Touch.id", cascade="all, delete-orphan"
    )
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="prospect", order_by="Decision.id", cascade="all, delete-orphan"
    )


class Touch(Base):
    """One logged contact with a prospect."""

    __tablename__ = "touches"
    __table_args__ = (
        Index("ix_touches_rep_on", "rep_id", "touched_on"),
        # Team numbers (bot/team/totals.py, day_totals.py): each day's signature, a rep's
        # revivals and the tries before each, read from the indexes alone (id included for
        # PostgreSQL's index-only scans; SQLite has it in every index anyway).
        Index("ix_touches_rep_outcome_on", "rep_id", "outcome", "touched_on", "prospect_id", "id"),
        Index(
            "ix_touches_prospect_on",
            *("prospect_id", "touched_on", "outcome", "rep_id", "tactic_id", "situation", "id"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("reps.id", ondelete="CASCADE"))
    prospect_id: Mapped[int] = mapped_column(
        ForeignKey("prospects.id", ondelete="CASCADE"), index=True
    )
    tactic_id: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(20))
    situation: Mapped[str] = mapped_column(String(32))  # at the time: for tactic statistics
    learned: Mapped[str | None] = mapped_column(Text)
    successor: Mapped[str | None] = mapped_column(String(200))
    touched_on: Mapped[date] = mapped_column(Date)  # the rep's local date
    # The same click delivered twice (double click, Slack retry) carries the same key.
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime]

    prospect: Mapped[Prospect] = relationship(back_populates="touches")


class Decision(Base):
    """A deliberate walk-away or keep-going answer to a re-evaluation."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("reps.id", ondelete="CASCADE"))
    prospect_id: Mapped[int] = mapped_column(
        ForeignKey("prospects.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    # A manager's decision (reopen, hand over) names who made it, and for a hand-over, to whom.
    by_rep_id: Mapped[int | None] = mapped_column(ForeignKey("reps.id", ondelete="SET NULL"))
    to_rep_id: Mapped[int | None] = mapped_column(ForeignKey("reps.id", ondelete="SET NULL"))
    decided_on: Mapped[date] = mapped_column(Date)
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime]

    prospect: Mapped[Prospect] = relationship(back_populates="decisions")


class EventRecord(Base):
    """A feature shipped or competitor news, announced by someone in the workspace."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(200))
    announced_by: Mapped[str] = mapped_column(String(32))
    happened_on: Mapped[date] = mapped_column(Date)
    resurfaced: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]


class DigestOutbox(Base):
    """One morning digest for one rep and local date: the unit of exactly-once delivery."""

    __tablename__ = "digest_outbox"
    __table_args__ = (
        UniqueConstraint("rep_id", "local_date", "kind"),
        Index("ix_digest_outbox_claim", "status", "lease_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("reps.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)
    # What the row delivers: the morning digest, or a manager's weekly report (same outbox).
    kind: Mapped[str] = mapped_column(String(16), default="digest", server_default="digest")
    status: Mapped[str] = mapped_column(String(16), default=DigestStatus.PENDING.value)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    due_count: Mapped[int | None] = mapped_column(Integer)
    # The prospects the digest listed, so it can be re-rendered in place after each outcome.
    prospect_ids: Mapped[list[int] | None] = mapped_column(JSON)
    channel: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class PostPacing(Base):
    """The next free posting slot per workspace, shared by every sweeping process."""

    __tablename__ = "post_pacing"

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    next_slot_at: Mapped[datetime]


class SeenEvent(Base):
    """An Events API delivery already taken: Slack's retries of it are acknowledged, not redone.

    The primary key is the whole mechanism: the first INSERT of an event id wins, in any
    process, and every later one fails. Rows older than a day are pruned (Slack retries
    for minutes, not days).
    """

    __tablename__ = "seen_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str | None] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(index=True)


class Team(Base):
    """A named group of reps with one or more managers, inside one workspace."""

    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    # Where the weekly report goes instead of each manager's DM (a channel id), if chosen.
    report_channel: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class TeamManager(Base):
    """One manager of one team; a manager may manage several teams."""

    __tablename__ = "team_managers"

    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    rep_id: Mapped[int] = mapped_column(ForeignKey("reps.id", ondelete="CASCADE"), primary_key=True)


class SettingsChange(Base):
    """One change to a workspace setting: who, when, old → new (the coach settings' history)."""

    __tablename__ = "settings_changes"
    __table_args__ = (Index("ix_settings_changes_workspace", "workspace_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    changed_by: Mapped[str] = mapped_column(String(32))  # Slack user id, or "cli"
    changed_at: Mapped[datetime]
    key: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(String(200))
    new_value: Mapped[str | None] = mapped_column(String(200))


class ProspectAnswer(Base):
    """One answered backlog question of a prospect (bot.coach.questions): when, by which
    touch, and what the rep found out. A question is answered once per prospect."""

    __tablename__ = "prospect_answers"
    __table_args__ = (UniqueConstraint("prospect_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    prospect_id: Mapped[int] = mapped_column(ForeignKey("prospects.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(40))
    touch_id: Mapped[int | None] = mapped_column(
        ForeignKey("touches.id", ondelete="SET NULL"), index=True
    )
    answered_on: Mapped[date] = mapped_column(Date)  # the rep's local date
    answer: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class TeamDayTotal(Base):
    """One rep's touches of one day, counted for the team numbers (bot/team/totals.py).

    A cache that checks itself: every read compares the signature (how many touches, the
    highest id, the sum of ids) with the touches table and counts a day again when they
    differ, so a touch written by any path (a click, an import, a restore) is never missed.
    A row with `days` > 1 sums a whole calendar month starting on `day`. `tries` maps
    "tactic_id situation" to the contacts with that pair."""

    __tablename__ = "team_day_totals"

    rep_id: Mapped[int] = mapped_column(
        ForeignKey("reps.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)  # the rep's local date
    days: Mapped[int] = mapped_column(Integer, primary_key=True)  # 1, or a month's length
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    touches: Mapped[int] = mapped_column(Integer)
    max_touch_id: Mapped[int] = mapped_column(Integer)
    touch_id_sum: Mapped[int] = mapped_column(BigInteger)
    contacts: Mapped[int] = mapped_column(Integer)
    learned: Mapped[int] = mapped_column(Integer)
    tries: Mapped[dict[str, Any]] = mapped_column(JSON)
