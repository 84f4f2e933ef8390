"""The catalogue's money rules: the subsidy on the quote, de minimis, and the payments (S, P)."""

from __future__ import annotations

from xl_idf.findings import Rule, Severity

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

MONEY_RULES: tuple[Rule, ...] = (
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
)
