"""What Excel shows of the IDF_* functions: each argument's French description, and the
French names IDF_PARAMETRE accepts beside the programme file's own names."""

from __future__ import annotations

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
