"""PDF tables drawn with partial or no rules (horizontal rules only, top and bottom rules only, no
rules at all), read from the layout of their text: every value right, none wrong."""

from __future__ import annotations

import sys

import pytest

import report_extract
from conftest import FIXTURES, ROOT, codes
from generate import RULE_VARIANTS, RULES_DIR, centred_variant_fixtures, rule_variant_fixtures
from report_extract import layout
from report_extract.text_lines import lines

sys.path.insert(0, str(ROOT / "benchmarks"))
from layout_tables import compare  # noqa: E402


@pytest.mark.parametrize("style", RULE_VARIANTS)
def test_a_table_without_full_rules_reads_every_value_of_the_clean_report(style):
    report = report_extract.extract(RULES_DIR / f"v2021-clean.{style}.pdf")
    twin = report_extract.extract(FIXTURES / "v2021-clean.txt")
    assert report.tables == twin.tables
    assert codes(report) == codes(twin) == set()
    applications = report.tables["applications"]
    assert applications["new_received"] == {"natural_person": 394, "commercial_enterprise": 160,
                                            "research_institution": 30, "social_welfare_org": 42,
                                            "legal_service_agency": 5, "other_org": 13, "total": 644}
    assert applications["withheld_prohibited_by_law"]["total"] == 48  # the label wrapped over six lines
    assert applications["partially_disclosed"]["total"] == 60
    assert report.tables["proactive"]["normative_documents"] == {"issued": 4, "repealed": 4, "in_force": 85}
    assert str(report.tables["proactive"]["administrative_fees"]["amount_10k_yuan"]) == "36.92"
    assert report.tables["review_litigation"]["litigation_after_review"] == {
        "upheld": 2, "corrected": 0, "other": 1, "pending": 2, "total": 5}
    # a label the page break cut is joined; every value says where it was read
    label = report.provenance["applications.withheld_security_stability.total"].label
    assert label.replace(" ", "").startswith("3.危及“三安全一稳定”")
    assert report.provenance["applications.new_received.total"].page == 1
    assert len({v.page for k, v in report.provenance.items() if k.startswith("applications.")}) >= 3
    assert [s.key for s in report.sections] == [s.key for s in twin.sections]
    assert [s.text for s in report.sections] == [s.text for s in twin.sections]  # no table text in prose


def test_every_fixture_in_every_rule_style_counted_right_wrong_missing():
    """All 16 DOCX fixtures in the three styles, each against its text twin (a value the twin
    leaves null must be null). Before the layout reader: 606 right of 3179 per style, the rest
    missing."""
    totals = {style: [0, 0, 0] for style in RULE_VARIANTS}
    differing_codes = []
    for name, (twin_name, style) in rule_variant_fixtures().items():
        report = report_extract.extract(RULES_DIR / f"{name}.pdf")
        twin = report_extract.extract(FIXTURES / f"{twin_name}.txt")
        for k, n in enumerate(compare(report, twin)):
            totals[style][k] += n
        if codes(report) != codes(twin):
            differing_codes.append((name, codes(report) - codes(twin)))
        if [(s.key, s.text) for s in report.sections] != [(s.key, s.text) for s in twin.sections]:
            differing_codes.append((name, "sections"))  # table text left in prose, or prose taken
    assert totals == {style: [3179, 0, 0] for style in RULE_VARIANTS}
    assert differing_codes == []  # (a label's last character alone atop the next page is joined)


@pytest.mark.parametrize("name", sorted(centred_variant_fixtures()))
def test_cells_centred_across_and_down_read_like_top_aligned_ones(name):
    """Labels centred on their row stand above and below the line of its numbers; numbers centred
    under their header; 行政许可's one number centred across the three columns of its row."""
    twin_name = centred_variant_fixtures()[name][0]
    report = report_extract.extract(RULES_DIR / f"{name}.pdf")
    twin = report_extract.extract(FIXTURES / f"{twin_name}.txt")
    assert compare(report, twin) == ((198, 0, 0) if twin_name == "v2019-clean" else (200, 0, 0))
    assert report.tables == twin.tables
    assert codes(report) == codes(twin)
    assert [(s.key, s.text) for s in report.sections] == [(s.key, s.text) for s in twin.sections]
    if twin_name == "v2021-clean":
        assert report.tables["proactive"]["administrative_licensing"] == {"decisions": 1868}
        assert report.provenance["applications.new_received.total"].label.replace(" ", "") == "一、本年新收政府信息公开申请数量"


