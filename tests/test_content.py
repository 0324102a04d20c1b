"""Content the national format asks sections 五 and 六 to hold (issue 21): ``thin_section`` and
``missing_fee_statement``, precise first (none raised where the content is there, in any wording)."""

from __future__ import annotations

import re

import pytest

from conftest import CORPUS, FIXTURES, problems_of
from report_extract import extract

CODES = ("thin_section", "missing_fee_statement")
_SECTION = re.compile(r"(## (五|六)、[^\n]*\n\n)[^\n]*\n")


def _variant(tmp_path, name: str, five: str | None = None, six: str | None = None):
    """The committed fixture ``name`` with the text of section 五 and/or 六 replaced, read back."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    said = {"五": five, "六": six}
    text = _SECTION.sub(lambda m: m.group(1) + (said[m.group(2)] if said[m.group(2)] is not None
                                                 else m.group(0)[len(m.group(1)):-1]) + "\n", text)
    path = tmp_path / f"variant-{name}"
    path.write_text(text, encoding="utf-8")
    return extract(path)


# fee statements in section 六, charged or not: every one is a statement (fictional bodies)
FEE_STATEMENTS = [
    "全年收取政府信息公开信息处理费 0元。",
    "2023年，无收取信息处理费情况。",
    "本年度未发生收费情况。",
    "本机关未收取信息公开处理费。",
    "2023年未发生政府信息公开收费事项。",
    "2023年，本局依据《政府信息公开信息处理费管理办法》，共发出收费通知0件，实际收取总金额0元。",
    "本年度没有收取任何费用。",
    "本年度未向申请人收取费用，无其他需要报告的事项。",
    "1.收取信息处理费情况：无。2.人大代表建议和政协提案办理结果公开情况：全部公开。",
    "本年度共收取信息处理费200元（1件）。",
    "信息处理费：0元。",
    "本年度不涉及缴费事项。",
    "本机关本年度未收取信息處理費。",  # traditional script
]


@pytest.mark.parametrize("wording", FEE_STATEMENTS)
def test_a_fee_statement_in_any_wording_raises_nothing(tmp_path, wording):
    report = _variant(tmp_path, "v2021-clean.txt", six=wording)
    assert [p.code for p in report.problems if p.code in CODES] == []


@pytest.mark.parametrize("wording", ["无其他需要报告的事项。", "无。", "本年度无其他需要报告的事项。",
                                     "2023年，本机关积极办理人大代表建议和政协提案，办理结果均已公开。",
                                     "（文字描述，收取信息处理费情况在此处报告。）"])
def test_a_2021_section_6_without_a_fee_statement_is_a_warning(tmp_path, wording):
    report = _variant(tmp_path, "v2021-clean.txt", six=wording)
    [raised] = problems_of(report, "missing_fee_statement")
    assert (raised.severity, raised.page) == ("warning", None)
    assert raised.message_zh.startswith("第六部分（其他需要报告的事项）写作“")
    assert "未说明信息处理费的收取情况" in raised.message_zh
    assert problems_of(report, "thin_section") == []


def test_the_2019_format_asked_for_no_fee_statement(tmp_path):
    report = _variant(tmp_path, "v2019-clean.txt", six="无其他需要报告的事项。")
    assert report.report.template == "v2019"
    assert [p.code for p in report.problems if p.code in CODES] == []


@pytest.mark.parametrize("wording", ["无", "无。", "暂无。", "本年度无。", "（文字描述）", "存在问题：无。改进措施：无。",
                                     "—"])
@pytest.mark.parametrize("name", ["v2021-clean.txt", "v2019-clean.txt"])
def test_a_section_5_that_says_nothing_is_a_warning(tmp_path, wording, name):
    report = _variant(tmp_path, name, five=wording)
    [raised] = problems_of(report, "thin_section")
    assert raised.severity == "warning"
    assert raised.message_zh == f"第五部分（存在的主要问题及改进情况）只有“{wording}”，年报格式要求写明工作中存在的主要问题和改进措施。"
    assert problems_of(report, "missing_fee_statement") == []


@pytest.mark.parametrize("wording", [
    "信息公开内容不够全面，下一步将加强培训、扩大公开范围。",
    "一是公开不及时；二是解读不够。下一步：一是建立台账，二是丰富解读形式。",
])
def test_a_short_real_statement_of_problems_and_improvements_passes(tmp_path, wording):
    report = _variant(tmp_path, "v2021-clean.txt", five=wording)
    assert problems_of(report, "thin_section") == []


def test_no_committed_fixture_raises_either():
    raised, read = {}, 0
    for path in sorted(FIXTURES.glob("v20*")):
        if path.suffix not in (".txt", ".docx", ".pdf", ".html", ".md") or path.name == "v2021-peer-checks.docx":
            continue
        try:
            report = extract(path)
        except Exception:  # not every committed file is a report (fragments of broken inputs)
            continue
        read += 1
        codes = [p.code for p in report.problems if p.code in CODES]
        if codes:
            raised[path.name] = codes
    assert raised == {}
    assert read > 40


REAL = ["hongze-2023.pdf", "000_b1c038de0e5df421.txt", "pingtan-2020.page.txt", "pingtan-2022.page.txt",
        "pingtan-2024.page.html", "pingtan-2025.page.txt"]


@pytest.mark.parametrize("name", REAL)
def test_no_real_report_raises_either(name):
    path = CORPUS / name
    if not path.exists():
        pytest.skip("the real corpus is not here")
    assert [p.code for p in extract(path).problems if p.code in CODES] == []


def test_the_official_blank_template_raises_both():
    path = CORPUS / "official-template-2021-blank.docx"
    if not path.exists():
        pytest.skip("the real corpus is not here")
    report = extract(path)
    assert sorted(p.code for p in report.problems if p.code in CODES) == ["missing_fee_statement", "thin_section"]


def test_the_peer_fixture_as_a_report():
    """A peer tool's consistency-check fixture (review_fixtures.peer_report), rendered as a DOCX:
    both table 三 sum errors with their exact sums, the review total, no prose mismatch (its prose
    agrees), and the two content warnings."""
    report = extract(FIXTURES / "v2021-peer-checks.docx")
    found = sorted((p.code, p.severity, p.table, p.row, p.column, p.expected, p.found) for p in report.problems)
    assert found == [
        ("missing_fee_statement", "warning", None, None, None, None, None),
        ("outcome_sum", "error", "applications", "outcome_total", "natural_person", 93, 95),
        ("outcome_sum", "error", "applications", "outcome_total", "total", 158, 160),
        ("review_total", "error", "review_litigation", "litigation_direct", "total", 5, 6),
        ("thin_section", "warning", None, None, None, None, None),
    ]
    assert report.tables["applications"]["new_received"]["total"] == 170
