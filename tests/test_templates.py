"""Templates: the shipped ones load, and a broken one is refused naming file and problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheetlog.errors import TemplateError
from sheetlog.model.templates import Kind, bundled_templates, load_template, parse_template

STANDARD = (Path(__file__).parent.parent / "templates" / "standard.toml").read_text()


def test_shipped_templates_load_with_their_roles() -> None:
    assert set(bundled_templates()) >= {"standard", "orders"}
    standard = load_template("standard")
    assert standard.header[0] == "Ticket ID" and standard.header[-1] == "Validation"
    assert standard.closed_statuses == ("Resolved", "Closed")
    assert standard.by_name["Channel"].choices == (
        "Live Chat",
        "Email",
        "Phone",
        "Social Media",
        "Other",
    )
    assert standard.column("resolved").name == "Resolved At"  # type: ignore[union-attr]
    orders = load_template("orders")
    assert orders.by_name["Rating"].kind is Kind.RATING
    assert [c.name for c in orders.columns if c.pii] == ["Customer Name", "Email", "Phone"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (('kind = "tags"', 'kind = "tagz"'), 'column "Tags".kind: Input should be'),
        (('name = "Agent"', 'name = "Customer"'), 'duplicate column "Customer"'),
        (
            ('closed_statuses = ["Resolved", "Closed"]', 'closed_statuses = ["Done"]'),
            'closed status "Done" is not a choice of column "Status"',
        ),
        (('"solved" = "Resolved"', '"solved" = "Solved"'), 'alias "solved" points to "Solved"'),
        (('timezone = "UTC"', 'timezone = "Mars/Olympus"'), 'unknown timezone "Mars/Olympus"'),
        (('resolved = "Resolved At"', 'resolved = "Agent"'), 'role "resolved": column "Agent"'),
        (("[roles]", "[roles\n"), "not valid TOML"),
    ],
)
def test_broken_template_is_refused_naming_file_and_problem(
    edit: tuple[str, str], message: str
) -> None:
    broken = STANDARD.replace(*edit)
    assert broken != STANDARD
    with pytest.raises(TemplateError) as caught:
        parse_template(broken, "teams/broken.toml")
    assert str(caught.value).startswith("teams/broken.toml: ")
    assert message in str(caught.value)


def test_unknown_template_name_lists_the_shipped_ones() -> None:
    with pytest.raises(
        TemplateError, match=r'unknown template "fancy" \(shipped: orders, standard'
    ):
        load_template("fancy")


def test_template_file_by_path(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(STANDARD.replace('name = "standard"', 'name = "mine"'))
    assert load_template(str(path)).name == "mine"
