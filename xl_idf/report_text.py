"""The validation report for people and spreadsheets: the French table printed on the terminal,
and CSV (one row per finding, or one per dossier) for a spreadsheet (SPEC 4.3). The JSON report,
the contract, is written by `xl_idf.report`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from xl_idf import french
from xl_idf.eligibility import Eligibility
from xl_idf.findings import Severity
from xl_idf.payments import NOTHING
from xl_idf.report import DossierSummary, Report, money

CSV_HEADER = ("fichier", "feuille", "cellule", "dossier", "code", "gravité", "message")


def as_text(value: str | None) -> str:
    """A cell's text that a spreadsheet will not run as a formula (SPEC section 5)."""
    text = value or ""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(report: Report) -> str:
    """One row per finding."""
    return _csv(
        CSV_HEADER,
        (
            [as_text(file.path), as_text(f.sheet), f.cell or "", as_text(f.dossier), f.code,
             f.severity.french, as_text(f.message)]
            for file in report.files
            for f in file.findings
        ),
    )  # fmt: skip


def _csv(header: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    """A header and its rows, `;`-separated as French spreadsheets expect."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


DOSSIERS_CSV_HEADER = (
    "fichier", "statut du fichier", "dossier", "ligne", "éligibilité", "catégorie",
    "subvention phase 1", "subvention phase 2", "subvention totale",
    *(f"{schedule} {instalment}" for schedule in ("dû", "déjà versé", "reste à verser")
      for instalment in ("phase 1", "acompte phase 2", "solde phase 2")),
    "compté dans les totaux", "motif",
)  # fmt: skip


def _csv_amount(amount: Decimal) -> str:
    """An amount as French Excel reads a number in a CSV: decimal comma, no grouping."""
    return money(amount).replace(".", ",")


def dossiers_csv(report: Report) -> str:
    """One row per dossier: status, eligibility, subsidy, due, paid and remaining, motive."""
    return _csv(
        DOSSIERS_CSV_HEADER,
        (
            [as_text(file.path), file.status.french, as_text(d.dossier), d.row or "",
             d.eligibility.french, d.category or "",
             *map(_csv_amount, (d.subsidy_phase1, d.subsidy_phase2, d.subsidy_total)),
             *(_csv_amount(a) for s in (d.due, d.paid, d.remaining) for _, a in s.items()),
             "oui" if d.counts else "non", as_text(d.motive)]
            for file in report.files
            for d in file.summaries
        ),
    )  # fmt: skip


def to_table(report: Report) -> str:
    """The French report for a terminal: summaries, problems by sheet and row, amounts."""
    lines: list[str] = [f"Programme : {report.programme_id}" + (" (mode strict)" * report.strict)]
    for file in report.files:
        dossiers = file.summaries
        eligible = sum(1 for d in dossiers if d.eligibility is Eligibility.ELIGIBLE)
        total = sum((d.subsidy_total for d in dossiers if d.counts), Decimal(0))
        lines += [
            "",
            f"== {file.path} : {file.status.french}",
            f"   {french.count(len(dossiers), 'dossier')}, "
            f"{french.count(eligible, 'éligible')} ; "
            f"{french.count(file.count(Severity.ERROR), 'erreur')}, "
            f"{french.count(file.count(Severity.WARNING), 'avertissement')}, "
            f"{french.count(file.count(Severity.INFO), 'information')} ; "
            f"subvention totale {french.eur(total)}",
        ]
        if file.findings:
            lines.append("   Problèmes :")
        for f in file.findings:
            where = f"{f.sheet}!{f.cell}" if f.cell else (f.sheet or "fichier")
            dossier = f" [{f.dossier}]" if f.dossier else ""
            lines.append(f"   {where:<16} {f.code} {f.severity.french:<13}{dossier} {f.message}")
        lines += _subsidy_table(dossiers)
        lines += _payment_table(dossiers)
    s = report.summary
    lines += [
        "",
        f"Total : {french.count(s['files'], 'fichier')} ({french.count(s['valid'], 'valide')}, "
        f"{s['invalid']} à corriger, {french.count(s['unreadable'], 'illisible')}) ; "
        f"{french.count(s['errors'], 'erreur')}, "
        f"{french.count(s['warnings'], 'avertissement')}.",
        f"Entreprises distinctes : {report.companies} pour un objectif de "
        f"{french.count(report.params.target_companies, 'entreprise')}.",
    ]
    return "\n".join(lines) + "\n"


def _subsidy_table(dossiers: Iterable[DossierSummary]) -> list[str]:
    """Each dossier's subsidy, and why it gets less than its quote (« Motif »)."""
    rows = list(dossiers)
    if not rows:
        return []
    lines = [
        "   Subventions :",
        "   Dossier         Éligibilité   Cat.     Subv. phase 1   Subv. phase 2     "
        "Subv. totale  Motif",
    ]
    for d in rows:
        amounts = (d.subsidy_phase1, d.subsidy_phase2, d.subsidy_total)
        lines.append(
            f"   {d.dossier:<15} {d.eligibility.french:<13} {d.category or '-':<5} "
            + " ".join(f"{french.eur(a):>15}" for a in amounts)
            + (f"  {d.motive}" if d.motive else "")
        )
    return lines


_INSTALMENTS = ("Phase 1", "Acompte phase 2", "Solde phase 2")


def _payment_table(dossiers: Iterable[DossierSummary]) -> list[str]:
    """Per instalment: planned on the quote, due to date, already paid, remaining to pay."""
    rows = [d for d in dossiers if any((d.planned.total, d.due.total, d.paid.total))
            or d.remaining != NOTHING]  # fmt: skip
    if not rows:
        return []
    lines = [
        "   Versements (« Reste à verser » négatif : versé en trop, à reverser) :",
        "   Dossier         Versement              Prévu              Dû      Déjà versé  "
        "Reste à verser",
    ]
    for d in rows:
        label = d.dossier
        for index, name in enumerate(_INSTALMENTS):
            amounts = [s.items()[index][1] for s in (d.planned, d.due, d.paid, d.remaining)]
            if not any(amounts):
                continue
            lines.append(
                f"   {label:<15} {name:<16} " + " ".join(f"{french.eur(a):>15}" for a in amounts)
            )
            label = ""
    return lines
