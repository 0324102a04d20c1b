"""The project's generated fixtures: each broken one raises its code, its clean twin does not."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest
import yaml

import report_extract
from conftest import FIXTURES, codes
from generate import build, fixtures, glued_fixtures, render_cells, render_layout, render_text
from report_extract.schema import json_schema
from report_extract.writers import as_data, to_yaml

BROKEN = {
    "v2021-balance": "balance",
    "v2021-outcome-sum": "outcome_sum",
    "v2019-outcome-sum": "outcome_sum",
    "v2021-row-total": "row_total",
    "v2021-review-total": "review_total",
    "v2021-missing-section": "missing_section",
    "v2021-missing-table": "missing_table",
    "v2021-missing-row": "missing_row",
    "v2021-extra-cells": "extra_cells",
    "v2021-missing-cells": "missing_cells",
    "v2021-not-a-number": "not_a_number",
    "v2021-negative-value": "negative_value",
    "v2021-unknown-row": "unknown_row",
    "v2021-blank-cells": "blank_cells",
    "v2021-template-year-mismatch": "template_year_mismatch",
    "v2021-glued.page": "glued_digits",
    "v2021-glued-ambiguous.page": "ambiguous_digits",
}
CLEAN = ["v2021-clean", "v2019-clean", "v2021-clean-b", "v2021-clean-c", "v2021-clean.gb18030",
         "v2021-clean.layout", "v2021-clean.cells"]
ALL = sorted(p.name for p in FIXTURES.glob("*.txt"))


def extract(name: str):
    return report_extract.extract(FIXTURES / f"{name}.txt")


@pytest.mark.parametrize("name", CLEAN)
def test_clean_fixtures_have_no_problem(name):
    report = extract(name)
    assert report.problems == []
    assert len(report.sections) == 6


def test_clean_fixture_values_are_the_generated_numbers():
    made = fixtures()["v2021-clean"]
    report = extract("v2021-clean")
    rows = [list(v.values()) for v in report.tables["applications"].values()]
    assert rows == made.applications
    review = [v for g in report.tables["review_litigation"].values() for v in g.values()]
    assert review == made.review
    proactive = dict(made.proactive)
    assert report.tables["proactive"]["normative_documents"]["in_force"] == int(proactive["行政规范性文件"][2])
    assert report.tables["proactive"]["administrative_fees"]["amount_10k_yuan"] == float(
        proactive["行政事业性收费"][0])
    assert (report.report.organization, report.report.year) == ("示例市清河区白鹭镇人民政府", 2023)


def test_v2019_fixture_keeps_signed_changes_and_procurement_unit():
    made = dict(fixtures()["v2019-clean"].proactive)
    report = extract("v2019-clean")
    assert report.report.template == "v2019"
    p = report.tables["proactive"]
    assert p["administrative_licensing"]["net_change"] == int(made["行政许可"][1]) < 0
    assert p["administrative_penalty"]["net_change"] == int(made["行政处罚"][1]) > 0
    amount = made["政府集中采购"][1]
    assert p["centralized_procurement"]["procurement_amount"] == float(amount.replace("万元", ""))
    assert report.report.units == {"proactive.centralized_procurement.procurement_amount": "万元"}
    assert "other" in report.tables["applications"] and "other_misc" not in report.tables["applications"]


@pytest.mark.parametrize("name,code", sorted(BROKEN.items()))
def test_each_code_is_raised_by_its_broken_fixture(name, code):
    assert code in codes(extract(name))


def test_codes_are_exact_where_one_defect_has_one_consequence():
    assert codes(extract("v2021-balance")) == {"balance"}
    assert codes(extract("v2021-review-total")) == {"review_total"}
    assert codes(extract("v2021-extra-cells")) == {"extra_cells"}
    assert codes(extract("v2021-missing-cells")) == {"missing_cells"}
    assert codes(extract("v2021-not-a-number")) == {"not_a_number"}
    assert codes(extract("v2021-blank-cells")) == {"blank_cells"}
    assert codes(extract("v2021-glued.page")) == {"glued_digits"}


def test_a_row_that_lost_a_cell_keeps_its_first_and_last_values_only():
    made = fixtures()["v2021-missing-cells"]
    assert made.applications[3] == [40, 0, 12, 0, 0, 60]  # 8 (social welfare orgs) was lost
    row = extract("v2021-missing-cells").tables["applications"]["partially_disclosed"]
    # 0, 12, 0, 0 can sit in five columns four ways: no middle column is certain
    assert list(row.values()) == [40, None, None, None, None, None, 60]


def test_broken_values_are_null_never_zero():
    report = extract("v2021-not-a-number")
    row = list(report.tables["applications"])[4]
    assert report.tables["applications"][row]["research_institution"] is None
    assert report.provenance[f"applications.{row}.research_institution"].raw == "见附件"
    blank = extract("v2021-blank-cells")
    assert None in [v for cols in blank.tables["applications"].values() for v in cols.values()]


def test_glued_fixture_reads_like_its_tab_separated_twin():
    glued = extract("v2021-glued.page")
    made = build(5, "示例市清河区水务局", 2023)
    rows = [list(v.values()) for v in glued.tables["applications"].values()]
    assert rows == made.applications
    assert [v for g in glued.tables["review_litigation"].values() for v in g.values()] == made.review
    ambiguous = extract("v2021-glued-ambiguous.page")
    assert {p.row for p in ambiguous.problems if p.code == "ambiguous_digits"} >= {"normative_documents"}
    assert set(ambiguous.tables["proactive"]["normative_documents"].values()) == {None}


def test_changing_any_single_number_of_table_three_fires_an_arithmetic_check():
    base = build(1, "示例市清河区白鹭镇人民政府", 2023)
    arithmetic = {"balance", "outcome_sum", "row_total"}
    for r in range(len(base.applications)):
        for c in range(7):
            changed = copy.deepcopy(base)
            changed.applications[r][c] += 1
            report = report_extract.extract("changed.txt", render_text(changed).encode())
            assert codes(report) & arithmetic, (r, c)


@pytest.mark.parametrize("name", ALL)
def test_every_fixture_validates_against_the_schema_and_round_trips_yaml(name):
    report = report_extract.extract(FIXTURES / name)
    data = as_data(report)
    jsonschema.validate(data, json_schema())
    assert yaml.safe_load(to_yaml(report)) == data
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


@pytest.mark.parametrize("variant", ["v2021-clean.layout", "v2021-clean.cells"])
def test_text_laid_out_in_columns_or_one_cell_a_line_reads_like_its_tab_separated_twin(variant):
    other, tabs = extract(variant), extract("v2021-clean")
    assert other.tables == tabs.tables
    assert [(s.key, s.text) for s in other.sections][3:] == [(s.key, s.text) for s in tabs.sections][3:]
    assert other.sections[1].text == ""


def test_committed_fixtures_are_what_the_generator_writes():
    for name, report in fixtures().items():
        assert (FIXTURES / f"{name}.txt").read_text(encoding="utf-8") == render_text(report), name
    for name, text in glued_fixtures().items():
        assert (FIXTURES / f"{name}.page.txt").read_text(encoding="utf-8") == text, name
    layout = render_layout(fixtures()["v2021-clean"])
    assert (FIXTURES / "v2021-clean.layout.txt").read_text(encoding="utf-8") == layout
    assert (FIXTURES / "v2021-clean.cells.txt").read_text(encoding="utf-8") == render_cells(fixtures()["v2021-clean"])
