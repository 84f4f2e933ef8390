"""A dossier and a quarter assessed whole: statuses, awarded amounts, findings in place."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from conftest import a_dossier, a_line, a_payment, codes
from xl_idf.dossier import assess_dossier
from xl_idf.eligibility import Category, Eligibility
from xl_idf.quarter import assess_quarter
from xl_idf.records import PaymentType

D = Decimal

PHASE1 = a_line()
PHASE2_A = a_line(
    phase=2,
    numero_facture="F-2022-002",
    jours=D(12),
    montant_ht=D("14400.00"),
    date_prestation=date(2022, 7, 4),
    date_facture=date(2022, 7, 29),
    date_acquittement=date(2022, 8, 31),
)
PHASE2_B = a_line(
    phase=2,
    numero_facture="F-2022-003",
    jours=D(13),
    montant_ht=D("15600.00"),
    date_prestation=date(2022, 10, 3),
    date_facture=date(2022, 10, 28),
    date_acquittement=date(2022, 11, 30),
)


def test_worked_example_through_the_whole_dossier(programme):
    # SME, quote 5 days 6,000 + 25 days 30,000, equity 500,000: 6,000 + 15,000 = 21,000.
    # All lines paid: phase 1 payment 6,000; advance 10,500; balance 15,000 - 10,500 = 4,500.
    result = assess_dossier(a_dossier(), [PHASE1, PHASE2_A, PHASE2_B], [], programme)
    assert (result.eligibility, result.category, result.awarded) == (
        Eligibility.ELIGIBLE,
        Category.PME,
        True,
    )
    assert (result.subsidy_phase1, result.subsidy_phase2, result.subsidy_total) == (
        D("6000.00"),
        D("15000.00"),
        D("21000.00"),
    )
    schedule = result.schedule
    assert (schedule.phase1, schedule.advance_phase2, schedule.balance_phase2) == (
        D("6000.00"),
        D("10500.00"),
        D("4500.00"),
    )
    assert result.findings == ()


def test_unpaid_and_excluded_lines_do_not_count_for_payments(programme):
    lines = [
        PHASE1,
        # Not paid yet (X10): phase 2 not justified at all.
        a_line(
            phase=2,
            numero_facture="F-2",
            date_acquittement=None,
            jours=D(12),
            montant_ht=D("14400.00"),
        ),
        # Paid but outside the region (X04): excluded.
        a_line(
            phase=2,
            numero_facture="F-3",
            departement_prestation="75",
            jours=D(13),
            montant_ht=D("15600.00"),
        ),
    ]
    result = assess_dossier(a_dossier(), lines, [], programme)
    # Justified: phase 1 6,000 over 5 days; phase 2 nothing. Balance = 0 - 10,500 (planned
    # advance), not warned: phase 2 has no justified line and no recorded advance.
    assert (
        result.schedule.phase1,
        result.schedule.advance_phase2,
        result.schedule.balance_phase2,
    ) == (D("6000.00"), D("10500.00"), D("-10500.00"))
    assert codes(result.findings) == ["X10", "X04"]


def test_recorded_advance_is_used_and_checked(programme):
    payments = [
        a_payment(),
        a_payment(type=PaymentType.ADVANCE_PHASE2, montant=D("11000.00"), row=4),
    ]
    result = assess_dossier(a_dossier(), [PHASE1, PHASE2_A, PHASE2_B], payments, programme)
    # Advance 11,000 > 70 % x 15,000 = 10,500: P03 at the advance's amount cell (D4).
    # Balance = 15,000 - 11,000 = 4,000.
    assert result.schedule.advance_phase2 == D("11000.00")
    assert result.schedule.balance_phase2 == D("4000.00")
    assert [(f.code, f.sheet, f.cell) for f in result.findings] == [("P03", "Versements", "D4")]


INELIGIBLE = [
    (
        "E05 outside the region",
        {"departement": "33", "code_postal": "33000"},
        Eligibility.INELIGIBLE,
        ["E05"],
    ),
    ("E12 bad SIRET", {"siret": "73282932000075"}, Eligibility.INELIGIBLE, ["E12"]),
    ("missing equity", {"fonds_propres": None}, Eligibility.INCOMPLETE, ["F07"]),
    ("missing attestation", {"attestation_minimis": None}, Eligibility.INCOMPLETE, ["F07"]),
    ("missing SIRET", {"siret": None}, Eligibility.INCOMPLETE, ["F07"]),
    # Eligible, but the quote or de minimis blocks the subsidy.
    ("S06 no attestation", {"attestation_minimis": False}, Eligibility.ELIGIBLE, ["S06"]),
    ("S07 over the ceiling", {"aides_minimis_3_ans": D("199000")}, Eligibility.ELIGIBLE, ["S07"]),
    (
        "S01 phase 1 of 4 days",
        {"jours_p1": D(4), "montant_p1": D(4800)},
        Eligibility.ELIGIBLE,
        ["S01"],
    ),
]


@pytest.mark.parametrize(
    ("changes", "status", "expected"), [c[1:] for c in INELIGIBLE], ids=[c[0] for c in INELIGIBLE]
)
def test_no_subsidy_and_no_payment_without_a_clean_dossier(programme, changes, status, expected):
    result = assess_dossier(a_dossier(**changes), [PHASE1, PHASE2_A, PHASE2_B], [], programme)
    assert result.eligibility is status
    assert not result.awarded
    assert result.subsidy_total == D("0.00")
    assert (
        result.schedule.phase1,
        result.schedule.advance_phase2,
        result.schedule.balance_phase2,
    ) == (D(0), D(0), D(0))
    assert codes(result.findings) == expected


def test_ineligible_dossier_with_a_recorded_payment(programme):
    # Gironde, and a postal code of Gironde: ineligible; the payment already made is flagged.
    dossier = a_dossier(departement="33", code_postal="33000")
    result = assess_dossier(dossier, [PHASE1], [a_payment()], programme)
    assert codes(result.findings) == ["E05", "P05"]


def test_line_without_phase_is_excluded(programme):
    result = assess_dossier(a_dossier(), [a_line(phase=None)], [], programme)
    assert codes(result.findings) == ["F07", "P01"]
    assert result.findings[0].message == "Valeur manquante dans « Phase » : ligne exclue"


def test_snapshot_follows_the_filing_date(programme):
    assert assess_dossier(a_dossier(), [], [], programme).params.on == date(2022, 3, 15)
    # Unknown date: the programme's last day, for the rules that still need a figure.
    assert assess_dossier(a_dossier(date_depot=None), [], [], programme).params.on == date(
        2022, 12, 31
    )


def test_quarter_links_lines_and_payments_and_checks_across_rows(programme):
    dossiers = [
        a_dossier(),
        a_dossier(numero="IDF-0002", siret="35600000000048", row=8),
        a_dossier(row=9),  # the number IDF-0001 again
    ]
    lines = [PHASE1, a_line(dossier="IDF-0404", row=6), a_line(row=7)]
    payments = [a_payment(), a_payment(dossier="IDF-0404", row=4)]
    result = assess_quarter(dossiers, lines, payments, programme)
    assert [(f.code, f.sheet, f.cell) for f in result.findings[:4]] == [
        ("F06", "Dossiers", "A9"),
        ("X06", "Prestations", "A6"),
        ("X07", "Prestations", "D7"),
        ("X06", "Versements", "A4"),
    ]
    assert result.findings[0].message == "N° dossier « IDF-0001 » déjà utilisé en Dossiers!A7"
    first, second, duplicate = result.dossiers
    assert [r.line.row for r in first.lines] == [5]
    assert first.schedule.phase1 == D("6000.00")
    assert (second.lines, duplicate.lines) == ((), ())
    assert len(result.dossiers) == 3
