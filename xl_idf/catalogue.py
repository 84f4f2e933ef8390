"""The catalogue of rules: every finding code with its severity, French title, message and source.

The codes are stable (SPEC section 3); `xl-idf rules` prints this table. Messages are templates
whose fields the rule fills with the value found and the value expected, already formatted.
The eligibility and expense rules are here; the money rules (subsidy, de minimis, payments) are
in `xl_idf.catalogue_money`, the format and cross-file ones in `xl_idf.catalogue_format`.
"""

from __future__ import annotations

from xl_idf.catalogue_format import FORMAT_RULES
from xl_idf.catalogue_money import MONEY_RULES
from xl_idf.findings import Finding, Location, Rule, Severity, made

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

_ELIGIBILITY_AND_EXPENSES: tuple[Rule, ...] = (
    # Eligibility of a dossier.
    Rule(
        "E01",
        E,
        "Activité non industrielle",
        "[§Entreprises éligibles] « activité principale de production, de fabrication ou de "
        "transformation »",
        "Entreprise sans activité industrielle (Activité industrielle = {found}) : le parcours "
        "est réservé aux activités de production, de fabrication ou de transformation",
        blocking=True,
    ),
    Rule(
        "E02",
        E,
        "Association non éligible",
        "[§Entreprises éligibles] « au titre de l'ESS, les associations sont éligibles si elles "
        "ont un agrément […] ou si le compte de résultat de la structure fait apparaître […] "
        "de recettes issues de la production de biens ou services »",
        "Association sans agrément {approvals} (agrément : {approval}) et avec {found} de "
        "recettes issues de la production, {expected} au moins attendus",
        blocking=True,
        parameters=("ess_approvals", "ess_min_production_revenue_share"),
    ),
    Rule(
        "E03",
        E,
        "Effectif trop élevé",
        "[§Critères d'éligibilité, Taille] PME et entreprises de taille intermédiaire",
        "Effectif de {found} salariés : le parcours est réservé aux entreprises de moins de "
        "{limit} salariés",
        blocking=True,
        parameters=("pme_employees_below", "eti_employees_below"),
    ),
    Rule(
        "E04",
        E,
        "Premier bilan trop court",
        "[§Critères d'éligibilité, Autres critères] « entreprises disposant d'un 1er bilan "
        "d'activité »",
        "Premier bilan de {found} mois : {expected} mois minimum",
        blocking=True,
        parameters=("first_balance_sheet_min_months",),
    ),
    Rule(
        "E05",
        E,
        "Établissement hors région",
        "[§Critères d'éligibilité, Autres critères] « l'établissement concerné par "
        "l'accompagnement est situé sur le territoire de la région »",
        "Établissement dans le département « {found} », hors de la région {region} "
        "(départements : {expected})",
        blocking=True,
        parameters=("region_name", "region_departments"),
    ),
    Rule(
        "E06",
        E,
        "Entreprise en difficulté",
        "[§Critères d'éligibilité, Autres critères] « entreprises n'étant pas en difficulté au "
        "sens de la réglementation européenne »",
        "Entreprise déclarée en difficulté au sens de la réglementation européenne "
        "(En difficulté = {found}) : non éligible",
        blocking=True,
    ),
    Rule(
        "E07",
        E,
        "Obligations fiscales et sociales non à jour",
        "[§Critères d'éligibilité, Autres critères] « à jour de leurs obligations fiscales et "
        "sociales »",
        "Entreprise non à jour de ses obligations fiscales et sociales "
        "(À jour fiscal et social = {found}) : non éligible",
        blocking=True,
    ),
    Rule(
        "E08",
        E,
        "Dépôt hors de la période du programme",
        "[§Présentation du dispositif] « Le parcours régional Industrie du Futur est mobilisable "
        "jusqu'au » terme de la période du programme",
        "Dossier déposé le {found}, hors de la période du programme (du {start} au {end})",
        blocking=True,
        parameters=("period_start", "period_end"),
    ),
    Rule(
        "E09",
        E,
        "Prestataire non référencé",
        "[§Au près de quel organisme] « parmi les cabinets référencés ci-dessous »",
        "Prestataire « {found} » non référencé par la Région (prestataires référencés : "
        "{expected}){suggestion}",
        blocking=True,
        parameters=("providers", "provider_aliases", "legal_forms"),
    ),
    Rule(
        "E10",
        W,
        "Code NAF hors industrie manufacturière",
        "[§Entreprises éligibles] activité industrielle ; INSEE NAF rév. 2, section C",
        "Code NAF {found} hors de l'industrie manufacturière (divisions {first} à {last}) alors "
        "qu'une activité industrielle est déclarée : à vérifier",
        parameters=("industry_naf_divisions",),
    ),
    Rule(
        "E11",
        W,
        "Code postal hors du département",
        "[§Critères d'éligibilité, Autres critères] localisation de l'établissement",
        "Code postal {found} hors du département déclaré « {department} » : à vérifier",
    ),
    Rule(
        "E12",
        E,
        "SIRET invalide",
        "Répertoire SIRENE (INSEE) : SIRET de 14 chiffres, clé de Luhn (exception de La Poste)",
        "SIRET « {found} » invalide : {why}",
        blocking=True,
    ),
    # Expense lines.
    Rule(
        "X01",
        E,
        "Prestation d'un prestataire non référencé",
        "[§Dépenses concernées] « réalisées par […] un prestataire référencé par la Région, "
        "facturées par un prestataire référencé »",
        "Facture du prestataire « {found} », non référencé par la Région : ligne "
        "exclue{suggestion}",
        parameters=("providers", "provider_aliases", "legal_forms"),
    ),
    Rule(
        "X02",
        INFO,
        "Dépense plafonnée",
        "[§Dépenses concernées] « plafonnées à […] € HT/ jour tous frais compris »",
        "Facture de {amount} pour {days}, au-dessus du plafond de {cap} par jour : "
        "{capped} retenus",
        parameters=("daily_cap",),
    ),
    Rule(
        "X03",
        W,
        "Dépense postérieure à la date limite",
        "[§Dépenses concernées] « Les dépenses postérieures au […] ne sont pas prises en compte »",
        "{what} le {found}, après le {limit} : ligne exclue",
        parameters=("last_expense_date",),
    ),
    Rule(
        "X04",
        E,
        "Prestation hors région",
        "[§Dépenses concernées] « Les prestations devront se dérouler sur le territoire de la "
        "région »",
        "Prestation réalisée dans le département « {found} », hors de la région {region} : "
        "ligne exclue",
        parameters=("region_name", "region_departments"),
    ),
    Rule(
        "X05",
        E,
        "Jours ou montant non positif",
        "[§Dépenses concernées] dépenses de conseil facturées par jour de prestation",
        "{column} = {found} : une valeur strictement positive est attendue ; ligne exclue",
    ),
    Rule(
        "X06",
        E,
        "Dossier inconnu",
        "[§Dépenses concernées] une dépense se rattache à un dossier déposé",
        "N° dossier « {found} » absent de la feuille Dossiers : ligne exclue",
    ),
    Rule(
        "X07",
        E,
        "Facture en double",
        "[§Modalités de versement] « Le versement est proportionnel au prorata des dépenses "
        "justifiées » : une facture n'est justifiée qu'une fois",
        "Facture n° {invoice} du prestataire « {provider} » déjà saisie en {first} : doublon exclu",
    ),
    Rule(
        "X08",
        W,
        "Prestataire différent de celui du dossier",
        "[§Au près de quel organisme] « L'accompagnement […] sera réalisé par l'un des "
        "prestataires référencés »",
        "Ligne facturée par « {found} » alors que le dossier est suivi par « {expected} »",
    ),
    Rule(
        "X09",
        W,
        "Dépense antérieure au programme",
        "[§Présentation du dispositif] la période du programme",
        "{what} le {found}, avant le début du programme le {start} : ligne exclue",
        parameters=("period_start",),
    ),
    Rule(
        "X10",
        INFO,
        "Dépense non acquittée",
        "[§Dépenses concernées] « Sont éligibles les dépenses de conseil externe acquittées »",
        "Facture sans date d'acquittement : pas encore justifiée, elle ne compte pas pour les "
        "versements",
    ),
)
RULES: tuple[Rule, ...] = (*_ELIGIBILITY_AND_EXPENSES, *MONEY_RULES, *FORMAT_RULES)

CATALOGUE: dict[str, Rule] = {rule.code: rule for rule in RULES}


def finding(code: str, where: Location, dossier: str | None = None, **fields: str) -> Finding:
    """A finding of `code` at `where`, its message filled from `fields`."""
    rule = CATALOGUE[code]
    return made(
        code, rule.severity, rule.message.format(**fields), where.sheet, where.cell, dossier
    )


def is_blocking(found: Finding) -> bool:
    """True for an error that leaves its dossier without subsidy."""
    return found.severity is Severity.ERROR and CATALOGUE[found.code].blocking


def cuts(found: Finding) -> bool:
    """True for a finding that cut an amount of the subsidy or set a part of it to 0."""
    return CATALOGUE[found.code].cuts
