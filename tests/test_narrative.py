"""narrative_mismatch: figures the prose states about a table field that the table contradicts;
precision first (no real report or fixture raises one it should not)."""

from __future__ import annotations

import copy

import pytest
from review_fixtures import NARRATIVE_PLANTED, files, narrative_report

from conftest import CORPUS, FIXTURES, problems_of
from report_extract import extract, narrative
from report_extract.errors import ReportError


def test_the_planted_mismatches_are_found_and_the_decoys_are_not():
    narrative_report()  # fills NARRATIVE_PLANTED
    report = extract(FIXTURES / "v2021-narrative.txt")
    found = {f"{p.table}.{p.row}.{p.column}": p.expected for p in problems_of(report, "narrative_mismatch")}
    assert found == NARRATIVE_PLANTED
    [review] = [p for p in problems_of(report, "narrative_mismatch") if p.table == "review_litigation"]
    assert review.severity == "warning"
    assert review.message_zh == ("“一、总体情况”的文字“全年发生政府信息公开行政复议案件6件。”所说的 6 与"
                                 "「四、政府信息公开行政复议、行政诉讼情况」“行政复议”行“总计”栏的 4 不一致。")


def test_the_committed_fixtures_are_what_the_generator_writes():
    for name, text in files().items():
        assert (FIXTURES / name).read_text(encoding="utf-8") == text, name


def test_no_fixture_raises_one():
    """Every fixture but the planted one (the PDFs are the DOCX fixtures' twins: same prose)."""
    paths = sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".txt", ".html", ".htm", ".docx", ".mht", ".md")
                   and "narrative" not in p.name)
    assert len(paths) > 100
    raised = []
    for path in paths:
        try:
            report = extract(path)
        except ReportError:
            continue  # the broken inputs
        raised += [(path.name, p.message) for p in problems_of(report, "narrative_mismatch")]
    assert raised == []


REAL = ["000_b1c038de0e5df421.txt", "hongze-2023.pdf", "pingtan-2020.page.txt", "pingtan-2022.page.txt",
        "pingtan-2024.page.html", "pingtan-2025.page.txt", "shanghai-office-2025.pdf-extract.md"]


@pytest.mark.parametrize("name", REAL)
def test_no_real_report_raises_one(name):
    path = CORPUS / name
    if not path.exists():
        pytest.skip("shared corpus not available")
    assert problems_of(extract(path), "narrative_mismatch") == []


def test_real_statements_are_read_and_agree():
    """The statements the real reports make are recognised (each would be reported were the table
    different): precision is not bought by reading nothing."""
    if not CORPUS.exists():
        pytest.skip("shared corpus not available")
    seen = {}
    for name in REAL:
        report = extract(CORPUS / name)
        shifted = copy.deepcopy(report.tables)
        for rows in shifted.values():
            for cols in rows.values():
                for col, value in cols.items():
                    cols[col] = None if value is None else value + 1000
        seen[name] = sorted(f"{p.row}={p.expected}" for p in
                            narrative.check(report.sections, shifted, report.report.organization, report.report.year))
    assert seen == {
        "000_b1c038de0e5df421.txt": [], "pingtan-2020.page.txt": [], "pingtan-2024.page.html": [],
        "shanghai-office-2025.pdf-extract.md": [],  # 市政府 in the office's report: another body
        "hongze-2023.pdf": ["new_received=21"],
        "pingtan-2022.page.txt": ["administrative_review=2", "litigation_direct=1", "new_received=75"],
        "pingtan-2025.page.txt": ["administrative_review=36", "carried_forward=6", "litigation_direct=9",
                                  "new_received=154", "outcome_total=148"],
    }


@pytest.mark.parametrize("sentence", [
    "其中，区政府办公室收到政府信息公开申请500件。",
    "全区各镇街共收到政府信息公开申请500件。",
    "区教育局受理政府信息公开申请500件。",
    "全市收到政府信息公开申请500件。",
    "本机关收到行政复议申请500件。",
])
def test_statements_about_others_are_not_the_tables(sentence):
    from report_extract.model import Section

    section = Section(key="general", number=1, heading="一、总体情况", text=sentence)
    tables = {"applications": {"new_received": {"total": 1}},
              "review_litigation": {"administrative_review": {"total": 1}}}
    assert narrative.check([section], tables, "示例市清河区白鹭镇人民政府", 2023) == []
    assert len(narrative.check([Section(key="general", number=1, heading="一、总体情况",
                                        text="全镇共收到政府信息公开申请500件。")], tables,
                               "示例市清河区白鹭镇人民政府", 2023)) == 1


@pytest.mark.parametrize("sentence", [
    "2022年共收到政府信息公开申请500件，2023年共收到政府信息公开申请1件。",
    "2022年共收到政府信息公开申请500件，办结500件。",
    "2021年至2023年累计收到政府信息公开申请500件。",
    "12月收到政府信息公开申请500件。",
    "上半年收到政府信息公开申请500件。",
    "第四季度收到政府信息公开申请500件。",
])
def test_statements_about_another_period_are_not_the_tables(sentence):
    from report_extract.model import Section

    section = Section(key="general", number=1, heading="一、总体情况", text=sentence)
    tables = {"applications": {"new_received": {"total": 1}, "outcome_total": {"total": 1}}}
    assert narrative.check([section], tables, "示例县自然资源局", 2023) == []


@pytest.mark.parametrize("sentence", [
    "2023年1月1日至12月31日，共收到政府信息公开申请500件。",
    "截至2023年12月31日，本机关收到政府信息公开申请500件。",
    "2023年共收到政府信息公开申请500件。",
])
def test_statements_about_the_report_year_as_a_whole_are_checked(sentence):
    from report_extract.model import Section

    section = Section(key="general", number=1, heading="一、总体情况", text=sentence)
    tables = {"applications": {"new_received": {"total": 1}}}
    [problem] = narrative.check([section], tables, "示例县自然资源局", 2023)
    assert (problem.row, problem.expected, problem.found) == ("new_received", 500, 1)


@pytest.mark.parametrize(("sentence", "raised"), [
    ("全年行政事业性收费0.12万元。", False),  # the table's 0.1234 at the two places the prose writes
    ("全年行政事业性收费0.1234万元。", False),
    ("全年行政事业性收费0.1235万元。", True),
    ("全年行政事业性收费0.13万元。", True),
    ("全年行政事业性收费0.1万元。", False),
])
def test_money_in_prose_is_compared_at_the_places_it_is_written_with(sentence, raised):
    from report_extract.model import Section

    section = Section(key="general", number=1, heading="一、总体情况", text=sentence)
    tables = {"proactive": {"administrative_fees": {"amount_10k_yuan": 0.1234}}}
    found = narrative.check([section], tables, "示例县自然资源局", 2023)
    assert [(p.row, p.expected, p.found) for p in found] == (
        [("administrative_fees", float(sentence[9:-3]), 0.1234)] if raised else [])
