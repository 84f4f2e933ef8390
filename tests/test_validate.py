"""`xl-idf validate`: one workbook per finding code, the report's shape and amounts, exit codes."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from workbooks import ROOT, WORKBOOKS
from xl_idf.across import Across, Invoice
from xl_idf.catalogue import CATALOGUE
from xl_idf.cli import app
from xl_idf.dossier import assess_dossier
from xl_idf.records import Dossier, ExpenseLine, Payment
from xl_idf.report import FileReport, FileStatus
from xl_idf.template import append_rows, build_template
from xl_idf.validate import Checked, validate
from xl_idf.workbook import read_workbook

D = Decimal
SAMPLE = WORKBOOKS / "exemple-trimestre-2022T4.xlsx"
GOLDEN = Path(__file__).parent / "golden" / "exemple-trimestre-2022T4.json"
runner = CliRunner()

# A clean dossier: SME, 5 days 6,000 + 25 days 30,000, both phases done and paid.
DOSSIER: dict[str, Any] = {
    "numero": "IDF-0001", "raison_sociale": "Fonderie du Lauragais",
    "siret": "73282932000074", "code_naf": "24.51Z", "forme_juridique": "Entreprise",
    "activite_industrielle": "Oui", "agrement_ess": "Aucun", "effectif": 48,
    "duree_premier_bilan": 24, "departement": "31", "code_postal": "31400",
    "en_difficulte": "Non", "a_jour_fiscal_social": "Oui", "fonds_propres": D("500000"),
    "prestataire": "AFNOR", "date_depot": date(2022, 3, 15), "aides_minimis_3_ans": D(0),
    "attestation_minimis": "Oui", "jours_p1": D(5), "montant_p1": D("6000"),
    "jours_p2": D(25), "montant_p2": D("30000"),
}  # fmt: skip
PHASE1: dict[str, Any] = {
    "dossier": "IDF-0001", "phase": 1, "prestataire": "AFNOR", "numero_facture": "F-1",
    "date_prestation": date(2022, 4, 4), "date_facture": date(2022, 4, 29), "jours": D(5),
    "montant_ht": D("6000"), "departement_prestation": "31",
    "date_acquittement": date(2022, 5, 20),
}  # fmt: skip
PHASE2 = {**PHASE1, "phase": 2, "numero_facture": "F-2", "jours": D(25), "montant_ht": D(30000)}


def workbook(
    folder: Path,
    programme: Any,
    dossier: dict[str, Any] | None = None,
    lines: list[dict[str, Any]] | None = None,
    payments: list[dict[str, Any]] | None = None,
    name: str = "trimestre.xlsx",
    extra_dossiers: list[dict[str, Any]] | None = None,
) -> Path:
    """A provider workbook in `folder`: the clean dossier changed by `dossier`, and its rows."""
    book = build_template(programme)
    append_rows(book, Dossier, [{**DOSSIER, **(dossier or {})}, *(extra_dossiers or [])])
    append_rows(book, ExpenseLine, [PHASE1, PHASE2] if lines is None else lines)
    append_rows(book, Payment, payments or [])
    path = folder / name
    book.save(path)
    return path


def report_of(path: Path, programme: Any, **options: Any) -> Any:
    return validate([path], programme, **options).files[0]


def test_a_clean_workbook_is_valid_without_any_finding(tmp_path, programme):
    file = report_of(workbook(tmp_path, programme), programme)
    assert (file.status.value, file.findings) == ("valid", ())
    (d,) = file.dossiers
    assert (d.subsidy_phase1, d.subsidy_phase2, d.payment_phase1, d.advance_phase2,
            d.balance_phase2) == (D("6000.00"), D("15000.00"), D("6000.00"), D("10500.00"),
                                  D("4500.00"))  # fmt: skip


def wrong_siret() -> str:
    return "73282932000075"


# One workbook per code: (code, dossier changes, lines (None: the clean two), payments,
# the sheet and cell the finding must name).
L1, L2 = PHASE1, PHASE2
PER_CODE: list[tuple[str, dict[str, Any], Any, list[dict[str, Any]], str, str]] = [
    ("E01", {"activite_industrielle": "Non"}, None, [], "Dossiers", "F2"),
    ("E02", {"forme_juridique": "Association", "part_recettes_production": 40}, None, [],
     "Dossiers", "H2"),
    ("E03", {"effectif": 5000}, None, [], "Dossiers", "I2"),
    ("E04", {"duree_premier_bilan": 11}, None, [], "Dossiers", "J2"),
    ("E05", {"departement": "33", "code_postal": "33000"}, None, [], "Dossiers", "K2"),
    ("E06", {"en_difficulte": "Oui"}, None, [], "Dossiers", "M2"),
    ("E07", {"a_jour_fiscal_social": "Non"}, None, [], "Dossiers", "N2"),
    ("E08", {"date_depot": date(2023, 1, 2)}, None, [], "Dossiers", "Q2"),
    ("E09", {"prestataire": "Cabinet Dupont"}, None, [], "Dossiers", "P2"),
    ("E10", {"code_naf": "62.01Z"}, None, [], "Dossiers", "D2"),
    ("E11", {"code_postal": "81000"}, None, [], "Dossiers", "L2"),
    ("E12", {"siret": wrong_siret()}, None, [], "Dossiers", "C2"),
    ("X01", {}, [L1, {**L2, "prestataire": "Cabinet Dupont"}], [], "Prestations", "C3"),
    ("X02", {}, [L1, {**L2, "montant_ht": D(30001)}], [], "Prestations", "H3"),
    ("X03", {}, [L1, {**L2, "date_facture": date(2023, 1, 2)}], [], "Prestations", "F3"),
    ("X04", {}, [L1, {**L2, "departement_prestation": "75"}], [], "Prestations", "I3"),
    ("X05", {}, [L1, {**L2, "jours": D(0)}], [], "Prestations", "G3"),
    ("X06", {}, [L1, L2, {**L2, "dossier": "IDF-9999", "numero_facture": "F-3"}], [],
     "Prestations", "A4"),
    ("X07", {}, [L1, L2, L2], [], "Prestations", "D4"),
    ("X08", {}, [L1, {**L2, "prestataire": "CYLAD"}], [], "Prestations", "C3"),
    ("X09", {}, [L1, {**L2, "date_prestation": date(2019, 12, 2)}], [], "Prestations", "E3"),
    ("X10", {}, [L1, {**L2, "date_acquittement": None}], [], "Prestations", "J3"),
    ("S01", {"jours_p1": D(4), "montant_p1": D(4800)}, None, [], "Dossiers", "T2"),
    ("S02", {"jours_p1": D(6), "montant_p1": D(7200)}, None, [], "Dossiers", "T2"),
    ("S04", {"fonds_propres": D(8000)}, None, [], "Dossiers", "O2"),
    ("S05", {"jours_p1": D(0), "montant_p1": D(0)}, None, [], "Dossiers", "V2"),
    ("S06", {"attestation_minimis": "Non"}, None, [], "Dossiers", "S2"),
    ("S07", {"aides_minimis_3_ans": D(194001)}, None, [], "Dossiers", "R2"),
    ("S08", {"fonds_propres": D(0)}, None, [], "Dossiers", "O2"),
    ("S09", {"montant_p1": D(6500)}, None, [], "Dossiers", "U2"),
    ("P01", {}, [{**L1, "jours": D(4), "montant_ht": D(4800)}], [], "Dossiers", "A2"),
    ("P02", {}, [{**L1, "montant_ht": D(5000)}, L2], [], "Dossiers", "A2"),
    ("P03", {}, None,
     [{"dossier": "IDF-0001", "type": "Acompte phase 2", "date_versement": date(2022, 6, 1),
       "montant": D("10500.01")}], "Versements", "D2"),
    ("P04", {}, [L1, {**L2, "jours": D(10), "montant_ht": D(12000)}],
     [{"dossier": "IDF-0001", "type": "Acompte phase 2", "date_versement": date(2022, 6, 1),
       "montant": D("10500")}], "Versements", "D2"),
    ("P05", {}, None,
     [{"dossier": "IDF-0001", "type": "Phase 1", "date_versement": date(2022, 6, 1),
       "montant": D("3000")}] * 2, "Versements", "D3"),
    # Phase 1 justified 5,000: 5,000 due, 6,000 recorded as paid.
    ("P06", {}, [{**L1, "montant_ht": D(5000)}, L2],
     [{"dossier": "IDF-0001", "type": "Phase 1", "date_versement": date(2022, 6, 1),
       "montant": D("6000")}], "Versements", "D2"),
    ("F04", {"effectif": "quarante"}, None, [], "Dossiers", "I2"),
    ("F05", {"montant_p1": "6 000,00 €"}, None, [], "Dossiers", "U2"),
    ("F06", {}, None, [], "Dossiers", "A3"),  # a second row with the same number, below
    ("F07", {"raison_sociale": None}, None, [], "Dossiers", "B2"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("code", "changes", "lines", "payments", "sheet", "cell"),
    PER_CODE,
    ids=[case[0] for case in PER_CODE],
)
def test_each_code_is_found_in_its_cell(tmp_path, programme, code, changes, lines, payments,
                                         sheet, cell):  # fmt: skip
    extra = [{**DOSSIER, "siret": "35600000000048"}] if code == "F06" else None
    path = workbook(tmp_path, programme, changes, lines, payments, extra_dossiers=extra)
    file = report_of(path, programme)
    found = [(f.sheet, f.cell) for f in file.findings if f.code == code]
    assert (sheet, cell) in found, file.findings
    expected = "invalid" if CATALOGUE[code].severity.value == "error" else file.status.value
    assert file.status.value == expected


def test_codes_without_a_workbook_fixture_here_are_tested_elsewhere():
    covered = {case[0] for case in PER_CODE}
    elsewhere = {
        "S03": "unreachable under Occitanie's figures (5 x 1,200 + 25 x 1,200 = 36,000): "
        "test_subsidy.py and test_made_up_programme.py",
        "F01": "test_hostile.py and test_exit_codes (unreadable files)",
        "F02": "test_workbook.py (missing sheets)",
        "F03": "test_workbook.py (missing column)",
        "F08": "test_workbook.py and test_libreoffice.py (formula without value)",
        "C01": "test_across_files", "C02": "test_across_files",
        "F09": "test_annotate.py (an empty template)",
        "R01": "test_register_story.py", "R02": "test_register_story.py",
        "R03": "test_register_story.py", "R04": "test_register_checks.py",
        "R05": "test_register_checks.py",
    }  # fmt: skip
    assert set(CATALOGUE) == covered | set(elsewhere)


def test_json_report_follows_spec_and_the_core_to_the_cent(tmp_path, programme, params):
    path = workbook(
        tmp_path, programme, {"fonds_propres": D("20000.01")},
        [L1, {**L2, "jours": D("12.5"), "montant_ht": D("16250")}],
    )  # fmt: skip
    result = runner.invoke(app, ["validate", "--format", "json", str(path)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert set(report) == {"programme", "summary", "files"}
    assert report["summary"] == {"files": 1, "valid": 1, "invalid": 0, "unreadable": 0,
                                 "errors": 0, "warnings": 1}  # fmt: skip
    (file,) = report["files"]
    assert set(file) == {"path", "status", "issues", "dossiers"}
    for issue in file["issues"]:
        assert set(issue) == {"severity", "code", "message", "sheet", "cell", "dossier"}
        assert issue["message"]
        assert issue["sheet"]
        assert issue["cell"]
    (dossier,) = file["dossiers"]
    # The core on the same records: 6,000 + 50 % x min(30,000 quoted, 1,200 x 25) = 21,000,
    # then equity 20,000.01: phase 2 cut to 14,000.01. Justified phase 2: 12.5 days at 1,300
    # capped to 15,000, due 50 % = 7,500; advance 70 % x 14,000.01 = 9,800.00 (down);
    # balance 7,500 - 9,800 = -2,300, warned (P04): phase 2 has a justified line.
    content = read_workbook(path, params)
    core = assess_dossier(content.dossiers[0], content.lines, content.payments, programme)
    assert dossier == {
        "dossier": "IDF-0001", "eligibility": "eligible", "category": "PME",
        "subsidy": {"phase1": "6000.00", "phase2": "14000.01", "total": "20000.01"},
        "payments": {"phase1": "6000.00", "advance_phase2": "9800.00",
                     "balance_phase2": "-2300.00"},
        # Planned on the quote: advance 9,800.00, balance 14,000.01 - 9,800.00 = 4,200.01.
        "planned": {"phase1": "6000.00", "advance_phase2": "9800.00",
                    "balance_phase2": "4200.01"},
        "paid": {"phase1": "0.00", "advance_phase2": "0.00", "balance_phase2": "0.00"},
        "remaining": {"phase1": "6000.00", "advance_phase2": "9800.00",
                      "balance_phase2": "-2300.00"},
        "blocking": ["S04"],
        "explanation": core.explain(),
    }  # fmt: skip
    assert (
        "Subvention de 21\u00a0000,00\u00a0€, au-dessus des fonds propres de "
        "20\u00a0000,01\u00a0€ : ramenée à 20\u00a0000,01\u00a0€ (phase 2 ramenée de "
        "15\u00a0000,00\u00a0€ à 14\u00a0000,01\u00a0€ ; la phase 2 est réduite d'abord)"
    ) in dossier["explanation"]
    assert dossier["subsidy"]["total"] == str(core.subsidy_total)
    assert dossier["payments"]["balance_phase2"] == str(core.schedule.balance_phase2)
    assert [i["code"] for i in file["issues"]] == ["P04", "S04", "X02"]  # A2, O2, then Prestations


def test_findings_sorted_by_sheet_and_row_and_all_located(programme):
    file = report_of(SAMPLE, programme)
    keys = [(f.sheet, f.cell) for f in file.findings]
    assert all(sheet and cell for sheet, cell in keys)
    sheets = [s for s, _ in keys]
    assert sheets == sorted(sheets, key=["Dossiers", "Prestations", "Versements"].index)


def test_golden_report_of_the_sample(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["validate", "--format", "json",
                                 "workbooks/exemple-trimestre-2022T4.xlsx"])  # fmt: skip
    assert result.exit_code == 1
    assert json.loads(result.output) == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_the_json_report_is_the_golden_text_byte_for_byte(monkeypatch, tmp_path):
    """Printed or written to --output, the JSON report is the golden file's bytes (it is
    written in UTF-8 as it is encoded, `report.to_json_utf8`)."""
    monkeypatch.chdir(ROOT)
    sample = "workbooks/exemple-trimestre-2022T4.xlsx"
    printed = runner.invoke(app, ["validate", "--format", "json", sample])
    assert printed.exit_code == 1
    assert printed.stdout_bytes == GOLDEN.read_bytes()
    target = tmp_path / "rapport.json"
    written = runner.invoke(app, ["validate", sample, "--output", str(target)])
    assert written.exit_code == 1
    assert target.read_bytes() == GOLDEN.read_bytes()


@pytest.mark.parametrize(
    ("changes", "strict", "code"),
    [
        ({}, False, 0),
        ({"code_postal": "81000"}, False, 0),  # E11 is a warning
        ({"code_postal": "81000"}, True, 1),  # --strict: warnings fail
        ({"departement": "33", "code_postal": "33000"}, False, 1),
    ],
)
def test_exit_codes(tmp_path, programme, changes, strict, code):
    path = workbook(tmp_path, programme, changes)
    args = ["validate", str(path)] + (["--strict"] * strict)
    assert runner.invoke(app, args).exit_code == code


def test_exit_code_2_for_an_unreadable_file_or_a_wrong_call(tmp_path, programme):
    good = workbook(tmp_path, programme)
    bad = tmp_path / "notes.xlsx"
    bad.write_text("pas un classeur", encoding="utf-8")
    result = runner.invoke(app, ["validate", "--format", "json", str(good), str(bad)])
    assert result.exit_code == 2
    report = json.loads(result.output)
    assert [f["status"] for f in report["files"]] == ["valid", "unreadable"]
    (issue,) = report["files"][1]["issues"]
    assert (issue["code"], issue["sheet"], issue["cell"]) == ("F01", None, None)
    assert runner.invoke(app, ["validate", str(tmp_path / "absent.xlsx")]).exit_code == 2
    assert runner.invoke(app, ["validate", "--jobs", "0", str(good)]).exit_code == 2
    assert runner.invoke(app, ["validate"]).exit_code == 2


def test_folders_are_searched_and_jobs_give_the_same_report(tmp_path, programme):
    for n in range(3):
        workbook(tmp_path, programme, {"numero": f"IDF-000{n}", "siret": _siret(n)},
                 [{**L1, "dossier": f"IDF-000{n}", "numero_facture": f"F{n}"}],
                 name=f"q{n}.xlsx")  # fmt: skip
    one = runner.invoke(app, ["validate", "--format", "json", str(tmp_path)])
    two = runner.invoke(app, ["validate", "--format", "json", "--jobs", "2", str(tmp_path)])
    assert one.exit_code == two.exit_code == 0
    assert one.output == two.output
    assert [Path(f["path"]).name for f in json.loads(one.output)["files"]] == [
        "q0.xlsx",
        "q1.xlsx",
        "q2.xlsx",
    ]


def _siret(n: int) -> str:
    return ["73282932000074", "35600000000048", "44306184100047"][n]


def test_across_files(tmp_path, programme):
    first = workbook(tmp_path, programme, name="q3.xlsx")
    # The same invoice again in the next quarter's file, and the same company under another
    # dossier number.
    second = workbook(tmp_path, programme, {"numero": "IDF-0777"},
                      [{**L1, "dossier": "IDF-0777"}], name="q4.xlsx")  # fmt: skip
    report = validate([first, second], programme)
    assert report.files[0].findings == ()
    found = [(f.code, f.severity.value, f.sheet, f.cell) for f in report.files[1].findings]
    assert ("C01", "error", "Prestations", "D2") in found
    assert ("C02", "warning", "Dossiers", "A2") in found
    c02 = next(f for f in report.files[1].findings if f.code == "C02")
    assert "q3.xlsx, Dossiers!A2" in c02.message
    assert "q4.xlsx, Dossiers!A2" in c02.message
    assert report.files[1].status.value == "invalid"
    # The same dossier in two quarters' files is its own journey: no C02.
    again = workbook(tmp_path, programme, lines=[], name="q4bis.xlsx")
    assert [f.code for f in validate([first, again], programme).files[1].findings] == ["P01"]


@pytest.mark.parametrize(
    ("first", "second", "c01"),
    [
        # A provider however spelled is one issuer: the same invoice in two files.
        (("TOPTECH", "F-1"), ("Top-Tech", "F-1"), True),
        (("Sud Conseil", "F-1"), ("SudConseil", "f 1"), True),
        # Invoice numbers keep their words apart: F-1-17 and F-11-7 are two invoices.
        (("TOPTECH", "F-1-17"), ("TOPTECH", "F-11-7"), False),
        (("TOPTECH", "F-1"), ("CYLAD", "F-1"), False),
    ],
)
def test_c01_keys_an_invoice_by_provider_and_number(first, second, c01):
    def checked(path: str, provider: str, number: str) -> Checked:
        invoice = Invoice(provider, number, "IDF-0001", "Prestations", "D2")
        return Checked(FileReport(path, FileStatus.VALID, ()), invoices=(invoice,))

    across = Across(strict=False)
    reports = [across.add(checked("q3.xlsx", *first)), across.add(checked("q4.xlsx", *second))]
    assert [f.code for f in reports[1].findings] == (["C01"] if c01 else [])


def test_csv_one_row_per_finding_and_formulas_stay_text(tmp_path, programme):
    path = workbook(tmp_path, programme, {"prestataire": '=HYPERLINK("http://x")'})
    output = tmp_path / "rapport.csv"
    result = runner.invoke(app, ["validate", "--output", str(output), str(path)])
    assert result.exit_code == 1
    text = output.read_text(encoding="utf-8-sig")
    rows = text.splitlines()
    assert rows[0] == "fichier;feuille;cellule;dossier;code;gravité;message"
    assert len(rows) == 1 + len(report_of(path, programme).findings)
    e09 = next(r for r in rows if ";E09;" in r)
    assert "« =HYPERLINK" in e09  # inside the message, not at the start of a cell
    assert all(not cell.startswith("=") for row in rows for cell in row.split(";"))


def test_table_report_is_french(tmp_path, programme):
    result = runner.invoke(app, ["validate", str(SAMPLE)])
    assert result.exit_code == 1
    assert "30 dossiers, 27 éligibles ; 8 erreurs" in result.output
    assert "Dossiers!C14     E12 erreur" in result.output
    # SPEC 2: only the 27 eligible dossiers awarded more than 0 count (30 less E12, E09, E05),
    # each with its own SIRET.
    assert "Entreprises distinctes : 27 pour un objectif de 400 entreprises." in result.output
    # Never a due amount under a « versé » heading: the four schedules side by side.
    assert "Prévu              Dû      Déjà versé  Reste à verser" in result.output
    # An SME refused de minimis (S06) keeps its phase 2 (SA.40453), with the reason.
    assert (
        "IDF-2022-016    éligible      PME            0,00\u00a0€     12\u00a0000,00\u00a0€     "
        "12\u00a0000,00\u00a0€  S06 Attestation de minimis manquante"
    ) in result.output
    assert "Contrôle [" not in result.output  # no progress bar when not on a terminal


def test_input_files_are_never_changed(tmp_path, programme):
    path = workbook(tmp_path, programme, {"departement": "33"})
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    for args in (["--format", "json"], ["--format", "csv"], ["--strict"],
                 ["--output", str(tmp_path / "r.json")]):  # fmt: skip
        runner.invoke(app, ["validate", *args, str(path)])
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_text_that_looks_like_a_formula_is_read_as_text(tmp_path, programme, params):
    path = workbook(tmp_path, programme, {"raison_sociale": "=1+1"})
    book = openpyxl.load_workbook(path)
    assert book["Dossiers"]["B2"].data_type == "s"
    assert read_workbook(path, params).dossiers[0].raison_sociale == "=1+1"


def test_the_invoices_and_companies_sent_back_are_plain_tuples() -> None:
    """A national file sends back a hundred thousand invoices: pickled as tuples, with their
    place rebuilt when a finding needs it."""
    import pickle

    from xl_idf.across import Company
    from xl_idf.findings import Location

    invoice = Invoice("TOPTECH", "F-1", "IDF-0001", "Prestations", "D2")
    company = Company("12345678900012", "IDF-0001", "Dossiers", "A2")
    assert pickle.loads(pickle.dumps((invoice, company))) == (invoice, company)
    assert (invoice.place, company.place) == (
        Location("Prestations", "D2"),
        Location("Dossiers", "A2"),
    )
    assert isinstance(invoice, tuple)
    assert isinstance(company, tuple)


def test_a_worker_does_without_hypothesis_which_pandera_would_import() -> None:
    """pandera imports hypothesis, for a data synthesis xl-idf never uses, where it is
    installed (here, beside the tests): a worker does without, as pandera does where it is
    absent, a tenth of a second of its start saved; a process that is not a worker keeps it."""
    pytest.importorskip("hypothesis")
    script = """
import sys
from pathlib import Path
from xl_idf import validate
from xl_idf.isolation import run_isolated

def work(path):
    validate._prepare_schemas()
    import pandera.strategies.base_strategies as strategies
    return sys.modules["hypothesis"] is None, strategies.HAS_HYPOTHESIS

print(run_isolated([Path("x")], work, lambda path, why: why, 1))
validate._prepare_schemas()
import pandera.strategies.base_strategies as strategies
print("hypothesis" in sys.modules and sys.modules["hypothesis"] is not None,
      strategies.HAS_HYPOTHESIS)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.split("\n")[:2] == ["[(True, False)]", "True True"]
