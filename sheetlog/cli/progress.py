"""The progress bar of long runs (``import``): on stderr at a terminal only, so cron
jobs and pipes get clean output."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

PROGRESS_MIN_ROWS = 2000


@contextmanager
def progress_bar(total: int, label: str) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr for long runs at a terminal; None for cron jobs and pipes."""
    stream = sys.stderr
    if total <= PROGRESS_MIN_ROWS or not stream.isatty():
        yield None
        return
    with click.progressbar(length=total, label=label, file=stream) as bar:
        yield bar.update
