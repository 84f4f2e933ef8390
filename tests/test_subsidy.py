"""The subsidy on the quote, S01-S05 and S08: each case computed by hand from SPEC 3."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from conftest import a_dossier, codes
from xl_idf.subsidy import Cap, compute_subsidy, phase_bases

D = Decimal


def quote(days1, amount1, days2=None, amount2=None, equity="500000.00"):
    """A dossier changed to this quote and equity."""
    return a_dossier(
        jours_p1=None if days1 is None else D(days1),
        montant_p1=None if amount1 is None else D(amount1),
        jours_p2=None if days2 is None else D(days2),
        montant_p2=None if amount2 is None else D(amount2),
        fonds_propres=None if equity is None else D(equity),
    )


CASES = [
    # (id, quote (days1, amount1, days2, amount2, equity), phase 1, phase 2, codes)
    # Worked example 1: 100 % x 6,000 + 50 % x 30,000.
    ("SME full journey", ("5", "6000", "25", "30000"), "6000.00", "15000.00", []),
    # Worked example 2: phase 2 at 1,300 a day for 12.5 days, capped to 1,200 x 12.5 = 15,000.
    ("daily cap on phase 2", ("5", "4500", "12.5", "16250"), "4500.00", "7500.00", ["S09"]),
    # Worked example 3: 6,000 + 12,000 = 18,000 > equity 8,000; phase 2 cut to 2,000.
    (
        "equity cap takes phase 2 first",
        ("5", "6000", "20", "24000", "8000"),
        "6000.00",
        "2000.00",
        ["S04"],
    ),
    ("phase 1 only", ("5", "5000"), "5000.00", "0.00", []),
    ("exactly 1,200 a day", ("5", "6000.00", "10", "12000.00"), "6000.00", "6000.00", []),
    # 6,000.05 over 5 days is above 1,200 a day: base 6,000.00.
    ("one cent per day above the cap", ("5", "6000.05"), "6000.00", "0.00", ["S09"]),
    # 50 % of an odd cent: base 15,000.01 -> 7,500.005 -> 7,500.00 (rounded down).
    ("50 % of an odd cent", ("5", "6000", "25", "15000.01"), "6000.00", "7500.00", []),
    ("50 % of 0.03", ("5", "6000", "1", "0.03"), "6000.00", "0.01", []),
    # Phase 1 quoted over 6 days: only 5 count, base 1,200 x 5 = 6,000.
    ("S02 phase 1 longer than 5 days", ("6", "7200"), "6000.00", "0.00", ["S02"]),
    # Phase 2 quoted 30 days: base capped at 1,200 x 25 = 30,000, subsidy 15,000.
    (
        "S02 phase 2 longer than 25 days",
        ("5", "6000", "30", "36000"),
        "6000.00",
        "15000.00",
        ["S02"],
    ),
    ("phase 2 of exactly 25 days", ("5", "6000", "25", "30000"), "6000.00", "15000.00", []),
    # Both phases too long: bases 1,200 x 5 = 6,000 and 1,200 x 25 = 30,000; together they
    # reach the journey cap of 36,000 exactly, so S03 does not apply.
    (
        "journey cap reached, not exceeded",
        ("7", "8400", "30", "36000"),
        "6000.00",
        "15000.00",
        ["S02", "S02"],
    ),
    ("S01 phase 1 of 4.5 days", ("4.5", "5400"), "0.00", "0.00", ["S01"]),
    (
        "S01 phase 1 of 4.5 days with a phase 2",
        ("4.5", "5400", "10", "12000"),
        "0.00",
        "0.00",
        ["S01"],
    ),
    ("S01 phase 1 of 5 days is enough", ("5", "1000"), "1000.00", "0.00", []),
    ("S05 phase 2 without phase 1", ("0", "0", "10", "12000"), "0.00", "0.00", ["S05"]),
    # SPEC 3: a blank phase 1 with a phase 2 is S05 only, not a missing value.
    ("S05 blank phase 1 with a phase 2", (None, None, "10", "12000"), "0.00", "0.00", ["S05"]),
    # SPEC 3: nothing quoted at all is F07 (incomplete), not S01.
    ("nothing quoted at all: F07", ("0", "0"), "0.00", "0.00", ["F07"]),
    ("nothing quoted, all blank: F07", (None, None), "0.00", "0.00", ["F07"]),
    ("phase 1 of 0 days, phase 2 of 0 days: F07", ("0", "0", "0", "0"), "0.00", "0.00", ["F07"]),
    # S09 on phase 1 and S02: 8,000 for 6 days > 1,200 x 6 = 7,200, then 5 days: 6,000.
    ("S09 and S02 on phase 1", ("6", "8000"), "6000.00", "0.00", ["S02", "S09"]),
    # Equity equal to the subsidy: no cap applies.
    (
        "equity equal to the subsidy",
        ("5", "6000", "25", "30000", "21000.00"),
        "6000.00",
        "15000.00",
        [],
    ),
    # One cent less: phase 2 loses the cent.
    (
        "equity one cent below",
        ("5", "6000", "25", "30000", "20999.99"),
        "6000.00",
        "14999.99",
        ["S04"],
    ),
    # Equity below phase 1: phase 2 to 0, then phase 1 to the equity.
    ("equity below phase 1", ("5", "6000", "25", "30000", "4000.00"), "4000.00", "0.00", ["S04"]),
    ("S08 zero equity", ("5", "6000", "25", "30000", "0"), "0.00", "0.00", ["S08"]),
    ("S08 negative equity", ("5", "6000", "25", "30000", "-15000"), "0.00", "0.00", ["S08"]),
    ("missing equity", ("5", "6000", "25", "30000", None), "0.00", "0.00", ["F07"]),
    ("missing phase 1 amount", ("5", None), "0.00", "0.00", ["F07"]),
    ("half-filled phase 2", ("5", "6000", "10", None), "0.00", "0.00", ["F07"]),
    ("negative amount", ("5", "-6000"), "0.00", "0.00", ["F04"]),
]


@pytest.mark.parametrize(
    ("values", "phase1", "phase2", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_subsidy(params, values, phase1, phase2, expected):
    result = compute_subsidy(quote(*values), params)
    assert (result.phase1, result.phase2) == (D(phase1), D(phase2))
    assert result.total == D(phase1) + D(phase2)
    assert codes(result.findings) == expected


def test_caps_applied_are_explained(params):
    result = compute_subsidy(quote("6", "8000", "12.5", "16250", "15000"), params)
    # Phase 1: 8,000 > 1,200 x 6 = 7,200 (daily cap) > 1,200 x 5 = 6,000 (phase length).
    # Phase 2: 16,250 > 1,200 x 12.5 = 15,000 (daily cap). Subsidy 6,000 + 7,500 = 13,500
    # under equity 15,000: no equity cap.
    assert [(c.cap, c.phase, c.before, c.after) for c in result.caps] == [
        (Cap.DAILY, 1, D("8000"), D("7200.00")),
        (Cap.PHASE_DAYS, 1, D("7200.00"), D("6000.00")),
        (Cap.DAILY, 2, D("16250"), D("15000.00")),
    ]
    assert result.explain(params) == [
        "Base phase 1 : 6\u00a0000,00\u00a0€ ; base phase 2 : 15\u00a0000,00\u00a0€",
        "Phase 1 : plafond journalier appliqué, base ramenée de 8\u00a0000,00\u00a0€ à "
        "7\u00a0200,00\u00a0€",
        "Phase 1 : plafond de durée de la phase appliqué, base ramenée de 7\u00a0200,00\u00a0€ à "
        "6\u00a0000,00\u00a0€",
        "Phase 2 : plafond journalier appliqué, base ramenée de 16\u00a0250,00\u00a0€ à "
        "15\u00a0000,00\u00a0€",
        "Taux : 100\u00a0% de la base de la phase 1, 50\u00a0% de la base de la phase 2 "
        "(arrondis au centime inférieur)",
        "Phase 1 prévue sur 6\u00a0jours : 5\u00a0jours au plus sont retenus dans la base",
        "Phase 1 prévue à 8\u00a0000,00\u00a0€ pour 6\u00a0jours, au-dessus du plafond de "
        "1\u00a0200,00\u00a0€ par jour : base ramenée à 7\u00a0200,00\u00a0€",
        "Phase 2 prévue à 16\u00a0250,00\u00a0€ pour 12,5\u00a0jours, au-dessus du plafond de "
        "1\u00a0200,00\u00a0€ par jour : base ramenée à 15\u00a0000,00\u00a0€",
        "Subvention sur le devis : phase 1 6\u00a0000,00\u00a0€ + phase 2 7\u00a0500,00\u00a0€ = "
        "13\u00a0500,00\u00a0€",
    ]


def test_equity_cap_is_recorded_per_phase(params):
    result = compute_subsidy(quote("5", "6000", "20", "24000", "8000"), params)
    assert [(c.cap, c.phase, c.before, c.after) for c in result.caps] == [
        (Cap.EQUITY, 2, D("12000.00"), D("2000.00")),
    ]
    (found,) = result.findings
    assert found.cell == "O7"
    assert found.message == (
        "Subvention de 18\u00a0000,00\u00a0€, au-dessus des fonds propres de 8\u00a0000,00\u00a0€ "
        ": ramenée à 8\u00a0000,00\u00a0€ (phase 2 ramenée de 12\u00a0000,00\u00a0€ à "
        "2\u00a0000,00\u00a0€ ; la phase 2 est réduite d'abord)"
    )


def test_journey_cap_takes_phase_2_first(params):
    # Bases of already-capped justified amounts: 6,000 + 31,000 > 36,000, but phase 2 is first
    # held to 1,200 x 25 = 30,000, so the journey cap is not reached.
    bases = phase_bases(D("6000.00"), D("31000.00"), params)
    assert (bases.phase1, bases.phase2) == (D("6000.00"), D("30000.00"))
    assert [c.cap for c in bases.caps] == [Cap.PHASE_DAYS]


def test_s01_blocks_and_names_the_minimum(params):
    result = compute_subsidy(quote("3", "3600", "10", "12000"), params)
    assert result.blocked
    (found,) = result.findings
    assert (found.code, found.cell, found.message) == (
        "S01",
        "T7",
        "Phase 1 prévue sur 3\u00a0jours : 5\u00a0jours minimum",
    )
    # The bases stay visible for the explanation, the amounts are zero.
    assert (result.base_phase1, result.base_phase2) == (D("3600"), D("12000"))


def test_s03_journey_cap_reduces_phase_2_first(params):
    # Under Occitanie's figures the two phase caps add up to the journey cap exactly
    # (1,200 x 5 + 1,200 x 25 = 36,000), so S03 binds only under a lower journey cap.
    lower = replace(params, total_cap=D("20000.00"))
    result = compute_subsidy(quote("5", "6000", "25", "30000"), lower)
    # Bases 6,000 + 30,000 = 36,000 > 20,000: phase 2 base 20,000 - 6,000 = 14,000, at 50 %.
    assert (result.base_phase1, result.base_phase2) == (D("6000.00"), D("14000.00"))
    assert (result.phase1, result.phase2) == (D("6000.00"), D("7000.00"))
    (found,) = result.findings
    assert (found.code, found.severity.value, found.cell) == ("S03", "info", "W7")
    assert found.message == (
        "Bases des deux phases 36\u00a0000,00\u00a0€, au-dessus du plafond du parcours de "
        "20\u00a0000,00\u00a0€ : base de la phase 2 ramenée de 30\u00a0000,00\u00a0€ à "
        "14\u00a0000,00\u00a0€"
    )


def test_journey_cap_below_phase_1_cuts_phase_1_too(params):
    lower = replace(params, total_cap=D("5000.00"))
    bases = phase_bases(D("6000.00"), D("1000.00"), lower)
    assert (bases.phase1, bases.phase2) == (D("5000.00"), D("0.00"))


def test_s03_names_phase_1_when_the_journey_cap_cuts_it(params):
    # An invented journey cap of 5,000, below a full phase 1 of 6,000: phase 1's base is cut
    # to 5,000 and phase 2's (12,000) to 0; each S03 names its own phase.
    lower = replace(params, total_cap=D("5000.00"))
    result = compute_subsidy(quote("5", "6000", "10", "12000"), lower)
    assert (result.phase1, result.phase2) == (D("5000.00"), D("0.00"))
    assert [(f.code, f.cell) for f in result.findings] == [("S03", "U7"), ("S03", "W7")]
    assert result.findings[0].message == (
        "Bases des deux phases 18\u00a0000,00\u00a0€, au-dessus du plafond du parcours de "
        "5\u00a0000,00\u00a0€ : base de la phase 1 ramenée de 6\u00a0000,00\u00a0€ à "
        "5\u00a0000,00\u00a0€"
    )
    assert "base de la phase 2 ramenée de 12\u00a0000,00\u00a0€ à 0,00\u00a0€" in (
        result.findings[1].message
    )
