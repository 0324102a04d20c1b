"""Every reason an input, an output or a command fails for has a code and a Chinese sentence
(issue 20): the failures made anywhere in src are found by reading its syntax tree, and each is
worded in both languages from the facts it is given; the terminal says the Chinese, summary.csv
keeps the English beside its code and the Chinese."""

from __future__ import annotations

import ast
import csv
import io
import os
import pickle
import re
import subprocess
import sys

from conftest import FIXTURES, ROOT, zip_bomb_docx
from report_extract import limits, reasons
from report_extract.errors import NotAReport, ReportError
from report_extract.files import OutputError

SRC = ROOT / "src" / "report_extract"
FAILURES = {"Failure", "ReportError", "UsageError", "NotAReport", "OcrUnavailable", "OutputError", "ClusterError",
            "MissingPart"}
LIMIT_RECEIVER = re.compile(r"^(limits\.[A-Z_]+|limit|paths)$")  # a Limit: limits.PAGES, or one held in a name
WORDERS = {"say_reason": 0, "chinese": 0}  # a command's own lines: the code's position
MACHINERY = {("limits.py", "error"), ("limits.py", "check"), ("cli_support.py", "say_reason")}  # pass a code on
SAMPLES = {"promised": "pdf", "kind": "fifo", "suffixes": [".json", ".csv"], "ref": "image"}  # facts that choose a wording
CJK = re.compile(r"[\u4e00-\u9fff]")


class _Value:
    """Any fact a site passes that is not a literal: formats as a number or a text would."""

    def __format__(self, spec: str) -> str:
        return "7"

    def __str__(self) -> str:
        return "7"

    __repr__ = __str__


def _sites():
    """(file, line, code expression, facts) of every failure made in src, and of every line a command
    words from a code."""
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function, node in _calls(tree, None):
            if (path.name, function) in MACHINERY:
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            receiver = ast.unparse(node.func.value) if isinstance(node.func, ast.Attribute) else ""
            if name in FAILURES:
                at, limit = 0, None
            elif name in WORDERS:
                at, limit = WORDERS[name], None
            elif name in ("check", "error") and LIMIT_RECEIVER.match(receiver):
                at = 1 if name == "check" else 0
                limit = getattr(limits, receiver.split(".")[1]) if "." in receiver else limits.PAGES
            else:
                continue
            yield path.relative_to(SRC), node.lineno, node.args[at] if len(node.args) > at else None, \
                _facts(node, limit)


def _calls(node, function):
    """Every call under ``node``, with the name of the function it is in."""
    for child in ast.iter_child_nodes(node):
        inside = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
        if isinstance(child, ast.Call):
            yield inside, child
        yield from _calls(child, inside)


def _facts(node: ast.Call, limit) -> dict:
    facts = {}
    for keyword in node.keywords:
        if keyword.arg is None:  # **limits.X.raised_with: how to raise it; other unpacked facts are optional
            if "raised_with" in ast.unparse(keyword.value):
                facts.update(env="REPORT_EXTRACT_X", option=None)
            continue
        value = keyword.value.value if isinstance(keyword.value, ast.Constant) else SAMPLES.get(keyword.arg, _Value())
        facts[keyword.arg] = value
    if limit is not None:
        facts.update(limit=limit.key, most=limit.value, unit=limit.unit, **limit.raised_with)
    return facts


def _codes(expression) -> list[str] | None:
    """The codes a site can make: a literal, or either literal of ``a if … else b``."""
    if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
        return [expression.value]
    if isinstance(expression, ast.IfExp):
        both = [_codes(expression.body), _codes(expression.orelse)]
        return None if None in both else both[0] + both[1]
    return None


