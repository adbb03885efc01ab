"""slack_sdk's OAuth tables (installations, bots, OAuth states) as part of our schema.

slack_sdk's SQLAlchemy stores define these tables themselves; we attach the very same
definitions to our metadata so Alembic creates them (migration 0005) and the models-versus-
migrations test covers them, instead of letting the stores `create_tables()` at run time.
One change: the token columns hold Fernet ciphertext (bot.install.crypto), about twice a
token's length and more than slack_sdk's String(200) for rotating tokens, so they are Text.
"""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, Table, Text

INSTALLATIONS_TABLE = SQLAlchemyInstallationStore.default_installations_table_name
BOTS_TABLE = SQLAlchemyInstallationStore.default_bots_table_name
STATES_TABLE = SQLAlchemyOAuthStateStore.default_table_name
# Columns that hold a secret, per table: encrypted at rest.
TOKEN_COLUMNS = {
    INSTALLATIONS_TABLE: ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token"),
    BOTS_TABLE: ("bot_token", "bot_refresh_token"),
}


def attach(metadata: MetaData) -> dict[str, Table]:
    """Add the three tables to `metadata`; returns them by name."""
    tables = {
        INSTALLATIONS_TABLE: SQLAlchemyInstallationStore.build_installations_table(
            metadata, INSTALLATIONS_TABLE
        ),
        BOTS_TABLE: SQLAlchemyInstallationStore.build_bots_table(metadata, BOTS_TABLE),
        STATES_TABLE: SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, STATES_TABLE),
    }
    for name, columns in TOKEN_COLUMNS.items():
        for column in columns:
            tables[name].c[column].type = Text()
    return tables
