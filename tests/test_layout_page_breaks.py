"""Tables with partial or no rules cut by page breaks (tests/fixtures/page_breaks.py): a label cut
under a header repeated atop the next page, table 二's last rows alone atop the next page, a column
with a number in one row only. Each against its text twin: every value right, none wrong."""

from __future__ import annotations

import sys

import pytest
from page_breaks import LONE_COLUMN, LONE_ROW, page_break_fixtures, page_break_report

import report_extract
from conftest import ROOT, codes
from generate import RULES_DIR, render_text

sys.path.insert(0, str(ROOT / "benchmarks"))
from layout_tables import compare  # noqa: E402

RESEARCH = "research_institution"


def _twin(tmp_path, variant):
    path = tmp_path / f"{variant}.txt"
    path.write_text(render_text(page_break_report(variant)), encoding="utf-8")
    return report_extract.extract(path)


@pytest.mark.parametrize("name", sorted(page_break_fixtures()))
def test_a_table_cut_by_a_page_break_reads_like_its_twin(name, tmp_path):
    """Before: 2.没有|现成信息需要另行制作 cut under a repeated header was an unknown_row with 7 null
    values, table 二's 行政强制 and 行政事业性收费 alone atop a page were missing_row, a column
    with one number left every row of its other pages with missing_cells."""
    variant = page_break_fixtures()[name][0]
    report = report_extract.extract(RULES_DIR / f"{name}.pdf")
    twin = _twin(tmp_path, variant)
    assert compare(report, twin) == (200, 0, 0)
    # blanking a column breaks the row totals: the twin's problems, the same
    assert codes(report) == codes(twin) == ({"blank_cells", "row_total"} if variant == "pagebreak-lonecol" else set())
    assert report.tables == twin.tables


def test_the_end_of_a_label_under_a_repeated_header_is_joined(tmp_path):
    report = report_extract.extract(RULES_DIR / "pagebreak-rep3.no-rules.pdf")
    row = report.tables["applications"]["unable_needs_creation"]
    assert row == {"natural_person": 12, "commercial_enterprise": 0, "research_institution": 0,
                   "social_welfare_org": 0, "legal_service_agency": 0, "other_org": 0, "total": 12}
    where = report.provenance["applications.unable_needs_creation.total"]
    assert where.label.replace(" ", "") == "2.没有现成信息需要另行制作" and where.page == 2


def test_the_last_rows_of_a_one_column_table_atop_the_next_page_are_read():
    report = report_extract.extract(RULES_DIR / "pagebreak-fill6.three-line.pdf")
    proactive = report.tables["proactive"]
    assert proactive["administrative_coercion"] == {"decisions": 14}
    assert str(proactive["administrative_fees"]["amount_10k_yuan"]) == "62.93"
    assert report.provenance["proactive.administrative_coercion.decisions"].page == 2
    assert report.provenance["proactive.administrative_penalty.decisions"].page == 1


@pytest.mark.parametrize("style", ["h-rules", "three-line", "no-rules"])
def test_a_column_with_one_number_is_a_column_on_every_page(style):
    report = report_extract.extract(RULES_DIR / f"pagebreak-lonecol.{style}.pdf")
    applications = report.tables["applications"]
    values = [row[RESEARCH] for row in applications.values() if isinstance(row, dict) and RESEARCH in row]
    assert values.count(None) == len(values) - 1  # blank everywhere (null) but in one row
    assert [v for v in values if v is not None] == [page_break_report("pagebreak-lonecol").applications[LONE_ROW][LONE_COLUMN]]
    pages = {v.page for k, v in report.provenance.items() if k.startswith("applications.")}
    assert len(pages) >= 2  # its other pages have no number in that column
