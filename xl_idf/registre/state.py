"""`xl-idf registre etat`: the programme quarter by quarter, per provider and department.

Per quarter, the dossiers of the files in force for that quarter. Amounts (subsidy awarded, due,
paid, remaining, de minimis part) and companies count only the dossiers that count (eligible
and awarded more than 0, SPEC 2), companies by distinct SIRET; « Dossiers » counts them all.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from xl_idf import french
from xl_idf.money import ZERO
from xl_idf.registre.checks import Past
from xl_idf.registre.snapshot import DossierRow
from xl_idf.report import money
from xl_idf.report_text import as_text

TOTAL = "Total"


@dataclass(frozen=True)
class StateRow:
    """One line of the table: a quarter, a provider and a department (or a quarter's total)."""

    quarter: str
    provider: str
    department: str
    dossiers: int
    companies: int
    subsidy: Decimal
    due: Decimal
    paid: Decimal
    remaining: Decimal
    de_minimis: Decimal
    companies_to_date: int | None = None  # total rows: distinct companies since the start


@dataclass(frozen=True)
class State:
    """The whole table and the programme's target."""

    target: int
    rows: tuple[StateRow, ...]

    @property
    def totals(self) -> tuple[StateRow, ...]:
        """Each quarter's total row, in order."""
        return tuple(r for r in self.rows if r.provider == TOTAL)


def _row(quarter: str, provider: str, department: str, group: Sequence[DossierRow]) -> StateRow:
    counted = [d for d in group if d.counts]
    due = sum((d.due.total for d in counted), ZERO)
    paid = sum((d.paid.total for d in counted), ZERO)
    return StateRow(
        quarter=quarter,
        provider=provider,
        department=department,
        dossiers=len(group),
        companies=len({d.siret for d in counted}),
        subsidy=sum((d.subsidy_phase1 + d.subsidy_phase2 for d in counted), ZERO),
        due=due,
        paid=paid,
        remaining=due - paid,
        de_minimis=sum((d.de_minimis for d in counted), ZERO),
    )


def compute_state(pasts: Iterable[Past], target: int) -> State:
    """The table from the files in force: per quarter, per provider and department, and totals."""
    by_quarter: dict[str, list[DossierRow]] = {}
    for past in pasts:
        by_quarter.setdefault(past.quarter, []).extend(past.dossiers)
    rows: list[StateRow] = []
    since: set[str | None] = set()
    for quarter in sorted(by_quarter):
        group = by_quarter[quarter]
        keyed: dict[tuple[str, str], list[DossierRow]] = {}
        for d in group:
            keyed.setdefault((d.provider or "?", d.department or "?"), []).append(d)
        rows += [_row(quarter, p, dep, keyed[(p, dep)]) for p, dep in sorted(keyed)]
        since |= {d.siret for d in group if d.counts}
        total = _row(quarter, TOTAL, "", group)
        rows.append(replace(total, companies_to_date=len(since)))
    return State(target, tuple(rows))


HEADERS = (
    "Trimestre", "Prestataire", "Département", "Dossiers", "Entreprises aidées",
    "Entreprises depuis le début", "Objectif", "Subvention accordée", "Dû", "Versé",
    "Reste à verser", "Part de minimis",
)  # fmt: skip


def to_table(state: State) -> str:
    """The French table, one block per quarter, its total last."""
    if not state.rows:
        return "Registre vide : aucun fichier enregistré.\n"
    cells: list[tuple[str, ...]] = [HEADERS]
    for r in state.rows:
        to_date = "" if r.companies_to_date is None else str(r.companies_to_date)
        target = "" if r.companies_to_date is None else str(state.target)
        cells.append(
            (
                r.quarter, r.provider, r.department, str(r.dossiers), str(r.companies), to_date,
                target, *(french.eur(a) for a in _amounts(r)),
            )
        )  # fmt: skip
    widths = [max(len(row[i]) for row in cells) for i in range(len(HEADERS))]
    out = []
    for index, row in enumerate(cells):
        text = "  ".join(
            value.ljust(w) if i < 3 else value.rjust(w)
            for i, (value, w) in enumerate(zip(row, widths, strict=True))
        )
        out.append(text.rstrip())
        if index == 0:
            out.append("-" * len(text))
    last = state.totals[-1]
    out.append("")
    out.append(
        f"Objectif du programme : {french.count(state.target, 'entreprise')} ; "
        f"{french.count(last.companies_to_date or 0, 'entreprise aidée', 'entreprises aidées')} "
        f"depuis le début (au trimestre {last.quarter})."
    )
    return "\n".join(out) + "\n"


def _amounts(r: StateRow) -> tuple[Decimal, ...]:
    return (r.subsidy, r.due, r.paid, r.remaining, r.de_minimis)


def to_json(state: State) -> str:
    """The table as JSON: amounts as strings with two decimals, as the validate report."""
    rows = [
        {
            "quarter": r.quarter, "provider": r.provider, "department": r.department,
            "dossiers": r.dossiers, "companies": r.companies,
            **({} if r.companies_to_date is None else {"companies_to_date": r.companies_to_date}),
            **dict(zip(("subsidy", "due", "paid", "remaining", "de_minimis"),
                       (money(a) for a in _amounts(r)), strict=True)),
        }
        for r in state.rows
    ]  # fmt: skip
    return json.dumps({"target": state.target, "rows": rows}, ensure_ascii=False, indent=2) + "\n"


def to_csv(state: State) -> str:
    """The table as CSV for French Excel: `;`, decimal comma, text never a formula."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    for r in state.rows:
        to_date = "" if r.companies_to_date is None else str(r.companies_to_date)
        target = "" if r.companies_to_date is None else str(state.target)
        writer.writerow(
            (
                r.quarter, as_text(r.provider), as_text(r.department), r.dossiers, r.companies,
                to_date, target, *(money(a).replace(".", ",") for a in _amounts(r)),
            )
        )  # fmt: skip
    return out.getvalue()
