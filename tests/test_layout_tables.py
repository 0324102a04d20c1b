"""PDF tables drawn with partial or no rules (horizontal rules only, top and bottom rules only, no
rules at all), read from the layout of their text: every value right, none wrong."""

from __future__ import annotations

import sys

import pytest

import report_extract
from conftest import FIXTURES, ROOT, codes
from generate import RULE_VARIANTS, RULES_DIR, rule_variant_fixtures
from report_extract import layout
from report_extract.lattice import lines

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
    assert totals == {"h-rules": [3172, 0, 7], "three-line": [3179, 0, 0], "no-rules": [3179, 0, 0]}
    # the one row shifted by a missing cell, whose label runs into the next column: not placed, said so
    assert differing_codes == [("v2021-missing-cells.h-rules", {"unknown_row"})]


def test_a_shifted_row_is_not_placed_by_guess():
    report = report_extract.extract(RULES_DIR / "v2021-missing-cells.h-rules.pdf")
    twin = report_extract.extract(FIXTURES / "v2021-missing-cells.txt")
    assert report.tables["applications"]["withheld_state_secret"] == dict.fromkeys(
        twin.tables["applications"]["withheld_state_secret"])
    assert {p.code for p in report.problems if p.row == "withheld_state_secret"} == {"missing_cells"}


def _chars(text: str, x: float, y: float, size: float = 10.0):
    return [(x + k * size, y, x + (k + 1) * size - 1, y + size, ch) for k, ch in enumerate(text)]


def test_prose_with_numbers_is_no_table_and_columns_come_from_many_rows():
    prose = (_chars("全年共办理申请 12 件，其中 3 件已答复。", 50, 700)
             + _chars("2023年 1月 5日", 50, 686))
    tables, rest = layout.read(lines(prose), 1)
    assert tables == [] and len(rest) == 2
    # numbers right-aligned under their header: columns from the gaps across the rows
    rows = _chars("项目", 50, 600) + _chars("甲", 200, 600) + _chars("乙", 260, 600)
    for k, (label, a, b) in enumerate([("规章", "7", "12"), ("文件", "123", "4"), ("其他", "/", "56")]):
        y = 586 - 14 * k
        rows += _chars(label, 50, y) + _chars(a, 210 - 10 * len(a), y) + _chars(b, 270 - 10 * len(b), y)
    tables, rest = layout.read(lines(rows), 1)
    assert rest == []
    [(top, table)] = tables
    assert [[c.text for c in row] for row in table.rows] == [
        ["项目", "甲", "乙"], ["规章", "7", "12"], ["文件", "123", "4"], ["其他", "/", "56"]]
