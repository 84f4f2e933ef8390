"""Helpers of the workbook tests: the build script, and a workbook described for comparison."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import openpyxl

ROOT = Path(__file__).parents[1]
WORKBOOKS = ROOT / "workbooks"


def build_script(name: str = "build_workbooks") -> ModuleType:
    """scripts/<name>.py, imported as a module."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def layout(cell: Any) -> tuple[Any, ...]:
    """How a cell's text is laid out: its font and alignment."""
    a = cell.alignment
    return (cell.font.name, cell.font.sz, a.horizontal, a.vertical, a.wrap_text, a.indent)


def page_setup(sheet: Any) -> dict[str, Any]:
    """How a sheet prints: page setup, print titles, footer, breaks, row heights, merged cells."""
    setup, margins, footer = sheet.page_setup, sheet.page_margins, sheet.oddFooter
    return {
        "page": (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight,
                 sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.print_title_rows),
        "margins": (margins.left, margins.right, margins.top, margins.bottom),
        "footer": (footer.left.text, footer.center.text, footer.right.text),
        "breaks": [b.id for b in sheet.row_breaks.brk],
        "heights": {r: d.height for r, d in sheet.row_dimensions.items() if d.height},
        "merged": sorted(str(r) for r in sheet.merged_cells.ranges),
    }  # fmt: skip


def describe(path: Path) -> dict[str, Any]:
    """What matters in a workbook: cells, styles, validations, tables, protection, properties."""
    book = openpyxl.load_workbook(path)
    sheets = {}
    for sheet in book.worksheets:
        cells = {
            cell.coordinate: (
                cell.value, cell.number_format, cell.font.b, cell.fill.fgColor.rgb,
                cell.protection.locked, layout(cell),
            )
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None or cell.has_style
        }  # fmt: skip
        sheets[sheet.title] = {
            "state": sheet.sheet_state,
            "cells": cells,
            "validations": sorted(
                (
                    str(v.sqref),
                    v.type,
                    v.formula1,
                    v.formula2,
                    v.operator,
                    v.errorStyle,
                    v.error,
                    v.prompt,
                    v.promptTitle,
                )
                for v in sheet.data_validations.dataValidation
            ),
            "tables": dict(sheet.tables.items()),  # name -> ref
            "freeze": sheet.freeze_panes,
            "widths": {k: d.width for k, d in sheet.column_dimensions.items()},
            "column_formats": {
                k: (d.number_format, d.protection.locked)
                for k, d in sheet.column_dimensions.items()
            },
            "protection": (sheet.protection.sheet, sheet.protection.insertRows),
            "print": page_setup(sheet),
        }
    props = book.properties
    return {
        "order": book.sheetnames,
        "sheets": sheets,
        "names": sorted((n, d.attr_text) for n, d in book.defined_names.items()),
        "properties": (props.title, props.subject, props.keywords, props.creator, props.created),
        "custom": sorted((p.name, p.value) for p in book.custom_doc_props),
    }
