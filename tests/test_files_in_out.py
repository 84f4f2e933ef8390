"""Files in, files out: the files a user meant are read, nothing of theirs is ever written over.

Each test replays what a user did (SPEC 4.3 and 5): the command, its exit code, its French
message, and the bytes of every input before and after.
"""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from test_libreoffice import convert
from test_validate import DOSSIER, workbook
from typer.testing import CliRunner

from conftest import needs_libreoffice
from xl_idf.cli import app
from xl_idf.files import write_atomically, write_text_atomically

runner = CliRunner()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(*args: str) -> tuple[int, str, str]:
    """`xl-idf ARGS`: exit code, standard output, standard error."""
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def quarter(tmp_path: Path, programme) -> Path:
    return workbook(tmp_path, programme, name="q3.xlsx")


# --- Never write over what a user has -----------------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    [
        pytest.param(lambda q: q, id="same-path"),
        pytest.param(lambda q: q.parent / "." / ".." / q.parent.name / q.name, id="other-spelling"),
    ],
)
def test_output_never_names_an_input(quarter: Path, spelling) -> None:
    before = digest(quarter)
    # A report named like the workbook, but with another extension, is fine; the workbook is not.
    target = spelling(quarter).with_suffix(".json")
    code, _, err = run("validate", str(quarter), "--output", str(target))
    assert code == 0, err
    code, out, err = run("validate", str(quarter), "--output", str(spelling(quarter)))
    assert code == 2
    assert "ne s'écrit pas dans un classeur (.xlsx)" in err
    assert out == ""
    assert digest(quarter) == before


def test_output_through_a_link_to_an_input_is_refused(quarter: Path, tmp_path: Path) -> None:
    before = digest(quarter)
    link = tmp_path / "rapport.json"
    link.symlink_to(quarter)
    code, out, err = run("validate", str(quarter), "--output", str(link))
    assert code == 2
    assert f"« {link} » est un fichier contrôlé, qui n'est jamais remplacé" in err
    assert out == ""
    assert digest(quarter) == before


def test_output_with_a_workbook_extension_is_refused(quarter: Path, tmp_path: Path) -> None:
    code, _, err = run("validate", str(quarter), "--output", str(tmp_path / "rapport.xlsx"))
    assert code == 2
    assert "le rapport est du texte et ne s'écrit pas dans un classeur (.xlsx)" in err
    assert not (tmp_path / "rapport.xlsx").exists()


def test_template_refuses_an_existing_file_unless_forced(quarter: Path) -> None:
    before = digest(quarter)
    code, _, err = run("template", "-o", str(quarter))
    assert code == 2
    assert "existe déjà et n'est pas remplacé" in err
    assert "--force" in err
    assert digest(quarter) == before
    code, out, _ = run("template", "-o", str(quarter), "--force")
    assert code == 0
    assert f"Modèle écrit : {quarter}" in out
    assert digest(quarter) != before


