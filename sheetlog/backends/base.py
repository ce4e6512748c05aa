"""The small interface every backend implements.

A backend reads the tabs a command needs in one go (``read`` of a ``Scope``) and
applies a list of ``Op`` values in one atomic step (``write``) — one
``spreadsheets.batchUpdate`` on Google, one atomic file save on a local workbook.
The data it speaks lives in ``sheetlog.model.sheetdata`` and ``sheetlog.model.ops``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextlib import AbstractContextManager

from ..model.ops import Op
from ..model.sheetdata import Layout, Scope, Snapshot


class Backend(ABC):
    """Where a log lives. Implementations translate their errors into SheetlogError."""

    #: Shown to people: a URL or a file path.
    location: str

    #: The most characters one cell holds (``sheetdata.cell_length``): each backend sets it.
    #: Values are checked against it where rows are planned, so nothing is cut or half-written.
    chars_per_cell: int

    @abstractmethod
    def read(self, scope: Scope) -> Snapshot:
        """The values of the tabs ``scope`` names (those that exist), in one read."""

    @abstractmethod
    def read_layout(self, title: str) -> Layout | None:
        """The provisioning facts of one tab, or None when the tab does not exist."""

    @abstractmethod
    def write(self, ops: Sequence[Op]) -> None:
        """Apply ``ops`` atomically: all of them or none (``UncertainWrite``: unknown which)."""

    @abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """One pass's read-compute-write: a local workbook is locked and saved once at
        its end; Google has no lock (its writes check what they change) and trusts what
        it learned of the tabs only within it."""

    @abstractmethod
    def close(self) -> None:
        """Release locks and connections."""

    @abstractmethod
    def store_attachment(self, name: str, data: bytes, folder: str | None) -> tuple[str, str]:
        """Keep ``data`` as ``name`` in the log's attachments ``folder`` (None: make one
        beside the log); returns the link people open and the folder, as settings keep it."""

    @abstractmethod
    def stored_attachments(self, folder: str) -> dict[str, str]:
        """Every file kept in ``folder``: its name and the SHA-256 (hex) of its bytes now."""

    #: The largest write, in bytes, the service takes well (Google advises 2 MB); None: no limit.
    write_limit: int | None = None

    def write_size(self, ops: Sequence[Op]) -> int:
        """What ``ops`` cost against ``write_limit``, in bytes (asked only when there is one)."""
        raise NotImplementedError(f"{type(self).__name__} has no write limit")
