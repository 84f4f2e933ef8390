"""The nine IDF_* Excel functions (SPEC 4.2), computed by the rules core, without xlwings.

Each takes single cells or whole columns and answers one row per input row (the engine,
`xl_idf.excel`); each builds the core's record, lets the core decide, and gives the result
back as Excel numbers, booleans or text. Each takes the parameters in force on the date SPEC
4.2 names for it (`[date]`, `date_depot` or `date_octroi`), chosen by the validator's own rule
(`xl_idf.dossier.parameters_on`). `udfs/idf_udfs.py` declares them to xlwings.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from xl_idf import french
from xl_idf.de_minimis import category_without_aid, check_de_minimis
from xl_idf.dossier import parameters_on
from xl_idf.eligibility import Category, Eligibility, EligibilityResult, assess_eligibility
from xl_idf.errors import ValueRejected
from xl_idf.excel import (
    CAPPED_CELLS,
    CATEGORY_CELLS,
    DE_MINIMIS_CELLS,
    ELIGIBILITY_CELLS,
    LINE_CELLS,
    SUBSIDY_CELLS,
    Arg,
    Row,
    date_arg,
    euros,
    field_arg,
    read_category,
    read_days,
    read_money,
    refuse_bad_input,
    rows,
    text,
)
from xl_idf.excel_arguments import FRENCH_NAMES
from xl_idf.expenses import assess_line
from xl_idf.findings import Location
from xl_idf.payments import schedule_payments
from xl_idf.programme import Parameters, Programme
from xl_idf.records import Dossier, ExpenseLine
from xl_idf.subsidy import Quote, compute_subsidy
from xl_idf.values import fold, match_name, read_date, read_text

# --- Eligibility (E01-E09) --------------------------------------------------------------------


def _screened_eligibility(dossier: Dossier, programme: Programme) -> EligibilityResult:
    """E01-E09 as the validator decides them: values below zero set aside first (F04)."""
    dossier, negatives = dossier.screened()
    result = assess_eligibility(dossier, parameters_on(dossier.date_depot, programme))
    return EligibilityResult(result.status, result.category, negatives + result.findings)


def IDF_CATEGORIE(effectif: Any) -> list[list[Any]]:
    """Catégorie de l'entreprise selon son effectif : PME, ETI ou Non éligible."""

    def category(programme: Programme, effectif: Decimal) -> Row:
        dossier = Dossier(effectif=effectif, cells=CATEGORY_CELLS, labels=CATEGORY_CELLS)
        # The core's eligibility decides, as for the report: a negative head count is refused.
        result = _screened_eligibility(dossier, programme)
        if result.category is None:
            refuse_bad_input(result.findings, incomplete=True)
        return [str(result.category)]

    return rows([field_arg(Dossier, "effectif", effectif, required=True)], category)


def _eligibility(
    raws: Sequence[object], answer: Callable[[EligibilityResult], Any]
) -> list[list[Any]]:
    """IDF_ELIGIBLE and IDF_MOTIFS: E01-E09 on each row, `answer` giving the cell."""
    args = [
        field_arg(Dossier, name, cells) for name, cells in zip(ELIGIBILITY_CELLS, raws, strict=True)
    ]

    def assess(programme: Programme, *values: Any) -> Row:
        dossier = Dossier(
            **dict(zip(ELIGIBILITY_CELLS, values, strict=True)),
            cells=ELIGIBILITY_CELLS,
            labels=ELIGIBILITY_CELLS,
        )
        # The parameters in force on date_depot (SPEC 4.2), as the validator picks them.
        result = _screened_eligibility(dossier, programme)
        # Ineligible wins over incomplete (the core's order): a failed criterion is an answer.
        if result.status is Eligibility.INCOMPLETE:
            refuse_bad_input(result.findings, incomplete=True)
        return [answer(result)]

    return rows(args, assess)


def IDF_ELIGIBLE(*raws: Any) -> list[list[Any]]:
    """VRAI si le dossier remplit les critères d'éligibilité du programme, FAUX sinon.

    The eleven arguments of SPEC 4.2, in order (`ELIGIBILITY_CELLS`); xlwings sees their names
    in `udfs/idf_udfs.py`.
    """
    return _eligibility(raws, lambda result: result.status is Eligibility.ELIGIBLE)


def IDF_MOTIFS(*raws: Any) -> list[list[Any]]:
    """Les motifs de non-éligibilité du dossier, séparés par « ; » (vide s'il est éligible)."""
    return _eligibility(raws, lambda result: text(" ; ".join(result.reasons)))


# --- Expense lines (X01-X05, X09) -------------------------------------------------------------