@pytest.mark.parametrize("style", RULE_VARIANTS)
def test_rows_shifted_by_a_cell_too_many_or_too_few_are_reported_not_guessed(style):
    """An irregular row (LibreOffice sets its cells off the columns of the others): its numbers
    make no column, and the template mapping places them only where their count decides."""
    for name, row, code in [("v2021-missing-cells", "partially_disclosed", "missing_cells"),
                            ("v2021-extra-cells", "partially_disclosed", "extra_cells")]:
        report = report_extract.extract(RULES_DIR / f"{name}.{style}.pdf")
        twin = report_extract.extract(FIXTURES / f"{name}.txt")
        assert report.tables["applications"][row] == twin.tables["applications"][row]
        assert [p.code for p in report.problems if p.row == row] == [code]


def _chars(text: str, x: float, y: float, size: float = 10.0):
    return [(x + k * size, y, x + (k + 1) * size - 1, y + size, ch) for k, ch in enumerate(text)]


def test_prose_with_numbers_is_no_table_and_columns_come_from_many_rows():
    prose = (_chars("全年共办理申请 12 件，其中 3 件已答复。", 50, 700)
             + _chars("2023年 1月 5日", 50, 686))
    prose += _chars("联系电话", 50, 660) + _chars("12345678", 200, 660)
    prose += _chars("邮政编码", 50, 646) + _chars("350000", 200, 646)
    found = layout.read(lines(prose), 1)
    tables, rest = found.tables, found.rest
    assert tables == [] and len(rest) == 4
    # numbers right-aligned under their header: columns from the gaps across the rows
    rows = _chars("项目", 50, 600) + _chars("甲", 200, 600) + _chars("乙", 260, 600)
    for k, (label, a, b) in enumerate([("规章", "7", "12"), ("文件", "123", "4"), ("其他", "/", "56")]):
        y = 586 - 14 * k
        rows += _chars(label, 50, y) + _chars(a, 210 - 10 * len(a), y) + _chars(b, 270 - 10 * len(b), y)
    found = layout.read(lines(rows), 1)
    tables, rest = found.tables, found.rest
    assert rest == []
    [(top, table)] = tables
    assert [[c.text for c in row] for row in table.rows] == [
        ["项目", "甲", "乙"], ["规章", "7", "12"], ["文件", "123", "4"], ["其他", "/", "56"]]


def test_a_page_footer_below_a_table_is_not_a_row_of_it():
    rows = []
    for k, (label, a, b) in enumerate([("规章", "7", "12"), ("文件", "123", "4")]):
        y = 200 - 14 * k
        rows += _chars(label, 50, y) + _chars(a, 200, y) + _chars(b, 260, y)
    footer = _chars("-", 250, 40) + _chars("2", 270, 40) + _chars("-", 290, 40)
    found = layout.read(lines(rows + footer), 1)
    tables, rest = found.tables, found.rest
    [(_, table)] = tables
    assert [[c.text for c in row] for row in table.rows] == [["规章", "7", "12"], ["文件", "123", "4"]]
    assert [ln.text for ln in rest] == ["- 2 -"]


def test_a_section_heading_that_lost_its_numeral_parts_two_tables():
    """A caption row stands inside a table (第二十条第（六）项); a section's heading between two tables
    does not, even where OCR lost its numeral (收到和处理政府信息公开申请情况): the tables stay two,
    each number in its own table's column, and the heading stays prose."""
    rows = []
    for k, (label, a, b, c) in enumerate([("规章", "3", "1", "5"), ("规范性文件", "4", "2", "6")]):
        y = 500 - 14 * k
        rows += _chars(label, 50, y) + _chars(a, 200, y) + _chars(b, 260, y) + _chars(c, 320, y)
    rows += _chars("收到和处理政府信息公开申请情况", 120, 472)
    for k, (label, *values) in enumerate([("本年新收", "7", "8", "9", "10"), ("上年结转", "1", "2", "3", "4")]):
        y = 458 - 14 * k
        rows += _chars(label, 50, y)
        for n, value in enumerate(values):
            rows += _chars(value, 180 + 50 * n, y)
    found = layout.read(lines(rows), 1)
    assert [[[c.text for c in row] for row in table.rows] for _, table in found.tables] == [
        [["规章", "3", "1", "5"], ["规范性文件", "4", "2", "6"]],
        [["本年新收", "7", "8", "9", "10"], ["上年结转", "1", "2", "3", "4"]]]
    assert [ln.text for ln in found.rest] == ["收到和处理政府信息公开申请情况"]
