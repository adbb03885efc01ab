"""Every action_id, block_id and callback_id, and the one codec for button values.

Handlers match on these constants and builders emit them; nothing else
spells an id. Button values carry the prospect id and its version so a
double click or a stale message is recognised.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, fields
from typing import Any

from bot.errors import UserError
from bot.parsing.clean import clean_payload

# --- slash command and modals (callback_id) ---
ADD_MODAL = "revive_add"
OUTCOME_MODAL = "revive_outcome"
SNOOZE_MODAL = "revive_snooze"
WALK_AWAY_MODAL = "revive_walk_away"
DETAILS_MODAL = "revive_details"
SETTINGS_MODAL = "revive_settings"
TEAM_MODAL = "revive_team"  # New team / Edit team (admins)
HAND_OVER_MODAL = "revive_hand_over"  # the manager picks a fresh voice for a walk-away
COACH_SETTINGS_MODAL = "revive_coach_settings"  # managers: the workspace's coach settings

# --- buttons and menus (action_id); regexes where the id carries a suffix ---
TACTIC = "revive_tactic"  # opens the tactic card + outcome form
TACTIC_PATTERN = re.compile(r"^revive_tactic(:\d+)?$")
NO_REPLY = "revive_no_reply"  # one-click outcome on the digest
# Overflow menu: snooze 1 week / pick a date / walk away / details.
PROSPECT_MENU = "revive_prospect_menu"
MENU_SNOOZE_WEEK = "snooze_week"
MENU_SNOOZE_PICK = "snooze_pick"
MENU_WALK_AWAY = "walk_away"
MENU_DETAILS = "details"
DECIDE_WALK_AWAY = "revive_decide_walk_away"  # static_select of reasons on the re-evaluate card
DECIDE_KEEP_GOING = "revive_decide_keep_going"
ADD_ANYWAY = "revive_add_anyway"  # duplicate prompt
ADD_CANCEL = "revive_add_cancel"
HOME_ADD = "revive_home_add"
HOME_SETTINGS = "revive_home_settings"
HOME_TEAM_NEW = "revive_home_team_new"
HOME_TEAM_EDIT = "revive_home_team_edit"  # value: the team id (encode_team_value)
HOME_COACH_SETTINGS = "revive_home_coach_settings"  # the manager Home's button
HOME_COACH_SETTINGS_BLOCK = "home_coach_settings"
OUTCOME_SELECT = "revive_outcome_select"
REEVALUATE_BLOCK = "revive_reevaluate"  # the re-evaluate card's buttons
# "Did you mean …?" buttons after news that names nothing on file: ":<n>" per button.
DID_YOU_MEAN = "revive_did_you_mean"
DID_YOU_MEAN_PATTERN = re.compile(r"^revive_did_you_mean(:\d+)?$")
DID_YOU_MEAN_BLOCK = "revive_did_you_mean"
# The manager's walk-away review on the Home: one actions block per walk-away ("<block>:<id>").
REVIEW_BLOCK = "revive_review"
REVIEW_REOPEN = "revive_review_reopen"
REVIEW_HAND_OVER = "revive_review_hand_over"

# --- modal inputs (block_id / action_id pairs share the name) ---
IN_NAME = "name"
IN_COMPANY = "company"
IN_SITUATION = "situation"
IN_EMAIL = "email"
IN_PHONE = "phone"
IN_REASON = "stated_reason"
IN_COMPETITOR = "competitor"
IN_FEATURE = "missing_feature"
IN_CONTRACT_END = "contract_end"
IN_DECIDED_ON = "decision_date"
IN_PROPOSAL_SENT = "proposal_sent_on"
IN_PROPOSAL_EXPIRES = "proposal_expires_on"
IN_REFERRER = "referrer"
IN_NOTE = "note"
IN_ADD_ANYWAY = "add_anyway"
IN_OUTCOME = "outcome"
IN_LEARNED = "learned"
IN_SUCCESSOR = "successor"
IN_NEXT_DATE = "next_date"
IN_WALK_REASON = "walk_reason"
IN_SNOOZE_DATE = "snooze_date"
IN_REMINDER_TIME = "reminder_time"
IN_WORKDAYS = "workdays"
IN_PAUSED_UNTIL = "paused_until"
IN_DO_NOT_CONTACT = "do_not_contact"  # the details modal's final mark
IN_TEAM_NAME = "team_name"
IN_TEAM_MANAGERS = "team_managers"
IN_TEAM_REPS = "team_reps"
IN_TEAM_DELETE = "team_delete"
IN_TEAM_CHANNEL = "team_report_channel"
IN_NEW_REP = "new_rep"
IN_HANDOVER_NOTE = "handover_note"
# The coach settings modal: one input per CoachSettings field, "coach:<field name>".
IN_COACH_SETTING_PREFIX = "coach:"
IN_DEFAULT_TZ = "default_tz"
IN_DEFAULT_REMINDER_TIME = "default_reminder_time"

# --- message metadata (the digest carries it so a crash cannot double-post) ---
DIGEST_EVENT_TYPE = "revive_digest"
WEEKLY_REPORT_EVENT_TYPE = "revive_weekly_report"  # a manager's weekly report summary

SLACK_VALUE_MAX = 2000
PRIVATE_METADATA_MAX = 3000

STALE = UserError(
    "That button is from an old message. Type `/revive list` to see where things stand."
)
STALE_HOME = UserError("That button is from an older Home tab. Open Revive's Home tab again.")


def prospect_block_id(prospect_id: int, part: str) -> str:
    return f"p{prospect_id}:{part}"


@dataclass(frozen=True, slots=True)
class ActionValue:
    """What a button or menu option carries: always a prospect and its version."""

    prospect_id: int
    version: int
    tactic_id: str | None = None
    option: str | None = None  # which overflow item, or a reason
    on: str | None = None  # the digest's local date (ISO), to refresh it in place


def encode_value(value: ActionValue) -> str:
    # A digest carries ~70 of these: a field loop, not dataclasses.asdict's deep copy.
    data = {name: getattr(value, name) for name in _VALUE_FIELDS}
    data = {name: v for name, v in data.items() if v is not None}
    text = json.dumps(data, separators=(",", ":"), sort_keys=True)
    if len(text) > SLACK_VALUE_MAX:
        raise ValueError("button value over Slack's 2000-character limit")
    return text


_VALUE_FIELDS = tuple(f.name for f in fields(ActionValue))


def decode_value(text: str | None) -> ActionValue:
    """Parse a value from Slack; anything forged or malformed is a stale-button refusal.

    Its strings are cleaned once decoded (JSON carries a NUL as an escape, not a byte)."""
    try:
        data = clean_payload(json.loads(text or ""))
    except json.JSONDecodeError:
        raise STALE from None
    if not isinstance(data, dict):
        raise STALE
    if set(data) - set(_VALUE_FIELDS) or not _positive_int(data.get("prospect_id")):
        raise STALE
    if not _positive_int(data.get("version")):
        raise STALE
    for key in ("tactic_id", "option", "on"):
        if key in data and not (isinstance(data[key], str) and len(data[key]) <= 64):
            raise STALE
    return ActionValue(**data)


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


@dataclass(frozen=True, slots=True)
class ModalMeta:
    """private_metadata of every Revive modal: where it came from and what it is about."""

    prospect_id: int | None = None
    version: int | None = None
    tactic_id: str | None = None
    on: str | None = None  # digest local date (ISO) to refresh after submit
    channel_id: str | None = None  # where to answer (ephemeral / DM)
    text: str | None = None  # the quick-add text that opened the add modal
    confirm_duplicate: bool = False
    message_ts: str | None = None  # the digest message to refresh after submit
    shown: str | None = None  # that digest's prospect ids and Home count: "12,13+4"
    proposed: str | None = None  # the next date the coach prefilled (ISO)
    team_id: int | None = None  # the team an Edit team modal is about


def encode_meta(meta: ModalMeta) -> str:
    data = {k: v for k, v in asdict(meta).items() if v not in (None, False)}
    text = json.dumps(data, separators=(",", ":"), sort_keys=True)
    if len(text) > PRIVATE_METADATA_MAX:
        # Only the free text can be long; drop it rather than fail the modal.
        data.pop("text", None)
        text = json.dumps(data, separators=(",", ":"), sort_keys=True)
    return text


def decode_meta(text: str | None) -> ModalMeta:
    if not text:
        return ModalMeta()
    try:
        data = clean_payload(json.loads(text))
    except json.JSONDecodeError:
        raise STALE from None
    names = {f.name for f in fields(ModalMeta)}
    if not isinstance(data, dict) or set(data) - names:
        raise STALE
    for key in ("prospect_id", "version", "team_id"):
        if key in data and not _positive_int(data[key]):
            raise STALE
    return ModalMeta(**data)


def encode_team_value(team_id: int) -> str:
    """The Home's Edit button value: the team's id."""
    return str(team_id)


def decode_team_value(text: str | None) -> int:
    """A team id from a Home button; anything forged or malformed is refused as stale."""
    if not text or len(text) > 12 or not text.isascii() or not text.isdigit():
        raise STALE_HOME
    team_id = int(text)
    if team_id <= 0:
        raise STALE_HOME
    return team_id


# --- CSV import (bot/imports): the modal, the preview's buttons, what they carry ---------
IMPORT_MODAL = "revive_import"
IN_IMPORT_FILE = "import_file"  # file_input
IN_IMPORT_DATES = "import_dates"  # how 03/04/2026 reads: auto, mdy, dmy
IMPORT_CONFIRM = "revive_import_confirm"  # "Import N ready"
IMPORT_CANCEL = "revive_import_cancel"
IMPORT_DATE_ORDERS = ("auto", "mdy", "dmy")
_FILE_ID = re.compile(r"F[A-Z0-9]{2,40}")
_DIGEST = re.compile(r"[0-9a-f]{16}")


@dataclass(frozen=True, slots=True)
class ImportValue:
    """The preview's Import button: the Slack file (downloaded again on the click, so nothing
    is kept between the two), the date order chosen, and the digest of the bytes previewed."""

    file_id: str
    dates: str = "auto"
    digest: str | None = None


def encode_import_value(value: ImportValue) -> str:
    data = {"f": value.file_id, "d": value.dates, "h": value.digest}
    return json.dumps({k: v for k, v in data.items() if v}, separators=(",", ":"))


def decode_import_value(text: str | None) -> ImportValue:
    """The inverse; anything forged or malformed is a stale-button refusal."""
    try:
        data = clean_payload(json.loads(text or ""))
    except json.JSONDecodeError:
        raise STALE from None
    if not isinstance(data, dict) or set(data) - {"f", "d", "h"}:
        raise STALE
    file_id, dates, digest = data.get("f"), data.get("d", "auto"), data.get("h")
    if not isinstance(file_id, str) or not _FILE_ID.fullmatch(file_id):
        raise STALE
    if dates not in IMPORT_DATE_ORDERS:
        raise STALE
    if digest is not None and not (isinstance(digest, str) and _DIGEST.fullmatch(digest)):
        raise STALE
    return ImportValue(file_id, dates, digest)
