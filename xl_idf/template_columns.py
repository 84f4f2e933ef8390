"""The columns of the provider template: each one's layout, format, dropdown and input check.

Drawn from the programme file (lists, limits, dates), so that nothing is typed twice; the
template builder (`xl_idf.template`) lays them out, and the annotated copies reuse the euro
format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from openpyxl.styles import Alignment
from openpyxl.worksheet.datavalidation import DataValidation

from xl_idf import french
from xl_idf.programme import Parameters
from xl_idf.records import (
    MAX_DAYS,
    MAX_EMPLOYEES,
    MAX_MONTHS,
    NO_APPROVAL,
    Dossier,
    ExpenseLine,
    LegalForm,
    Payment,
    PaymentType,
    Record,
)

EUROS = '#,##0.00\\ "€"'
DATE = "dd/mm/yyyy"
TEXT = "@"
YES_NO = ("Oui", "Non")


_Kind = Literal["whole", "decimal", "list", "date", "textLength"]
_Operator = Literal["between", "greaterThan"]


@dataclass(frozen=True)
class Choices:
    """A dropdown: its title in `Listes` and its values, drawn from the programme."""

    title: str
    name: str  # the workbook's defined name for the list
    values: Callable[[Parameters], tuple[str, ...]]
    strict: bool = True  # False: a value outside the list is warned about, not refused


FORMS = Choices("Formes juridiques", "Liste_Formes", lambda p: tuple(LegalForm))
YES_NO_LIST = Choices("Oui / Non", "Liste_OuiNon", lambda p: YES_NO)
APPROVALS = Choices("Agréments ESS", "Liste_Agrements", lambda p: (NO_APPROVAL, *p.ess_approvals))
PROVIDERS = Choices(
    "Prestataires référencés", "Liste_Prestataires", lambda p: p.providers, strict=False
)
DEPARTMENTS = Choices(
    "Départements de la région", "Liste_Departements", lambda p: p.region_departments, strict=False
)
PHASES = Choices("Phases", "Liste_Phases", lambda p: ("1", "2"))
PAYMENT_TYPES = Choices("Types de versement", "Liste_TypesVersement", lambda p: tuple(PaymentType))
CHOICES = (FORMS, YES_NO_LIST, APPROVALS, PROVIDERS, DEPARTMENTS, PHASES, PAYMENT_TYPES)


# Short codes and counts centred, a name set off from the amount before it: printed side by
# side, « 48 » and « 11 » would read « 4811 », and « 1 » beside « AGILEA » « 1 AGILEA ».
CENTRED = Alignment(horizontal="center")
INDENTED = Alignment(horizontal="left", indent=1)


@dataclass(frozen=True)
class Column:
    """How one column of a data sheet is laid out and checked."""

    width: int
    prompt: str
    number_format: str = "General"
    choices: Choices | None = None
    check: Callable[[Parameters], DataValidation] | None = None
    align: Alignment | None = None


def _decimal(minimum: str, maximum: str, error: str, strict: bool = True) -> DataValidation:
    return validation("decimal", "between", minimum, maximum, error, strict)


def _whole(minimum: str, maximum: str, error: str) -> DataValidation:
    return validation("whole", "between", minimum, maximum, error)


def _text_length(minimum: int, maximum: int, error: str) -> DataValidation:
    return validation("textLength", "between", str(minimum), str(maximum), error)


def _dates(
    first: Callable[[Parameters], date], last: Callable[[Parameters], date], error: str
) -> Callable[[Parameters], DataValidation]:
    """A date check between two of the programme's dates, warning (not refusing) outside."""

    def check(p: Parameters) -> DataValidation:
        low, high = first(p), last(p)
        return validation(
            "date", "between", _excel_date(low), _excel_date(high),
            error.format(first=french.day(low), last=french.day(high)), strict=False,
        )  # fmt: skip

    return check


def _excel_date(day: date) -> str:
    """A date as a formula both Excel and LibreOffice read whatever their language."""
    return f"DATE({day.year},{day.month},{day.day})"


