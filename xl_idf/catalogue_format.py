"""The catalogue's rules of the workbook's format (F), of the checks across files (C), and of the
checks across quarters against the programme's register (R, `xl-idf validate --registre`)."""

from __future__ import annotations

from xl_idf.findings import Rule, Severity

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

_FORMAT = "Modèle de classeur des prestataires : format des feuilles et des cellules"

FORMAT_RULES: tuple[Rule, ...] = (
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
    # Across quarters (xl-idf validate --registre): the file against the register's earlier ones.
    Rule(
        "R01",
        E,
        "Ligne justifiée disparue ou modifiée",
        "[§Modalités de versement] « Le versement est proportionnel au prorata des dépenses "
        "justifiées » : une dépense justifiée et payée ne change plus",
        "Facture n° {invoice} de « {provider} » justifiée au trimestre {quarter} ({place}) pour "
        "{before} : {now}",
    ),
    Rule(
        "R02",
        E,
        "Facture déjà présentée un trimestre précédent",
        "[§Modalités de versement] « Le versement est proportionnel au prorata des dépenses "
        "justifiées » : une facture n'est justifiée qu'une fois",
        "Facture n° {invoice} déjà présentée au trimestre {quarter} par « {provider} » pour le "
        "dossier « {other} » ({place}) : une facture n'est payée qu'une fois",
    ),
    Rule(
        "R03",
        W,
        "Plafond du parcours dépassé sur plusieurs trimestres",
        "[§Dépenses concernées] plafonds « pour la totalité du parcours d'accompagnement » ; "
        "[§Montant de l'aide] durée de la phase 2",
        "Sur les trimestres {quarters}, {what} : {found} pour un plafond de {cap} sur tout le "
        "parcours ({excess} au-delà) ; dû sous les plafonds du parcours : {journey} (ce fichier "
        "seul : {file})",
        parameters=("total_cap", "phase2_max_days"),
    ),
    Rule(
        "R04",
        E,
        "Versement différent d'un trimestre précédent",
        "[§Modalités de versement] les versements de la Région, enregistrés une fois",
        "Versement « {kind} » du {day} enregistré au trimestre {quarter} ({place}) pour "
        "{before} : {now}",
    ),
    Rule(
        "R05",
        W,
        "Dossier changé depuis le trimestre précédent",
        "[§Critères d'éligibilité] l'entreprise accompagnée, sa taille et son prestataire "
        "référencé",
        "{what} : « {before} » au trimestre {quarter} ({place}), « {now} » ici : à vérifier",
    ),
)
