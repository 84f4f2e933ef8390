"""Fetch what the Pyodide test needs into `.cache/`: Pyodide from npm, python-stdnum's wheel.

Run: `python scripts/fetch_pyodide.py` (CI runs it; it returns at once when both are there).
tests/test_lite.py runs the main.py of scripts/build_lite.py in Pyodide under Node.js, the
Python compiled to WebAssembly that xlwings Lite runs, with python-stdnum's wheel unpacked into
it as Lite installs it from requirements.txt. Needs Node.js and npm, and PyPI for the wheel.
"""

from __future__ import annotations

import importlib.metadata
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
# xlwings Lite runs Pyodide 0.27 (Python 3.12) since April 2025; the last 0.27 release.
PYODIDE_VERSION = "0.27.7"
CACHE = ROOT / ".cache" / f"pyodide-{PYODIDE_VERSION}"
# The python-stdnum that the package is tested with here, so that both runs use the same.
STDNUM_VERSION = importlib.metadata.version("python-stdnum")


def pyodide_dir() -> Path | None:
    """The npm package of Pyodide in the cache, when it is there at the expected version."""
    folder = CACHE / "node_modules" / "pyodide"
    manifest = folder / "package.json"
    if manifest.is_file() and json.loads(manifest.read_text())["version"] == PYODIDE_VERSION:
        return folder
    return None


def stdnum_wheel() -> Path | None:
    """python-stdnum's wheel in the cache, when it is there."""
    wheels = sorted((CACHE / "wheels").glob(f"python_stdnum-{STDNUM_VERSION}-*.whl"))
    return wheels[0] if wheels else None


def fetch() -> None:
    """Install Pyodide and download the wheel, each only when it is missing."""
    if pyodide_dir() is None:
        npm = shutil.which("npm")
        if npm is None:
            sys.exit("fetch_pyodide: npm not found: install Node.js (20 or later)")
        subprocess.run(
            [npm, "install", "--prefix", str(CACHE), "--no-save", "--no-audit", "--no-fund",
             "--loglevel=error", f"pyodide@{PYODIDE_VERSION}"],
            check=True,
        )  # fmt: skip
    if stdnum_wheel() is None:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--only-binary=:all:", "--dest", str(CACHE / "wheels"),
             f"python-stdnum=={STDNUM_VERSION}"],
            check=True,
        )  # fmt: skip
    print(f"{pyodide_dir()}\n{stdnum_wheel()}")


if __name__ == "__main__":
    fetch()
