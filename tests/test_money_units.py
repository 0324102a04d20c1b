"""A money cell written in another unit than its column fixes (989400元 in 本年收费金额（单位：万元）):
the value is given in the column's unit, with a warning on the cell, never 989400 万元 silently."""

from __future__ import annotations

import json
import re

import pytest

import report_extract
from conftest import FIXTURES
from generate import fixtures, render_glued, render_text


def _with_fee(render, written: str) -> bytes:
    made = fixtures()["v2021-clean"]
    made.proactive = [(lab, [written, *cells[1:]] if lab == "行政事业性收费" else cells) for lab, cells in made.proactive]
    return render(made).encode()


@pytest.mark.parametrize(("render", "written"), [(render_text, "369200元"), (render_text, "369,200元"),
                                                 (render_glued, "369200元")])
def test_yuan_in_a_column_of_ten_thousand_yuan_is_converted_and_said(render, written):
    report = report_extract.extract("fees.txt", _with_fee(render, written))
    assert report.tables["proactive"]["administrative_fees"]["amount_10k_yuan"] == 36.92
    [problem] = [p for p in report.problems if p.code == "unit_converted"]
    assert (problem.severity, problem.table, problem.row, problem.column) == (
        "warning", "proactive", "administrative_fees", "amount_10k_yuan")
    assert (problem.found, problem.expected) == (369200, 36.92)
    assert problem.message_zh == (f"「二、主动公开政府信息情况」“行政事业性收费”行“本年收费金额（单位：万元）”栏写作“{written}”，"
                                  "单位为元，而该栏单位为万元；已换算为 36.92 万元，请核对原件。")
    assert report.report.units == {"proactive.administrative_fees.amount_10k_yuan": "万元"}
    assert json.loads(report.model_dump_json())["tables"]["proactive"]["administrative_fees"] == {
        "amount_10k_yuan": 36.92}


def test_the_columns_own_unit_and_a_bare_number_are_as_written():
    report = report_extract.extract("fees.txt", _with_fee(render_text, "36.92万元"))
    assert report.tables["proactive"]["administrative_fees"]["amount_10k_yuan"] == 36.92
    assert "unit_converted" not in {p.code for p in report.problems}
    clean = report_extract.extract(FIXTURES / "v2021-clean.txt")
    assert str(clean.tables["proactive"]["administrative_fees"]["amount_10k_yuan"]) == "36.92"
    assert clean.report.units == {}


def test_a_column_without_a_fixed_unit_keeps_the_unit_as_written():
    v2019 = report_extract.extract(FIXTURES / "v2019-clean.fragment.htm")
    assert v2019.tables["proactive"]["centralized_procurement"]["procurement_amount"] == 251000
    assert not [p for p in v2019.problems if p.code == "unit_converted"]
    assert re.fullmatch(r"元", v2019.report.units["proactive.centralized_procurement.procurement_amount"])
