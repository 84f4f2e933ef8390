"""Typed records of a quarter's workbook: dossiers, expense lines (prestations), payments.

Each field is declared with the description of its column in the provider template (SPEC 4.1,
a contract: `xl_idf.columns.Column`), so the reader, the template, the sheet schemas, the Excel
functions and the messages all take one spelling and one set of bounds. A record also remembers
the cell each value came from, so that a rule's finding can name it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache
from types import MappingProxyType
from typing import Any, ClassVar, Self, TypeVar

from xl_idf import french, values
from xl_idf.catalogue import finding
from xl_idf.columns import (
    AMOUNT,
    APPROVALS,
    DATE,
    DAY,
    DAYS,
    DEPARTMENT,
    DEPARTMENTS,
    EUROS,
    FORMS,
    MAX_AMOUNT,
    MAX_DAYS,
    MAX_EMPLOYEES,
    MAX_MONTHS,
    NO_APPROVAL,
    PAYMENT_TYPES,
    PHASES,
    PROVIDERS,
    TEXT,
    TEXT_CELL,
    WHOLE,
    YES_NO_CELL,
    YES_NO_LIST,
    Column,
    LegalForm,
    PaymentType,
    listed,
    plain,
    provider,
)
from xl_idf.findings import Finding, Location

# Re-exported: the rules and the tests import them from here, beside the records.
__all__ = [
    "MAX_DAYS",
    "MAX_EMPLOYEES",
    "MAX_MONTHS",
    "NO_APPROVAL",
    "RECORD_KINDS",
    "Dossier",
    "ExpenseLine",
    "LegalForm",
    "Payment",
    "PaymentType",
    "Record",
    "below_zero",
    "dossier_key",
]  # fmt: skip

R = TypeVar("R", bound="type[Record]")


def below_zero(value: Decimal | int) -> str:
    """Why a value below zero cannot be used where only zero or more makes sense (F04, SPEC 2)."""
    return f"valeur négative {french.number(value)}, une valeur positive ou nulle attendue"


def column(spec: Column) -> Any:
    """A record field described by `spec` (its column of the template), blank unless given."""
    return field(default=None, metadata={"header": spec.header, "column": spec})


def described(kind: R) -> R:
    """Complete a record class from its fields' declarations, once: its columns' descriptions,
    and which fields are not negative."""
    kind.COLUMNS = MappingProxyType(
        {f.name: f.metadata["column"] for f in fields(kind) if "column" in f.metadata}
    )
    kind.NOT_NEGATIVE = frozenset(name for name, spec in kind.COLUMNS.items() if spec.not_negative)
    return kind


@dataclass(frozen=True, slots=True)
class Record:
    """What every record shares: the cells it was read from and the values it could not read."""

    SHEET: ClassVar[str] = ""
    WITHOUT_VALUE: ClassVar[str] = ""  # what happens to the record when a needed value is blank
    # Fields where only zero or more makes sense: a value below zero is a typing slip (F04).
    NOT_NEGATIVE: ClassVar[frozenset[str]] = frozenset()
    # Field name to the description of its column, in the template's order (`described`).
    COLUMNS: ClassVar[Mapping[str, Column]] = MappingProxyType({})

    row: int | None = field(default=None, kw_only=True)
    cells: Mapping[str, str] = field(default_factory=dict, kw_only=True)
    unreadable: frozenset[str] = field(default_factory=frozenset, kw_only=True)
    # How a message names a field when not by its column header: an Excel function builds its
    # records with its own argument names here, so that its errors name what the user typed.
    labels: Mapping[str, str] = field(default_factory=dict, kw_only=True)
    # The sheet the record was read from, when a user renamed it (« Dossiers T3 »).
    sheet_name: str = field(default="", kw_only=True)

    def at(self, name: str) -> Location:
        """The sheet and cell of field `name` (no cell for a record not read from a sheet)."""
        return Location(self.sheet_name or self.SHEET or None, self.cells.get(name))

    def label(self, name: str) -> str:
        """How messages name field `name`: its label if given, else its column header."""
        return self.labels.get(name) or self.header(name)

    @property
    def dossier_number(self) -> str | None:
        """The N° dossier the record belongs to."""
        number: str | None = getattr(self, "dossier", None)
        return number

    def missing(self, name: str) -> Finding:
        """F07: the value of field `name` is blank but needed."""
        return finding(
            "F07",
            self.at(name),
            self.dossier_number,
            column=self.label(name),
            consequence=self.WITHOUT_VALUE,
        )

    def require(self, name: str) -> tuple[Finding, ...]:
        """F07 when field `name` is blank; nothing when it has a value or could not be read.

        A value that could not be read (F04, F08) was already reported by the reader, with
        why: the rules do not say it again as missing.
        """
        if getattr(self, name) is not None or name in self.unreadable:
            return ()
        return (self.missing(name),)

    def negative(self, name: str) -> Finding:
        """F04: the value of field `name` is below zero where only zero or more makes sense."""
        value = getattr(self, name)
        return finding(
            "F04",
            self.at(name),
            self.dossier_number,
            column=self.label(name),
            why=f"{below_zero(value)} ; {self.WITHOUT_VALUE}",
        )

    def screened(self, names: Iterable[str] | None = None) -> tuple[Self, tuple[Finding, ...]]:
        """The record with its values below zero set aside as unreadable, and their F04 findings.

        SPEC 2: a value below zero where only zero or more makes sense cannot be used; the rules
        then see it as unreadable, exactly as a value typed as text (one place decides it).
        `names` limits the screen to the fields a rule reads.
        """
        wanted = _screen(self.NOT_NEGATIVE, None if names is None else tuple(names))
        negative = [name for name in wanted if (getattr(self, name) or 0) < 0]
        if not negative:
            return self, ()
        found = tuple(self.negative(name) for name in negative)
        blanks: dict[str, Any] = dict.fromkeys(negative)
        return replace(self, unreadable=self.unreadable | frozenset(negative), **blanks), found

    @classmethod
    def header(cls, name: str) -> str:
        """The column header of field `name`."""
        return cls.columns()[name].header

    @classmethod
    def headers(cls) -> dict[str, str]:
        """Field name to column header, in the template's column order."""
        return {name: spec.header for name, spec in cls.columns().items()}

    @classmethod
    def columns(cls) -> Mapping[str, Column]:
        """Field name to the description of its column, in the template's column order."""
        return cls.COLUMNS


