"""De minimis (S06, S07): the attestation, and the ceiling on aid under the de minimis rules.

[§Éléments à prévoir]: an attestation is required for any phase 1 subsidy and, in any case, for
an ETI. [§Références légales]: phase 1 (and phase 2 for an ETI) is de minimis aid; an SME's
phase 2 falls under the block-exempted scheme SA.40453 (consulting aid for SMEs), not de minimis.
The ceiling is the one in force on the dossier's date (Reg. 1407/2013, then Reg. 2023/2831).

SPEC 3: S06 and S07 set the part under de minimis to 0 and leave the rest (an SME's phase 2 is
still awarded). Under S07 the new aid is refused whole, not reduced to the room left under the
ceiling (Reg. 1407/2013 art. 3(7); the same in art. 3 of Reg. 2023/2831). A refused part gives
no room back to the other phase.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from xl_idf import french
from xl_idf.catalogue import finding
from xl_idf.decisions import AWARDED_PHASE1, AWARDED_PHASE2
from xl_idf.eligibility import Category
from xl_idf.findings import Finding
from xl_idf.money import ZERO
from xl_idf.programme import Parameters
from xl_idf.records import Dossier


@dataclass(frozen=True)
class DeMinimis:
    """The part of the subsidy under de minimis, what is left of each phase, and the findings.

    `phase1` and `phase2` are the subsidy after the de minimis checks: the part under de minimis
    is 0 when S06 or S07 refuses it (`refused`).
    """

    part: Decimal
    phase1: Decimal
    phase2: Decimal
    refused: bool
    findings: tuple[Finding, ...]
    complete: bool = True

    def explain(self, category: Category | None, params: Parameters) -> str:
        """One French sentence: which part falls under de minimis, and what became of it."""
        what = _part_words(category)
        ceiling = (
            f"plafond de {french.eur(params.de_minimis_ceiling)} sur {params.de_minimis_period}, "
            f"en vigueur le {french.day(params.on)} ({params.citation('de_minimis_ceiling')})"
        )
        if self.part == 0 and not self.refused:
            return f"De minimis : aucune aide de minimis dans ce dossier ({what})"
        state = "refusée (S06/S07)" if self.refused else "accordée"
        return f"De minimis : {what}, soit {french.eur(self.part)}, {state} ; {ceiling}"


def _article(citation: str) -> str:
    """The regulation and article a citation opens with (« Règlement (UE) 2023/2831, art. 3.2 »)."""
    return citation.split(" ;", maxsplit=1)[0].split(" (applicable", maxsplit=1)[0]


def de_minimis_part(category: Category | None, phase1: Decimal, phase2: Decimal) -> Decimal:
    """The part of the subsidy granted as de minimis aid: phase 1, plus phase 2 for an ETI."""
    return phase1 + (phase2 if category is Category.ETI else ZERO)


def _part_words(category: Category | None) -> str:
    if category is Category.ETI:
        return "phases 1 et 2 d'une ETI sous de minimis"
    return "phase 1 sous de minimis, la phase 2 d'une PME relevant du régime SA.40453"


def check_de_minimis(
    dossier: Dossier,
    category: Category | None,
    phase1: Decimal,
    phase2: Decimal,
    params: Parameters,
) -> DeMinimis:
    """S06-S07 for the subsidy (phase1, phase2) of a dossier, under the ceiling of `params.on`."""
    dossier, negatives = dossier.screened(("aides_minimis_3_ans",))
    found: list[Finding] = list(negatives)
    complete = not negatives
    num = dossier.numero
    part = de_minimis_part(category, phase1, phase2)
    eti = category is Category.ETI
    if eti:
        refused = f"phases 1 et 2 refusées ({french.eur(part)})"
    else:
        refused = (
            f"phase 1 refusée ({french.eur(phase1)}), phase 2 d'une PME maintenue (régime SA.40453)"
        )
    is_refused = False

    if phase1 > 0 or eti:
        if dossier.attestation_minimis is None:
            complete = False
            found += dossier.require("attestation_minimis")
        elif not dossier.attestation_minimis:
            why = "pour une ETI" if eti else "pour la phase 1"
            found.append(
                finding(
                    "S06",
                    dossier.at("attestation_minimis"),
                    num,
                    found="Non",
                    why=why,
                    refused=refused,
                )
            )
            is_refused = True

    if part > 0:
        prior = dossier.aides_minimis_3_ans
        if prior is None:
            complete = False
            found += dossier.require("aides_minimis_3_ans")
        elif prior + part > params.de_minimis_ceiling:
            found.append(
                finding(
                    "S07",
                    dossier.at("aides_minimis_3_ans"),
                    num,
                    prior=french.eur(prior),
                    part=french.eur(part),
                    found=french.eur(prior + part),
                    ceiling=french.eur(params.de_minimis_ceiling),
                    # « 3 exercices fiscaux »: the regulation is named by the citation.
                    period=params.de_minimis_period.split(" (")[0],
                    citation=_article(params.citation("de_minimis_ceiling")),
                    refused=refused,
                )
            )
            is_refused = True
    # What is left of each phase, counted as it is here: the one definition of what is awarded.
    facts = {"counted": True, "de_minimis_ok": not is_refused, "sme": category is Category.PME}
    left1 = phase1 if AWARDED_PHASE1.holds(facts) else ZERO
    left2 = phase2 if AWARDED_PHASE2.holds(facts) else ZERO
    return DeMinimis(part, left1, left2, is_refused, tuple(found), complete)


def category_without_aid(category: Category, params: Parameters) -> str | None:
    """Why a company of `category` can get no aid at all, or None for a PME or an ETI.

    [§Critères d'éligibilité, Taille] (E03): the programme supports PME and ETI only, so there is
    no part under de minimis to check for a larger company: no aid is granted at all.
    """
    if category in (Category.PME, Category.ETI):
        return None
    return (
        f"Catégorie « {category} » : ni PME ni ETI, aucune aide ne peut être accordée ; le "
        f"parcours est réservé aux entreprises de moins de "
        f"{french.number(params.eti_employees_below)} salariés"
    )
