"""Hostile input and the command-line contract (issue 12): each limit refuses its class in one
line naming the limit and how to raise it; outputs that cannot be written are one line, never a
traceback; batch workers are capped, killed whole and cleaned up."""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, zip_bomb_docx
from report_extract import limits
from report_extract.errors import ReportError
from report_extract.pipeline import extract

CLEAN = FIXTURES / "v2021-clean.txt"


def run(*args, stdin=None, env=None, **kwargs):
    return subprocess.run([sys.executable, "-m", "report_extract", *map(str, args)], input=stdin,
                          capture_output=True, cwd=ROOT, env={**os.environ, **(env or {})}, timeout=300, **kwargs)


def one_line(result) -> str:
    lines = result.stderr.decode("utf-8").splitlines()
    assert len(lines) == 1, lines
    assert b"Traceback" not in result.stderr
    return lines[0]


# --- limits, each checked before the work it bounds -------------------------------------------
def test_every_limit_is_named_documented_and_raisable(monkeypatch):
    contract = (ROOT / "docs" / "OUTPUT.md").read_text(encoding="utf-8")
    for limit in limits.ALL:
        assert limit.env in contract, limit.env
        monkeypatch.setenv(limit.env, "7")
        assert limit.value == 7
        monkeypatch.setenv(limit.env, "nonsense")
        assert limit.value == limit.default
    error = limits.PAGES.error("pdf_pages", "x.pdf", count=9000)
    assert str(error) == ("x.pdf: a PDF of 9,000 pages: over the page count limit of 2,000 pages "
                          "(raise it with REPORT_EXTRACT_MAX_PAGES=N)")
    assert error.said_zh() == "x.pdf：PDF 文件共有 9,000 页，超过页数上限 2,000 页（可用 REPORT_EXTRACT_MAX_PAGES=N 提高）"
    assert (error.code, error.facts["limit"]) == ("pdf_pages", "page count")


def test_a_limit_is_raised_by_its_environment_variable(tmp_path):
    page = tmp_path / "p.html"
    page.write_bytes(b"<html><body><table>" + b"<tr><td>1</td><td>2</td></tr>" * 60 + b"</table></body></html>")
    refused = run("extract", page, env={"REPORT_EXTRACT_MAX_CELLS": "100"})
    assert refused.returncode == 3
    assert one_line(refused) == (f"report-extract: {page}：网页共有 120 个表格单元格，超过文档单元格数上限 100 格"
                                 "（可用 REPORT_EXTRACT_MAX_CELLS=N 提高）")
    allowed = run("extract", page, env={"REPORT_EXTRACT_MAX_CELLS": "1000"})
    assert "文档单元格数" not in allowed.stderr.decode()


def test_zip_bomb_is_refused_from_its_directory(tmp_path):
    bomb = zip_bomb_docx(tmp_path / "bomb.docx").read_bytes()
    start = time.monotonic()
    with pytest.raises(ReportError) as caught:
        extract("bomb.docx", bomb)
    assert time.monotonic() - start < 5  # never unzipped
    assert caught.value.reason.startswith("a DOCX (zip) that unzips to 300.")
    assert "over the unzipped size limit of 256 MB (raise it with REPORT_EXTRACT_MAX_UNZIPPED_MB=N)" in str(caught.value)


def test_html_spans_are_counted_before_they_are_expanded():
    row = b"<tr>" + b'<td colspan="200" rowspan="200">1</td>' * 10 + b"</tr>"
    page = "<html><body><p>一、总体情况</p><table><tr><td>申请人情况</td></tr>".encode() + row * 80 + b"</table></body></html>"
    with pytest.raises(ReportError) as caught:
        extract("spans.html", page)
    assert caught.value.reason == ("a table of 6,480,001 cells after its row and column spans: over the table cells "
                                   "limit of 200,000 cells (raise it with REPORT_EXTRACT_MAX_TABLE_CELLS=N)")


