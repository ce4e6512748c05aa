"""`keygen`: the private key goes to a file only its owner reads, never over another
one; the public key goes to the settings tab, on every backend."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheetlog.cli import cli
from sheetlog.errors import ConfigError
from sheetlog.model.sheetdata import Scope
from sheetlog.model.signed_note import Signer
from sheetlog.model.workbook import SIGNING_KEY, setting_values
from tests.conftest import LogUnderTest


def test_the_public_key_goes_to_the_settings_and_the_private_one_to_its_file(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    any_log.log.init()
    key_file = tmp_path / "log.key"
    verifier = any_log.log.keygen(key_file, "support-team")
    signer = Signer.parse(key_file.read_text())
    assert signer.verifier == verifier and verifier.name == "support-team"
    if sys.platform != "win32":
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    snapshot = any_log.log.backend.read(Scope.of("_sheetlog"))
    assert setting_values(snapshot, SIGNING_KEY) == [str(verifier)]
    assert str(signer) not in str(snapshot.tabs["_sheetlog"].rows)  # never the private key
    second = any_log.log.keygen(tmp_path / "next.key")  # a new key later: both are kept
    snapshot = any_log.log.backend.read(Scope.of("_sheetlog"))
    assert setting_values(snapshot, SIGNING_KEY) == [str(verifier), str(second)]


def test_an_existing_key_file_is_never_overwritten(local_log: LogUnderTest, tmp_path: Path) -> None:
    local_log.log.init()
    key_file = tmp_path / "log.key"
    key_file.write_text("a key someone keeps\n")
    before = local_log.write_marker()
    with pytest.raises(ConfigError, match="never overwritten"):
        local_log.log.keygen(key_file)
    assert key_file.read_text() == "a key someone keeps\n"
    assert local_log.write_marker() == before


def test_cli_prints_the_public_key(local_log: LogUnderTest, tmp_path: Path) -> None:
    local_log.log.init()
    assert local_log.path is not None
    key_file = tmp_path / "k.key"
    result = CliRunner().invoke(
        cli, ["keygen", "--signing-key", str(key_file), "--sheet", str(local_log.path)]
    )
    assert result.exit_code == 0, result.output
    public = str(Signer.parse(key_file.read_text()).verifier)
    assert public in result.output and public.startswith("sheetlog-support-log.xlsx+")


def test_a_name_beyond_ascii_is_written_in_utf8(local_log: LogUnderTest, tmp_path: Path) -> None:
    local_log.log.init()
    key_file = tmp_path / "k.key"
    verifier = local_log.log.keygen(key_file, "støtte")
    assert Signer.parse(key_file.read_text(encoding="utf-8")).verifier == verifier
    with pytest.raises(ConfigError, match="--name"):
        local_log.log.keygen(tmp_path / "other.key", "two words")
    assert not (tmp_path / "other.key").exists()


def test_two_keys_made_at_once_on_google_are_both_kept(
    google_log: LogUnderTest, tmp_path: Path, creds: object
) -> None:
    import sheetlog

    google_log.log.init()
    assert google_log.fake is not None
    other = sheetlog.open(f"gsheet:{google_log.spreadsheet_id}", credentials=creds)
    made: list[object] = []
    started: list[bool] = []

    def second_keygen_between(call: object) -> None:  # B reads and writes while A waits
        if getattr(call, "method_id", "") == "spreadsheets.batchUpdate" and not started:
            started.append(True)
            made.append(other.keygen(tmp_path / "b.key", "b"))

    google_log.fake.before_request(second_keygen_between)
    first = google_log.log.keygen(tmp_path / "a.key", "a")
    snapshot = google_log.log.backend.read(Scope.of("_sheetlog"))
    assert sorted(setting_values(snapshot, SIGNING_KEY)) == sorted([str(first), str(made[0])])
