"""The uploaded file's bytes, from Slack: files.info, then its url_private_download with the
bot token (scope files:read). No transaction is open while this runs.

Slack answers a download it won't serve (a token without files:read, a file the app may not
see) with its sign-in page and a 200: an HTML answer is refused in words, never parsed as a
CSV. The token is only ever sent to Slack's own hosts (or the Web API's host, for a test
server), redirects included.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.imports.reader import MAX_BYTES, ImportRefused

DOWNLOAD_TIMEOUT_SECONDS = 30
SLACK_HOSTS = ("slack.com", "slack-edge.com", "slack-files.com")
REINSTALL = (
    "Ask your Slack admin to reinstall Revive from its manifest (it needs the files:read "
    "scope), then import again."
)


@dataclass(frozen=True, slots=True)
class SlackUpload:
    file_id: str
    name: str
    data: bytes


def fetch_upload(client: WebClient, file_id: str, *, api_url: str) -> SlackUpload:
    """The file's bytes; ImportRefused with what to do when Slack won't hand them over."""
    info = _file_info(client, file_id)
    name = str(info.get("name") or info.get("title") or file_id)
    size = info.get("size")
    if isinstance(size, int) and size > MAX_BYTES:
        raise ImportRefused(
            f"{name} is {size / 1024 / 1024:.1f} MB; Revive imports files up to "
            f"{MAX_BYTES // 1024 // 1024} MB. Split it into smaller files."
        )
    url = info.get("url_private_download") or info.get("url_private")
    if not isinstance(url, str) or not trusted(url, api_url):
        raise ImportRefused(f"Slack gave no download link for {name}. Upload it again.")
    return SlackUpload(file_id, name, download(url, str(client.token or ""), api_url))


def _file_info(client: WebClient, file_id: str) -> dict[str, Any]:
    try:
        answer = client.files_info(file=file_id)
    except SlackApiError as error:
        code = error.response.get("error")
        if code in ("missing_scope", "not_allowed_token_type", "no_permission"):
            raise ImportRefused(
                f"Slack won't let Revive read that file ({code}). {REINSTALL}"
            ) from None
        if code in ("file_not_found", "file_deleted"):
            raise ImportRefused("That file is gone from Slack. Upload it again.") from None
        raise
    file = answer.get("file")
    if not isinstance(file, dict):
        raise ImportRefused("Slack said nothing about that file. Upload it again.")
    return file


def trusted(url: str, api_url: str) -> bool:
    """Slack's own hosts over HTTPS, or the host the Web API is configured at."""
    parts, api = urlsplit(url), urlsplit(api_url)
    host = (parts.hostname or "").lower()
    if parts.scheme == "https" and any(host == h or host.endswith("." + h) for h in SLACK_HOSTS):
        return True
    return (parts.scheme, parts.netloc) == (api.scheme, api.netloc)


def download(url: str, token: str, api_url: str) -> bytes:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    opener = urllib.request.build_opener(_SlackOnlyRedirects(api_url))
    try:
        with opener.open(request, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
            kind = str(response.headers.get("Content-Type") or "")
            data = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise ImportRefused(
            f"Slack would not hand the file over (HTTP {error.code}). Upload it again; if it "
            f"keeps happening: {REINSTALL}"
        ) from None
    if kind.startswith("text/html") or _looks_like_html(data):
        raise ImportRefused(f"Slack sent its sign-in page instead of the file. {REINSTALL}")
    return data


def _looks_like_html(data: bytes) -> bool:
    start = data[:64].lstrip().lower()
    return start.startswith((b"<!doctype html", b"<html"))


class _SlackOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect (with the token) only to where the token may go."""

    def __init__(self, api_url: str) -> None:
        self.api_url = api_url

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> urllib.request.Request | None:
        if not trusted(newurl, self.api_url):
            raise ImportRefused("Slack sent the download somewhere else. Upload it again.")
        return super().redirect_request(req, fp, code, msg, headers, newurl)
