"""Reports as word processors and converters export them: LibreOffice HTML/XHTML, Word and WPS
"save as web page", pandoc gfm/markdown and MinerU markdown (tables as raw HTML), HTML fragments.
Each gives the same Report as its DOCX twin (tests/fixtures/web_exports.py writes them)."""

from __future__ import annotations

import functools

import lxml.html
import pytest
from web_exports import fragment_reports, mineru_markdown, office_page

import report_extract
from conftest import FIXTURES, codes
from generate import DOCUMENT_FIXTURES, fixtures, render_text
from report_extract.document import Table
from report_extract.readers import html as html_reader
from report_extract.readers import sniff
from report_extract.readers import text as text_reader

KINDS = ["lo.html", "lo.xhtml", "word.html", "wps.html", "gfm.md", "pandoc.md", "pandoc-grid.md", "pandoc-multiline.md",
         "mineru.md"]
# pandoc fits every row to the table's grid: the extra cell is dropped, the missing one padded blank,
# so its markdown no longer holds the defect the DOCX has
PANDOC_CHANGES = {"v2021-extra-cells", "v2021-missing-cells"}


def outcome(report) -> dict:
    return {
        "tables": report.tables,
        "problems": sorted((p.code, p.table or "", p.row or "", p.column or "") for p in report.problems),
        "sections": [(s.key, s.heading, s.text) for s in report.sections],
        "report": (report.report.title, report.report.organization, report.report.year, report.report.template),
    }


@functools.cache
def docx_outcome(name: str) -> dict:
    return outcome(report_extract.extract(FIXTURES / f"{name}.docx"))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", DOCUMENT_FIXTURES)
def test_every_export_gives_the_docx_twins_report(name, kind):
    if kind in ("gfm.md", "pandoc.md", "pandoc-grid.md", "pandoc-multiline.md") and name in PANDOC_CHANGES:
        pytest.skip("pandoc fits the rows to the grid: the defect is not in its output")
    export = report_extract.extract(FIXTURES / f"{name}.{kind}")
    assert outcome(export) == docx_outcome(name)
    assert export.source.format == ("text" if kind.endswith(".md") else "html")


def test_pandoc_fits_rows_to_the_grid_and_the_checks_see_it():
    extra = report_extract.extract(FIXTURES / "v2021-extra-cells.gfm.md")
    assert "extra_cells" not in codes(extra) and {"row_total", "outcome_sum"} <= codes(extra)
    missing = report_extract.extract(FIXTURES / "v2021-missing-cells.pandoc.md")
    assert missing.tables["applications"]["partially_disclosed"]["total"] is None  # padded blank, not 0
    assert "blank_cells" in codes(missing)


def test_word_page_values_are_the_generated_numbers():
    made = fixtures()["v2021-clean"]
    report = report_extract.extract(FIXTURES / "v2021-clean.word.html")
    assert [list(v.values()) for v in report.tables["applications"].values()] == made.applications
    assert [v for g in report.tables["review_litigation"].values() for v in g.values()] == made.review
    assert report.tables["proactive"]["administrative_fees"]["amount_10k_yuan"] == 36.92
    assert (report.report.organization, report.report.year) == ("示例市清河区白鹭镇人民政府", 2023)
    assert [s.heading for s in report.sections][:2] == ["一、总体情况", "二、主动公开政府信息情况"]


def test_the_container_of_many_tables_is_found_whatever_python_ids_lxml_proxies_get():
    # every table wrapped alone, headings in <font>: the lowest element holding all is <body>
    tables = "".join(f"<center><table><tr><td>{w}</td><td>1</td></tr></table></center><p><font>{h}</font></p>"
                     for w, h in [("信息内容", "二、主动公开政府信息情况"), ("申请人情况", "三、收到和处理政府信息公开申请情况"),
                                  ("行政复议", "四、政府信息公开行政复议、行政诉讼情况")])
    root = lxml.html.document_fromstring(f"<html><body><p><font>一、总体情况</font></p>{tables}</body></html>")
    assert html_reader._report_container(root).tag == "body"


def test_word_spacer_row_and_list_number_padding():
    page = ("<html><body><p class=MsoListParagraph><![if !supportLists]><span><span style='mso-list:Ignore'>"
            "一、<span style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp;&nbsp; </span></span></span><![endif]>"
            "<span>总体情况</span></p><table><tr><td>1</td><td>2</td></tr>"
            "<![if !supportMisc]><tr height=0><td style='border:none'></td><td></td></tr><![endif]></table>"
            "</body></html>")
    doc = html_reader.read(page.encode(), "x.html")
    assert doc.blocks[0].text == "一、总体情况"
    (table,) = [b for b in doc.blocks if isinstance(b, Table)]
    assert [[c.text for c in row] for row in table.rows] == [["1", "2"]]


