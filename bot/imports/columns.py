"""Our own export's CSV columns: defined once, written by the exporter, read by the importer.

`EXPORT_HEADERS` is the header row in order; `EXPORT_FIELDS` maps each header to the
prospect attribute it carries. Owner (the rep's Slack user id) and the walk-away's reason
and day (from the prospect's latest walk-away decision) are not prospect attributes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EXPORT_HEADERS: tuple[str, ...] = (
    "Name",
    "Company",
    "Email",
    "Phone",
    "Situation",
    "Stated reason",
    "Competitor",
    "Missing feature",
    "Contract end",
    "Decision date",
    "Proposal sent",
    "Proposal expires",
    "Referrer",
    "Note",
    "Status",
    "Next touch",
    "Last touch",
    "Last learned",
    "Walk-away reason",
    "Walked away on",
    "Do not contact",
    "Owner",
)

# Header → Prospect attribute; "Owner" is special (the owner's Slack user id).
EXPORT_FIELDS: dict[str, str] = {
    "Name": "name",
    "Company": "company",
    "Email": "email",
    "Phone": "phone",
    "Situation": "situation",
    "Stated reason": "stated_reason",
    "Competitor": "competitor",
    "Missing feature": "missing_feature",
    "Contract end": "contract_end",
    "Decision date": "decision_date",
    "Proposal sent": "proposal_sent_on",
    "Proposal expires": "proposal_expires_on",
    "Referrer": "referrer",
    "Note": "note",
    "Status": "status",
    "Next touch": "next_touch_on",
    "Last touch": "last_touch_on",
    "Last learned": "last_learned",
    "Do not contact": "do_not_contact",
}
OWNER_HEADER = "Owner"
# The latest walk-away decision of a walked-away prospect: its reason and its day.
WALK_AWAY_REASON_HEADER = "Walk-away reason"
WALKED_AWAY_ON_HEADER = "Walked away on"
# How a true flag is written ("" for false): a word a spreadsheet leaves alone.
YES = "yes"
# Headers whose cells are ISO dates (YYYY-MM-DD).
DATE_HEADERS: frozenset[str] = frozenset(
    {
        "Contract end",
        "Decision date",
        "Proposal sent",
        "Proposal expires",
        "Next touch",
        "Last touch",
        "Walked away on",
    }
)

# A spreadsheet runs a cell starting with one of these as a formula: the exporter writes
# such cells with a leading apostrophe, and the importer takes it off again.
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@")


def guard_cell(text: str) -> str:
    """`text` made inert for spreadsheets: a leading ' before a formula start.

    A value that already starts with apostrophes before a formula start gets one more, so
    `unguard_cell` gives back exactly what was exported.
    """
    return "'" + text if text.lstrip("'").startswith(FORMULA_STARTS) else text


def unguard_cell(text: str) -> str:
    """The value `guard_cell` protected: one leading ' taken off again, nothing else."""
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_STARTS):
        return text[1:]
    return text


# --- the importer's header table ----------------------------------------------------------
# Every column name an imported file may use (Revive's own export, HubSpot, Salesforce,
# Pipedrive, plain spreadsheets) and the field each fills. Headers match whatever their case,
# spacing and punctuation: "Deal - Lost reason", "deal lost reason" and "DEAL_LOST_REASON"
# are one column. Several columns may fill one field (HubSpot's "Lead Status" and "Deal
# Stage" are both statuses): a row reads the first of them that is not empty.
# docs/import.md shows this table for people; a test keeps the two in step.

# The fields a column can fill. Most are NewProspect's own; the others are read by
# bot.imports.rows into one (first + last name → name, a status → the situation, …).
FIRST_NAME = "first_name"
LAST_NAME = "last_name"
NAME = "name"
COMPANY = "company"
EMAIL = "email"
PHONE = "phone"
SITUATION = "situation"
STATUS = "status"  # a CRM's lead status, deal stage or deal status
LOST_REASON = "lost_reason"
STATED_REASON = "stated_reason"
COMPETITOR = "competitor"
MISSING_FEATURE = "missing_feature"
CONTRACT_END = "contract_end"
DECISION_DATE = "decision_date"  # our own column, a close date, a deal's lost time
LAST_ACTIVITY = "last_activity"
PROPOSAL_SENT_ON = "proposal_sent_on"
PROPOSAL_EXPIRES_ON = "proposal_expires_on"
REFERRER = "referrer"
NOTE = "note"
OWNER = "owner"
# Only Revive's own export has these: where the coach stands with each prospect. A file with
# any of them is read as our export (bot.imports.history): its Status is Revive's own.
NEXT_TOUCH = "next_touch"
LAST_TOUCH = "last_touch"
LAST_LEARNED = "last_learned"
WALK_AWAY_REASON = "walk_away_reason"
WALKED_AWAY_ON = "walked_away_on"
DO_NOT_CONTACT = "do_not_contact"
HISTORY_FIELDS = (NEXT_TOUCH, LAST_TOUCH, LAST_LEARNED, WALK_AWAY_REASON, WALKED_AWAY_ON,
                  DO_NOT_CONTACT)  # fmt: skip

# Our export's prospect attributes → the field each fills on import.
_EXPORT_FIELD: dict[str, str] = {
    "name": NAME, "company": COMPANY, "email": EMAIL, "phone": PHONE, "situation": SITUATION,
    "stated_reason": STATED_REASON, "competitor": COMPETITOR,
    "missing_feature": MISSING_FEATURE, "contract_end": CONTRACT_END,
    "decision_date": DECISION_DATE, "proposal_sent_on": PROPOSAL_SENT_ON,
    "proposal_expires_on": PROPOSAL_EXPIRES_ON, "referrer": REFERRER, "note": NOTE,
    "status": STATUS, "next_touch_on": NEXT_TOUCH, "last_touch_on": LAST_TOUCH,
    "last_learned": LAST_LEARNED, "do_not_contact": DO_NOT_CONTACT,
}

