"""Print workbooks as a reader would: to PDF with LibreOffice, then to PNG pages with pdftoppm.

Run: `python scripts/render.py [WORKBOOK...] [--output-dir DIR] [--resolution DPI]`. Without
workbooks it renders the three people print: the provider template, the sample quarter's
annotated copy (made by `xl-idf validate workbooks/exemple-trimestre-2022T4.xlsx --annotate`)
and the calculator. For each file it prints the number of pages, and the pages of each sheet as
its footer names them (« <sheet> — Page n sur N »). Look at the PNG pages: a heading cut, a
column alone on a page or text too small to read is what this script is for.

Needs LibreOffice (`soffice`) and poppler-utils (`pdftoppm`, `pdfinfo`, `pdftotext`).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).parents[1]
WORKBOOKS = ROOT / "workbooks"
TEMPLATE = WORKBOOKS / "modele-dossiers-idf.xlsx"
SAMPLE = WORKBOOKS / "exemple-trimestre-2022T4.xlsx"
CALCULATOR = WORKBOOKS / "calculateur-idf.xlsm"
POPPLER = "poppler-utils"
TIMEOUT = 240  # seconds: LibreOffice's first start with a fresh profile takes a while
FRENCH_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
  xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">
<value>fr-FR</value></prop></item>
</oor:items>
"""
# The footer every printed sheet carries (xl_idf.printing.FOOTER_LEFT, FOOTER_RIGHT), as
# pdftotext reads it.
# The file's name comes first on the line, two spaces or more before: a sheet's name has single
# spaces only.
FOOTER = re.compile(
    r"(?:^|\s\s)\s*(?P<sheet>\S+(?: \S+)*) — Page (?P<page>\d+) sur (?P<pages>\d+)\s*$", re.M
)


def tool(command: str, package: str) -> str:
    """The path of `command`, or stop with a French message naming the Debian package."""
    found = shutil.which(command)
    if found is None:
        sys.exit(f"« {command} » est introuvable : installer le paquet Debian {package}.")
    return found


def annotated_sample(folder: Path) -> Path:
    """The sample quarter's annotated copy, made by `xl-idf validate --annotate` in `folder`."""
    done = subprocess.run(
        [sys.executable, "-m", "xl_idf", "validate", str(SAMPLE), "--annotate", str(folder)],
        capture_output=True, text=True, timeout=TIMEOUT, check=False,
    )  # fmt: skip
    # The sample holds deliberate mistakes: exit code 1 (a file to correct) is expected.
    if done.returncode not in (0, 1):
        sys.exit(f"xl-idf validate a échoué ({done.returncode}) : {done.stderr}")
    copy = folder / f"{SAMPLE.stem}-controle{SAMPLE.suffix}"
    if not copy.is_file():
        sys.exit(f"copie annotée absente : {copy}\n{done.stderr}")
    return copy


def to_pdf(workbooks: list[Path], output: Path) -> list[Path]:
    """Print each workbook to `output/<stem>.pdf` with LibreOffice, headless.

    A private profile (`-env:UserInstallation`) keeps this run apart from any LibreOffice the
    user has open, and from another run at the same time; it is set to French (France), so that
    amounts print as French Excel shows them (« 1 234,50 € »), whatever the machine's locale.
    """
    output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        settings = Path(profile) / "user" / "registrymodifications.xcu"
        settings.parent.mkdir(parents=True)
        settings.write_text(FRENCH_PROFILE, encoding="utf-8")
        done = subprocess.run(
            [tool("soffice", "libreoffice-calc-nogui"), f"-env:UserInstallation=file://{profile}",
             "--headless", "--calc", "--convert-to", "pdf", "--outdir", str(output),
             *map(str, workbooks)],
            capture_output=True, text=True, timeout=TIMEOUT, check=False,
        )  # fmt: skip
    pdfs = [output / f"{workbook.stem}.pdf" for workbook in workbooks]
    missing = [pdf.name for pdf in pdfs if not pdf.is_file()]
    if done.returncode != 0 or missing:
        raise RuntimeError(f"LibreOffice n'a pas écrit {missing} : {done.stderr}{done.stdout}")
    return pdfs


def pages_drawn(pdf: Path) -> list[Path]:
    """The PNG pages of `pdf` beside it, in page order (`<stem>-<n>.png`, n of any width)."""
    page = re.compile(re.escape(pdf.stem) + r"-(\d+)\.png")
    found = [(m, p) for p in pdf.parent.glob("*.png") if (m := page.fullmatch(p.name))]
    return [p for m, p in sorted(found, key=lambda mp: int(mp[0].group(1)))]


def to_png(pdf: Path, resolution: int) -> list[Path]:
    """Each page of `pdf` as `<stem>-<n>.png` beside it."""
    for old in pages_drawn(pdf):
        old.unlink()
    subprocess.run(
        [tool("pdftoppm", POPPLER), "-png", "-r", str(resolution), str(pdf),
         str(pdf.with_suffix(""))],
        check=True, timeout=TIMEOUT,
    )  # fmt: skip
    return pages_drawn(pdf)


def page_count(pdf: Path) -> int:
    """The number of pages of `pdf`, from pdfinfo."""
    info = subprocess.run(
        [tool("pdfinfo", POPPLER), str(pdf)], capture_output=True, text=True, check=True
    )
    match = re.search(r"^Pages:\s+(\d+)$", info.stdout, re.M)
    assert match is not None, info.stdout
    return int(match.group(1))


def page_texts(pdf: Path) -> list[str]:
    """The text of each page of `pdf`, laid out as printed (pdftotext -layout)."""
    text = subprocess.run(
        [tool("pdftotext", POPPLER), "-layout", str(pdf), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return text.split("\f")[: page_count(pdf)]


def pages_by_sheet(pdf: Path) -> dict[str, int]:
    """How many pages each sheet printed on, read from the footers; unnamed pages under « ? »."""
    counts: Counter[str] = Counter()
    for text in page_texts(pdf):
        found = FOOTER.findall(text)
        counts[found[-1][0] if found else "?"] += 1
    return dict(counts)


def main() -> None:
    """Render the workbooks given, or the three that are printed, and say how many pages."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("workbooks", nargs="*", type=Path)
    parser.add_argument("--output-dir", type=Path, default=ROOT / "build" / "render")
    parser.add_argument("--resolution", type=int, default=100, help="PNG pixels per inch")
    args = parser.parse_args()
    output: Path = args.output_dir
    output.mkdir(parents=True, exist_ok=True)
    workbooks: list[Path] = args.workbooks
    if not workbooks:
        workbooks = [TEMPLATE, annotated_sample(output / "annotated"), CALCULATOR]
    for pdf in to_pdf(workbooks, output):
        pngs = to_png(pdf, args.resolution)
        sheets = ", ".join(f"{sheet} {n}" for sheet, n in pages_by_sheet(pdf).items())
        print(f"{pdf.name} : {len(pngs)} pages ({sheets}) -> {pdf.parent}/{pdf.stem}-*.png")


if __name__ == "__main__":
    main()
