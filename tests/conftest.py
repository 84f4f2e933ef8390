"""Builders shared by the tests: a valid dossier, line and payment, changed one field at a time."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from postgres_server import Server, server_binaries

from xl_idf.programme import Parameters, Programme, load_programme
from xl_idf.records import Dossier, ExpenseLine, LegalForm, Payment, PaymentType

D = Decimal
TESTS = Path(__file__).parent

# LibreOffice opens the workbooks as a user's spreadsheet program would. Where it is absent the
# tests that need it are skipped with this reason; under CI (`CI` set) they run, and fail.
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("CI"),
    reason="LibreOffice (soffice) not on PATH: install Debian's libreoffice-calc-nogui "
    "(required when CI is set)",
)
# Printed to PDF, the workbooks are read back with poppler-utils (pdftotext, pdfinfo).
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None and not os.environ.get("CI"),
    reason="poppler-utils (pdftotext) not on PATH: install Debian's poppler-utils "
    "(required when CI is set)",
)
# The register's tests run on SQLite and on a PostgreSQL server they start themselves
# (tests/postgres_server.py): Debian's `postgresql` must be installed, required when CI is set.
needs_postgresql = pytest.mark.skipif(
    server_binaries() is None and not os.environ.get("CI"),
    reason="PostgreSQL server (initdb) not installed: install Debian's postgresql "
    "(required when CI is set)",
)
MADE_UP = TESTS / "programmes" / "made-up.toml"


@pytest.fixture(scope="session")
def postgres() -> Iterator[Server]:
    """A PostgreSQL server for the whole session, stopped at its end."""
    server = Server()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=needs_postgresql)])
def register_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty register's URL: an SQLite file, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "registre-idf.sqlite")
    server: Server = request.getfixturevalue("postgres")
    return server.new_database()


@pytest.fixture(scope="session")
def programme() -> Programme:
    """The Occitanie 2020-2022 programme as shipped."""
    return load_programme()


@pytest.fixture(scope="session")
def params(programme: Programme) -> Parameters:
    """Its parameters in force in the middle of the programme."""
    return programme.at(date(2022, 6, 1))


def a_dossier(**changes: Any) -> Dossier:
    """An eligible SME dossier (5 days 6,000 + 25 days 30,000 quoted), with `changes` applied."""
    values: dict[str, Any] = {
        "numero": "IDF-0001",
        "raison_sociale": "Fonderie du Lauragais",
        "siret": "73282932000074",
        "code_naf": "24.51Z",
        "forme_juridique": LegalForm.ENTREPRISE,
        "activite_industrielle": True,
        "agrement_ess": "Aucun",
        "part_recettes_production": None,
        "effectif": 48,
        "duree_premier_bilan": 12,
        "departement": "31",
        "code_postal": "31400",
        "en_difficulte": False,
        "a_jour_fiscal_social": True,
        "fonds_propres": D("500000.00"),
        "prestataire": "AFNOR",
        "date_depot": date(2022, 3, 15),
        "aides_minimis_3_ans": D("0.00"),
        "attestation_minimis": True,
        "jours_p1": D(5),
        "montant_p1": D("6000.00"),
        "jours_p2": D(25),
        "montant_p2": D("30000.00"),
    }
    values.update(changes)
    values.setdefault("row", 7)
    values.setdefault("cells", _cells(Dossier, values["row"]))
    return Dossier(**values)


def a_line(**changes: Any) -> ExpenseLine:
    """A paid phase 1 line of 5 days, 6,000 EUR, by AFNOR in Haute-Garonne, with `changes`."""
    values: dict[str, Any] = {
        "dossier": "IDF-0001",
        "phase": 1,
        "prestataire": "AFNOR",
        "numero_facture": "F-2022-001",
        "date_prestation": date(2022, 4, 4),
        "date_facture": date(2022, 4, 30),
        "jours": D(5),
        "montant_ht": D("6000.00"),
        "departement_prestation": "31",
        "date_acquittement": date(2022, 5, 20),
    }
    values.update(changes)
    values.setdefault("row", 5)
    values.setdefault("cells", _cells(ExpenseLine, values["row"]))
    return ExpenseLine(**values)


def a_payment(**changes: Any) -> Payment:
    """A recorded phase 1 payment of 6,000 EUR, with `changes`."""
    values: dict[str, Any] = {
        "dossier": "IDF-0001",
        "type": PaymentType.PHASE1,
        "date_versement": date(2022, 6, 30),
        "montant": D("6000.00"),
    }
    values.update(changes)
    values.setdefault("row", 3)
    values.setdefault("cells", _cells(Payment, values["row"]))
    return Payment(**values)


_LETTERS = [chr(ord("A") + i) for i in range(26)]


def _cells(record: type[Dossier | ExpenseLine | Payment], row: int) -> dict[str, str]:
    """Each field at its template column (A, B, ...) on `row`."""
    headers = record.headers()
    return {
        name: f"{letter}{row}"
        for name, letter in zip(headers, _LETTERS[: len(headers)], strict=True)
    }


def codes(findings: Any) -> list[str]:
    """The codes of a sequence of findings, in order."""
    return [f.code for f in findings]
