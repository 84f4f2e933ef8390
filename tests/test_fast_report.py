"""The JSON report written from templates is the standard library's text (issue 12)."""

from __future__ import annotations

import itertools
import json
import pickle
import random
from pathlib import Path

import pytest

from workbooks import WORKBOOKS
from xl_idf.json_text import Shape, dumps
from xl_idf.programme import load_programme
from xl_idf.report import instalments, money, to_json, to_json_utf8
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
    assert to_json_utf8(report) == _plain_json(report).encode()
    none = validate([], load_programme())
    assert to_json(none) == _plain_json(none)
    assert to_json_utf8(none) == _plain_json(none).encode()


@pytest.mark.parametrize("cuts", [[], [0], [2], [0, 3], [1, 1, 2], [3, 3]])
def test_a_list_written_in_pieces_is_the_list_written_at_once(cuts) -> None:
    """`Shape.joined` pieces (written apart, in other processes too), put together by `list_of`,
    are `list_text`'s characters, whatever the cuts, an empty piece included."""
    shape = Shape({"a": "a", "b": {"c": "c"}}, "\n      ")
    objects = [{"a": text, "c": [text, None]} for text in TEXTS[:3]]
    bounds = [0, *cuts, len(objects)]
    pieces = [shape.joined(objects[start:stop]) for start, stop in itertools.pairwise(bounds)]
    at_once = dumps({"k": shape.list_text(objects)})
    assert dumps({"k": shape.list_of(pieces)}) == at_once
    # The same pieces in UTF-8, as a file's dossiers travel from its worker.
    utf8 = [shape.joined_utf8(objects[start:stop]) for start, stop in itertools.pairwise(bounds)]
    assert [piece.decode() for piece in utf8] == pieces
    assert dumps({"k": shape.list_of([shape.joined([])])}) == dumps({"k": []})


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_report_for_json_only_is_the_same_text(monkeypatch, tmp_path: Path, jobs) -> None:
    """`validate(json_only=True)` writes each file's dossiers where they are judged, in halves
    from BESIDE_RECORDS on: the JSON text is the one of the report with its summaries, which
    it does not keep (a table or a CSV of dossiers cannot be written from it)."""
    from xl_idf import report_text
    from xl_idf import validate as validating

    broken = tmp_path / "illisible.xlsx"
    broken.write_bytes(b"pas un classeur")
    sample = WORKBOOKS / "exemple-trimestre-2022T4.xlsx"
    copy = tmp_path / "copie.xlsx"  # the same invoices and SIRETs again: C01 and C02
    copy.write_bytes(sample.read_bytes())
    for paths in ([sample], [sample, broken], [sample, copy]):
        full = validate(paths, load_programme(), jobs=jobs)
        assert ("C01" in to_json(full)) is (copy in paths)
        for beside in (10**9, 0):
            monkeypatch.setattr(validating, "BESIDE_RECORDS", beside)
            only = validate(paths, load_programme(), jobs=jobs, json_only=True)
            assert to_json(only) == to_json(full) == _plain_json(full)
            # As the command writes it: in UTF-8, the dossiers' pieces put in place undecoded.
            assert to_json_utf8(only) == to_json_utf8(full) == _plain_json(full).encode()
            assert only.files[0].dossiers == ()
            assert only.files[0].dossiers_text is not None
            assert len(only.files[0].dossiers_text) == (1 if beside else 2)
            for other in (report_text.to_table, report_text.dossiers_csv):
                with pytest.raises(ValueError, match="JSON"):
                    other(only)


def test_the_json_written_beside_annotated_copies_is_the_json_alone(tmp_path: Path) -> None:
    """Annotated copies need each dossier's summary (their sheet Synthèse): with --annotate, the
    run keeps them, and its JSON report is the one written without."""
    import openpyxl
    from typer.testing import CliRunner

    from xl_idf.cli import app

    sample = str(WORKBOOKS / "exemple-trimestre-2022T4.xlsx")
    runner = CliRunner()
    alone = runner.invoke(app, ["validate", sample, "--format", "json"])
    copies = tmp_path / "copies"
    beside = runner.invoke(app, ["validate", sample, "--format", "json", "--annotate", str(copies)])
    assert alone.exit_code == beside.exit_code == 1, beside.output
    assert beside.stdout == alone.stdout
    numbers = [d["dossier"] for d in json.loads(alone.stdout)["files"][0]["dossiers"]]
    (copy,) = copies.iterdir()
    synthese = openpyxl.load_workbook(copy, read_only=True)["Synthèse"]
    written = {cell for row in synthese.iter_rows(values_only=True) for cell in row}
    assert numbers
    assert set(numbers) <= written


def test_findings_packed_by_field_come_back_as_they_went() -> None:
    """`findings.pack` (a file's findings sent between its processes a field at a time) gives
    back the same findings, in order, blanks and all; a file's report pickles through it."""
    from xl_idf.findings import Finding, Severity, pack, unpack
    from xl_idf.report import FileReport, FileStatus

    findings = (
        Finding("X02", Severity.WARNING, "Montant réduit à 6 000,00 €", "Prestations", "H7",
                "IDF-1", "a.xlsx"),
        Finding("F01", Severity.ERROR, "Fichier illisible : vide"),
        Finding("C02", Severity.INFO, "", None, None, "IDF-2", None),
    )  # fmt: skip
    assert unpack(pack(findings)) == findings
    assert unpack(pack([])) == ()
    report = FileReport("a.xlsx", FileStatus.INVALID, findings, dossiers_text=(b"{}",))
    again = pickle.loads(pickle.dumps(report))
    assert again == report
    assert [type(f) for f in again.findings] == [Finding] * 3


@pytest.mark.parametrize(
    ("severities", "beside", "strict", "expected"),
    [
        (["info"], [], False, "valid"),
        (["info"], ["error"], False, "invalid"),  # the error found beside counts
        (["warning"], [], False, "valid"),
        (["warning"], [], True, "invalid"),
        (["info"], ["warning"], True, "invalid"),
        (["info"], ["warning", "info"], False, "valid"),
        ([], [], True, "valid"),
    ],
)
def test_a_file_s_status_counts_the_findings_kept_apart(severities, beside, strict, expected):
    from xl_idf.findings import Finding, Severity
    from xl_idf.report import status_of

    findings = [Finding("X", Severity(s), "m") for s in severities]
    status = status_of(findings, strict, also={Severity(s) for s in beside})
    assert status.value == expected
