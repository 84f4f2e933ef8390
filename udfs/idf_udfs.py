"""The IDF_* Excel functions (SPEC 4.2): thin adapters from cells to the rules core `xl_idf`.

Each function takes single cells or whole columns and answers one row per input row, as a 2-D
list that Excel 365 spills; a single cell is repeated against the columns. Each cell is read by
the core's edge readers (values.py), the core's record is built, the core decides, and the
result goes back as Excel numbers, booleans or text. Bad input never raises into Excel: the row
gets the text `#IDF: <message>`, naming the argument, and the other rows are still computed.
Each function takes the parameters in force on the date SPEC 4.2 names for it (`[date]`,
`date_depot` or `date_octroi`), chosen by the validator's own rule (xl_idf.dossier.parameters_on).

Only xlwings and the pure core are imported (no pandas, no openpyxl), so the same module runs in
classic xlwings (Windows), xlwings Server and xlwings Lite (Pyodide). Without
`XLWINGS_ON_SERVER=true` on Linux or macOS the xlwings decorators do nothing: the functions are
then plain Python, which is how the tests call them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import importlib.util
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

import xlwings as xw
import xlwings.utils

from xl_idf import french
from xl_idf.de_minimis import category_without_aid, check_de_minimis
from xl_idf.dossier import parameters_on
from xl_idf.eligibility import Category, Eligibility, EligibilityResult, assess_eligibility
from xl_idf.errors import ValueRejected, XlIdfError
from xl_idf.expenses import assess_line
from xl_idf.findings import Finding, Location
from xl_idf.payments import schedule_payments
from xl_idf.programme import Programme, load_programme
from xl_idf.records import NO_APPROVAL, Dossier, ExpenseLine, LegalForm, below_zero
from xl_idf.subsidy import compute_subsidy
from xl_idf.values import (
    Reading,
    fold,
    is_blank,
    match_name,
    read_amount,
    read_bool,
    read_choice,
    read_date,
    read_decimal,
    read_department,
    read_int,
    read_percent,
    read_text,
)


def _never_jsnull(value: object) -> bool:
    """Outside Pyodide no value is Pyodide's JsNull: the answer xlwings' own check gives."""
    return False


# xlwings 0.37.8 imports `pyodide.ffi` again for every cell it reads (xlwings/utils.py,
# is_jsnull); outside Pyodide that import fails only after searching the whole sys.path, each
# time: 2.5 s of a 10,000-row call of five columns (scripts/bench.py). Where pyodide is absent
# (classic xlwings, xlwings Server) its answer is always False, so it is given at once. Never
# done in xlwings Lite, where pyodide exists and the check matters.
if importlib.util.find_spec("pyodide") is None and hasattr(xlwings.utils, "is_jsnull"):
    xlwings.utils.is_jsnull = _never_jsnull

ERROR = "#IDF: "
# Excel's limit for the text a formula returns: a longer answer is cut, marked with « … ».
TEXT_LIMIT = 255
# An empty row answers "" rather than None: both runtimes of xlwings 0.37 write None as an empty
# string, but an Empty element of a spilled array shows as 0 in Excel (a subsidy of 0 where
# nothing was asked); "" shows nothing, SUM ignores it, and the plain Python result is what the
# cell shows.
EMPTY = ""

Row = list[Any]
Reader = Callable[[object], Reading[Any]]

# French names finance staff may give IDF_PARAMETRE, besides the programme file's own names.
FRENCH_NAMES: dict[str, str] = {
    "region": "region_name",
    "departements": "region_departments",
    "debut_programme": "period_start",
    "fin_programme": "period_end",
    "date_limite_depenses": "last_expense_date",
    "objectif_entreprises": "target_companies",
    "seuil_pme": "pme_employees_below",
    "seuil_eti": "eti_employees_below",
    "duree_min_premier_bilan": "first_balance_sheet_min_months",
    "divisions_naf_industrie": "industry_naf_divisions",
    "agrements_ess": "ess_approvals",
    "part_min_recettes_production": "ess_min_production_revenue_share",
    "prestataires": "providers",
    "alias_prestataires": "provider_aliases",
    "formes_juridiques": "legal_forms",
    "plafond_journalier": "daily_cap",
    "plafond_parcours": "total_cap",
    "jours_max_phase1": "phase1_max_days",
    "taux_phase1": "phase1_rate",
    "jours_max_phase2": "phase2_max_days",
    "taux_phase2": "phase2_rate",
    "jours_minimum": "min_days",
    "taux_max_acompte_phase2": "phase2_advance_max_rate",
    "plafond_minimis": "de_minimis_ceiling",
    "periode_minimis": "de_minimis_period",
}

# Findings that say an argument is missing or not acceptable, rather than a rule's outcome.
_INPUT_CODES = frozenset({"F04", "F07", "X05"})

# The argument each record field comes from. A record built with these as its `cells` and its
# `labels` places a finding on the argument (its `cell`) and names the argument in the core's own
# message (xl_idf.records.Record.label): `#IDF: montant_ht : valeur négative -100 …`.
_ELIGIBILITY_CELLS = {
    "forme_juridique": "forme",
    "activite_industrielle": "activite_industrielle",
    "agrement_ess": "agrement",
    "part_recettes_production": "part_recettes",
    "effectif": "effectif",
    "duree_premier_bilan": "duree_bilan_mois",
    "departement": "departement",
    "en_difficulte": "en_difficulte",
    "a_jour_fiscal_social": "a_jour",
    "date_depot": "date_depot",
    "prestataire": "prestataire",
}
_CATEGORY_CELLS = {"effectif": "effectif"}
_CAPPED_CELLS = {"montant_ht": "montant_ht", "jours": "jours"}
_LINE_CELLS = {
    **_CAPPED_CELLS,
    "date_prestation": "date_prestation",
    "prestataire": "prestataire",
    "departement_prestation": "departement",
}
_SUBSIDY_CELLS = {
    name: name for name in ("jours_p1", "montant_p1", "jours_p2", "montant_p2", "fonds_propres")
}
_DE_MINIMIS_CELLS = {
    "aides_minimis_3_ans": "aides_anterieures",
    "attestation_minimis": "attestation",
}


@dataclass(frozen=True)
class _Arg:
    """One argument of a call: its name in the formula, what Excel passed, how a cell is read."""

    name: str
    cells: object
    read: Reader
    required: bool = False  # the core function cannot take it blank
    # A setting of the call rather than data (the date whose parameters apply): it never makes
    # a blank row count, so that blank rows below a table stay blank.
    setting: bool = False


def _column(arg: _Arg) -> list[object]:
    """The argument's cells, top to bottom; a range of several columns is refused."""
    cells = arg.cells
    if not isinstance(cells, list | tuple):
        return [cells]
    column: list[object] = []
    for row in cells:
        if not isinstance(row, list | tuple):
            column.append(row)  # a flat list (plain Python) is a column; xlwings passes rows
        elif len(row) == 1:
            column.append(row[0])
        else:
            raise ValueRejected(
                f"{arg.name} : une seule colonne attendue (une cellule, ou une plage d'une colonne)"
            )
    return column or [None]


