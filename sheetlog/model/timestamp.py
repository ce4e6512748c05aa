"""RFC 3161 trusted timestamps: a time-stamp authority (TSA) signs the SHA-256 of some data.

A valid token proves that data with exactly that hash existed no later than the token's time,
on the word of the TSA that signed it. It says nothing about who wrote the data or whether it
is true, and it is only as trustworthy as the TSA (and the CA certificates you trust it by).

The bytes ``request_timestamp`` returns, and ``check_timestamp`` takes, are the DER
``TimeStampToken`` (the CMS SignedData that a TSA's ``TimeStampResp`` carries), the form other
tools read too (``openssl ts -verify -token_in``). rfc3161-client parses only whole responses,
so ``check_timestamp`` puts the token back in a minimal granted response before parsing it.
"""

from __future__ import annotations

import hashlib
import http.client
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime

from cryptography import x509
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    TimeStampResponse,
    TimeStampTokenInfo,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

from ..errors import BackendError

SHA256 = x509.ObjectIdentifier("2.16.840.1.101.3.4.2.1")
MAX_REPLY = 1 << 20  # a TSA reply is a few kilobytes; more is not a reply
_GRANTED = b"\x30\x03\x02\x01\x00"  # PKIStatusInfo ::= SEQUENCE { status INTEGER 0 }


def request_timestamp(data: bytes, url: str, timeout: float = 30) -> bytes:
    """Ask the TSA at ``url`` to timestamp ``data``; the DER ``TimeStampToken`` it granted.

    The request carries the SHA-256 of ``data``, a random nonce and ``certReq`` (so the token
    embeds the TSA certificate). The reply must be granted and hold a token over that hash and
    nonce. The token's signature is not checked here: ``check_timestamp`` with the TSA's roots
    does that. Any failure to get such a token raises ``BackendError``; empty ``data`` (which
    rfc3161-client refuses) raises ``ValueError``.
    """
    if not data:
        raise ValueError("cannot timestamp empty data")
    query = (
        TimestampRequestBuilder()
        .data(data)
        .hash_algorithm(HashAlgorithm.SHA256)
        .nonce(nonce=True)
        .cert_request(cert_request=True)
        .build()
    )
    body, content_type = _post(url, query.as_bytes(), timeout)
    try:
        response = decode_timestamp_response(body)
    except ValueError as exc:
        kind = content_type or "no Content-Type"
        raise _failed(url, f"the reply ({kind}) is not a DER TimeStampResp: {exc}") from exc
    if response.status != PKIStatus.GRANTED:
        reason = "; ".join(response.status_string) or "no reason given"
        raise _failed(url, f"the request was not granted (status {_status(response)}): {reason}")
    try:
        token = response.time_stamp_token()
        info = _parse(token).tst_info
        _check_imprint(info, data)
    except ValueError as exc:
        raise _failed(url, f"the reply holds no usable token: {exc}") from exc
    if info.nonce != query.nonce:
        raise _failed(url, f"the token's nonce {info.nonce} is not the request's {query.nonce}")
    return token


def check_timestamp(token: bytes, data: bytes, roots_pem: bytes | None = None) -> datetime:
    """The time (aware, UTC) at which the TSA says ``data`` existed, from its ``token``.

    Checks that ``token`` is a DER ``TimeStampToken`` over the SHA-256 of ``data``. With
    ``roots_pem`` (the PEM certificates of the CA the TSA chains to) it also verifies the
    signature, the certificate chain at the token's time and the TSA certificate's critical
    timeStamping key usage; without it the time is only what the token claims. ``ValueError``
    says why a token does not pass.
    """
    response = _parse(token)
    info = response.tst_info
    _check_imprint(info, data)
    if roots_pem is not None:
        try:
            roots = x509.load_pem_x509_certificates(roots_pem)
        except ValueError as exc:
            raise ValueError(f"roots_pem holds no usable PEM certificate: {exc}") from exc
        verifier = VerifierBuilder(roots=roots).build()
        try:
            verifier.verify(response, hashlib.sha256(data).digest())
        except VerificationError as exc:
            raise ValueError(f"the signature does not verify against roots_pem: {exc}") from exc
    stamped = info.gen_time
    return stamped.replace(tzinfo=UTC) if stamped.tzinfo is None else stamped.astimezone(UTC)


def _post(url: str, query: bytes, timeout: float) -> tuple[bytes, str]:
    """POST ``query`` to ``url``: the reply body and its Content-Type, or ``BackendError``."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise _failed(url, "not an http:// or https:// URL")
    request = urllib.request.Request(
        url,
        data=query,
        method="POST",
        headers={
            "Content-Type": "application/timestamp-query",
            "Accept": "application/timestamp-reply",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            body: bytes = reply.read(MAX_REPLY + 1)
            content_type: str = reply.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        exc.close()
        raise _failed(url, f"HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise _failed(url, f"cannot connect: {exc.reason}") from exc
    except TimeoutError as exc:
        raise _failed(url, f"no reply within {timeout:g} s") from exc
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise _failed(url, f"the request failed: {exc or type(exc).__name__}") from exc
    if len(body) > MAX_REPLY:
        raise _failed(url, f"the reply is larger than {MAX_REPLY} bytes")
    return body, content_type


def _parse(token: bytes) -> TimeStampResponse:
    """``token`` in a granted ``TimeStampResp``, parsed; ``ValueError`` if it is not a token."""
    body = _GRANTED + token
    size = len(body)
    length = bytes([size]) if size < 0x80 else _long_length(size)
    try:
        response = decode_timestamp_response(b"\x30" + length + body)
        response.tst_info  # noqa: B018 - parses the signed content now, not at first use
    except ValueError as exc:
        raise ValueError(f"not a DER RFC 3161 TimeStampToken: {exc}") from exc
    return response


def _long_length(size: int) -> bytes:
    """The DER long form of a length of 128 or more."""
    octets = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(octets)]) + octets


def _check_imprint(info: TimeStampTokenInfo, data: bytes) -> None:
    """``ValueError`` unless the token's message imprint is the SHA-256 of ``data``."""
    imprint = info.message_imprint
    if imprint.hash_algorithm != SHA256:
        algorithm = imprint.hash_algorithm.dotted_string
        raise ValueError(f"the token hashes with {algorithm}, not SHA-256")
    if imprint.message != hashlib.sha256(data).digest():
        raise ValueError("the token is over other data (its SHA-256 differs)")


def _status(response: TimeStampResponse) -> str:
    try:
        return PKIStatus(response.status).name.lower()
    except ValueError:
        return str(response.status)


def _failed(url: str, problem: str) -> BackendError:
    """One line naming the TSA and what went wrong."""
    return BackendError(" ".join(f"timestamp authority {url}: {problem}".split()))