IMPORT_DATE_FIELDS = (
    CONTRACT_END, DECISION_DATE, LAST_ACTIVITY, PROPOSAL_SENT_ON, PROPOSAL_EXPIRES_ON,
    NEXT_TOUCH, LAST_TOUCH, WALKED_AWAY_ON,
)

# (source, header as that source writes it, field). Within a field, the file's own column
# order decides which column a row reads first.
HEADERS: tuple[tuple[str, str, str], ...] = (
    # Revive's own export (EXPORT_HEADERS above), then the add form's words.
    *(("Revive", header, _EXPORT_FIELD[attribute]) for header, attribute in
      EXPORT_FIELDS.items() if attribute in _EXPORT_FIELD),
    ("Revive", WALK_AWAY_REASON_HEADER, WALK_AWAY_REASON),
    ("Revive", WALKED_AWAY_ON_HEADER, WALKED_AWAY_ON),
    ("Revive", OWNER_HEADER, OWNER),
    ("Revive", "What they said", STATED_REASON),
    ("Revive", "Decided on", DECISION_DATE),
    ("Revive", "Proposal sent on", PROPOSAL_SENT_ON),
    ("Revive", "Proposal expires on", PROPOSAL_EXPIRES_ON),
    # HubSpot (contacts and deals exports).
    ("HubSpot", "First Name", FIRST_NAME),
    ("HubSpot", "Last Name", LAST_NAME),
    ("HubSpot", "Email", EMAIL),
    ("HubSpot", "Company Name", COMPANY),
    ("HubSpot", "Phone Number", PHONE),
    ("HubSpot", "Lead Status", STATUS),
    ("HubSpot", "Deal Stage", STATUS),
    ("HubSpot", "Closed Lost Reason", LOST_REASON),
    ("HubSpot", "Close Date", DECISION_DATE),
    ("HubSpot", "Last Activity Date", LAST_ACTIVITY),
    ("HubSpot", "Contact owner", OWNER),
    # Salesforce reports.
    ("Salesforce", "First Name", FIRST_NAME),
    ("Salesforce", "Last Name", LAST_NAME),
    ("Salesforce", "Account Name", COMPANY),
    ("Salesforce", "Email", EMAIL),
    ("Salesforce", "Phone", PHONE),
    ("Salesforce", "Stage", STATUS),
    ("Salesforce", "Loss Reason", LOST_REASON),
    ("Salesforce", "Last Activity", LAST_ACTIVITY),
    ("Salesforce", "Close Date", DECISION_DATE),
    ("Salesforce", "Owner Name", OWNER),
    # Pipedrive (deals export with the person and organization fields).
    ("Pipedrive", "Person - Name", NAME),
    ("Pipedrive", "Organization - Name", COMPANY),
    ("Pipedrive", "Person - Email", EMAIL),
    ("Pipedrive", "Person - Phone", PHONE),
    ("Pipedrive", "Deal - Status", STATUS),
    ("Pipedrive", "Deal - Lost reason", LOST_REASON),
    ("Pipedrive", "Deal - Lost time", DECISION_DATE),
    ("Pipedrive", "Deal - Owner", OWNER),
    # Plain spreadsheets.
    ("any", "Full Name", NAME),
    ("any", "Contact Name", NAME),
    ("any", "Contact", NAME),
    ("any", "Account", COMPANY),
    ("any", "Organization", COMPANY),
    ("any", "Organisation", COMPANY),
    ("any", "Email Address", EMAIL),
    ("any", "E-mail", EMAIL),
    ("any", "Status", STATUS),
    ("any", "Lost Reason", LOST_REASON),
    ("any", "Reason", LOST_REASON),
    ("any", "Notes", NOTE),
)


def header_key(header: str) -> str:
    """Case, spacing and punctuation dropped: "Deal - Lost reason" → "deallostreason"."""
    return re.sub(r"[\W_]+", "", header.casefold())


def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    for _source, header, field in HEADERS:
        key = header_key(header)
        if table.setdefault(key, field) != field:
            raise ValueError(f"{header!r} names two fields: {table[key]} and {field}")
    return table


FIELD_OF: dict[str, str] = _table()


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """Which columns of one file fill which field, and the ones nobody reads."""

    fields: dict[str, tuple[int, ...]]  # field → column indexes, in file order
    ignored: tuple[str, ...]  # headers not recognised (or set aside by the caller)

    def has(self, field: str) -> bool:
        return bool(self.fields.get(field))

    def headers_of(self, field: str, headers: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(headers[i] for i in self.fields.get(field, ()))


def map_columns(headers: tuple[str, ...] | list[str]) -> ColumnMap:
    """Each header's field; an empty header or an unknown one is ignored."""
    fields: dict[str, list[int]] = {}
    ignored: list[str] = []
    for index, header in enumerate(headers):
        field = FIELD_OF.get(header_key(header))
        if field is None:
            if header.strip():
                ignored.append(header.strip())
            continue
        fields.setdefault(field, []).append(index)
    return ColumnMap({f: tuple(i) for f, i in fields.items()}, tuple(ignored))


def without(columns: ColumnMap, field: str, headers: tuple[str, ...], why: str) -> ColumnMap:
    """The same map with `field`'s columns set aside, each listed as ignored with `why`."""
    if not columns.has(field):
        return columns
    set_aside = tuple(f"{h} ({why})" for h in columns.headers_of(field, headers))
    kept = {f: i for f, i in columns.fields.items() if f != field}
    return ColumnMap(kept, columns.ignored + set_aside)