def _rows(args: Sequence[_Arg], compute: Callable[..., Row], width: int = 1) -> list[list[Any]]:
    """`compute(programme, *values)` on each row of the arguments, each cell read first."""
    try:
        programme = load_programme()
        columns = [_column(arg) for arg in args]
        count = max(len(column) for column in columns)
        uneven = [f"{a.name} : {len(c)}" for a, c in zip(args, columns, strict=True)
                  if len(c) not in (1, count)]  # fmt: skip
        if uneven:
            raise ValueRejected(
                f"plages de tailles différentes ({count} lignes ailleurs ; {', '.join(uneven)}) : "
                "donner des plages de même hauteur, ou une seule cellule"
            )
    except XlIdfError as exc:
        return [[_error(str(exc))] * width]
    values = [_read_column(arg, column) for arg, column in zip(args, columns, strict=True)]
    # A row is empty when the data given as ranges is blank in it: a single cell repeated
    # against them (a date, a provider) does not make the blank rows below a table count, and
    # neither does a setting (`[date]`).
    data = [i for i, arg in enumerate(args) if not arg.setting]
    varying = [i for i in data if len(columns[i]) > 1] or data
    answers: list[list[Any]] = []
    memo: dict[tuple[tuple[type, object], ...], Row] = {}
    for index in range(count):
        raws = [column[index] if len(column) > 1 else column[0] for column in columns]
        if all(is_blank(raws[i]) for i in varying):
            answers.append([EMPTY] * width)
            continue
        row_values = [column[index] if len(column) > 1 else column[0] for column in values]
        refused = next((v for v in row_values if isinstance(v, _Refused)), None)
        if refused is not None:
            # Every cell of the row says why: a formula reading any of them shows the reason.
            answers.append([_error(refused.why)] * width)
            continue
        # Rows repeat (a head count, a parameter's name): a row seen before is not computed again.
        # The key carries each value's type, so that TRUE, 1 and 1.0 stay apart.
        key = tuple((type(raw), raw) for raw in raws)
        row = _recall(memo, key)
        if row is _UNSEEN:
            try:
                row = compute(programme, *row_values)
            except ValueRejected as exc:
                row = [_error(str(exc))] * width
            _remember(memo, key, row)
        answers.append(list(row))
    return answers


