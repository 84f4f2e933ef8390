"""The project keeps its promises to a new user: the README's two commands, CI running them."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[1]


def readme_commands() -> list[str]:
    """The shell commands of the README's first two code blocks."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", text, re.S)[:2]]


def test_readme_starts_with_the_install_and_the_test_commands():
    install, tests = readme_commands()
    assert "pip install" in install
    assert "xl-idf validate workbooks/exemple-trimestre-2022T4.xlsx" in install
    # The sample holds planted mistakes: exit code 1 is its expected outcome, 2 is not.
    assert install.endswith("|| [ $? -eq 1 ])")
    assert tests.endswith("pytest")
    head = (ROOT / "README.md").read_text(encoding="utf-8")[:400]
    assert install in head


def test_ci_runs_the_readme_test_command():
    _, tests = readme_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert tests in ci


def test_layout_of_the_design():
    for path in ("xl_idf", "udfs", "scripts", "workbooks", "tests", "pyproject.toml", "README.md"):
        assert (ROOT / path).exists(), path
