"""The case file: one ticket's rows, timeline, Audit lines and proof as an HTML page,
read back with the standard library's parser and checked against the log itself."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

import sheetlog
from sheetlog.cli import cli
from sheetlog.errors import NotFoundError
from sheetlog.model.messages import MESSAGES_HEADER
from sheetlog.model.ops import AppendRows
from sheetlog.model.workbook import AUDIT_HEADER
from sheetlog.render.casefile import render_casefile
from tests.conftest import LogUnderTest
from tests.logdata import HEADER, entry, seed
from tests.test_tree import NOW, TAB, closed, signed_log

HOSTILE = '<script>alert("x")</script> & "quoted" </td>'
URL = 'https://files.example.com/label.pdf?a=1&b="2"'
DIGEST = "ab" * 32
LINES = (
    ("T-2", "2025-09-02 10:20 UTC", "agent reply", "Jane Adams", "Email",
     f"attached label.pdf (3 bytes, sha256 {DIGEST})", URL),
    ("T-2", "2025-09-02 11:00 UTC", "internal note", "Jane Adams", "",
     "receipt kept", "evidence/receipt <1>.png"),
    ("T-2", "2025-09-02 11:30 UTC", "status change", "Jane Adams", "", "Open → Resolved", ""),
    ("T-3", "2025-09-03 10:20 UTC", "agent reply", "Jane Adams", "Email", "not T-2's", ""),
)  # fmt: skip
AUDIT = (
    ("2025-09-05 08:00:00 UTC", "ops@x", "note", "Log", "T-2", f"about T-2: {HOSTILE}", "op-1"),
    ("2025-09-05 09:00:00 UTC", "ops@x", "note", "Log", "T-20", "about XT-2 and T-2x", "op-2"),
)  # fmt: skip
_CHROMES = ("chromium", "chromium-browser", "google-chrome")


class Node:
    """An element as the page's parser saw it: its tag, attributes and children."""

    def __init__(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tag, self.attrs = tag, dict(attrs)
        self.children: list[Node | str] = []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def find_all(self, tag: str, **attrs: str) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if child.tag == tag and all(child.attrs.get(k) == v for k, v in attrs.items()):
                    found.append(child)
                found += child.find_all(tag, **attrs)
        return found

    def one(self, tag: str, **attrs: str) -> Node:
        (found,) = self.find_all(tag, **attrs)
        return found


class Page(HTMLParser):
    """The page as a tree of ``Node``, and every start tag seen."""

    VOID = frozenset({"meta", "br", "link", "img", "hr", "input"})

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("document", [])
        self.stack = [self.root]
        self.tags: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, attrs)
        self.stack[-1].children.append(node)
        self.tags.append(tag)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        while len(self.stack) > 1 and self.stack.pop().tag != tag:
            pass

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def table_rows(table: Node) -> list[list[Node]]:
    return [row.find_all("td") for row in table.find_all("tr") if row.find_all("td")]


def with_history(target: LogUnderTest) -> None:
    """Timeline lines (attachments among them) and Audit lines about T-2 and others."""
    log = target.log
    log.backend.write([AppendRows("Messages 2025-09", LINES, header=MESSAGES_HEADER)])
    log.backend.write([AppendRows("Audit 2025-09", AUDIT, header=AUDIT_HEADER)])
    log.message("T-2", HOSTILE, at="2025-09-02 10:05 UTC")


def naming(ticket: str, lines: list[list[object]]) -> list[list[str]]:
    """The Audit lines whose Rows or Details name ``ticket`` as a whole word."""
    word = re.compile(rf"(?<![\w-]){re.escape(ticket)}(?![\w-])")
    texts = [["" if v is None else str(v) for v in line] for line in lines]
    return [line for line in texts if word.search(line[4]) or word.search(line[5])]