def test_mhtml_nested_deeply_is_refused_without_recursion():
    head = "".join(f'Content-Type: multipart/related; boundary="b{i}"\n\n--b{i}\n' for i in range(1000))
    tail = "".join(f"\n--b{i}--\n" for i in reversed(range(1000)))
    data = ("MIME-Version: 1.0\n" + head + "Content-Type: text/html\n\n<p>x</p>" + tail).encode()
    with pytest.raises(ReportError) as caught:
        extract("nested.mht", data)
    assert caught.value.reason.startswith("an MHTML file with 1,000 multipart containers: over the nesting depth limit")


def test_a_5000_digit_cell_is_not_a_number_and_the_report_is_still_read():
    text = CLEAN.read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if ln.startswith("一、本年新收"))
    cells = line.split("\t")
    cells[1] = "9" * 5000
    report = extract("digits.txt", text.replace(line, "\t".join(cells), 1).encode())
    assert report.tables["applications"]["new_received"]["natural_person"] is None
    codes = {(p.code, p.row, p.column) for p in report.problems}
    assert ("not_a_number", "new_received", "natural_person") in codes
    assert report.tables["applications"]["new_received"]["total"] is not None


def test_an_unknown_declared_charset_falls_back_to_detection():
    page = (FIXTURES / "v2021-clean.html").read_bytes().replace(b"<head>", b'<head><meta charset="x-nonsense">', 1)
    assert extract("charset.html", page).tables == extract("clean.html", (FIXTURES / "v2021-clean.html").read_bytes()).tables


def _form_pdf(drawn_by_form: bytes) -> bytes:
    from generate import pdf_file

    form = b"0 0 m 10 10 l S " + drawn_by_form
    return pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /XObject << /F 5 0 R >> >> >>",
        b"<< /Length 5 >>\nstream\n/F Do\nendstream",
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 100 100] /Resources << /XObject << /F 5 0 R >> >> /Length %d >>"
        b"\nstream\n" % len(form) + form + b"\nendstream"])


def test_a_pdf_form_that_draws_itself_is_refused_before_pdfium_loads_the_page():
    start = time.monotonic()
    with pytest.raises(ReportError) as caught:
        extract("self.pdf", _form_pdf(b"/F Do /F Do"))
    assert time.monotonic() - start < 5
    assert caught.value.reason == ("a PDF form XObject that draws itself (a recursive drawing pdfium would expand "
                                   "without end)")


