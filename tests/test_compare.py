"""`report-extract compare A B`: two generated consecutive years with a planted carry-over mismatch
and copied paragraphs -> exactly those findings, in JSON, on the terminal and as a page."""

from __future__ import annotations

import json
import subprocess
import sys

from lxml import html as lxml_html
from review_fixtures import COMPARE_COPIED, compare_reports

from conftest import FIXTURES, ROOT
from report_extract import extract
from report_extract.compare import compare, repeated
from test_html import assert_self_contained

A, B = FIXTURES / "v2021-compare-2022.txt", FIXTURES / "v2021-compare-2023.txt"
SECTION_KEYS = {1: "general", 5: "issues_and_improvements"}


def cli(*args):
    return subprocess.run([sys.executable, "-m", "report_extract", "compare", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_exactly_the_planted_findings():
    compare_reports()  # fills COMPARE_COPIED
    result = compare(extract(A), extract(B))
    assert [(p["code"], p["table"], p["row"], p["column"], p["expected"], p["found"]) for p in result["problems"]] == [
        ("carryover_mismatch", "applications", "carried_over", "natural_person", 3, 4),
        ("carryover_mismatch", "applications", "carried_over", "total", 3, 4)]
    found = {s["section"]: [r["b"] for r in s["repeated_sentences"]] for s in result["prose"] if s["repeated"]}
    assert found == {SECTION_KEYS[n]: sentences for n, sentences in COMPARE_COPIED.items()}
    shares = {s["section"]: (s["repeated"], s["sentences"], s["share"]) for s in result["prose"]}
    assert shares["general"] == (2, 4, 0.5) and shares["issues_and_improvements"] == (2, 2, 1.0)
    assert shares["other_matters"] == (0, 1, 0.0)
    assert result["prose_share"] == round(4 / 7, 3)
    changes = {v["field"]: (v["a"], v["b"], v["change"]) for v in result["values"]}
    assert changes["applications.carried_over.natural_person"] == (2, 4, 2)  # 2022 carried over 2, forward 3
    assert changes["proactive.normative_documents.in_force"] == (86, 82, -4)
    assert result["notes"] == []


def test_near_verbatim_sentences_count_and_different_ones_do_not():
    a = "2022年，本机关组织政务公开业务培训两次，编印工作手册发放到各社区。本年度没有发生收费争议事项。"
    b = "2023年，本机关组织政务公开业务培训3次，编印工作手册发放到各个社区。全年新建政务公开专区一个，配备自助终端。"
    assert [r["b"] for r in repeated(a, b)] == ["2023年，本机关组织政务公开业务培训3次，编印工作手册发放到各个社区。"]


def test_cli_json_text_and_html(tmp_path):
    as_json = cli(A, B, "-f", "json")
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    assert [p["code"] for p in data["problems"]] == ["carryover_mismatch"] * 2
    text = cli(A, B)
    assert "“二、上年结转政府信息公开申请数量”“自然人”栏为 4，而上一年度报告“四、结转下年度继续办理”为 3。" in text.stdout
    assert "五、存在的主要问题及改进情况：2/2 句（100%）" in text.stdout and "\x1b[" not in text.stdout
    assert cli(A, B, "-f", "html", "-o", tmp_path / "c.html").returncode == 0
    page = (tmp_path / "c.html").read_text(encoding="utf-8")
    assert_self_contained(page)
    tree = lxml_html.fromstring(page)
    assert len(tree.xpath("//li[@class='repeat']")) == 4
    # the tables as the template lays them out, each changed value A→B
    cell = tree.get_element_by_id("c-applications.carried_over.natural_person")
    assert cell.text_content() == "2→4" and "changed" in cell.get("class")
    assert tree.get_element_by_id("c-applications.carried_over.total").text_content() == "4"


def test_compare_reads_result_json_of_a_batch(tmp_path):
    for path in (A, B):
        out = tmp_path / (path.name + ".json")
        subprocess.run([sys.executable, "-m", "report_extract", "extract", str(path), "-o", str(out)], cwd=ROOT,
                       check=True, timeout=120)
    result = cli(tmp_path / (A.name + ".json"), tmp_path / (B.name + ".json"), "-f", "json")
    assert [p["row"] for p in json.loads(result.stdout)["problems"]] == ["carried_over", "carried_over"]
    assert cli(A, tmp_path / "missing.pdf").returncode == 3


def test_a_money_change_keeps_the_precision_it_is_written_with():
    a, b = extract(A), extract(B)
    fees = "proactive.administrative_fees.amount_10k_yuan"
    a.tables["proactive"]["administrative_fees"]["amount_10k_yuan"] = 0.0123
    b.tables["proactive"]["administrative_fees"]["amount_10k_yuan"] = 0.0146
    change = next(v["change"] for v in compare(a, b)["values"] if v["field"] == fees)
    assert change == 0.0023  # not 0.0 (rounded to two places) nor 0.0022999999999999996
    b.tables["proactive"]["administrative_fees"]["amount_10k_yuan"] = 36.92
    a.tables["proactive"]["administrative_fees"]["amount_10k_yuan"] = 30.1
    assert next(v["change"] for v in compare(a, b)["values"] if v["field"] == fees) == 6.82


def test_two_bodies_are_never_checked_across_years():
    """Figures do not carry over from one body to another (issue 20): a later year of another body
    gets no cross-year warning, and the note says why."""
    from generate import chain, render_text
    from report_extract import extract as read
    from report_extract.compare import compare as compare_reports

    first, second = chain(21, "示例县审计局", [2022, 2023])
    second.applications[1][0] += 1  # carried over ≠ last year's carried forward
    second.applications[1][-1] += 1
    second.applications[0][0] -= 1
    second.applications[0][-1] -= 1
    same = compare_reports(read("a.txt", render_text(first).encode()), read("b.txt", render_text(second).encode()))
    assert [p["code"] for p in same["problems"]] == ["carryover_mismatch", "carryover_mismatch"]
    second.organization = "示例县财政局"
    other = compare_reports(read("a.txt", render_text(first).encode()), read("b.txt", render_text(second).encode()))
    assert other["problems"] == []
    assert "两份报告的机关不同，跨年度勾稽关系（上年结转、现行有效件数）不核对。" in other["notes"]
