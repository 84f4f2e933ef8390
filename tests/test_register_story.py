"""Four quarters of one programme, recorded in the register as providers send their files.

AFNOR follows two companies all year, in one file that grows quarter by quarter; CYLAD sends a
file in the autumn. Q1 phase 1, Q2 the advance, Q3 a line changed (R01), Q4 a line gone (R01),
the journey's caps over the four quarters (R03) and an invoice of the spring claimed again by
another provider (R02). The same story runs on SQLite and on PostgreSQL. `registre etat` is
checked against figures computed by hand from SPEC 3 (in the comments).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from test_french_forms import problems
from test_real_records import dossier, line
from typer.testing import CliRunner

from xl_idf.cli import app
from xl_idf.programme import load_programme
from xl_idf.records import Dossier, ExpenseLine, Payment
from xl_idf.template import append_rows, build_template

runner = CliRunner()

# A: quote 5 days 6,000 + 10 days 12,000: subsidy 6,000 + 6,000; planned advance 4,200.
A = dossier("IDF-2022-101", 101)
# B: quote 5 days 6,000 + 25 days 30,000 (36,000, the cap): subsidy 6,000 + 15,000;
# planned advance 70 % of 15,000 = 10,500.
B = dossier("IDF-2022-102", 102, jours_p2=25, montant_p2=30000)
# C, with CYLAD, from the autumn.
C = dossier("IDF-2022-103", 103, prestataire="CYLAD")


def paid(number: str, invoice: str, phase: int, days: int, **changes: Any) -> dict[str, Any]:
    """A paid line of `days` days at the daily cap (1,200 EUR a day)."""
    return line(number, invoice, phase, jours=days, montant_ht=1200 * days, **changes)


def payment(number: str, kind: str, amount: int, day: date) -> dict[str, Any]:
    return {"dossier": number, "type": kind, "date_versement": day, "montant": amount}


PHASE1_A, ADVANCE_A = (
    payment("IDF-2022-101", "Phase 1", 6000, date(2022, 6, 15)),
    payment("IDF-2022-101", "Acompte phase 2", 4200, date(2022, 6, 20)),
)
Q1 = [paid("IDF-2022-101", "F-101", 1, 5), paid("IDF-2022-102", "F-201", 1, 5)]
Q2 = [*Q1, paid("IDF-2022-101", "F-102", 2, 8), paid("IDF-2022-102", "F-202", 2, 10)]
# Q3: F-102 now says 7 days, 8,400 (it said 8 days, 9,600 in Q2): R01.
Q3 = [*Q1, paid("IDF-2022-101", "F-102", 2, 7), paid("IDF-2022-102", "F-202", 2, 10),
      paid("IDF-2022-102", "F-203", 2, 10)]  # fmt: skip
# Q4: F-202 is gone (R01) and F-204 comes: over the four quarters B has 6,000 + 3 x 12,000 =
# 42,000 of expenses (cap 36,000) and 30 days of phase 2 (cap 25): R03 twice.
Q4 = [*Q1, paid("IDF-2022-101", "F-102", 2, 7), paid("IDF-2022-102", "F-203", 2, 10),
      paid("IDF-2022-102", "F-204", 2, 10)]  # fmt: skip
# CYLAD claims invoice F-101 (AFNOR's for A, since Q1) for C: R02.
Q4_CYLAD = [paid("IDF-2022-103", "F-101", 1, 5, prestataire="CYLAD")]


def workbook(folder: Path, name: str, dossiers: list[dict[str, Any]],
             lines: list[dict[str, Any]], payments: list[dict[str, Any]]) -> Path:  # fmt: skip
    """A provider's file, typed in the template."""
    book = build_template(load_programme())
    append_rows(book, Dossier, dossiers)
    append_rows(book, ExpenseLine, lines)
    append_rows(book, Payment, payments)
    path = folder / name
    book.save(path)
    return path


def quarter_files(folder: Path) -> dict[str, list[Path]]:
    """The files of each quarter, as the providers sent them."""
    files: dict[str, list[Path]] = {}
    for quarter, lines, payments in (
        ("2022T1", Q1, []),
        ("2022T2", Q2, [PHASE1_A, ADVANCE_A]),
        ("2022T3", Q3, [PHASE1_A, ADVANCE_A]),
        ("2022T4", Q4, [PHASE1_A, ADVANCE_A]),
    ):
        files[quarter] = [workbook(folder, f"afnor-{quarter}.xlsx", [A, B], lines, payments)]
    files["2022T4"].append(workbook(folder, "cylad-2022T4.xlsx", [C], Q4_CYLAD, []))
    return files


