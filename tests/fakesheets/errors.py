"""Google-shaped API errors raised by the fake's handlers."""

from __future__ import annotations

from typing import Any

STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
}

MESSAGES = {
    400: "Request contains an invalid argument.",
    403: "The caller does not have permission",
    404: "Requested entity was not found.",
    429: "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute "
    "per user' of service 'sheets.googleapis.com' for consumer 'project_number:0'.",
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
}


class ApiError(Exception):
    """An error answered to the client as ``{"error": {code, message, status}}``."""

    def __init__(self, code: int, message: str | None = None, reason: str | None = None) -> None:
        self.code = code
        self.message = message or MESSAGES.get(code, "Error")
        self.reason = reason  # Drive's legacy ``errors[0].reason`` (default: by code)
        super().__init__(f"{code} {self.message}")

    def body(self, drive: bool = False) -> dict[str, Any]:
        """The JSON error body; Drive adds the legacy ``errors`` list."""
        err: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "status": STATUS.get(self.code, "UNKNOWN"),
        }
        if drive:
            reason = {403: "insufficientFilePermissions", 404: "notFound", 429: "rateLimitExceeded"}
            err["errors"] = [
                {
                    "domain": "global",
                    "reason": self.reason or reason.get(self.code, "badRequest"),
                    "message": self.message,
                }
            ]
        return {"error": err}


class Invalid(ApiError):
    """HTTP 400 INVALID_ARGUMENT."""

    def __init__(self, message: str) -> None:
        super().__init__(400, message)
