"""Titles, organisations, years and headings as real reports write them."""

from __future__ import annotations

import pytest

from report_extract.document import Document, Paragraph
from report_extract.document import Paragraph as P
from report_extract.identity import read_title, statistics_year
from report_extract.sections import outline, split_headings


def find_title(texts):
    return read_title(texts[0])


@pytest.mark.parametrize("title,org,year", [
    ("淮安市人民政府2024年政府信息公开工作年度报告", "淮安市人民政府", 2024),
    ("2025 年上海市人民政府办公厅政府信息公开\n工作年度报告", "上海市人民政府办公厅", 2025),
    ("平潭综合实验区2020年度政府信息公开工作年度报告", "平潭综合实验区", 2020),
    ("示例局关于2023年政府信息公开工作年度报告", "示例局", 2023),
    ("示例局政府信息公开工作年度报告（2023年度）", "示例局", 2023),
    ("示例县第8街道办事处2023年政府信息公开工作年度报告", "示例县第8街道办事处", 2023),
    ("2024年度示例市人民政府政府信息公开工作年度报告", "示例市人民政府", 2024),
    ("示例县人民政府办公室二〇二三年政府信息公开工作年度报告", "示例县人民政府办公室", 2023),
])
def test_title_organisation_and_year(title, org, year):
    assert find_title([title])[1:] == (org, year)


def test_no_title_no_invention():
    assert find_title(["政府信息公开工作年度报告格式模板"]) == (None, None, None)
    assert statistics_year([P("本报告所列数据统计期限自2023年1月1日起至2023年12月31日止。")]).year == 2023


def test_table_rows_are_not_headings_and_inline_headings_are_cut():
    doc = Document([Paragraph("前言。一、总体情况2023年，工作顺利。二、主动公开政府信息情况 规章000"),
                    Paragraph("四、结转下年度继续办理 0 0 0"), Paragraph("三、本年度办理结果"),
                    Paragraph("四、政府信息公开行政法复议、行政诉讼情况"),
                    Paragraph("五、政府信息公开工作存在的主要问题及改进情况"), Paragraph("（一）2024 年工作中存在问题的改进情况"),
                    Paragraph("## **六、其他需要报告的事项**".replace("## ", "").replace("**", ""))], "text")
    found = outline(split_headings(doc))
    assert [s.key for s in found.sections] == ["general", "proactive", "review_litigation",
                                               "issues_and_improvements", "other_matters"]
    assert found.sections[0].blocks[0].text == "2023年，工作顺利。"
    assert [b.text for b in found.sections[1].blocks] == ["规章000", "四、结转下年度继续办理 0 0 0", "三、本年度办理结果"]


def test_prose_about_reviews_is_not_table_four(tmp_path):
    import report_extract

    text = ("# 示例县2023年政府信息公开工作年度报告\n\n一、总体情况\n\n全年工作顺利。\n\n"
            "四、政府信息公开行政复议、行政诉讼情况\n\n本年度行政复议0件，行政诉讼0件。\n\n"
            "五、存在的主要问题及改进情况\n\n无。\n")
    path = tmp_path / "r.txt"
    path.write_text(text, encoding="utf-8")
    report = report_extract.extract(path)
    assert "review_litigation" not in report.tables
    assert "ambiguous_digits" not in {p.code for p in report.problems}
    assert report.sections[1].text == "本年度行政复议0件，行政诉讼0件。"


def test_headings_numbered_as_parts():
    doc = Document([Paragraph("第一部分 总体情况"), Paragraph("正文。"), Paragraph("第六部分：其他需要报告的事项"),
                    Paragraph("无。")], "text")
    assert [s.key for s in outline(split_headings(doc)).sections] == ["general", "other_matters"]


@pytest.mark.parametrize("heading,key", [
    ("五、工作中存在的主要问题及改进措施", "issues_and_improvements"), ("五、存在问题及改进情况", "issues_and_improvements"),
    ("一、基本情况", "general"), ("六、其他事项", "other_matters"),
    ("四、因政府信息公开工作被申请行政复议、提起行政诉讼情况", "review_litigation"),
    ("三、依申请公开情况", "applications"),
])
def test_heading_variants(heading, key):
    from report_extract.sections import HEADING, section_key

    assert section_key(HEADING.fullmatch(heading)) == key


@pytest.mark.parametrize("trail", [
    "首页 > 政务公开 > 政府信息公开年报 > ", "首页>政务公开>政府信息公开年报>", "首页政务公开政府信息公开年报",
    "当前位置：首页 » 信息公开 » 年度报告 » ", "您当前的位置：首页信息公开法定主动公开内容年度报告",
    "首页 · 政务公开 · ", "首页 政务公开 政府信息公开年报 ", "您现在的位置：政务公开年报", "当前位置：政务公开＞",
])
def test_navigation_before_the_title_is_not_the_organisation(trail):
    title = "示例市清河区水务局2023年政府信息公开工作年度报告"
    assert find_title([trail + title]) == (title, "示例市清河区水务局", 2023)
    assert find_title([trail + "示例市清河区水务局政府信息公开工作年度报告（2023年度）"])[1:] == ("示例市清河区水务局", 2023)


def test_navigation_with_no_organisation_after_it_names_none():
    assert find_title(["首页政务公开2023年政府信息公开工作年度报告"]) == ("2023年政府信息公开工作年度报告", None, 2023)


def test_glued_web_text_with_its_navigation_keeps_the_organisation():
    import report_extract
    from generate import build, render_glued

    made = build(5, "示例市清河区水务局", 2023)
    text = render_glued(made).replace("正文 " + "=" * 20 + "\n", "正文 " + "=" * 20 + "\n首页政务公开政府信息公开年报", 1)
    assert "年报示例市清河区水务局2023年" in text
    report = report_extract.extract("page.txt", text.encode())
    assert (report.report.organization, report.report.year) == ("示例市清河区水务局", 2023)
    assert report.report.title == "示例市清河区水务局2023年政府信息公开工作年度报告"


@pytest.mark.parametrize("organisation", ["示例市政务公开办公室", "示例市政务公开管理办公室", "示例市政务公开与数据管理局",
                                          "示例县公开办", "财政局"])
@pytest.mark.parametrize("trail", ["首页政务公开政府信息公开年报", "当前位置：首页信息公开", "首页 > 政务公开 > 年报 > "])
def test_a_name_that_holds_a_navigation_word_is_kept_whole_after_a_glued_trail(trail, organisation):
    title = f"{organisation}2023年政府信息公开工作年度报告"
    assert find_title([trail + title]) == (title, organisation, 2023)
