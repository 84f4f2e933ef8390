"""The catalogue of rules: every finding code with its severity, French title, message and source.

The codes are stable (SPEC section 3); `xl-idf rules` prints this table. Messages are templates
whose fields the rule fills with the value found and the value expected, already formatted.
"""

from __future__ import annotations

import string
from dataclasses import KW_ONLY, dataclass

from xl_idf.findings import Finding, Location, Severity

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

_FORMAT = "Modèle de classeur des prestataires : format des feuilles et des cellules"


@dataclass(frozen=True)
class Rule:
    """One code of the catalogue."""

    code: str
    severity: Severity
    title: str
    citation: str
    message: str
    _: KW_ONLY
    parameters: tuple[str, ...] = ()  # the programme parameters the rule reads
    blocking: bool = False  # an error of this code leaves the dossier without subsidy
    cuts: bool = False  # the code cuts an amount of the subsidy, or sets a part of it to 0

    @property
    def fields(self) -> set[str]:
        """The names the message template needs."""
        return {name for _, name, _, _ in string.Formatter().parse(self.message) if name}


RULES: tuple[Rule, ...] = (
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
    # Subsidy on the quote.
    Rule(
        "S01",
        E,
        "Phase 1 sous la durée minimale",
        "[§Pour quelle durée ?] « Les prestations devront se dérouler sur une durée minimum »",
        "Phase 1 prévue sur {found} : {expected} minimum",
        blocking=True,
        parameters=("min_days",),
    ),
    Rule(
        "S02",
        W,
        "Durée de phase plafonnée",
        "[§Montant de l'aide] « 1ère phase de diagnostic/accompagnement court », « 2ème phase "
        "d'accompagnement long sur mesure jusqu'à » un nombre de jours",
        "Phase {phase} prévue sur {found} : {expected} au plus sont retenus dans la base",
        parameters=("phase1_max_days", "phase2_max_days", "daily_cap"),
        cuts=True,
    ),
    Rule(
        "S03",
        INFO,
        "Plafond du parcours appliqué",
        "[§Dépenses concernées] « plafonnées à […] € HT tous frais compris pour la totalité du "
        "parcours d'accompagnement »",
        "Bases des deux phases {found}, au-dessus du plafond du parcours de {cap} : base de la "
        "phase {phase} ramenée de {before} à {after}",
        parameters=("total_cap",),
        cuts=True,
    ),
    Rule(
        "S04",
        INFO,
        "Plafond des fonds propres appliqué",
        "[§Montant de l'aide] « Le montant de la subvention ne peut pas excéder le montant des "
        "fonds propres de l'entreprise »",
        "Subvention de {found}, au-dessus des fonds propres de {equity} : ramenée à {after} "
        "({cut} ; la phase 2 est réduite d'abord)",
        parameters=("phase1_rate", "phase2_rate"),
        cuts=True,
    ),
    Rule(
        "S05",
        E,
        "Phase 2 sans phase 1",
        "[§Montant de l'aide] la 2ème phase fait suite à la 1ère phase de diagnostic",
        "Phase 2 prévue ({found}) sans phase 1 : le parcours commence par le diagnostic",
        blocking=True,
    ),
    Rule(
        "S06",
        E,
        "Attestation de minimis manquante",
        "[§Éléments à prévoir] « Pour la phase 1 […] et en tout état de cause pour les ETI, il "
        "faut fournir une attestation de minimis »",
        "Attestation de minimis = {found} : elle est exigée {why} ; {refused}",
        parameters=("pme_employees_below",),
        cuts=True,
    ),
    Rule(
        "S07",
        E,
        "Plafond de minimis dépassé",
        "[§Références légales] règlements de minimis ; régime SA.40453 (aides au conseil en "
        "faveur des PME) pour la phase 2 des PME",
        "De minimis : {prior} déjà reçus + {part} du dossier = {found}, au-dessus du plafond "
        "de {ceiling} sur {period} ({citation}) ; {refused}",
        parameters=("de_minimis_ceiling", "de_minimis_period", "pme_employees_below"),
        cuts=True,
    ),
    Rule(
        "S08",
        W,
        "Fonds propres nuls ou négatifs",
        "[§Montant de l'aide] « ne peut pas excéder le montant des fonds propres »",
        "Fonds propres de {found} : aucune subvention possible (entreprise peut-être en "
        "difficulté, à vérifier)",
        cuts=True,
    ),
    Rule(
        "S09",
        INFO,
        "Devis au-dessus du plafond journalier",
        "[§Dépenses concernées] « plafonnées à […] € HT/ jour tous frais compris »",
        "Phase {phase} prévue à {amount} pour {days}, au-dessus du plafond de {cap} par jour : "
        "base ramenée à {capped}",
        parameters=("daily_cap",),
        cuts=True,
    ),
    # Payments on justified expenses.
    Rule(
        "P01",
        INFO,
        "Rien n'est dû avant la durée minimale justifiée",
        "[§Modalités de versement] « Le versement est proportionnel au prorata des dépenses "
        "justifiées, sur la base d'une prestation de […] jours minimum »",
        "Jours justifiés : {found}, {expected} au minimum : rien n'est encore dû sur les dépenses "
        "justifiées (phase 1 et solde à 0, acompte {advance})",
        parameters=("min_days",),
    ),
    Rule(
        "P02",
        INFO,
        "Versement de la phase 1 limité aux dépenses justifiées",
        "[§Modalités de versement] « phase 1: un versement unique à l'issue de la phase 1 » ; "
        "« proportionnel au prorata des dépenses justifiées »",
        "Phase 1 : dépenses justifiées retenues {found}, versement de {payment} pour une "
        "subvention de {subsidy}",
        parameters=("phase1_rate", "phase1_max_days"),
    ),
    Rule(
        "P03",
        E,
        "Acompte de la phase 2 trop élevé",
        "[§Modalités de versement] « un acompte maximum de […] de la subvention au titre de la "
        "phase 2 »",
        "Acompte de la phase 2 versé {found}, au-dessus de {rate} de la subvention de la "
        "phase 2 ({expected}) : il a été versé et reste l'acompte dû ; l'excédent est à "
        "régulariser",
        parameters=("phase2_advance_max_rate",),
    ),
    Rule(
        "P04",
        W,
        "Solde de la phase 2 négatif",
        "[§Modalités de versement] « le solde à l'issue de la phase 2 » ; « proportionnel au "
        "prorata des dépenses justifiées »",
        "Solde de la phase 2 négatif : {found} (phase 2 due sur les dépenses justifiées {due}, "
        "{advance}) ; {consequence}",
        parameters=("phase2_rate", "phase2_advance_max_rate"),
    ),
    Rule(
        "P05",
        E,
        "Versements au-delà de la subvention",
        "[§Modalités de versement] « un versement unique à l'issue de la phase 1 » ; versements "
        "dans la limite de la subvention",
        "{what} : {found} enregistrés, {expected} au plus",
    ),
    Rule(
        "P06",
        W,
        "Versé au-delà du montant dû",
        "[§Modalités de versement] « Le versement est proportionnel au prorata des dépenses "
        "justifiées »",
        "{what} : {paid} déjà versés pour {due} dus à ce jour, reste à verser {remaining} : "
        "versé en trop, à reverser si les dépenses justifiées n'augmentent pas",
    ),
    # Format of the workbook.
    Rule("F01", E, "Fichier illisible", _FORMAT, "Fichier illisible : {why}"),
    Rule("F02", E, "Feuille manquante", _FORMAT, "Feuille « {sheet} » introuvable"),
    Rule(
        "F03",
        E,
        "Colonne manquante",
        _FORMAT,
        "Colonne « {column} » introuvable dans la feuille « {sheet} »",
    ),
    Rule("F04", E, "Valeur invalide", _FORMAT, "{column} : {why}"),
    Rule("F05", W, "Valeur lue avec tolérance", _FORMAT, "{column} : {note}"),
    Rule(
        "F06",
        E,
        "N° dossier en double",
        _FORMAT,
        "N° dossier « {found} » sur plusieurs lignes (aussi en {others}) : aucune n'est payée, "
        "ni ses prestations ni ses versements, tant que le doublon n'est pas corrigé",
        blocking=True,
    ),
    Rule(
        "F07",
        E,
        "Valeur obligatoire manquante",
        _FORMAT,
        "Valeur manquante dans « {column} » : {consequence}",
    ),
    # Across files (xl-idf validate on several workbooks).
    Rule(
        "C01",
        E,
        "Facture présente dans deux fichiers",
        "[§Modalités de versement] « Le versement est proportionnel au prorata des dépenses "
        "justifiées » : une facture n'est justifiée qu'une fois",
        "Facture n° {invoice} du prestataire « {provider} » déjà présente dans {first} : "
        "une facture n'est payée qu'une fois",
    ),
    Rule(
        "C02",
        W,
        "Même entreprise sous deux numéros de dossier",
        "[§Dépenses concernées] plafonds « pour la totalité du parcours d'accompagnement »",
        "SIRET {siret} déjà suivi sous le dossier « {first_dossier} » ({first}) et ici ({here}) : "
        "les plafonds valent pour tout le parcours de l'entreprise, à vérifier",
    ),
    Rule(
        "F08",
        E,
        "Formule sans valeur calculée",
        _FORMAT,
        "{column} : la cellule contient une formule qui n'a jamais été calculée ; ouvrir le "
        "classeur dans Excel ou LibreOffice et l'enregistrer, ou saisir la valeur",
    ),
    Rule(
        "F09",
        W,
        "Classeur sans dossier",
        _FORMAT,
        "Aucun dossier dans la feuille « {sheet} » : classeur vide ou mal rempli ?",
    ),
)

CATALOGUE: dict[str, Rule] = {rule.code: rule for rule in RULES}


def finding(code: str, where: Location, dossier: str | None = None, **fields: str) -> Finding:
    """A finding of `code` at `where`, its message filled from `fields`."""
    rule = CATALOGUE[code]
    return Finding(
        code=code,
        severity=rule.severity,
        message=rule.message.format(**fields),
        sheet=where.sheet,
        cell=where.cell,
        dossier=dossier,
    )


def is_blocking(found: Finding) -> bool:
    """True for an error that leaves its dossier without subsidy."""
    return found.severity is Severity.ERROR and CATALOGUE[found.code].blocking


def cuts(found: Finding) -> bool:
    """True for a finding that cut an amount of the subsidy or set a part of it to 0."""
    return CATALOGUE[found.code].cuts
