"""The register under faults: a run killed while recording, two officers recording at once, and
bad calls. Each on SQLite and on PostgreSQL; the register's content is compared whole
(`registre exporter`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from test_register_story import export, quarter_files, validate
from typer.testing import CliRunner

from xl_idf.cli import app

runner = CliRunner()
ROOT = Path(__file__).parents[1]


def another_register(request: pytest.FixtureRequest, url: str, tmp_path: Path) -> str:
    """A second empty register on the same kind of database."""
    if url.startswith("postgresql"):
        return str(request.getfixturevalue("postgres").new_database())
    return str(tmp_path / "autre-registre.sqlite")


def command(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "xl_idf", *arguments]


# A recording run that dies (SIGKILL: no clean-up, no rollback by Python) after it has written
# the file's row and its dossiers, before its lines: the transaction is left open.
KILLED = textwrap.dedent(
    """
    import os, signal, sys
    import xl_idf.registre.record as record

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    record._values = die
    from xl_idf.cli import app
    app(sys.argv[1:])
    """
)


def test_a_run_killed_while_recording_leaves_the_register_as_it_was(
    register_url: str, tmp_path: Path
) -> None:
    files = quarter_files(tmp_path)
    validate(register_url, "2022T1", files["2022T1"])
    before = export(register_url)
    done = subprocess.run(
        [sys.executable, "-c", KILLED, "validate", *map(str, files["2022T2"]),
         "--registre", register_url, "--trimestre", "2022T2", "--format", "json"],
        capture_output=True, text=True, timeout=300, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == -9, done.stderr
    assert export(register_url) == before
    # The register still works: the same quarter recorded afterwards, whole.
    _, _, said = validate(register_url, "2022T2", files["2022T2"])
    assert "« afnor-2022T2.xlsx » enregistré" in said
    assert len(export(register_url)["files"]) == 2


def test_two_runs_at_once_record_what_two_runs_one_after_the_other_record(
    request: pytest.FixtureRequest, register_url: str, tmp_path: Path
) -> None:
    files = quarter_files(tmp_path)
    one_after_the_other = another_register(request, register_url, tmp_path)
    for url in (register_url, one_after_the_other):
        for quarter in ("2022T1", "2022T2", "2022T3"):
            validate(url, quarter, files[quarter])
    afnor, cylad = files["2022T4"]
    reports = {}
    for path in (afnor, cylad):
        reports[path.name] = validate(one_after_the_other, "2022T4", [path])[1]
    # Two officers, two processes, the same quarter, at the same time.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    running = [
        subprocess.Popen(
            command(
                "validate",
                str(path),
                "--registre",
                register_url,
                "--trimestre",
                "2022T4",
                "--format",
                "json",
            ),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=tmp_path,
        )
        for path in (afnor, cylad)
    ]
    outputs = [process.communicate(timeout=300) for process in running]
    for process, (_, err) in zip(running, outputs, strict=True):
        assert process.returncode == 1, err  # R01, R02: errors, recorded all the same
        assert "enregistré" in err
    assert export(register_url) == export(one_after_the_other)
    # Each run's findings are those of the same run made alone.
    for path, (out, _) in zip((afnor, cylad), outputs, strict=True):
        assert _issues(json.loads(out)) == _issues(reports[path.name])


def _issues(report: dict[str, Any]) -> list[tuple[str, str | None, str]]:
    return [(i["code"], i["cell"], i["message"]) for f in report["files"] for i in f["issues"]]


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (["--registre", "x.sqlite", "--trimestre", "2022Q4"], "trimestre « 2022Q4 » illisible"),
        (["--registre", "x.sqlite"], "--registre et --trimestre vont ensemble"),
        (["--trimestre", "2022T4"], "--registre et --trimestre vont ensemble"),
        (["--registre", "mysql://u@h/db", "--trimestre", "2022T4"],
         "seuls SQLite (un fichier) et PostgreSQL"),
        (["--registre", "postgresql+psycopg://u@/registre?host=/nowhere", "--trimestre", "2022T4"],
         "inaccessible"),
        (["--registre", "/nowhere/at/all.sqlite", "--trimestre", "2022T4"], "dossier introuvable"),
    ],
)  # fmt: skip
def test_a_bad_register_call_is_refused_in_french_before_any_file_is_read(
    arguments: list[str], said: str, tmp_path: Path
) -> None:
    sample = ROOT / "workbooks" / "exemple-trimestre-2022T4.xlsx"
    result = runner.invoke(app, ["validate", str(sample), *arguments])
    assert result.exit_code == 2
    assert said in result.stderr
    assert result.stderr.startswith("Erreur : ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_a_file_that_is_not_a_register_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "notes.sqlite"
    other.write_text("pas une base", encoding="utf-8")
    sample = ROOT / "workbooks" / "exemple-trimestre-2022T4.xlsx"
    for args in (["registre", "etat"], ["validate", str(sample), "--trimestre", "2022T4"]):
        result = runner.invoke(app, [*args, "--registre", str(other)])
        assert result.exit_code == 2
        assert (
            result.stderr
            == f"Erreur : registre « {other} » inaccessible : file is not a database\n"
        )
    assert other.read_text(encoding="utf-8") == "pas une base"


def test_reading_a_register_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    for verb in (["etat"], ["exporter"], ["classeur", "-o", str(tmp_path / "t.xlsx")]):
        result = runner.invoke(app, ["registre", *verb, "--registre", str(tmp_path / "r.sqlite")])
        assert result.exit_code == 2
        assert "introuvable : le créer avec « xl-idf registre init »" in result.stderr
    assert not (tmp_path / "r.sqlite").exists()


def test_init_creates_the_register_once(register_url: str) -> None:
    for _ in range(2):
        result = runner.invoke(app, ["registre", "init", "--registre", register_url])
        assert result.exit_code == 0, result.output
        assert "(schéma 0001)" in result.stdout
    assert export(register_url) == {"schema": "0001", "files": []}


def test_the_register_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XLIDF_REGISTRE", str(tmp_path / "equipe.sqlite"))
    assert runner.invoke(app, ["registre", "init"]).exit_code == 0
    assert (tmp_path / "equipe.sqlite").exists()


def test_a_run_waits_for_the_one_recording_then_records_after_it(
    register_url: str, tmp_path: Path
) -> None:
    from xl_idf.registre.store import open_register, recording

    files = quarter_files(tmp_path)
    engine = open_register(register_url)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with recording(engine):
        # Another officer's run, while this one holds the register's lock.
        waiting = subprocess.Popen(
            command("validate", *map(str, files["2022T1"]), "--registre", register_url,
                    "--trimestre", "2022T1"),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path,
        )  # fmt: skip
        with pytest.raises(subprocess.TimeoutExpired):
            waiting.wait(timeout=8)
    _, err = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, err
    assert "« afnor-2022T1.xlsx » enregistré" in err
    assert [f["name"] for f in export(register_url)["files"]] == ["afnor-2022T1.xlsx"]
    engine.dispose()


def test_two_first_runs_at_once_on_a_new_register_both_record(
    register_url: str, tmp_path: Path
) -> None:
    files = quarter_files(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    running = [
        subprocess.Popen(
            command("validate", str(path), "--registre", register_url, "--trimestre", "2022T4"),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path,
        )
        for path in files["2022T4"]
    ]  # fmt: skip
    for process in running:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    assert sorted(f["name"] for f in export(register_url)["files"]) == [
        "afnor-2022T4.xlsx", "cylad-2022T4.xlsx",
    ]  # fmt: skip


@pytest.mark.skipif(sys.platform != "linux", reason="forks")
def test_two_connections_at_once_on_a_new_sqlite_register_both_get_its_settings(
    tmp_path: Path,
) -> None:
    """Switching a new SQLite file to WAL needs it alone for a moment, and SQLite refuses at
    once instead of waiting: two first runs at once failed one time in five. Thirty races of two
    processes on a new file, each with the register's settings, then a write: all succeed."""
    import sqlite3

    from xl_idf.registre.store import BUSY_TIMEOUT, _sqlite_settings

    def settle_and_write(path: Path) -> int:
        try:
            connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT)
            _sqlite_settings(connection, None)
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("CREATE TABLE IF NOT EXISTS t (x)")
            connection.execute("INSERT INTO t VALUES (1)")
            connection.commit()
            return 0
        except sqlite3.Error:
            return 1

    for race in range(30):
        path = tmp_path / f"registre-{race}.sqlite"
        children = []
        for _ in range(2):
            pid = os.fork()
            if pid == 0:  # the child never returns into pytest
                os._exit(settle_and_write(path))
            children.append(pid)
        codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children]
        assert codes == [0, 0], f"race {race}"
        with sqlite3.connect(path) as connection:
            assert connection.execute("SELECT count(*) FROM t").fetchone() == (2,)
            assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
