"""Every call into python-calamine, in one place: its errors and panics become a French reason.

A workbook's sheets are read ahead in a thread (`Book.prefetch`): python-calamine releases the
interpreter while it parses a sheet, so the sheet of lines is parsed while the sheet of dossiers
is typed.
"""

from __future__ import annotations

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


class WorkbookUnreadable(XlIdfError):
    """The file cannot be read as a workbook; the message says why, in French."""


class Book:
    """Every call into python-calamine, so that any error it raises is caught in one place."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._rows: dict[str, list[list[Any]]] = {}
        self._ahead: dict[str, Future[list[list[Any]] | None]] = {}
        self._reader: threading.Thread | None = None
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
        """Read these sheets in a thread, in order, while the caller types the ones read.

        python-calamine releases the interpreter while it parses a sheet: the sheet of lines
        is read while the sheet of dossiers is typed. Only this thread calls python-calamine
        until it is done; what it raised is raised again by `rows`, as if read there.
        """
        ahead: dict[str, Future[list[list[Any]] | None]] = {name: Future() for name in names}

        def read() -> None:
            failed = False
            for name, future in list(ahead.items()):  # `rows` takes them out of `ahead`
                if failed:
                    future.set_result(None)  # not read here: `rows` reads it (and fails) itself
                    continue
                try:
                    future.set_result(self._read(name))
                except BaseException as exc:  # a panic of calamine's native code included
                    future.set_exception(exc)
                    failed = True

        self._ahead = ahead
        self._reader = threading.Thread(target=read, name="xl-idf-calamine", daemon=True)
        self._reader.start()

    def close(self) -> None:
        """Wait for the thread reading ahead to be done (before this process forks)."""
        if self._reader is not None:
            self._reader.join()

    def rows(self, name: str) -> list[list[Any]]:
        """A sheet's cells, rows of values (read once)."""
        if name not in self._rows:
            future = self._ahead.pop(name, None)
            got = None if future is None else self._call(future.result)
            if got is None:
                if self._reader is not None:
                    self._reader.join()  # one call into python-calamine at a time
                got = self._call(lambda: self._read(name))
            self._rows[name] = got
        return self._rows[name]

    def _read(self, name: str) -> list[list[Any]]:
        sheet = self.book.get_sheet_by_name(name)
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