def test_the_page_shows_the_archived_row_timeline_audit_and_a_proof_that_checks(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    signer = signed_log(any_log, tmp_path, 4)
    with_history(any_log)
    case = any_log.log.casefile("T-2", now=NOW)
    html = render_casefile(case)
    parsed = Page(html)
    page = parsed.root

    assert page.one("title").text() == "Case file: T-2"
    assert page.one("code", id="location").text() == any_log.log.location
    assert page.one("span", id="made").text() == "2025-11-20 12:00:00 UTC"

    (table,) = page.one("section", id="rows").find_all("table")
    shown = {tr.one("th").text(): tr.one("td").text() for tr in table.find_all("tr")}
    stored = next(r for r in any_log.values(TAB)[1:] if r[0] == "T-2")
    header = any_log.values(TAB)[0]
    assert list(shown) == list(HEADER)
    for name, text in shown.items():
        value = stored[header.index(name)] if header.index(name) < len(stored) else None
        assert text == ("" if value is None else str(value)), name

    rows = table_rows(page.one("section", id="timeline").one("table"))
    stored_lines = [
        [str(v or "") for v in line] + [""] * (len(MESSAGES_HEADER) - len(line))
        for line in any_log.values("Messages 2025-09")
    ]
    mine = sorted((line for line in stored_lines[1:] if line[0] == "T-2"), key=lambda x: x[1])
    assert len(mine) == 4 and mine[0][5] == HOSTILE
    for cells, line in zip(rows, mine, strict=True):
        assert [cell.text() for cell in cells[:5]] == line[1:6]
        said = re.search(r"sha256 ([0-9a-f]{64})", line[5])
        hashes = [code.text() for code in cells[5].find_all("code", **{"class": "sha256"})]
        assert hashes == ([said[1]] if said else [])
        assert cells[5].text() == line[6] + (f"sha256 {said[1]}" if said else "")
        links = [a.attrs["href"] for a in cells[5].find_all("a")]
        assert links == ([line[6]] if line[6].startswith("https:") else [])
    assert [line[6] for line in mine] == ["", URL, "evidence/receipt <1>.png", ""]

    audit = table_rows(page.one("section", id="audit").one("table"))
    expected = naming("T-2", any_log.audit()[1:])
    assert [[cell.text() for cell in row] for row in audit] == expected
    assert any(HOSTILE in line[5] for line in expected)
    assert not any("op-2" in line for line in expected)

    proof = page.one("pre", id="proof-text").text()
    assert proof == any_log.log.proof("T-2").text()
    checked = sheetlog.check_proof(proof, str(signer.verifier))
    assert page.one("code", id="leaf-index").text() == str(checked.index) == "1"
    assert page.one("code", id="tree-size").text() == str(checked.checkpoint.size) == "4"
    assert page.one("code", id="root").text() == proof.split("\n\n")[1].split("\n")[2]
    assert page.one("code", id="signer").text() == "support-team"
    assert [k.text() for k in page.find_all("code", **{"class": "key"})] == [str(signer.verifier)]
    steps = page.one("section", id="proof").one("ol").text()
    assert f'sheetlog check-proof T-2.tlog-proof --key "{signer.verifier}"' in steps
    assert "RFC 6962 §2.1.1" in steps and "Ed25519" in steps

    assert "<script>" not in html and not {"script", "link", "img", "iframe"} & set(parsed.tags)
    assert [tag for tag in parsed.tags if tag == "a"] == ["a"]  # the attachment's link only
    style = page.one("style").text()
    assert "@media print" in style and "url(" not in style and "@import" not in style


def test_a_ticket_in_log_and_archived_shows_both_rows_and_its_lines_once(
    any_log: LogUnderTest, tmp_path: Path
) -> None:
    signed_log(any_log, tmp_path, 3)
    any_log.log.backend.write([AppendRows("Log", (entry("T-2", Issue_Summary="again"),), after=1)])
    any_log.log.message("T-2", "back again", at="2025-09-04 10:00 UTC")
    case = any_log.log.casefile("T-2", now=NOW)
    page = Page(render_casefile(case)).root
    places = [h3.text() for h3 in page.one("section", id="rows").find_all("h3")]
    assert sorted(places) == ["Archive 2025-09 row 3", "Log row 2"]
    lines = table_rows(page.one("section", id="timeline").one("table"))
    assert [row[4].text() for row in lines] == ["back again"]
    assert case.proof is not None and case.proof.index == 1


def test_without_a_proof_the_page_says_why(any_log: LogUnderTest, tmp_path: Path) -> None:
    seed(any_log, [entry("T-9"), *closed(2)])
    page = Page(render_casefile(any_log.log.casefile("T-9"))).root
    said = page.one("p", id="no-proof").text()
    assert "T-9 has no archived row" in said and "sheetlog archive" in said
    assert not page.find_all("pre")
    any_log.log.archive(now=NOW)  # sealed, but the log has no key: nothing signs the tree
    case = any_log.log.casefile("T-1")
    assert case.proof is None and "not signed" in case.no_proof
    assert "run sheetlog keygen" in Page(render_casefile(case)).root.one("p", id="no-proof").text()
    with pytest.raises(NotFoundError, match='no ticket "T-404"'):
        any_log.log.casefile("T-404")


def test_google_case_file_costs_four_reads(google_log: LogUnderTest, tmp_path: Path) -> None:
    signed_log(google_log, tmp_path, 4)
    google_log.log.backend.write([AppendRows("Log", (entry("T-9"),), after=1)])
    assert google_log.fake is not None
    for ticket, reads in (("T-2", 4), ("T-9", 2)):
        google_log.fake.calls.clear()
        google_log.log.casefile(ticket)
        methods = [c.method_id for c in google_log.fake.calls]
        assert len(methods) == reads and "spreadsheets.batchUpdate" not in methods, methods


def test_cli_writes_the_page_and_json(local_log: LogUnderTest, tmp_path: Path) -> None:
    signer = signed_log(local_log, tmp_path, 2)
    sheet = ["--sheet", str(local_log.path)]
    runner = CliRunner()
    out = tmp_path / "case.html"
    result = runner.invoke(cli, ["casefile", "T-2", "-o", str(out), *sheet])
    assert result.exit_code == 0, result.output
    assert result.output == f"T-2: case file (with its proof) written to {out}\n"
    proof = Page(out.read_text(encoding="utf-8")).root.one("pre", id="proof-text").text()
    assert sheetlog.check_proof(proof, str(signer.verifier)).index == 1
    result = runner.invoke(cli, ["casefile", "T-2", "--format", "json", *sheet])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["proof"]["text"] == proof and document["rows"][0]["tab"] == TAB
    result = runner.invoke(cli, ["casefile", "T-404", *sheet])
    assert result.exit_code != 0 and 'no ticket "T-404"' in result.output


@pytest.mark.skipif(
    not any(shutil.which(name) for name in _CHROMES), reason="no headless Chromium here"
)
def test_headless_chromium_renders_the_page(local_log: LogUnderTest, tmp_path: Path) -> None:
    signed_log(local_log, tmp_path, 3)
    with_history(local_log)
    page = tmp_path / "case.html"
    page.write_text(render_casefile(local_log.log.casefile("T-2")), encoding="utf-8")
    shot = tmp_path / "case.png"
    browser = next(found for name in _CHROMES if (found := shutil.which(name)))
    subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", f"--screenshot={shot}",
         "--window-size=1200,3000", page.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000