def test_generated_exports_are_what_the_generator_writes():
    for name in ("v2021-clean", "v2019-clean", "v2021-unknown-row"):
        docx = FIXTURES / f"{name}.docx"
        assert (FIXTURES / f"{name}.word.html").read_bytes() == office_page(docx, "word"), name
        assert (FIXTURES / f"{name}.wps.html").read_bytes() == office_page(docx, "wps"), name
        assert (FIXTURES / f"{name}.mineru.md").read_text(encoding="utf-8") == mineru_markdown(docx), name
    for name, (_, text, encoding) in fragment_reports().items():
        assert (FIXTURES / name).read_bytes() == text.encode(encoding), name


# --- fragments ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(fragment_reports()))
def test_fragments_read_like_their_text_twin(name):
    made, _, _ = fragment_reports()[name]
    twin = report_extract.extract("twin.txt", render_text(made).encode())
    report = report_extract.extract(FIXTURES / name)
    assert report.source.format == "html"
    assert report.tables == twin.tables
    assert codes(report) == codes(twin)
    assert (report.report.title, report.report.organization, report.report.year) == (
        twin.report.title.lstrip("# "), twin.report.organization, twin.report.year)
    assert [s.key for s in report.sections] == [s.key for s in twin.sections]


def test_fragment_values_money_with_its_unit_and_nbsp_blanks():
    v2019 = report_extract.extract(FIXTURES / "v2019-clean.fragment.htm")
    assert v2019.report.template == "v2019"
    assert v2019.tables["proactive"]["centralized_procurement"]["procurement_amount"] == 251000
    assert v2019.report.units == {"proactive.centralized_procurement.procurement_amount": "元"}
    blank = report_extract.extract(FIXTURES / "v2021-blank-cells.fragment.txt")
    made = fixtures()["v2021-blank-cells"]
    row, col = next((r, c) for r, cells in enumerate(made.applications) for c, v in enumerate(cells) if v == "/")
    key = list(blank.tables["applications"])[row]
    values = list(blank.tables["applications"][key].values())
    assert values[col] is None and blank.provenance[f"applications.{key}.{list(blank.tables['applications'][key])[col]}"].raw == ""
    assert [v for i, v in enumerate(values) if i != col] == [v for i, v in enumerate(made.applications[row]) if i != col]
    assert codes(blank) == {"blank_cells"}


@pytest.mark.parametrize("name", ["v2019-two-sums.fragment.htm", "v2019-two-sums.editor.html"])
def test_a_2019_fragment_reads_every_value_and_finds_both_errors_of_its_own(name):
    """The 2019 template as a portal keeps it (no <html>, no charset), two errors planted: (一)予以公开
    holds one natural-person application more than the outcome total counts. In the CMS fragment,
    characters hidden in four natural-person cells (2<span style=display:none>.</span>6, Word's
    mso-hide:all, the hidden attribute, visibility:hidden) made those cells words (2.6, 1，7):
    not_a_number, 194 of 198 values, and the 自然人 column's sum unchecked. The editor's table has
    zero-width spaces, a soft hyphen and a BOM between and after digits, full-width digits, digits in
    <font> runs, trailing &nbsp;, a 0 with a hidden note and a label broken by <br>."""
    made, _, _ = fragment_reports()[name]
    twin = report_extract.extract("twin.txt", render_text(made).encode())
    report = report_extract.extract(FIXTURES / name)
    assert report.report.template == "v2019" and len(report.flat()) == 198
    assert report.flat() == twin.flat()
    assert [(p.code, p.row, p.column, p.expected, p.found) for p in report.problems] == [
        ("outcome_sum", "outcome_total", "natural_person", 287, 286),
        ("outcome_sum", "outcome_total", "total", 441, 440)]
    assert report.value("applications.partially_disclosed.natural_person") == 26
    assert report.provenance["applications.withheld_state_secret.natural_person"].raw == "17"


def test_what_a_page_does_not_show_is_not_read():
    cell = lxml.html.fragment_fromstring('<td><span>2</span><span style="display: none">.</span><span>6</span></td>')
    assert html_reader.cell_text(cell) == "26"
    for hidden in ("<span style='DISPLAY:none;mso-hide:all'>9</span>", "<b hidden>9</b>",
                   '<font style="color:red;visibility:hidden">9</font>'):
        assert html_reader.cell_text(lxml.html.fragment_fromstring(f"<td>1{hidden}2</td>")) == "12"
    assert html_reader.cell_text(lxml.html.fragment_fromstring("<td>\ufeff1\u200b2&shy;&#8203;</td>")) == "12"
    # shown: a style that hides nothing, and a display other than none
    assert html_reader.cell_text(lxml.html.fragment_fromstring(
        '<td><span style="display:inline;mso-hide:none">3</span><span style="font-family:none">4</span></td>')) == "34"
    page = ('<p>一、总体情况</p><p>全年<span style="display:none">隐藏</span>公开</p><table><tr><td>1</td></tr>'
            '<tr style="display:none"><td>9</td></tr></table><p>二、主动公开政府信息情况</p>')
    doc = html_reader.read(page.encode(), "x.html")
    assert [b.text for b in doc.blocks if not isinstance(b, Table)] == ["一、总体情况", "全年公开", "二、主动公开政府信息情况"]
    [table] = [b for b in doc.blocks if isinstance(b, Table)]
    assert [[c.text for c in row] for row in table.rows] == [["1"]]