def test_unwritable_annotate_folder_is_refused_before_any_file_is_read(
    quarter: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "pas-un-dossier"
    blocker.write_text("x", encoding="utf-8")
    started = time.monotonic()
    code, out, err = run("validate", str(quarter), "--annotate", str(blocker / "copies"))
    assert code == 2
    assert "copies annotées impossibles" in err
    assert out == ""  # no report: nothing was checked
    assert time.monotonic() - started < 5
    code, out, err = run("validate", str(quarter), "--annotate", str(blocker))
    assert (code, out) == (2, "")
    assert "est un fichier : donner un dossier pour les copies" in err


def test_unwritable_output_folder_is_refused_before_any_file_is_read(
    quarter: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "fichier"
    blocker.write_text("x", encoding="utf-8")
    code, out, err = run("validate", str(quarter), "--output", str(blocker / "r.json"))
    assert (code, out) == (2, "")
    assert "impossible à écrire" in err


# --- Choose the files a user meant -----------------------------------------------------------


def test_a_folder_means_its_top_level_and_recursive_descends(tmp_path: Path, programme) -> None:
    folder = tmp_path / "T3"
    folder.mkdir()
    workbook(folder, programme, name="q3.xlsx")
    archives = folder / "archives"
    archives.mkdir()
    workbook(archives, programme, name="q2.xlsx")
    code, out, _ = run("validate", str(folder), "--format", "json")
    assert code == 0
    assert [f["path"] for f in json.loads(out)["files"]] == [str(folder / "q3.xlsx")]
    code, out, _ = run("validate", str(folder), "--format", "json", "--recursive")
    assert [f["path"] for f in json.loads(out)["files"]] == [
        str(archives / "q2.xlsx"),
        str(folder / "q3.xlsx"),
    ]


def test_hidden_and_temporary_files_are_skipped_and_said(tmp_path: Path, programme) -> None:
    folder = tmp_path / "T3"
    folder.mkdir()
    workbook(folder, programme, name="q3.xlsx")
    (folder / "._q3.xlsx").write_bytes(b"\x00\x05\x16\x07 macOS resource fork")
    (folder / "~$q3.xlsx").write_bytes(b"lock file of Excel")
    code, out, err = run("validate", str(folder), "--format", "json")
    assert code == 0, err
    assert len(json.loads(out)["files"]) == 1
    assert f"« {folder / '._q3.xlsx'} » ignoré : fichier caché ou temporaire" in err
    assert f"« {folder / '~$q3.xlsx'} » ignoré : fichier caché ou temporaire" in err


def test_annotating_into_the_quarter_folder_twice_checks_only_the_quarter(
    tmp_path: Path, programme
) -> None:
    folder = tmp_path / "T3"
    folder.mkdir()
    quarter = workbook(folder, programme, {"code_postal": "81000"}, name="q3.xlsx")
    before = digest(quarter)
    for _ in range(2):
        code, out, err = run("validate", str(folder), "--format", "json", "--annotate",
                             str(folder))  # fmt: skip
        assert code == 0, err
        report = json.loads(out)
        assert [f["path"] for f in report["files"]] == [str(quarter)]
        assert "C01" not in out
    assert (
        f"« {folder / 'q3-controle.xlsx'} » ignoré : copie annotée par xl-idf de « q3.xlsx »"
        in (err)
    )
    assert sorted(p.name for p in folder.iterdir()) == ["q3-controle.xlsx", "q3.xlsx"]
    assert digest(quarter) == before


def test_the_same_file_named_twice_is_checked_once(quarter: Path, monkeypatch) -> None:
    monkeypatch.chdir(quarter.parent)
    code, out, _ = run("validate", "q3.xlsx", str(quarter), f"./{quarter.name}", "--format",
                       "json")  # fmt: skip
    assert code == 0
    assert json.loads(out)["summary"]["files"] == 1


# --- CSV that French Excel opens, with the money in it -----------------------------------------


def test_csv_has_a_bom_wherever_it_goes(quarter: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(quarter), "--format", "csv"])
    assert result.stdout_bytes.startswith("\ufeff".encode())
    target = tmp_path / "r.csv"
    runner.invoke(app, ["validate", str(quarter), "--output", str(target)])
    assert target.read_bytes().startswith("\ufeff".encode())


def test_csv_of_dossiers_gives_status_and_money(quarter: Path) -> None:
    result = runner.invoke(app, ["validate", str(quarter), "--format", "csv", "--contenu",
                                 "dossiers"])  # fmt: skip
    assert result.exit_code == 0
    header, row = result.stdout.lstrip("\ufeff").splitlines()
    columns = header.split(";")
    values = dict(zip(columns, row.split(";"), strict=True))
    # The clean dossier: 6,000 + 15,000; everything justified; nothing recorded as paid.
    assert (values["dossier"], values["statut du fichier"], values["éligibilité"]) == (
        DOSSIER["numero"],
        "valide",
        "éligible",
    )
    subsidy = ("subvention phase 1", "subvention phase 2", "subvention totale")
    assert [values[c] for c in subsidy] == ["6000,00", "15000,00", "21000,00"]
    assert [values[f"dû {i}"] for i in ("phase 1", "acompte phase 2", "solde phase 2")] == [
        "6000,00", "10500,00", "4500,00"
    ]  # fmt: skip
    assert values["déjà versé phase 1"] == "0,00"
    assert values["reste à verser solde phase 2"] == "4500,00"
    assert values["compté dans les totaux"] == "oui"


# --- Written whole or not at all ----------------------------------------------------------------


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    target.write_text("ancien", encoding="utf-8")

    def fail(stream) -> None:
        stream.write(b"moitie")
        raise RuntimeError("interrompu")

    with pytest.raises(RuntimeError):
        write_atomically(target, fail)
    assert target.read_text(encoding="utf-8") == "ancien"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]
    write_text_atomically(target, "nouveau")
    assert target.read_text(encoding="utf-8") == "nouveau"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_an_interrupted_run_leaves_no_half_written_file(
    sig: signal.Signals, tmp_path: Path, programme
) -> None:
    folder = tmp_path / "T3"
    folder.mkdir()
    # 2,000 lines without service date (F07 each): the annotated copy takes seconds to write.
    lines = [
        {"dossier": DOSSIER["numero"], "phase": 2, "prestataire": "AFNOR",
         "numero_facture": f"F-{n}", "jours": 1, "montant_ht": 100,
         "departement_prestation": "31"}
        for n in range(2000)
    ]  # fmt: skip
    source = workbook(folder, programme, lines=lines, name="q3.xlsx")
    before = digest(source)
    copies = tmp_path / "copies"
    report = tmp_path / "rapport.json"
    command = [sys.executable, "-m", "xl_idf", "validate", str(folder), "--annotate",
               str(copies), "--output", str(report)]  # fmt: skip
    # The report is written first, then the copy: once the report is there, the process is
    # writing the copy; it is interrupted at several moments of that.
    for delay in (0.0, 0.5, 1.5):
        report.unlink(missing_ok=True)
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while not report.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(delay)
        process.send_signal(sig)
        _, err = process.communicate(timeout=60)
        if sig is signal.SIGINT and process.returncode == 130:
            assert "Interrompu : aucun fichier n'a été laissé à moitié écrit." in err.decode()
            assert "Traceback" not in err.decode()
        # Whatever was written is whole: a report that parses, copies that are whole zips,
        # and nothing else (no temporary file).
        json.loads(report.read_text(encoding="utf-8"))
        for copy in copies.iterdir():
            assert copy.name == "q3-controle.xlsx", copy.name
            with zipfile.ZipFile(copy) as archive:
                assert archive.testzip() is None
        assert digest(source) == before
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".~")]


