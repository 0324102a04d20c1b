"""Safe outputs (issue 18): where -o writes (through devices, FIFOs and links, never renaming over
them), with which mode, through temporary files no one can plant; spreadsheets whose text is never
a formula; a workbook that any report's text can be written into."""

from __future__ import annotations

import csv
import json
import os
import socket
import stat
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT
from generate import BODIES, build, render_text
from report_extract import files
from report_extract.writers import csv_cell

CLEAN = FIXTURES / "v2021-clean.txt"
AS_ROOT = pytest.mark.skipif(os.geteuid() != 0, reason="devices are made and written only as root")


def run(*args, cwd=ROOT, umask: int = 0o022, stdout=subprocess.PIPE, timeout: float = 120):
    return subprocess.run([sys.executable, "-m", "report_extract", *map(str, args)], cwd=cwd, umask=umask,
                          stdout=stdout, stderr=subprocess.PIPE, timeout=timeout)


def one_line(result) -> str:
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def read_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


# --- where -o writes -----------------------------------------------------------------------------
def test_a_fifo_is_written_through_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = run("extract", CLEAN, "-o", fifo)
    reader.join(timeout=60)
    assert result.returncode == 0 and result.stderr == b""
    assert json.loads(received[0])["report"]["organization"] == "示例市清河区白鹭镇人民政府"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]  # no temporary file beside it


@AS_ROOT
def test_dev_null_stays_a_character_device():
    before = os.lstat("/dev/null")
    result = run("extract", CLEAN, "-o", "/dev/null")
    after = os.lstat("/dev/null")
    assert result.returncode == 0 and result.stderr == b""
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev and after.st_ino == before.st_ino
    assert stat.S_IMODE(after.st_mode) == 0o666


def test_dev_stdout_and_a_link_to_proc_self_fd_1_write_stdout(tmp_path):
    link = tmp_path / "out.json"
    link.symlink_to("/proc/self/fd/1")
    for target in ("/dev/stdout", link):
        result = run("extract", CLEAN, "-o", target)
        assert result.returncode == 0 and result.stderr == b""
        assert json.loads(result.stdout)["report"]["year"] == 2023
    assert os.readlink(link) == "/proc/self/fd/1" and os.readlink("/dev/stdout") == "/proc/self/fd/1"


def test_a_symlink_stays_a_link_and_its_target_gets_the_content(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "r.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "r.json"
    link.symlink_to(Path("real") / "r.json")
    dangling = tmp_path / "new.json"
    dangling.symlink_to(Path("real") / "new.json")
    assert run("extract", CLEAN, "-o", link).returncode == 0
    assert run("extract", CLEAN, "-o", dangling).returncode == 0
    assert os.readlink(link) == "real/r.json" and os.readlink(dangling) == "real/new.json"
    assert json.loads(target.read_text(encoding="utf-8"))["report"]["year"] == 2023
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert json.loads((tmp_path / "real" / "new.json").read_text(encoding="utf-8"))["report"]["year"] == 2023
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["new.json", "r.json"]


def test_a_folder_a_block_device_and_a_socket_are_refused_in_one_line(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    result = run("compare", CLEAN, CLEAN, "-f", "json", "-o", folder)
    assert result.returncode == 4
    assert one_line(result) == f"report-extract: 无法写入 {folder}：它是文件夹，不是文件"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "sock"))
        result = run("extract", CLEAN, "-o", tmp_path / "sock")
    finally:
        server.close()
    assert result.returncode == 4
    assert one_line(result) == f"report-extract: 无法写入 {tmp_path}/sock：它是套接字"
    assert stat.S_ISSOCK(os.lstat(tmp_path / "sock").st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "sock"]