@pytest.mark.parametrize("header", [
    ('colspan="3" rowspan="3"', 'colspan="4" rowspan="3"'),  # the corner wider than the label cells
    ('colspan="7"', 'colspan="8"'),  # 申请人情况 over one column more than there are
    ('colspan="5"', 'colspan="4"'),  # 法人或其他组织 over one column less
])
def test_header_colspans_that_do_not_add_up_do_not_move_the_data_columns(header):
    from web_exports import fragment

    from generate import _html_applications, render_html

    made = fixtures()["v2021-clean"]
    table = _html_applications(made)
    text = fragment(render_html(made)).replace(table, table.replace(*header, 1))
    report = report_extract.extract("cms.html", text.encode())
    assert [list(v.values()) for v in report.tables["applications"].values()] == made.applications
    assert report.problems == []


def test_html_is_recognised_by_content_whatever_the_name():
    assert sniff(b"<p>\xe4\xb8\x80</p>", "a.txt") == "html"
    assert sniff(b"\n  <table><tr><td>1</td></tr></table>", "a.dat") == "html"
    assert sniff("示例市年度报告<br>一、总体情况<br>全年<br>".encode(), "a.txt") == "html"
    # markdown carrying tables as HTML stays markdown, even with MinerU's <html><body> around them
    assert sniff("# 标题\n\n<html><body><table><tr><td>1</td></tr></table></body></html>\n".encode(), "a.md") == "text"
    assert sniff("# 标题\n\n<table>\n<tr>\n<td><p>商业</p><p>企业</p></td><td><p>a</p></td>\n</tr>\n</table>\n"
                 .encode(), "a.md") == "text"
    assert sniff("# 标题\n\n| 商业<br />企业 | 科研<br>机构 | 其他<br/>组织 |\n|---|---|---|\n| 1 | 2 | 3 |\n".encode(),
                 "gfm.md") == "text"  # pandoc writes line breaks in pipe-table cells as <br />
    assert sniff("标题: 示例\n\n<html><body><p>一</p></body></html>".encode(), "saved.txt") == "html"
    assert sniff("一、总体情况\n2023年，3<5。".encode(), "a.txt") == "text"
    # a CMS fragment whose paragraphs are blank-line separated <p> is still HTML
    assert sniff("示例<br>\n\n<p>一、总体情况</p>\n\n<p>全年</p>\n".encode(), "a.txt") == "html"


@pytest.mark.parametrize("kind", ["gfm.md", "pandoc.md", "pandoc-grid.md", "mineru.md"])
def test_markdown_with_a_converters_line_breaks_in_its_prose_stays_markdown(kind):
    """A few <br> (or <p>) in markdown prose are a converter's line breaks, not an HTML page: the
    file still reads as its DOCX twin."""
    text = (FIXTURES / f"v2021-clean.{kind}").read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.startswith(("2023年", "# 2023年")) or "认真贯彻" in line)
    broken = text.replace(first, first.replace("，", "，<br>", 3), 1)
    assert broken.count("<br>") >= text.count("<br>") + 3
    assert sniff(broken.encode(), f"x.{kind}") == "text"
    assert outcome(report_extract.extract(f"x.{kind}", broken.encode())) == docx_outcome("v2021-clean")


# --- markdown with HTML tables ---------------------------------------------------------------------
def test_markdown_html_tables_keep_their_spans_as_the_html_reader_reads_them():
    md = ("# 标题\n\n前文。\n\n<table>\n<tr><td rowspan=\"2\">甲</td><td colspan=\"2\">乙</td></tr>\n"
          "<tr><td>1</td><td>2</td></tr>\n</table>\n\n后文。\n")
    doc = text_reader.read(md.encode(), "a.md")
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds == ["Paragraph", "Paragraph", "Table", "Paragraph"]
    table = doc.blocks[2]
    assert [[(c.text, c.col, c.rowspan, c.colspan) for c in row] for row in table.rows] == [
        [("甲", 0, 2, 1), ("乙", 1, 1, 2)], [("1", 1, 1, 1), ("2", 2, 1, 1)]]
    assert table.rows == html_reader.tables_in(md[md.index("<table>"):md.index("\n\n后文")])[0].rows


