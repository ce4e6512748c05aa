"""The local workbook backend: an .xlsx file, read with python-calamine.

Writes that only set cells, append rows or add a tab (append, update, validate)
patch the package: only the parts they change are rewritten, every other part is
copied as it is (``xlsxpatch``), so their cost does not grow with the history.
Other writes (init, archive, summary, retention) go through openpyxl (``xlsxbook``).

Safe to share with people who open the file in Excel or LibreOffice: it
refuses to write while their lock file exists, holds a lock of its own so two
sheetlog runs never interleave, notices a file changed behind its back, and
saves atomically (temp file in the same folder, fsync, ``os.replace``). Writes
inside one ``transaction`` go to a temp file (or an in-memory openpyxl workbook)
that replaces the workbook once, at its end, so a pass interrupted halfway leaves
the file exactly as it was.

A write that finds a tab's charts gone (another program saved the workbook
without them) goes through openpyxl, whose save draws them afresh (``xlsxbook``).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from filelock import FileLock, Timeout

from ..errors import AccessError, BackendError, LockedError
from ..model.ops import AddTab, AppendRows, Op
from ..model.sheetdata import XLSX_CHARS_PER_CELL, Layout, Scope, Snapshot
from ..model.workbook import SETTINGS_TAB, chart_tabs
from . import xlsxpatch
from .base import Backend
from .calamine import calamine_snapshot

if TYPE_CHECKING:  # openpyxl loads only for the writes the patcher does not take
    from openpyxl import Workbook

LOCK_WAIT_SECONDS = 120.0
"""How long a writer queues for the lock: a dozen agents appending at once all land."""
LOCK_POLL_SECONDS = 0.02
STALE_TEMP_SECONDS = 3600.0
"""A temp file of ours older than this was left by a run that was killed: the next write
removes it (a live run's temp file lives for seconds)."""
TEMP_SUFFIX = ".tmp"

logger = logging.getLogger("sheetlog")


class LocalBackend(Backend):
    """A log kept in one .xlsx file."""

    chars_per_cell = XLSX_CHARS_PER_CELL

    def __init__(self, path: Path) -> None:
        self.path = path.expanduser().resolve()
        self.location = str(self.path)
        self._book: Workbook | None = None
        self._pending: Path | None = None
        self._stamp: tuple[int, int] | None = None
        self._stamped = False
        self._lock_depth = 0
        self._lock: FileLock | None = None
        self._dirty = False

    # --- locking ----------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the lock across a read-compute-write; save once if anything was written."""
        self._acquire()
        try:
            yield
            if self._lock_depth == 1 and self._dirty and self._book is not None:
                self._pending = self._saved(self._book)
            if self._lock_depth == 1 and self._pending is not None:
                self._refuse_if_open_elsewhere()
                self._check_unchanged()
                self._replace(self._pending)
                self._pending = None
        finally:
            self._release()

    def store_attachment(self, name: str, data: bytes, folder: str | None) -> tuple[str, str]:
        """A file in ``<workbook>-attachments`` beside the workbook (written whole, then
        renamed into place); the link is relative, so it opens wherever the two move."""
        folder = folder or re.sub(r"[^\w.-]+", "-", self.path.stem) + "-attachments"
        target = self.path.parent / folder / name
        try:
            if not (target.exists() and _sha256(target) == hashlib.sha256(data).hexdigest()):
                target.parent.mkdir(parents=True, exist_ok=True)
                partial = target.with_name(f".{name}.partial")
                partial.write_bytes(data)
                os.replace(partial, target)
        except OSError as exc:
            raise BackendError(f"cannot keep the attachment {target}: {exc.strerror}") from exc
        return f"{folder}/{name}", folder

    def stored_attachments(self, folder: str) -> dict[str, str]:
        """Each file of the folder, hashed again."""
        where = self.path.parent / folder
        if not where.is_dir():
            return {}
        return {
            path.name: _sha256(path)
            for path in where.iterdir()
            if path.is_file() and not path.name.startswith(".")
        }

    def close(self) -> None:
        """Drop a transaction left open (its writes unsaved) and release the lock."""
        if self._lock_depth:
            self._lock_depth = 1
            self._release()

    def _acquire(self) -> None:
        """Take the workbook's lock (a lock file beside it, on Linux, macOS and Windows);
        writers queue for it up to ``LOCK_WAIT_SECONDS``. While there is no workbook there
        is nothing to guard: the first write takes the lock (and makes the folder), so a
        command given a mistyped path leaves neither a lock file nor a folder behind."""
        self._lock_depth += 1
        if self._lock_depth > 1 or not self.path.exists():
            return
        try:
            self._take_lock()
        except BaseException:
            self._lock_depth -= 1
            raise

    def _take_lock(self) -> None:
        lock_path = self.path.with_name(f".{self.path.name}.sheetlog-lock")
        try:
            if not self.path.parent.exists():  # a new workbook (init) in a new folder
                self.path.parent.mkdir(parents=True, exist_ok=True)
            lock = FileLock(lock_path, mode=new_file_mode() | 0o600)  # teammates' runs too
            lock.acquire(timeout=LOCK_WAIT_SECONDS, poll_interval=LOCK_POLL_SECONDS)
        except Timeout:
            raise LockedError(
                f"another sheetlog run is using {self.path}; try again when it ends"
            ) from None
        except OSError as exc:
            raise AccessError(f"cannot open {lock_path}: {exc.strerror}") from exc
        self._lock = lock

    def _release(self) -> None:
        self._lock_depth -= 1
        if self._lock_depth == 0:
            self._book = None
            self._dirty = False
            self._stamped = False
            if self._pending is not None:
                self._pending.unlink(missing_ok=True)
                self._pending = None
            if self._lock is not None:
                self._lock.release()
                self._lock = None

    def _refuse_if_open_elsewhere(self) -> None:
        """Excel and LibreOffice leave lock files while a person has the workbook open."""
        for name in (f"~${self.path.name}", f".~lock.{self.path.name}#"):
            if (self.path.parent / name).exists():
                raise LockedError(
                    f"{self.path} is open in Excel or LibreOffice ({name} exists);"
                    " close it there and run again"
                )

    # --- reading ----------------------------------------------------------------------

    @property
    def _source(self) -> Path:
        """The file reads and writes start from: this transaction's pending writes, if any."""
        return self._pending or self.path

    def _note_stamp(self) -> None:
        """Remember the file as first seen in this transaction, to notice others' saves."""
        if self._stamped:
            return
        self._stamp = _stamp(self.path)
        self._stamped = self._lock_depth > 0

    def _load(self) -> Workbook:
        """The workbook in openpyxl's model, kept for the rest of the transaction."""
        if self._book is not None:
            return self._book
        from . import xlsxbook

        self._note_stamp()
        book = xlsxbook.load_book(self._source, self.path)
        if self._lock_depth:
            self._book = book
        return book

    def read(self, scope: Scope) -> Snapshot:
        if self._book is not None:
            from . import xlsxbook

            return xlsxbook.book_snapshot(self._book, scope)
        self._note_stamp()
        source = self._source
        if not source.exists():
            return Snapshot({})
        return calamine_snapshot(source, scope, self.path)

    def read_layout(self, title: str) -> Layout | None:
        from . import xlsxbook

        return xlsxbook.book_layout(self._load(), title)

    # --- writing ----------------------------------------------------------------------

    def write(self, ops: Sequence[Op]) -> None:
        with self.transaction():
            if self._lock is None:  # the workbook is new: guard it from now on
                self._take_lock()
            self._refuse_if_open_elsewhere()
            self._refuse_if_read_only()
            source = self._source
            if self._book is None and source.exists() and xlsxpatch.patchable(ops):
                self._note_stamp()
                try:
                    if not _charts_lost(source):
                        self._patch(with_new_tabs(ops, xlsxpatch.titles(source)))
                        return
                except ValueError as exc:  # a workbook the patcher cannot edit safely
                    logger.info("writing %s through openpyxl: %s", self.path, exc)
            from . import xlsxbook

            book = self._load()
            try:
                for op in with_new_tabs(ops, book.sheetnames):
                    xlsxbook.apply(book, op)
            except BaseException:
                self._book = None  # the in-memory copy is half-changed: drop it all
                self._dirty = False
                raise
            self._dirty = True

    def _patch(self, ops: Sequence[Op]) -> None:
        """Write ``ops`` into a new temp copy of the package; it becomes the pending file."""
        handle = self._temp()
        target = Path(handle.name)
        try:
            with handle:
                xlsxpatch.patch(self._source, handle, ops)
        except OSError as exc:  # a full disk, a file gone unreadable
            target.unlink(missing_ok=True)
            raise self._cannot_write(exc) from exc
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        if self._pending is not None:
            self._pending.unlink(missing_ok=True)
        self._pending = target

    def _check_unchanged(self) -> None:
        """Refuse to overwrite a file that someone saved after we read it."""
        now = _stamp(self.path)
        if self._stamp is None and now is not None:
            raise BackendError(f"{self.path} appeared while sheetlog was working; run again")
        if now != self._stamp:
            raise BackendError(
                f"{self.path} was changed by another program while sheetlog was working;"
                " nothing was written, run again"
            )

    def _refuse_if_read_only(self) -> None:
        """A workbook someone made read-only is not replaced behind their back."""
        try:
            mode = self.path.stat().st_mode
        except FileNotFoundError:
            return
        if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(
            self.path, os.W_OK
        ):
            raise AccessError(f"{self.path} is read-only; nothing was written")

    def _temp(self) -> Any:
        """A new temp file beside the workbook (same folder: ``os.replace`` stays atomic)."""
        try:
            return tempfile.NamedTemporaryFile(
                dir=self.path.parent, prefix=f".{self.path.stem}.", suffix=TEMP_SUFFIX, delete=False
            )
        except OSError as exc:
            raise AccessError(
                f"cannot write in {self.path.parent}: {exc.strerror}; nothing was written"
            ) from exc

    def _cannot_write(self, exc: OSError) -> AccessError:
        return AccessError(f"cannot write {self.path}: {exc.strerror or exc}; nothing was written")

    def _sweep_stale_temps(self) -> None:
        """Remove the temp files of this workbook that a killed run left behind."""
        name = re.compile(
            re.escape(f".{self.path.stem}.") + r"[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX)
        )
        cutoff = time.time() - STALE_TEMP_SECONDS
        try:
            entries = list(os.scandir(self.path.parent))
        except OSError:
            return
        for entry in entries:
            try:
                if name.fullmatch(entry.name) and entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)
                    logger.info("removed %s, left by an interrupted run", entry.path)
            except OSError:
                continue

    def _saved(self, book: Workbook) -> Path:
        """Save ``book`` (charts drawn afresh) to a temp file, which replaces any pending one."""
        from . import xlsxbook

        handle = self._temp()
        target = Path(handle.name)
        try:
            with handle:
                xlsxbook.save_book(book, handle)
        except OSError as exc:
            target.unlink(missing_ok=True)
            raise self._cannot_write(exc) from exc
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        if self._pending is not None:
            self._pending.unlink(missing_ok=True)
        return target

    def _replace(self, pending: Path) -> None:
        """Make ``pending`` the workbook: fsync it, keep the mode (a new workbook gets the
        umask's, as any new file would: temp files are private), rename, fsync the folder."""
        try:
            with open(pending, "rb+") as handle:
                os.fsync(handle.fileno())
            if self.path.exists():
                os.chmod(pending, self.path.stat().st_mode & 0o777)
            else:
                os.chmod(pending, new_file_mode())
            os.replace(pending, self.path)
        except OSError as exc:
            pending.unlink(missing_ok=True)
            raise self._cannot_write(exc) from exc
        except BaseException:
            pending.unlink(missing_ok=True)
            raise
        self._sweep_stale_temps()
        if hasattr(os, "O_DIRECTORY"):  # POSIX: make the rename itself durable
            dir_fd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        self._stamp = _stamp(self.path)