def test_a_pdf_stream_inflating_past_the_limit_is_refused(monkeypatch):
    import zlib

    from generate import pdf_file

    monkeypatch.setenv("REPORT_EXTRACT_MAX_STREAM_MB", "1")
    stream = zlib.compress(b"0 0 m 1 1 l S\n" * 200_000, 9)
    data = pdf_file([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
                     b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"])
    with pytest.raises(ReportError) as caught:
        extract("inflate.pdf", data)
    assert caught.value.reason == ("a PDF stream that inflates to more than 1.0 MB: over the stream size limit of "
                                   "1 MB (raise it with REPORT_EXTRACT_MAX_STREAM_MB=N)")


@pytest.mark.parametrize("compressed", [False, True])
@pytest.mark.parametrize("painted, refused", [(100, False), (101, True)])
def test_paths_are_counted_in_the_shortest_stream_that_can_paint_too_many(monkeypatch, compressed, painted, refused):
    """A painting operator takes two bytes at least: a stream is counted once it is twice the limit
    long. The densest stream there is (`S` and a space, 202 bytes for 101 paths) is still counted."""
    import zlib

    from generate import pdf_file

    monkeypatch.setenv("REPORT_EXTRACT_MAX_PAGE_OBJECTS", "100")
    content = b"S " * painted
    stream = zlib.compress(content, 9) if compressed else content
    flate = b" /Filter /FlateDecode" if compressed else b""
    data = pdf_file([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
                     b"<< /Length %d%s >>\nstream\n" % (len(stream), flate) + stream + b"\nendstream"])
    from report_extract.readers.pdf import check_streams

    if refused:
        with pytest.raises(ReportError) as caught:
            check_streams(data, "dense.pdf")
        assert caught.value.code == "pdf_paths"
    else:
        check_streams(data, "dense.pdf")


def test_markdown_pipe_rows_are_linear():
    """Problem labelling used to scan every provenance entry per problem: 10,000 rows took 110 s."""
    from report_extract.model import Problem
    from report_extract.problems import place_on_rows

    provenance = {f"applications.row{i}.c{j}": {"label": f"L{i}", "page": i} for i in range(3000) for j in range(7)}
    problems = [Problem(code="unknown_row", severity="warning", message="m", table="applications", row=f"row{i}")
                for i in range(3000)]
    start = time.monotonic()
    place_on_rows(problems, provenance)
    assert time.monotonic() - start < 2  # quadratic: 63 million comparisons
    assert (problems[2999].label, problems[2999].page) == ("L2999", 2999)


# --- inputs that are not files, names that are not text -----------------------------------------
@pytest.mark.parametrize("make,reason", [
    (lambda d: "/dev/zero", "不是普通文件（字符设备），只读取普通文件"),
    (lambda d: (os.mkfifo(d / "f.txt"), d / "f.txt")[1], "不是普通文件（命名管道（FIFO）），只读取普通文件"),
    (lambda d: (d / "a.txt").symlink_to(d / "a.txt") or d / "a.txt", "符号链接形成循环"),
    (lambda d: (d / "e.pdf").write_bytes(b"") or d / "e.pdf", "文件是空的"),
])
def test_inputs_that_are_not_readable_files(tmp_path, make, reason):
    path = make(tmp_path)
    result = run("extract", path)
    assert result.returncode == 3
    assert one_line(result) == f"report-extract: {path}：{reason}"


def test_a_sparse_giant_is_refused_by_its_size_without_reading_it(tmp_path):
    path = tmp_path / "sparse.txt"
    with open(path, "wb") as handle:
        handle.truncate(10 << 30)
    result = run("extract", path)
    assert result.returncode == 3
    assert one_line(result) == (f"report-extract: {path}：大小为 10,240.0 MB，超过输入文件大小上限 256 MB"
                                "（可用 REPORT_EXTRACT_MAX_INPUT_MB=N 提高）")


def test_stdin_closed():
    result = subprocess.run(
        [sys.executable, "-c", "import os, sys; os.close(0); from report_extract.cli import main; "
         "sys.argv = ['report-extract', 'extract', '-']; main()"], capture_output=True, cwd=ROOT, timeout=60)
    assert result.returncode == 3
    assert one_line(result) == "report-extract: <stdin>：标准输入已关闭"


def test_control_characters_in_names_are_escaped(tmp_path):
    path = tmp_path / "r\x1b[31m\x07\nx.txt"
    path.write_bytes(b"")
    result = run("extract", path)
    assert one_line(result) == f"report-extract: {tmp_path}/r\\x1b[31m\\x07\\nx.txt：文件是空的"


def test_a_name_that_is_not_utf8_with_o(tmp_path):
    path = os.fsdecode(os.fsencode(tmp_path) + b"/r\xff.txt")
    Path(path).write_bytes(CLEAN.read_bytes())
    out = tmp_path / "out.json"
    result = run("extract", path, "-o", out)
    assert result.returncode == 0 and result.stderr == b""
    assert json.loads(out.read_text(encoding="utf-8"))["source"]["path"] == f"{tmp_path}/r\\xff.txt"


# --- outputs -------------------------------------------------------------------------------------
def test_o_an_existing_folder_writes_one_file_per_input(tmp_path):
    result = run("extract", CLEAN, FIXTURES / "v2019-clean.txt", "-o", tmp_path)
    assert result.returncode == 0 and result.stdout == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v2019-clean.txt.json", "v2021-clean.txt.json"]
    assert json.loads((tmp_path / "v2019-clean.txt.json").read_text(encoding="utf-8"))["report"]["year"] == 2020


@pytest.mark.parametrize("suffix,check", [
    (".yaml", lambda text: text.startswith("schema_version: 1")),
    (".csv", lambda text: text.startswith("\ufeffpath,")),
    (".jsonl", lambda text: len(text.splitlines()) == 1 and json.loads(text)["schema_version"] == 1),
])
def test_o_suffix_picks_the_format(tmp_path, suffix, check):
    out = tmp_path / f"r{suffix}"
    assert run("extract", CLEAN, "-o", out).returncode == 0
    assert check(out.read_text(encoding="utf-8"))


def test_o_under_a_file_is_a_usage_error(tmp_path):
    (tmp_path / "file").write_text("x")
    result = run("extract", CLEAN, "-o", tmp_path / "file" / "r.json")
    assert result.returncode == 2
    assert one_line(result) == f"report-extract: 无法写入 {tmp_path}/file/r.json：{tmp_path}/file 是文件，不是文件夹"


def test_stdout_full_or_closed_is_one_line_exit_4():
    with open("/dev/full", "wb") as full:
        result = subprocess.run([sys.executable, "-m", "report_extract", "extract", str(CLEAN)], stdout=full,
                                stderr=subprocess.PIPE, cwd=ROOT, timeout=60)
    assert result.returncode == 4
    assert one_line(result) == "report-extract: 无法写入标准输出（磁盘空间已满）"
    closed = subprocess.run([sys.executable, "-c", "import os, sys; os.close(1); from report_extract.cli import main; "
                             f"sys.argv = ['report-extract', 'extract', {str(CLEAN)!r}]; main()"],
                            stderr=subprocess.PIPE, cwd=ROOT, timeout=60)
    assert closed.returncode == 4
    assert one_line(closed) == "report-extract: 无法输出：标准输出已关闭（请用 -o FILE）"


# --- the help, the version, the schema ------------------------------------------------------------
def test_version_help_and_examples_in_every_command():
    from report_extract import __version__

    assert run("--version").stdout.decode() == f"report-extract {__version__}\n"
    assert run("-V").stdout.decode() == f"report-extract {__version__}\n"
    for command in ("extract", "batch", "check", "compare", "fields", "schema", "limits"):
        text = run(command, "-h").stdout.decode()
        assert re.search(r"Examples:\n +report-extract", text), command
        options = text.split("Options:")[1].split("Examples:")[0]
        assert "<" not in options and "[default: 0]" not in text  # no <bool>, <path>, <int range>
    assert "[default: (the number of CPUs)" in " ".join(run("batch", "--help").stdout.decode().split())
    assert "--install-completion" in run("--help").stdout.decode()


def test_the_contract_document_lists_every_problem_code_with_its_severity_kind_and_meaning():
    from report_extract.problems import CODES

    contract = (ROOT / "docs" / "OUTPUT.md").read_text(encoding="utf-8")
    for key, code in CODES.items():
        assert f"| `{key}` | {code.severity} | {code.kind} | {code.meaning} |" in contract, key


def test_schema_lists_every_problem_code_with_its_meaning_and_kind():
    from report_extract.problems import CODES

    problem = json.loads(run("schema").stdout)["$defs"]["Problem"]
    code = problem["properties"]["code"]
    assert code["enum"] == list(CODES)
    assert {c["const"]: c["description"] for c in code["oneOf"]} == {k: v.meaning for k, v in CODES.items()}
    assert {c["const"]: c["title"] for c in code["oneOf"]}["ambiguous_digits"] == "ambiguous_digits (error, reading)"
    assert {c["const"]: c["title"] for c in code["oneOf"]}["balance"] == "balance (error, report)"
    assert problem["properties"]["kind"]["enum"] == ["report", "reading"] and "kind" in problem["required"]
    assert problem["properties"]["limited_cells"]["anyOf"] == [{"type": "integer"}, {"type": "null"}]


def test_verbose_prints_the_traceback_of_an_internal_error(tmp_path):
    code = ("import sys; import report_extract.pipeline as p; "
            "p.build_report = lambda *a: (_ for _ in ()).throw(ValueError('boom')); "
            "from report_extract.cli import main; sys.argv = ['report-extract', *sys.argv[1:]]; main()")
    quiet = subprocess.run([sys.executable, "-c", code, "extract", str(CLEAN)], capture_output=True, cwd=ROOT)
    assert quiet.returncode == 3
    assert one_line(quiet) == f"report-extract: {CLEAN}：读取时发生内部错误（ValueError: boom），请报告此问题"
    loud = subprocess.run([sys.executable, "-c", code, "--verbose", "extract", str(CLEAN)], capture_output=True,
                          cwd=ROOT)
    assert loud.returncode == 3 and b"Traceback" in loud.stderr and b"ValueError: boom" in loud.stderr


# --- batch -----------------------------------------------------------------------------------------
def batch(*args, env=None):
    return run("batch", *args, env=env)


def test_batch_o_a_file_is_a_usage_error(tmp_path):
    (tmp_path / "f").write_text("x")
    result = batch(CLEAN, "-o", tmp_path / "f")
    assert result.returncode == 2
    assert one_line(result) == f"report-extract: -o {tmp_path}/f 是文件；batch 写入文件夹（请给出文件夹名）"


def test_batch_survives_hostile_names_and_links_and_non_reports(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "good.txt").write_bytes(CLEAN.read_bytes())
    Path(os.fsdecode(os.fsencode(archive) + b"/bad\xffname.txt")).write_bytes(CLEAN.read_bytes())
    (archive / "loop.txt").symlink_to(archive / "loop.txt")
    os.mkfifo(archive / "fifo.txt")
    (archive / "README.md").write_text("# 说明\n本目录收录年度报告。\n", encoding="utf-8")
    out = tmp_path / "out"
    result = batch(archive, "-o", out, "--timeout", "30")
    assert b"Traceback" not in result.stderr
    assert result.returncode == 3
    import csv

    with open(out / "summary.csv", encoding="utf-8-sig", newline="") as handle:
        rows = {Path(r["path"]).name: (r["status"], r["error"]) for r in csv.DictReader(handle)}
    assert rows == {
        "README.md": ("not_a_report", "not a government information-disclosure annual report: no report title, "
                                      "numbered sections or template tables found"),
        "bad\\xffname.txt": ("ok", ""), "good.txt": ("ok", ""),
        "fifo.txt": ("failed", "not a regular file (a FIFO (named pipe)); only files are read"),
        "loop.txt": ("failed", "a symbolic link loop")}
    assert re.fullmatch(rf"report-extract: 共 5 个输入：读取 2 个（1 个与另一文件是同一报告，未采用），"
                        rf"不是年度报告 1 个，无法读取 2 个；用时 [\d.]+ 秒；结果在 {re.escape(str(out))}",
                        result.stderr.decode().splitlines()[-1])


def test_batch_only_non_reports_exits_0(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "README.md").write_text("# 说明\n", encoding="utf-8")
    result = run("--quiet", "batch", tmp_path / "in", "-o", tmp_path / "out")
    assert result.returncode == 0 and result.stderr == b""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split()[2] != "Z"
    except OSError:
        return False


def test_a_timed_out_worker_is_killed_with_its_children_and_its_temp_folder(tmp_path):
    (tmp_path / "in").mkdir()
    source = tmp_path / "in" / "x-ORPHAN.txt"
    source.write_bytes(CLEAN.read_bytes())
    result = batch(tmp_path / "in", "-o", tmp_path / "out", "--timeout", "3",
                   env={"REPORT_EXTRACT_FAULTS": "orphan:ORPHAN"})
    assert result.returncode == 3
    note = json.loads(Path(str(source) + ".note").read_text(encoding="utf-8"))
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and (_alive(note["child"]) or _alive(note["worker"])):
        time.sleep(0.1)
    assert not _alive(note["child"]) and not _alive(note["worker"])
    assert Path(note["tmp"]).name.startswith("report-extract-worker-")
    assert not Path(note["tmp"]).exists()


def test_each_worker_has_a_memory_limit(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "x-HOG.txt").write_bytes(CLEAN.read_bytes())
    result = batch(tmp_path / "in", "-o", tmp_path / "out", "--max-memory", "300",
                   env={"REPORT_EXTRACT_FAULTS": "hog:HOG"})
    assert result.returncode == 3
    assert "failed: " in result.stderr.decode()
    assert ("读取它需要更多内存，超过内存上限 300 MB（可用 --max-memory 或 REPORT_EXTRACT_MAX_MEMORY_MB=N 提高）"
            in result.stderr.decode())
    with open(tmp_path / "out" / "summary.csv", encoding="utf-8-sig", newline="") as handle:
        [row] = csv.DictReader(handle)
    assert (row["error"], row["error_code"]) == ("reading it needed more memory: over the memory limit of 300 MB "
                                                 "(raise it with --max-memory or REPORT_EXTRACT_MAX_MEMORY_MB=N)",
                                                 "memory")


def test_workers_end_with_the_parent(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "tmp").mkdir()
    source = tmp_path / "in" / "x-ORPHAN.txt"
    source.write_bytes(CLEAN.read_bytes())
    process = subprocess.Popen([sys.executable, "-m", "report_extract", "batch", str(tmp_path / "in"), "-o",
                                str(tmp_path / "out"), "--timeout", "300"], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env={**os.environ, "REPORT_EXTRACT_FAULTS": "orphan:ORPHAN",
                                                               "TMPDIR": str(tmp_path / "tmp")})
    note_path = Path(str(source) + ".note")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not note_path.exists():
        time.sleep(0.1)
    time.sleep(0.2)
    note = json.loads(note_path.read_text(encoding="utf-8"))
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (_alive(note["child"]) or _alive(note["worker"])
                                           or any((tmp_path / "tmp").iterdir())):
        time.sleep(0.1)
    assert not _alive(note["worker"]) and not _alive(note["child"])
    assert not any((tmp_path / "tmp").iterdir())  # its temporary folder: removed by the janitor


def test_spreadsheets_carry_status_counts_and_flag_cells_in_the_workbook(tmp_path):
    import csv

    openpyxl = pytest.importorskip("openpyxl")
    (tmp_path / "in").mkdir()
    for name in ("v2021-clean.txt", "v2021-balance.txt"):
        (tmp_path / "in" / name).write_bytes((FIXTURES / name).read_bytes())
    out = tmp_path / "out"
    assert batch(tmp_path / "in", "-o", out, "--xlsx").returncode == 0
    with open(out / "wide.csv", encoding="utf-8-sig", newline="") as handle:
        wide = {Path(r["path"]).name: r for r in csv.DictReader(handle)}
    assert [(wide[n]["status"], wide[n]["errors"]) for n in ("v2021-balance.txt", "v2021-clean.txt")] == [
        ("problems", "2"), ("ok", "0")]
    text = run("extract", "-f", "csv", FIXTURES / "v2021-balance.txt").stdout.decode("utf-8-sig")
    row = next(csv.DictReader(text.splitlines()))
    assert (row["status"], row["errors"], row["warnings"]) == ("problems", "2", "0")

    book = openpyxl.load_workbook(out / "report.xlsx")
    sheet = book["wide"]
    assert sheet.freeze_panes == "C2" and sheet.auto_filter.ref.startswith("A1:")  # 机关 and 年度 frozen
    header = [c.value for c in sheet[1]]
    chinese = {c.value: c.comment.text for c in sheet[1]}
    assert header[:3] == ["organization", "year", "path"]
    assert chinese["organization"] == "机关"
    key = "applications.new_received.natural_person"
    assert chinese[key] == "一、本年新收政府信息公开申请数量 · 自然人"
    assert sheet.column_dimensions["C"].width > 20
    at = header.index("path")
    balance = next(r for r in sheet.iter_rows(min_row=2) if r[at].value.endswith("v2021-balance.txt"))
    data = json.loads(run("extract", FIXTURES / "v2021-balance.txt").stdout)
    flagged = {f"{p['table']}.{p['row']}.{p['column']}": p for p in data["problems"] if p["code"] == "balance"}
    assert len(flagged) == 2
    for key, problem in flagged.items():
        cell = balance[header.index(key)]
        assert cell.fill.fgColor.rgb.endswith("FFC7CE")
        assert cell.comment.text == f"[balance] {problem['message_zh']}"
    clean = next(r for r in sheet.iter_rows(min_row=2) if r[at].value.endswith("v2021-clean.txt"))
    assert all(c.comment is None for c in clean)
    assert book["summary"].freeze_panes == "C2"


def test_on_a_terminal_each_failure_is_listed_above_the_bar(tmp_path):
    import pty

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.txt").write_bytes(CLEAN.read_bytes())
    (tmp_path / "in" / "empty\x1b.txt").write_bytes(b"")
    master, slave = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "report_extract", "batch", str(tmp_path / "in"), "-o",
                                str(tmp_path / "out")], cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=slave, env={**os.environ, "COLUMNS": "200"})
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        seen += chunk
    process.wait(timeout=120)
    os.close(master)
    text = seen.decode("utf-8", "replace")
    assert process.returncode == 3
    assert f"无法读取：{tmp_path}/in/empty\\x1b.txt：文件是空的" in text
    assert "\x1b.txt" not in text  # the name's ESC escaped, never sent to the terminal