def test_mineru_markdown_every_value():
    made = fixtures()["v2019-clean"]
    report = report_extract.extract(FIXTURES / "v2019-clean.mineru.md")
    assert report.report.template == "v2019"
    assert [list(v.values()) for v in report.tables["applications"].values()] == made.applications
    assert [v for g in report.tables["review_litigation"].values() for v in g.values()] == made.review
    assert report.problems == []
    assert len(report.flat()) == 198 and None not in report.flat().values()


def test_an_html_table_left_open_ends_the_file_without_losing_the_prose(tmp_path):
    md = "# 示例县2023年政府信息公开工作年度报告\n\n一、总体情况\n\n全年公开。\n\n<table><tr><td>信息内容</td><td>1\n"
    doc = text_reader.read(md.encode(), "open.md")
    assert [b.text for b in doc.blocks[:3]] == ["示例县2023年政府信息公开工作年度报告", "一、总体情况", "全年公开。"]
    assert [[c.text for c in row] for row in doc.blocks[3].rows] == [["信息内容", "1"]]


def test_a_line_break_in_the_html_source_is_a_space_except_in_pre():
    page = "<html><body><p class=MsoNormal><span>全年共收到申请 15\n件，办结\n12 件。</span></p><pre>甲\n乙</pre></body></html>"
    doc = html_reader.read(page.encode(), "x.html")
    assert [b.text for b in doc.blocks] == ["全年共收到申请 15 件，办结 12 件。", "甲\n乙"]


def test_grid_table_rules_are_not_prose_or_cells():
    md = ("二、主动公开政府信息情况\n\n+------+------+\n| 规章 | 0    |\n+======+======+\n| 行政 +------+\n"
          "| 许可 | 5    |\n+------+------+\n\n+3 件为新增。\n")
    doc = text_reader.read(md.encode(), "grid.md")
    assert [b.text for b in doc.blocks if not isinstance(b, Table)] == ["二、主动公开政府信息情况", "+3 件为新增。"]
    (table,) = [b for b in doc.blocks if isinstance(b, Table)]
    assert [[c.text for c in row] for row in table.rows] == [["规章", "0"], ["行政"], ["许可", "5"]]


def test_text_after_a_table_on_its_line_is_kept():
    md = "前文。\n\n<html><body><table><tr><td>1</td></tr></table></body></html> 注：单位为件。\n"
    doc = text_reader.read(md.encode(), "a.md")
    assert [b.text if not isinstance(b, Table) else [[c.text for c in r] for r in b.rows] for b in doc.blocks] == [
        "前文。", [["1"]], "注：单位为件。"]


def test_hidden_cells_and_rows_keep_the_columns_a_browser_gives():
    """A cell hidden in its place (visibility:hidden, Word's mso-hide) is an empty cell in its column;
    one not laid out (display:none, hidden) gives its place to the next; a span down crosses a row
    hidden in its place, not a row not laid out (as headless chromium lays them out)."""
    def grid(markup: str) -> list:
        table = html_reader._table(lxml.html.fragment_fromstring(markup))
        return [[(c.text, c.col) for c in row] for row in table.rows]

    assert grid('<table><tr><td>a</td><td style="visibility:hidden">x</td><td>1</td><td>2</td></tr></table>') == [
        [("a", 0), ("", 1), ("1", 2), ("2", 3)]]
    assert grid('<table><tr><td>a</td><td style="mso-hide:all">x</td><td>1</td></tr></table>') == [
        [("a", 0), ("", 1), ("1", 2)]]
    assert grid('<table><tr><td>a</td><td style="display:none">x</td><td>1</td></tr></table>') == [
        [("a", 0), ("1", 1)]]
    rows = '<tr><td>3</td><td>4</td></tr><tr><td>M</td><td>5</td><td>6</td></tr></table>'
    assert grid('<table><tr><td rowspan=3>L</td><td>1</td><td>2</td></tr><tr style="visibility:hidden">'
                '<td>9</td><td>9</td></tr>' + rows) == [[("L", 0), ("1", 1), ("2", 2)], [("3", 1), ("4", 2)],
                                                        [("M", 0), ("5", 1), ("6", 2)]]
    assert grid('<table><tr><td rowspan=3>L</td><td>1</td><td>2</td></tr><tr style="display:none">'
                '<td>9</td><td>9</td></tr>' + rows) == [[("L", 0), ("1", 1), ("2", 2)], [("3", 1), ("4", 2)],
                                                        [("M", 1), ("5", 2), ("6", 3)]]