def _text(answer: str) -> str:
    """A text answer within Excel's limit for a formula's text, cut with « … » if longer."""
    return answer if len(answer) <= TEXT_LIMIT else answer[: TEXT_LIMIT - 1].rstrip() + "…"


def _error(why: str) -> str:
    """The `#IDF: …` answer of a row that cannot be computed, within Excel's limit."""
    return _text(ERROR + why)


@dataclass(frozen=True)
class _Refused:
    """A cell that cannot be read: why, in French, naming its argument."""

    why: str


_UNSEEN = object()  # not in a memo yet (None is a value: a blank cell)


def _read_column(arg: _Arg, column: Sequence[object]) -> list[Any]:
    """Each cell read (a `_Refused` when it cannot be); a value repeated down a column, once."""
    seen: dict[tuple[type, object], Any] = {}
    values = []
    for raw in column:
        key = (type(raw), raw)
        value = _recall(seen, key)
        if value is _UNSEEN:
            value = _read_cell(arg, raw)
            _remember(seen, key, value)
        values.append(value)
    return values


def _read_cell(arg: _Arg, raw: object) -> Any:
    try:
        value = arg.read(raw).value
    except ValueRejected as exc:
        return _Refused(f"{arg.name} : {exc}")
    if value is None and arg.required:
        return _Refused(f"{arg.name} : valeur manquante")
    return value


def _recall(memo: dict[Any, Any], key: Any) -> Any:
    try:
        return memo.get(key, _UNSEEN)
    except TypeError:  # an unhashable value, which Excel never sends: not remembered
        return _UNSEEN


def _remember(memo: dict[Any, Any], key: Any, value: Any) -> None:
    with contextlib.suppress(TypeError):
        memo[key] = value


def _refuse_bad_input(findings: Sequence[Finding], incomplete: bool = False) -> None:
    """Raise when the core found an argument missing or invalid (F04, F07, X05), naming it."""
    problems = [
        # The core's message names the argument: the records are labelled with the arguments.
        f"{f.cell} : valeur manquante" if f.code == "F07" else f.message
        for f in findings
        # A finding without a cell is on a field the function has no argument for.
        if f.code in _INPUT_CODES and f.cell is not None
    ]
    if problems:
        raise ValueRejected(" ; ".join(problems))
    if incomplete:
        raise ValueRejected("données incomplètes")


def _euros(amount: Decimal) -> float:
    """An amount of the core, already to the cent, as an Excel number: floats only at the edge."""
    return float(amount)


def _not_negative(read: Reader) -> Reader:
    """`read`, refusing a number below zero: an amount the core takes as already computed.

    For the arguments that are no field of a record (a subsidy, a justified sum); a record's
    fields are screened by the core rules themselves (xl_idf.records.Record.screened).
    """

    def read_it(raw: object) -> Reading[Any]:
        got = read(raw)
        if got.value is not None and got.value < 0:
            raise ValueRejected(below_zero(got.value))  # the words of the core's F04
        return got

    return read_it


