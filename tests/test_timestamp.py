"""RFC 3161 timestamps against a real TSA (``openssl ts -reply`` on a local port)."""

from __future__ import annotations

import re
import socket
import time
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from sheetlog.errors import BackendError
from sheetlog.model.timestamp import check_timestamp, request_timestamp
from tests.tsa import TSA, make_ca, openssl, serve

DATA = b"ticket 42: customer called about the invoice\n"
# A TimeStampResp that refuses: status rejection (2), statusString "bad algorithm".
REJECTION = bytes.fromhex("3016301402010230 0f0c0d62616420616c676f726974686d".replace(" ", ""))


def test_round_trip(tsa: TSA) -> None:
    token = request_timestamp(DATA, tsa.url)
    stamped = check_timestamp(token, DATA, tsa.roots_pem)
    assert stamped.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - stamped) < timedelta(minutes=1)
    assert check_timestamp(token, DATA) == stamped  # without roots: the claimed time, unverified
    assert tsa.requests == 1


def test_openssl_verifies_the_token(tsa: TSA, tmp_path: Path) -> None:
    """A second implementation reads the bytes as a TimeStampToken and verifies them."""
    token, data, other = tmp_path / "token.der", tmp_path / "data", tmp_path / "other"
    token.write_bytes(request_timestamp(DATA, tsa.url))
    data.write_bytes(DATA)
    other.write_bytes(DATA + b"!")
    verify = ("ts", "-verify", "-in", token, "-token_in", "-CAfile", tsa.ca)
    assert b"Verification: OK" in openssl(*verify, "-data", data).stdout
    assert openssl(*verify, "-data", other, check=False).returncode != 0


def test_token_over_other_data_fails(tsa: TSA) -> None:
    token = request_timestamp(DATA, tsa.url)
    with pytest.raises(ValueError, match="other data"):
        check_timestamp(token, DATA + b"!", tsa.roots_pem)
    with pytest.raises(ValueError, match="other data"):
        check_timestamp(token, DATA + b"!")


def test_token_from_another_ca_fails(tsa: TSA, tmp_path: Path) -> None:
    token = request_timestamp(DATA, tsa.url)
    stranger = make_ca(tmp_path / "stranger", "Stranger CA").read_bytes()
    with pytest.raises(ValueError, match="does not verify against roots_pem"):
        check_timestamp(token, DATA, stranger)
    check_timestamp(token, DATA, stranger + tsa.roots_pem)  # the right CA among others passes


def test_tampered_signature_fails_only_with_roots(tsa: TSA) -> None:
    token = request_timestamp(DATA, tsa.url)
    tampered = token[:-1] + bytes([token[-1] ^ 1])  # the last byte of the ECDSA signature
    check_timestamp(tampered, DATA)  # parses and claims a time ...
    with pytest.raises(ValueError, match="does not verify"):
        check_timestamp(tampered, DATA, tsa.roots_pem)  # ... that nothing vouches for


@pytest.mark.parametrize(
    ("token", "roots", "reason"),
    [
        (b"", None, "not a DER RFC 3161 TimeStampToken"),
        (b"\x30\x03\x02\x01\x00", None, "not a DER RFC 3161 TimeStampToken"),
        (REJECTION, None, "not a DER RFC 3161 TimeStampToken"),
        (None, b"not a certificate", "roots_pem holds no usable PEM certificate"),
    ],
    ids=["empty", "status-only", "whole-response", "bad-roots"],
)
def test_unusable_input_is_a_value_error(
    tsa: TSA, token: bytes | None, roots: bytes | None, reason: str
) -> None:
    if token is None:
        token = request_timestamp(DATA, tsa.url)
    with pytest.raises(ValueError, match=reason):
        check_timestamp(token, DATA, roots)


def test_nothing_listening_is_a_backend_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/tsr"
    started = time.monotonic()
    with pytest.raises(BackendError, match="cannot connect") as caught:
        request_timestamp(DATA, url, timeout=5)
    assert time.monotonic() - started < 2
    assert url in str(caught.value)
    assert "\n" not in str(caught.value)
    assert isinstance(caught.value.__cause__, OSError)


def answering(status: int, body: bytes) -> type[BaseHTTPRequestHandler]:
    """A server that answers every POST with ``status`` and ``body``."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(status)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    return Handler


@pytest.mark.parametrize(
    ("status", "body", "problem"),
    [
        (500, b"boom", "HTTP 500"),
        (200, b"<html>not a timestamp</html>", "is not a DER TimeStampResp"),
        (200, REJECTION, "not granted (status rejection): bad algorithm"),
    ],
    ids=["http-500", "not-der", "rejection"],
)
def test_bad_reply_is_a_backend_error(status: int, body: bytes, problem: str) -> None:
    with serve(answering(status, body)) as base:
        url = f"{base}/tsr"
        with pytest.raises(BackendError, match=re.escape(problem)) as caught:
            request_timestamp(DATA, url, timeout=5)
    assert url in str(caught.value)
    assert "\n" not in str(caught.value)


def replaying(tsa: TSA) -> type[BaseHTTPRequestHandler]:
    """A server that passes the first query to ``tsa`` and answers every query with its reply."""
    replies: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            query = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if not replies:
                forward = urllib.request.Request(
                    tsa.url, data=query, headers={"Content-Type": "application/timestamp-query"}
                )
                with urllib.request.urlopen(forward, timeout=5) as reply:
                    replies.append(reply.read())
            self.send_response(200)
            self.send_header("Content-Length", str(len(replies[0])))
            self.end_headers()
            self.wfile.write(replies[0])

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    return Handler


def test_replayed_reply_is_refused(tsa: TSA) -> None:
    """A reply to an earlier request (same data, other nonce) is not accepted as fresh."""
    with serve(replaying(tsa)) as base:
        first = request_timestamp(DATA, f"{base}/tsr")
        with pytest.raises(BackendError, match="nonce"):
            request_timestamp(DATA, f"{base}/tsr")
    check_timestamp(first, DATA, tsa.roots_pem)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: request_timestamp(b"", "http://127.0.0.1:1/"), ValueError, "empty data"),
        (lambda: request_timestamp(DATA, "file:///etc/passwd"), BackendError, "not an http"),
    ],
    ids=["empty-data", "file-url"],
)
def test_refused_before_any_request(
    call: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()
