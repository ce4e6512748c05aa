"""Aligned plain-text tables for the terminal: the one renderer behind every table a command
prints (the summary sections, the validation report), so they all line up alike."""

from __future__ import annotations

from collections.abc import Container, Sequence

GAP = "  "


def table_lines(rows: Sequence[Sequence[str]], right: Container[int] = ()) -> list[str]:
    """``rows`` as lines, columns two spaces apart and as wide as their widest cell, left-aligned
    unless their index is in ``right``; a left-aligned last cell is not padded."""
    count = max((len(row) for row in rows), default=0)
    widths = [max(len(row[i]) for row in rows if i < len(row)) for i in range(count)]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(width) if i in right else cell if i == len(row) - 1 else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=False))
        ]
        lines.append(GAP.join(cells))
    return lines