# --- Read what is there ------------------------------------------------------------------------


@needs_libreoffice
def test_a_table_with_only_its_header_is_an_empty_sheet(tmp_path: Path, programme) -> None:
    # A provider with no payment yet: LibreOffice writes the Versements table as A1:D1.
    book = openpyxl.load_workbook(workbook(tmp_path, programme, name="source.xlsx"))
    table = book["Versements"].tables["Versements"]
    table.ref = table.autoFilter.ref = "A1:D1"
    book.save(tmp_path / "q3.xlsx")
    (resaved,) = convert([tmp_path / "q3.xlsx"], tmp_path / "libreoffice")
    with zipfile.ZipFile(resaved) as archive:
        tables = [archive.read(n) for n in archive.namelist() if n.startswith("xl/tables/")]
    assert any(b'name="Versements"' in t and b'ref="A1:D1"' in t for t in tables)
    before = digest(resaved)
    code, out, err = run("validate", str(resaved), "--format", "json")
    assert code == 0, err
    (file,) = json.loads(out)["files"]
    assert (file["status"], file["issues"]) == ("valid", [])
    assert file["dossiers"][0]["subsidy"]["total"] == "21000.00"
    assert digest(resaved) == before


def test_a_renamed_data_sheet_is_found_by_its_table(tmp_path: Path, programme) -> None:
    book = openpyxl.load_workbook(workbook(tmp_path, programme, name="source.xlsx"))
    book["Dossiers"].title = "Dossiers T3"
    book.save(tmp_path / "q3.xlsx")
    code, out, err = run("validate", str(tmp_path / "q3.xlsx"), "--format", "json")
    (file,) = json.loads(out)["files"]
    # One warning naming the sheet used; the dossier, its lines and its money as before.
    assert [(i["code"], i["sheet"], i["message"]) for i in file["issues"]] == [
        ("F05", "Dossiers T3", "Feuille « Dossiers » : introuvable sous ce nom ; lue dans la "
         "feuille « Dossiers T3 » (tableau « Dossiers »)"),
    ]  # fmt: skip
    assert code == 0, err
    assert file["dossiers"][0]["payments"]["balance_phase2"] == "4500.00"