def test_on_a_terminal_the_bar_shows_before_the_first_input_is_done(tmp_path):
    """The largest input is read first and may take long (a scan): the bar is there from the start,
    not from the first input done (it is drawn at each input done, by no thread of rich's, so that
    the workers are still forked from a process of one thread)."""
    import pty

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.txt").write_bytes(CLEAN.read_bytes())
    (tmp_path / "in" / "slow.pdf").write_bytes((FIXTURES / "v2021-clean.pdf").read_bytes())  # the largest
    out = tmp_path / "out"
    master, slave = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "report_extract", "batch", str(tmp_path / "in"), "-o", str(out),
                                "--jobs", "1"], cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=slave, env={**os.environ, "COLUMNS": "120", "REPORT_EXTRACT_FAULTS": "pause:slow"})
    os.close(slave)
    seen, results_when_shown = b"", None
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        seen += chunk
        if results_when_shown is None and b"extracting" in seen:
            results_when_shown = sorted(p.name for p in out.glob("*.json"))
    process.wait(timeout=120)
    os.close(master)
    assert process.returncode == 0
    assert results_when_shown == []  # shown while the first input (paused 2 s) was still being read
    assert "0/?" in seen.decode("utf-8", "replace") and "2/2" in seen.decode("utf-8", "replace")


