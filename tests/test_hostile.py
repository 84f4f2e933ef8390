"""Bad input (SPEC 5): each hostile or broken file is `unreadable` with its French reason.

Within seconds and bounded memory, with no traceback and the input untouched, and at the cost of
that file only. Every file is built here by code; the zip writer is our own so that a bomb of
more than 1 GiB takes a megabyte and a second to build, never its inflated size.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import struct
import sys
import threading
import time
import traceback
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from msoffcrypto.format.ooxml import OOXMLFile
from typer.testing import CliRunner

from xl_idf import french, isolation
from xl_idf import validate as validation
from xl_idf.cli import app
from xl_idf.programme import Programme
from xl_idf.safety import Screening, unreadable_reason
from xl_idf.template import build_template

ROOT = Path(__file__).parents[1]
SAMPLE = ROOT / "workbooks" / "exemple-trimestre-2022T4.xlsx"
DOSSIERS_PART = "xl/worksheets/sheet2.xml"  # the template's sheet « Dossiers »
SECONDS = 20  # generous: a hostile file is refused in well under a second; this catches hangs
# Memory a run may add to this process's (which its forked copy starts with): the readers have
# RLIMIT_AS 3 GiB; a hostile file refused by the pre-checks costs a few MiB, a bomb inflated 1 GiB.
EXTRA_BYTES = 512 * 2**20
MIB = 2**20


# --- Building files -------------------------------------------------------------------------


@dataclass(frozen=True)
class Raw:
    """A zip member written as given: deflated bytes, the CRC and size its header declares."""

    deflated: bytes
    crc: int
    size: int
    flags: int = 0


def deflated(data: bytes) -> Raw:
    """`data` as a zip member, compressed as Excel does (raw deflate)."""
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Raw(packer.compress(data) + packer.flush(), zlib.crc32(data), len(data))


def write_zip(path: Path, members: Sequence[tuple[str, Raw]]) -> Path:
    """A zip archive of `members` at `path` (local headers, central directory, end record)."""
    out, directory = io.BytesIO(), io.BytesIO()
    for name, raw in members:
        encoded = name.encode()
        fields = (20, raw.flags, zipfile.ZIP_DEFLATED, 0, 0x21, raw.crc, len(raw.deflated),
                  raw.size, len(encoded), 0)  # fmt: skip
        directory.write(struct.pack("<IH", 0x02014B50, 20))
        directory.write(struct.pack("<HHHHHIIIHH", *fields))
        directory.write(struct.pack("<HHHII", 0, 0, 0, 0, out.tell()) + encoded)
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields) + encoded + raw.deflated)
    start = out.tell()
    out.write(directory.getvalue())
    count = len(members)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count,
                          len(directory.getvalue()), start, 0))  # fmt: skip
    path.write_bytes(out.getvalue())
    return path


def rezip(good: bytes, path: Path, changes: Mapping[str, Callable[[bytes], bytes | Raw]]) -> Path:
    """The workbook `good` with some members changed, saved at `path`."""
    members = []
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        assert set(changes) <= set(archive.namelist())
        for name in archive.namelist():
            original = archive.read(name)
            data = changes[name](original) if name in changes else original
            members.append((name, data if isinstance(data, Raw) else deflated(data)))
    return write_zip(path, members)


def bomb(head: bytes, mebibytes: int, tail: bytes) -> Raw:
    """`head`, then `mebibytes` MiB of spaces, then `tail`, deflated without ever being built.

    After a full flush a deflate stream refers to nothing before it, so one compressed MiB of
    spaces is repeated as is; only the CRC reads every byte.
    """
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    spaces = b" " * MIB
    start = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(spaces) + packer.flush(zlib.Z_FULL_FLUSH)
    end = packer.compress(tail) + packer.flush()
    crc = zlib.crc32(head)
    for _ in range(mebibytes):
        crc = zlib.crc32(spaces, crc)
    return Raw(start + block * mebibytes + end, zlib.crc32(tail, crc),
               len(head) + mebibytes * MIB + len(tail))  # fmt: skip


def ole(*names: str) -> bytes:
    """An OLE compound file's header and first directory sector, holding the streams `names`.

    That is what tells a password-protected workbook from an old .xls; the streams themselves
    are left out.
    """
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHH", header, 24, 0x3E, 3, 0xFFFE, 9)  # version 3: 512-byte sectors
    struct.pack_into("<I", header, 48, 0)  # the directory starts at sector 0
    directory = bytearray(512)
    for slot, name in enumerate(("Root Entry", *names)):
        encoded = name.encode("utf-16-le") + b"\0\0"
        directory[slot * 128 : slot * 128 + len(encoded)] = encoded
        struct.pack_into("<HB", directory, slot * 128 + 64, len(encoded), 5 if slot == 0 else 2)
    return bytes(header + directory)


def encrypted(good: bytes) -> bytes:
    """`good` protected by a password as Excel does it (ECMA-376 agile encryption, OLE file)."""
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(good)).encrypt("secret", out)
    return out.getvalue()


def sheet(extra: bytes = b"", dimension: bytes | None = None) -> Callable[[bytes], bytes]:
    """A change to the sheet « Dossiers »: `extra` rows after its own, another dimension."""

    def change(xml: bytes) -> bytes:
        assert b"</sheetData>" in xml
        xml = xml.replace(b"</sheetData>", extra + b"</sheetData>")
        if dimension is not None:
            assert b'<dimension ref="A1:W1" />' in xml
            xml = xml.replace(b'<dimension ref="A1:W1" />', b'<dimension ref="%s" />' % dimension)
        return xml

    return change


def cell(reference: bytes) -> bytes:
    """A row holding one text cell at `reference`."""
    row = reference.lstrip(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return b'<row r="%s"><c r="%s" t="inlineStr"><is><t>x</t></is></c></row>' % (row, reference)


LAUGHS = b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">' + b"".join(
    b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i > 1 else b"&lol;" * 10)
    for i in range(1, 10)
) + b"]>\n"  # fmt: skip


@dataclass(frozen=True)
class Hostile:
    """A failure mode: the file's name, how to build it from a good workbook, the reason given."""

    name: str
    build: Callable[[bytes, Path], None]
    reason: str


