"""Scans: the report's errors are the report's, not OCR's (issue 22 §3). A relation broken only by
cells OCR could not read (a row the scan lost, digits too faint to read, words read doubtfully) is
``ocr_unread`` on those cells, an error of kind reading, and the report is read_partly; a report
whose sums really break keeps its errors when scanned. Headings OCR damaged are matched with the
tolerance of the table labels. The committed scans come from tests/fixtures/scans.py (COMMITTED):
our fixture PDFs with a row's numbers wiped or made faint, or headings set as OCR misreads them."""

from __future__ import annotations

import copy

import pytest

import report_extract
from conftest import FIXTURES, problems_of
from report_extract import checks, ocr_check
from report_extract.problems import counts, problem
from report_extract.status import PROBLEMS, READ_PARTLY, status_of

SCANS = FIXTURES / "scans"
RELATIONS = ("balance", "outcome_sum", "row_total", "review_total")
ROW = "withheld_security_stability"  # 3.危及“三安全一稳定”


def _read(name: str):
    return report_extract.extract(SCANS / name)


def _cells(report, code: str) -> list[tuple]:
    return [(p.row, p.column, p.expected, p.found, p.facts.get("raw"), p.facts.get("why"), p.limited_cells)
            for p in problems_of(report, code)]


def _differ(report, truth) -> dict:
    return {k: (report.flat().get(k), v) for k, v in truth.flat().items() if report.flat().get(k) != v}


@pytest.fixture(scope="module")
def v2019():
    return report_extract.extract(FIXTURES / "v2019-clean.pdf")


def test_a_row_the_scan_lost_is_unread_not_an_outcome_sum_of_the_report(v2019):
    """v2019-clean with the numbers of 3.危及“三安全一稳定” (17 2 5 17 0 0 41) under white boxes: OCR
    reads the row blank, the outcome rows no longer add up to the printed total in five columns. The
    report's sums hold: those five cells are unread (the relations give each its number), the two
    zeros are blank cells nothing confirms, the report is read partly."""
    report = _read("v2019-clean-wiped-row-200.pdf")
    assert not [p for p in report.problems if p.code in RELATIONS]
    assert _cells(report, "ocr_unread") == [
        (ROW, "natural_person", 17, None, "", "nothing_read", 1),
        (ROW, "commercial_enterprise", 2, None, "", "nothing_read", 1),
        (ROW, "research_institution", 5, None, "", "nothing_read", 1),
        (ROW, "social_welfare_org", 17, None, "", "nothing_read", 1),
        (ROW, "total", 41, None, "", "nothing_read", 1)]
    assert _cells(report, "ocr_uncertain") == [
        (ROW, "legal_service_agency", None, None, "", "nothing_read", None),
        (ROW, "other_org", None, None, "", "nothing_read", None)]
    assert [(p.code, p.facts) for p in problems_of(report, "blank_cells")] == [("blank_cells", {"count": 2})]
    assert {p.code for p in report.problems} == {"ocr_unread", "ocr_uncertain", "blank_cells"}
    assert all(p.kind == "reading" and p.severity == "error" for p in problems_of(report, "ocr_unread"))
    counted = counts(report.problems)
    assert (counted["report_errors"], counted["reading_limits"], counted["limited_cells"]) == (0, 5, 5)
    assert status_of(counted) == READ_PARTLY
    assert _differ(report, v2019) == {f"applications.{ROW}.{c}": (None, v) for c, v in (
        ("natural_person", 17), ("commercial_enterprise", 2), ("research_institution", 5),
        ("social_welfare_org", 17), ("legal_service_agency", 0), ("other_org", 0), ("total", 41))}
    [first] = [p for p in problems_of(report, "ocr_unread") if p.column == "natural_person"]
    assert first.page == 2 and first.label == "3.危及“三安全一稳定”"
    assert first.message_zh == (
        "「三、收到和处理政府信息公开申请情况」“3.危及“三安全一稳定””行“自然人”栏经文字识别（OCR）未读出数字，"
        "而该格所在的表内勾稽关系缺此数不能成立（按勾稽关系应为 17）；该格按未能读取处理（空值），所涉勾稽关系不作检查，"
        "请核对原件。")
    assert first.message == ("OCR read nothing in it: a relation it is in does not hold without a number there (the "
                             "relations give 17); the value is null and its relations are not checked")


def test_a_faint_row_read_in_part_keeps_no_error_of_the_report(v2019):
    """The same row printed at 48% of its ink: OCR misses the 2 (the relations fill it: one digit,
    the only correction), and reads the faint 0 of 法律服务机构 as ')' with a confidence of 0.53:
    words read doubtfully are a cell we could not read, not the report's not_a_number."""
    report = _read("v2019-clean-faint-row-200.pdf")
    assert [(p.code, p.row, p.column, p.found, p.expected) for p in report.problems] == [
        ("ocr_unread", ROW, "legal_service_agency", None, None),
        ("ocr_corrected", ROW, "commercial_enterprise", None, 2)]
    [unread] = problems_of(report, "ocr_unread")
    assert (unread.facts["raw"], unread.facts["why"], unread.kind, unread.limited_cells) == (")", "text", "reading", 1)
    assert unread.facts["confidence"] < ocr_check.LOW
    assert "读作“)”，识别把握不大，不是数字" in unread.message_zh
    assert status_of(counts(report.problems)) == READ_PARTLY
    assert _differ(report, v2019) == {f"applications.{ROW}.legal_service_agency": (None, 0)}