@AS_ROOT
def test_a_block_device_is_refused_and_left_alone(tmp_path):
    device = tmp_path / "disk"
    os.mknod(device, 0o600 | stat.S_IFBLK, os.makedev(7, 250))  # a loop device number, never opened
    result = run("extract", CLEAN, "-o", device)
    assert result.returncode == 4
    assert one_line(result) == f"report-extract: 无法写入 {device}：它是块设备"
    assert stat.S_ISBLK(os.lstat(device).st_mode) and os.lstat(device).st_rdev == os.makedev(7, 250)


def test_o_dash_is_stdout(tmp_path):
    result = run("extract", CLEAN, "-o", "-", cwd=tmp_path)
    assert result.returncode == 0 and json.loads(result.stdout)["report"]["year"] == 2023
    assert list(tmp_path.iterdir()) == []


def test_o_a_name_ending_in_a_slash_makes_a_folder_of_one_file_per_input(tmp_path):
    result = run("extract", CLEAN, FIXTURES / "v2019-clean.txt", "-o", "new/", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout == b""
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == ["v2019-clean.txt.json", "v2021-clean.txt.json"]
    assert json.loads((tmp_path / "new" / "v2019-clean.txt.json").read_text(encoding="utf-8"))["report"]["year"] == 2020


def test_o_a_suffix_we_do_not_write_is_a_usage_error(tmp_path):
    result = run("extract", CLEAN, "-o", "out.xlsx", cwd=tmp_path)
    assert result.returncode == 2
    assert one_line(result) == ("report-extract: -o out.xlsx：report-extract 不写 .xlsx 文件；请用以 .json、.jsonl、"
                                ".ndjson、.yaml、.yml、.csv、.html 或 .htm 结尾的文件名，或用 -f 指定格式")
    assert list(tmp_path.iterdir()) == []
    assert run("extract", CLEAN, "-f", "json", "-o", "out.xlsx", cwd=tmp_path).returncode == 0  # said explicitly


# --- modes ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("umask,existing,expected", [
    (0o022, None, 0o644), (0o077, None, 0o600), (0o002, None, 0o664),
    (0o022, 0o600, 0o600), (0o022, 0o640, 0o640), (0o077, 0o644, 0o644),
])
def test_a_new_file_follows_the_umask_and_a_replaced_one_keeps_its_mode(tmp_path, umask, existing, expected):
    out = tmp_path / "r.json"
    if existing is not None:
        out.write_text("old", encoding="utf-8")
        out.chmod(existing)
    old = os.umask(umask)
    try:
        assert files.current_umask() == umask
        files.write_text(out, "new")
    finally:
        os.umask(old)
    assert out.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(out.stat().st_mode) == expected
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_extract_and_batch_results_follow_the_umask(tmp_path):
    out = tmp_path / "r.json"
    assert run("extract", CLEAN, "-o", out, umask=0o022).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    out.chmod(0o640)
    assert run("extract", CLEAN, "-o", out, umask=0o022).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert run("batch", CLEAN, "-o", tmp_path / "b", "--xlsx", "--html", umask=0o027).returncode == 0
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "b").iterdir()}
    assert modes == dict.fromkeys(["v2021-clean.txt.json", "v2021-clean.txt.html", "summary.csv", "wide.csv",
                                   "long.csv", "problems.csv", "report.xlsx", "report.sqlite", "index.html",
                                   ".report-extract.lock"], 0o640)


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    out = tmp_path / "r.csv"
    out.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with files.AtomicFile(out) as handle:
            handle.write("half a sheet")
            raise RuntimeError("stopped")
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.csv"]


# --- temporary names that cannot be planted --------------------------------------------------------
OLD_TEMPORARY_NAMES = (".summary.csv.tmp", ".wide.csv.tmp", ".long.csv.tmp", ".problems.csv.tmp", ".report.xlsx.tmp",
                       ".report.sqlite.tmp", ".report.sqlite-journal")


