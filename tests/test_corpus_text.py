"""The real text reports of the shared corpus: every value read by hand and asserted."""

from __future__ import annotations

import report_extract
from conftest import codes, corpus_file, problems_of
from report_extract.templates import APPLICATIONS_V2021, PROACTIVE_V2021, REVIEW

ZERO7 = [0] * 7


def app_rows(report):
    return {k: list(v.values()) for k, v in report.tables["applications"].items()}


def test_seed_every_value_and_the_extra_cell():
    report = report_extract.extract(corpus_file("000_b1c038de0e5df421.txt"))
    info = report.report
    assert (info.organization, info.year, info.template) == ("桃江县桃花江镇", 2023, "v2021")
    assert [s.key for s in report.sections] == ["general", "proactive", "applications", "review_litigation",
                                                "issues_and_improvements", "other_matters"]
    flat = report.flat()
    assert len(flat) == 200
    nonzero = {"proactive.normative_documents.issued": 2, "proactive.normative_documents.repealed": 2,
               "proactive.normative_documents.in_force": 34, "proactive.administrative_penalty.decisions": 14}
    for key, value in flat.items():
        assert value == nonzero.get(key, 0), key
    expected_keys = {f"proactive.{r.key}.{c.key}" for r in PROACTIVE_V2021.rows for c in r.columns}
    expected_keys |= {f"applications.{r.key}.{c.key}" for r in APPLICATIONS_V2021.rows if not r.replaces
                      for c in APPLICATIONS_V2021.columns}
    expected_keys |= {f"review_litigation.{r.key}.{c.key}" for r in REVIEW.rows for c in REVIEW.columns}
    assert set(flat) == expected_keys
    extra = problems_of(report, "extra_cells")
    assert len(extra) == 1 and extra[0].table == "review_litigation" and extra[0].found == 16
    assert codes(report) == {"extra_cells"}


def test_seed_section_text_is_repaired_across_page_breaks():
    report = report_extract.extract(corpus_file("000_b1c038de0e5df421.txt"))
    general = report.sections[0].text
    assert "窗口 AB 岗工作制度》" in general
    issues = report.sections[4].text
    assert "加强业务培训" in issues
    assert report.sections[5].text == "2023 年未收取信息处理费。"
    assert report.sections[1].text == "" and report.sections[2].text == ""


def test_pingtan_2020_v2019_glued_and_its_own_outcome_error():
    report = report_extract.extract(corpus_file("pingtan-2020.page.txt"))
    assert (report.report.organization, report.report.year, report.report.template) == (
        "平潭综合实验区", 2020, "v2019")
    p = report.tables["proactive"]
    assert p["rules"] == {"newly_made": 0, "newly_published": 0, "total_published": 7}
    assert p["administrative_fees"] == {"prior_year_items": 35, "net_change": -15}
    assert p["administrative_penalty"] == {"prior_year_items": 2648, "net_change": None, "decisions": None}
    for row in ("normative_documents", "administrative_licensing", "other_external_services",
                "administrative_coercion", "centralized_procurement"):
        assert set(p[row].values()) == {None}, row
    ambiguous = {x.row for x in problems_of(report, "ambiguous_digits")}
    assert ambiguous == {"normative_documents", "administrative_licensing", "other_external_services",
                         "administrative_penalty", "administrative_coercion", "centralized_procurement"}
    assert report.report.units == {"proactive.centralized_procurement.procurement_amount": "元"}
    rows = app_rows(report)
    assert rows["new_received"] == [20, 0, 0, 0, 0, 1, 21]
    assert rows["disclosed"] == [6, 0, 0, 0, 0, 1, 7]
    assert rows["partially_disclosed"] == [6, 0, 0, 0, 0, 0, 6]
    assert rows["unable_not_held"] == [4, 0, 0, 0, 0, 0, 4]
    assert rows["unable_unclear_after_correction"] == [3, 0, 0, 0, 0, 0, 3]
    assert rows["not_processed_duplicate"] == [3, 0, 0, 0, 0, 0, 3]
    assert rows["other"] == [4, 0, 0, 0, 0, 0, 4]
    assert rows["outcome_total"] == [20, 0, 0, 0, 0, 1, 21]
    assert rows["carried_over"] == rows["carried_forward"] == ZERO7
    assert len(rows) == 23
    sums = problems_of(report, "outcome_sum")
    assert {(x.column, x.expected, x.found) for x in sums} == {("natural_person", 26, 20), ("total", 27, 21)}
    assert not {"balance", "row_total", "review_total"} & codes(report)
    assert all(v == 0 for v in report.tables["review_litigation"]["administrative_review"].values())