def test_every_failure_made_in_src_has_a_code_worded_in_english_and_chinese():
    sites = list(_sites())
    assert len(sites) > 120  # the scan finds them: ~90 failures and limits, the commands' own lines
    used = set()
    for where, line, expression, facts in sites:
        codes = _codes(expression)
        assert codes, f"{where}:{line}: a failure made without a literal code (an English text?)"
        for code in codes:
            assert code in reasons.REASONS, f"{where}:{line}: {code!r} is not a code of reasons.REASONS"
            english, chinese = reasons.word(code, facts)  # every fact its wording needs is given
            assert CJK.search(chinese) and chinese != english, (where, line, code, chinese)
            assert not CJK.search(english.replace(str(facts.get("detail", "")), "")) or code == "not_a_report", \
                (where, line, code, english)
            used.add(code)
    assert sorted(set(reasons.REASONS) - used) == []  # no code that nothing makes


def test_no_failure_is_recorded_from_a_text():
    """A batch's failure line is made from a failure (its code, English and Chinese), never a string."""
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "failure" and len(node.args) > 1:
                given = ast.unparse(node.args[1])
                assert not isinstance(node.args[1], ast.Constant | ast.JoinedStr) and not given.startswith("str(") \
                    and not given.endswith(".reason"), f"{path.name}:{node.lineno}: failure(…, {given})"


def test_every_limit_has_a_chinese_name():
    assert sorted(reasons.LIMITS_ZH) == sorted(limit.key for limit in limits.ALL)


def test_the_wordings_that_choose_between_sentences():
    assert ReportError("blank_pages", "s.tif", count=1).said_zh() == "s.tif：是一张空白页，上面没有印任何内容"
    assert ReportError("blank_pages", "s.tif", count=3).reason == "3 blank pages: nothing is printed on them"
    assert ReportError("timed_out", seconds=60.0, pages=0).reason_zh == "超时：60 秒后仍未读完（已停止该工作进程）"
    assert ReportError("timed_out", seconds=120.0, pages=2).reason == \
        "timed out after 120 s, 2 pages read by OCR (the worker was stopped)"
    assert ReportError("misnamed", "a.pdf", promised="pdf", kind="text").said_zh() == \
        "a.pdf：文件名像 PDF 文件，内容却不是（看起来是 text）"
    bomb = ReportError("image_too_large", "s.zip", member="p2.png", most=60_000_000, width=9000, height=9000, page=1,
                       **limits.PIXELS.raised_with)
    assert bomb.said_zh() == ("s.zip：p2.png：第 1 页为 9000×9000 像素，超过 60,000,000 像素的上限（解压炸弹？）；请缩小图片，"
                              "或可用 REPORT_EXTRACT_MAX_PIXELS=N 提高")
    assert OutputError("refused", output="out", kind="folder").reason_zh == "无法写入 out：它是文件夹，不是文件"
    assert OutputError("write_failed", 28, output="x.json", strerror="No space left on device").reason == \
        "cannot write x.json (no space left on the device)"


def test_a_failure_crosses_processes_whole():
    for error in (NotAReport("not_a_report", "n.txt"), limits.TIME.error("still_reading", "a.pdf", seconds=2.0),
                  OutputError("write_failed", 28, output="x", strerror="No space left on device")):
        again = pickle.loads(pickle.dumps(error))
        assert (type(again), str(again), again.reason_zh, again.code, again.facts) == \
            (type(error), str(error), error.reason_zh, error.code, error.facts)
    assert pickle.loads(pickle.dumps(OutputError("write_failed", 28, output="x", strerror="e"))).disk


# --- as a person meets them --------------------------------------------------------------------
def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "report_extract", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, **(env or {})}, timeout=300)




