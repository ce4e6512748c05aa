"""Small pieces of the sentences sheetlog prints and writes to Audit."""

from __future__ import annotations


def count(number: int, noun: str) -> str:
    """``1 row``, ``2 rows``, ``3 fixes``: a number with its noun, plural when not 1."""
    if number == 1:
        return f"1 {noun}"
    return f"{number} {noun}{'es' if noun.endswith('x') else 's'}"
