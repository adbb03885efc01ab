"""`revive keys new` prints a fresh Fernet key; `revive keys rotate` re-encrypts every stored
token under the first key of REVIVE_ENCRYPTION_KEY.

Rotating a key: put the new key first, keep the old one after it
(REVIVE_ENCRYPTION_KEY=new,old), restart Revive, run `revive keys rotate`, then drop the old
key and restart again. Rotation runs in one transaction: all rows move, or none.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

from sqlalchemy import Engine, Table, select, update

from bot.install.config import NEW_KEY_HOW
from bot.install.crypto import TokenCipher, UnreadableToken, new_key
from bot.settings import ConfigError, Settings
from store.models import OAUTH_TABLES
from store.oauth_tables import TOKEN_COLUMNS


def add_keys_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = commands.add_parser("keys", help="encryption keys of the stored Slack tokens")
    keys_commands = keys.add_subparsers(dest="keys_command", required=True, metavar="KEYS_COMMAND")
    keys_commands.add_parser("new", help="print a fresh key for REVIVE_ENCRYPTION_KEY")
    keys_commands.add_parser(
        "rotate",
        help="re-encrypt every stored token under the first key of REVIVE_ENCRYPTION_KEY "
        "(set it to new,old first)",
    )


@dataclass(frozen=True, slots=True)
class Rotated:
    rows: int
    tokens: int


def run_keys(settings: Settings, args: argparse.Namespace, engine: Engine) -> int:
    if args.keys_command == "new":
        print(new_key())
        return 0
    keys = settings.oauth.encryption_keys if settings.oauth else ()
    if not keys:
        raise ConfigError(
            "Revive cannot rotate keys: REVIVE_ENCRYPTION_KEY is not set (or OAuth mode is "
            f"off: SLACK_CLIENT_ID and SLACK_CLIENT_SECRET); {NEW_KEY_HOW}."
        )
    try:
        done = rotate_tokens(engine, TokenCipher(keys))
    except UnreadableToken as error:
        print(
            f"Nothing rotated: {error}. Keep every key the tokens were stored under in "
            "REVIVE_ENCRYPTION_KEY, after the new one.",
            file=sys.stderr,
        )
        return 2
    print(f"Re-encrypted {done.tokens} token(s) in {done.rows} row(s) under the first key.")
    return 0


def rotate_tokens(engine: Engine, cipher: TokenCipher) -> Rotated:
    """Every token column of the installation and bot tables, under the first key."""
    rows = tokens = 0
    with engine.begin() as connection:
        for name, columns in TOKEN_COLUMNS.items():
            table: Table = OAUTH_TABLES[name]
            found = connection.execute(select(table.c.id, *(table.c[c] for c in columns)))
            for row in found.all():
                values = {c: cipher.rotate(v) for c, v in zip(columns, row[1:], strict=True) if v}
                if values:
                    connection.execute(update(table).where(table.c.id == row.id).values(**values))
                    rows, tokens = rows + 1, tokens + len(values)
    return Rotated(rows=rows, tokens=tokens)
