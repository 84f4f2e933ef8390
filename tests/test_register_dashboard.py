"""The finance team's dashboard: its tables and native charts, and its pages as LibreOffice
prints them (one page per chart)."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from test_libreoffice import convert
from test_register_story import quarter_files, validate
from typer.testing import CliRunner

from conftest import needs_libreoffice, needs_poppler
from xl_idf.cli import app

runner = CliRunner()
CHARTS = {
    "Entreprises": "Entreprises aidées depuis le début, face à l'objectif du programme",
    "Départements": "Subvention accordée par département",
    "Prestataires": "Subvention accordée par prestataire",
    "Versements": "Dû, versé et reste à verser par trimestre",
}


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dashboard of the four-quarter story (SQLite)."""
    folder = tmp_path_factory.mktemp("tableau")
    url = str(folder / "registre-idf.sqlite")
    for quarter, paths in quarter_files(folder).items():
        validate(url, quarter, paths)
    path = folder / "tableau-de-bord.xlsx"
    result = runner.invoke(app, ["registre", "classeur", "--registre", url, "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


def test_the_dashboard_holds_the_state_and_four_native_charts(dashboard: Path) -> None:
    with zipfile.ZipFile(dashboard) as archive:
        charts = sorted(
            n for n in archive.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)
        )
        titles = [archive.read(n).decode() for n in charts]
    assert len(charts) == 4
    for title in CHARTS.values():
        assert sum(title.replace("'", "&apos;") in t or title in t for t in titles) == 1
    book = openpyxl.load_workbook(dashboard)
    assert book.sheetnames == ["État", *CHARTS]
    state = book["État"]
    assert [c.value for c in state[1]][:5] == [
        "Trimestre", "Prestataire", "Département", "Dossiers", "Entreprises aidées",
    ]  # fmt: skip
    last = [c.value for c in state[state.max_row]]
    assert last[:7] == ["2022T4", "Total", None, 3, 3, 3, 400]
    assert last[7] == 45000
    for name in CHARTS:
        sheet = book[name]
        assert len(sheet._charts) == 1
        assert sheet.page_setup.orientation == "landscape"
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 1)


@needs_libreoffice
@needs_poppler
def test_libreoffice_prints_one_page_per_chart(dashboard: Path, tmp_path: Path) -> None:
    (pdf,) = convert([dashboard], tmp_path, "pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert re.search(r"^Pages:\s+5$", info.stdout, re.MULTILINE)
    for page, (sheet, title) in enumerate(CHARTS.items(), start=2):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        # The sheet's heading, and the chart drawn with its own title and legend.
        assert text.count(title.split(",")[0]) >= 2, text
        assert f"{sheet} — Page {page} sur 5" in text
    # A chart is drawn, not left out: its axis labels are on the page.
    last = subprocess.run(["pdftotext", "-f", "5", "-l", "5", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert "Reste à verser" in last
    # The amount axis goes to 40,000 (its separators follow the printing program's language).
    assert re.search(r"40\W?000\W*€", last), last


def test_the_companies_chart_marks_each_quarter_so_that_one_quarter_shows(dashboard: Path) -> None:
    """A line of one point draws nothing: each point has its marker (a register of one quarter
    still shows its companies against the target)."""
    with zipfile.ZipFile(dashboard) as archive:
        lines = [archive.read(n).decode() for n in archive.namelist()
                 if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]  # fmt: skip
    (line,) = [chart for chart in lines if "<lineChart>" in chart]
    assert re.findall(r"<marker><symbol val=\"(\w+)\"", line) == ["circle", "diamond"]