def test_symlinks_planted_at_the_old_temporary_names_are_left_alone(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    victims = tmp_path / "victims"
    victims.mkdir()
    for name in OLD_TEMPORARY_NAMES:
        (victims / name).write_text("precious", encoding="utf-8")
        (out / name).symlink_to(victims / name)
    result = run("batch", CLEAN, FIXTURES / "v2021-balance.txt", "-o", out, "--xlsx")
    assert result.returncode == 0, result.stderr
    for name in OLD_TEMPORARY_NAMES:
        assert (out / name).is_symlink() and os.readlink(out / name) == str(victims / name)
        assert (victims / name).read_text(encoding="utf-8") == "precious"
    assert len(read_rows(out / "summary.csv")) == 3
    assert {p.name for p in out.iterdir() if not p.is_symlink()} == {
        "v2021-clean.txt.json", "v2021-balance.txt.json", "summary.csv", "wide.csv", "long.csv", "problems.csv",
        "report.xlsx", "report.sqlite", ".report-extract.lock"}


def test_a_result_that_cannot_be_written_fails_that_input_only(tmp_path):
    out = tmp_path / "out"
    (out / "v2021-clean.txt.json").mkdir(parents=True)  # a folder where the result goes
    result = run("batch", CLEAN, FIXTURES / "v2021-balance.txt", "-o", out)
    assert result.returncode == 3
    rows = {Path(r[0]).name: r for r in read_rows(out / "summary.csv")[1:]}
    assert rows["v2021-clean.txt"][1] == "failed"
    assert rows["v2021-clean.txt"][9] == f"cannot write {out}/v2021-clean.txt.json: it is a folder, not a file"
    assert rows["v2021-balance.txt"][1] == "problems"


# --- spreadsheets: text is never a formula -------------------------------------------------------
@pytest.mark.parametrize("value,cell", [
    ("=CONCATENATE(1)", "'=CONCATENATE(1)"), ("+1", "'+1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("-", "'-"),
    ("-1+2", "'-1+2"), ("-18", "-18"), ("3.5", "3.5"), (-18, -18), (2.5, 2.5), (None, ""), ("示例", "示例"),
    ("'=x", "'=x"),
])
def test_csv_cell_neutralises_formulas_and_keeps_numbers(value, cell):
    assert csv_cell(value) == cell


FORMULA_LABELS = ('=CONCATENATE("a","b")', "-cmd|' /C calc'!A0", "@SUM(A1:A2)", "+1+1")
FORMULA_NAMES = ("=CONCATENATE(1).txt", "+1.txt", "@SUM(1).txt")
CONTROL_NAME = "r\x01\x1b.txt"
LONG_LABEL = "长" * 40_000


def _report_with_rows(seed: int, labels, template: str = "v2021") -> str:
    body, year = BODIES[0]
    report = build(seed, body, year if template == "v2021" else 2020, template)
    at = [label for label, _ in report.proactive].index("行政强制") + 1
    for n, label in enumerate(labels):
        report.proactive.insert(at + n, (label, [str(5 + n), "", ""]))
    return render_text(report)


@pytest.fixture(scope="module")
def hostile_batch(tmp_path_factory):
    """A batch over reports whose file names and row labels look like formulas, one named with
    control characters and one with a 40,000-character label, and --bodies settling a name into
    one that looks like a formula; inputs named relative to the archive, as a user in it would."""
    root = tmp_path_factory.mktemp("hostile")
    archive = root / "archive"
    archive.mkdir()
    for n, name in enumerate(FORMULA_NAMES):
        (archive / name).write_text(_report_with_rows(n, FORMULA_LABELS), encoding="utf-8")
    (archive / "v2019.txt").write_text(_report_with_rows(9, FORMULA_LABELS[:1], "v2019"), encoding="utf-8")
    (archive / CONTROL_NAME).write_text(_report_with_rows(11, [LONG_LABEL]), encoding="utf-8")
    (root / "bodies.csv").write_text(f'{BODIES[0][0]},"=HYPERLINK(""http://x"")"\n', encoding="utf-8")
    names = sorted(p.name for p in archive.iterdir())
    result = run("batch", *names, "-o", root / "out", "--xlsx", "--bodies", root / "bodies.csv", cwd=archive)
    return root / "out", result


def test_the_hostile_batch_gives_a_workbook(hostile_batch):
    out, result = hostile_batch
    assert result.returncode == 0, result.stderr
    assert (out / "report.xlsx").stat().st_size > 0


def test_csv_cells_that_look_like_formulas_are_quoted_and_numbers_stay_numbers(hostile_batch):
    import pandas

    out, _ = hostile_batch
    cells = {name: [cell for row in read_rows(out / f"{name}.csv")[1:] for cell in row]
             for name in ("summary", "wide", "long", "problems")}
    for name, values in cells.items():
        formulas = [v for v in values if v.startswith(("=", "+", "@", "\t", "\r"))
                    or (v.startswith("-") and not _is_number(v))]
        assert formulas == [], (name, formulas[:5])
    for name in FORMULA_NAMES:
        assert "'" + name in cells["summary"] and "'" + name in cells["wide"] and "'" + name in cells["long"]
    assert {"'" + label for label in FORMULA_LABELS} <= set(cells["problems"])
    assert "'=HYPERLINK" in cells["wide"] and "'=HYPERLINK" in cells["problems"]  # the body, settled by --bodies
    wide = pandas.read_csv(out / "wide.csv", encoding="utf-8-sig")
    for column in ("applications.new_received.total", "proactive.administrative_licensing.decisions",
                   "proactive.administrative_fees.amount_10k_yuan", "errors"):
        assert pandas.api.types.is_numeric_dtype(wide[column]), column
    net_change = wide["proactive.administrative_licensing.net_change"].dropna().tolist()
    assert len(net_change) == 1 and net_change[0] < 0  # the v2019 report's signed number, unquoted
    assert pandas.api.types.is_numeric_dtype(pandas.read_csv(out / "long.csv", encoding="utf-8-sig")["value"])


def test_extract_csv_quotes_a_file_name_that_looks_like_a_formula(tmp_path):
    (tmp_path / "=CONCATENATE(1).txt").write_bytes(CLEAN.read_bytes())
    result = run("extract", "-f", "csv", "=CONCATENATE(1).txt", cwd=tmp_path)
    assert result.returncode == 0
    header, row = list(csv.reader(result.stdout.decode("utf-8-sig").splitlines()))
    assert row[header.index("path")] == "'=CONCATENATE(1).txt"
    assert row[header.index("applications.new_received.total")].isdigit()


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def test_workbook_text_is_always_a_string_never_a_formula(hostile_batch):
    import openpyxl

    out, _ = hostile_batch
    book = openpyxl.load_workbook(out / "report.xlsx")
    texts = [cell for sheet in book for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert {cell.data_type for cell in texts} == {"s"}
    assert "'=CONCATENATE(1).txt" in {cell.value for cell in texts}
    with zipfile.ZipFile(out / "report.xlsx") as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 5  # and the labels sheet
        for name in sheets:
            xml = archive.read(name).decode("utf-8")
            assert "<f>" not in xml and "<f " not in xml, name


def test_the_database_holds_text_as_the_reports_give_it_without_the_csvs_quote(hostile_batch):
    import sqlite3

    out, _ = hostile_batch
    db = sqlite3.connect(out / "report.sqlite")
    paths = {Path(path).name for (path,) in db.execute("SELECT path FROM reports")}
    assert set(FORMULA_NAMES) <= paths and CONTROL_NAME in paths
    labels = {label for (label,) in db.execute("SELECT label FROM problems WHERE label IS NOT NULL")}
    assert set(FORMULA_LABELS) <= labels and LONG_LABEL in labels  # whole: a database cuts nothing
    header, *rows = read_rows(out / "wide.csv")
    quoted = {row[header.index("body")] for row in rows if "HYPERLINK" in row[header.index("body")]}  # by --bodies
    assert quoted == {"'=HYPERLINK"}
    assert db.execute("SELECT DISTINCT body FROM reports WHERE body LIKE '%HYPERLINK%'").fetchall() == [("=HYPERLINK",)]


def test_workbook_types_text_as_a_string_even_without_the_csvs_quote(tmp_path):
    import openpyxl

    from report_extract.workbook import write_xlsx

    sheets = []
    for name in ("summary", "wide", "long", "problems"):  # written by hand, with no quote in front
        (tmp_path / f"{name}.csv").write_text('\ufeffpath,label,value\n"=SUM(1,2)",#N/A,-18\n', encoding="utf-8")
        sheets.append((name, tmp_path / f"{name}.csv"))
    write_xlsx(tmp_path, sheets)
    row = [cell for cell in openpyxl.load_workbook(tmp_path / "report.xlsx")["long"][2]]
    assert [(cell.value, cell.data_type) for cell in row] == [("=SUM(1,2)", "s"), ("#N/A", "s"), (-18, "n")]

def test_workbook_escapes_control_characters_and_cuts_long_text(hostile_batch):
    import openpyxl

    out, _ = hostile_batch
    book = openpyxl.load_workbook(out / "report.xlsx")
    paths = [row[2].value for row in book["summary"].iter_rows(min_row=2)]  # organization, year, path
    assert "r\\x01\\x1b.txt" in paths
    at = [c.value for c in book["problems"][1]].index("label")
    labels = [row[at].value for row in book["problems"].iter_rows(min_row=2) if row[at].value]
    (long_label,) = [label for label in labels if label.startswith("长长")]
    assert len(long_label) == 32_767
    assert long_label.endswith("长…[cut: 40,000 characters in all]")
    assert ["r\x01\x1b.txt"] == [Path(r[0]).name for r in read_rows(out / "summary.csv")[1:] if "\x01" in r[0]]


def test_writable_text_escapes_every_character_openpyxl_refuses():
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from report_extract.workbook import writable_text

    refused = "".join(chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000 and ILLEGAL_CHARACTERS_RE.match(chr(c)))
    assert refused and not ILLEGAL_CHARACTERS_RE.search(writable_text(refused))
    assert writable_text("a\x01b\x1b\ufffe") == "a\\x01b\\x1b\\uFFFE"
    wide = writable_text("\U00020000" * 20_000)  # beyond the BMP: two UTF-16 code units each, as Excel counts
    assert len(wide.encode("utf-16-le")) // 2 <= 32_767 and wide.endswith("[cut: 20,000 characters in all]")


def test_a_field_longer_than_csvs_default_limit_is_read_back_into_the_workbook(tmp_path):
    import openpyxl

    from report_extract.batch import LONG_COLUMNS, PROBLEM_COLUMNS, SUMMARY_COLUMNS
    from report_extract.workbook import write_xlsx
    from report_extract.writers import csv_text, wide_columns

    label = "长" * 200_000  # csv reads at most 131,072 characters a field unless told otherwise
    sheets = []
    for name, columns, row in (("summary", SUMMARY_COLUMNS, {"path": "r.txt", "status": "ok"}),
                               ("wide", wide_columns(), {"path": "r.txt"}), ("long", LONG_COLUMNS, {"path": "r.txt"}),
                               ("problems", PROBLEM_COLUMNS, {"path": "r.txt", "code": "unknown_row", "label": label})):
        (tmp_path / f"{name}.csv").write_text(csv_text(list(columns), [row]), encoding="utf-8")
        sheets.append((name, tmp_path / f"{name}.csv"))
    write_xlsx(tmp_path, sheets)
    problems = openpyxl.load_workbook(tmp_path / "report.xlsx")["problems"]
    header = [c.value for c in problems[1]]
    cell = problems.cell(row=2, column=header.index("label") + 1)
    assert len(cell.value) == 32_767 and cell.value.endswith("[cut: 200,000 characters in all]")
