"""The workbook files a run of `xl-idf validate` checks, from the paths the user gave (SPEC 4.3):
the files named, and the workbooks of the folders named, without what is not to be checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from xl_idf.ooxml import annotated_source
from xl_idf.safety import EXTENSIONS


@dataclass(frozen=True)
class Collected:
    """The workbooks a run checks, what it passed over (French lines), and bad paths."""

    files: list[Path]
    skipped: list[str]
    errors: list[str]


def collect(paths: Iterable[Path], recursive: bool = False) -> Collected:
    """The workbook files the user meant (SPEC 4.3), each once, in the order given.

    A folder gives its workbooks at its top level (`recursive`: below too), sorted, without the
    hidden or temporary files (`.…`, `~$…`) and the copies `--annotate` wrote, each passed over
    with a line; a file named on the command line is checked whatever its name. A file named
    twice, through another spelling of its path or a link, is checked once.
    """
    files: list[Path] = []
    skipped: list[str] = []
    errors: list[str] = []
    seen: set[tuple[int, int] | Path] = set()

    def add(path: Path) -> None:
        try:
            status = path.stat()
            key: tuple[int, int] | Path = (status.st_dev, status.st_ino)
        except OSError:
            key = path.resolve()
        if key not in seen:
            seen.add(key)
            files.append(path)

    for path in paths:
        if path.is_dir():
            found = sorted(
                p for p in (path.rglob("*") if recursive else path.iterdir())
                if p.suffix.lower() in EXTENSIONS and p.is_file()
            )  # fmt: skip
            kept = 0
            for file in found:
                if file.name.startswith((".", "~$")):
                    skipped.append(f"« {file} » ignoré : fichier caché ou temporaire")
                elif (source := annotated_source(file)) is not None:
                    skipped.append(f"« {file} » ignoré : copie annotée par xl-idf de « {source} »")
                else:
                    kept += 1
                    add(file)
            if not kept:
                where = "ce dossier" + ("" if recursive else " (sans ses sous-dossiers)")
                errors.append(
                    f"« {path} » : aucun classeur .xlsx ou .xlsm à contrôler dans {where}"
                )
        elif path.exists():
            add(path)
        else:
            errors.append(f"« {path} » : fichier ou dossier introuvable")
    return Collected(files, skipped, errors)
