"""The package's public names: complete, sorted, importable (as httpx checks its own)."""

from __future__ import annotations

import sheetlog
from sheetlog.errors import SheetlogError


def test_all_is_sorted_and_every_name_exists() -> None:
    assert sheetlog.__all__ == sorted(sheetlog.__all__, key=lambda n: (n[0].islower(), n))
    for name in sheetlog.__all__:
        assert hasattr(sheetlog, name), name


def test_every_error_class_is_exported_and_part_of_one_tree() -> None:
    errors = [getattr(sheetlog, n) for n in sheetlog.__all__ if n.endswith("Error")]
    assert SheetlogError in errors
    assert all(issubclass(e, SheetlogError) for e in errors)


def test_every_cli_command_has_a_library_method_of_the_same_name() -> None:
    from sheetlog.cli import cli

    assert hasattr(cli, "commands")
    for name in cli.commands:  # type: ignore[attr-defined]
        if name == "check-proof":  # offline, no log: a function of the package
            assert callable(sheetlog.check_proof)
            continue
        method = {"import": "import_rows"}.get(name, name)
        assert callable(getattr(sheetlog.SupportLog, method, None)), name
