"""De minimis (S06, S07) and payments (P01-P05), computed by hand from SPEC 3."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from conftest import a_dossier, a_payment, codes
from xl_idf.de_minimis import check_de_minimis
from xl_idf.eligibility import Category
from xl_idf.payments import check_recorded, recorded_payments, schedule_payments
from xl_idf.records import PaymentType

D = Decimal
PME, ETI = Category.PME, Category.ETI

MINIMIS = [
    # (id, category, phase 1, phase 2, prior aid, attestation, on, codes, de minimis part)
    (
        "SME, phase 1 under de minimis",
        PME,
        "6000",
        "15000",
        "0",
        True,
        date(2022, 6, 1),
        [],
        "6000",
    ),
    # SME: 194,000 + 6,000 = 200,000, exactly the ceiling (phase 2 is under SA.40453).
    (
        "SME at the ceiling exactly",
        PME,
        "6000",
        "15000",
        "194000",
        True,
        date(2022, 6, 1),
        [],
        "6000",
    ),
    (
        "SME one cent over the ceiling",
        PME,
        "6000",
        "15000",
        "194000.01",
        True,
        date(2022, 6, 1),
        ["S07"],
        "6000",
    ),
    # ETI: phase 2 counts too: 179,000 + 6,000 + 15,000 = 200,000.
    (
        "ETI at the ceiling exactly",
        ETI,
        "6000",
        "15000",
        "179000",
        True,
        date(2022, 6, 1),
        [],
        "21000",
    ),
    (
        "ETI one cent over",
        ETI,
        "6000",
        "15000",
        "179000.01",
        True,
        date(2022, 6, 1),
        ["S07"],
        "21000",
    ),
    # Reg. 2023/2831 from 2024-01-01: ceiling 300,000; 2023-12-31 is still 1407/2013.
    (
        "ceiling of 2023-12-31 is 200,000",
        ETI,
        "6000",
        "15000",
        "190000",
        True,
        date(2023, 12, 31),
        ["S07"],
        "21000",
    ),
    (
        "ceiling of 2024-01-01 is 300,000",
        ETI,
        "6000",
        "15000",
        "190000",
        True,
        date(2024, 1, 1),
        [],
        "21000",
    ),
    (
        "S06 SME with phase 1 and no attestation",
        PME,
        "6000",
        "0",
        "0",
        False,
        date(2022, 6, 1),
        ["S06"],
        "6000",
    ),
    (
        "S06 ETI without phase 1 subsidy still needs it",
        ETI,
        "0",
        "0",
        "0",
        False,
        date(2022, 6, 1),
        ["S06"],
        "0",
    ),
    (
        "no subsidy, SME: no attestation needed",
        PME,
        "0",
        "0",
        "0",
        False,
        date(2022, 6, 1),
        [],
        "0",
    ),
    ("attestation missing", PME, "6000", "0", "0", None, date(2022, 6, 1), ["F07"], "6000"),
    ("prior aid missing", PME, "6000", "0", None, True, date(2022, 6, 1), ["F07"], "6000"),
]


@pytest.mark.parametrize(
    ("cat", "phase1", "phase2", "prior", "attestation", "on", "expected", "part"),
    [c[1:] for c in MINIMIS],
    ids=[c[0] for c in MINIMIS],
)
def test_de_minimis(programme, cat, phase1, phase2, prior, attestation, on, expected, part):
    dossier = a_dossier(
        aides_minimis_3_ans=None if prior is None else D(prior), attestation_minimis=attestation
    )
    result = check_de_minimis(dossier, cat, D(phase1), D(phase2), programme.at(on))
    assert codes(result.findings) == expected
    assert result.part == D(part)
    assert result.complete is (attestation is not None and prior is not None)


def test_s07_message_names_the_ceiling_in_force(programme):
    dossier = a_dossier(aides_minimis_3_ans=D("295000"))
    (found,) = check_de_minimis(
        dossier, ETI, D("6000"), D("15000"), programme.at(date(2024, 2, 1))
    ).findings
    assert (found.cell, found.message) == (
        "R7",
        "Aides de minimis antérieures 295\u00a0000,00\u00a0€ + aide de minimis du dossier "
        "21\u00a0000,00\u00a0€ = 316\u00a0000,00\u00a0€, au-dessus du plafond de "
        "300\u00a0000,00\u00a0€ sur 3 années glissantes (règlement (UE) 2023/2831)",
    )


SCHEDULES = [
    # (id, subsidy 1, subsidy 2, justified 1, justified 2, days, recorded advance,
    #  phase 1 payment, advance, balance, codes)
    # Worked example: 6,000 + 15,000; advance 70 % x 15,000 = 10,500; all justified:
    # balance = min(15,000, 50 % x 30,000) - 10,500 = 4,500.
    (
        "everything justified",
        "6000",
        "15000",
        "6000",
        "30000",
        "30",
        None,
        "6000.00",
        "10500.00",
        "4500.00",
        [],
    ),
    # Nothing payable before 5 days are justified.
    (
        "4.5 days justified",
        "6000",
        "15000",
        "5400",
        "0",
        "4.5",
        None,
        "0.00",
        "0.00",
        "0.00",
        ["P01"],
    ),
    # Exactly 5 days: phase 1 paid; phase 2 not started: the balance is minus the planned
    # advance, not warned about before phase 2 has a justified line or a recorded advance.
    (
        "5 days justified",
        "6000",
        "15000",
        "6000",
        "0",
        "5",
        None,
        "6000.00",
        "10500.00",
        "-10500.00",
        [],
    ),
    # Phase 1 justified for less than its subsidy: paid on what is justified.
    (
        "phase 1 partly justified",
        "6000",
        "0",
        "5000",
        "0",
        "5",
        None,
        "5000.00",
        "0.00",
        "0.00",
        ["P02"],
    ),
    # 70 % of an odd subsidy: 7,500.01 x 70 % = 5,250.007 -> 5,250.00.
    (
        "70 % rounded down",
        "6000",
        "7500.01",
        "6000",
        "0",
        "5",
        None,
        "6000.00",
        "5250.00",
        "-5250.00",
        [],
    ),
    # Recorded advance at the maximum: 10,500; phase 2 half justified: 50 % x 15,000 = 7,500;
    # balance 7,500 - 10,500 = -3,000 to be paid back, warned.
    (
        "half of phase 2 justified after the advance",
        "6000",
        "15000",
        "6000",
        "15000",
        "17.5",
        "10500",
        "6000.00",
        "10500.00",
        "-3000.00",
        ["P04"],
    ),
    # A recorded advance above 70 %: 10,500.01 > 10,500.00.
    (
        "advance above 70 %",
        "6000",
        "15000",
        "6000",
        "30000",
        "30",
        "10500.01",
        "6000.00",
        "10500.01",
        "4499.99",
        ["P03"],
    ),
    # A recorded advance below the maximum: the balance uses it.
    (
        "smaller recorded advance",
        "6000",
        "15000",
        "6000",
        "30000",
        "30",
        "5000",
        "6000.00",
        "5000.00",
        "10000.00",
        [],
    ),
    # Justified more than the quote: paid no more than the subsidy.
    (
        "justified above the quote",
        "6000",
        "15000",
        "7000",
        "40000",
        "35",
        None,
        "6000.00",
        "10500.00",
        "4500.00",
        [],
    ),
]


@pytest.mark.parametrize(
    ("sub1", "sub2", "just1", "just2", "days", "advance", "pay1", "adv2", "bal2", "expected"),
    [c[1:] for c in SCHEDULES],
    ids=[c[0] for c in SCHEDULES],
)
def test_schedule(params, sub1, sub2, just1, just2, days, advance, pay1, adv2, bal2, expected):
    result = schedule_payments(
        D(sub1),
        D(sub2),
        D(just1),
        D(just2),
        D(days),
        params,
        recorded_advance=None if advance is None else D(advance),
    )
    assert (result.phase1, result.advance_phase2, result.balance_phase2) == (
        D(pay1),
        D(adv2),
        D(bal2),
    )
    assert codes(result.findings) == expected


def test_schedule_applies_the_phase_caps_to_justified_amounts(params):
    # 7,000 justified in phase 1 is held to 1,200 x 5 = 6,000 before the rate.
    result = schedule_payments(D("7000"), D(0), D("7000"), D(0), D(6), params)
    assert result.justified.phase1 == D("6000.00")
    assert result.phase1 == D("6000.00")


def test_p04_message(params):
    result = schedule_payments(
        D("6000"),
        D("15000"),
        D("6000"),
        D("15000"),
        D("17.5"),
        params,
        recorded_advance=D("10500"),
    )
    (found,) = result.findings
    assert found.message == (
        "Solde de la phase 2 négatif : 3\u00a0000,00\u00a0€ (phase 2 due sur les dépenses "
        "justifiées 7\u00a0500,00\u00a0€, acompte versé 10\u00a0500,00\u00a0€) ; trop-perçu à "
        "reverser si la phase 2 s'arrête là"
    )
    planned = schedule_payments(D("6000"), D("15000"), D("6000"), D("10000"), D("15"), params)
    # Due 50 % x 10,000 = 5,000; planned advance 70 % x 15,000 = 10,500; balance -5,500.
    assert planned.balance_phase2 == D("-5500.00")
    assert "acompte prévu 10\u00a0500,00\u00a0€" in planned.findings[0].message


def test_recorded_payments_are_summed_by_type():
    recorded = recorded_payments(
        [
            a_payment(),
            a_payment(type=PaymentType.ADVANCE_PHASE2, montant=D("5000.00")),
            a_payment(type=PaymentType.ADVANCE_PHASE2, montant=D("2000.00")),
            a_payment(type=PaymentType.BALANCE_PHASE2, montant=D("1000.00")),
            a_payment(montant=None),
        ]
    )
    assert (recorded.phase1, recorded.phase1_count) == (D("6000.00"), 1)
    assert recorded.advance_phase2 == D("7000.00")
    assert recorded.phase2 == D("8000.00")
    assert recorded_payments([a_payment()]).advance_phase2 is None


P05 = [
    ("within the subsidy", [a_payment()], "6000", "15000", []),
    (
        "phase 1 paid twice",
        [a_payment(montant=D(3000)), a_payment(montant=D(3000))],
        "6000",
        "15000",
        ["P05"],
    ),
    ("phase 1 above its subsidy", [a_payment(montant=D("6000.01"))], "6000", "15000", ["P05"]),
    (
        "phase 2 above its subsidy",
        [
            a_payment(type=PaymentType.ADVANCE_PHASE2, montant=D("10500")),
            a_payment(type=PaymentType.BALANCE_PHASE2, montant=D("4500.01")),
        ],
        "6000",
        "15000",
        ["P05"],
    ),
    ("any payment of an ineligible dossier", [a_payment()], "0", "0", ["P05"]),
]


@pytest.mark.parametrize(
    ("payments", "sub1", "sub2", "expected"), [c[1:] for c in P05], ids=[c[0] for c in P05]
)
def test_recorded_never_exceed_the_subsidy(payments, sub1, sub2, expected):
    found = check_recorded(recorded_payments(payments), D(sub1), D(sub2))
    assert codes(found) == expected
