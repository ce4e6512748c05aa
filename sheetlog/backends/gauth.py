"""Google credentials and a bounded, logged, jittered retrying HTTP client for gspread.

gspread 6.2.1's ``BackOffHTTPClient`` has no working retry cap, no jitter and
no default timeout; ``RetryingHTTPClient`` keeps gspread's endpoint methods and
replaces only ``request`` with Google's advice: truncated exponential back-off
``min(2**n + random, cap)``, a fixed number of attempts, a timeout on every call.
"""

from __future__ import annotations

import json
import logging
import os
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from google.auth.credentials import Credentials
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account
from gspread.auth import DEFAULT_AUTHORIZED_USER_FILENAME, DEFAULT_SERVICE_ACCOUNT_FILENAME
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

from ..errors import AccessError

logger = logging.getLogger("sheetlog")

SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
DRIVE_FILE_SCOPE = "https://www.googleapis.com/auth/drive.file"
DEFAULT_TIMEOUT = (10.0, 180.0)  # connect, read: Google abandons a request after 180 s


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry a throttled or failed request."""

    attempts: int = 6
    base: float = 1.0
    cap: float = 32.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based), with jitter."""
        return float(min(self.base * 2 ** (attempt - 1) + random.uniform(0, 1), self.cap))


RETRY = RetryPolicy()


def sleep(seconds: float) -> None:
    """Wait between retries (tests replace this)."""
    time.sleep(seconds)


class RetryingHTTPClient(HTTPClient):
    """gspread's HTTP client with bounded retries.

    429 is retried on every method: Google refuses it before doing anything.
    5xx, 408 and network errors are retried only on GET; a write whose reply is
    lost may have been applied, so it is raised for the caller to check its receipt.
    """

    policy: RetryPolicy = RETRY

    def __init__(self, auth: Credentials, session: requests.Session | None = None) -> None:
        super().__init__(auth, session)
        self.timeout = DEFAULT_TIMEOUT

    def request(self, method: str, endpoint: str, *args: Any, **kwargs: Any) -> requests.Response:
        attempt = 0
        while True:
            attempt += 1
            try:
                return super().request(method, endpoint, *args, **kwargs)
            except APIError as exc:
                code = exc.code
                retryable = code == 429 or (
                    method.lower() == "get" and (code >= 500 or code == 408)
                )
                if not retryable or attempt >= self.policy.attempts:
                    raise
                reason: str = f"HTTP {code}"
            except (requests.Timeout, requests.ConnectionError) as exc:
                if method.lower() != "get" or attempt >= self.policy.attempts:
                    raise
                reason = type(exc).__name__
            wait = self.policy.delay(attempt)
            logger.warning(
                "Google answered %s to %s %s; retry %d of %d in %.1f s",
                reason,
                method.upper(),
                endpoint.split("?")[0],
                attempt,
                self.policy.attempts - 1,
                wait,
            )
            sleep(wait)


def credential_places(explicit: str | os.PathLike[str] | None) -> list[tuple[str, Path]]:
    """Where credentials are looked for, in order: (how it was named, path)."""
    places: list[tuple[str, Path]] = []
    if explicit:
        places.append(("--credentials", Path(explicit)))
    for variable in ("SHEETLOG_CREDENTIALS", "GOOGLE_APPLICATION_CREDENTIALS"):
        places.append((f"${variable}", Path(os.environ.get(variable, ""))))
    places.append(("gspread's default service account", DEFAULT_SERVICE_ACCOUNT_FILENAME))
    places.append(("gspread's default authorized user", DEFAULT_AUTHORIZED_USER_FILENAME))
    return places


def load_credentials(
    explicit: str | os.PathLike[str] | None, scopes: Sequence[str]
) -> tuple[Credentials, str]:
    """The first credentials found, with who they act as (for access error messages)."""
    looked: list[str] = []
    for how, path in credential_places(explicit):
        path = path.expanduser()
        if str(path) == ".":
            looked.append(f"{how} (not set)")
            continue
        if not path.is_file():
            looked.append(f"{how} ({path}: no such file)")
            continue
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise AccessError(f"{how} ({path}) is not a readable JSON key file: {exc}") from exc
        return credentials_from_info(info, scopes, str(path))
    raise AccessError(
        "no Google credentials found; looked in: "
        + "; ".join(looked)
        + ". Pass --credentials KEY.json or set SHEETLOG_CREDENTIALS (see README: Google access)"
    )


def credentials_from_info(
    info: dict[str, Any], scopes: Sequence[str], source: str
) -> tuple[Credentials, str]:
    """Build credentials from a parsed service-account or authorized-user key."""
    kind = info.get("type")
    try:
        if kind == "service_account":
            creds = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
                info, scopes=scopes
            )
            return creds, str(info.get("client_email", "the service account"))
        if kind == "authorized_user":
            user = user_credentials.Credentials.from_authorized_user_info(  # type: ignore[no-untyped-call]
                info, scopes=scopes
            )
            return user, "the signed-in Google user"
    except (ValueError, KeyError) as exc:
        raise AccessError(f"{source}: incomplete {kind} key: {exc}") from exc
    raise AccessError(
        f'{source}: unsupported credentials type "{kind}";'
        ' expected "service_account" or "authorized_user"'
    )