def test_control_characters_in_a_word_page_are_dropped_not_a_traceback():
    """Found by the campaign's mutations: a control character (raw or as &#5;) in a Word list
    number made lxml refuse the rewritten label (ValueError: All strings must be XML compatible)."""
    page = (FIXTURES / "v2021-clean.word.html").read_bytes()
    clean = extract("clean.html", page)
    for poison in (b"\x05", b"&#5;", b"&#x1b;&#0;"):
        bad = page.replace(b"'mso-list:Ignore'>", b"'mso-list:Ignore'>" + poison, 1)
        report = extract("bad.html", bad)
        assert report.tables == clean.tables
        assert [s.key for s in report.sections] == [s.key for s in clean.sections]


def _zip_patched(members: list[str], version: int | None = None, method: int | None = None) -> bytes:
    """A small zip whose first member declares another "version needed to extract" or compression
    method than zipfile knows (the bytes patched, as a damaged or foreign archiver's zip has them)."""
    import io
    import struct
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in members:
            archive.writestr(member, b"<a/>")
    data = bytearray(buffer.getvalue())
    central, local = data.find(b"PK\x01\x02"), data.find(b"PK\x03\x04")
    if version is not None:
        data[central + 6:central + 8] = struct.pack("<H", version)
    if method is not None:
        data[central + 10:central + 12] = struct.pack("<H", method)
        data[local + 8:local + 10] = struct.pack("<H", method)
    return bytes(data)


@pytest.mark.parametrize("name, data, reason", [
    ("v.docx", _zip_patched(["word/document.xml"], version=212),
     "a damaged or truncated DOCX (zip) file (zip file version 21.2)"),
    ("v.zip", _zip_patched(["p1.jpg"], version=212), "a damaged or truncated zip file (zip file version 21.2)"),
    ("m.zip", _zip_patched(["p1.jpg", "p2.jpg"], method=99),
     "p1.jpg in the zip cannot be unzipped (That compression method is not supported)"),
], ids=["docx-version", "zip-version", "pages-compression"])
def test_a_zip_zipfile_cannot_read_is_refused_not_a_traceback(name, data, reason):
    """Found by the campaign's mutations (seed 12, mutation 7163, a flipped byte in a DOCX's
    central directory): zipfile raised NotImplementedError (zip file version 21.2), which no reader
    caught: an internal error. (An unknown compression method, met while unzipping a page, was
    already refused: NotImplementedError is a RuntimeError.)"""
    with pytest.raises(ReportError) as caught:
        extract(name, data)
    assert caught.value.reason == reason