def test_a_scanned_report_whose_sums_break_keeps_its_own_errors():
    """v2021-outcome-sum scanned at 150 dpi: every cell read surely, the total one more than its
    parts in two columns (and the balance with it): the report's errors, as on its born-digital twin."""
    report = _read("v2021-outcome-sum-150.pdf")
    truth = report_extract.extract(FIXTURES / "v2021-outcome-sum.pdf")
    assert report.flat() == truth.flat()
    mine = [(p.code, p.row, p.column, p.expected, p.found, p.kind) for p in report.problems if p.code in RELATIONS]
    assert mine == [(p.code, p.row, p.column, p.expected, p.found, "report") for p in truth.problems] == [
        ("balance", "carried_forward", "natural_person", 1, 2, "report"),
        ("outcome_sum", "outcome_total", "natural_person", 394, 395, "report"),
        ("balance", "carried_forward", "total", 4, 5, "report"),
        ("outcome_sum", "outcome_total", "total", 644, 645, "report")]
    assert {p.code for p in report.problems} == set(RELATIONS[:2]) | {"ocr_uncertain"}
    assert status_of(counts(report.problems)) == PROBLEMS


def test_headings_ocr_misread_on_a_300_dpi_scan_are_all_found():
    """二 with its numeral lost (主动公开政府信息情况), 五 with a character confused (…改进情祝), 六 with
    its comma lost (六其他需要报告的事项): all six sections, as on the born-digital twin."""
    report = _read("v2021-clean-misread-headings-300.pdf")
    truth = report_extract.extract(FIXTURES / "v2021-clean.pdf")
    assert [s.heading for s in report.sections] == [s.heading for s in truth.sections] == [
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    assert [s.text for s in report.sections][4:] == [s.text for s in truth.sections][4:]
    assert report.problems == [] and report.flat() == truth.flat()


@pytest.mark.parametrize("read, heading", [
    ("五、存在的主要问题及改进情祝", "五、存在的主要问题及改进情况"),  # a character confused
    ("五存在的主要问题及改进情况", "五、存在的主要问题及改进情况"),  # the comma lost
    ("五存在的主要问题及改进情祝", "五、存在的主要问题及改进情况"),  # both
    ("存在的主要问题及改进情况", "五、存在的主要问题及改进情况"),  # the numeral lost
    ("五、存在的主要间题及改进情况", "五、存在的主要问题及改进情况"),  # 问 read as 间
    ("主动公开政府信息情况", "二、主动公开政府信息情况"),
    ("六、其他需要报告的事顶", "六、其他需要报告的事项"),
    ("匹、政府信息公开行政复议、行政诉讼情况", "四、政府信息公开行政复议、行政诉讼情况"),  # the numeral misread
    ("一、总体情祝", "一、总体情况"),
    # not headings: rows of table 三 (their numerals are not the sections'), a sub-item, a caption that goes on,
    # a heading of another section than its numeral's, a sentence
    ("二、上年结转政府信息公开申请数量", None),
    ("一、本年新收政府信息公开申请数量", None),
    ("四、结转下年度继续办理", None),
    ("（二）主动公开情况", None),
    ("政府信息公开行政复议、行政诉讼情况统计", None),
    ("三、存在的主要问题及改进情祝", None),
    ("存在的主要问题及改进情况如下。", None),
])
def test_a_heading_ocr_damaged_is_matched_with_the_tolerance_of_the_table_labels(read, heading):
    from report_extract.readers.scan import restore_heading

    assert restore_heading(read) == (heading or read)


# --- the rule on the relations, cell by cell ------------------------------------------------------

@pytest.fixture()
def as_read():
    """The clean text twin's tables and provenance as OCR would give them, every cell sure; ``read``
    sets what OCR read in a cell, ``weigh`` weighs them, ``left`` the relation problems the checks
    then raise."""
    truth = report_extract.extract(FIXTURES / "v2021-clean.txt")
    values = copy.deepcopy(truth.tables)
    provenance = {k: {**p.model_dump(), "ocr": {"confidence": 0.99, "box": [0, 0, 1, 1]}}
                  for k, p in truth.provenance.items()}
    pages = {t: {r: 1 for r in rows} for t, rows in values.items()}
    unknown: set[str] = set()

    def read(key: str, raw: str, confidence: float | None):
        table, row, col = key.split(".")
        values[table][row][col] = int(raw) if raw.isdigit() else None
        provenance[key]["raw"] = raw
        provenance[key]["ocr"]["confidence"] = confidence

    def weigh(lacking=frozenset()):
        return ocr_check.weigh(values, provenance, pages, "v2021", 2023, unknown, lacking)

    read.provenance = provenance  # for rows taken out

    def left():
        return sorted((p.code, p.row, p.column) for p in checks.run_checks(values, pages, "v2021", 2023, unknown)
                      if p.code in RELATIONS)

    return truth, values, read, weigh, left


def test_a_doubtful_number_misread_by_two_characters_is_unread_with_the_number_the_relations_give(as_read):
    truth, values, read, weigh, left = as_read
    key = "applications.partially_disclosed.natural_person"
    assert truth.value(key) == 40
    read(key, "7", 0.61)  # 40 read as 7: no one-character correction
    [unread] = weigh()
    assert (unread.code, unread.row, unread.column, unread.found, unread.expected, unread.facts["why"]) == (
        "ocr_unread", "partially_disclosed", "natural_person", 7, 40, "doubtful")
    assert values["applications"]["partially_disclosed"]["natural_person"] is None and left() == []


def test_a_sure_misreading_of_two_characters_stays_the_reports_error_with_its_cells_flagged(as_read):
    truth, values, read, weigh, left = as_read
    read("applications.partially_disclosed.natural_person", "7", 0.99)
    problems = weigh()
    assert {p.code for p in problems} == {"ocr_uncertain"}
    assert left() == [("outcome_sum", "outcome_total", "natural_person"),
                      ("row_total", "partially_disclosed", "total")]


def test_a_real_error_with_a_doubtful_cell_in_its_column_whose_row_holds_stays_the_reports(as_read):
    """The printed total one more than its parts: a doubtful 0 of the column could take the 1, but its
    row's total then breaks: the row confirms it, and the report's error is kept."""
    truth, values, read, weigh, left = as_read
    total = "applications.outcome_total.natural_person"
    read(total, str(truth.value(total) + 1), 0.99)
    read("applications.disclosed.natural_person", str(truth.value("applications.disclosed.natural_person")), 0.6)
    assert "ocr_unread" not in {p.code for p in weigh()}
    assert ("outcome_sum", "outcome_total", "natural_person") in left()


def test_a_blank_cell_the_relation_would_need_below_zero_leaves_the_error_to_the_report(as_read):
    """Parts that add up to more than the printed total: no number of 0 or more in a blank part
    completes it, so the blank cell does not account for it."""
    truth, values, read, weigh, left = as_read
    total = "applications.outcome_total.commercial_enterprise"
    read(total, str(truth.value(total) - 3), 0.99)
    blank = next(f"applications.{r}.commercial_enterprise" for r in truth.tables["applications"]
                 if truth.value(f"applications.{r}.commercial_enterprise") == 0 and r.startswith("withheld"))
    read(blank, "", None)
    assert "ocr_unread" not in {p.code for p in weigh()}
    assert ("outcome_sum", "outcome_total", "commercial_enterprise") in left()


def test_words_read_doubtfully_in_a_value_cell_are_unread_and_words_read_surely_are_the_reports():
    def provenance(confidence):
        return {"applications.disclosed.total": {"raw": "C", "ocr": {"confidence": confidence, "box": None}}}

    doubtful = [problem("not_a_number", table="applications", row="disclosed", column="total", raw="C")]
    sure = copy.deepcopy(doubtful)
    ocr_check.unread_text(doubtful, provenance(0.81))
    ocr_check.unread_text(sure, provenance(0.99))
    assert [(p.code, p.kind, p.limited_cells, p.facts["why"]) for p in doubtful] == [
        ("ocr_unread", "reading", 1, "text")]
    assert [(p.code, p.kind) for p in sure] == [("not_a_number", "report")]


def test_a_blank_row_of_a_table_that_lacks_rows_is_not_unread(as_read):
    """Pages 3 and 4 of a scan alone: table 三 lacks its first rows (on the page not given), and the
    row whose numbers stood on that page is blank. The outcome sums break by the rows missing, which
    no blank cell can tell from a lost one: the relations stay the report's, the cells in doubt."""
    truth, values, read, weigh, left = as_read
    for row in ("new_received", "carried_over", "disclosed", "partially_disclosed"):
        del values["applications"][row]
        for key in [k for k in read.provenance if k.startswith(f"applications.{row}.")]:
            del read.provenance[key]
    for column in truth.tables["applications"]["not_processed_publication"]:
        read(f"applications.not_processed_publication.{column}", "", None)
    problems = weigh(lacking=frozenset({"applications"}))
    assert "ocr_unread" not in {p.code for p in problems}
    assert ("outcome_sum", "outcome_total", "natural_person") in left()
    assert {p.code for p in weigh()} == {"ocr_unread", "ocr_uncertain"}  # the same cells, were no row missing
