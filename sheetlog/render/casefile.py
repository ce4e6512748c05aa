"""A case file as one self-contained HTML page: inline CSS that prints well, no script,
nothing fetched; every cell escaped, as any of them may hold hostile text."""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from datetime import UTC
from html import escape
from urllib.parse import urlsplit

from ..model.workbook import AUDIT_HEADER, AUDIT_TIME
from ..passes.casefile import CaseFile, CaseProof
from ..passes.proofs import PROOF_SUFFIX
from ..passes.queries import AUDIT_KEYS

LINE_COLUMNS = (
    ("At", "at"),
    ("Kind", "kind"),
    ("Author", "author"),
    ("Channel", "channel"),
    ("Text", "text"),
)
"""The timeline's columns and the keys of a line; the Attachment column comes last."""

STYLE = """
body { font: 14px/1.45 Georgia, "Times New Roman", serif; color: #111; margin: 2em auto;
  max-width: 60em; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: .2em; }
h2 { font-size: 1.25em; border-bottom: 1px solid #999; margin-top: 1.8em; }
h3 { font-size: 1.05em; }
table { border-collapse: collapse; width: 100%; margin: .5em 0; }
th, td { border: 1px solid #bbb; padding: .25em .45em; text-align: left;
  vertical-align: top; }
th { background: #eee; }
td { white-space: pre-wrap; overflow-wrap: anywhere; }
pre, code { font: 12px/1.35 "DejaVu Sans Mono", Consolas, monospace; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; border: 1px solid #bbb;
  padding: .6em; background: #f7f7f7; }
code { overflow-wrap: anywhere; }
.meta { color: #444; }
.none { font-style: italic; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  th, pre { background: none; }
  a { color: inherit; text-decoration: none; }
  h2, h3 { break-after: avoid; }
  tr, pre, dl, li { break-inside: avoid; }
  @page { margin: 15mm; }
}
"""


def render_casefile(case: CaseFile) -> str:
    """The page: title, where the log is and when this was made, then the rows, the
    timeline, the Audit lines and the proof."""
    title = f"Case file: {case.ticket}"
    made = case.made.astimezone(UTC).strftime(AUDIT_TIME)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">From the support log <code id="location">{escape(case.location)}'
        f'</code>; made by sheetlog on <span id="made">{escape(made)}</span>.</p>',
        *_rows(case),
        *_timeline(case),
        *_audit(case),
        *_proof(case),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _rows(case: CaseFile) -> list[str]:
    out = ['<section id="rows"><h2>The ticket\'s rows</h2>']
    for row in case.rows:
        where = f"{row['tab']} row {row['row']}"
        cells = [(name, value) for name, value in row.items() if name not in ("tab", "row")]
        out.append(f'<h3>{escape(where)}</h3><table class="row">')
        out += [f"<tr><th>{escape(name)}</th><td>{_text(value)}</td></tr>" for name, value in cells]
        out.append("</table>")
    out.append("</section>")
    return out


def _timeline(case: CaseFile) -> list[str]:
    out = ['<section id="timeline"><h2>Timeline</h2>']
    if not case.lines:
        return [*out, '<p class="none">No messages or status changes.</p></section>']
    headings = [heading for heading, _ in LINE_COLUMNS] + ["Attachment"]
    out.append(f"<table>{_head(headings)}<tbody>")
    for line in case.lines:
        cells = [_text(line[key]) for _, key in LINE_COLUMNS]
        out.append(f"<tr>{_cells(cells)}<td>{_attachment(line)}</td></tr>")
    out.append("</tbody></table></section>")
    return out


def _attachment(line: dict[str, str]) -> str:
    """The Attachment cell's text, a link when it is a web address, and the SHA-256 the
    line's Text names."""
    link = line["attachment"]
    shown = []
    if urlsplit(link).scheme in ("http", "https"):
        shown.append(f'<a href="{escape(link)}">{escape(link)}</a>')
    elif link:
        shown.append(escape(link))
    if line["sha256"]:
        shown.append(f'sha256 <code class="sha256">{escape(line["sha256"])}</code>')
    return "<br>".join(shown)


def _audit(case: CaseFile) -> list[str]:
    out = [f'<section id="audit"><h2>Audit lines naming {escape(case.ticket)}</h2>']
    if not case.audit:
        return [*out, '<p class="none">No Audit line names it.</p></section>']
    out.append(f"<table>{_head(AUDIT_HEADER)}<tbody>")
    out += [f"<tr>{_cells(_text(line[key]) for key in AUDIT_KEYS)}</tr>" for line in case.audit]
    out.append("</tbody></table></section>")
    return out


