"""Saved web pages (HTML, MHTML): the report inside the portal page, like every other format."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

import report_extract
from conftest import FIXTURES, ROOT, codes, corpus_file
from generate import DOCUMENT_FIXTURES
from report_extract.readers import html as html_reader


@pytest.mark.parametrize("name", DOCUMENT_FIXTURES)
@pytest.mark.parametrize("ext", ["html", "mht"])
def test_web_pages_give_the_text_twins_tables_and_codes(name, ext):
    text, page = report_extract.extract(FIXTURES / f"{name}.txt"), report_extract.extract(FIXTURES / f"{name}.{ext}")
    assert page.tables == text.tables
    assert codes(page) == codes(text)
    assert [s.key for s in page.sections] == [s.key for s in text.sections]
    assert page.report.title == text.report.title.lstrip("# ")
    assert page.source.format == "html"


def test_navigation_footer_and_related_links_stay_out_of_the_sections():
    report = report_extract.extract(FIXTURES / "v2021-clean.html")
    text = "\n".join(s.text for s in report.sections)
    for junk in ("首页", "当前位置", "分享到", "相关链接", "备案号", "统计代码", "政府信息公开指南"):
        assert junk not in text
    assert report.sections[0].text.startswith("2023年，示例市清河区白鹭镇人民政府认真贯彻")


def test_gbk_page_is_decoded_by_its_declaration():
    data = (FIXTURES / "v2021-clean.html").read_bytes()
    assert b'charset=gb2312' in data
    text = html_reader.decode(data, None, "x")
    assert "示例市清河区白鹭镇人民政府" in text


def test_split_header_cells_and_numbers_split_over_spans():
    import lxml.html

    cell = lxml.html.fragment_fromstring('<td><p>商业</p><p>企业</p></td>')
    assert html_reader.cell_text(cell) == "商业企业"
    cell = lxml.html.fragment_fromstring('<td><span lang="EN-US">20</span><span>23</span>&nbsp;</td>')
    assert html_reader.cell_text(cell) == "2023"
    cell = lxml.html.fragment_fromstring("<td>三、本年度<br/>办理结果</td>")
    assert html_reader.cell_text(cell) == "三、本年度办理结果"


def test_pingtan_2024_saved_page_every_value():
    report = report_extract.extract(corpus_file("pingtan-2024.page.html"))
    info = report.report
    assert (info.organization, info.year, info.template) == ("平潭综合实验区", 2024, "v2021")
    assert report.tables["proactive"] == {
        "rules": {"issued": 0, "repealed": 0, "in_force": 0},
        "normative_documents": {"issued": 62, "repealed": 33, "in_force": 440},
        "administrative_licensing": {"decisions": 4529},
        "administrative_penalty": {"decisions": 1100},
        "administrative_coercion": {"decisions": 65},
        "administrative_fees": {"amount_10k_yuan": 18651.06},
    }
    rows = {k: list(v.values()) for k, v in report.tables["applications"].items()}
    nonzero = {"new_received": [217, 1, 0, 0, 0, 0, 218], "disclosed": [71, 0, 0, 0, 0, 0, 71],
               "partially_disclosed": [29, 0, 0, 0, 0, 0, 29], "withheld_state_secret": [4, 0, 0, 0, 0, 0, 4],
               "withheld_third_party_rights": [3, 0, 0, 0, 0, 0, 3],
               "withheld_internal_affairs": [32, 0, 0, 0, 0, 0, 32], "unable_not_held": [75, 0, 0, 0, 0, 0, 75],
               "not_processed_duplicate": [1, 0, 0, 0, 0, 0, 1],
               "other_no_correction_overdue": [1, 0, 0, 0, 0, 0, 1], "other_misc": [1, 1, 0, 0, 0, 0, 2],
               "outcome_total": [217, 1, 0, 0, 0, 0, 218]}
    assert len(rows) == 25
    for key, values in rows.items():
        assert values == nonzero.get(key, [0] * 7), key
    review = report.tables["review_litigation"]
    assert [list(review[g].values()) for g in review] == [[2, 1, 3, 1, 7], [0] * 5, [13, 2, 4, 0, 19]]
    assert report.problems == []
    text = "\n".join(s.text for s in report.sections)
    assert "版权所有" not in text and "网站地图" not in text and "主办" not in text
    assert report.sections[5].text == "2024年，无收取信息处理费情况。"


def run(path):
    return subprocess.run([sys.executable, "-m", "report_extract", "extract", str(path)], capture_output=True,
                          cwd=ROOT, timeout=120)


def test_a_huge_deeply_nested_page_finishes_without_a_recursion_error(tmp_path):
    filler = b"<p>" + ("\u586b\u5145\u6587\u5b57" * 50).encode() + b"</p>\n"
    page = (b"<html><body>" + b"<div>" * 10000 + "一、总体情况 很深的页面。".encode() + filler
            * (20_000_000 // len(filler)) + b"</div>" * 10000 + b"</body></html>")
    path = tmp_path / "deep.html"
    path.write_bytes(page)
    assert len(page) > 20_000_000
    start = time.monotonic()
    result = run(path)
    assert time.monotonic() - start < 60
    assert result.returncode in (0, 3)
    assert b"Traceback" not in result.stderr and b"RecursionError" not in result.stderr


def test_an_entity_bomb_does_not_expand(tmp_path):
    levels = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)]
    page = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [\n' + "\n".join(levels) + "\n]>\n"
            "<html><body><p>&lol9;</p></body></html>")
    path = tmp_path / "bomb.html"
    path.write_text(page, encoding="utf-8")
    result = run(path)
    assert result.returncode == 3
    assert "不是政府信息公开工作年度报告".encode() in result.stderr
    assert len(result.stdout) < 1000


def test_empty_and_non_report_pages(tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body></body></html>", encoding="utf-8")
    other = tmp_path / "news.html"
    other.write_text("<html><body><p>今日新闻：天气晴。</p></body></html>", encoding="utf-8")
    for path in (empty, other):
        result = run(path)
        assert result.returncode == 3 and str(path).encode() in result.stderr


def test_a_crawlers_header_before_the_page_is_skipped(tmp_path):
    page = tmp_path / "saved.html"
    page.write_bytes("标题: 示例\n抓取时间: 2025-01-21\n\n".encode("gb18030") + (FIXTURES / "v2021-clean.html").read_bytes())
    report = report_extract.extract(page)
    assert report.tables == report_extract.extract(FIXTURES / "v2021-clean.txt").tables


def test_a_2019_table_three_published_as_two_tables_with_its_group_label_repeated(tmp_path):
    import re

    from generate import _html_applications, fixtures, render_html

    made = fixtures()["v2019-clean"]
    page = render_html(made).decode("gb18030")
    table = _html_applications(made)
    rows = re.findall(r"<tr>.*?</tr>", table)
    split = 12  # inside （三）不予公开
    second = rows[split].replace("<tr>", '<tr><td rowspan="9">三、本年度办理结果</td>', 1)
    two = (table[: table.index(rows[split])] + "</table>\n<p>（续表）</p>\n<table border=\"1\">" + second
           + "".join(rows[split + 1:]) + "</table>")
    path = tmp_path / "two-tables.html"
    path.write_bytes(page.replace(table, two).encode("gb18030"))
    report = report_extract.extract(path)
    assert report.report.template == "v2019"
    assert report.tables["applications"] == report_extract.extract(FIXTURES / "v2019-clean.txt").tables[
        "applications"]
    assert report.problems == []
