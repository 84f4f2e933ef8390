"""The IDF_* Excel functions (SPEC 4.2), declared to xlwings: nothing else.

Each function takes single cells or whole columns and answers one row per input row, as a 2-D
list that Excel 365 spills. What it computes, and how it reads cells and refuses bad ones, is in
the package: `xl_idf.excel_functions` (the nine functions, pure Python) on the engine
`xl_idf.excel`; their arguments' French descriptions are in `xl_idf.excel_arguments`.

Only xlwings and the pure core are imported (no pandas, no openpyxl), so the same module runs in
classic xlwings (Windows), xlwings Server and xlwings Lite (Pyodide). Without
`XLWINGS_ON_SERVER=true` on Linux or macOS the xlwings decorators do nothing: the functions are
then plain Python, which is how the tests call them.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any, TypeVar

import xlwings as xw
import xlwings.utils

from xl_idf import excel_functions as idf
from xl_idf.excel import EMPTY, ERROR, TEXT_LIMIT
from xl_idf.excel_arguments import ARGUMENTS, FRENCH_NAMES

__all__ = ["EMPTY", "ERROR", "FRENCH_NAMES", "TEXT_LIMIT"]


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

F = TypeVar("F", bound=Callable[..., Any])


def _excel_arguments(function: F) -> F:
    """`@xw.arg(name, ndim=2, doc=...)` on each argument of `function`, from ARGUMENTS.

    ndim=2: a cell or a range always arrives as rows; err_to_str: an error cell (#N/A) arrives
    as its text, to be refused in its row, where Office.js would otherwise send it as a blank.
    """
    for name, doc in ARGUMENTS[function.__name__].items():
        function = xw.arg(name, ndim=2, err_to_str=True, doc=doc)(function)
    return function


@xw.func
@_excel_arguments
def IDF_CATEGORIE(effectif: Any) -> list[list[Any]]:
    """Catégorie de l'entreprise selon son effectif : PME, ETI ou Non éligible."""
    return idf.IDF_CATEGORIE(effectif)


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
    return idf.IDF_ELIGIBLE(
        forme,
        activite_industrielle,
        agrement,
        part_recettes,
        effectif,
        duree_bilan_mois,
        departement,
        en_difficulte,
        a_jour,
        date_depot,
        prestataire,
    )


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
    return idf.IDF_MOTIFS(
        forme,
        activite_industrielle,
        agrement,
        part_recettes,
        effectif,
        duree_bilan_mois,
        departement,
        en_difficulte,
        a_jour,
        date_depot,
        prestataire,
    )


@xw.func
@_excel_arguments
def IDF_DEPENSE_PLAFONNEE(montant_ht: Any, jours: Any, date: Any = None) -> list[list[Any]]:
    """Dépense retenue d'une facture : son montant HT, au plus le plafond journalier par jour."""
    return idf.IDF_DEPENSE_PLAFONNEE(montant_ht, jours, date)


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
    return idf.IDF_DEPENSE_ELIGIBLE(
        montant_ht, jours, date_prestation, prestataire, departement, date
    )


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
    return idf.IDF_SUBVENTION(jours_p1, montant_p1, jours_p2, montant_p2, fonds_propres, date)


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
    return idf.IDF_ECHEANCIER(
        subvention_p1, subvention_p2, justifie_p1, justifie_p2, jours_justifies, acompte_verse, date
    )


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
    return idf.IDF_MINIMIS(
        categorie, subvention_p1, subvention_p2, aides_anterieures, date_octroi, attestation
    )


@xw.func
@_excel_arguments
@xw.ret(date_format="dd/mm/yyyy")  # Office.js shows a date parameter as a date, day first
def IDF_PARAMETRE(nom: Any, date: Any = None) -> list[list[Any]]:
    """Un paramètre du programme (plafond, taux, date...), pour ne rien écrire en dur."""
    return idf.IDF_PARAMETRE(nom, date)