def _bad_inputs(tmp_path) -> dict:
    """Real bad inputs, each with the one Chinese line extract and check say of it."""
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "damaged.pdf").write_bytes((FIXTURES / "v2021-clean.pdf").read_bytes()[:30000])
    zip_bomb_docx(tmp_path / "bomb.docx")
    (tmp_path / "large.txt").write_bytes("年".encode() * (1 << 20))  # 3 MiB
    return {
        tmp_path / "empty.txt": "文件是空的",
        tmp_path / "damaged.pdf": "PDF 文件已损坏或不完整（Failed to load document (PDFium: Data format error).）",
        FIXTURES / "bad" / "encrypted.pdf": "PDF 已加密，需要密码；请先去掉密码（例如 qpdf --decrypt）再试",
        tmp_path / "bomb.docx": "DOCX 文件（zip）解压后为 300.8 MB，超过解压后大小上限 256 MB（可用 "
                                "REPORT_EXTRACT_MAX_UNZIPPED_MB=N 提高）",
        tmp_path / "large.txt": "大小为 3.0 MB，超过输入文件大小上限 1 MB（可用 REPORT_EXTRACT_MAX_INPUT_MB=N 提高）",
    }


def test_extract_and_check_say_why_an_input_is_unreadable_in_chinese(tmp_path):
    env = {"REPORT_EXTRACT_MAX_INPUT_MB": "1"}
    for path, said in _bad_inputs(tmp_path).items():
        for command in ("extract", "check"):
            done = run(command, path, env=env)
            assert (done.returncode, done.stdout, done.stderr) == (3, "", f"report-extract: {path}：{said}\n"), \
                (command, path)


def test_a_batch_records_each_failure_in_english_with_its_code_and_in_chinese(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    bad = _bad_inputs(archive)
    done = run("-q", "batch", archive, FIXTURES / "bad" / "encrypted.pdf", tmp_path / "nope.pdf", "-o",
               tmp_path / "out", "--html", env={"REPORT_EXTRACT_MAX_INPUT_MB": "1"})
    assert done.returncode == 3
    rows = {os.path.basename(r["path"]): r
            for r in csv.DictReader(io.StringIO((tmp_path / "out" / "summary.csv").read_text(encoding="utf-8-sig")))}
    assert {name: (r["error_code"], r["error_zh"]) for name, r in rows.items()} == {
        "empty.txt": ("empty", bad[archive / "empty.txt"]),
        "damaged.pdf": ("pdf_damaged", bad[archive / "damaged.pdf"]),
        "encrypted.pdf": ("pdf_encrypted", bad[FIXTURES / "bad" / "encrypted.pdf"]),
        "bomb.docx": ("docx_unzipped", bad[archive / "bomb.docx"]),
        "large.txt": ("size", bad[archive / "large.txt"]),
        "nope.pdf": ("no_such_path", "文件或文件夹不存在"),
    }
    assert rows["empty.txt"]["error"] == "the file is empty"
    assert rows["bomb.docx"]["error"] == ("a DOCX (zip) that unzips to 300.8 MB: over the unzipped size limit of "
                                          "256 MB (raise it with REPORT_EXTRACT_MAX_UNZIPPED_MB=N)")
    lines = done.stderr.splitlines()  # -q: each failure, in Chinese
    assert f"report-extract: {tmp_path / 'nope.pdf'}：文件或文件夹不存在" in lines
    assert f"无法读取：{archive / 'empty.txt'}：文件是空的" in lines
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert '<td class="note">PDF 已加密，需要密码；请先去掉密码（例如 qpdf --decrypt）再试</td>' in page
    assert "the file is empty" not in page and "empty.txt：文件是空的</li>" in page


def test_a_command_that_cannot_run_says_so_in_chinese(tmp_path):
    done = run("batch", FIXTURES / "v2021-clean.txt", "-o", tmp_path / "out", "--shared-fs")
    assert (done.returncode, done.stderr) == (2, "report-extract: --shared-fs 须与 --scheduler 一起使用\n")
    done = run("extract", FIXTURES / "v2021-clean.txt", "-o", tmp_path / "x.xlsx")
    assert (done.returncode, done.stderr) == (2, f"report-extract: -o {tmp_path / 'x.xlsx'}：report-extract 不写 .xlsx "
                                                 "文件；请用以 .json、.jsonl、.ndjson、.yaml、.yml、.csv、.html 或 .htm "
                                                 "结尾的文件名，或用 -f 指定格式\n")