_POSITIVE_AMOUNT = "Montant en euros, positif ou nul (ex. 6000 ou 6 000,00)."
_POSITIVE_DAYS = "Nombre de jours positif."
_NUMBER_LENGTH = "N° de dossier de 1 à 40 caractères."
_PERIOD_DATE = "Date attendue au format jj/mm/aaaa, entre le {first} et le {last}."
_QUOTED_DAYS = "plus de {high} jours : saisie à vérifier"
# Dates of the programme's period, and of the expenses it accepts.
_PERIOD = (lambda p: p.period_start, lambda p: p.period_end)
_EXPENSES = (lambda p: p.period_start, lambda p: p.last_expense_date)
_ZERO = Decimal(0)


def _number(prompt: str) -> Column:
    """A dossier's number, in its own sheet and in its lines' and payments'."""
    return Column("N° dossier", TEXT_CELL, 13, prompt, TEXT, length=(1, 40), error=_NUMBER_LENGTH)


def _amount(header: str, prompt: str, **more: Any) -> Column:
    """An amount in euros, zero or more."""
    more = {"low": _ZERO, "error": _POSITIVE_AMOUNT, **more}
    more = {"width": 12, **more}
    return Column(header, AMOUNT, prompt=prompt, number_format=EUROS, high=MAX_AMOUNT, **more)


def _days(header: str, width: int, prompt: str, **more: Any) -> Column:
    """A number of days, zero or more, centred."""
    more = {"error": _POSITIVE_DAYS, "beyond": _QUOTED_DAYS, **more}
    return Column(header, DAYS, width, prompt, low=_ZERO, high=MAX_DAYS, align="centre", **more)


def _yes_no(header: str, width: int, prompt: str, argument: str | None) -> Column:
    """Oui or Non, from a dropdown."""
    return Column(header, YES_NO_CELL, width, prompt, choices=YES_NO_LIST, argument=argument,
                  align="centre")  # fmt: skip


