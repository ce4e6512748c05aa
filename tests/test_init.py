"""`init` on both backends: the contract suite for provisioning."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sheetlog.errors import ConfigError, TemplateError
from sheetlog.model.ops import SetCells
from sheetlog.model.templates import load_template
from sheetlog.model.workbook import AUDIT_HEADER, SETTINGS_TAB, audit_tab
from tests.conftest import LogUnderTest

STANDARD = load_template("standard")


def test_init_provisions_header_rules_audit_and_settings(any_log: LogUnderTest) -> None:
    result = any_log.log.init()
    assert result.changes
    assert any_log.values("Log") == [list(STANDARD.header)]
    audit = any_log.audit()
    assert audit[0] == list(AUDIT_HEADER)
    assert len(audit) == 2 and audit[1][2] == "init"
    assert {"Log", audit_tab(datetime.now(UTC)), SETTINGS_TAB} <= set(any_log.titles())
    settings = dict((row[0], row[1]) for row in any_log.values(SETTINGS_TAB)[1:])
    assert settings["template"] == "standard"
    assert settings["timezone"] == "UTC"
    assert 'name = "standard"' in settings["template_toml"]
    layout = any_log.log.backend.read_layout("Log")
    assert layout is not None
    assert layout.frozen_rows == 1
    assert layout.header_protected
    assert layout.dropdowns == {
        2: STANDARD.by_name["Channel"].choices,
        6: STANDARD.by_name["Issue Type"].choices,
        9: STANDARD.by_name["Status"].choices,
    }
    assert layout.text_columns >= {3, 4, 10, 12}
    assert layout.format_rules == {3, 4, 10, 12}


def test_second_init_changes_nothing_and_writes_nothing(any_log: LogUnderTest) -> None:
    any_log.log.init()
    marker = any_log.write_marker()
    again = any_log.log.init()
    assert again.changes == []
    assert any_log.write_marker() == marker
    assert len(any_log.audit()) == 2


def test_init_adds_a_missing_column_and_keeps_every_row(any_log: LogUnderTest) -> None:
    any_log.log.init()
    backend = any_log.log.backend
    row = ("T-1", "Ann", "Email", "2023-11-15 14:30 UTC")
    # A team whose sheet predates the Tags column: blank its header cell, keep data.
    backend.write([SetCells("Log", 1, 13, (("",),)), SetCells("Log", 2, 0, (row,))])
    result = any_log.log.init()
    assert result.changes[0] == "added column Tags"
    header = any_log.values("Log")[0]
    assert header[-1] == "Tags" and header.count("Tags") == 1
    assert any_log.values("Log")[1][:4] == list(row)


def test_init_refuses_to_switch_templates(any_log: LogUnderTest) -> None:
    any_log.log.init()
    with pytest.raises(ConfigError, match='this log uses template "standard", not "orders"'):
        any_log.log.init("orders")


def test_orders_template(any_log: LogUnderTest) -> None:
    any_log.log.init("orders")
    assert any_log.values("Log")[0] == list(load_template("orders").header)
    assert any_log.log.init().changes == []


def _custom(tmp_path: Path, extra: str) -> str:
    """A copy of the standard template named "custom" with ``extra`` Channel choices (TOML)."""
    text = (Path(__file__).parent.parent / "templates" / "standard.toml").read_text()
    start = text.index("choices", text.index('name = "Channel"'))
    end = text.index("]", start)
    custom = text[:end] + f", {extra}" + text[end:]
    custom = custom.replace('name = "standard"', 'name = "custom"')
    path = tmp_path / "custom.toml"
    path.write_text(custom, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("choices", "named"),
    [
        ('"Chat, web"', 'choice "Chat, web" contains a comma'),
        ("'The \"red\" phone'", 'choice "The "red" phone" contains a double quote'),
    ],
)
def test_a_choice_a_dropdown_cannot_hold_is_refused_before_anything_is_written(
    any_log: LogUnderTest, tmp_path: Path, choices: str, named: str
) -> None:
    path = _custom(tmp_path, choices)
    marker = any_log.write_marker()
    with pytest.raises(TemplateError) as caught:
        any_log.log.init(path)
    assert 'column "Channel"' in str(caught.value) and named in str(caught.value)
    assert any_log.write_marker() == marker


def test_a_custom_template_with_odd_choices_inits_once(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    path = _custom(tmp_path, '"Walk-in & O\'Brien\'s desk", "Téléphone <24h>"')
    assert any_log.log.init(path).changes
    marker = any_log.write_marker()
    assert any_log.log.init(path).changes == []
    assert any_log.log.init().changes == []
    assert any_log.write_marker() == marker
    layout = any_log.log.backend.read_layout("Log")
    assert layout is not None and "Téléphone <24h>" in layout.dropdowns[2]
