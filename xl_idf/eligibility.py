"""Eligibility of a dossier (E01-E12) and the company's category (PME, ETI).

[§Conditions d'attribution] of the programme text: who may be supported. A criterion whose input
is missing cannot be decided: the dossier is then `incomplete`, never `ineligible` for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError
from stdnum.fr import siret as stdnum_siret

from xl_idf import french
from xl_idf.catalogue import finding, is_blocking
from xl_idf.findings import Finding, Severity
from xl_idf.programme import Parameters
from xl_idf.providers import match_provider, suggestion
from xl_idf.records import NO_APPROVAL, Dossier, LegalForm
from xl_idf.values import fold, match_name


class Category(StrEnum):
    """Size category of a company [§Critères d'éligibilité, Taille]."""

    PME = "PME"
    ETI = "ETI"
    NON_ELIGIBLE = "Non éligible"


class Eligibility(StrEnum):
    """The outcome for a dossier, as the JSON report spells it."""

    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    INCOMPLETE = "incomplete"

    @property
    def french(self) -> str:
        """The outcome as finance staff read it."""
        return {"eligible": "éligible", "ineligible": "non éligible", "incomplete": "incomplet"}[
            self.value
        ]


@dataclass(frozen=True)
class EligibilityResult:
    """The eligibility outcome with the findings that explain it."""

    status: Eligibility
    category: Category | None
    findings: tuple[Finding, ...]

    @property
    def reasons(self) -> tuple[str, ...]:
        """The French reasons why the dossier is not eligible (empty when it is)."""
        return tuple(f.message for f in self.findings if f.severity is Severity.ERROR)


def category(effectif: Decimal | int, params: Parameters) -> Category:
    """PME below the SME threshold, ETI below the ETI threshold, else not eligible [§Taille]."""
    if effectif < params.pme_employees_below:
        return Category.PME
    if effectif < params.eti_employees_below:
        return Category.ETI
    return Category.NON_ELIGIBLE


def _unknown(field_name: str, dossier: Dossier, findings: list[Finding]) -> bool:
    """True when `field_name` is blank or unreadable; a blank one is reported as missing."""
    if getattr(dossier, field_name) is not None:
        return False
    findings += dossier.require(field_name)
    return True


def assess_eligibility(dossier: Dossier, params: Parameters) -> EligibilityResult:
    """E01-E09: whether the dossier meets the programme's criteria [§Conditions d'attribution]."""
    found: list[Finding] = []
    incomplete = False
    num = dossier.numero

    def unknown(name: str) -> bool:
        nonlocal incomplete
        if _unknown(name, dossier, found):
            incomplete = True
            return True
        value = getattr(dossier, name)
        if isinstance(value, int | Decimal) and not isinstance(value, bool) and value < 0:
            # A negative head count or duration is a typing error, not a criterion failed.
            found.append(dossier.negative(name))
            incomplete = True
            return True
        return False

    if not unknown("forme_juridique"):
        if dossier.forme_juridique is LegalForm.ENTREPRISE:
            if not unknown("activite_industrielle") and dossier.activite_industrielle is False:
                found.append(finding("E01", dossier.at("activite_industrielle"), num, found="Non"))
        else:
            incomplete |= _association(dossier, params, found)

    size: Category | None = None
    if not unknown("effectif"):
        assert dossier.effectif is not None
        size = category(dossier.effectif, params)
        if size is Category.NON_ELIGIBLE:
            found.append(
                finding(
                    "E03",
                    dossier.at("effectif"),
                    num,
                    found=french.number(dossier.effectif),
                    limit=french.number(params.eti_employees_below),
                )
            )

    if (
        not unknown("duree_premier_bilan")
        and dossier.duree_premier_bilan is not None
        and dossier.duree_premier_bilan < params.first_balance_sheet_min_months
    ):
        found.append(
            finding(
                "E04",
                dossier.at("duree_premier_bilan"),
                num,
                found=french.number(dossier.duree_premier_bilan),
                expected=french.number(params.first_balance_sheet_min_months),
            )
        )

    if not unknown("departement") and dossier.departement not in params.region_departments:
        found.append(
            finding(
                "E05",
                dossier.at("departement"),
                num,
                found=str(dossier.departement),
                region=params.region_name,
                expected=french.listing(params.region_departments),
            )
        )

    if not unknown("en_difficulte") and dossier.en_difficulte:
        found.append(finding("E06", dossier.at("en_difficulte"), num, found="Oui"))

    if not unknown("a_jour_fiscal_social") and dossier.a_jour_fiscal_social is False:
        found.append(finding("E07", dossier.at("a_jour_fiscal_social"), num, found="Non"))

    if not unknown("date_depot"):
        assert dossier.date_depot is not None
        if not params.period_start <= dossier.date_depot <= params.period_end:
            found.append(
                finding(
                    "E08",
                    dossier.at("date_depot"),
                    num,
                    found=french.day(dossier.date_depot),
                    start=french.day(params.period_start),
                    end=french.day(params.period_end),
                )
            )

    if not unknown("prestataire") and match_provider(dossier.prestataire, params) is None:
        found.append(
            finding(
                "E09",
                dossier.at("prestataire"),
                num,
                found=str(dossier.prestataire),
                expected=french.listing(params.providers),
                suggestion=suggestion(str(dossier.prestataire), params),
            )
        )

    # One definition of « ineligible » for the rule and the dossier: a blocking finding.
    if any(is_blocking(f) for f in found):
        status = Eligibility.INELIGIBLE
    elif incomplete:
        status = Eligibility.INCOMPLETE
    else:
        status = Eligibility.ELIGIBLE
    return EligibilityResult(status=status, category=size, findings=tuple(found))


def _association(dossier: Dossier, params: Parameters, found: list[Finding]) -> bool:
    """E02 for an association; True when it cannot be decided for want of a value."""
    approval = match_name(dossier.agrement_ess, params.ess_approvals)
    if approval is not None:
        return False
    share = dossier.part_recettes_production
    if share is not None and share >= params.ess_min_production_revenue_share * 100:
        return False
    if share is None:
        # Without an approval, only the production revenue share can make it eligible.
        found += dossier.require("part_recettes_production")
        return True
    found.append(
        finding(
            "E02",
            dossier.at("part_recettes_production"),
            dossier.numero,
            approvals=" ou ".join(params.ess_approvals),
            approval=dossier.agrement_ess or NO_APPROVAL,
            found=f"{french.number(share)}\u00a0%",
            expected=french.percent(params.ess_min_production_revenue_share),
        )
    )
    return False


def check_identity(dossier: Dossier, params: Parameters) -> tuple[Finding, ...]:
    """E10-E12: the company's identifiers agree with what it declares."""
    found: list[Finding] = []
    num = dossier.numero
    if dossier.siret is None:
        found += dossier.require("siret")
    else:
        why = _siret_problem(dossier.siret)
        if why:
            found.append(finding("E12", dossier.at("siret"), num, found=dossier.siret, why=why))

    division = _naf_division(dossier.code_naf)
    if (
        dossier.activite_industrielle
        and division is not None
        and division not in params.industry_naf_divisions
    ):
        found.append(
            finding(
                "E10",
                dossier.at("code_naf"),
                num,
                found=str(dossier.code_naf),
                first=params.industry_naf_divisions[0],
                last=params.industry_naf_divisions[-1],
            )
        )

    if (
        dossier.code_postal
        and dossier.departement
        and postal_department(dossier.code_postal) != dossier.departement
    ):
        found.append(
            finding(
                "E11",
                dossier.at("code_postal"),
                num,
                found=dossier.code_postal,
                department=dossier.departement,
            )
        )
    return tuple(found)


def _siret_problem(siret: str) -> str | None:
    """Why a SIRET is not valid, in French; None when it is (La Poste's exception included)."""
    if _plainly_valid(siret):
        return None
    try:
        stdnum_siret.validate(siret)
    except InvalidLength:
        return "14 chiffres attendus"
    except InvalidFormat:
        return "seuls des chiffres sont attendus (14 chiffres)"
    except InvalidChecksum:
        return "clé de contrôle fausse (le numéro comporte une erreur de saisie)"
    except ValidationError:
        return "numéro SIREN ou SIRET invalide"
    return None


def _plainly_valid(siret: str) -> bool:
    """A SIRET of 14 digits whose SIRET and SIREN pass the Luhn check, outside La Poste's
    numbers: what python-stdnum accepts, found without its general cleaning (a tenth of the
    checks' time on a large quarter); any other SIRET goes through python-stdnum."""
    return (
        len(siret) == 14
        and siret.isascii()
        and siret.isdigit()
        and not siret.startswith("356000000")
        and _luhn(siret) == 0
        and _luhn(siret[:9]) == 0
    )


def _luhn(digits: str) -> int:
    """The Luhn checksum of ASCII digits (0 when valid)."""
    return (sum(map(int, digits[::-2])) + sum(_DOUBLED[int(c)] for c in digits[-2::-2])) % 10


_DOUBLED = tuple(sum(divmod(2 * d, 10)) for d in range(10))


def _naf_division(code: str | None) -> str | None:
    """The two-digit division of a NAF code (`25.62B` or `2562B`), or None if it has none."""
    if not code:
        return None
    digits = fold(code).replace(" ", "")
    return digits[:2] if digits[:2].isdigit() else None


def postal_department(postal_code: str) -> str:
    """The department a postal code belongs to: its first two digits, Corsica and overseas aside."""
    if postal_code.startswith("20"):
        # Corsica: 200xx-201xx is Corse-du-Sud, 202xx-206xx Haute-Corse.
        return "2A" if postal_code < "20200" else "2B"
    if postal_code.startswith("97"):
        return postal_code[:3]
    return postal_code[:2]
