"""Every problem carries a Chinese sentence a reviewer would write (message_zh), worded in one place
(messages_zh.WORDING) for every registered code; the English message stays."""

from __future__ import annotations

import re

from conftest import FIXTURES, corpus_file, problems_of
from report_extract import crossyear, extract
from report_extract.messages_zh import CODE_NAMES, WORDING, describe
from report_extract.problems import CODES


def test_every_registered_code_has_chinese_wording():
    assert set(WORDING) == set(CODES) == set(CODE_NAMES)


def test_seed_extra_cells_in_chinese():
    report = extract(corpus_file("000_b1c038de0e5df421.txt"))
    [problem] = problems_of(report, "extra_cells")
    assert problem.message == "row has 16 cells where the template has 15"
    assert problem.message_zh == ("「四、政府信息公开行政复议、行政诉讼情况」的数字行有 16 个数，而模板只有 15 栏；"
                                  "无法确定每个数属于哪一栏的，数值留空。")


def test_hongze_review_totals_in_chinese():
    report = extract(corpus_file("hongze-2023.pdf"))
    assert [p.message_zh for p in problems_of(report, "review_total")] == [
        "「四、政府信息公开行政复议、行政诉讼情况」“行政复议”：结果维持、结果纠正、其他结果、尚未审结之和为 10+1+0+0=11，"
        "而“总计”为 0。",
        "「四、政府信息公开行政复议、行政诉讼情况」“行政诉讼·复议后起诉”：结果维持、结果纠正、其他结果、尚未审结之和为 "
        "5+0+0+0=5，而“总计”为 0。",
    ]
    assert [p.message_zh for p in problems_of(report, "missing_row")][2] == (
        "「三、收到和处理政府信息公开申请情况」缺少模板中的“3.其他”行（报告仍用旧版的单行“（六）其他处理”）。")


def test_balance_names_the_rows_as_the_report_writes_them():
    report = extract(FIXTURES / "v2021-balance.txt")
    first = problems_of(report, "balance")[0]
    assert first.message_zh == (
        "「三、收到和处理政府信息公开申请情况」“自然人”栏：第一项加第二项之和（394+2=396）不等于第三项加第四项之和"
        "（394+3=397）。“一、本年新收政府信息公开申请数量”加“二、上年结转政府信息公开申请数量”应等于“（七）总计”加"
        "“四、结转下年度继续办理”。")


def test_a_label_is_the_reports_where_it_differs_from_the_templates_in_words():
    from report_extract.problems import problem

    def wording(label):
        return describe(problem("not_a_number", table="applications", row="withheld_prohibited_by_law",
                                column="total", label=label, raw="x"))
    assert wording("2.其他法律行政止公开") == (  # hongze's typo, as the report writes it
        "「三、收到和处理政府信息公开申请情况」“2.其他法律行政止公开”行“总计”栏写的是“x”，不是数字，按无数字处理。")
    # a digit of the cell before glued to the label, other brackets: the same label, the template's
    assert "“2.其他法律行政法规禁止公开”行" in wording("02.其他法律行政法规禁止公开")


def test_every_fixture_problem_is_worded_without_english_keys():
    seen = set()
    for path in sorted(FIXTURES.glob("*.txt")):
        for problem in extract(path).problems:
            seen.add(problem.code)
            assert problem.message_zh and problem.message_zh != problem.message, (path.name, problem)
            assert not re.search(r"[a-z]+_[a-z]+", problem.message_zh), problem.message_zh
    assert {"balance", "outcome_sum", "row_total", "review_total", "missing_section", "missing_table",
            "missing_row", "extra_cells", "missing_cells", "not_a_number", "negative_value", "unknown_row",
            "blank_cells", "template_year_mismatch"} <= seen


def test_cross_year_problems_are_worded():
    before = {"organization": "x", "year": 2022, "template": "v2021",
              "applications": {"carried_over": None, "carried_forward": {"natural_person": 3, "total": 3}},
              "proactive": {"normative_documents": {"issued": 1, "repealed": 0, "in_force": 10}}}
    after = {"organization": "x", "year": 2023, "template": "v2021",
             "applications": {"carried_over": {"natural_person": 2, "total": 2}, "carried_forward": None},
             "proactive": {"normative_documents": {"issued": 2, "repealed": 1, "in_force": 12}}}
    assert [p.message_zh for p in crossyear.check(before, after)] == [
        "「三、收到和处理政府信息公开申请情况」“二、上年结转政府信息公开申请数量”“自然人”栏为 2，而上一年度报告"
        "“四、结转下年度继续办理”为 3。",
        "「三、收到和处理政府信息公开申请情况」“二、上年结转政府信息公开申请数量”“总计”栏为 2，而上一年度报告"
        "“四、结转下年度继续办理”为 3。",
        "「二、主动公开政府信息情况」“行政规范性文件”的现行有效件数为 12，而上一年度报告的现行有效件数加本年制发件数、"
        "减本年废止件数应为 11。",
    ]
