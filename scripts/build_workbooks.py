"""Build the workbooks of `workbooks/`: the provider template and a sample quarter (2022 Q4).

Run: `python scripts/build_workbooks.py [--output-dir workbooks]`. Both are built from the
programme file; the sample is the template filled as providers would fill it, with a handful
of realistic mistakes for the validator to find (see MISTAKES).
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from stdnum import luhn

from xl_idf.money import cents_down, share
from xl_idf.programme import Parameters, Programme, load_programme
from xl_idf.records import Dossier, ExpenseLine, Payment, PaymentType
from xl_idf.subsidy import compute_subsidy
from xl_idf.template import CellValue, append_rows, build_template

TEMPLATE_FILE = "modele-dossiers-idf.xlsx"
SAMPLE_FILE = "exemple-trimestre-2022T4.xlsx"
UNREFERENCED = "SUD CONSEIL INDUSTRIE"


@dataclass(frozen=True)
class Company:
    """An invented company of the sample: name, activity and where it stands."""

    name: str
    naf: str
    department: str
    postal_code: str
    employees: int
    form: str = "Entreprise"
    approval: str = "Aucun"


COMPANIES = [
    Company("Fonderie du Lauragais", "24.51Z", "11", "11400", 64),
    Company("Mécanique de Précision Aveyronnaise", "25.62B", "12", "12000", 38),
    Company("Ateliers Garonne Composites", "22.29A", "31", "31200", 112),
    Company("Plasturgie du Tarn", "22.29A", "81", "81100", 47),
    Company("Conserverie des Pyrénées", "10.39A", "65", "65000", 29),
    Company("Tôlerie Industrielle Gardoise", "25.11Z", "30", "30100", 55),
    Company("Chaudronnerie de l'Hérault", "25.29Z", "34", "34500", 41),
    Company("Lozère Bois Construction", "16.23Z", "48", "48000", 18),
    Company("Textiles du Quercy", "13.92Z", "46", "46000", 73),
    Company("Électronique Occitane Systèmes", "26.11Z", "31", "31100", 186),
    Company("Salaisons de Lacaune", "10.13A", "81", "81230", 92),
    Company("Céramiques Catalanes", "23.41Z", "66", "66000", 24),
    Company("Usinage Gersois", "25.62A", "32", "32000", 33),
    Company("Cartonnerie de Montauban", "17.21A", "82", "82000", 140),
    Company("Aéro Structures Blagnac", "30.30Z", "31", "31700", 620),
    Company("Laiterie des Causses", "10.51A", "12", "12100", 58),
    Company("Verrerie Ariégeoise", "23.13Z", "09", "09000", 67),
    Company("Imprimerie Nîmoise", "18.12Z", "30", "30000", 26),
    Company("Métallerie Biterroise", "25.11Z", "34", "34500", 19),
    Company("Atelier Protégé du Minervois", "32.99Z", "11", "11100", 45, "Association", "EA"),
    Company("Moulages Techniques Pyrénéens", "22.29B", "65", "65100", 81),
    Company("Menuiserie Industrielle du Comminges", "16.23Z", "31", "31800", 36),
    Company("Chimie Fine de Sète", "20.59Z", "34", "34200", 154),
    Company("Robotique Albigeoise", "28.99B", "81", "81000", 22),
    Company("Brasserie du Canigou", "11.05Z", "66", "66500", 14),
    Company("Forges de Castelsarrasin", "25.50A", "82", "82100", 97),
    Company("Provence Emballages", "17.21B", "13", "13090", 76),
    Company("Confiserie Lotoise", "10.82Z", "46", "46100", 31),
    Company("Granulats et Bétons du Gers", "23.63Z", "32", "32500", 310),
    Company("Maroquinerie de Millau", "15.12Z", "12", "12100", 52),
]

# The sample's deliberate mistakes: dossier number -> what is wrong (the validator must say it).
MISTAKES = {
    "IDF-2022-004": "amount typed as text « 6 000,00 € » on its phase 1 invoice (F05)",
    "IDF-2022-006": "a phase 2 invoice above the daily cap (X02)",
    "IDF-2022-008": "equity below the subsidy (S04)",
    "IDF-2022-009": "a phase 2 invoice dated January 2023 (X03)",
    "IDF-2022-013": "SIRET with a wrong check digit (E12)",
    "IDF-2022-016": "de minimis attestation missing (S06)",
    "IDF-2022-024": "an unreferenced provider (E09, X01)",
    "IDF-2022-027": "an establishment outside Occitanie (E05)",
}


def siret(rng: random.Random) -> str:
    """A SIRET whose SIREN and whole number both pass the Luhn check."""
    siren = "".join(rng.choice("0123456789") for _ in range(8))
    siren += luhn.calc_check_digit(siren)
    nic = "".join(rng.choice("0123456789") for _ in range(4))
    return siren + nic + luhn.calc_check_digit(siren + nic)


def wrong_check_digit(number: str) -> str:
    """The same SIRET with its last digit changed, so the Luhn check fails."""
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def sample_rows(
    params: Parameters,
) -> tuple[list[dict[str, CellValue]], list[dict[str, CellValue]], list[dict[str, CellValue]]]:
    """The sample quarter's dossiers, invoice lines and payments, as providers type them."""
    rng = random.Random(2022)
    dossiers: list[dict[str, CellValue]] = []
    lines: list[dict[str, CellValue]] = []
    payments: list[dict[str, CellValue]] = []
    providers = params.providers
    for index, company in enumerate(COMPANIES, start=1):
        number = f"IDF-2022-{index:03d}"
        provider = UNREFERENCED if number == "IDF-2022-024" else providers[index % len(providers)]
        filed = date(2022, 1, 10) + timedelta(days=7 * index + rng.randrange(5))
        daily = Decimal(rng.choice((950, 1000, 1050, 1100, 1150, 1200)))
        days1 = params.phase1_max_days
        days2 = Decimal(rng.choice((0, 10, 12, 15, 18, 20, 25)))
        if number in ("IDF-2022-006", "IDF-2022-009"):
            days2 = Decimal(15)  # their mistakes are on phase 2 invoices
        equity = Decimal(rng.randrange(40, 900) * 1000)
        if number == "IDF-2022-008":
            equity = Decimal("9000.00")
        row: dict[str, CellValue] = {
            "numero": number, "raison_sociale": company.name, "siret": siret(rng),
            "code_naf": company.naf, "forme_juridique": company.form,
            "activite_industrielle": "Oui", "agrement_ess": company.approval,
            "effectif": company.employees, "duree_premier_bilan": 12 + rng.randrange(48),
            "departement": company.department, "code_postal": company.postal_code,
            "en_difficulte": "Non", "a_jour_fiscal_social": "Oui", "fonds_propres": equity,
            "prestataire": provider, "date_depot": filed,
            "aides_minimis_3_ans": Decimal(rng.choice((0, 0, 15000, 42000, 80000))),
            "attestation_minimis": "Non" if number == "IDF-2022-016" else "Oui",
            "jours_p1": days1, "montant_p1": daily * days1,
            "jours_p2": days2 or None, "montant_p2": daily * days2 if days2 else None,
        }  # fmt: skip
        if number == "IDF-2022-013":
            row["siret"] = wrong_check_digit(str(row["siret"]))
        dossiers.append(row)

        start = filed + timedelta(days=30)
        invoices = [(1, days1, start)]
        remaining, when = days2, start + timedelta(days=60)
        while remaining > 0:
            part = min(remaining, Decimal(rng.choice((5, 8, 10))))
            invoices.append((2, part, when))
            remaining -= part
            when += timedelta(days=45)
        last_day = params.last_expense_date
        for n, (phase, days, planned) in enumerate(invoices, start=1):
            served = min(planned, last_day - timedelta(days=25))
            amount: CellValue = daily * days
            if number == "IDF-2022-006" and phase == 2 and n == 2:
                amount = Decimal(1350) * days
            if number == "IDF-2022-009" and n == len(invoices):
                served = last_day + timedelta(days=12)
            if number == "IDF-2022-004" and phase == 1:
                amount = "6 000,00 €"
            invoiced = served + timedelta(days=rng.randrange(3, 20))
            paid = invoiced + timedelta(days=30)
            lines.append({
                "dossier": number, "phase": phase, "prestataire": provider,
                "numero_facture": f"{provider[:4].upper()}-{index:03d}-{n:02d}",
                "date_prestation": served, "date_facture": invoiced,
                "jours": days, "montant_ht": amount,
                "departement_prestation": company.department,
                "date_acquittement": paid if paid <= last_day else None,
            })  # fmt: skip

        if index <= 12 and number not in MISTAKES:
            quote = compute_subsidy(_quote(row), params)
            payments.append({
                "dossier": number, "type": PaymentType.PHASE1.value,
                "date_versement": start + timedelta(days=75), "montant": quote.phase1,
            })  # fmt: skip
            if index <= 5 and quote.phase2 > 0:
                payments.append({
                    "dossier": number, "type": PaymentType.ADVANCE_PHASE2.value,
                    "date_versement": start + timedelta(days=90),
                    "montant": share(params.phase2_advance_max_rate, quote.phase2),
                })  # fmt: skip
    return dossiers, lines, payments


