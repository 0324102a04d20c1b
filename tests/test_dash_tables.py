"""Pandoc's simple and multiline tables (readers/dash_tables.py): columns by display position, cell
text over several lines, and dash lines that are not tables left as prose (issue 22 §2)."""

from __future__ import annotations

import report_extract
from conftest import FIXTURES
from report_extract.readers import text as text_reader
from report_extract.readers.dash_tables import as_tab_rows

MULTILINE = """\
四、政府信息公开行政复议、行政诉讼情况

  ------------------------------------------------------
  行政复议                   行政诉讼
  ---------- ---------- ---- ------------------ --------
  结果维持   结果纠正   总计 未经复议直接起诉   复议后
                                                起诉

  3          0          4    3                  2
  ------------------------------------------------------

五、存在的主要问题及改进情况
"""


def _tables(text: str) -> list[list[list[str]]]:
    doc = text_reader.read(text.encode("utf-8"), "t.md")
    return [[[c.text for c in row] for row in block.rows] for block in doc.blocks if hasattr(block, "rows")]


def test_a_multiline_table_with_a_header_and_wide_characters():
    assert _tables(MULTILINE) == [[["行政复议", "", "", "行政诉讼", ""],
                                   ["结果维持", "结果纠正", "总计", "未经复议直接起诉", "复议后起诉"],
                                   ["3", "0", "4", "3", "2"]]]


def test_a_simple_table_with_a_header_ends_at_a_blank_line():
    text = "表二\n\n信息内容   本年制发件数 现行有效件数\n---------- ------------ ------------\n规章       0            2\n行政规范性文件 4        85\n\n正文。\n"
    assert _tables(text) == [[["信息内容", "本年制发件数", "现行有效件数"], ["规章", "0", "2"],
                              ["行政规范性文件", "4", "85"]]]


def test_a_headerless_simple_table_between_two_column_lines():
    text = "正文。\n\n------ ---- ----\n行政许可 12\n行政处罚 3   1\n------ ---- ----\n\n正文。\n"
    assert _tables(text) == [[["行政许可", "12", ""], ["行政处罚", "3", "1"]]]


def test_a_headerless_multiline_table_groups_rows_by_blank_lines():
    text = ("-------- ---- ----\n(二) 部分 40   60\n公开\n\n(三) 不予 1    1\n公开\n-------- ---- ----\n")
    assert _tables(text) == [[["(二) 部分公开", "40", "60"], ["(三) 不予公开", "1", "1"]]]


def test_dash_lines_that_are_no_table_stay_as_they_are():
    lines = ["一段正文。", "", "-----", "", "另一段。", "标题", "------", "", "------ ----", "", "", "末尾"]
    assert as_tab_rows(lines) == lines


def test_a_pandoc_2_markdown_twin_reads_like_its_docx():
    """pandoc's markdown without grid tables or raw HTML (pandoc 2's default): table 四 and the fee
    value were lost (184/200) before these tables were read."""
    twin = report_extract.extract(FIXTURES / "v2021-clean.pandoc-multiline.md")
    docx = report_extract.extract(FIXTURES / "v2021-clean.docx")
    assert twin.tables == docx.tables
    assert sum(v is not None for t in twin.tables.values() for r in t.values() for v in r.values()) == 200
    assert twin.problems == []
