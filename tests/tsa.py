"""A real RFC 3161 time-stamp authority for tests: ``openssl ts -reply`` behind a local HTTP
server, with a throwaway CA and a TSA certificate made by the ``openssl`` command."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

OPENSSL = shutil.which("openssl")
POLICY = "1.2.3.4.1"

CERT_CONFIG = """\
[req]
distinguished_name = dn
prompt = no

[dn]
CN = {cn}

[v3_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[v3_tsa]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
"""

TSA_CONFIG = """\
[tsa]
default_tsa = tsa_config

[tsa_config]
dir = {dir}
serial = $dir/tsaserial
crypto_device = builtin
signer_cert = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = {policy}
other_policies = 1.2.3.4.5.6
digests = sha256, sha384, sha512
accuracy = secs:1, millisecs:500, microsecs:100
clock_precision_digits = 0
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def openssl(*args: str | Path, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    """Run ``openssl`` with ``args``; with ``check``, a failure fails the test (with stderr)."""
    if OPENSSL is None:
        pytest.skip("openssl is not installed")
    done = subprocess.run([OPENSSL, *map(str, args)], capture_output=True, timeout=30, check=False)
    if check and done.returncode != 0:
        command = " ".join(map(str, args))
        pytest.fail(f"openssl {command} failed: {done.stderr.decode(errors='replace')}")
    return done


def _config(folder: Path, cn: str) -> Path:
    path = folder / f"{cn.replace(' ', '-')}.cnf"
    path.write_text(CERT_CONFIG.format(cn=cn), encoding="utf-8")
    return path


def make_ca(folder: Path, name: str = "Test CA") -> Path:
    """A self-signed CA (P-256) in ``folder``: returns ``ca.pem``; its key is ``ca.key``."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / "ca.pem", folder / "ca.key"
    openssl(
        "req", "-x509", "-config", _config(folder, name), "-extensions", "v3_ca",
        "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", key, "-out", cert, "-days", "2", "-sha256",
    )  # fmt: skip
    return cert


def make_tsa_cert(folder: Path, ca: Path, name: str = "Test TSA") -> Path:
    """A TSA certificate (EKU critical timeStamping) issued by ``ca``: ``tsa.pem``/``tsa.key``."""
    cert, key, csr = folder / "tsa.pem", folder / "tsa.key", folder / "tsa.csr"
    config = _config(folder, name)
    openssl(
        "req", "-new", "-config", config, "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", csr,
    )  # fmt: skip
    openssl(
        "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca.with_suffix(".key"),
        "-set_serial", "4242", "-days", "2", "-sha256",
        "-extfile", config, "-extensions", "v3_tsa", "-out", cert,
    )  # fmt: skip
    return cert


@dataclass
class TSA:
    """A running time-stamp authority."""

    url: str
    roots_pem: bytes
    folder: Path
    requests: int = 0

    @property
    def ca(self) -> Path:
        """The CA certificate file (PEM), for ``openssl ts -verify -CAfile``."""
        return self.folder / "ca.pem"


def _handler(tsa: TSA, config: Path) -> type[BaseHTTPRequestHandler]:
    lock = threading.Lock()  # openssl ts -reply updates the serial file

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            query = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock, tempfile.TemporaryDirectory(dir=tsa.folder) as scratch:
                tsa.requests += 1
                queryfile, reply = Path(scratch) / "q.tsq", Path(scratch) / "r.tsr"
                queryfile.write_bytes(query)
                assert OPENSSL is not None
                # No -chain: openssl writes the SignedData certificates SET OF unsorted (not
                # DER), which rfc3161-client's strict parser refuses; the TSA cert alone suffices.
                done = subprocess.run(
                    [OPENSSL, "ts", "-reply", "-config", str(config),
                     "-queryfile", str(queryfile), "-out", str(reply)],
                    capture_output=True, timeout=30, check=False,
                )  # fmt: skip
                body = reply.read_bytes() if done.returncode == 0 else b""
            if not body:
                self.send_error(500, "openssl ts -reply failed")
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: no request lines on stderr."""

    return Handler


@contextmanager
def serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` on 127.0.0.1 (a free port) in a daemon thread; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def tsa(tmp_path: Path) -> Iterator[TSA]:
    """A real TSA (``openssl ts``) on a local port; ``.url`` to ask, ``.roots_pem`` to trust."""
    if OPENSSL is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path / "tsa"
    ca = make_ca(folder)
    make_tsa_cert(folder, ca)
    (folder / "tsaserial").write_text("01\n", encoding="ascii")
    config = folder / "tsa.cnf"
    config.write_text(TSA_CONFIG.format(dir=folder, policy=POLICY), encoding="utf-8")
    authority = TSA(url="", roots_pem=ca.read_bytes(), folder=folder)
    with serve(_handler(authority, config)) as base:
        authority.url = f"{base}/tsr"
        yield authority