def _read_legal_form(raw: object) -> Reading[LegalForm]:
    got = read_choice(raw, tuple(LegalForm))
    return Reading(None if got.value is None else LegalForm(got.value), got.note)


def _read_category(raw: object) -> Reading[Category]:
    got = read_choice(raw, tuple(Category))
    return Reading(None if got.value is None else Category(got.value), got.note)


def _read_approval(raw: object) -> Reading[str]:
    if is_blank(raw):
        return Reading(None)
    # The list of the programme's last day, as the workbook reader reads the template's column.
    approvals = (NO_APPROVAL, *parameters_on(None, load_programme()).ess_approvals)
    return read_choice(raw, approvals)


_read_money = _not_negative(read_amount)
_read_days = _not_negative(read_decimal)


# --- What Excel shows ---------------------------------------------------------------------------

# Each function's arguments, in order, with the French description Excel's function wizard shows
# (and the workbook's Aide sheet lists): one table, applied by `_excel_arguments`.
_DOSSIER = {
    "forme": "Forme juridique : Entreprise ou Association",
    "activite_industrielle": (
        "Activité principale de production, de fabrication ou de transformation : Oui ou Non"
    ),
    "agrement": "Agrément ESS d'une association (Aucun, EI, EA) ; vide pour une entreprise",
    "part_recettes": (
        "Association sans agrément : part des recettes tirées de la production de biens ou de "
        "services, en points (55 pour 55 % ; 0,55 est refusé, ambigu) ; vide sinon"
    ),
    "effectif": (
        "Effectif salarié de l'entreprise, en unités de travail annuel (décimales permises : 249,5)"
    ),
    "duree_bilan_mois": "Durée du premier bilan d'activité, en mois",
    "departement": "Département de l'établissement accompagné (31, 09, 2A...)",
    "en_difficulte": "Entreprise en difficulté au sens de l'Union européenne : Oui ou Non",
    "a_jour": "À jour de ses obligations fiscales et sociales : Oui ou Non",
    "date_depot": (
        "Date de dépôt du dossier (date, ou texte jj/mm/aaaa) : elle fixe aussi les paramètres "
        "en vigueur"
    ),
    "prestataire": "Prestataire qui accompagne l'entreprise (un cabinet référencé par la Région)",
}
_INVOICE = {
    "montant_ht": "Montant HT de la facture, en euros",
    "jours": "Nombre de jours de prestation facturés",
}
_SUBSIDIES = {
    "subvention_p1": "Subvention de la phase 1, en euros (résultat d'IDF_SUBVENTION)",
    "subvention_p2": "Subvention de la phase 2, en euros (résultat d'IDF_SUBVENTION)",
}
# SPEC 4.2: `[date]` is the dossier's filing date; the validator takes that day's parameters.
_DATE = {
    "date": (
        "Facultatif : date de dépôt du dossier (date, ou texte jj/mm/aaaa) ; les paramètres en "
        "vigueur ce jour-là sont appliqués ; sans elle, ceux du dernier jour du programme"
    ),
}
ARGUMENTS: dict[str, dict[str, str]] = {
    "IDF_CATEGORIE": {"effectif": _DOSSIER["effectif"]},
    "IDF_ELIGIBLE": _DOSSIER,
    "IDF_MOTIFS": _DOSSIER,
    "IDF_DEPENSE_PLAFONNEE": {**_INVOICE, **_DATE},
    "IDF_DEPENSE_ELIGIBLE": {
        **_INVOICE,
        "date_prestation": "Date de la prestation (date, ou texte jj/mm/aaaa)",
        "prestataire": "Prestataire qui a réalisé et facturé la prestation",
        "departement": "Département où la prestation a eu lieu",
        **_DATE,
    },
    "IDF_SUBVENTION": {
        "jours_p1": "Jours prévus au devis pour la phase 1",
        "montant_p1": "Montant HT prévu au devis pour la phase 1, en euros",
        "jours_p2": "Jours prévus pour la phase 2 (vide s'il n'y en a pas)",
        "montant_p2": "Montant HT prévu pour la phase 2, en euros (vide s'il n'y en a pas)",
        "fonds_propres": "Fonds propres de l'entreprise, en euros",
        **_DATE,
    },
    "IDF_ECHEANCIER": {
        "subvention_p1": (
            "Subvention accordée pour la phase 1, en euros (IDF_SUBVENTION, sans la part refusée "
            "par IDF_MINIMIS)"
        ),
        "subvention_p2": (
            "Subvention accordée pour la phase 2, en euros (IDF_SUBVENTION, sans la part refusée "
            "par IDF_MINIMIS)"
        ),
        "justifie_p1": "Dépenses éligibles acquittées de la phase 1, après plafonds, en euros",
        "justifie_p2": (
            "Dépenses éligibles acquittées de la phase 2, après plafonds, en euros ; au-dessus "
            "de 0, la phase 2 a commencé"
        ),
        "jours_justifies": "Jours de prestation des factures acquittées, phases 1 et 2",
        "acompte_verse": (
            "Facultatif : acompte de la phase 2 déjà versé (il a commencé la phase 2) ; sans "
            "lui, l'acompte maximal prévu, une fois la phase 2 commencée"
        ),
        **_DATE,
    },
    "IDF_MINIMIS": {
        "categorie": "Catégorie de l'entreprise : PME ou ETI (résultat d'IDF_CATEGORIE)",
        **_SUBSIDIES,
        "aides_anterieures": "Aides de minimis déjà reçues sur la période de référence, en euros",
        "date_octroi": "Date d'octroi de l'aide (date de dépôt) : elle fixe le plafond en vigueur",
        "attestation": "Attestation de minimis fournie : Oui ou Non",
    },
    "IDF_PARAMETRE": {
        "nom": "Nom du paramètre : daily_cap, total_cap... ou en français plafond_journalier...",
        **_DATE,
    },
}