def test_pingtan_2022_glued_values():
    report = report_extract.extract(corpus_file("pingtan-2022.page.txt"))
    assert report.report.template == "v2021" and report.report.year == 2022
    p = report.tables["proactive"]
    assert p["rules"] == {"issued": 0, "repealed": 0, "in_force": 0}
    assert p["normative_documents"] == {"issued": None, "repealed": None, "in_force": None}
    assert [p[k]["decisions"] for k in ("administrative_licensing", "administrative_penalty",
                                         "administrative_coercion")] == [10690, 2113, 0]
    assert p["administrative_fees"]["amount_10k_yuan"] == 9116.36
    rows = app_rows(report)
    assert rows["new_received"] == [71, 3, 0, 0, 0, 0, 74]
    assert rows["carried_over"] == [1, 0, 0, 0, 0, 0, 1]
    assert rows["disclosed"] == [21, 0, 0, 0, 0, 0, 21]
    assert rows["partially_disclosed"] == [8, 1, 0, 0, 0, 0, 9]
    assert rows["withheld_internal_affairs"] == [1, 0, 0, 0, 0, 0, 1]
    assert rows["withheld_process_info"] == [2, 0, 0, 0, 0, 0, 2]
    assert rows["withheld_enforcement_case_file"] == [1, 0, 0, 0, 0, 0, 1]
    assert rows["unable_not_held"] == [37, 0, 0, 0, 0, 0, 37]
    assert rows["other_no_correction_overdue"] == [2, 0, 0, 0, 0, 0, 2]
    assert rows["other_misc"] == [0, 2, 0, 0, 0, 0, 2]
    assert rows["outcome_total"] == [72, 3, 0, 0, 0, 0, 75]
    assert rows["carried_forward"] == ZERO7
    assert sum(sum(v) for v in rows.values()) == 2 * (74 + 1 + 75 + 75)  # nothing else is non-zero
    review = report.tables["review_litigation"]
    assert list(review["administrative_review"].values()) == [0, 1, 1, 0, 2]
    assert list(review["litigation_direct"].values()) == [1, 0, 0, 0, 1]
    assert list(review["litigation_after_review"].values()) == [0] * 5
    assert codes(report) == {"glued_digits", "ambiguous_digits"}
    assert [x.row for x in problems_of(report, "ambiguous_digits")] == ["normative_documents"]
    assert "政府信息公开行政法复议" in report.sections[3].heading


def test_pingtan_2025_glued_values_split_by_row_and_column_sums():
    report = report_extract.extract(corpus_file("pingtan-2025.page.txt"))
    p = report.tables["proactive"]
    assert [p[k]["decisions"] for k in ("administrative_licensing", "administrative_penalty",
                                         "administrative_coercion")] == [2418, 644, 64]
    assert p["administrative_fees"]["amount_10k_yuan"] == 4166.241619
    rows = app_rows(report)
    assert rows["new_received"] == [151, 3, 0, 0, 0, 0, 154]
    assert rows["disclosed"] == [33, 0, 0, 0, 0, 0, 33]  # only the column sums decide this one
    assert rows["partially_disclosed"] == [38, 0, 0, 0, 0, 0, 38]
    assert rows["unable_not_held"] == [49, 1, 0, 0, 0, 0, 50]
    assert rows["unable_needs_creation"] == [3, 0, 0, 0, 0, 0, 3]
    assert rows["other_no_correction_overdue"] == [8, 0, 0, 0, 0, 0, 8]
    assert rows["other_fee_unpaid"] == [2, 0, 0, 0, 0, 0, 2]
    assert rows["other_misc"] == [1, 0, 0, 0, 0, 0, 1]
    assert rows["outcome_total"] == [147, 1, 0, 0, 0, 0, 148]
    assert rows["carried_forward"] == [4, 2, 0, 0, 0, 0, 6]
    for key in ("withheld_internal_affairs", "withheld_enforcement_case_file", "withheld_administrative_query"):
        assert rows[key] == [3, 0, 0, 0, 0, 0, 3]
    review = report.tables["review_litigation"]
    assert [list(review[g].values()) for g in ("administrative_review", "litigation_direct",
                                                 "litigation_after_review")] == [
        [25, 3, 8, 0, 36], [3, 3, 0, 0, 6], [3, 0, 0, 0, 3]]
    assert codes(report) == {"glued_digits", "ambiguous_digits"}


