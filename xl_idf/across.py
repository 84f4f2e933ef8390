"""Files checked against each other: an invoice is paid once (C01), and a company's caps are
for its whole journey, under one dossier number (C02).

Each file's worker gathers what the others are checked on (`invoices_of`, `companies_of`);
the parent checks each file against the files before it (`Across`), file after file, as soon
as they are read.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from xl_idf.catalogue import finding
from xl_idf.expenses import invoice_of
from xl_idf.findings import Finding, Location
from xl_idf.records import Dossier, ExpenseLine
from xl_idf.report import FileReport

if TYPE_CHECKING:
    from xl_idf.validate import Checked


# Sent back from each file's worker, a hundred thousand for a national file: plain tuples,
# pickled four times faster than dataclasses holding a Location (1.8 s against 0.4 s a way and
# back for 100,000 invoices).
class Invoice(NamedTuple):
    """An invoice as the cross-file check sees it: who issued it, its number, where it stands."""

    provider: str
    number: str
    dossier: str | None
    sheet: str | None
    cell: str | None

    @property
    def place(self) -> Location:
        """The cell of its number."""
        return Location(self.sheet, self.cell)


class Company(NamedTuple):
    """A dossier's SIRET and where its number stands, for the cross-file check."""

    siret: str
    dossier: str
    sheet: str | None
    cell: str | None

    @property
    def place(self) -> Location:
        """The cell of the dossier's number."""
        return Location(self.sheet, self.cell)


def invoices_of(lines: Iterable[ExpenseLine]) -> tuple[Invoice, ...]:
    """The invoices of the lines that count: an excluded line holds no number (as for X07)."""
    return tuple(
        Invoice(line.prestataire, line.numero_facture, line.dossier, where.sheet, where.cell)
        for line in lines
        if line.prestataire and line.numero_facture
        for where in (line.at("numero_facture"),)
    )


def companies_of(dossiers: Iterable[Dossier]) -> tuple[Company, ...]:
    """The SIRET of each dossier that has one and a number, where the number stands."""
    return tuple(
        Company(d.siret, d.numero, where.sheet, where.cell)
        for d in dossiers
        if d.siret and d.numero
        for where in (d.at("numero"),)
    )


class Across:
    """The checks across files, file after file in the run's order: C01 (an invoice in two
    files) and C02 (one SIRET under two dossier numbers).

    A file is checked against the files before it, so its report is whole once it is added:
    a run adds each file as soon as it and those before it are read, while the next ones are.
    """

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self._invoices: dict[tuple[str, str], tuple[str, Invoice]] = {}
        self._companies: dict[str, tuple[str, Company]] = {}

    def add(self, item: Checked) -> FileReport:
        """The next file's report, with what it shares with the files before it."""
        path = item.report.path
        added: list[Finding] = []
        for invoice in item.invoices:
            key = invoice_of(invoice.provider, invoice.number)
            earlier = self._invoices.setdefault(key, (path, invoice))
            # Twice in one file is X07, found by the file's own check.
            if earlier[0] != path:
                added.append(
                    finding(
                        "C01", invoice.place, invoice.dossier, invoice=invoice.number,
                        provider=invoice.provider, first=_where(*earlier),
                    ).in_file(path)
                )  # fmt: skip
        for company in item.companies:
            first_path, first = self._companies.setdefault(company.siret, (path, company))
            # The same dossier number again is the same journey (another quarter's file).
            if first is company or first.dossier == company.dossier:
                continue
            added.append(
                finding(
                    "C02", company.place, company.dossier, siret=company.siret,
                    first=_where(first_path, first), first_dossier=first.dossier,
                    here=_where(path, company),
                ).in_file(path)
            )  # fmt: skip
        return item.report.adding(added, self.strict)


def _where(path: str, item: Invoice | Company) -> str:
    """A place in another file, for a message: file, sheet and cell."""
    return f"{_file_name(path)}, {item.sheet}!{item.cell}"


@lru_cache(maxsize=1024)
def _file_name(path: str) -> str:
    """A file's name (found once per file: a run names each file thousands of times)."""
    return Path(path).name
