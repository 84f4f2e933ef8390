"""The rules' fast paths decide and send back exactly what the plain ones do (issue 12)."""

from __future__ import annotations

import pickle
import random

import pytest
from stdnum import luhn
from stdnum.fr import siret as stdnum_siret

from xl_idf.decisions import Condition
from xl_idf.eligibility import _luhn, _plainly_valid, _siret_problem
from xl_idf.findings import Finding, Severity


def _sirets(count: int) -> list[str]:
    """Random SIRETs, a third with a valid SIREN and key, and numbers people mistype."""
    rng = random.Random(7)
    found = ["35600000000048", "35600000000049", "35600000012345", "73282932000074", ""]
    found += ["732 829 320 00074", "7328293200007", "732829320000745", "7328293200007A"]
    found += ["７３２８２９３２０００７４", "73282932000075", " 73282932000074"]
    for i in range(count):
        digits = "".join(rng.choice("0123456789") for _ in range(14))
        if i % 3 == 0:
            siren = digits[:8] + luhn.calc_check_digit(digits[:8])
            digits = siren + digits[9:13]
            digits += luhn.calc_check_digit(digits)
        found.append(digits)
    return found


@pytest.mark.parametrize("siret", _sirets(3000))
def test_the_quick_siret_check_accepts_only_what_stdnum_accepts(siret) -> None:
    if siret.isascii() and siret.isdigit() and siret:
        assert _luhn(siret) == luhn.checksum(siret)
    if _plainly_valid(siret):
        assert stdnum_siret.is_valid(siret)
    # The answer given to the user is python-stdnum's, on every number.
    assert (_siret_problem(siret) is None) == stdnum_siret.is_valid(siret)


def test_the_quick_siret_check_takes_the_common_case() -> None:
    assert _plainly_valid("73282932000074")
    assert not _plainly_valid("73282932000075")  # wrong key: python-stdnum says why
    assert not _plainly_valid("35600000000048")  # La Poste's rule: python-stdnum decides


def test_a_condition_still_looks_up_every_term() -> None:
    either = Condition(all_of=("a",), any_of=("b", "c"))
    assert either.holds({"a": True, "b": False, "c": True})
    assert not either.holds({"a": True, "b": False, "c": False})
    assert not either.holds({"a": False, "b": True, "c": True})
    with pytest.raises(KeyError):
        either.holds({"a": False, "b": True})  # « c » left out, though « a » already fails
    with pytest.raises(KeyError):
        Condition(all_of=("a", "b")).holds({"a": False})


def test_a_finding_comes_back_from_a_child_process_whole() -> None:
    found = Finding("X02", Severity.WARNING, "plafonné", "Prestations", "H7", "IDF-1", "q.xlsx")
    back = pickle.loads(pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == found
    assert back.severity is Severity.WARNING
    assert pickle.loads(pickle.dumps(Finding("F01", Severity.ERROR, "illisible"))) == Finding(
        "F01", Severity.ERROR, "illisible"
    )
