"""Decisions written once, for the core and for the calculator's formulas alike.

Which part of a subsidy is awarded once de minimis has been checked, and which invoice justifies
a payment, are each one `Condition`: terms that must all hold, and terms of which at least one
must. The core evaluates it on its facts (`holds`); the calculator's sheet `Calculs` has its
formulas generated from it (`formula`, `criteria`), so that a sheet and a report cannot decide
differently (`scripts/build_calculator.py`, checked on every dossier of the sample by
`tests/test_udfs.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Condition:
    """All of `all_of`, and at least one of `any_of` when it names any term."""

    all_of: tuple[str, ...]
    any_of: tuple[str, ...] = ()

    def holds(self, facts: Mapping[str, bool]) -> bool:
        """Whether the condition holds on `facts`, which must give every term (KeyError)."""
        # Each term looked up, whatever the others say: a fact left out is never passed over.
        look_up = facts.__getitem__
        every = list(map(look_up, self.all_of))
        if not self.any_of:
            return all(every)
        some = list(map(look_up, self.any_of))
        return all(every) and any(some)

    def formula(self, cells: Mapping[str, str]) -> str:
        """As a spreadsheet expression, true (non-zero) when it holds: `all_of` multiplied,
        `any_of` added; `cells` gives each term's expression (a range, or a comparison)."""
        factors = [_grouped(cells[term]) for term in self.all_of]
        if self.any_of:
            factors.append("(" + "+".join(f"({cells[term]})" for term in self.any_of) + ")")
        return "*".join(factors)

    def criteria(self, pairs: Mapping[str, tuple[str, str]]) -> str:
        """As the criteria of a SUMIFS or COUNTIFS: each term's range and criterion, in order.

        Those functions join their criteria by « and » only: a condition with `any_of` has none.
        """
        if self.any_of:
            raise ValueError("SUMIFS criteria cannot say « one of »")
        return ", ".join(f"{pairs[term][0]}, {pairs[term][1]}" for term in self.all_of)


def _grouped(expression: str) -> str:
    """`expression` in parentheses when it is a comparison, so that a product keeps its sense."""
    return f"({expression})" if any(c in expression for c in "=<>+") else expression


# The part of a subsidy awarded (SPEC 3, S06-S07): a dossier counted (eligible, its quote
# computed, de minimis answered) keeps its phase 1 unless de minimis refuses it; it keeps its
# phase 2 too when it is an SME, whose phase 2 falls under SA.40453 and not de minimis.
# Terms: `counted`, `de_minimis_ok` (no S06/S07 refusal), `sme` (category PME).
AWARDED_PHASE1 = Condition(all_of=("counted", "de_minimis_ok"))
AWARDED_PHASE2 = Condition(all_of=("counted",), any_of=("de_minimis_ok", "sme"))

# An invoice that justifies a payment (SPEC 3, [§Modalités de versement]): paid by the company
# (a date d'acquittement) and counted (not excluded by X01-X09, F04, F07, F08).
# Terms: `paid`, `counts`.
JUSTIFIED = Condition(all_of=("paid", "counts"))
