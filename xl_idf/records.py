"""Typed records of a quarter's workbook: dossiers, expense lines (prestations), payments.

Each field carries the header label of its column in the provider template (SPEC 4.1, a
contract), so the template builder, the reader and the messages all use one spelling. A record
also remembers the cell each value came from, so that a rule's finding can name it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Any, ClassVar, Self

from xl_idf import french
from xl_idf.catalogue import finding
from xl_idf.findings import Finding, Location


def below_zero(value: Decimal | int) -> str:
    """Why a value below zero cannot be used where only zero or more makes sense (F04, SPEC 2)."""
    return f"valeur négative {french.number(value)}, une valeur positive ou nulle attendue"


def column(header: str) -> Any:
    """A record field read from the column titled `header`, blank unless given."""
    return field(default=None, metadata={"header": header})


class LegalForm(StrEnum):
    """Forme juridique: the two kinds of structures the programme can support."""

    ENTREPRISE = "Entreprise"
    ASSOCIATION = "Association"


NO_APPROVAL = "Aucun"  # Agrément ESS: the dropdown's first entry, meaning no approval

# Plausibility bounds, whatever the programme: beyond them a value is a typing slip. The template's
# input checks and the sheet schemas both use them, so that the two never disagree.
MAX_EMPLOYEES = 1_000_000
MAX_MONTHS = 600
MAX_DAYS = 366


class PaymentType(StrEnum):
    """Type of a recorded payment (sheet Versements)."""

    PHASE1 = "Phase 1"
    ADVANCE_PHASE2 = "Acompte phase 2"
    BALANCE_PHASE2 = "Solde phase 2"


@dataclass(frozen=True, slots=True)
class Record:
    """What every record shares: the cells it was read from and the values it could not read."""

    SHEET: ClassVar[str] = ""
    WITHOUT_VALUE: ClassVar[str] = ""  # what happens to the record when a needed value is blank
    # Fields where only zero or more makes sense: a value below zero is a typing slip (F04).
    NOT_NEGATIVE: ClassVar[frozenset[str]] = frozenset()

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
        return str(next(f.metadata["header"] for f in fields(cls) if f.name == name))

    @classmethod
    def headers(cls) -> dict[str, str]:
        """Field name to column header, in the template's column order."""
        return {f.name: f.metadata["header"] for f in fields(cls) if "header" in f.metadata}


@dataclass(frozen=True, slots=True)
class Dossier(Record):
    """One company's dossier (sheet Dossiers): who it is, its quote, its de minimis situation."""

    SHEET: ClassVar[str] = "Dossiers"
    WITHOUT_VALUE: ClassVar[str] = "dossier incomplet"
    NOT_NEGATIVE: ClassVar[frozenset[str]] = frozenset(
        {
            "part_recettes_production",
            "effectif",
            "duree_premier_bilan",
            "aides_minimis_3_ans",
            "jours_p1",
            "montant_p1",
            "jours_p2",
            "montant_p2",
        }
    )  # fmt: skip  (« Fonds propres » may be negative: S08)

    numero: str | None = column("N° dossier")
    raison_sociale: str | None = column("Raison sociale")
    siret: str | None = column("SIRET")
    code_naf: str | None = column("Code NAF")
    forme_juridique: LegalForm | None = column("Forme juridique")
    activite_industrielle: bool | None = column("Activité industrielle")
    agrement_ess: str | None = column("Agrément ESS")
    part_recettes_production: Decimal | None = column("Part recettes production (%)")
    # Staff in annual work units (UTA, the EU's count): 249.5 is a head count.
    effectif: Decimal | None = column("Effectif")
    duree_premier_bilan: int | None = column("Durée 1er bilan (mois)")
    departement: str | None = column("Département")
    code_postal: str | None = column("Code postal")
    en_difficulte: bool | None = column("En difficulté")
    a_jour_fiscal_social: bool | None = column("À jour fiscal et social")
    fonds_propres: Decimal | None = column("Fonds propres (€)")
    prestataire: str | None = column("Prestataire")
    date_depot: date | None = column("Date de dépôt")
    aides_minimis_3_ans: Decimal | None = column("Aides de minimis 3 ans (€)")
    attestation_minimis: bool | None = column("Attestation de minimis")
    jours_p1: Decimal | None = column("Jours prévus phase 1")
    montant_p1: Decimal | None = column("Montant prévu phase 1 (€ HT)")
    jours_p2: Decimal | None = column("Jours prévus phase 2")
    montant_p2: Decimal | None = column("Montant prévu phase 2 (€ HT)")

    @property
    def dossier_number(self) -> str | None:
        """The dossier's own number."""
        return self.numero


@dataclass(frozen=True, slots=True)
class ExpenseLine(Record):
    """One invoice line of a service performed for a dossier (sheet Prestations)."""

    SHEET: ClassVar[str] = "Prestations"
    WITHOUT_VALUE: ClassVar[str] = "ligne exclue"
    NOT_NEGATIVE: ClassVar[frozenset[str]] = frozenset({"jours", "montant_ht"})

    dossier: str | None = column("N° dossier")
    phase: int | None = column("Phase")
    prestataire: str | None = column("Prestataire")
    numero_facture: str | None = column("N° facture")
    date_prestation: date | None = column("Date de prestation")
    date_facture: date | None = column("Date de facture")
    jours: Decimal | None = column("Jours")
    montant_ht: Decimal | None = column("Montant HT (€)")
    departement_prestation: str | None = column("Département de prestation")
    date_acquittement: date | None = column("Date d'acquittement")


@dataclass(frozen=True, slots=True)
class Payment(Record):
    """A payment already made by the Région for a dossier (sheet Versements)."""

    SHEET: ClassVar[str] = "Versements"
    WITHOUT_VALUE: ClassVar[str] = "versement non pris en compte"
    NOT_NEGATIVE: ClassVar[frozenset[str]] = frozenset({"montant"})

    dossier: str | None = column("N° dossier")
    type: PaymentType | None = column("Type")
    date_versement: date | None = column("Date")
    montant: Decimal | None = column("Montant (€)")


@lru_cache(maxsize=64)
def _screen(not_negative: frozenset[str], names: tuple[str, ...] | None) -> tuple[str, ...]:
    """The fields `Record.screened` looks at, in order: found once per kind and list of names."""
    return tuple(sorted(not_negative if names is None else not_negative & set(names)))


def dossier_key(number: str) -> str:
    """The key a `N° dossier` is matched by: case and outer spaces ignored (SPEC 2)."""
    return number.strip().casefold()