# The columns' descriptions are tables: one field a few lines, as the template lays them out.
# fmt: off
@described
@dataclass(frozen=True, slots=True)
class Dossier(Record):
    """One company's dossier (sheet Dossiers): who it is, its quote, its de minimis situation."""

    SHEET: ClassVar[str] = "Dossiers"
    WITHOUT_VALUE: ClassVar[str] = "dossier incomplet"

    numero: str | None = column(_number("Identifiant unique du dossier, ex. IDF-0042."))
    raison_sociale: str | None = column(Column(
        "Raison sociale", TEXT_CELL, 34, "Nom de l'entreprise ou de l'association.", TEXT,
        required=True))
    siret: str | None = column(Column(
        "SIRET", plain(values.read_siret), 15,
        "SIRET de l'établissement accompagné : 14 chiffres.", TEXT, length=(14, 17),
        error="Le SIRET compte 14 chiffres."))
    code_naf: str | None = column(Column(
        "Code NAF", TEXT_CELL, 8, "Code NAF (APE) de l'établissement, ex. 25.62B.", TEXT,
        pattern=r"[0-9]{2}\.?[0-9]{2}[A-Za-z]", pattern_error="code NAF attendu au format 25.62B"))
    forme_juridique: LegalForm | None = column(Column(
        "Forme juridique", listed(FORMS, LegalForm), 12, "Entreprise ou Association.",
        choices=FORMS, argument="forme"))
    activite_industrielle: bool | None = column(_yes_no(
        "Activité industrielle", 12,
        "Activité principale de production, de fabrication ou de transformation ?",
        "activite_industrielle"))
    agrement_ess: str | None = column(Column(
        "Agrément ESS", listed(APPROVALS), 10, "Pour une association : agrément EI, EA, ou Aucun.",
        choices=APPROVALS, argument="agrement", align="centre"))
    # Not a percentage format: the provider types 60 for 60 %, and a number between 0 and 1 is
    # refused as ambiguous. A cell they format as a percentage themselves holds 0.6 for 60 %:
    # it is read by its format (`read_formatted`).
    part_recettes_production: Decimal | None = column(Column(
        "Part recettes production (%)", plain(values.read_percent), 11,
        "Pour une association sans agrément : part des recettes issues de la production, en "
        "points : saisir 60 pour 60 % (pas 0,6).", "0.0", low=_ZERO, high=Decimal(100),
        error="Pourcentage entre 0 et 100 : saisir 60 pour 60 %.",
        read_formatted=values.read_percent_formatted, argument="part_recettes", align="centre"))
    # Staff in annual work units (UTA, the EU's count): 249.5 is a head count. General, not
    # "0": it may have decimals.
    effectif: Decimal | None = column(Column(
        "Effectif", DAYS, 9, "Effectif salarié en unités de travail annuel (UTA) : décimales "
        "permises (ex. 249,5).", low=_ZERO, high=MAX_EMPLOYEES,
        error="Effectif : nombre positif, décimales permises (ex. 249,5).",
        beyond="effectif invraisemblable (au-delà de {high})", argument="effectif",
        align="centre"))
    duree_premier_bilan: int | None = column(Column(
        "Durée 1er bilan (mois)", plain(values.read_int), 9,
        "Durée du premier bilan d'activité, en mois.", WHOLE, low=_ZERO, high=MAX_MONTHS,
        whole=True, error="Durée en mois : nombre entier.",
        beyond="durée invraisemblable (au-delà de {high} mois)", argument="duree_bilan_mois",
        align="centre"))
    departement: str | None = column(Column(
        "Département", DEPARTMENT, 13, "Département de l'établissement accompagné, ex. 31.", TEXT,
        choices=DEPARTMENTS, argument="departement", align="centre"))
    code_postal: str | None = column(Column(
        "Code postal", plain(values.read_postal_code), 8,
        "Code postal de l'établissement : 5 chiffres.", TEXT, length=(5, 5),
        error="Code postal de 5 chiffres.", align="centre"))
    en_difficulte: bool | None = column(_yes_no(
        "En difficulté", 10, "Entreprise en difficulté au sens de la réglementation européenne ?",
        "en_difficulte"))
    a_jour_fiscal_social: bool | None = column(_yes_no(
        "À jour fiscal et social", 9, "À jour des obligations fiscales et sociales ?", "a_jour"))
    # May be negative (S08): no lower bound of zero.
    fonds_propres: Decimal | None = column(_amount(
        "Fonds propres (€)", "Fonds propres au dernier bilan, en euros (peuvent être négatifs).",
        low=-MAX_AMOUNT, error="Montant en euros.", argument="fonds_propres", width=13))
    prestataire: str | None = column(Column(
        "Prestataire", provider, 24, "Prestataire référencé qui accompagne l'entreprise.",
        choices=PROVIDERS, argument="prestataire", align="indent"))
    date_depot: date | None = column(Column(
        "Date de dépôt", DAY, 11, "Date de dépôt du dossier (jj/mm/aaaa).", DATE,
        dates=_PERIOD, error=_PERIOD_DATE, argument="date_depot"))
    aides_minimis_3_ans: Decimal | None = column(_amount(
        "Aides de minimis 3 ans (€)",
        "Aides de minimis déjà reçues sur la période de référence, en euros.",
        argument="aides_anterieures"))
    attestation_minimis: bool | None = column(_yes_no(
        "Attestation de minimis", 11, "Attestation de minimis fournie ?", "attestation"))
    jours_p1: Decimal | None = column(_days(
        "Jours prévus phase 1", 8, "Jours de prestation prévus en phase 1 (diagnostic).",
        argument="jours_p1"))
    montant_p1: Decimal | None = column(_amount(
        "Montant prévu phase 1 (€ HT)", "Montant prévu de la phase 1, en euros HT.",
        argument="montant_p1"))
    jours_p2: Decimal | None = column(_days(
        "Jours prévus phase 2", 8, "Jours de prestation prévus en phase 2 (vide si aucune).",
        argument="jours_p2"))
    montant_p2: Decimal | None = column(_amount(
        "Montant prévu phase 2 (€ HT)", "Montant prévu de la phase 2, en euros HT.",
        argument="montant_p2"))

    @property
    def dossier_number(self) -> str | None:
        """The dossier's own number."""
        return self.numero


