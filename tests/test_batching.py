"""Splitting big writes: every batch fits the request limit, every item is sent once and
in order, batches are full, and sizing does not cost the big part of a write per item."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given
from hypothesis import strategies as st

from sheetlog.backends.memory import MemoryBackend
from sheetlog.model.ops import AppendRows, Op, SetCells
from sheetlog.passes.batching import WRITE_HEADROOM, batches

LIMIT = 60_000


class Sized(MemoryBackend):
    """A backend whose writes cost their cells' characters, with a request limit; it
    counts how many cells it had to size."""

    write_limit = LIMIT

    def __init__(self) -> None:
        super().__init__()
        self.cells_sized = 0

    def write_size(self, ops: Sequence[Op]) -> int:
        cells = [
            str(value)
            for op in ops
            if isinstance(op, AppendRows | SetCells)
            for row in (op.rows if isinstance(op, AppendRows) else op.values)
            for value in row
        ]
        self.cells_sized += len(cells)
        return sum(len(cell) + 2 for cell in cells)


def _ops(rows: Sequence[str], helper: int = 0) -> list[Op]:
    """Rows to append plus, with any row, a helper column ``helper`` cells long (the way
    the archive pass's compare-and-delete carries one as long as Log)."""
    ops: list[Op] = [AppendRows("Log", tuple((r,) for r in rows))]
    if rows and helper:
        ops.append(SetCells("Log", 2, 9, tuple((n,) for n in range(helper))))
    return ops


@given(st.lists(st.integers(min_value=1, max_value=9_000), max_size=400))
def test_every_batch_fits_holds_its_items_in_order_and_is_full(lengths: list[int]) -> None:
    backend = Sized()
    rows = ["x" * n for n in lengths]
    found = batches(backend, rows, lambda group: _ops(group, helper=500))
    assert [row for batch in found for row in batch] == rows
    budget = LIMIT - WRITE_HEADROOM
    for number, batch in enumerate(found):
        assert backend.write_size(_ops(batch, helper=500)) <= budget
        if number + 1 < len(found):  # the next batch's first row would not have fitted,
            bigger = [*batch, found[number + 1][0]]  # with the 2 bytes an item keeps for ", "
            size = backend.write_size(_ops(bigger, helper=500))
            assert size + 2 * len(bigger) > budget


def test_a_row_too_big_for_any_batch_goes_alone() -> None:
    rows = ["a" * 10, "b" * (LIMIT * 2), "c" * 10]
    assert batches(Sized(), rows, _ops) == [rows[:1], rows[1:2], rows[2:]]


def test_sizing_costs_the_helper_column_per_group_not_per_row() -> None:
    backend = Sized()
    rows = [f"row {n:05}" for n in range(10_000)]
    helper = 3_000  # about a third of each request
    found = batches(backend, rows, lambda group: _ops(group, helper=helper))
    assert len(found) > 2
    # sized row by row, the helper column would be sized 10,000 times (3 * 10**7 cells)
    assert backend.cells_sized < len(rows) * helper // 50


def test_no_limit_is_one_batch_and_no_items_none() -> None:
    assert batches(MemoryBackend(), ["a", "b"], _ops) == [["a", "b"]]
    assert batches(Sized(), [], _ops) == []