def IDF_DEPENSE_PLAFONNEE(montant_ht: Any, jours: Any, date: Any = None) -> list[list[Any]]:
    """Dépense retenue d'une facture : son montant HT, au plus le plafond journalier par jour."""

    def capped(
        programme: Programme, montant_ht: Decimal, jours: Decimal, day: dt.date | None
    ) -> Row:
        line = ExpenseLine(
            montant_ht=montant_ht, jours=jours, cells=CAPPED_CELLS, labels=CAPPED_CELLS
        )
        result = assess_line(line, parameters_on(day, programme))
        # The core's F04 (below zero) and X05 (zero): a typing slip, said in the cell.
        refuse_bad_input(result.findings)
        return [euros(result.capped)]

    args = [
        field_arg(ExpenseLine, "montant_ht", montant_ht),
        field_arg(ExpenseLine, "jours", jours),
        date_arg(date),
    ]
    return rows(args, capped)


def IDF_DEPENSE_ELIGIBLE(
    montant_ht: Any,
    jours: Any,
    date_prestation: Any,
    prestataire: Any,
    departement: Any,
    date: Any = None,
) -> list[list[Any]]:
    """Dépense éligible d'une facture : sa dépense plafonnée, ou 0 si la facture est exclue."""

    def eligible(
        programme: Programme,
        montant_ht: Decimal,
        jours: Decimal,
        date_prestation: dt.date,
        prestataire: str,
        departement: str,
        day: dt.date | None,
    ) -> Row:
        line = ExpenseLine(
            montant_ht=montant_ht, jours=jours, date_prestation=date_prestation,
            prestataire=prestataire, departement_prestation=departement, cells=LINE_CELLS,
            labels=LINE_CELLS,
        )  # fmt: skip
        result = assess_line(line, parameters_on(day, programme))
        # A blank, zero or negative value is a typing slip, not a reason to exclude the invoice:
        # it is said in the cell; a rule that excludes the invoice (X01, X03, X04, X09) gives 0.
        refuse_bad_input(result.findings)
        return [euros(result.eligible)]

    raws = (montant_ht, jours, date_prestation, prestataire, departement)
    args = [
        *(
            field_arg(ExpenseLine, name, cells)
            for name, cells in zip(LINE_CELLS, raws, strict=True)
        ),
        date_arg(date),
    ]
    return rows(args, eligible)


# --- Subsidy on the quote (S01-S05, S08, S09) -------------------------------------------------


def IDF_SUBVENTION(
    jours_p1: Any,
    montant_p1: Any,
    jours_p2: Any,
    montant_p2: Any,
    fonds_propres: Any,
    date: Any = None,
) -> list[list[Any]]:
    """Subvention sur le devis, en une ligne de trois cellules : phase 1, phase 2, total."""
    in_force: dict[dt.date | None, Parameters] = {}  # by date, for the rows of this call

    def subsidy(
        programme: Programme,
        jours_p1: Decimal | None,
        montant_p1: Decimal | None,
        jours_p2: Decimal | None,
        montant_p2: Decimal | None,
        fonds_propres: Decimal | None,
        day: dt.date | None,
    ) -> Row:
        # The five figures alone: the core builds the dossier only for a finding to report.
        quote = Quote(
            jours_p1, montant_p1, jours_p2, montant_p2, fonds_propres, SUBSIDY_CELLS, SUBSIDY_CELLS
        )
        params = in_force.get(day)
        if params is None:
            params = in_force[day] = parameters_on(day, programme)
        result = compute_subsidy(quote, params)
        if not result.complete:
            refuse_bad_input(result.findings, incomplete=True)
        # A quote the rules block (S01, S05) gets what the core gives it: 0 for each phase. The
        # part refused under de minimis (S06, S07) is IDF_MINIMIS's answer, not taken off here.
        return [euros(result.phase1), euros(result.phase2), euros(result.total)]

    raws = (jours_p1, montant_p1, jours_p2, montant_p2, fonds_propres)
    args = [
        *(field_arg(Dossier, name, cells) for name, cells in zip(SUBSIDY_CELLS, raws, strict=True)),
        date_arg(date),
    ]
    return rows(args, subsidy, width=3)


# --- Payments (P01-P04) -----------------------------------------------------------------------

# Where the schedule's findings on the recorded advance point: the argument that holds it.
_ADVANCE = Location(None, "acompte_verse")


