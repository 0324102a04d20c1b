"""`report-extract check`: the problems in Chinese grouped by table, the tables as the template
draws them with flagged cells marked; plain text in a pipe; exit 1 on an error-level problem."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from conftest import FIXTURES, ROOT, corpus_file


def check(*paths, env=None):
    return subprocess.run([sys.executable, "-m", "report_extract", "check", *map(str, paths)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, env=_environ(env or {}))


def _environ(changes: dict) -> dict:
    """os.environ with ``changes`` (None removes a variable)."""
    environ = {**os.environ, **changes}
    return {k: v for k, v in environ.items() if v is not None}


def test_hongze_problems_grouped_with_pages_and_flagged_cells():
    result = check(corpus_file("hongze-2023.pdf"))
    assert result.returncode == 1
    out = result.stdout
    assert "\x1b[" not in out  # a pipe gets no colour codes
    assert "洪泽区人民政府2023年政府信息公开工作年度报告" in out
    assert "机关：洪泽区人民政府　年度：2023　模板：2021年版模板" in out
    assert "问题：错误 5，警告 0，提示 0" in out
    review = out.index("\n四、政府信息公开行政复议、行政诉讼情况\n")
    assert re.search(r"［4］#[0-9a-f]{8}｜错误：第4页，「四、政府信息公开行政复议、行政诉讼情况」“行政复议”", out).start() > review
    # the review table drawn with the two flagged totals marked by their problem numbers
    assert "│ 行政复议                  │   10 │    1 │    0 │    0 │ 0［4］ │" in out
    assert "│ 行政诉讼·复议后起诉       │    5 │    0 │    0 │    0 │ 0［5］ │" in out
    assert out.count("］ │") == 2


def test_balance_fixture_marks_its_two_cells_and_a_clean_report_exits_0():
    result = check(FIXTURES / "v2021-balance.txt")
    assert result.returncode == 1
    assert "│ 四、结转下年度继续办理" in result.stdout
    line = next(x for x in result.stdout.splitlines() if x.startswith("│ 四、结转下年度继续办理"))
    assert "3［1］" in line and "6［2］" in line
    clean = check(FIXTURES / "v2021-clean.txt")
    assert clean.returncode == 0
    assert "问题：错误 0，警告 0，提示 0" in clean.stdout and "［" not in clean.stdout


def test_unreadable_input_is_named_and_exits_3():
    result = check(FIXTURES / "v2021-clean.txt", ROOT / "no-such.pdf")
    assert result.returncode == 3
    assert "no-such.pdf：文件不存在" in result.stderr
    assert "示例市清河区白鹭镇人民政府" in result.stdout


def test_colour_only_on_a_terminal_and_no_padding_in_a_pipe():
    plain = check(FIXTURES / "v2021-balance.txt", env={"FORCE_COLOR": None})
    assert "\x1b[" not in plain.stdout
    assert not [line for line in plain.stdout.splitlines() if line != line.rstrip()]
    coloured = check(FIXTURES / "v2021-balance.txt", env={"FORCE_COLOR": "1"})  # as rich sees a terminal
    assert "\x1b[1;37;41m3［1］" in coloured.stdout  # the flagged cell, white on red


def test_a_result_json_is_shown_as_it_was_written(tmp_path):
    result = tmp_path / "balance.json"
    subprocess.run([sys.executable, "-m", "report_extract", "extract", str(FIXTURES / "v2021-balance.txt"), "-o",
                    str(result)], cwd=ROOT, check=True, timeout=120)
    shown = check(result)
    assert shown.returncode == 1
    line = next(x for x in shown.stdout.splitlines() if x.startswith("│ 四、结转下年度继续办理"))
    assert "3［1］" in line and "6［2］" in line