def validation(kind: _Kind, operator: _Operator, formula1: str, formula2: str | None, error: str,
                strict: bool = True) -> DataValidation:  # fmt: skip
    return DataValidation(
        type=kind, operator=operator, formula1=formula1, formula2=formula2, allow_blank=True,
        showErrorMessage=True, errorTitle="Valeur refusée" if strict else "Valeur à vérifier",
        error=error, errorStyle="stop" if strict else "warning",
    )  # fmt: skip


AMOUNT_MAX = "1000000000"
_POSITIVE_AMOUNT = "Montant en euros, positif ou nul (ex. 6000 ou 6 000,00)."
_POSITIVE_DAYS = "Nombre de jours positif."
_NUMBER_LENGTH = "N° de dossier de 1 à 40 caractères."
_PERIOD_DATE = "Date attendue au format jj/mm/aaaa, entre le {first} et le {last}."

COLUMNS: dict[type[Record], dict[str, Column]] = {
    Dossier: {
        "numero": Column(13, "Identifiant unique du dossier, ex. IDF-0042.", TEXT,
                         check=lambda p: _text_length(1, 40, _NUMBER_LENGTH)),
        "raison_sociale": Column(34, "Nom de l'entreprise ou de l'association.", TEXT),
        "siret": Column(15, "SIRET de l'établissement accompagné : 14 chiffres.", TEXT,
                        check=lambda p: _text_length(14, 17, "Le SIRET compte 14 chiffres.")),
        "code_naf": Column(8, "Code NAF (APE) de l'établissement, ex. 25.62B.", TEXT),
        "forme_juridique": Column(12, "Entreprise ou Association.", choices=FORMS),
        "activite_industrielle": Column(
            12, "Activité principale de production, de fabrication ou de transformation ?",
            choices=YES_NO_LIST, align=CENTRED),
        "agrement_ess": Column(10, "Pour une association : agrément EI, EA, ou Aucun.",
                               choices=APPROVALS, align=CENTRED),
        # Not a percentage format: the provider types 60 for 60 %, and a number between 0 and 1
        # is refused as ambiguous. A cell they format as a percentage themselves holds 0.6 for
        # 60 %: the reader reads it by its format (workbook.PERCENT_READERS).
        "part_recettes_production": Column(
            11, "Pour une association sans agrément : part des recettes issues de la production, "
            "en points : saisir 60 pour 60 % (pas 0,6).", "0.0",
            check=lambda p: _decimal("0", "100",
                                     "Pourcentage entre 0 et 100 : saisir 60 pour 60 %."),
            align=CENTRED),
        # General, not "0": a head count in annual work units may have decimals (249,5).
        "effectif": Column(
            9, "Effectif salarié en unités de travail annuel (UTA) : décimales permises "
            "(ex. 249,5).", "General",
            check=lambda p: _decimal("0", str(MAX_EMPLOYEES),
                                     "Effectif : nombre positif, décimales permises (ex. 249,5)."),
            align=CENTRED),
        "duree_premier_bilan": Column(
            9, "Durée du premier bilan d'activité, en mois.", "0",
            check=lambda p: _whole("0", str(MAX_MONTHS), "Durée en mois : nombre entier."),
            align=CENTRED),
        "departement": Column(13, "Département de l'établissement accompagné, ex. 31.", TEXT,
                              choices=DEPARTMENTS, align=CENTRED),
        "code_postal": Column(8, "Code postal de l'établissement : 5 chiffres.", TEXT,
                              check=lambda p: _text_length(5, 5, "Code postal de 5 chiffres."),
                              align=CENTRED),
        "en_difficulte": Column(10, "Entreprise en difficulté au sens de la réglementation "
                                "européenne ?", choices=YES_NO_LIST, align=CENTRED),
        "a_jour_fiscal_social": Column(9, "À jour des obligations fiscales et sociales ?",
                                       choices=YES_NO_LIST, align=CENTRED),
        "fonds_propres": Column(
            13, "Fonds propres au dernier bilan, en euros (peuvent être négatifs).", EUROS,
            check=lambda p: _decimal("-" + AMOUNT_MAX, AMOUNT_MAX, "Montant en euros.")),
        "prestataire": Column(24, "Prestataire référencé qui accompagne l'entreprise.",
                              choices=PROVIDERS, align=INDENTED),
        "date_depot": Column(11, "Date de dépôt du dossier (jj/mm/aaaa).", DATE,
                             check=_dates(lambda p: p.period_start, lambda p: p.period_end,
                                          _PERIOD_DATE)),
        "aides_minimis_3_ans": Column(
            12, "Aides de minimis déjà reçues sur la période de référence, en euros.", EUROS,
            check=lambda p: _decimal("0", AMOUNT_MAX, _POSITIVE_AMOUNT)),
        "attestation_minimis": Column(11, "Attestation de minimis fournie ?",
                                      choices=YES_NO_LIST, align=CENTRED),
        "jours_p1": Column(8, "Jours de prestation prévus en phase 1 (diagnostic).", "General",
                           check=lambda p: _decimal("0", str(MAX_DAYS), _POSITIVE_DAYS),
                           align=CENTRED),
        "montant_p1": Column(12, "Montant prévu de la phase 1, en euros HT.", EUROS,
                             check=lambda p: _decimal("0", AMOUNT_MAX, _POSITIVE_AMOUNT)),
        "jours_p2": Column(8, "Jours de prestation prévus en phase 2 (vide si aucune).", "General",
                           check=lambda p: _decimal("0", str(MAX_DAYS), _POSITIVE_DAYS),
                           align=CENTRED),
        "montant_p2": Column(12, "Montant prévu de la phase 2, en euros HT.", EUROS,
                             check=lambda p: _decimal("0", AMOUNT_MAX, _POSITIVE_AMOUNT)),
    },
    ExpenseLine: {
        "dossier": Column(13, "N° du dossier, tel qu'il figure dans la feuille Dossiers.", TEXT,
                          check=lambda p: _text_length(1, 40, _NUMBER_LENGTH)),
        "phase": Column(8, "Phase 1 (diagnostic) ou 2 (accompagnement long).", "0",
                        choices=PHASES, align=CENTRED),
        "prestataire": Column(24, "Prestataire qui a réalisé et facturé la prestation.",
                              choices=PROVIDERS, align=INDENTED),
        "numero_facture": Column(14, "Numéro de la facture.", TEXT),
        "date_prestation": Column(11, "Date de la prestation (jj/mm/aaaa).", DATE,
                                  check=_dates(lambda p: p.period_start,
                                               lambda p: p.last_expense_date, _PERIOD_DATE)),
        "date_facture": Column(11, "Date de la facture (jj/mm/aaaa).", DATE,
                               check=_dates(lambda p: p.period_start,
                                            lambda p: p.last_expense_date, _PERIOD_DATE)),
        "jours": Column(7, "Jours de prestation facturés (plus de 0).", "General",
                        check=lambda p: validation("decimal", "greaterThan", "0", None,
                                                    "Nombre de jours strictement positif."),
                        align=CENTRED),
        "montant_ht": Column(12, "Montant de la facture, en euros HT.", EUROS,
                             check=lambda p: _decimal("0", AMOUNT_MAX, _POSITIVE_AMOUNT)),
        "departement_prestation": Column(13, "Département où la prestation a eu lieu, ex. 31.",
                                         TEXT, choices=DEPARTMENTS, align=CENTRED),
        "date_acquittement": Column(
            15, "Date à laquelle l'entreprise a payé la facture (vide si pas encore payée).",
            DATE, check=_dates(lambda p: p.period_start, lambda p: p.period_end, _PERIOD_DATE)),
    },
    Payment: {
        "dossier": Column(13, "N° du dossier.", TEXT,
                          check=lambda p: _text_length(1, 40, _NUMBER_LENGTH)),
        "type": Column(16, "Phase 1, Acompte phase 2 ou Solde phase 2.", choices=PAYMENT_TYPES),
        "date_versement": Column(11, "Date du versement par la Région (jj/mm/aaaa).", DATE),
        "montant": Column(12, "Montant versé, en euros.", EUROS,
                          check=lambda p: _decimal("0", AMOUNT_MAX, _POSITIVE_AMOUNT)),
    },
}  # fmt: skip
