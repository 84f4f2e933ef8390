"""R04 and R05, and what the register keeps of a file: each one case of its own."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from test_french_forms import problems
from test_real_records import line, siret
from test_register_story import PHASE1_A, Q1, A, codes, export, paid, validate, workbook


def test_a_payment_recorded_earlier_that_differs_or_is_gone_is_an_error(
    register_url: str, tmp_path: Path
) -> None:
    early = workbook(tmp_path, "t1.xlsx", [A], Q1[:1], [PHASE1_A])
    validate(register_url, "2022T1", [early])
    # The same payment now says 5,000; and no longer there at all in another version.
    changed = {**PHASE1_A, "montant": 5000}
    code, report, _ = validate(
        register_url, "2022T2", [workbook(tmp_path, "t2.xlsx", [A], Q1[:1], [changed])]
    )
    assert code == 1
    (issue,) = [i for f in report["files"] for i in f["issues"] if i["code"] == "R04"]
    assert issue["cell"] == "D2"
    assert issue["message"] == (
        "Versement « Phase 1 » du 15/06/2022 enregistré au trimestre 2022T1 (t1.xlsx, "
        "Versements!D2) pour 6\u00a0000,00\u00a0€ : 5\u00a0000,00\u00a0€ dans ce fichier"
    )
    _, report, _ = validate(
        register_url, "2022T3", [workbook(tmp_path, "t3.xlsx", [A], Q1[:1], [])]
    )
    assert codes(report) == [("t3.xlsx", "R04", "A2")]


def test_a_dossier_changed_since_its_last_quarter_is_a_warning(
    register_url: str, tmp_path: Path
) -> None:
    validate(register_url, "2022T1", [workbook(tmp_path, "t1.xlsx", [A], Q1[:1], [])])
    moved = {**A, "siret": siret(7), "effectif": 300, "prestataire": "CYLAD"}
    claimed = paid("IDF-2022-101", "F-101", 1, 5, prestataire="CYLAD")
    code, report, _ = validate(
        register_url, "2022T2", [workbook(tmp_path, "t2.xlsx", [moved], [claimed], [])]
    )
    messages = [i["message"] for f in report["files"] for i in f["issues"] if i["code"] == "R05"]
    assert messages == [
        f"SIRET du dossier « IDF-2022-101 » : « {A['siret']} » au trimestre 2022T1 (t1.xlsx, "
        f"Dossiers!A2), « {siret(7)} » ici : à vérifier",
        "Catégorie du dossier « IDF-2022-101 » : « PME » au trimestre 2022T1 (t1.xlsx, "
        "Dossiers!A2), « ETI » ici : à vérifier",
        "Prestataire du dossier « IDF-2022-101 » : « AFNOR » au trimestre 2022T1 (t1.xlsx, "
        "Dossiers!A2), « CYLAD » ici : à vérifier",
    ]
    # The line is the same invoice under another provider: R01 (gone) and R02 (claimed again).
    assert sorted(c for _, c, _ in codes(report)) == ["R01", "R02", "R05", "R05", "R05"]
    assert [(m, problems(m)) for m in messages if problems(m)] == []
    assert code == 1


def test_a_company_under_a_new_dossier_number_is_a_warning(
    register_url: str, tmp_path: Path
) -> None:
    validate(register_url, "2022T1", [workbook(tmp_path, "t1.xlsx", [A], [], [])])
    renamed = {**A, "numero": "IDF-2022-901"}
    _, report, _ = validate(
        register_url, "2022T2", [workbook(tmp_path, "t2.xlsx", [renamed], [], [])]
    )
    (message,) = [i["message"] for f in report["files"] for i in f["issues"] if i["code"] == "R05"]
    assert message == (
        f"N° dossier de l'entreprise {A['siret']} : « IDF-2022-101 » au trimestre 2022T1 "
        "(t1.xlsx, Dossiers!A2), « IDF-2022-901 » ici : à vérifier"
    )


def test_the_register_keeps_each_value_amount_and_cell(register_url: str, tmp_path: Path) -> None:
    path = workbook(tmp_path, "t1.xlsx", [A], Q1[:1], [PHASE1_A])
    validate(register_url, "2022T1", [path])
    (file,) = export(register_url)["files"]
    assert (file["quarter"], file["name"], file["source"], file["status"]) == (
        "2022T1", "t1.xlsx", "AFNOR", "valid",
    )  # fmt: skip
    assert len(file["sha256"]) == 64
    (dossier,) = file["dossiers"]
    assert {k: dossier[k] for k in ("number", "cell", "siret", "category", "eligibility")} == {
        "number": "IDF-2022-101", "cell": "A2", "siret": A["siret"], "category": "PME",
        "eligibility": "eligible",
    }  # fmt: skip
    assert [dossier[f"{s}_phase1"] for s in ("planned", "due", "paid", "remaining")] == [
        "6000.00", "6000.00", "6000.00", "0.00",
    ]  # fmt: skip
    (line,) = file["lines"]
    assert (line["invoice"], line["cell"], line["days"], line["amount"], line["paid_on"]) == (
        "F-101", "D2", "5.00", "6000.00", "2022-05-20",
    )  # fmt: skip
    (pay,) = file["payments"]
    assert (pay["kind"], pay["cell"], pay["amount"], pay["paid_on"]) == (
        "Phase 1", "D2", "6000.00", date(2022, 6, 15).isoformat(),
    )  # fmt: skip


def test_days_and_amounts_are_kept_exactly(register_url: str, tmp_path: Path) -> None:
    # Days with three decimals (work units), an amount to the cent: no float on the way.
    odd = line("IDF-2022-101", "F-109", 1, jours=Decimal("2.125"), montant_ht=Decimal("2550.05"))
    validate(register_url, "2022T1", [workbook(tmp_path, "t1.xlsx", [A], [odd], [])])
    (file,) = export(register_url)["files"]
    (kept,) = file["lines"]
    assert (kept["days"], kept["amount"], kept["eligible"]) == ("2.125", "2550.05", "2550.00")
