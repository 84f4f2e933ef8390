"""The JSON report written from templates is the standard library's text (issue 12)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from workbooks import WORKBOOKS
from xl_idf.json_text import Shape, dumps
from xl_idf.programme import load_programme
from xl_idf.report import instalments, money, to_json
from xl_idf.validate import validate

TEXTS = ["", "é", 'guillemet "', "barre \\ oblique", "ligne\nsuivante", "\u00a0€", "\x00", "\t"]


def _value(rng: random.Random) -> object:
    return rng.choice([None, rng.choice(TEXTS), [], [rng.choice(TEXTS)], ["a", None, "b"]])


@pytest.mark.parametrize("depth", [0, 1, 3])
@pytest.mark.parametrize("seed", range(20))
def test_objects_written_from_their_shape_are_the_library_s_text(depth, seed) -> None:
    rng = random.Random(seed)
    shape = {"a": "a", "b": {"c": "c", "d": {"e": "e"}}, "f": "f"}
    objects = [{slot: _value(rng) for slot in "acef"} for _ in range(rng.randrange(4))]
    plain = [{"a": o["a"], "b": {"c": o["c"], "d": {"e": o["e"]}}, "f": o["f"]} for o in objects]
    # The list stands under `depth` levels of objects, as the report's lists do.
    written: object = Shape(shape, "\n" + "  " * (depth + 1)).list_text(objects)
    expected: object = plain
    for _ in range(depth):
        written, expected = {"k": written, "n": 1}, {"k": expected, "n": 1}
    assert dumps({"top": written}) == json.dumps({"top": expected}, ensure_ascii=False, indent=2)


def _plain_json(report) -> str:
    """The report of SPEC 4.3 as `json.dumps` writes it, from plain dicts."""
    payload = {
        "programme": report.programme_id,
        "summary": report.summary,
        "files": [
            {
                "path": f.path,
                "status": f.status.value,
                "issues": [
                    {"severity": i.severity.value, "code": i.code, "message": i.message,
                     "sheet": i.sheet, "cell": i.cell, "dossier": i.dossier}
                    for i in f.findings
                ],
                "dossiers": [
                    {
                        "dossier": d.dossier, "eligibility": d.eligibility.value,
                        "category": d.category,
                        "subsidy": {"phase1": money(d.subsidy_phase1),
                                    "phase2": money(d.subsidy_phase2),
                                    "total": money(d.subsidy_total)},
                        "payments": instalments(d.due), "planned": instalments(d.planned),
                        "paid": instalments(d.paid), "remaining": instalments(d.remaining),
                        "blocking": list(d.blocking), "explanation": list(d.explanation),
                    }
                    for d in f.dossiers
                ],
            }
            for f in report.files
        ],
    }  # fmt: skip
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def test_the_report_of_several_files_is_the_library_s_text(tmp_path: Path) -> None:
    broken = tmp_path / "illisible.xlsx"
    broken.write_bytes(b"pas un classeur")
    report = validate(
        [WORKBOOKS / "exemple-trimestre-2022T4.xlsx", broken], load_programme(), jobs=2
    )
    assert report.files[0].findings
    assert report.files[0].dossiers
    assert not report.files[1].dossiers
    assert to_json(report) == _plain_json(report)
    none = validate([], load_programme())
    assert to_json(none) == _plain_json(none)
