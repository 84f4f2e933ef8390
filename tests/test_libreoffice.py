"""A real spreadsheet program opens the workbooks: LibreOffice converts them, headless.

Installed by `.ci/run` from Debian's `libreoffice-calc-nogui`. Without it these tests are skipped
with a visible reason, except under CI, where they are required and fail: the workbooks are for
people who open them in a spreadsheet program.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import SOFFICE, codes, needs_libreoffice
from workbooks import WORKBOOKS
from xl_idf.records import Dossier
from xl_idf.template import append_rows, build_template
from xl_idf.workbook import read_workbook

pytestmark = needs_libreoffice


def convert(files: list[Path], output: Path, target: str = "xlsx") -> list[Path]:
    """Open each file in LibreOffice and save it as `target` in `output`."""
    assert SOFFICE, "LibreOffice (soffice) is needed: apt-get install libreoffice-calc-nogui"
    profile = output / "profile"
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--calc",
         "--convert-to", target, "--outdir", str(output), *map(str, files)],
        capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    converted = [output / f"{f.stem}.{target.split(':', maxsplit=1)[0]}" for f in files]
    for path in converted:
        assert path.is_file(), f"LibreOffice did not write {path.name}: {done.stdout}"
    return converted


@pytest.fixture(scope="module")
def resaved(tmp_path_factory) -> dict[str, Path]:
    """The committed workbooks, opened and saved again by LibreOffice."""
    output = tmp_path_factory.mktemp("libreoffice")
    files = sorted(WORKBOOKS.glob("*.xlsx"))
    return {path.name: path for path in convert(files, output)}


def test_libreoffice_opens_every_committed_workbook(resaved):
    assert set(resaved) == {p.name for p in WORKBOOKS.glob("*.xlsx")}
    assert {"modele-dossiers-idf.xlsx", "exemple-trimestre-2022T4.xlsx"} <= set(resaved)


def test_the_sample_reads_the_same_after_libreoffice(resaved, params):
    original = read_workbook(WORKBOOKS / "exemple-trimestre-2022T4.xlsx", params)
    again = read_workbook(resaved["exemple-trimestre-2022T4.xlsx"], params)
    assert again.dossiers == original.dossiers
    assert again.lines == original.lines
    assert again.payments == original.payments
    assert codes(again.findings) == codes(original.findings)


def test_the_template_keeps_its_headers_after_libreoffice(resaved, params):
    content = read_workbook(resaved["modele-dossiers-idf.xlsx"], params)
    assert content.findings == ()
    assert (content.dossiers, content.lines, content.payments) == ((), (), ())


def test_libreoffice_computes_a_formula_the_reader_could_not(programme, params, tmp_path):
    book = build_template(programme)
    append_rows(book, Dossier, [{"numero": "IDF-0001", "jours_p1": 5}])
    book["Dossiers"]["U2"] = "=T2*1000"
    path = tmp_path / "formule.xlsx"
    book.save(path)
    assert codes(read_workbook(path, params).findings) == ["F08"]
    (computed,) = convert([path], tmp_path / "out")
    (dossier,) = read_workbook(computed, params).dossiers
    assert str(dossier.montant_p1) == "5000.00"


@pytest.mark.parametrize("number_format", ["0%", "0.00 %"])
def test_a_percentage_cell_reads_the_same_after_libreoffice(
    programme, params, tmp_path, number_format
):
    book = build_template(programme)
    append_rows(book, Dossier, [{"numero": "IDF-0001", "part_recettes_production": 0.6}])
    book["Dossiers"]["H2"].number_format = number_format
    path = tmp_path / "part.xlsx"
    book.save(path)
    (resaved,) = convert([path], tmp_path / "out")
    for saved in (path, resaved):
        content = read_workbook(saved, params)
        assert content.dossiers[0].part_recettes_production == 60
        assert [(f.code, f.cell) for f in content.findings] == [("F05", "H2")]
