"""The documents say what the program does (issue 20): the CSV columns docs/OUTPUT.md lists are the
ones written, the README's sample outputs are what its commands print, every flag and command the
documents name exists, and the exit codes they give are the ones the commands end with."""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
import signal
import subprocess
import sys

import pytest

from conftest import FIXTURES, ROOT
from report_extract import cli_support
from report_extract.archive.unit import LONG_COLUMNS, PROBLEM_COLUMNS, SUMMARY_COLUMNS
from report_extract.writers import wide_columns

README = (ROOT / "README.md").read_text(encoding="utf-8")
OUTPUT = (ROOT / "docs" / "OUTPUT.md").read_text(encoding="utf-8")
DOCS = [README, *(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md")))]
SAMPLE = ROOT / "examples" / "sample-report-2024.txt"
FLAT_KEY = re.compile(r"^\w+\.\w+\.\w+$")  # table.row.column: wide.csv's columns after the listed ones


def run(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "report_extract", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300, **kwargs)


# --- the columns -------------------------------------------------------------------------------
def documented_columns() -> dict[str, list[str]]:
    """The column lists of OUTPUT.md: ``- `NAME.csv`: `a`, `b`, … [then one column per flat key]``."""
    lists = {}
    for name, columns in re.findall(r"^- `(\w+)\.csv`: (.+)$", OUTPUT, re.M):
        lists[name] = re.findall(r"`([^`]+)`", columns.split(", then")[0])
    return lists


def test_the_documented_columns_are_the_columns_constants():
    documented = documented_columns()
    assert sorted(documented) == ["long", "problems", "summary", "wide"]
    assert documented["summary"] == list(SUMMARY_COLUMNS)
    assert documented["long"] == list(LONG_COLUMNS)
    assert documented["problems"] == list(PROBLEM_COLUMNS)
    wide = wide_columns()
    assert documented["wide"] + [c for c in wide if FLAT_KEY.match(c)] == wide


def test_the_documented_columns_are_the_headers_written(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "sample.txt").write_bytes(SAMPLE.read_bytes())
    (archive / "balance.txt").write_bytes((FIXTURES / "v2021-balance.txt").read_bytes())
    (archive / "empty.txt").write_bytes(b"")
    assert run("batch", archive, "-o", tmp_path / "out").returncode == 3
    documented = documented_columns()
    for name, columns in documented.items():
        text = (tmp_path / "out" / f"{name}.csv").read_text(encoding="utf-8-sig")
        header = next(csv.reader(io.StringIO(text)))
        assert header[:len(columns)] == columns, name
        assert all(FLAT_KEY.match(c) for c in header[len(columns):]), name
    one = run("extract", "-f", "csv", SAMPLE).stdout.lstrip("\ufeff")
    assert next(csv.reader(io.StringIO(one))) == wide_columns()


def test_every_failure_reason_is_documented_with_its_code():
    from report_extract.reasons import REASONS

    documented = re.findall(r"^\| `(\w+)` \| ", OUTPUT.split("## Failure reasons")[1].split("\n## ")[0], re.M)
    assert documented == list(REASONS)


# --- the README's outputs ------------------------------------------------------------------------
def _shown(text: str):
    """A JSON block as the README shows it: ``…`` outside a string leaves members out (an object's
    becomes the member ``"…": true``, an array's the element ``"…"``); ``"…"`` is a value left out."""
    out, stack, in_string, escaped = [], [], False, False
    for ch in text:
        if in_string:
            escaped, in_string = (False, True) if escaped else (ch == "\\", ch != '"')
        elif ch == '"':
            in_string = True
        elif ch in "{[":
            stack.append(ch)
        elif ch in "}]":
            stack.pop()
        elif ch == "…":
            ch = '"…": true' if stack[-1] == "{" else '"…"'
        out.append(ch)
    return json.loads("".join(out))


def _agrees(shown, printed, where: str = "") -> None:
    """What the README shows is what was printed: every key shown, with its value, in the printed
    order; an object or array without ``…`` whole; ``"…"`` any value (a digest, a version, a text)."""
    if shown == "…":
        return
    if isinstance(shown, dict):
        assert isinstance(printed, dict), where
        keys = [k for k in shown if k != "…"]
        assert [k for k in printed if k in keys] == keys, where  # all there, in the printed order
        if "…" not in shown:
            assert list(printed) == keys, where
        for key in keys:
            _agrees(shown[key], printed[key], f"{where}.{key}")
    elif isinstance(shown, list):
        assert isinstance(printed, list), where
        cut = bool(shown) and shown[-1] == "…"
        items = shown[:-1] if cut else shown
        assert len(printed) >= len(items) if cut else len(printed) == len(items), where
        for i, item in enumerate(items):
            _agrees(item, printed[i], f"{where}[{i}]")
    else:
        assert (type(shown), shown) == (type(printed), printed), where


SAMPLES = re.findall(r"<!-- output of: (.+?) -->\n```json\n(.*?)```", README, re.S)


def test_the_readme_shows_its_sample_outputs():
    commands = [command for command, _ in SAMPLES]
    assert "report-extract extract examples/sample-report-2024.txt" in commands
    assert len(SAMPLES) == README.count("<!-- output of:")  # each marker has its block


@pytest.mark.parametrize("command,block", SAMPLES, ids=[c for c, _ in SAMPLES])
def test_a_readme_sample_output_is_what_its_command_prints(command, block):
    words = shlex.split(command)
    assert words[0] == "report-extract"
    done = run(*words[1:])
    assert done.returncode == 0 and done.stderr == ""
    _agrees(_shown(block), json.loads(done.stdout))


def test_a_sample_that_says_what_is_not_printed_fails():
    printed = json.loads(run("extract", SAMPLE).stdout)
    with pytest.raises(AssertionError):  # the problem the README once showed
        _agrees(_shown('{"problems": [{"code": "balance"}], …}'), printed)
    with pytest.raises(AssertionError):  # a figure the sample does not give
        _agrees(_shown('{"tables": {"proactive": {"normative_documents": {"issued": 4, …}, …}, …}, …}'), printed)
    with pytest.raises(AssertionError):  # an object shown whole that is not
        _agrees(_shown('{"report": {"year": 2024}, …}'), printed)


# --- flags, commands and exit codes ----------------------------------------------------------------
# flags the documents name of other programs: what they belong to
OTHER_TOOLS = {"--convert-to": "soffice", "--headless": "soffice", "--decrypt": "qpdf", "--nworkers": "dask worker",
               "--nthreads": "dask worker", "--counts": "sqlite-utils", "--table": "sqlite-utils"}
OUR_SCRIPTS = [ROOT / "tests" / "fixtures" / "generate.py", *sorted((ROOT / "benchmarks").glob("*.py")),
               ROOT / "src" / "report_extract" / "batch.py"]


def _helps(*group: str) -> str:
    """The help of the command ``group`` and of every command under it, sub-commands too (review list …)."""
    said = run(*group, "--help").stdout
    if "Commands:" not in said:
        return said
    commands = re.findall(r"^  (\w+)\s", said.split("Commands:")[1], re.M)
    return said + "".join(_helps(*group, command) for command in commands)


def test_every_flag_the_documents_name_exists():
    helps = _helps()
    scripts = "".join(path.read_text(encoding="utf-8") for path in OUR_SCRIPTS)
    flags = {flag for text in DOCS for flag in re.findall(r"(?<![\w-])--[a-z][a-z0-9-]+", text)}
    assert {"--strict", "--scheduler", "--max-memory", "--bodies"} <= flags
    for flag in sorted(flags):
        assert flag in OTHER_TOOLS or re.search(rf"{flag}\b", helps) or f'"{flag}"' in scripts, flag


def test_every_command_the_documents_run_exists():
    commands = set(re.findall(r"^  (\w+)\s", run("--help").stdout.split("Commands:")[1], re.M))
    spans = [line for text in DOCS for line in re.findall(r"`(report-extract [^`]+)`", text)]
    blocks = [line.strip() for text in DOCS for block in re.findall(r"```sh\n(.*?)```", text, re.S)
              for line in block.splitlines()]
    named = {m.group(1) for line in spans + blocks for m in re.finditer(r"(?:^|[|;] )report-extract (\w[\w-]*)", line)}
    assert {"extract", "batch", "check", "compare", "fields", "schema", "limits"} <= named
    assert named <= commands, named - commands


def _documented_exit_codes() -> dict[str, str]:
    section = OUTPUT.split("## Exit codes")[1].split("\n## ")[0]
    return dict(re.findall(r"^\| ([\d, ]+) \| (.+) \|$", section, re.M))


def test_the_documented_exit_codes_are_the_commands():
    codes = _documented_exit_codes()
    interrupted = f"{128 + signal.SIGINT}, {128 + signal.SIGTERM}, {128 + signal.SIGHUP}"
    assert list(codes) == [str(cli_support.EXIT_OK), str(cli_support.EXIT_PROBLEMS), str(cli_support.EXIT_USAGE),
                           str(cli_support.EXIT_UNREADABLE), str(cli_support.EXIT_OUTPUT), interrupted]
    assert codes["1"].startswith("`--strict`") and codes["2"].startswith("usage error")
    assert codes["3"].startswith("an input could not be read") and codes["4"].startswith("the output could not be")
    for code, words in (("0", "every input read"), ("1", "with `--strict`"), ("2", "usage error"),
                        ("3", "an input could not be read"), ("4", "the output could not be written")):
        assert f"`{code}` {words}" in " ".join(README.split()), code


def test_each_documented_exit_code_is_what_a_command_ends_with(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    assert run("extract", SAMPLE).returncode == cli_support.EXIT_OK
    assert run("extract", "--strict", FIXTURES / "v2021-balance.txt").returncode == cli_support.EXIT_PROBLEMS
    assert run("extract", SAMPLE, "-o", tmp_path / "out.xlsx").returncode == cli_support.EXIT_USAGE
    assert run("extract", tmp_path / "empty.txt").returncode == cli_support.EXIT_UNREADABLE
    with open("/dev/full", "w") as full:
        assert subprocess.run([sys.executable, "-m", "report_extract", "extract", str(SAMPLE)], stdout=full,
                              stderr=subprocess.DEVNULL, cwd=ROOT, timeout=300).returncode == cli_support.EXIT_OUTPUT
