"""Terminal views at 80 columns, drawn in a real terminal (tmux): labels wrap, numbers and the
problem markers are never cut, and both values of a change always show (issue 20)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

import report_extract
from conftest import CORPUS, FIXTURES

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def drawn_at_80(*args: str) -> str:
    """What a terminal 80 columns wide shows of ``report-extract ARGS`` (the whole scrollback)."""
    session = f"re-{uuid.uuid4().hex[:8]}"
    done = Path(f"/tmp/{session}.done")
    command = " ".join([sys.executable, "-m", "report_extract", *map(str, args)]) + f"; touch {done}; sleep 30"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "50", command], check=True)
    try:
        deadline = time.monotonic() + 120
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert done.exists(), "the command did not finish"
        return subprocess.run(["tmux", "capture-pane", "-p", "-S", "-", "-E", "-", "-t", session],
                              capture_output=True, text=True, check=True).stdout
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
        done.unlink(missing_ok=True)


def _numbers(report) -> set[str]:
    from report_extract.messages_zh import num

    return {num(v) for v in report.flat().values() if v is not None}


@pytest.mark.parametrize("path", [CORPUS / "hongze-2023.pdf", CORPUS / "pingtan-2020.page.txt",
                                  FIXTURES / "v2021-balance.txt"], ids=lambda p: p.name)
def test_check_at_80_columns_cuts_no_number_nor_marker(path):
    if not path.exists():
        pytest.skip(f"{path} is not here")
    shown = drawn_at_80("check", path)
    assert all(len(line) <= 80 for line in shown.splitlines())
    tables = shown[shown.find("┌"):]
    assert "…" not in tables  # nothing in the tables is cut
    report = report_extract.extract(path)
    cells = set(re.findall(r"(?<=[│ ])(-?\d[\d.]*)(?=(?:［[\d,]+］)? *│)", tables))
    assert _numbers(report) <= cells | {"0"}, _numbers(report) - cells
    for number, problem in enumerate(report.problems, 1):
        if problem.table and problem.row and problem.column:
            assert re.search(rf"［(?:\d+,)*{number}(?:,\d+)*］", tables), number


def test_compare_at_80_columns_shows_both_values_of_every_change():
    a, b = CORPUS / "pingtan-2022.page.txt", CORPUS / "pingtan-2024.page.html"
    if not a.exists() or not b.exists():
        pytest.skip("the corpus is not here")
    shown = drawn_at_80("compare", a, b)
    assert all(len(line) <= 80 for line in shown.splitlines())
    assert "…" not in shown[shown.find("┌"):]
    from report_extract.compare import compare
    from report_extract.messages_zh import num

    result = compare(report_extract.extract(a), report_extract.extract(b))
    changed = [v for v in result["values"] if v["a"] != v["b"] and v["a"] is not None and v["b"] is not None]
    assert changed
    for value in changed:
        assert re.search(rf"│ +{re.escape(num(value['a']))} │", shown), value
        assert re.search(rf"│ +→{re.escape(num(value['b']))} │", shown), value