def _quote(row: dict[str, CellValue]) -> Dossier:
    """The quote of a sample row, to compute the payments the Région recorded."""

    def money(name: str) -> Decimal | None:
        value = row.get(name)
        return cents_down(Decimal(value)) if isinstance(value, Decimal) else None

    return Dossier(
        jours_p1=money("jours_p1"), montant_p1=money("montant_p1"), jours_p2=money("jours_p2"),
        montant_p2=money("montant_p2"), fonds_propres=money("fonds_propres"),
    )  # fmt: skip


def build_sample(programme: Programme) -> Workbook:
    """The template filled with the sample quarter."""
    workbook = build_template(programme)
    dossiers, lines, payments = sample_rows(programme.at(programme.reference_day))
    append_rows(workbook, Dossier, dossiers)
    append_rows(workbook, ExpenseLine, lines)
    append_rows(workbook, Payment, payments)
    workbook.properties.title = (
        "Exemple de trimestre 2022 T4 — Parcours régional Industrie du futur"
    )
    return workbook


def main() -> None:
    """Write the template and the sample quarter."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output-dir", type=Path, default=Path(__file__).parents[1] / "workbooks")
    parser.add_argument("--programme", default=None, help="programme id or TOML path")
    args = parser.parse_args()
    programme = load_programme(args.programme) if args.programme else load_programme()
    args.output_dir.mkdir(parents=True, exist_ok=True)
    build_template(programme).save(args.output_dir / TEMPLATE_FILE)
    build_sample(programme).save(args.output_dir / SAMPLE_FILE)
    print(f"Écrit : {args.output_dir / TEMPLATE_FILE}, {args.output_dir / SAMPLE_FILE}")


if __name__ == "__main__":
    main()
