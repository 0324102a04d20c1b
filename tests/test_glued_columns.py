"""Glued web text (cells without separators): rows the row sums cannot split are decided by the
column sums of table 三, together with the other undecided rows, or left null."""

from __future__ import annotations

import report_extract
from conftest import codes
from generate import build, render_glued


def glued(rows: dict[int, int]) -> report_extract.Report:
    """A glued page whose table 三 has natural-person applications only (row index -> count)."""
    made = build(5, "示例市清河区水务局", 2023)
    made.applications = [[rows.get(r, 0), 0, 0, 0, 0, 0, rows.get(r, 0)] for r in range(len(made.applications))]
    made.proactive = [(lab, [c if not c or not c[0].isdigit() else str(int(float(c)) % 10) for c in cells])
                      for lab, cells in made.proactive]  # single digits: the proactive rows split one way
    return report_extract.extract("page.txt", render_glued(made).encode())


def test_two_rows_the_row_sums_cannot_split_are_decided_together_by_the_column_sums():
    # 本年新收 and 总计 both read 220000022 (22|0|…|22 or 2|20|0|…|22); 予以公开 12 and 部分公开 10
    # make 总计 22|0|…, and 总计 then makes 本年新收 22|0|… (R1), which neither decides alone
    report = glued({0: 22, 2: 12, 3: 10, 23: 22})
    apps = report.tables["applications"]
    assert list(apps["new_received"].values()) == [22, 0, 0, 0, 0, 0, 22]
    assert list(apps["outcome_total"].values()) == [22, 0, 0, 0, 0, 0, 22]
    assert list(apps["disclosed"].values()) == [12, 0, 0, 0, 0, 0, 12]
    assert codes(report) == {"glued_digits"}
    decided = {p.row: p.message for p in report.problems if "column sums" in p.message}
    assert set(decided) == {"new_received", "outcome_total"}
    assert decided["new_received"] == "'220000022' read as 22 | 0 | 0 | 0 | 0 | 0 | 22: the only split the column sums allow"


def test_rows_whose_column_sums_allow_two_readings_stay_null():
    # 本年新收, 予以公开 and 总计 all read 220000022: 22|0 everywhere and 2|20 everywhere both hold
    report = glued({0: 22, 2: 22, 23: 22})
    apps = report.tables["applications"]
    for key in ("new_received", "disclosed", "outcome_total"):
        assert list(apps[key].values()) == [None, None, 0, 0, 0, 0, 22], key
    assert {p.row for p in report.problems if p.code == "ambiguous_digits"} == {
        "new_received", "disclosed", "outcome_total"}
