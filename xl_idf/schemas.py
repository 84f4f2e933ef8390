"""Pandera schemas of the three data sheets: the structure checks the rules do not make.

The readers (`xl_idf.values`) already type every cell and the rules report what they need
(F07, X05, E12...), so these schemas check only the rest, lazily, every failure collected:
values the rules do not need but a finance officer does (company name, invoice number and date,
the Région's payment records), the NAF code's format, and plausible ranges. One function turns
pandera's failure table into findings with their sheet and cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from xl_idf import french
from xl_idf.catalogue import finding
from xl_idf.findings import Finding
from xl_idf.records import (
    MAX_DAYS,
    MAX_EMPLOYEES,
    MAX_MONTHS,
    Dossier,
    ExpenseLine,
    Payment,
    Record,
)

NAF_CODE = r"[0-9]{2}\.?[0-9]{2}[A-Za-z]"


def _at_most(limit: int) -> Any:
    return lambda cls, s: s.isna() | s.map(lambda v: v is None or v <= limit)


class DossierSchema(pa.DataFrameModel):
    """Sheet Dossiers."""

    raison_sociale: Series[object] = pa.Field(alias=Dossier.header("raison_sociale"))
    code_naf: Series[object] = pa.Field(alias=Dossier.header("code_naf"), nullable=True)
    effectif: Series[object] = pa.Field(alias=Dossier.header("effectif"), nullable=True)
    duree_premier_bilan: Series[object] = pa.Field(
        alias=Dossier.header("duree_premier_bilan"), nullable=True
    )
    aides_minimis_3_ans: Series[object] = pa.Field(
        alias=Dossier.header("aides_minimis_3_ans"), nullable=True
    )
    jours_p1: Series[object] = pa.Field(alias=Dossier.header("jours_p1"), nullable=True)
    jours_p2: Series[object] = pa.Field(alias=Dossier.header("jours_p2"), nullable=True)

    @pa.check(Dossier.header("code_naf"), error="code NAF attendu au format 25.62B")
    def naf_format(cls, s: Series[Any]) -> Series[bool]:
        """A NAF code: two digits, two digits, a letter (the dot optional)."""
        return s.isna() | s.astype(str).str.fullmatch(NAF_CODE)

    effectif_plausible = pa.check(
        Dossier.header("effectif"),
        error=f"effectif invraisemblable (au-delà de {french.number(MAX_EMPLOYEES)})",
    )(_at_most(MAX_EMPLOYEES))
    months_plausible = pa.check(
        Dossier.header("duree_premier_bilan"),
        error=f"durée invraisemblable (au-delà de {MAX_MONTHS} mois)",
    )(_at_most(MAX_MONTHS))
    days1_plausible = pa.check(
        Dossier.header("jours_p1"), error=f"plus de {MAX_DAYS} jours : saisie à vérifier"
    )(_at_most(MAX_DAYS))
    days2_plausible = pa.check(
        Dossier.header("jours_p2"), error=f"plus de {MAX_DAYS} jours : saisie à vérifier"
    )(_at_most(MAX_DAYS))

    @pa.check(Dossier.header("aides_minimis_3_ans"), error="montant négatif : 0 ou plus attendu")
    def prior_aid_not_negative(cls, s: Series[Any]) -> Series[bool]:
        """Aid already received cannot be negative."""
        return s.isna() | s.map(lambda v: v is None or v >= 0)

    class Config:
        """Other columns are the rules' business."""

        strict = False
        coerce = False


class LineSchema(pa.DataFrameModel):
    """Sheet Prestations."""

    # A missing invoice number is the core's (F07, the line excluded): not said twice.
    numero_facture: Series[object] = pa.Field(
        alias=ExpenseLine.header("numero_facture"), nullable=True
    )
    date_facture: Series[object] = pa.Field(alias=ExpenseLine.header("date_facture"))
    jours: Series[object] = pa.Field(alias=ExpenseLine.header("jours"), nullable=True)

    days_plausible = pa.check(
        ExpenseLine.header("jours"), error=f"plus de {MAX_DAYS} jours sur une facture"
    )(_at_most(MAX_DAYS))

    class Config:
        """Other columns are the rules' business."""

        strict = False
        coerce = False


class PaymentSchema(pa.DataFrameModel):
    """Sheet Versements."""

    type: Series[object] = pa.Field(alias=Payment.header("type"))
    date_versement: Series[object] = pa.Field(alias=Payment.header("date_versement"))
    montant: Series[object] = pa.Field(alias=Payment.header("montant"))

    @pa.check(Payment.header("montant"), error="un versement est un montant positif")
    def positive(cls, s: Series[Any]) -> Series[bool]:
        """A payment is more than nothing."""
        return s.isna() | s.map(lambda v: v is None or v > Decimal(0))

    class Config:
        """Other columns are the rules' business."""

        strict = False
        coerce = False


SCHEMAS: dict[type[Record], type[pa.DataFrameModel]] = {
    Dossier: DossierSchema,
    ExpenseLine: LineSchema,
    Payment: PaymentSchema,
}


def frame(records: Sequence[Record], kind: type[Record]) -> pd.DataFrame:
    """The records as a frame: columns named by their headers, indexed by Excel row."""
    headers = kind.headers()
    data = {label: [getattr(r, name) for r in records] for name, label in headers.items()}
    return pd.DataFrame(data, index=[r.row for r in records], dtype=object)


def check_structure(records: Sequence[Record], kind: type[Record]) -> list[Finding]:
    """Validate one sheet's records lazily; every failure as a finding at its cell."""
    if not records:
        return []
    try:
        SCHEMAS[kind].validate(frame(records, kind), lazy=True)
    except pa.errors.SchemaErrors as failed:
        return _findings(failed.failure_cases, records, kind)
    return []


def _findings(cases: pd.DataFrame, records: Sequence[Record], kind: type[Record]) -> list[Finding]:
    """Pandera's failure table as findings: F07 for a missing value, F04 for a wrong one."""
    by_row = {r.row: r for r in records}
    fields = {label: name for name, label in kind.headers().items()}
    found = []
    for case in cases.itertuples(index=False):
        record = by_row.get(case.index)
        name = fields.get(case.column)
        # A value the reader could not read is reported once, by the reader.
        if record is None or name is None or name in record.unreadable:
            continue
        if case.check == "not_nullable":
            found.append(
                finding(
                    "F07",
                    record.at(name),
                    record.dossier_number,
                    column=case.column,
                    consequence="valeur à compléter",
                )
            )
        else:
            found.append(
                finding(
                    "F04",
                    record.at(name),
                    record.dossier_number,
                    column=case.column,
                    why=f"{case.check} (valeur « {_shown(case.failure_case)} »)",
                )
            )
    return found


def prepare() -> None:
    """Load pandera's validation backends now (it does so on first use, at a cost of seconds).

    Called in the parent process before files are checked in forked children, so that they
    inherit the loaded backends instead of each loading them again.
    """
    for kind, schema in SCHEMAS.items():
        schema.validate(frame([], kind), lazy=True)


def _shown(value: object) -> str:
    """A failing value as the messages write numbers and dates (French separators)."""
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, Decimal | int):
        return french.number(value)
    if isinstance(value, float):
        return french.number(Decimal(repr(value)))
    if isinstance(value, date | datetime):
        return french.day(value)
    return str(value)
