"""De minimis (S06, S07) and payments (P01-P06), computed by hand from SPEC 3."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from conftest import MADE_UP, a_dossier, a_payment, codes
from xl_idf.de_minimis import category_without_aid, check_de_minimis
from xl_idf.eligibility import Category
from xl_idf.payments import (
    Instalments,
    check_paid_beyond_due,
    check_recorded,
    planned_schedule,
    recorded_payments,
    schedule_payments,
)
from xl_idf.programme import load_programme
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
        # The ceiling, its period and the article of the regulation in force (its citation).
        "De minimis : 295\u00a0000,00\u00a0€ déjà reçus + 21\u00a0000,00\u00a0€ du dossier = "
        "316\u00a0000,00\u00a0€, au-dessus du plafond de 300\u00a0000,00\u00a0€ sur 3 années "
        "glissantes (Règlement (UE) 2023/2831, art. 3.2) ; phases 1 et 2 refusées "
        "(21\u00a0000,00\u00a0€)",
    )


BY_PART = [
    # (id, category, phase 1, phase 2, prior aid, attestation, phase 1 left, phase 2 left)
    # SPEC 3: S06/S07 set the part under de minimis to 0 and leave the rest. An SME's phase 2
    # falls under SA.40453: it stays awarded.
    ("SME S06: phase 2 stays", PME, "6000", "15000", "0", False, "0", "15000"),
    ("SME S07: phase 2 stays", PME, "6000", "15000", "194000.01", True, "0", "15000"),
    # An ETI's two phases are both under de minimis: both refused.
    ("ETI S06: both refused", ETI, "6000", "15000", "0", False, "0", "0"),
    ("ETI S07: both refused", ETI, "6000", "15000", "179000.01", True, "0", "0"),
    # The aid is refused whole, not cut to the room left under the ceiling (1,000 here).
    ("SME S07 refused whole", PME, "6000", "15000", "199000", True, "0", "15000"),
    ("SME within the ceiling", PME, "6000", "15000", "194000", True, "6000", "15000"),
]


@pytest.mark.parametrize(
    ("cat", "phase1", "phase2", "prior", "attestation", "left1", "left2"),
    [c[1:] for c in BY_PART],
    ids=[c[0] for c in BY_PART],
)
def test_de_minimis_refuses_its_part_only(
    programme, cat, phase1, phase2, prior, attestation, left1, left2
):
    dossier = a_dossier(aides_minimis_3_ans=D(prior), attestation_minimis=attestation)
    result = check_de_minimis(dossier, cat, D(phase1), D(phase2), programme.at(date(2022, 6, 1)))
    assert (result.phase1, result.phase2) == (D(left1), D(left2))
    assert result.refused is (D(left1) != D(phase1))


def test_s06_message_says_which_part_is_refused(programme):
    dossier = a_dossier(attestation_minimis=False)
    (found,) = check_de_minimis(
        dossier, PME, D("6000"), D("15000"), programme.at(date(2022, 6, 1))
    ).findings
    assert found.message == (
        "Attestation de minimis = Non : elle est exigée pour la phase 1 ; phase 1 refusée "
        "(6\u00a0000,00\u00a0€), phase 2 d'une PME maintenue (régime SA.40453)"
    )


def test_negative_prior_aid_is_refused_not_subtracted(programme):
    # SPEC 2: prior de minimis aid typed -190,000 must not let an ETI through the ceiling.
    dossier = a_dossier(aides_minimis_3_ans=D("-190000"))
    result = check_de_minimis(dossier, ETI, D("6000"), D("15000"), programme.at(date(2022, 6, 1)))
    assert codes(result.findings) == ["F04"]
    assert not result.complete
    assert result.findings[0].message == (
        "Aides de minimis 3 ans (€) : valeur négative -190\u00a0000, une valeur positive ou "
        "nulle attendue ; dossier incomplet"
    )


def test_a_category_neither_pme_nor_eti_gets_no_aid_at_all(params):
    assert category_without_aid(PME, params) is None
    assert category_without_aid(ETI, params) is None
    assert category_without_aid(Category.NON_ELIGIBLE, params) == (
        "Catégorie « Non éligible » : ni PME ni ETI, aucune aide ne peut être accordée ; le "
        "parcours est réservé aux entreprises de moins de 5\u00a0000 salariés"
    )
    # The threshold follows the programme file: 1,000 staff in the made-up one.
    made_up = load_programme(MADE_UP)
    assert category_without_aid(Category.NON_ELIGIBLE, made_up.at(made_up.reference_day)) == (
        "Catégorie « Non éligible » : ni PME ni ETI, aucune aide ne peut être accordée ; le "
        "parcours est réservé aux entreprises de moins de 1\u00a0000 salariés"
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
    # Exactly 5 days: phase 1 paid; phase 2 has not begun (no justified line, no recorded
    # advance): nothing of phase 2 is due yet, neither the advance nor a balance.
    (
        "5 days justified, phase 2 not begun",
        "6000",
        "15000",
        "6000",
        "0",
        "5",
        None,
        "6000.00",
        "0.00",
        "0.00",
        [],
    ),
    # P01 with a recorded advance: the advance was paid and stays; phase 1 and balance 0.
    (
        "4.5 days justified, advance recorded",
        "6000",
        "15000",
        "5400",
        "0",
        "4.5",
        "10500",
        "0.00",
        "10500.00",
        "0.00",
        ["P01"],
    ),
    # Phase 2 has begun with 2,000 justified: the planned advance 70 % x 15,000 = 10,500 is due;
    # balance = min(15,000, 50 % x 2,000) - 10,500 = -9,500 (warned: nothing was paid).
    (
        "phase 2 begun, planned advance",
        "6000",
        "15000",
        "6000",
        "2000",
        "7",
        None,
        "6000.00",
        "10500.00",
        "-9500.00",
        ["P04"],
    ),
    # A recorded advance of 5,000 and nothing justified in phase 2: begun by the advance;
    # balance = 0 - 5,000 = -5,000, to recover if phase 2 stops there.
    (
        "recorded advance, phase 2 not justified",
        "6000",
        "15000",
        "6000",
        "0",
        "5",
        "5000",
        "6000.00",
        "5000.00",
        "-5000.00",
        ["P04"],
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
    # 70 % of an odd subsidy: 7,500.01 x 70 % = 5,250.007 -> 5,250.00; phase 2 justified
    # 15,000.02 -> 50 % = 7,500.01; balance 7,500.01 - 5,250.00 = 2,250.01.
    (
        "70 % rounded down",
        "6000",
        "7500.01",
        "6000",
        "15000.02",
        "17.5",
        None,
        "6000.00",
        "5250.00",
        "2250.01",
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
    # The amount keeps its sign (SPEC 3), and the message says money was paid.
    assert found.message == (
        "Solde de la phase 2 négatif : -3\u00a0000,00\u00a0€ (phase 2 due sur les dépenses "
        "justifiées 7\u00a0500,00\u00a0€, acompte versé 10\u00a0500,00\u00a0€) ; trop-perçu de "
        "3\u00a0000,00\u00a0€ à reverser si la phase 2 s'arrête là"
    )
    planned = schedule_payments(D("6000"), D("15000"), D("6000"), D("10000"), D("15"), params)
    # Due 50 % x 10,000 = 5,000; planned advance 70 % x 15,000 = 10,500; balance -5,500.
    assert planned.balance_phase2 == D("-5500.00")
    assert planned.findings[0].message == (
        "Solde de la phase 2 négatif : -5\u00a0500,00\u00a0€ (phase 2 due sur les dépenses "
        "justifiées 5\u00a0000,00\u00a0€, acompte prévu, non versé, 10\u00a0500,00\u00a0€) ; "
        "l'acompte prévu dépasserait ce qui est justifié à ce jour ; rien n'a été versé, rien "
        "n'est à reverser"
    )


def test_planned_schedule(params):
    # On the quote: phase 1 6,000; advance 70 % x 15,000.01 = 10,500.007 -> 10,500.00;
    # balance 15,000.01 - 10,500.00 = 4,500.01.
    assert planned_schedule(D("6000.00"), D("15000.01"), params) == Instalments(
        D("6000.00"), D("10500.00"), D("4500.01")
    )


P06 = [
    # (id, payments, due (phase 1, advance, balance), codes and their cells)
    ("paid what is due", [a_payment()], ("6000", "0", "0"), []),
    # Phase 1 paid 6,000 while 5,000 is due (5,000 justified): 1,000 too much.
    ("phase 1 paid above due", [a_payment()], ("5000", "0", "0"), [("P06", "D3")]),
    # A balance recorded while nothing of it is due.
    (
        "balance paid before it is due",
        [a_payment(type=PaymentType.BALANCE_PHASE2, montant=D("100.00"), row=6)],
        ("0", "0", "0"),
        [("P06", "D6")],
    ),
    # A negative balance due with nothing recorded on it is P04's, not P06's.
    ("negative due, nothing paid", [], ("6000", "10500", "-3000"), []),
]


@pytest.mark.parametrize(
    ("payments", "due", "expected"), [c[1:] for c in P06], ids=[c[0] for c in P06]
)
def test_p06_paid_beyond_due(payments, due, expected):
    recorded = recorded_payments(payments)
    places = {p.type: p.at("montant") for p in payments}
    found = check_paid_beyond_due(recorded, Instalments(*map(D, due)), places)
    assert [(f.code, f.cell) for f in found] == expected


def test_p06_message_keeps_the_sign(params):
    (found,) = check_paid_beyond_due(
        recorded_payments([a_payment()]),
        Instalments(D("5000.00"), D(0), D(0)),
        {PaymentType.PHASE1: a_payment().at("montant")},
    )
    assert found.message == (
        "Phase 1 : 6\u00a0000,00\u00a0€ déjà versés pour 5\u00a0000,00\u00a0€ dus à ce jour, "
        "reste à verser -1\u00a0000,00\u00a0€ : versé en trop, à reverser si les dépenses "
        "justifiées n'augmentent pas"
    )


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
