"""Distribution to many workspaces (issue 15): Bolt's OAuth flow over slack_sdk's SQLAlchemy
stores in our database, tokens encrypted at rest, org-wide Grid requests answered quietly.

config.py   the OAuth variables (SLACK_CLIENT_ID …, REVIVE_ENCRYPTION_KEY), read once
crypto.py   Fernet keys: parse, encrypt, decrypt, rotate
store.py    the encrypting wrapper around slack_sdk's SQLAlchemyInstallationStore
oauth.py    OAuthSettings and the OAuth flow; org-wide installs refused with a clear page
tokens.py   a workspace's bot token for the sweep, refreshed when it is about to expire
grid.py     org-wide (Enterprise Grid) requests: a quiet answer, never a traceback
keys.py     `revive keys new | rotate`
"""