F = TypeVar("F", bound=Callable[..., Any])


def _excel_arguments(function: F) -> F:
    """`@xw.arg(name, ndim=2, doc=...)` on each argument of `function`, from ARGUMENTS.

    ndim=2: a cell or a range always arrives as rows; err_to_str: an error cell (#N/A) arrives
    as its text, to be refused in its row, where Office.js would otherwise send it as a blank.
    """
    for name, doc in ARGUMENTS[function.__name__].items():
        function = xw.arg(name, ndim=2, err_to_str=True, doc=doc)(function)
    return function


def _date(cells: object) -> _Arg:
    """The optional `[date]` argument: the filing date whose parameters are applied."""
    return _Arg("date", cells, read_date, setting=True)


# --- Eligibility (E01-E09) --------------------------------------------------------------------


def _screened_eligibility(dossier: Dossier, programme: Programme) -> EligibilityResult:
    """E01-E09 as the validator decides them: values below zero set aside first (F04)."""
    dossier, negatives = dossier.screened()
    result = assess_eligibility(dossier, parameters_on(dossier.date_depot, programme))
    return EligibilityResult(result.status, result.category, negatives + result.findings)


@xw.func
@_excel_arguments
def IDF_CATEGORIE(effectif: Any) -> list[list[Any]]:
    """Catégorie de l'entreprise selon son effectif : PME, ETI ou Non éligible."""

    def category(programme: Programme, effectif: Decimal) -> Row:
        dossier = Dossier(effectif=effectif, cells=_CATEGORY_CELLS, labels=_CATEGORY_CELLS)
        # The core's eligibility decides, as for the report: a negative head count is refused.
        result = _screened_eligibility(dossier, programme)
        if result.category is None:
            _refuse_bad_input(result.findings, incomplete=True)
        return [str(result.category)]

    return _rows([_Arg("effectif", effectif, read_decimal, required=True)], category)


def _eligibility(
    raws: Sequence[object], answer: Callable[[EligibilityResult], Any]
) -> list[list[Any]]:
    """IDF_ELIGIBLE and IDF_MOTIFS: E01-E09 on each row, `answer` giving the cell."""
    readers: list[Reader] = [
        _read_legal_form, read_bool, _read_approval, read_percent, read_decimal, read_int,
        read_department, read_bool, read_bool, read_date, read_text,
    ]  # fmt: skip
    args = [
        _Arg(name, cells, read)
        for name, cells, read in zip(_ELIGIBILITY_CELLS.values(), raws, readers, strict=True)
    ]

    def assess(programme: Programme, *values: Any) -> Row:
        dossier = Dossier(
            **dict(zip(_ELIGIBILITY_CELLS, values, strict=True)),
            cells=_ELIGIBILITY_CELLS,
            labels=_ELIGIBILITY_CELLS,
        )
        # The parameters in force on date_depot (SPEC 4.2), as the validator picks them.
        result = _screened_eligibility(dossier, programme)
        # Ineligible wins over incomplete (the core's order): a failed criterion is an answer.
        if result.status is Eligibility.INCOMPLETE:
            _refuse_bad_input(result.findings, incomplete=True)
        return [answer(result)]

    return _rows(args, assess)


