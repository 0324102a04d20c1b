"""The command line as a user runs it: exit codes, stdout data only, one-line errors on stderr."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from conftest import FIXTURES, ROOT

CLEAN = FIXTURES / "v2021-clean.txt"


def run(*args, stdin: bytes | None = None):
    return subprocess.run([sys.executable, "-m", "report_extract", *map(str, args)], input=stdin,
                          capture_output=True, cwd=ROOT)


def test_extract_prints_json_on_stdout_only():
    result = run("extract", CLEAN)
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["schema_version"] == 1
    assert data["report"]["organization"] == "示例市清河区白鹭镇人民政府"
    assert result.stderr == b""


def test_yaml_and_several_inputs_as_one_json_array():
    result = run("extract", "-f", "yaml", CLEAN)
    assert yaml.safe_load(result.stdout)["report"]["year"] == 2023
    result = run("extract", CLEAN, FIXTURES / "v2019-clean.txt")
    assert [r["report"]["template"] for r in json.loads(result.stdout)] == ["v2021", "v2019"]


def test_jsonl_is_one_object_a_line_even_for_one_input():
    lines = run("extract", "-f", "jsonl", CLEAN).stdout.decode().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["report"]["year"] == 2023
    lines = run("extract", "-f", "jsonl", CLEAN, FIXTURES / "v2019-clean.txt").stdout.decode().splitlines()
    assert [json.loads(line)["report"]["year"] for line in lines] == [2023, 2020]


def test_stdin_and_output_file(tmp_path):
    out = tmp_path / "out" / "r.json"
    result = run("extract", "-", "-o", out, stdin=CLEAN.read_bytes())
    assert result.returncode == 0 and result.stdout == b""
    assert json.loads(out.read_text(encoding="utf-8"))["source"]["path"] == "<stdin>"
    assert [p.name for p in out.parent.iterdir()] == ["r.json"]  # no temporary file left


def test_csv_is_one_wide_row_with_a_bom():
    result = run("extract", "-f", "csv", CLEAN)
    text = result.stdout.decode("utf-8")
    assert text.startswith("\ufeffpath,")
    header, row = text.strip("\ufeff").splitlines()
    assert "applications.new_received.total" in header.split(",")


def test_strict_exits_1_on_error_problems():
    assert run("extract", FIXTURES / "v2021-balance.txt").returncode == 0
    result = run("extract", "--strict", FIXTURES / "v2021-balance.txt")
    assert result.returncode == 1
    assert result.stderr.decode() == (f"report-extract: {FIXTURES / 'v2021-balance.txt'}：--strict：报告有 "
                                      "2 个错误（balance ×2）\n")
    assert run("extract", "--strict", CLEAN).returncode == 0


@pytest.mark.parametrize("content,reason", [
    (b"", "文件是空的"),
    ("今天天气很好。我们去公园散步吧。\n".encode(), "不是政府信息公开工作年度报告"),
    (bytes(range(256)) * 20, "是二进制文件，不是文本"),
])
def test_bad_inputs_exit_3_with_one_line(tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = run("extract", path)
    assert result.returncode == 3
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and reason in lines[0]
    assert result.stdout == b""


def test_missing_path_exits_3_and_the_batch_goes_on(tmp_path):
    result = run("extract", tmp_path / "nope.txt", CLEAN)
    assert result.returncode == 3
    assert "nope.txt：文件不存在" in result.stderr.decode()
    assert [r["report"]["year"] for r in json.loads(result.stdout)] == [2023]  # still an array


def test_usage_errors_exit_2():
    assert run("extract", "-f", "xml", CLEAN).returncode == 2
    assert run("extract").returncode == 2


def test_gb18030_text_reads_like_utf8():
    utf8 = json.loads(run("extract", CLEAN).stdout)
    gb = json.loads(run("extract", FIXTURES / "v2021-clean.gb18030.txt").stdout)
    assert gb["tables"] == utf8["tables"] and gb["report"]["title"] == utf8["report"]["title"]


def test_schema_and_fields_commands():
    schema = json.loads(run("schema").stdout)
    assert schema["title"].startswith("report-extract")
    fields = run("fields").stdout.decode().splitlines()
    assert any(line.startswith("applications.new_received.natural_person\t") for line in fields)
    assert any(line.startswith("proactive.centralized_procurement.procurement_amount\t") for line in fields)


def test_help_imports_no_format_library():
    code = ("import sys; from report_extract.cli import app; from typer.testing import CliRunner; "
            "CliRunner().invoke(app, ['--help']); "
            "print(sorted(m for m in ('pdfplumber', 'docx', 'pypdfium2', 'lxml') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=ROOT)
    assert result.stdout.decode().strip() == "[]"


def test_csv_row_has_the_same_columns_as_batch_wide_csv(tmp_path):
    from report_extract.writers import wide_columns

    text = run("extract", "-f", "csv", CLEAN).stdout.decode("utf-8-sig")
    header, row = text.splitlines()
    assert header.split(",") == wide_columns()
    values = dict(zip(header.split(","), row.split(",")))
    assert values["organization"] == "示例市清河区白鹭镇人民政府"
    data = json.loads(run("extract", CLEAN).stdout)
    assert int(values["applications.new_received.total"]) == data["tables"]["applications"]["new_received"]["total"]
    assert values["applications.other.total"] == ""  # a v2019 key stays empty in a v2021 report
