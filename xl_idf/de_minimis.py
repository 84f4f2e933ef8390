"""De minimis (S06, S07): the attestation, and the ceiling on aid under the de minimis rules.

[§Éléments à prévoir]: an attestation is required for any phase 1 subsidy and, in any case, for
an ETI. [§Références légales]: phase 1 (and phase 2 for an ETI) is de minimis aid; an SME's
phase 2 falls under the block-exempted scheme SA.40453 (consulting aid for SMEs), not de minimis.
The ceiling is the one in force on the dossier's date (Reg. 1407/2013, then Reg. 2023/2831).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from xl_idf import french
from xl_idf.catalogue import finding
from xl_idf.eligibility import Category
from xl_idf.findings import Finding
from xl_idf.money import ZERO
from xl_idf.programme import Parameters
from xl_idf.records import Dossier


@dataclass(frozen=True)
class DeMinimis:
    """The de minimis part of the subsidy, and what the checks found."""

    part: Decimal
    findings: tuple[Finding, ...]
    complete: bool = True


def de_minimis_part(category: Category | None, phase1: Decimal, phase2: Decimal) -> Decimal:
    """The part of the subsidy granted as de minimis aid: phase 1, plus phase 2 for an ETI."""
    return phase1 + (phase2 if category is Category.ETI else ZERO)


def check_de_minimis(
    dossier: Dossier,
    category: Category | None,
    phase1: Decimal,
    phase2: Decimal,
    params: Parameters,
) -> DeMinimis:
    """S06-S07 for the subsidy (phase1, phase2) of a dossier, under the ceiling of `params.on`."""
    found: list[Finding] = []
    complete = True
    num = dossier.numero
    part = de_minimis_part(category, phase1, phase2)

    if phase1 > 0 or category is Category.ETI:
        if dossier.attestation_minimis is None:
            complete = False
            if "attestation_minimis" not in dossier.unreadable:
                found.append(dossier.missing("attestation_minimis"))
        elif not dossier.attestation_minimis:
            why = "pour une ETI" if category is Category.ETI else "pour la phase 1"
            found.append(
                finding("S06", dossier.at("attestation_minimis"), num, found="Non", why=why)
            )

    if part > 0:
        prior = dossier.aides_minimis_3_ans
        if prior is None:
            complete = False
            if "aides_minimis_3_ans" not in dossier.unreadable:
                found.append(dossier.missing("aides_minimis_3_ans"))
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
                    period=params.de_minimis_period,
                )
            )
    return DeMinimis(part=part, findings=tuple(found), complete=complete)
