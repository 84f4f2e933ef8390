"""A quarter's workbook assessed whole: the checks across rows, then every dossier.

The sheet-wide rules are here: a dossier number used on several rows (F06), a line or a payment
whose dossier does not exist (X06) or is written in another case (F05), an invoice entered twice
(X07, across the dossiers of the sheet).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from xl_idf.catalogue import finding
from xl_idf.dossier import DossierResult, assess_lines, judge_dossier, parameters_for
from xl_idf.expenses import LineResult, mark_duplicate
from xl_idf.findings import Finding
from xl_idf.programme import Parameters, Programme
from xl_idf.records import Dossier, ExpenseLine, Payment, dossier_key

R = TypeVar("R", ExpenseLine, Payment)


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
    dossiers_sheet: bool = True,
) -> QuarterResult:
    """Assess a workbook's dossiers, lines and payments together [SPEC section 3].

    Without a sheet Dossiers (`dossiers_sheet` False: its F02 says so), lines and payments are
    not each reported as belonging to no dossier (X06): one missing sheet, one finding.
    """
    staged = stage_quarter(dossiers, lines, payments, programme, dossiers_sheet)
    results = staged.judge(0, len(staged.dossiers))
    return QuarterResult(
        dossiers=tuple(results),
        findings=staged.findings + tuple(f for r in results for f in r.findings),
    )


@dataclass(frozen=True)
class StagedQuarter:
    """A workbook with its sheet-wide rules done (F06, X06, F05, every line's checks, X07):
    what is left is each dossier's own judgement, which needs nothing from the others, so that
    any slice of the dossiers can be judged apart (`judge`), in another process too.
    """

    dossiers: list[Dossier]
    findings: tuple[Finding, ...]  # the sheet-wide ones, found before any dossier is judged
    lines_of: dict[str, list[LineResult]]
    payments_of: dict[str, list[Payment]]
    owners: dict[str, Dossier]
    params_of: dict[int, Parameters]
    duplicated: dict[int, tuple[Finding, ...]]

    def judge(self, start: int, stop: int) -> list[DossierResult]:
        """The results of the dossiers `start` to `stop` (excluded) of the sheet, in order."""
        results = []
        for dossier in self.dossiers[start:stop]:
            number = "" if dossier.numero is None else dossier_key(dossier.numero)
            own = self.owners.get(number) is dossier
            results.append(
                judge_dossier(
                    dossier,
                    self.lines_of.get(number, []) if own else [],
                    self.payments_of.get(number, []) if own else [],
                    self.params_of[id(dossier)],
                    duplicated=self.duplicated.get(id(dossier), ()),
                )
            )
        return results


def stage_quarter(
    dossiers: Iterable[Dossier],
    lines: Iterable[ExpenseLine],
    payments: Iterable[Payment],
    programme: Programme,
    dossiers_sheet: bool = True,
) -> StagedQuarter:
    """The sheet-wide rules of a workbook, before its dossiers are judged (`assess_quarter`)."""
    found: list[Finding] = []
    dossier_list = list(dossiers)
    rows: dict[str, list[Dossier]] = {}
    for dossier in dossier_list:
        if dossier.numero is None:
            found += dossier.require("numero")
            continue
        rows.setdefault(dossier_key(dossier.numero), []).append(dossier)
    # SPEC 2: rows sharing one N° dossier are all unpaid; their lines and payments unassigned.
    duplicated = {
        id(d): _duplicate(d, same) for same in rows.values() if len(same) > 1 for d in same
    }
    owners = {key: same[0] for key, same in rows.items() if len(same) == 1}

    lines_of = _link(lines, owners, rows, found, dossiers_sheet)
    payments_of = _link(payments, owners, rows, found, dossiers_sheet)

    # Each dossier judged with the parameters in force on its filing date, found once a date.
    on_day: dict[date | None, Parameters] = {}
    for d in dossier_list:
        if d.date_depot not in on_day:
            on_day[d.date_depot] = parameters_for(d, programme)
    params_of = {id(d): on_day[d.date_depot] for d in dossier_list}
    # Lines are assessed dossier by dossier, then X07 runs over the whole sheet in row order.
    assessed: dict[int, LineResult] = {}
    for key, owned in lines_of.items():
        owner = owners[key]
        for result in assess_lines(owner, owned, params_of[id(owner)]):
            assessed[id(result.line)] = result
    held: dict[tuple[str, str], LineResult] = {}
    by_dossier: dict[str, list[LineResult]] = {}
    ordered = sorted(
        ((key, line) for key, owned in lines_of.items() for line in owned),
        key=lambda item: item[1].row or 0,
    )
    for key, line in ordered:
        result = mark_duplicate(assessed[id(line)], params_of[id(owners[key])], held)
        by_dossier.setdefault(key, []).append(result)
    return StagedQuarter(
        dossier_list, tuple(found), by_dossier, payments_of, owners, params_of, duplicated
    )


def _duplicate(dossier: Dossier, same: Sequence[Dossier]) -> tuple[Finding, ...]:
    """F06 on one of the rows that share a N° dossier, naming the others."""
    others = [
        f"{where.sheet}!{where.cell}" if where.cell else f"ligne {other.row}"
        for other in same
        if other is not dossier
        for where in (other.at("numero"),)
    ]
    return (
        finding(
            "F06",
            dossier.at("numero"),
            dossier.numero,
            found=str(dossier.numero),
            others=", ".join(others),
        ),
    )


def _link(
    records: Iterable[R],
    owners: dict[str, Dossier],
    rows: dict[str, list[Dossier]],
    found: list[Finding],
    report_unknown: bool = True,
) -> dict[str, list[R]]:
    """Each line or payment under its dossier's key; X06 when no dossier has its number.

    The number is matched ignoring case and outer spaces, with an F05 warning when the case
    differs (SPEC 2). A record of a number on several rows (F06) stays unassigned.
    """
    linked: dict[str, list[R]] = {}
    for record in records:
        number = record.dossier
        if number is None:
            found += record.require("dossier")
            continue
        key = dossier_key(number)
        if key not in rows:
            if report_unknown:
                found.append(finding("X06", record.at("dossier"), number, found=number))
            continue
        owner = owners.get(key)
        if owner is None:
            continue
        if owner.numero != number:
            found.append(
                finding(
                    "F05",
                    record.at("dossier"),
                    owner.numero,
                    column=record.header("dossier"),
                    note=f"saisi « {number} », lu {owner.numero} (dossier de la feuille Dossiers)",
                )
            )
        linked.setdefault(key, []).append(record)
    return linked
