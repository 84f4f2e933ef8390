"""The programme file: every parameter cited, dated values picked by day, a strict loader."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from xl_idf.errors import ProgrammeError
from xl_idf.programme import (
    DEFAULT_PROGRAMME,
    PARAMETER_UNITS,
    available_programmes,
    load_programme,
)

SHIPPED = Path(__file__).parents[1] / "xl_idf" / "programmes" / f"{DEFAULT_PROGRAMME}.toml"


def test_shipped_programme_is_available_by_id():
    assert DEFAULT_PROGRAMME in available_programmes()
    assert load_programme(DEFAULT_PROGRAMME).id == DEFAULT_PROGRAMME


def test_every_parameter_and_every_dated_value_has_a_citation(programme):
    assert set(programme.parameters) == set(PARAMETER_UNITS)
    for parameter in programme.parameters.values():
        assert parameter.description.strip()
        for value in parameter.values:
            assert value.citation.strip(), parameter.name


def test_figures_of_spec_section_2(params):
    expected = {
        "region_departments": (
            "09",
            "11",
            "12",
            "30",
            "31",
            "32",
            "34",
            "46",
            "48",
            "65",
            "66",
            "81",
            "82",
        ),
        "period_start": date(2020, 1, 1),
        "period_end": date(2022, 12, 31),
        "last_expense_date": date(2022, 12, 31),
        "target_companies": 400,
        "pme_employees_below": 250,
        "eti_employees_below": 5000,
        "first_balance_sheet_min_months": 12,
        "daily_cap": Decimal("1200.00"),
        "total_cap": Decimal("36000.00"),
        "phase1_max_days": Decimal(5),
        "phase1_rate": Decimal(1),
        "phase2_max_days": Decimal(25),
        "phase2_rate": Decimal("0.5"),
        "min_days": Decimal(5),
        "phase2_advance_max_rate": Decimal("0.7"),
        "ess_approvals": ("EI", "EA"),
        "ess_min_production_revenue_share": Decimal("0.5"),
        "providers": (
            "AFNOR",
            "AGILEA",
            "ALTRAN",
            "CYLAD",
            "IN EXTENSO INNOVATION CROISSANCE",
            "OPEO SOCODIT",
            "TOPTECH",
        ),
        "provider_aliases": (
            ("AFNOR", ("AFNOR Certification", "Association française de normalisation")),
        ),
        "legal_forms": ("SA", "SAS", "SASU", "SARL", "EURL", "SNC", "SCA", "SCOP"),
    }
    assert {name: getattr(params, name) for name in expected} == expected


@pytest.mark.parametrize(
    ("day", "ceiling"),
    [
        (date(2014, 1, 1), Decimal("200000.00")),
        (date(2022, 12, 31), Decimal("200000.00")),
        (date(2023, 12, 31), Decimal("200000.00")),
        (date(2024, 1, 1), Decimal("300000.00")),
        (date(2026, 11, 26), Decimal("300000.00")),
    ],
)
def test_de_minimis_ceiling_in_force_on_the_day(programme, day, ceiling):
    assert programme.at(day).de_minimis_ceiling == ceiling


def test_no_value_before_the_first_start(programme):
    assert not programme.in_force(date(2013, 12, 31))
    with pytest.raises(ProgrammeError, match="de_minimis_ceiling"):
        programme.at(date(2013, 12, 31))


def test_unknown_programme_lists_the_known_ones():
    with pytest.raises(
        ProgrammeError, match=f"programme inconnu « bretagne ».*{DEFAULT_PROGRAMME}"
    ):
        load_programme("bretagne")


ALIASES = 'AFNOR = ["AFNOR Certification", "Association française de normalisation"]'
ALIASES_CITATION = next(
    line for line in SHIPPED.read_text(encoding="utf-8").splitlines()
    if line.startswith("citation = \"AFNOR est le sigle")
)  # fmt: skip

# Each broken file: (id, text replaced in the shipped file, replacement, the key named).
BROKEN = [
    (
        "unknown parameter",
        "[parameters.region_name]",
        "[parameters.regoin_name]",
        "parameters.regoin_name",
    ),
    (
        "unknown key",
        'unit = "EUR"\nvalue = "1200.00"',
        'unit = "EUR"\nvalu = "1200.00"',
        "parameters.daily_cap.valu",
    ),
    (
        "missing citation",
        'citation = "[§Dépenses concernées] « plafonnées à 1 200 € HT/ jour tous frais compris »"',
        "",
        "parameters.daily_cap.citation",
    ),
    (
        "empty citation",
        'citation = "[§Dépenses concernées] « plafonnées à 1 200 € HT/ jour tous frais compris »"',
        'citation = " "',
        "parameters.daily_cap.citation",
    ),
    ("amount as a float", 'value = "1200.00"', "value = 1200.0", "parameters.daily_cap.value"),
    (
        "amount that is not a number",
        'value = "1200.00"',
        'value = "1 200,00"',
        "parameters.daily_cap.value",
    ),
    (
        "amount below the cent",
        'value = "1200.00"',
        'value = "1200.001"',
        "parameters.daily_cap.value",
    ),
    ("negative amount", 'value = "1200.00"', 'value = "-1200.00"', "parameters.daily_cap.value"),
    (
        "bad date",
        'value = 2022-12-31\ncitation = "[§Dépenses',
        'value = "31/12/2022"\ncitation = "[§Dépenses',
        "parameters.last_expense_date.value",
    ),
    ("rate above 100 %", "value = 70", "value = 170", "parameters.phase2_advance_max_rate.value"),
    ("bad department", '"81", "82"]', '"81", "820"]', "parameters.region_departments.value"),
    (
        "wrong unit",
        'unit = "months"',
        'unit = "days"',
        "parameters.first_balance_sheet_min_months.unit",
    ),
    (
        "dated values out of order",
        'start = 2024-01-01\nvalue = "300000.00"',
        'start = 2010-01-01\nvalue = "300000.00"',
        "parameters.de_minimis_ceiling.values[1].start",
    ),
    ("missing parameter", "[parameters.target_companies]", None, "parameters.target_companies"),
    # Provider names: no name may stand for two providers (checked across three parameters).
    ("alias of an unreferenced provider", ALIASES, 'KPMG = ["KPMG SA"]',
     "parameters.provider_aliases.value"),
    ("alias shared by two providers", ALIASES, ALIASES + '\nTOPTECH = ["afnor-certification"]',
     "parameters.provider_aliases.value"),
    ("alias that is another provider's name", ALIASES, ALIASES + '\nTOPTECH = ["Cylad"]',
     "parameters.provider_aliases.value"),
    ("alias that is another provider with a legal form", ALIASES,
     ALIASES + '\nTOPTECH = ["AFNOR SAS"]', "parameters.provider_aliases.value"),
    ("alias that is an alias with a legal form", ALIASES,
     ALIASES + '\nTOPTECH = ["SAS Association française de normalisation"]',
     "parameters.provider_aliases.value"),
    ("alias twice for one provider", ALIASES,
     'AFNOR = ["AFNOR Certification", "AFNOR Certification"]',
     "parameters.provider_aliases.value"),
    ("alias that is its provider's name", ALIASES, 'AFNOR = ["Afnor"]',
     "parameters.provider_aliases.value"),
    ("alias without a letter", ALIASES, 'AFNOR = ["- -"]', "parameters.provider_aliases.value"),
    ("empty list of aliases", ALIASES, "AFNOR = []", "parameters.provider_aliases.value"),
    ("aliases not a list", ALIASES, 'AFNOR = "AFNOR Certification"',
     "parameters.provider_aliases.value"),
    ("aliases not a table", "[parameters.provider_aliases.value]\n" + ALIASES,
     'value = ["AFNOR Certification"]', "parameters.provider_aliases.value"),
    ("aliases without citation", ALIASES_CITATION, "", "parameters.provider_aliases.citation"),
    ("unknown key beside the aliases", ALIASES_CITATION, ALIASES_CITATION + '\nsource = "x"',
     "parameters.provider_aliases.source"),
    ("two providers that differ only by punctuation", '"TOPTECH"]', '"TOPTECH", "TOP-TECH"]',
     "parameters.providers.value"),
    ("a provider that is another with a legal form", '"TOPTECH"]', '"TOPTECH", "TOPTECH SA"]',
     "parameters.providers.value"),
    ("a legal form twice", '"SCA", "SCOP"]', '"SCA", "SCOP", "S.C.O.P."]',
     "parameters.legal_forms.value"),
    ("missing legal forms", "[parameters.legal_forms]", None, "parameters.legal_forms"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "key"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_strict_loader_names_file_and_key(tmp_path, old, new, key):
    text = SHIPPED.read_text(encoding="utf-8")
    assert old in text
    if new is None:
        # Remove the whole table, up to the next one.
        start = text.index(old)
        new, old = "", text[start : text.index("\n[", start + 1) + 1]
    broken = tmp_path / "broken.toml"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ProgrammeError) as caught:
        load_programme(broken)
    message = str(caught.value)
    assert str(broken) in message
    assert f"clé « {key} »" in message


@pytest.mark.parametrize(
    ("aliases", "why"),
    [
        ('KPMG = ["KPMG SA"]', "prestataire « KPMG » absent de « providers »"),
        ('TOPTECH = ["afnor-certification"]',
         "nom « afnor-certification » déjà donné à « AFNOR » (« AFNOR Certification »)"),
        ('TOPTECH = ["Cylad"]', "nom « Cylad » déjà donné à « CYLAD » (« CYLAD »)"),
        ('TOPTECH = ["AFNOR SAS"]',
         "« AFNOR SAS » désigne « TOPTECH », mais sans sa forme juridique il désigne « AFNOR »"),
    ],
)  # fmt: skip
def test_the_loader_says_which_name_is_ambiguous(tmp_path, aliases, why):
    text = SHIPPED.read_text(encoding="utf-8").replace(ALIASES, f"{ALIASES}\n{aliases}")
    broken = tmp_path / "broken.toml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(ProgrammeError) as caught:
        load_programme(broken)
    assert str(caught.value).endswith(f"clé « parameters.provider_aliases.value » : {why}")


def test_dated_aliases_are_checked_against_the_providers_of_their_time(tmp_path):
    text = SHIPPED.read_text(encoding="utf-8")
    table = "[parameters.provider_aliases.value]\n" + ALIASES
    dated = (
        "[[parameters.provider_aliases.values]]\nstart = 2014-01-01\n"
        'value = { AFNOR = ["AFNOR Certification"] }\ncitation = "c"\n'
        "[[parameters.provider_aliases.values]]\nstart = 2021-01-01\n"
        'value = { KPMG = ["KPMG SA"] }\ncitation = "c"'
    )
    text = text.replace(ALIASES_CITATION + "\n", "").replace(table, dated)
    broken = tmp_path / "broken.toml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(ProgrammeError) as caught:
        load_programme(broken)
    assert "clé « parameters.provider_aliases.values[1].value » : prestataire « KPMG »" in str(
        caught.value
    )
    good = tmp_path / "good.toml"
    good.write_text(text.replace("KPMG", "TOPTECH"), encoding="utf-8")
    programme = load_programme(good)
    assert programme.at(date(2020, 6, 1)).provider_aliases == (("AFNOR", ("AFNOR Certification",)),)
    assert programme.at(date(2022, 6, 1)).provider_aliases == (("TOPTECH", ("TOPTECH SA",)),)


def test_unreadable_toml_is_refused_with_its_file(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text("id = ", encoding="utf-8")
    with pytest.raises(ProgrammeError, match="TOML invalide"):
        load_programme(broken)


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(ProgrammeError, match="illisible"):
        load_programme(tmp_path / "absent.toml")