@xw.func
@_excel_arguments
def IDF_ELIGIBLE(
    forme: Any,
    activite_industrielle: Any,
    agrement: Any,
    part_recettes: Any,
    effectif: Any,
    duree_bilan_mois: Any,
    departement: Any,
    en_difficulte: Any,
    a_jour: Any,
    date_depot: Any,
    prestataire: Any,
) -> list[list[Any]]:
    """VRAI si le dossier remplit les critères d'éligibilité du programme, FAUX sinon."""
    raws = [forme, activite_industrielle, agrement, part_recettes, effectif, duree_bilan_mois,
            departement, en_difficulte, a_jour, date_depot, prestataire]  # fmt: skip
    return _eligibility(raws, lambda result: result.status is Eligibility.ELIGIBLE)


@xw.func
@_excel_arguments
def IDF_MOTIFS(
    forme: Any,
    activite_industrielle: Any,
    agrement: Any,
    part_recettes: Any,
    effectif: Any,
    duree_bilan_mois: Any,
    departement: Any,
    en_difficulte: Any,
    a_jour: Any,
    date_depot: Any,
    prestataire: Any,
) -> list[list[Any]]:
    """Les motifs de non-éligibilité du dossier, séparés par « ; » (vide s'il est éligible)."""
    raws = [forme, activite_industrielle, agrement, part_recettes, effectif, duree_bilan_mois,
            departement, en_difficulte, a_jour, date_depot, prestataire]  # fmt: skip
    return _eligibility(raws, lambda result: _text(" ; ".join(result.reasons)))


# --- Expense lines (X01-X05, X09) -------------------------------------------------------------


@xw.func
@_excel_arguments
def IDF_DEPENSE_PLAFONNEE(montant_ht: Any, jours: Any, date: Any = None) -> list[list[Any]]:
    """Dépense retenue d'une facture : son montant HT, au plus le plafond journalier par jour."""

    def capped(
        programme: Programme, montant_ht: Decimal, jours: Decimal, day: dt.date | None
    ) -> Row:
        line = ExpenseLine(
            montant_ht=montant_ht, jours=jours, cells=_CAPPED_CELLS, labels=_CAPPED_CELLS
        )
        result = assess_line(line, parameters_on(day, programme))
        # The core's F04 (below zero) and X05 (zero): a typing slip, said in the cell.
        _refuse_bad_input(result.findings)
        return [_euros(result.capped)]

    args = [
        _Arg("montant_ht", montant_ht, read_amount),
        _Arg("jours", jours, read_decimal),
        _date(date),
    ]
    return _rows(args, capped)


@xw.func
@_excel_arguments
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
            prestataire=prestataire, departement_prestation=departement, cells=_LINE_CELLS,
            labels=_LINE_CELLS,
        )  # fmt: skip
        result = assess_line(line, parameters_on(day, programme))
        # A blank, zero or negative value is a typing slip, not a reason to exclude the invoice:
        # it is said in the cell; a rule that excludes the invoice (X01, X03, X04, X09) gives 0.
        _refuse_bad_input(result.findings)
        return [_euros(result.eligible)]

    args = [
        _Arg("montant_ht", montant_ht, read_amount),
        _Arg("jours", jours, read_decimal),
        _Arg("date_prestation", date_prestation, read_date),
        _Arg("prestataire", prestataire, read_text),
        _Arg("departement", departement, read_department),
        _date(date),
    ]
    return _rows(args, eligible)


# --- Subsidy on the quote (S01-S05, S08, S09) -------------------------------------------------


