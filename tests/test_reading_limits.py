"""The report's errors, apart from what we could not read (issue 20): every problem has a kind beside
its severity (``report`` or ``reading``); a report whose only errors are reading limits (glued
digits no sum splits, cells a layout could not place) is ``read_partly`` (读取受限), never counted,
coloured or failed as having errors; and a report the archive holds twice (a web text and the page
it was saved from) is marked, the complete copy used for the grid and the cross-year checks.

The archive is the generator's (``build_glued_archive``): twelve web texts of four bureaus over
three years, each with one run of glued digits no sum splits (three cells left null), and one of
them also as its saved page, which reads completely."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from lxml import html as lxml_html

from conftest import FIXTURES, ROOT
from generate import build_glued_archive
from report_extract import extract
from report_extract.model import Report
from report_extract.problems import CODES, counts, kind_of
from report_extract.status import READ_PARTLY, status_of


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "report_extract", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


def read_csv(path: Path) -> dict[str, dict]:
    """A sheet of one row a report, by path."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return {row["path"]: row for row in csv.DictReader(handle)}


def problem_rows(out: Path) -> list[dict]:
    with open(out / "problems.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def zone(tmp_path_factory):
    root = tmp_path_factory.mktemp("zone")
    manifest = build_glued_archive(root)
    out = tmp_path_factory.mktemp("zone-out")
    result = cli("batch", root, "-o", out, "--html", "--jobs", "2")
    return root, manifest, out, result


def test_every_code_has_a_kind_and_the_glued_digits_are_ours():
    assert {code: c.kind for code, c in CODES.items() if c.kind == "reading"} == {
        "extra_cells": "reading", "missing_cells": "reading", "glued_digits": "reading",
        "ambiguous_digits": "reading", "ocr_corrected": "reading", "ocr_uncertain": "reading", "ocr_unread": "reading"}
    assert all(c.kind in ("report", "reading") for c in CODES.values())
    assert CODES["balance"].kind == CODES["missing_section"].kind == CODES["no_values"].kind == "report"


def test_a_web_text_whose_only_error_is_an_ambiguous_run_is_read_partly_with_its_three_cells():
    report = extract(FIXTURES / "v2021-glued-ambiguous.page.txt")
    limits = [(p.code, p.severity, p.kind, p.row, p.limited_cells) for p in report.problems if p.severity == "error"]
    assert limits == [("ambiguous_digits", "error", "reading", "normative_documents", 3)]
    assert set(report.tables["proactive"]["normative_documents"].values()) == {None}
    counted = counts(report.problems)
    assert counted == {"errors": 1, "warnings": 0, "infos": 26, "report_errors": 0, "reading_limits": 1,
                       "limited_cells": 3}
    assert status_of(counted) == READ_PARTLY
    # a report's own errors keep it a report with errors, whatever it could not read besides
    assert status_of({**counted, "report_errors": 1}) == "problems"


def test_extra_cells_that_all_find_their_column_are_the_reports_own_number_too_many():
    placed = extract(FIXTURES / "v2021-extra-cells.txt")  # a cell that cannot be placed: ours
    assert [(p.code, p.kind, p.limited_cells) for p in placed.problems] == [("extra_cells", "reading", 4)]
    path = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "000_b1c038de0e5df421.txt"
    if path.exists():  # 16 numbers in the review row where the template has 15: the report is wrong
        real = extract(path)
        assert [(p.code, p.kind, p.limited_cells) for p in real.problems] == [("extra_cells", "report", None)]


def test_a_result_written_before_problems_had_kinds_is_read_by_its_codes_kind():
    data = json.loads(extract(FIXTURES / "v2021-glued-ambiguous.page.txt").model_dump_json())
    for p in data["problems"]:
        del p["kind"], p["limited_cells"]
    old = Report.model_validate(data)
    assert {kind_of(p) for p in old.problems} == {"reading"} and {kind_of(p) for p in data["problems"]} == {"reading"}
    assert counts(data["problems"])["report_errors"] == 0 and counts(old.problems)["reading_limits"] == 1


def test_no_report_of_the_zone_is_counted_as_having_errors(zone):
    root, manifest, out, result = zone
    assert result.returncode == 0, result.stderr
    summary = read_csv(out / "summary.csv")
    assert {Path(p).relative_to(root).as_posix(): row["status"] for p, row in summary.items()} == manifest["expected"]
    for path, row in summary.items():
        partly = row["status"] == READ_PARTLY
        assert (row["errors"], row["report_errors"], row["reading_limits"], row["limited_cells"]) == (
            ("1", "0", "1", "3") if partly else ("0", "0", "0", "0")), path
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("report-extract: 共 13 个输入：读取 13 个（12 个读取受限：36 格未能读取，不计为错误；"
                           "1 个与另一文件是同一报告，未采用），不是年度报告 0 个，无法读取 0 个；")
    assert "报告有错误" not in result.stderr
    wide = read_csv(out / "wide.csv")
    assert {row["status"] for row in wide.values()} == {"read_partly", "ok"}
    assert {row["report_errors"] for row in wide.values()} == {"0"}
    rows = problem_rows(out)
    assert {(r["code"], r["severity"], r["kind"], r["limited_cells"]) for r in rows} == {
        ("ambiguous_digits", "error", "reading", "3"), ("glued_digits", "info", "reading", ""),
        ("carryover_mismatch", "warning", "report", "")}
    assert sum(r["code"] == "ambiguous_digits" for r in rows) == 12


def test_the_dashboard_paints_no_report_red_and_shows_the_reading_limits_with_their_cells(zone):
    root, manifest, out, _ = zone
    page = (out / "index.html").read_text(encoding="utf-8")
    tree = lxml_html.fromstring(page)
    meta = [span.text_content() for span in tree.xpath("//p[@class='meta']/span")]
    assert meta == ["共 13 个输入", "通过 1", "读取受限 12（36 格未能读取）", "重复文件 1（未采用）"]
    grid = tree.xpath("//table[@class='grid']//td[contains(@class, 'cell')]")
    assert len(grid) == 12 and not [td for td in grid if "error" in td.get("class").split()]
    limited = [td for td in grid if "limited" in td.get("class").split()]
    assert len(limited) == 11 and {td.text_content() for td in limited} == {"3格"}
    assert all("读取受限 1（3 格未能读取）" in td.get("title") and "错误 0" in td.get("title") for td in limited)
    rows = tree.xpath("//table[@id='inputs']/tbody/tr")
    head = [th.text_content().rstrip(" ↕") for th in tree.xpath("//table[@id='inputs']//th")]
    assert head[:8] == ["文件", "状态", "机关", "年度", "模板", "错误", "警告", "未能读取（格）"]
    for row in rows:
        cells = [td.text_content() for td in row.xpath("td")]
        partly = cells[0].endswith(".txt")
        assert row.get("data-grade") == ("limited" if partly else "warning")
        assert (cells[1], cells[5], cells[7]) == (("读取受限", "0", "3") if partly else ("通过", "0", "0"))
    code = tree.xpath("//a[@data-code='ambiguous_digits']/preceding-sibling::span")[0]
    assert (code.get("class"), code.text) == ("sev limited", "读取受限")


def test_check_and_strict_show_the_reading_limits_apart_and_do_not_fail(zone):
    root, manifest, out, _ = zone
    text = root / manifest["twin"][0]
    shown = cli("check", text)
    assert shown.returncode == 0, shown.stderr
    assert "问题：错误 0，读取受限 1（3 格未能读取），警告 0，提示 26\n" in shown.stdout
    assert re.search(r"  ［2］#[0-9a-f]{8}｜读取受限：「二、主动公开政府信息情况」“行政规范性文件”行中，数字之间没有分隔",
                     shown.stdout)
    result = out / f"{manifest['twin'][0]}.json"  # a batch's result, read back
    assert cli("check", result).returncode == 0
    strict = cli("extract", "--strict", text)
    assert strict.returncode == 0 and json.loads(strict.stdout)["problems"][1]["kind"] == "reading"
    assert strict.stderr == (f"report-extract: {text}：--strict：读取受限，不计为错误：1 处读取受限"
                             "（ambiguous_digits ×1），3 格未能读取\n")
    both = cli("extract", "--strict", text, FIXTURES / "v2021-balance.txt")  # a report's own errors still fail
    assert both.returncode == 1
    assert both.stderr.splitlines() == [
        f"report-extract: {text}：--strict：读取受限，不计为错误：1 处读取受限（ambiguous_digits ×1），3 格未能读取",
        f"report-extract: {FIXTURES / 'v2021-balance.txt'}：--strict：报告有 2 个错误（balance ×2）"]


def test_a_web_text_and_its_saved_page_are_one_report_and_the_complete_copy_is_used(zone):
    root, manifest, out, _ = zone
    text, page = (str(root / rel) for rel in manifest["twin"])
    summary = read_csv(out / "summary.csv")
    assert (summary[text]["duplicate_of"], summary[text]["copies"]) == (page, "2")
    assert (summary[page]["duplicate_of"], summary[page]["copies"], summary[page]["status"]) == ("", "2", "ok")
    assert {row["copies"] for path, row in summary.items() if path not in (text, page)} == {"1"}
    assert {row["duplicate_of"] for path, row in summary.items() if path != text} == {""}
    wide = read_csv(out / "wide.csv")
    assert wide[text]["duplicate_of"] == page and wide[page]["duplicate_of"] == ""
    # the cross-year checks read the copy used: its planted carry-over is found there, not on the text
    rows = problem_rows(out)
    assert sorted((r["path"], r["column"]) for r in rows if r["code"] == "carryover_mismatch") == [
        (page, "natural_person"), (page, "total")]
    assert not [p for p in json.loads(Path(f"{out / manifest['twin'][0]}.json").read_text(encoding="utf-8"))
                ["problems"] if p["code"] == "carryover_mismatch"]
    tree = lxml_html.fromstring((out / "index.html").read_text(encoding="utf-8"))
    used = [td for td in tree.xpath("//table[@class='grid']//td") if "dup" in (td.get("class") or "").split()]
    assert len(used) == 1 and used[0].get("class") == "cell warning dup"
    assert [unquote(href) for href in used[0].xpath("a/@href")] == [f"{manifest['twin'][1]}.html"]
    assert "同一报告共 2 份文件，采用此份" in used[0].get("title")
    said = {row.xpath("td[1]")[0].text_content(): row.xpath("td[9]")[0].text_content()
            for row in tree.xpath("//table[@id='inputs']/tbody/tr")}
    assert said[manifest["twin"][0]] == f"重复，采用 {manifest['twin'][1]}；该份读取完整，本份读取受限"
    assert said[manifest["twin"][1]] == "采用本份（同一报告共 2 份文件）"