@described
@dataclass(frozen=True, slots=True)
class ExpenseLine(Record):
    """One invoice line of a service performed for a dossier (sheet Prestations)."""

    SHEET: ClassVar[str] = "Prestations"
    WITHOUT_VALUE: ClassVar[str] = "ligne exclue"

    dossier: str | None = column(_number("N° du dossier, tel qu'il figure dans la feuille "
                                         "Dossiers."))
    phase: int | None = column(Column(
        "Phase", listed(PHASES, int), 8, "Phase 1 (diagnostic) ou 2 (accompagnement long).",
        WHOLE, choices=PHASES, align="centre"))
    prestataire: str | None = column(Column(
        "Prestataire", provider, 24, "Prestataire qui a réalisé et facturé la prestation.",
        choices=PROVIDERS, argument="prestataire", align="indent"))
    # A missing invoice number is the rules' (F07, the line excluded), not the schema's.
    numero_facture: str | None = column(Column(
        "N° facture", TEXT_CELL, 14, "Numéro de la facture.", TEXT))
    date_prestation: date | None = column(Column(
        "Date de prestation", DAY, 11, "Date de la prestation (jj/mm/aaaa).", DATE,
        dates=_EXPENSES, error=_PERIOD_DATE, argument="date_prestation"))
    date_facture: date | None = column(Column(
        "Date de facture", DAY, 11, "Date de la facture (jj/mm/aaaa).", DATE, dates=_EXPENSES,
        error=_PERIOD_DATE, required=True))
    # Zero days is refused at entry, and excludes the line (X05).
    jours: Decimal | None = column(_days(
        "Jours", 7, "Jours de prestation facturés (plus de 0).", entry_above_low=True,
        error="Nombre de jours strictement positif.",
        beyond="plus de {high} jours sur une facture", argument="jours"))
    montant_ht: Decimal | None = column(_amount(
        "Montant HT (€)", "Montant de la facture, en euros HT.", argument="montant_ht"))
    departement_prestation: str | None = column(Column(
        "Département de prestation", DEPARTMENT, 13,
        "Département où la prestation a eu lieu, ex. 31.", TEXT, choices=DEPARTMENTS,
        argument="departement", align="centre"))
    date_acquittement: date | None = column(Column(
        "Date d'acquittement", DAY, 15,
        "Date à laquelle l'entreprise a payé la facture (vide si pas encore payée).", DATE,
        dates=_PERIOD, error=_PERIOD_DATE))


@described
@dataclass(frozen=True, slots=True)
class Payment(Record):
    """A payment already made by the Région for a dossier (sheet Versements)."""

    SHEET: ClassVar[str] = "Versements"
    WITHOUT_VALUE: ClassVar[str] = "versement non pris en compte"

    dossier: str | None = column(_number("N° du dossier."))
    type: PaymentType | None = column(Column(
        "Type", listed(PAYMENT_TYPES, PaymentType), 16,
        "Phase 1, Acompte phase 2 ou Solde phase 2.", choices=PAYMENT_TYPES, required=True))
    date_versement: date | None = column(Column(
        "Date", DAY, 11, "Date du versement par la Région (jj/mm/aaaa).", DATE, required=True))
    # A payment of 0 € is no payment: the structure check says so (no rule does).
    montant: Decimal | None = column(_amount(
        "Montant (€)", "Montant versé, en euros.", required=True, schema_above_low=True))
# fmt: on


@lru_cache(maxsize=64)
def _screen(not_negative: frozenset[str], names: tuple[str, ...] | None) -> tuple[str, ...]:
    """The fields `Record.screened` looks at, in order: found once per kind and list of names."""
    return tuple(sorted(not_negative if names is None else not_negative & set(names)))


# The three data sheets' records, in the template's order.
RECORD_KINDS: tuple[type[Record], ...] = (Dossier, ExpenseLine, Payment)


def dossier_key(number: str) -> str:
    """The key a `N° dossier` is matched by: case and outer spaces ignored (SPEC 2)."""
    return number.strip().casefold()