def with_new_tabs(ops: Sequence[Op], titles: Sequence[str]) -> list[Op]:
    """``ops`` with an ``AddTab`` before each ``AppendRows`` whose tab is still missing."""
    present = set(titles)
    found: list[Op] = []
    for op in ops:
        if isinstance(op, AddTab):
            present.add(op.title)
        if isinstance(op, AppendRows) and op.header is not None and op.tab not in present:
            found.append(AddTab(op.tab, op.header, hidden=op.hidden))
            present.add(op.tab)
        found.append(op)
    return found


def _charts_lost(source: Path) -> bool:
    """Whether a tab whose charts the settings tab keeps has lost them (another program
    saved the workbook without them): openpyxl's save then draws them afresh."""
    settings = calamine_snapshot(source, Scope.of(SETTINGS_TAB), source).tab(SETTINGS_TAB)
    if settings is None:
        return False
    charted = chart_tabs(settings)
    titles = set(xlsxpatch.titles(source))
    return bool((charted & titles) - xlsxpatch.drawn(source))


def _sha256(path: Path) -> str:
    """The SHA-256 (hex) of a file's bytes, read in blocks."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def new_file_mode() -> int:
    """The mode a new file gets under the process umask (read by setting it, the only
    portable way, and putting it back): a shared folder's teammates can open it."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _stamp(path: Path) -> tuple[int, int] | None:
    """What tells a file's saves apart: modification time and size (None: no file)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (stat.st_mtime_ns, stat.st_size)
