"""A quarter's workbook assessed whole: the checks across rows, then every dossier.

The sheet-wide rules are here: a dossier number used twice (F06), a line or a payment whose
dossier does not exist (X06), an invoice entered twice (X07).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from xl_idf.catalogue import finding
from xl_idf.dossier import DossierResult, assess_dossier
from xl_idf.expenses import screen_lines
from xl_idf.findings import Finding
from xl_idf.programme import Programme
from xl_idf.records import Dossier, ExpenseLine, Payment


@dataclass(frozen=True)
class QuarterResult:
    """Every dossier's result and every finding of the workbook, sheet-wide ones first."""

    dossiers: tuple[DossierResult, ...]
    findings: tuple[Finding, ...]


def assess_quarter(
    dossiers: Iterable[Dossier],
    lines: Iterable[ExpenseLine],
    payments: Iterable[Payment],
    programme: Programme,
) -> QuarterResult:
    """Assess a workbook's dossiers, lines and payments together [SPEC section 3]."""
    found: list[Finding] = []
    first_row: dict[str, Dossier] = {}
    dossier_list = list(dossiers)
    for dossier in dossier_list:
        if dossier.numero is None:
            if "numero" not in dossier.unreadable:
                found.append(dossier.missing("numero"))
            continue
        first = first_row.setdefault(dossier.numero, dossier)
        if first is not dossier:
            where = first.at("numero")
            found.append(
                finding(
                    "F06",
                    dossier.at("numero"),
                    dossier.numero,
                    found=dossier.numero,
                    first=f"{where.sheet}!{where.cell}" if where.cell else "une autre ligne",
                )
            )

    screening = screen_lines(lines, first_row)
    found += screening.findings
    payments_by_dossier: dict[str, list[Payment]] = {}
    for payment in payments:
        number = payment.dossier
        if number is None:
            if "dossier" not in payment.unreadable:
                found.append(payment.missing("dossier"))
        elif number not in first_row:
            found.append(finding("X06", payment.at("dossier"), number, found=number))
        else:
            payments_by_dossier.setdefault(number, []).append(payment)

    results = []
    for dossier in dossier_list:
        # Lines and payments belong to the first dossier of a number; a duplicate row gets none.
        owner = dossier.numero is not None and first_row.get(dossier.numero) is dossier
        key = dossier.numero if owner and dossier.numero is not None else None
        results.append(
            assess_dossier(
                dossier,
                screening.by_dossier.get(key, ()) if key else (),
                payments_by_dossier.get(key, ()) if key else (),
                programme,
            )
        )
    return QuarterResult(
        dossiers=tuple(results),
        findings=tuple(found) + tuple(f for r in results for f in r.findings),
    )