@xw.func
@_excel_arguments
def IDF_SUBVENTION(
    jours_p1: Any,
    montant_p1: Any,
    jours_p2: Any,
    montant_p2: Any,
    fonds_propres: Any,
    date: Any = None,
) -> list[list[Any]]:
    """Subvention sur le devis, en une ligne de trois cellules : phase 1, phase 2, total."""

    def subsidy(programme: Programme, *values: Any) -> Row:
        *quoted, day = values
        quote = Dossier(
            **dict(zip(_SUBSIDY_CELLS, quoted, strict=True)),
            cells=_SUBSIDY_CELLS,
            labels=_SUBSIDY_CELLS,
        )
        result = compute_subsidy(quote, parameters_on(day, programme))
        if not result.complete:
            _refuse_bad_input(result.findings, incomplete=True)
        # A quote the rules block (S01, S05) gets what the core gives it: 0 for each phase. The
        # part refused under de minimis (S06, S07) is IDF_MINIMIS's answer, not taken off here.
        return [_euros(result.phase1), _euros(result.phase2), _euros(result.total)]

    args = [
        _Arg("jours_p1", jours_p1, read_decimal),
        _Arg("montant_p1", montant_p1, read_amount),
        _Arg("jours_p2", jours_p2, read_decimal),
        _Arg("montant_p2", montant_p2, read_amount),
        _Arg("fonds_propres", fonds_propres, read_amount),
        _date(date),
    ]
    return _rows(args, subsidy, width=3)


# --- Payments (P01-P04) -----------------------------------------------------------------------

# Where the schedule's findings on the recorded advance point: the argument that holds it.
_ADVANCE = Location(None, "acompte_verse")


@xw.func
@_excel_arguments
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
            _euros(result.phase1), _euros(result.advance_phase2), _euros(result.balance_phase2)
        ]  # fmt: skip

    args = [
        _Arg("subvention_p1", subvention_p1, _read_money, required=True),
        _Arg("subvention_p2", subvention_p2, _read_money, required=True),
        _Arg("justifie_p1", justifie_p1, _read_money, required=True),
        _Arg("justifie_p2", justifie_p2, _read_money, required=True),
        _Arg("jours_justifies", jours_justifies, _read_days, required=True),
        _Arg("acompte_verse", acompte_verse, _read_money),
        _date(date),
    ]
    return _rows(args, schedule, width=3)


# --- De minimis (S06, S07) --------------------------------------------------------------------

OK = "OK"


@xw.func
@_excel_arguments
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
            date_depot=date_octroi, cells=_DE_MINIMIS_CELLS, labels=_DE_MINIMIS_CELLS,
        )  # fmt: skip
        # The core screens the prior aid (below zero: F04) and refuses the part under de
        # minimis (S06, S07): its message says which part, and what stays awarded.
        result = check_de_minimis(dossier, categorie, subvention_p1, subvention_p2, params)
        if not result.complete:
            _refuse_bad_input(result.findings, incomplete=True)
        return [_text(" ; ".join(f.message for f in result.findings)) or OK]

    args = [
        _Arg("categorie", categorie, _read_category, required=True),
        _Arg("subvention_p1", subvention_p1, _read_money, required=True),
        _Arg("subvention_p2", subvention_p2, _read_money, required=True),
        _Arg("aides_anterieures", aides_anterieures, read_amount),
        _Arg("date_octroi", date_octroi, read_date, required=True),
        _Arg("attestation", attestation, read_bool),
    ]
    return _rows(args, de_minimis)


# --- Parameters -------------------------------------------------------------------------------


@xw.func
@_excel_arguments
@xw.ret(date_format="dd/mm/yyyy")  # Office.js shows a date parameter as a date, day first
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

    return _rows([_Arg("nom", nom, read_text, required=True), _date(date)], parameter)


def _excel(value: object, unit: str) -> Any:
    """A parameter's value as a cell holds it: a number, a date, or text (a list joined)."""
    if isinstance(value, Decimal | int):
        return float(value)  # a rate stays a fraction, 0.5: a cell formatted % shows 50 %
    if isinstance(value, tuple):
        return french.parameter(value, unit)
    return value  # a date (an Excel date) or a text
