"""Provider names: spellings, aliases and legal forms of the referenced list, and suggestions."""

from __future__ import annotations

import pytest

from xl_idf.providers import closest, identify, match_provider, name_key, read_provider, suggestion
from xl_idf.values import Reading

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("TOPTECH", "toptech"),
        ("Top-Tech", "toptech"),
        ("top tech", "toptech"),
        (f" TOP{NBSP}TECH ", "toptech"),
        ("Top’Tech", "toptech"),
        ("Top'Tech", "toptech"),
        ("Top_Tech", "toptech"),
        ("Opéo-Socodit", "opeosocodit"),
        ("S.A.S.", "sas"),
        ("", ""),
    ],
)
def test_name_key(text, key):
    assert name_key(text) == key


# Occitanie 2020-2022: aliases AFNOR Certification and Association française de normalisation
# (for AFNOR); legal forms SA, SAS, SASU, SARL, EURL, SNC, SCA, SCOP.
@pytest.mark.parametrize(
    ("text", "provider"),
    [
        # Case, accents, spaces, hyphens and apostrophes do not count.
        ("TOPTECH", "TOPTECH"),
        ("Top-Tech", "TOPTECH"),
        ("top tech", "TOPTECH"),
        ("TOP TECH", "TOPTECH"),
        ("Toptech", "TOPTECH"),
        ("Top’tech", "TOPTECH"),
        ("Opéo-Socodit", "OPEO SOCODIT"),
        ("opeosocodit", "OPEO SOCODIT"),
        ("In-Extenso Innovation-Croissance", "IN EXTENSO INNOVATION CROISSANCE"),
        # An alias the programme file lists, in any spelling.
        ("AFNOR Certification", "AFNOR"),
        ("afnor-certification", "AFNOR"),
        ("Association française de normalisation", "AFNOR"),
        # A legal form after (or before) a name or an alias.
        ("TOPTECH SAS", "TOPTECH"),
        ("Top-Tech sarl", "TOPTECH"),
        ("TOPTECH S.A.S.", "TOPTECH"),
        ("TOPTECH S. A. R. L.", "TOPTECH"),
        ("SAS TOPTECH", "TOPTECH"),
        ("CYLAD SCOP", "CYLAD"),
        ("AFNOR Certification SAS", "AFNOR"),
        ("IN EXTENSO INNOVATION CROISSANCE SA", "IN EXTENSO INNOVATION CROISSANCE"),
        # Not a referenced name.
        ("TOPTECHSAS", None),  # a legal form is a word of its own
        ("TOPTECH SAS SARL", None),  # one legal form, not two
        ("TOPTECH GIE", None),  # GIE is not a legal form of the list
        ("SAS", None),
        ("AFNOR Compétences", None),
        ("Toptek", None),
        ("Cabinet Dupont", None),
        ("", None),
    ],
)
def test_identify(params, text, provider):
    assert identify(text, params) == provider


@pytest.mark.parametrize(
    ("raw", "provider"),
    [("Top-Tech", "TOPTECH"), (" afnor ", "AFNOR"), (None, None), ("", None), (42, None),
     (True, None), ("#N/A", None)],
)  # fmt: skip
def test_match_provider_reads_the_cell(params, raw, provider):
    assert match_provider(raw, params) == provider


@pytest.mark.parametrize(
    ("raw", "reading"),
    [
        ("TOPTECH", Reading("TOPTECH")),
        (" TOPTECH ", Reading("TOPTECH")),
        ("Top-Tech", Reading("TOPTECH", "prestataire saisi « Top-Tech », lu TOPTECH")),
        ("toptech sas", Reading("TOPTECH", "prestataire saisi « toptech sas », lu TOPTECH")),
        (
            "AFNOR Certification",
            Reading("AFNOR", "prestataire saisi « AFNOR Certification », lu AFNOR"),
        ),
        # Unreferenced: kept as written, for E09 or X01 to refuse with a suggestion.
        ("Toptek", Reading("Toptek")),
        (None, Reading(None)),
    ],
)
def test_read_provider(params, raw, reading):
    assert read_provider(raw, params) == reading


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Toptek", "TOPTECH"),  # difflib ratio 0.77
        ("Topteck", "TOPTECH"),
        ("Toptek SAS", "TOPTECH"),  # its legal form aside
        ("AFNR", "AFNOR"),
        ("Agilia", "AGILEA"),
        ("Cilad", "CYLAD"),  # 0.80
        ("Opéo Socodi", "OPEO SOCODIT"),
        ("OPEO SOCODIT CONSEIL", "OPEO SOCODIT"),
        ("Afnor Certif", "AFNOR Certification"),  # the closest accepted name is an alias
        # A referenced name begins the written one, or the reverse.
        ("Cylad Consulting", "CYLAD"),
        ("Altran Technologies", "ALTRAN"),
        ("AFNOR Compétences", "AFNOR"),
        ("In Extenso", "IN EXTENSO INNOVATION CROISSANCE"),
        # Nothing close enough.
        ("Alten", None),  # 0.73 from ALTRAN, under the 0.75 cutoff: another firm
        ("SUD CONSEIL INDUSTRIE", None),
        ("McKinsey", None),
        ("Cabinet Dupont", None),
        ("Opé", None),  # a prefix of three letters is too short to say
        ("", None),
    ],
)
def test_closest(params, text, name):
    assert closest(text, params) == name


def test_suggestion_ends_a_message(params):
    assert suggestion("Toptek", params) == " ; vouliez-vous dire « TOPTECH » ?"
    assert suggestion("McKinsey", params) == ""


def test_a_long_text_costs_no_more_than_its_length(params):
    text = "Top Tech " * 3000 + "SAS"
    assert identify(text, params) is None
    assert closest(text, params) == "TOPTECH"  # a referenced name begins it
