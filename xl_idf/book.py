"""Every call into python-calamine, in one place: its errors and panics become a French reason.

A big workbook's sheets are read ahead, each in a thread (`Book.prefetch`): python-calamine
releases the interpreter while it parses a sheet, so the sheets are parsed side by side, the
sheet of lines while the sheet of dossiers is typed. A small one is read sheet after sheet: a
thread opens the workbook again, which costs more than its sheets take to read.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from python_calamine import CalamineError, CalamineWorkbook

from xl_idf import values
from xl_idf.errors import XlIdfError
from xl_idf.ooxml import table_starts

T = TypeVar("T")

# From this size on, a workbook's sheets are read ahead, each in a thread: below, each thread's
# opening of the workbook again costs more than the sheets side by side save (200 files of 10
# dossiers: 2.45 against 2.33 s read ahead with one worker, 1.70 against 1.47 s with two).
AHEAD_BYTES = 256 * 2**10


class WorkbookUnreadable(XlIdfError):
    """The file cannot be read as a workbook; the message says why, in French."""


class Book:
    """Every call into python-calamine, so that any error it raises is caught in one place."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._rows: dict[str, list[list[Any]]] = {}
        self._ahead: dict[str, Future[list[list[Any]]]] = {}
        self._readers: list[threading.Thread] = []
        book = self._call(lambda: CalamineWorkbook.from_path(str(path), load_tables=True))
        self.book = book
        self.names = {values.fold(name): name for name in self._call(lambda: book.sheet_names)}
        # Each table's sheet by the table's folded name, and each sheet's first data row.
        self.tables: dict[str, str] = {}
        self.first_data_rows: dict[str, int] = {}
        names = self._call(lambda: book.table_names) or ()
        # The tables' places from their XML parts: calamine would read each sheet again.
        starts = table_starts(path) if names else {}
        for table_name in names:
            start: int | None
            if starts is not None and table_name in starts:
                sheet, start = starts[table_name]
            else:
                table = self._table(table_name)
                if table is None:
                    continue
                sheet, start = table.sheet, table.start[0] if table.start else None
            self.tables[values.fold(table_name)] = sheet
            if start is not None:
                self.first_data_rows.setdefault(sheet, start)

    def prefetch(self, names: list[str]) -> None:
        """Read these sheets ahead, each in a thread of its own, while the caller types them;
        only if the workbook is big (`AHEAD_BYTES`): a small one is read as asked.

        python-calamine releases the interpreter while it parses a sheet: the sheets are parsed
        side by side (the sheet of lines, the longest, beside the others) while the caller
        types each one read. Each thread opens the file for itself, as one python-calamine
        workbook answers one call at a time. What a thread raised is raised again by `rows`,
        as if read there.
        """
        try:
            small = os.stat(self.path).st_size < AHEAD_BYTES
        except OSError:
            small = True
        if small:
            return
        ahead: dict[str, Future[list[list[Any]]]] = {name: Future() for name in names}

        def read(name: str, future: Future[list[list[Any]]]) -> None:
            try:
                own = CalamineWorkbook.from_path(str(self.path))
                future.set_result(self._read(name, own))
            except BaseException as exc:  # a panic of calamine's native code included
                future.set_exception(exc)

        self._ahead = ahead
        self._readers = [
            threading.Thread(target=read, args=item, name="xl-idf-calamine", daemon=True)
            for item in ahead.items()
        ]
        for reader in self._readers:
            reader.start()

    def close(self) -> None:
        """Wait for the threads reading ahead to be done (before this process forks)."""
        for reader in self._readers:
            reader.join()

    def rows(self, name: str) -> list[list[Any]]:
        """A sheet's cells, rows of values (read once)."""
        if name not in self._rows:
            future = self._ahead.pop(name, None)
            if future is not None:
                got = self._call(future.result)
            else:
                got = self._call(lambda: self._read(name, self.book))
            self._rows[name] = got
        return self._rows[name]

    @staticmethod
    def _read(name: str, book: CalamineWorkbook) -> list[list[Any]]:
        sheet = book.get_sheet_by_name(name)
        rows: list[list[Any]] = sheet.to_python(skip_empty_area=False)
        return rows

    def forget(self, name: str) -> None:
        """Let a sheet's cells go."""
        self._rows.pop(name, None)

    def _table(self, name: str) -> Any:
        """A table, or None for one holding only its header row (calamine panics on it)."""
        try:
            return self.book.get_table_by_name(name)
        except (CalamineError, OSError, ValueError) as exc:
            raise WorkbookUnreadable(f"{self.path.name} : classeur illisible ({exc})") from None
        except BaseException as exc:
            if _is_panic(exc):
                # LibreOffice writes a table without data row as A1:D1: an empty table, whose
                # sheet is still found by its name or its header row.
                return None
            raise

    def _call(self, call: Callable[[], T]) -> T:
        try:
            return call()
        except (CalamineError, OSError, ValueError) as exc:
            raise WorkbookUnreadable(f"{self.path.name} : classeur illisible ({exc})") from None
        except BaseException as exc:
            if _is_panic(exc):
                raise WorkbookUnreadable(
                    f"{self.path.name} : classeur illisible (plage de cellules invalide)"
                ) from None
            raise


def _is_panic(exc: BaseException) -> bool:
    """Whether `exc` is a panic of calamine's native code (pyo3's PanicException).

    It derives from BaseException, not Exception, and cannot be imported by name.
    """
    return type(exc).__name__ == "PanicException"