def _bytes(data: Callable[[bytes], bytes]) -> Callable[[bytes, Path], None]:
    return lambda good, path: path.write_bytes(data(good))


def _changed(
    changes: Mapping[str, Callable[[bytes], bytes | Raw]],
) -> Callable[[bytes, Path], None]:
    def build(good: bytes, path: Path) -> None:
        rezip(good, path, changes)

    return build


def _padded(mebibytes: int) -> Callable[[bytes], Raw]:
    """A sheet with `mebibytes` MiB of spaces before its closing tag: valid XML, and a bomb."""

    def change(xml: bytes) -> Raw:
        end = b"</worksheet>"
        assert xml.endswith(end)
        return bomb(xml[: -len(end)], mebibytes, end)

    return change


WORKBOOK = "xl/workbook.xml"
HOSTILE = [
    Hostile("notes.xlsx", _bytes(lambda _: "N° dossier;SIRET\nIDF-0001;732829320\n".encode()),
            "ce n'est pas un classeur Excel (.xlsx)"),
    Hostile("vide.xlsx", _bytes(lambda _: b""), "fichier vide"),
    Hostile("ancien.xls", _bytes(lambda _: ole("Workbook", "\x05SummaryInformation")),
            "format .xls (Excel 97-2003) non pris en charge"),
    Hostile("renomme.xlsx", _bytes(lambda _: ole("Workbook", "\x05SummaryInformation")),
            "classeur au format .xls (Excel 97-2003) sous une extension .xlsx"),
    Hostile("protege.xlsx", _bytes(encrypted),
            "classeur protégé par un mot de passe : l'enregistrer sans mot de passe"),
    Hostile("tronque.xlsx", _bytes(lambda good: good[: len(good) // 2]),
            "classeur tronqué : la fin de l'archive manque"),
    Hostile("bombe-zip.xlsx",
            _changed({DOSSIERS_PART: _padded(1100)}),
            f"contenu décompressé démesuré ({french.number(1100)} Mio)"),
    Hostile("bombe-taux.xlsx",
            _changed({DOSSIERS_PART: _padded(300)}),
            f"taux de compression anormal dans « {DOSSIERS_PART} »"),
    Hostile("rires-classeur.xlsx",
            _changed({WORKBOOK: lambda xml: LAUGHS + xml.replace(b"Instructions", b"&lol9;")}),
            f"déclaration DOCTYPE dans « {WORKBOOK} », interdite dans un classeur"),
    Hostile("rires-feuille.xlsx",
            _changed({DOSSIERS_PART: lambda xml: LAUGHS + xml.replace(b"<t>N", b"<t>&lol9;N")}),
            f"déclaration DOCTYPE dans « {DOSSIERS_PART} », interdite dans un classeur"),
    Hostile("rires-apres-commentaire.xlsx",
            _changed({WORKBOOK: lambda xml: b"<!--" + b"-" * 70_000 + b" -->" + LAUGHS + xml}),
            f"en-tête XML démesuré ou invalide dans « {WORKBOOK} »"),
    Hostile("coin-lointain.xlsx",
            _changed({DOSSIERS_PART: sheet(cell(b"XFD1048576"), dimension=b"A1:XFD1048576")}),
            "la feuille « Dossiers » s'étend jusqu'à la cellule XFD1048576 : plus de 20 millions "
            "de cellules à lire ; effacer les cellules remplies loin du tableau"),
    Hostile("deux-coins.xlsx", _changed({DOSSIERS_PART: sheet(cell(b"XFD2") + cell(b"A1048576"))}),
            "la feuille « Dossiers » s'étend jusqu'aux cellules A1048576 et XFD2 : plus de 20 "
            "millions de cellules à lire"),
    Hostile("ligne-au-dela.xlsx", _changed({DOSSIERS_PART: sheet(cell(b"A2000000"))}),
            "la feuille « Dossiers » : cellule A2000000 au-delà des limites d'Excel"),
    Hostile("ligne-au-dela-sans-reference.xlsx",
            _changed({DOSSIERS_PART: sheet(
                b'<row r="2000000"><c t="inlineStr"><is><t>x</t></is></c></row>')}),
            "la feuille « Dossiers » : cellule A2000000 au-delà des limites d'Excel"),
    Hostile("colonne-au-dela.xlsx", _changed({DOSSIERS_PART: sheet(cell(b"XFE2"))}),
            "la feuille « Dossiers » : cellule XFE2 au-delà des limites d'Excel"),
    Hostile("dimension-au-dela.xlsx",
            _changed({DOSSIERS_PART: sheet(dimension=b"A1:XFD2000000")}),
            "la feuille « Dossiers » : étendue déclarée XFD2000000 au-delà des limites d'Excel"),
    Hostile("crc-faux.xlsx",
            _changed({"xl/styles.xml": lambda xml: replace(deflated(xml), crc=zlib.crc32(b"x"))}),
            "élément « xl/styles.xml » endommagé (somme de contrôle fausse)"),
    Hostile("deflate-corrompu.xlsx",
            _changed({"xl/styles.xml": lambda xml: replace(deflated(xml), deflated=b"\xff" * 64)}),
            "élément « xl/styles.xml » endommagé (données compressées illisibles)"),
    Hostile("deflate-incomplet.xlsx",
            _changed({"xl/styles.xml": lambda xml: replace(
                deflated(xml), deflated=deflated(xml).deflated[:-40])}),
            "élément « xl/styles.xml » endommagé (somme de contrôle fausse)"),
    Hostile("zip-chiffre.xlsx",
            _changed({"xl/styles.xml": lambda xml: replace(deflated(xml), flags=0x1)}),
            "élément « xl/styles.xml » chiffré : enregistrer le classeur sans mot de passe"),
]  # fmt: skip


@pytest.fixture(scope="session")
def good(programme: Programme) -> bytes:
    """A valid workbook: the provider template, empty."""
    out = io.BytesIO()
    build_template(programme).save(out)
    # A run with no file loads what every run loads (readers, schemas) into this process, so
    # that the runs forked from it below measure the checks, not a second of imports each.
    validation.validate([], programme)
    return out.getvalue()


# --- Running the command line ----------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One `xl-idf` run: exit code, outputs, wall time and peak memory (its children's too)."""

    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_bytes: int
    extra_bytes: int  # the peak less what this process held when it forked the run


def run_cli(args: Sequence[str], folder: Path) -> Run:
    """`xl-idf ARGS` in a forked copy of this process, its descriptors 1 and 2 captured.

    Forked rather than started afresh: no second of imports per run; and `os.wait4` gives the
    peak memory of the run with the readers it forked. Whatever a child writes to descriptor 2,
    a Rust backtrace included, lands in `stderr`.
    """
    out, err = folder / "stdout.txt", folder / "stderr.txt"
    resident = int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child never returns into pytest
        code = 70
        try:
            for fd, target in ((1, out), (2, err)):
                os.dup2(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), fd)
            sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
            sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
            try:
                app(args=list(args), prog_name="xl-idf")
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else 1
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    watchdog = threading.Timer(SECONDS * 3, os.kill, (pid, signal.SIGKILL))
    watchdog.start()
    try:
        _, status, usage = os.wait4(pid, 0)
    finally:
        watchdog.cancel()
    return Run(
        code=os.waitstatus_to_exitcode(status),
        stdout=out.read_text(encoding="utf-8"),
        stderr=err.read_text(encoding="utf-8", errors="replace"),
        seconds=time.monotonic() - started,
        peak_bytes=usage.ru_maxrss * 1024,  # Linux gives KiB
        extra_bytes=usage.ru_maxrss * 1024 - resident,
    )


def digest(path: Path) -> tuple[str, int]:
    """What must not change in an input file: its bytes and its modification time."""
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def assert_quiet(run: Run) -> None:
    """No traceback, Python's or Rust's, anywhere the user could see it."""
    for text in (run.stdout, run.stderr):
        for sign in ("Traceback", "stack backtrace", "panicked", "memory allocation of"):
            assert sign not in text


def unreadable_issue(report: dict[str, Any], path: Path) -> str:
    """The message of the single F01 finding of `path`, which is reported unreadable."""
    files = [f for f in report["files"] if f["path"] == str(path)]
    assert len(files) == 1, f"{path} is not in the report once"
    (entry,) = files
    assert entry["status"] == "unreadable"
    assert entry["dossiers"] == []
    assert [(i["code"], i["severity"]) for i in entry["issues"]] == [("F01", "error")]
    message: str = entry["issues"][0]["message"]
    assert message.startswith("Fichier illisible : ")
    return message


# --- Each failure mode -----------------------------------------------------------------------


@pytest.mark.parametrize("case", HOSTILE, ids=[c.name for c in HOSTILE])
def test_a_hostile_file_is_unreadable_with_its_reason(case: Hostile, good: bytes, tmp_path: Path):
    assert case.reason in refused_alone(case, good, tmp_path)


def refused_alone(case: Hostile, good: bytes, tmp_path: Path) -> str:
    """The F01 message of `case`'s file checked alone, which is refused quietly, in bounded
    time and memory, and left as it was."""
    path = tmp_path / "entree" / case.name
    path.parent.mkdir()
    case.build(good, path)
    before = digest(path)
    run = run_cli(["validate", "--format", "json", str(path)], tmp_path)
    assert_quiet(run)
    assert run.code == 2, run.stdout + run.stderr
    report = json.loads(run.stdout)
    assert report["summary"]["unreadable"] == 1
    message = unreadable_issue(report, path)
    assert run.seconds < SECONDS
    assert run.extra_bytes < EXTRA_BYTES
    assert digest(path) == before
    return message


def test_the_bomb_is_small_on_disk_and_refused_from_the_zip_directory(good: bytes, tmp_path: Path):
    """1.1 GiB inflated from about a megabyte; the refusal reads no more than the directory."""
    path = tmp_path / "bombe.xlsx"
    (case,) = (c for c in HOSTILE if c.name == "bombe-zip.xlsx")
    case.build(good, path)
    assert path.stat().st_size < 2 * MIB
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo(DOSSIERS_PART).file_size > 2**30
    tracemalloc.start()
    started = time.monotonic()
    reason = unreadable_reason(path)
    seconds = time.monotonic() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert reason == case.reason + " : fichier piégé ou trop lourd"
    assert seconds < 0.5
    assert peak < 4 * MIB


def test_a_directory_named_like_a_workbook(programme: Programme, tmp_path: Path):
    """Named on the command line: a French error, exit 2; given to the library: unreadable."""
    folder = tmp_path / "dossier.xlsx"
    folder.mkdir()
    run = run_cli(["validate", str(folder)], tmp_path)
    assert_quiet(run)
    assert run.code == 2
    assert (
        f"« {folder} » : aucun classeur .xlsx ou .xlsm à contrôler dans ce dossier "
        "(sans ses sous-dossiers)"
    ) in run.stderr
    report = validation.validate([folder], programme)
    (entry,) = report.files
    assert entry.status.value == "unreadable"
    assert [f.message for f in entry.findings] == [
        "Fichier illisible : fichier illisible (c'est un dossier, pas un fichier)"
    ]
    assert report.exit_code == 2


@pytest.mark.parametrize(
    "make",
    [os.mkfifo, lambda path: path.symlink_to("/dev/zero")],
    ids=["tube-nomme", "peripherique"],
)
def test_a_pipe_or_a_device_named_like_a_workbook(make: Callable[[Path], None], tmp_path: Path):
    """Opening a named pipe waits for a writer, reading /dev/zero never ends: neither happens."""
    path = tmp_path / "flux.xlsx"
    make(path)
    run = run_cli(["validate", "--format", "json", str(path)], tmp_path)
    assert_quiet(run)
    assert run.code == 2
    message = unreadable_issue(json.loads(run.stdout), path)
    assert message == (
        "Fichier illisible : ce n'est pas un fichier ordinaire (tube, périphérique…)"
    )
    assert run.seconds < SECONDS


def test_a_file_without_read_permission(good: bytes, tmp_path: Path):
    """Unreadable for its user; root reads every file, so as root the file is read as usual."""
    path = tmp_path / "interdit.xlsx"
    path.write_bytes(good)
    path.chmod(0)
    before = digest(path)
    run = run_cli(["validate", "--format", "json", str(path)], tmp_path)
    assert_quiet(run)
    report = json.loads(run.stdout)
    if os.geteuid() == 0:
        # Permissions do not bind root: the template is read as any workbook.
        assert run.code in (0, 1)
        assert report["files"][0]["status"] != "unreadable"
    else:
        assert run.code == 2
        assert "accès refusé" in unreadable_issue(report, path)
    assert digest(path) == before


@pytest.mark.skipif(os.geteuid() != 0, reason="becoming another user needs root")
def test_a_file_without_read_permission_for_its_user(
    programme: Programme, good: bytes, tmp_path: Path
):
    """Run again in a child that has become `nobody`: the file is refused, its folder is not."""
    path = tmp_path / "interdit.xlsx"
    path.write_bytes(good)
    path.chmod(0)
    tmp_path.chmod(0o755)
    receive, send = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child never returns into pytest
        try:
            os.chdir(tmp_path)  # the path is then relative: pytest's private parents not crossed
            os.setgid(65534)
            os.setuid(65534)
            report = validation.validate([Path(path.name)], programme)
            os.write(send, json.dumps([
                report.exit_code, [f.status.value for f in report.files],
                [m.message for f in report.files for m in f.findings],
            ]).encode())  # fmt: skip
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(0)
    os.close(send)
    with os.fdopen(receive, "rb") as answer:
        said = answer.read()
    os.waitpid(pid, 0)
    assert json.loads(said) == [
        2,
        ["unreadable"],
        ["Fichier illisible : fichier illisible (accès refusé)"],
    ]


def test_a_wide_sheet_of_few_rows_is_read_as_usual(
    programme: Programme, good: bytes, tmp_path: Path
):
    """Past column ZZ the pre-check measures the sheet exactly: 703 columns of 2 rows are fine."""
    path = rezip(good, tmp_path / "large.xlsx", {DOSSIERS_PART: sheet(cell(b"AAA2"))})
    assert unreadable_reason(path) is None
    (entry,) = validation.validate([path], programme).files
    assert entry.status.value != "unreadable"


# --- Damage only the reader sees --------------------------------------------------------------

DAMAGED = [
    Hostile("entite-inconnue.xlsx",
            _changed({DOSSIERS_PART: lambda xml: xml.replace(b"<t>IDF", b"<t>&inconnue;IDF")
                      .replace("<t>N° dossier</t>".encode(), b"<t>&inconnue;</t>")}),
            "unrecognized entity"),
    # Cut inside an attribute's value, wherever the half of the sheet falls as the template grows.
    Hostile("feuille-coupee.xlsx",
            _changed({DOSSIERS_PART: lambda xml: xml[: xml.index(b'sqref="', len(xml) // 2) + 9]}),
            "attribute value not closed"),
    Hostile("taille-mensongere.xlsx",
            _changed({DOSSIERS_PART: lambda xml: replace(
                bomb(xml[:-12], 64, xml[-12:]), crc=zlib.crc32(xml[:-12] + b" " * 12),
                size=len(xml))}),
            "larger than its declared uncompressed size"),
]  # fmt: skip


@pytest.mark.parametrize("case", DAMAGED, ids=[c.name for c in DAMAGED])
def test_a_sheet_the_reader_cannot_parse_is_unreadable(case: Hostile, good: bytes, tmp_path: Path):
    """Well-formed as a zip, so past the pre-checks; python-calamine refuses it, and says why."""
    path = tmp_path / case.name
    case.build(good, path)
    assert unreadable_reason(path) is None
    before = digest(path)
    run = run_cli(["validate", "--format", "json", str(path)], tmp_path)
    assert_quiet(run)
    assert run.code == 2
    message = unreadable_issue(json.loads(run.stdout), path)
    assert case.reason in message
    assert run.seconds < SECONDS
    assert run.extra_bytes < EXTRA_BYTES
    assert digest(path) == before
    assert "erreur interne" not in message


@pytest.mark.parametrize("case", HOSTILE + DAMAGED, ids=[c.name for c in HOSTILE + DAMAGED])
def test_a_hostile_file_vetted_by_the_parent_gets_the_same_reason(
    case: Hostile, good: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A big file is screened by the parent while its worker already reads it (`isolation`'s
    `vet`): every file vetted so here, each hostile or damaged one gets the reason it gets when
    its worker screens it first, in the same time and memory, and stays as it was."""
    monkeypatch.setattr(isolation, "BIG_BYTES", 0)  # every file is big: vetted by the parent
    assert case.reason in refused_alone(case, good, tmp_path)


# --- One bad file costs only itself -----------------------------------------------------------


def _sample_copy(folder: Path) -> Path:
    path = folder / SAMPLE.name
    path.write_bytes(SAMPLE.read_bytes())
    return path


def test_hostile_files_cost_only_themselves(good: bytes, tmp_path: Path):
    """The sample quarter is reported as when alone, amid hostile files; the exit code is 2."""
    names = ("notes.xlsx", "coin-lointain.xlsx", "bombe-zip.xlsx", "rires-classeur.xlsx")
    hostile = []
    for case in (c for c in HOSTILE if c.name in names):
        case.build(good, tmp_path / case.name)
        hostile.append(tmp_path / case.name)
    sample = _sample_copy(tmp_path)
    runner = CliRunner()
    alone = runner.invoke(app, ["validate", "--format", "json", str(sample)])
    assert alone.exit_code == 1, alone.output  # the sample has mistakes on purpose
    (expected,) = json.loads(alone.stdout)["files"]
    assert expected["status"] == "invalid"
    assert expected["issues"]
    assert expected["dossiers"]
    paths = [str(p) for p in (hostile[0], hostile[1], sample, hostile[2], hostile[3])]
    mixed = runner.invoke(app, ["validate", "--format", "json", "--jobs", "2", *paths])
    assert mixed.exit_code == 2
    report = json.loads(mixed.stdout)
    assert [f["path"] for f in report["files"]] == paths
    assert report["files"][2] == expected
    for case in (c for c in HOSTILE if c.name in names):
        assert case.reason in unreadable_issue(report, tmp_path / case.name)
    table = runner.invoke(app, ["validate", *paths])
    assert table.exit_code == 2
    assert "Traceback" not in table.output
    for path in hostile:
        assert f"== {path} : illisible" in table.output
    assert f"== {sample} : à corriger" in table.output


def test_a_reader_that_aborts_costs_only_its_file(
    programme: Programme, good: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """With the pre-checks off, python-calamine aborts on the far corner (a cell at
    XFD1048576): the run goes on, and says that the reader stopped on this file."""
    far = tmp_path / "coin-lointain.xlsx"
    rezip(good, far, {DOSSIERS_PART: sheet(cell(b"XFD1048576"))})
    sample = _sample_copy(tmp_path)
    expected = validation.validate([sample], programme).files
    monkeypatch.setattr(validation, "screen", lambda path: Screening(None))
    started = time.monotonic()
    report = validation.validate([far, sample], programme, jobs=2)
    assert time.monotonic() - started < SECONDS
    assert report.exit_code == 2
    assert report.files[1:] == expected
    (finding,) = report.files[0].findings
    assert report.files[0].status.value == "unreadable"
    assert finding.code == "F01"
    assert finding.message == (
        "Fichier illisible : le lecteur de classeurs s'est arrêté net sur ce fichier (SIGABRT, "
        f"{french.number(512)} Gio de mémoire demandés) : fichier corrompu, trop volumineux ou "
        "piégé"
    )