def test_shanghai_markdown_extract_pieces_and_missing_cells():
    report = report_extract.extract(corpus_file("shanghai-office-2025.pdf-extract.md"))
    info = report.report
    assert (info.organization, info.year, info.template) == ("上海市人民政府办公厅", 2025, "v2021")
    rows = app_rows(report)
    assert len(rows) == 25
    assert rows["new_received"] == [1259, 36, 0, 0, 0, 0, 1295]
    assert rows["carried_over"] == [170, 15, 0, 0, 4, 0, 189]
    assert rows["disclosed"] == [201, 5, 0, 0, 0, 0, 206]
    assert rows["partially_disclosed"] == [2, 0, 0, 0, 0, 0, 2]
    assert rows["withheld_state_secret"] == [4, 0, 0, 0, 0, 0, 4]
    assert rows["withheld_internal_affairs"] == [8, 0, 0, 0, 1, 0, 9]
    assert rows["withheld_administrative_query"] == [5, 0, 0, 0, 0, 0, 5]
    assert rows["unable_not_held"] == [484, 28, 0, 0, 1, 0, 513]
    assert rows["unable_needs_creation"] == [47, 1, 0, 0, 0, 0, 48]
    assert rows["not_processed_petition_complaint"] == [61, 1, 0, 0, 0, 0, 62]
    assert rows["not_processed_confirm_or_reissue"] == ZERO7
    assert rows["other_no_correction_overdue"] == [40, 1, 0, 0, 2, 0, 43]
    assert rows["other_fee_unpaid"] == ZERO7
    assert rows["other_misc"] == [264, 12, 0, 0, 0, 0, 276]
    assert rows["outcome_total"] == [1139, 48, 0, 0, 4, 0, 1191]
    assert rows["carried_forward"] == [290, 3, 0, 0, 0, 0, 293]
    review = report.tables["review_litigation"]
    assert [list(review[g].values()) for g in ("administrative_review", "litigation_direct",
                                                 "litigation_after_review")] == [
        [40, 0, 10, 5, 55], [2, 0, 4, 6, 12], [6, 0, 9, 7, 22]]
    p = report.tables["proactive"]
    assert [p[k]["decisions"] for k in ("administrative_licensing", "administrative_penalty",
                                         "administrative_coercion")] == [0, 0, 0]
    assert p["administrative_fees"]["amount_10k_yuan"] == 0
    missing = problems_of(report, "missing_cells")
    assert {(x.row, x.expected, x.found) for x in missing} == {("rules", 3, 2), ("normative_documents", 3, 2)}
    # the converter lost one cell of each row; the label fixes the first, the edge the last
    assert p["rules"] == {"issued": 22, "repealed": None, "in_force": 235}
    assert p["normative_documents"] == {"issued": 34, "repealed": None, "in_force": 189}
    assert report.provenance["proactive.rules.issued"].raw == "22"
    # the extract has no heading 五: its text runs on under 四, and the report says so
    assert codes(report) == {"missing_cells", "missing_section"}
    assert "注：行政复议、行政诉讼数量含上年度结转数量。" in report.sections[3].text
    assert "结果维持" not in report.sections[3].text