def _proof(case: CaseFile) -> list[str]:
    out = ['<section id="proof"><h2>Proof</h2>']
    if case.proof is None:
        return [
            *out,
            f'<p class="none" id="no-proof">This case file carries no proof of the ticket\'s row:'
            f" {escape(case.no_proof)}</p></section>",
        ]
    proof = case.proof
    facts = [
        ("Leaf index", f'<code id="leaf-index">{proof.index}</code>'),
        ("Tree size", f'<code id="tree-size">{proof.size}</code>'),
        ("Root (base64)", f'<code id="root">{escape(proof.root)}</code>'),
        ("Signed by the key named", f'<code id="signer">{escape(proof.signer)}</code>'),
        (
            "Public keys the log records",
            "<br>".join(f'<code class="key">{escape(key)}</code>' for key in proof.keys),
        ),
    ]
    out.append(
        f"<p>The row of {escape(case.ticket)} as archived is leaf {proof.index} of the log's"
        " Merkle tree, whose checkpoint is signed. The proof below shows it; anyone holding"
        " the log's public key checks it without the log.</p>"
    )
    out.append(f"<table>{''.join(f'<tr><th>{k}</th><td>{v}</td></tr>' for k, v in facts)}</table>")
    out.append(f'<h3>The proof file</h3><pre id="proof-text">{escape(proof.text)}</pre>')
    out.append("<h3>How to check it</h3><ol>")
    out += [f"<li>{step}</li>" for step in _steps(case.ticket, proof)]
    out.append(
        "</ol><p>If every step holds, the row above is the one the log sealed at that leaf,"
        " and the holder of that key signed the tree holding it: a change to the row, its"
        " salt or its place breaks step 7 or 8.</p></section>"
    )
    return out


def _steps(ticket: str, proof: CaseProof) -> list[str]:
    """Plain steps to check the proof: with sheetlog, then by hand (already escaped)."""
    file = escape(shlex.quote(f"{ticket}{PROOF_SUFFIX}"))  # a Ticket ID is free text
    key = escape(proof.keys[0] if len(proof.keys) == 1 else "PUBKEY")
    signer, size, index = escape(proof.signer), proof.size, proof.index
    return [
        "Get the log's public key from its owner by a channel of your own, and compare it"
        " with the key above: a key only this page vouches for proves less.",
        f"Copy the proof file above, every line of it, into a file named <code>{file}</code>.",
        f"Run <code>sheetlog check-proof {file} --key &quot;{key}&quot;</code>. It should say"
        f" <q>proven: leaf {index} of the tree of {size} that {signer} signed</q> and list"
        " the row's cells, which should match the archived row above (personal cells"
        " appear only as a salted SHA-256).",
        "Or by hand, with any SHA-256 and Ed25519 tool: base64-decode the rest of the line"
        " that starts <code>extra </code>. These bytes are the row as sealed (a JSON"
        " document, a line feed, then a random salt).",
        "The leaf hash is the SHA-256 of one zero byte (0x00) followed by those bytes.",
        f"The lines after <code>index {index}</code>, up to the blank line, are the audit"
        " path: base64 hashes, the nearest first. Combine them as RFC 6962 §2.1.1 builds"
        f" the tree: start with r = the leaf hash, fn = {index} and sn = {size - 1};"
        " for each path hash p, when fn is odd or fn = sn, r becomes the SHA-256 of the"
        " byte 0x01, then p, then r, and fn and sn are halved (dropping the remainder)"
        " while fn is even and not 0; otherwise r becomes the SHA-256 of 0x01, then r,"
        " then p. Then halve fn and sn once more. At the end sn must be 0.",
        f"r must equal the checkpoint's root, <code>{escape(proof.root)}</code>: the third"
        " line after the blank line.",
        "The checkpoint's text is those three lines after the blank line (origin, tree"
        " size, root), each ending in a line feed. Its signature is the line starting"
        f" <code>— {signer} </code>: base64-decode the rest; after a 4-byte key id, the"
        " other 64 bytes are an Ed25519 signature of the checkpoint's text. Check it with"
        " the public key: the part after its last <code>+</code>, base64-decoded, less its"
        " first byte (0x01), is the 32-byte Ed25519 key.",
    ]


def _head(headings: Iterable[str]) -> str:
    return f"<thead><tr>{''.join(f'<th>{escape(h)}</th>' for h in headings)}</tr></thead>"


def _cells(cells: Iterable[str]) -> str:
    """Table cells of text already escaped."""
    return "".join(f"<td>{cell}</td>" for cell in cells)


def _text(value: object) -> str:
    """A cell's value as escaped text (nothing for an empty cell)."""
    return "" if value is None else escape(str(value))