def test_a_renamed_sheet_without_its_table_is_found_by_its_header_row(
    tmp_path: Path, programme
) -> None:
    book = openpyxl.load_workbook(workbook(tmp_path, programme, name="source.xlsx"))
    del book["Dossiers"].tables["Dossiers"]
    book["Dossiers"].title = "Feuil1"
    book.save(tmp_path / "q3.xlsx")
    code, out, _ = run("validate", str(tmp_path / "q3.xlsx"), "--format", "json")
    (file,) = json.loads(out)["files"]
    assert [(i["code"], i["sheet"]) for i in file["issues"]] == [("F05", "Feuil1")]
    assert "(ligne d'en-tête reconnue)" in file["issues"][0]["message"]
    assert file["dossiers"][0]["subsidy"]["total"] == "21000.00"
    assert code == 0


def test_a_missing_dossiers_sheet_is_one_error_not_a_cascade(tmp_path: Path, programme) -> None:
    book = openpyxl.load_workbook(workbook(tmp_path, programme, name="source.xlsx"))
    del book["Dossiers"]
    book.save(tmp_path / "q3.xlsx")
    code, out, _ = run("validate", str(tmp_path / "q3.xlsx"), "--format", "json")
    (file,) = json.loads(out)["files"]
    assert [(i["code"], i["sheet"]) for i in file["issues"]] == [("F02", "Dossiers")]
    assert code == 1


def test_an_excluded_line_in_one_file_holds_no_invoice_number_for_another(
    tmp_path: Path, programme
) -> None:
    # The invoice F-2 is typed with 0 days in one file (X05, excluded), and correctly in the
    # other: only the second counts, so no C01 (an invoice in two files).
    from test_validate import PHASE1, PHASE2

    workbook(tmp_path, programme, lines=[PHASE1, {**PHASE2, "jours": 0}], name="a.xlsx")
    workbook(tmp_path, programme, {"numero": "IDF-0002"}, lines=[{**PHASE2, "dossier": "IDF-0002"}],
             name="b.xlsx")  # fmt: skip
    _, out, _ = run("validate", str(tmp_path), "--format", "json")
    codes = [i["code"] for f in json.loads(out)["files"] for i in f["issues"]]
    assert "X05" in codes
    assert "C01" not in codes
    # The same line counted in both files is C01.
    workbook(tmp_path, programme, {"numero": "IDF-0003"}, lines=[{**PHASE1, "dossier": "IDF-0003"}],
             name="c.xlsx")  # fmt: skip
    _, out, _ = run("validate", str(tmp_path), "--format", "json")
    assert [i["code"] for f in json.loads(out)["files"] for i in f["issues"]].count("C01") == 1


def test_a_line_without_invoice_number_is_reported_once(tmp_path: Path, programme) -> None:
    from test_validate import PHASE1, PHASE2

    path = workbook(tmp_path, programme, lines=[PHASE1, {**PHASE2, "numero_facture": None}])
    _, out, _ = run("validate", str(path), "--format", "json")
    (file,) = json.loads(out)["files"]
    assert [(i["code"], i["cell"]) for i in file["issues"]] == [("F07", "D3")]
