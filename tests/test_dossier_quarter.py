"""A dossier and a quarter assessed whole: statuses, awarded amounts, findings in place."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from conftest import MADE_UP, a_dossier, a_line, a_payment, codes
from xl_idf.dossier import assess_dossier, parameters_for, parameters_on
from xl_idf.eligibility import Category, Eligibility
from xl_idf.payments import NOTHING, Instalments
from xl_idf.programme import Programme, load_programme
from xl_idf.quarter import assess_quarter
from xl_idf.records import PaymentType

D = Decimal


@pytest.fixture(scope="module")
def made_up() -> Programme:
    """The invented programme, whose de minimis ceiling starts on 01/01/2030."""
    return load_programme(MADE_UP)


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
    # Justified: phase 1 6,000 over 5 days; phase 2 nothing: it has not begun (no justified
    # line, no recorded advance), so neither advance nor balance is due yet.
    assert (
        result.schedule.phase1,
        result.schedule.advance_phase2,
        result.schedule.balance_phase2,
    ) == (D("6000.00"), D("0.00"), D("0.00"))
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
    # Eligible, but the quote blocks the subsidy.
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


DE_MINIMIS = [
    # (id, changes, codes): an SME whose de minimis part (phase 1) is refused keeps its phase 2
    # (SA.40453): subsidy 0 + 15,000. All 30 days justified: phase 1 due min(0, 6,000) = 0;
    # planned advance 70 % x 15,000 = 10,500; balance min(15,000, 50 % x 30,000) - 10,500 = 4,500.
    ("SME S06 no attestation", {"attestation_minimis": False}, ["S06"]),
    # 199,000 + 6,000 = 205,000 > 200,000.
    ("SME S07 over the ceiling", {"aides_minimis_3_ans": D("199000")}, ["S07"]),
]


@pytest.mark.parametrize(
    ("changes", "expected"), [c[1:] for c in DE_MINIMIS], ids=[c[0] for c in DE_MINIMIS]
)
def test_de_minimis_refuses_an_smes_phase_1_only(programme, changes, expected):
    result = assess_dossier(a_dossier(**changes), [PHASE1, PHASE2_A, PHASE2_B], [], programme)
    assert (result.eligibility, result.awarded) == (Eligibility.ELIGIBLE, True)
    assert (result.subsidy_phase1, result.subsidy_phase2) == (D("0.00"), D("15000.00"))
    assert result.due == Instalments(D("0.00"), D("10500.00"), D("4500.00"))
    # Planned on the subsidy awarded: 0; advance 70 % x 15,000 = 10,500; balance 4,500.
    assert result.planned == Instalments(D("0.00"), D("10500.00"), D("4500.00"))
    assert codes(result.findings) == expected
    assert result.blocking == tuple(expected)


def test_eti_negative_prior_aid_does_not_pass_the_ceiling(programme):
    # An ETI (300 staff) with prior aid typed -190,000: F04, incomplete, nothing paid.
    dossier = a_dossier(effectif=300, aides_minimis_3_ans=D("-190000"))
    result = assess_dossier(dossier, [PHASE1], [], programme)
    assert result.eligibility is Eligibility.INCOMPLETE
    assert (result.subsidy_total, result.due.total) == (D("0.00"), D("0.00"))
    assert [(f.code, f.cell) for f in result.findings] == [("F04", "R7")]
    assert result.blocking == ("F04",)


def test_four_schedules_planned_due_paid_remaining(programme):
    # Worked example with phase 2 half done: quote 6,000 + 15,000. Planned: 6,000; advance
    # 70 % x 15,000 = 10,500; balance 4,500. Justified: phase 1 (5 days) and PHASE2_A (12 days,
    # 14,400): due phase 1 6,000; recorded advance 10,500; balance min(15,000, 7,200) - 10,500
    # = -3,300. Paid: phase 1 6,000, advance 10,500, and a balance of 1,000 recorded by mistake.
    payments = [
        a_payment(),
        a_payment(type=PaymentType.ADVANCE_PHASE2, montant=D("10500.00"), row=4),
        a_payment(type=PaymentType.BALANCE_PHASE2, montant=D("1000.00"), row=5),
    ]
    result = assess_dossier(a_dossier(), [PHASE1, PHASE2_A], payments, programme)
    assert result.planned == Instalments(D("6000.00"), D("10500.00"), D("4500.00"))
    assert result.due == Instalments(D("6000.00"), D("10500.00"), D("-3300.00"))
    assert result.paid == Instalments(D("6000.00"), D("10500.00"), D("1000.00"))
    # Remaining = due - paid: 0, 0, -3,300 - 1,000 = -4,300 (to recover).
    assert result.remaining == Instalments(D("0.00"), D("0.00"), D("-4300.00"))
    # P04: the balance due is negative; P06: a balance was paid while below zero is due.
    assert [(f.code, f.cell) for f in result.findings] == [
        ("P04", "D4"),
        ("P06", "D5"),
    ]


def test_line_without_invoice_number_counts_for_nothing(programme):
    result = assess_dossier(a_dossier(), [a_line(numero_facture=None)], [], programme)
    (line,) = result.lines
    assert line.excluded
    assert codes(result.findings) == ["F07", "P01"]
    assert result.due == Instalments(D("0.00"), D("0.00"), D("0.00"))


def test_corrected_copy_of_an_excluded_line_counts(programme):
    # Typed first with 0 days (X05, excluded), then again corrected: the copy is not X07.
    lines = [a_line(jours=D(0), row=5), a_line(row=6)]
    result = assess_dossier(a_dossier(), lines, [], programme)
    assert [(f.code, f.cell) for f in result.findings] == [("X05", "G5")]
    assert result.due.phase1 == D("6000.00")


def test_duplicate_invoice_is_excluded_once_counted(programme):
    lines = [a_line(row=5), a_line(row=6)]
    result = assess_dossier(a_dossier(), lines, [], programme)
    assert [(f.code, f.cell) for f in result.findings] == [("X07", "D6")]
    assert [r.excluded for r in result.lines] == [False, True]


def test_ineligible_dossier_with_a_recorded_payment(programme):
    # Gironde, and a postal code of Gironde: ineligible; the payment already made is flagged.
    dossier = a_dossier(departement="33", code_postal="33000")
    result = assess_dossier(dossier, [PHASE1], [a_payment()], programme)
    assert codes(result.findings) == ["E05", "P05"]
    # SPEC 2: every schedule of an ineligible dossier is 0 in every output.
    assert (result.planned, result.due, result.paid) == (NOTHING, NOTHING, NOTHING)


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


@pytest.mark.parametrize(
    ("day", "ceiling", "on"),
    [
        # The de minimis ceiling is dated: 200,000 up to 31/12/2023, 300,000 from 01/01/2024.
        (date(2022, 3, 15), "200000", date(2022, 3, 15)),
        (date(2023, 12, 31), "200000", date(2023, 12, 31)),
        (date(2024, 1, 1), "300000", date(2024, 1, 1)),
        # No date: the programme's last day, 31/12/2022.
        (None, "200000", date(2022, 12, 31)),
    ],
)
def test_parameters_on_a_filing_date(programme, day, ceiling, on):
    params = parameters_on(day, programme)
    assert (params.de_minimis_ceiling, params.on) == (D(ceiling), on)
    assert parameters_for(a_dossier(date_depot=day), programme) == params


def test_parameters_on_a_day_without_every_value_are_the_last_days(made_up):
    # The made-up ceiling starts on 01/01/2030: on 31/12/2029 not every parameter has a value,
    # so the programme's last day (30/06/2031) stands in, under the second ceiling 150,000.03.
    params = parameters_on(date(2029, 12, 31), made_up)
    assert (params.on, params.de_minimis_ceiling) == (date(2031, 6, 30), D("150000.03"))
    assert parameters_on(date(2030, 9, 16), made_up).de_minimis_ceiling == D("100000.01")


def test_quarter_links_lines_and_payments_and_checks_across_rows(programme):
    dossiers = [
        a_dossier(),
        a_dossier(numero="IDF-0002", siret="35600000000048", row=8),
        a_dossier(numero="IDF-0002", siret="35600000000048", row=9),  # the number again
    ]
    lines = [
        PHASE1,
        a_line(dossier="IDF-0404", row=6),
        a_line(row=7),  # the invoice of row 5 again
        # The number in other case: matched, with a warning; another 5 days of phase 1.
        a_line(dossier="idf-0001", numero_facture="F-2022-009", row=8),
        a_line(dossier="IDF-0002", numero_facture="F-2022-010", row=9),  # unassigned (F06)
    ]
    payments = [a_payment(), a_payment(dossier="IDF-0404", row=4)]
    result = assess_quarter(dossiers, lines, payments, programme)
    assert [(f.code, f.sheet, f.cell) for f in result.findings] == [
        ("X06", "Prestations", "A6"),
        ("F05", "Prestations", "A8"),
        ("X06", "Versements", "A4"),
        ("X07", "Prestations", "D7"),
        ("F06", "Dossiers", "A8"),
        ("F06", "Dossiers", "A9"),
    ]
    assert result.findings[1].message == (
        "N° dossier : saisi « idf-0001 », lu IDF-0001 (dossier de la feuille Dossiers)"
    )
    assert result.findings[4].message == (
        "N° dossier « IDF-0002 » sur plusieurs lignes (aussi en Dossiers!A9) : aucune n'est "
        "payée, ni ses prestations ni ses versements, tant que le doublon n'est pas corrigé"
    )
    first, second, duplicate = result.dossiers
    assert [r.line.row for r in first.lines] == [5, 7, 8]
    # Justified phase 1: 6,000 + 6,000 held to 1,200 x 5 = 6,000; paid 6,000.
    assert first.due.phase1 == D("6000.00")
    assert first.remaining == NOTHING
    # SPEC 2: both rows of IDF-0002 incomplete, unpaid, out of the totals.
    for row in (second, duplicate):
        assert row.eligibility is Eligibility.INCOMPLETE
        assert (row.lines, row.subsidy_total, row.counts) == ((), D("0.00"), False)
        assert row.blocking == ("F06",)
    assert first.counts


def test_dossiers_judged_on_their_own_first_get_what_they_get_judged_whole(programme, made_up):
    """`on_their_own` (found while the sheet of lines is parsed) changes no result: the sample
    quarter's dossiers, and a dossier with a value below zero, an ineligible one and one
    without date, judged with and without it; a row's part found under other parameters (the
    invented programme's), or for another dossier, is not taken, but found again."""
    from workbooks import WORKBOOKS
    from xl_idf.dossier import on_its_own
    from xl_idf.quarter import on_their_own, stage_quarter
    from xl_idf.workbook import read_workbook

    content = read_workbook(
        WORKBOOKS / "exemple-trimestre-2022T4.xlsx", programme.at(programme.reference_day)
    )
    extra = [
        a_dossier(numero="IDF-NEG", montant_p2=D("-100.00")),
        a_dossier(numero="IDF-INEL", en_difficulte=True),
        a_dossier(numero="IDF-SANS-DATE", date_depot=None),
    ]
    dossiers = (*content.dossiers, *extra)
    lines = (*content.lines, a_line(dossier="IDF-NEG"), a_line(dossier="IDF-SANS-DATE"))

    def judged(alone):
        staged = stage_quarter(dossiers, lines, content.payments, programme, alone=alone)
        return staged.findings, staged.judge(staged.assess(0, len(staged.dossiers)))

    plain = judged(None)
    assert judged(on_their_own(dossiers, programme)) == plain
    assert judged(on_their_own(dossiers, made_up)) == plain
    # Found for other dossiers (the rows in reverse order), under these ids and parameters.
    swapped = {
        id(d): on_its_own(other, parameters_for(d, programme))
        for d, other in zip(dossiers, dossiers[::-1], strict=True)
    }
    assert judged(swapped) == plain
    assert len(plain[1]) == len(dossiers)


def test_the_dossiers_are_given_on_before_the_lines_are_read(programme, monkeypatch):
    from workbooks import WORKBOOKS
    from xl_idf import workbook
    from xl_idf.book import Book

    taken: list[str] = []
    rows = Book.rows
    monkeypatch.setattr(Book, "rows", lambda self, name: (taken.append(name), rows(self, name))[1])
    given = []
    content = workbook.read_workbook(
        WORKBOOKS / "exemple-trimestre-2022T4.xlsx",
        programme.at(programme.reference_day),
        dossiers_read=lambda dossiers: given.append((dossiers, list(taken))),
    )
    ((dossiers, before),) = given
    assert dossiers == content.dossiers
    assert dossiers
    assert before == ["Dossiers"]