def IDF_ECHEANCIER(
    subvention_p1: Any,
    subvention_p2: Any,
    justifie_p1: Any,
    justifie_p2: Any,
    jours_justifies: Any,
    acompte_verse: Any = None,
    date: Any = None,
) -> list[list[Any]]:
    """Versements dus à ce jour, en une ligne : phase 1, acompte de la phase 2, solde."""

    def schedule(
        programme: Programme,
        subvention_p1: Decimal,
        subvention_p2: Decimal,
        justifie_p1: Decimal,
        justifie_p2: Decimal,
        jours_justifies: Decimal,
        acompte_verse: Decimal | None,
        day: dt.date | None,
    ) -> Row:
        # The core's due schedule (P01-P04); phase 2 has begun once it has a justified amount
        # or a recorded advance, as the validator decides it.
        result = schedule_payments(
            subvention_p1, subvention_p2, justifie_p1, justifie_p2, jours_justifies,
            parameters_on(day, programme), recorded_advance=acompte_verse, at=_ADVANCE,
        )  # fmt: skip
        # P03: a recorded advance above its share of phase 2 is an error of the report; the
        # row says it, with the figures, rather than hide it behind amounts.
        excess = [f"{f.cell} : {f.message}" for f in result.findings if f.code == "P03"]
        if excess:
            raise ValueRejected(" ; ".join(excess))
        return [
            euros(result.phase1), euros(result.advance_phase2), euros(result.balance_phase2)
        ]  # fmt: skip

    args = [
        Arg("subvention_p1", subvention_p1, read_money, required=True),
        Arg("subvention_p2", subvention_p2, read_money, required=True),
        Arg("justifie_p1", justifie_p1, read_money, required=True),
        Arg("justifie_p2", justifie_p2, read_money, required=True),
        Arg("jours_justifies", jours_justifies, read_days, required=True),
        Arg("acompte_verse", acompte_verse, read_money),
        date_arg(date),
    ]
    return rows(args, schedule, width=3)


# --- De minimis (S06, S07) --------------------------------------------------------------------

OK = "OK"


def IDF_MINIMIS(
    categorie: Any,
    subvention_p1: Any,
    subvention_p2: Any,
    aides_anterieures: Any,
    date_octroi: Any,
    attestation: Any,
) -> list[list[Any]]:
    """Règle de minimis : OK, ou le motif pour lequel l'aide ne peut pas être accordée."""

    def de_minimis(
        programme: Programme,
        categorie: Category,
        subvention_p1: Decimal,
        subvention_p2: Decimal,
        aides_anterieures: Decimal | None,
        date_octroi: dt.date,
        attestation: bool | None,
    ) -> Row:
        # The ceiling in force on that date, as the core picks it for a dossier's filing date.
        params = parameters_on(date_octroi, programme)
        no_aid = category_without_aid(categorie, params)
        if no_aid is not None:
            return [no_aid]
        dossier = Dossier(
            aides_minimis_3_ans=aides_anterieures, attestation_minimis=attestation,
            date_depot=date_octroi, cells=DE_MINIMIS_CELLS, labels=DE_MINIMIS_CELLS,
        )  # fmt: skip
        # The core screens the prior aid (below zero: F04) and refuses the part under de
        # minimis (S06, S07): its message says which part, and what stays awarded.
        result = check_de_minimis(dossier, categorie, subvention_p1, subvention_p2, params)
        if not result.complete:
            refuse_bad_input(result.findings, incomplete=True)
        return [text(" ; ".join(f.message for f in result.findings)) or OK]

    args = [
        Arg("categorie", categorie, read_category, required=True),
        Arg("subvention_p1", subvention_p1, read_money, required=True),
        Arg("subvention_p2", subvention_p2, read_money, required=True),
        field_arg(Dossier, "aides_minimis_3_ans", aides_anterieures),
        # The filing date, in its role of the day the aid is granted.
        Arg("date_octroi", date_octroi, read_date, required=True),
        field_arg(Dossier, "attestation_minimis", attestation),
    ]
    return rows(args, de_minimis)


# --- Parameters -------------------------------------------------------------------------------


def IDF_PARAMETRE(nom: Any, date: Any = None) -> list[list[Any]]:
    """Un paramètre du programme (plafond, taux, date...), pour ne rien écrire en dur."""

    def parameter(programme: Programme, nom: str, day: dt.date | None) -> Row:
        names = [*programme.parameters, *FRENCH_NAMES]
        found = match_name(nom, names)
        if found is None:
            # Names that hold what was typed (« plafond »: three caps), else the closest one.
            typed = fold(nom)
            close = [n for n in FRENCH_NAMES if typed in fold(n)][:3] or difflib.get_close_matches(
                typed, names, n=1
            )
            hint = (
                "vouliez-vous dire " + " ou ".join(f"« {n} »" for n in close) + " ?"
                if close
                else "les noms sont listés dans la feuille Aide du calculateur"
            )
            raise ValueRejected(f"paramètre inconnu « {nom} » : {hint}")
        name = FRENCH_NAMES.get(found, found)
        return [
            _excel(getattr(parameters_on(day, programme), name), programme.parameters[name].unit)
        ]

    return rows([Arg("nom", nom, read_text, required=True), date_arg(date)], parameter)


def _excel(value: object, unit: str) -> Any:
    """A parameter's value as a cell holds it: a number, a date, or text (a list joined)."""
    if isinstance(value, Decimal | int):
        return float(value)  # a rate stays a fraction, 0.5: a cell formatted % shows 50 %
    if isinstance(value, tuple):
        return french.parameter(value, unit)
    return value  # a date (an Excel date) or a text