def validate(url: str, quarter: str, paths: list[Path]) -> tuple[int, dict[str, Any], str]:
    """`xl-idf validate --registre URL --trimestre Q --format json`: code, report, messages."""
    result = runner.invoke(
        app,
        ["validate", *map(str, paths), "--format", "json", "--registre", url,
         "--trimestre", quarter],
    )  # fmt: skip
    return result.exit_code, json.loads(result.stdout), result.stderr


def codes(report: dict[str, Any], prefix: str = "R") -> list[tuple[str, str, str | None]]:
    """The register's findings of a report: file name, code, cell."""
    return [
        (Path(file["path"]).name, issue["code"], issue["cell"])
        for file in report["files"]
        for issue in file["issues"]
        if issue["code"].startswith(prefix)
    ]


@pytest.fixture
def story(tmp_path: Path) -> dict[str, list[Path]]:
    return quarter_files(tmp_path)


def test_four_quarters(register_url: str, story: dict[str, list[Path]]) -> None:
    reports = {}
    for quarter, paths in story.items():
        code, report, said = validate(register_url, quarter, paths)
        reports[quarter] = (code, report)
        for path in paths:
            assert f"Registre {quarter} : « {path.name} » enregistré" in said
    # Q1 and Q2: nothing across quarters.
    assert codes(reports["2022T1"][1]) == []
    assert codes(reports["2022T2"][1]) == []
    # Q3: F-102 changed, at its own cell (Prestations, third line of the sheet: row 4).
    (q3,) = [i for f in reports["2022T3"][1]["files"] for i in f["issues"] if i["code"] == "R01"]
    assert q3["cell"] == "D4"
    assert q3["dossier"] == "IDF-2022-101"
    assert q3["message"] == (
        "Facture n° F-102 de « AFNOR » justifiée au trimestre 2022T2 (afnor-2022T2.xlsx, "
        "Prestations!D4) pour 8\u00a0jours, 9\u00a0600,00\u00a0€ : 7\u00a0jours, "
        "8\u00a0400,00\u00a0€ dans ce fichier"
    )
    assert reports["2022T3"][0] == 1
    # Q4: F-202 gone (at B's number), the caps over the quarters (B), F-101 claimed by CYLAD.
    assert sorted(codes(reports["2022T4"][1])) == [
        ("afnor-2022T4.xlsx", "R01", "A3"),
        ("afnor-2022T4.xlsx", "R03", "A3"),
        ("afnor-2022T4.xlsx", "R03", "A3"),
        ("cylad-2022T4.xlsx", "R02", "D2"),
    ]
    messages = {i["message"] for f in reports["2022T4"][1]["files"] for i in f["issues"]}
    assert (
        "Facture n° F-202 de « AFNOR » justifiée au trimestre 2022T3 (afnor-2022T3.xlsx, "
        "Prestations!D5) pour 10\u00a0jours, 12\u00a0000,00\u00a0€ : absente de ce fichier"
    ) in messages
    # B's journey, each line once (F-202 of Q3 stays: it was justified): phase 1 6,000, phase 2
    # 36,000 over 30 days, 35 days in all. Under the caps (the core's rules, as in one file):
    # phase 2 base min(36,000, 1,200 x 25 = 30,000) = 30,000, journey 6,000 + 30,000 = 36,000;
    # due 6,000 + advance 70 % x 15,000 = 10,500 + balance min(15,000, 50 % x 30,000) - 10,500
    # = 4,500: 21,000. The Q4 file alone (F-201, F-203, F-204: phase 2 24,000): 6,000 + 10,500
    # + (12,000 - 10,500 = 1,500) = 18,000.
    assert (
        "Sur les trimestres 2022T1 à 2022T4, dépenses justifiées retenues : "
        "42\u00a0000,00\u00a0€ pour un plafond de 36\u00a0000,00\u00a0€ sur tout le parcours "
        "(6\u00a0000,00\u00a0€ au-delà) ; dû sous les plafonds du parcours : "
        "21\u00a0000,00\u00a0€ (ce fichier seul : 18\u00a0000,00\u00a0€)"
    ) in messages
    assert any(m.startswith("Sur les trimestres 2022T1 à 2022T4, jours justifiés "
                            "en phase 2 : 30\u00a0jours pour un plafond de 25\u00a0jours")
               for m in messages)  # fmt: skip
    assert (
        "Facture n° F-101 déjà présentée au trimestre 2022T1 par « AFNOR » pour le dossier "
        "« IDF-2022-101 » (afnor-2022T1.xlsx, Prestations!D2) : une facture n'est payée "
        "qu'une fois"
    ) in messages

    every = [i["message"] for _, report in reports.values() for f in report["files"]
             for i in f["issues"] if i["code"].startswith("R")]  # fmt: skip
    assert [(m, problems(m)) for m in every if problems(m)] == []

    # The state, by hand (SPEC 3). A: subsidy 12,000; B: 21,000; C: 12,000. De minimis: each
    # SME's phase 1, 6,000.
    # Q1: phase 1 justified for A and B: due 6,000 each; nothing paid.
    # Q2: A: advance recorded 4,200; balance min(6,000, 50 % x 9,600) - 4,200 = 600: due 10,800,
    #     paid 6,000 + 4,200. B: phase 2 begun, planned advance 10,500, balance
    #     min(15,000, 50 % x 12,000) - 10,500 = -4,500: due 6,000 + 10,500 - 4,500 = 12,000.
    # Q3: A: balance 50 % x 8,400 - 4,200 = 0: due 10,200. B: 50 % x 24,000 = 12,000, balance
    #     1,500: due 18,000. Q4: the same for A and B (the file alone holds 24,000 of phase 2);
    #     C: phase 1 6,000.
    result = runner.invoke(app, ["registre", "etat", "--registre", register_url,
                                 "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    state = json.loads(result.stdout)
    assert state["target"] == 400
    table = [
        (r["quarter"], r["provider"], r["department"], r["dossiers"], r["companies"],
         r.get("companies_to_date"), r["subsidy"], r["due"], r["paid"], r["remaining"],
         r["de_minimis"])
        for r in state["rows"]
    ]  # fmt: skip
    s, m = "33000.00", "12000.00"  # AFNOR's subsidy and de minimis part (A and B)
    assert table == [
        ("2022T1", "AFNOR", "31", 2, 2, None, s, "12000.00", "0.00", "12000.00", m),
        ("2022T1", "Total", "", 2, 2, 2, s, "12000.00", "0.00", "12000.00", m),
        ("2022T2", "AFNOR", "31", 2, 2, None, s, "22800.00", "10200.00", "12600.00", m),
        ("2022T2", "Total", "", 2, 2, 2, s, "22800.00", "10200.00", "12600.00", m),
        ("2022T3", "AFNOR", "31", 2, 2, None, s, "28200.00", "10200.00", "18000.00", m),
        ("2022T3", "Total", "", 2, 2, 2, s, "28200.00", "10200.00", "18000.00", m),
        ("2022T4", "AFNOR", "31", 2, 2, None, s, "28200.00", "10200.00", "18000.00", m),
        ("2022T4", "CYLAD", "31", 1, 1, None, "12000.00", "6000.00", "0.00", "6000.00", "6000.00"),
        ("2022T4", "Total", "", 3, 3, 3,
         "45000.00", "34200.00", "10200.00", "24000.00", "18000.00"),
    ]  # fmt: skip
    text = runner.invoke(app, ["registre", "etat", "--registre", register_url]).stdout
    assert "3 entreprises aidées depuis le début (au trimestre 2022T4)" in text
    assert "Objectif du programme : 400 entreprises" in text


def export(url: str) -> dict[str, Any]:
    result = runner.invoke(app, ["registre", "exporter", "--registre", url])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_the_same_file_again_changes_nothing(
    register_url: str, story: dict[str, list[Path]]
) -> None:
    first = validate(register_url, "2022T1", story["2022T1"])
    before = export(register_url)
    again = validate(register_url, "2022T1", story["2022T1"])
    assert "« afnor-2022T1.xlsx » déjà enregistré" in again[2]
    assert export(register_url) == before
    assert again[:2] == first[:2]


def test_a_new_version_replaces_the_earlier_one_kept_in_history(
    register_url: str, story: dict[str, list[Path]]
) -> None:
    validate(register_url, "2022T2", story["2022T2"])
    # AFNOR sends its Q2 file again, corrected: the Q3 lines (another SHA-256, same source).
    _, _, said = validate(register_url, "2022T2", story["2022T3"])
    assert "« afnor-2022T3.xlsx » remplace la version précédente" in said
    files = export(register_url)["files"]
    assert [(f["name"], f["replaced_by"] is None) for f in files] == [
        ("afnor-2022T2.xlsx", False),
        ("afnor-2022T3.xlsx", True),
    ] or [(f["name"], f["replaced_by"] is None) for f in files] == [
        ("afnor-2022T3.xlsx", True),
        ("afnor-2022T2.xlsx", False),
    ]
    state = json.loads(runner.invoke(app, ["registre", "etat", "--registre", register_url,
                                           "--format", "json"]).stdout)  # fmt: skip
    # Only the version in force counts: Q3's figures, recorded for Q2.
    assert state["rows"][-1]["due"] == "28200.00"
