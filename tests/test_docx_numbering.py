"""DOCX whose numbers are Word's automatic list numbering: read as Word displays them."""

from __future__ import annotations

import io
import zipfile

import pytest

import report_extract
from conftest import FIXTURES, codes
from report_extract.readers import docx as docx_reader
from report_extract.readers import docx_numbering
from report_extract.readers.docx_numbering import MAX_LEVEL_TEXT, Numbering, format_number
from report_extract.writers import as_data

AUTONUM = FIXTURES / "autonum"
VARIANTS = {"v2021-clean.autonum": FIXTURES / "v2021-clean.docx",
            "v2019-clean.autonum-style": FIXTURES / "v2019-clean.docx",
            "v2021-list-items.autonum": AUTONUM / "v2021-list-items.docx"}
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_automatically_numbered_docx_reads_exactly_like_its_literal_twin(name):
    numbered, twin = report_extract.extract(AUTONUM / f"{name}.docx"), report_extract.extract(VARIANTS[name])
    data, expected = as_data(numbered), as_data(twin)
    for key in ("report", "sections", "tables", "problems", "provenance"):
        assert data[key] == expected[key], key
    assert [s.heading for s in numbered.sections] == [
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    assert codes(numbered) == set()


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_the_pdf_libreoffice_prints_from_the_numbered_docx_reads_like_the_twin(name):
    printed, twin = report_extract.extract(AUTONUM / f"{name}.pdf"), report_extract.extract(VARIANTS[name])
    assert printed.tables == twin.tables
    assert codes(printed) == codes(twin) == set()
    assert (printed.report.organization, printed.report.year) == (twin.report.organization, twin.report.year)
    assert [(s.key, s.heading) for s in printed.sections] == [(s.key, s.heading) for s in twin.sections]


def test_without_the_numbers_the_sections_were_lost(monkeypatch):
    monkeypatch.setattr(docx_numbering, "labels", lambda part, body: {})
    report = report_extract.extract(AUTONUM / "v2021-clean.autonum.docx")
    assert report.sections == [] and "missing_section" in codes(report)


def test_sub_items_and_table_labels_restart_as_word_restarts_them():
    report = report_extract.extract(AUTONUM / "v2021-list-items.autonum.docx")
    lines = report.sections[0].text.split("\n")
    assert [line[:3] for line in lines[1:]] == ["（一）", "1.完", "2.加", "（二）", "1.规", "（三）"]
    assert [line[:3] for line in report.sections[4].text.split("\n")] == ["（一）", "（二）"]
    labels = {k.split(".")[1]: v.label for k, v in report.provenance.items() if k.startswith("applications.")}
    assert labels["disclosed"] == "三、本年度办理结果 (一) 予以公开"
    assert labels["withheld_administrative_query"] == "8.属于行政查询事项"
    assert labels["unable_not_held"] == "(四) 无法提供 1.本机关不掌握相关政府信息"  # restarted at 1
    assert labels["other_misc"] == "3.其他"
    assert labels["outcome_total"] == "(七) 总计"
    assert labels["carried_forward"] == "四、结转下年度继续办理"


def test_committed_autonum_fixtures_are_what_the_generator_writes(tmp_path, monkeypatch):
    import autonum

    monkeypatch.setattr(autonum, "OUT", tmp_path)
    for path in autonum.write_autonum():
        committed, fresh = zipfile.ZipFile(AUTONUM / path.name), zipfile.ZipFile(path)
        for part in ("word/document.xml", "word/numbering.xml", "word/styles.xml"):
            assert committed.read(part) == fresh.read(part), (path.name, part)


# --- number formats -------------------------------------------------------------------------------
def test_chinese_counting_one_to_ninety_nine():
    digits = "一二三四五六七八九"
    expected = [(("" if tens == 1 else digits[tens - 1]) + "十" if tens else "") + (digits[ones - 1] if ones else "")
                for tens in range(10) for ones in range(10)][1:]
    got = [format_number(n, "chineseCounting") for n in range(1, 100)]
    assert got == expected
    assert got[:12] == ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
    assert [got[19], got[20], got[98]] == ["二十", "二十一", "九十九"]
    assert format_number(105, "chineseCounting") == "一〇五"  # Word writes 100 and more digit by digit


def test_other_number_formats():
    assert [format_number(n, "chineseCountingThousand") for n in (10, 11, 100, 101, 110, 1000, 1010, 10000)] == [
        "十", "十一", "一百", "一百〇一", "一百一十", "一千", "一千〇一十", "一万"]
    assert [format_number(n, "chineseLegalSimplified") for n in (1, 10, 11, 105)] == ["壹", "壹拾", "壹拾壹", "壹佰零伍"]
    assert [format_number(n, "decimal") for n in (1, 9, 10, 123)] == ["1", "9", "10", "123"]
    assert [format_number(n, "decimalEnclosedCircle") for n in (1, 2, 10, 20, 21)] == ["①", "②", "⑩", "⑳", "21"]
    assert format_number(3, "decimalEnclosedCircleChinese") == "③"
    assert [format_number(n, "decimalEnclosedParen") for n in (1, 20)] == ["⑴", "⒇"]
    assert [format_number(n, "decimalEnclosedFullstop") for n in (1, 20)] == ["⒈", "⒛"]
    assert [format_number(n, "ideographTraditional") for n in (1, 2, 10, 11)] == ["甲", "乙", "癸", "11"]
    assert [format_number(n, "ideographZodiac") for n in (1, 12)] == ["子", "亥"]
    assert format_number(2024, "ideographDigital") == "二〇二四"
    assert [format_number(n, "upperRoman") for n in (4, 9, 14, 1999)] == ["IV", "IX", "XIV", "MCMXCIX"]
    assert [format_number(n, "lowerLetter") for n in (1, 26, 27, 53)] == ["a", "z", "aa", "aaa"]
    assert [format_number(n, "decimalZero") for n in (1, 10)] == ["01", "10"]
    assert format_number(12, "decimalFullWidth") == "１２"
    assert [format_number(n, "ordinal") for n in (1, 2, 3, 11, 22)] == ["1st", "2nd", "3rd", "11th", "22nd"]
    assert format_number(5, "none") == ""
    assert format_number(5, "someFutureFormat") == "5"
    assert format_number(10 ** 30, "upperLetter") == str(10 ** 30)  # no 10**30 / 26 letters


# --- lists: templates, starts, overrides, restarts ------------------------------------------------------
def lvl(ilvl, fmt="decimal", text=None, start=1, extra=""):
    text = f"%{ilvl + 1}." if text is None else text
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>{extra}'
            f'<w:lvlText w:val="{text}"/></w:lvl>')


def numbering(abstracts: dict, nums: dict, styles: str = ""):
    """``abstracts``: id -> levels XML; ``nums``: numId -> (abstractNumId, overrides XML)."""
    from lxml import etree

    xml = "".join(f'<w:abstractNum w:abstractNumId="{k}">{v}</w:abstractNum>' for k, v in abstracts.items())
    xml += "".join(f'<w:num w:numId="{k}"><w:abstractNumId w:val="{a}"/>{o}</w:num>' for k, (a, o) in nums.items())
    root = etree.fromstring(f'<w:numbering xmlns:w="{W_NS}">{xml}</w:numbering>')
    style_root = etree.fromstring(f'<w:styles xmlns:w="{W_NS}">{styles}</w:styles>')
    return Numbering(root, style_root)


def para(num: int | None = None, ilvl: int | None = 0, style: str | None = None, text: str = "x") -> str:
    num_pr = ""
    if num is not None:
        num_pr = "<w:numPr>" + (f'<w:ilvl w:val="{ilvl}"/>' if ilvl is not None else "") + \
            f'<w:numId w:val="{num}"/></w:numPr>'
    style_xml = f'<w:pStyle w:val="{style}"/>' if style else ""
    return f"<w:p><w:pPr>{style_xml}{num_pr}</w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"


def rendered(lists: Numbering, *paragraphs: str) -> list[str]:
    from lxml import etree

    body = etree.fromstring(f'<w:body xmlns:w="{W_NS}">{"".join(paragraphs)}</w:body>')
    found = lists.label_paragraphs(body)
    return [found.get(p, "") for p in body.iter(f"{{{W_NS}}}p")]


def test_templates_and_suffixes():
    lists = numbering({0: lvl(0, "chineseCounting", "（%1）", extra='<w:suff w:val="space"/>'),
                       1: lvl(0, "chineseCounting", "第%1章"), 2: lvl(0, "chineseCounting", "%1、"),
                       3: lvl(0, "decimal", "(%1)", extra='<w:suff w:val="nothing"/>')},
                      {1: (0, ""), 2: (1, ""), 3: (2, ""), 4: (3, "")})
    assert rendered(lists, para(1), para(2), para(3), para(4), para(4)) == [
        "（一） ", "第一章 ", "一、", "(1)", "(2)"]  # a tab after punctuation is no space


def test_start_overrides_and_continued_instances():
    lists = numbering({0: lvl(0, "chineseCounting", "%1、", start=3)},
                      {1: (0, ""), 2: (0, ""), 3: (0, '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/>'
                                                      "</w:lvlOverride>")})
    # 1 starts at 3; 2 continues the same abstract list; 3 restarts at 1 the first time it is used
    assert rendered(lists, para(1), para(1), para(2), para(3), para(3), para(2)) == [
        "三、", "四、", "五、", "一、", "二、", "三、"]


def test_level_restart_legal_numbers_and_bullets():
    lists = numbering({0: lvl(0, "chineseCounting", "%1、") + lvl(1, "decimal", "%1.%2", extra="<w:isLgl/>")
                       + lvl(2, "decimal", "%3)", extra='<w:lvlRestart w:val="1"/>'),
                       1: lvl(0, "bullet", "●")},
                      {1: (0, ""), 2: (1, "")})
    got = rendered(lists, para(1, 0), para(1, 1), para(1, 2), para(1, 1), para(1, 2), para(1, 0), para(1, 1),
                   para(1, 2), para(2, 0))
    # level 1 restarts after level 0; level 2 (lvlRestart 1) only after level 0, not after level 1
    assert got == ["一、", "1.1 ", "1)", "1.2 ", "2)", "二、", "2.1 ", "1)", ""]


def test_numbering_through_paragraph_styles():
    styles = ('<w:style w:type="paragraph" w:styleId="H"><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr>'
              '</w:style><w:style w:type="paragraph" w:styleId="H2"><w:basedOn w:val="H"/></w:style>'
              '<w:style w:type="paragraph" w:styleId="Sub"><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr>'
              '</w:style><w:style w:type="paragraph" w:styleId="Loop"><w:basedOn w:val="Loop"/></w:style>')
    lists = numbering({0: lvl(0, "chineseCounting", "%1、", extra='<w:pStyle w:val="H"/>')
                       + lvl(1, "chineseCounting", "（%2）", extra='<w:pStyle w:val="Sub"/>')}, {1: (0, "")}, styles)
    got = rendered(lists, para(style="H"), para(style="Sub"), para(style="Sub"), para(style="H2"),
                   para(0, None, style="H"), para(style="Loop"), para(style="H"))
    # the style names the list, the list's level names the style; numId 0 switches the style's list off
    assert got == ["一、", "（一）", "（二）", "二、", "", "", "三、"]


def test_a_list_defined_by_a_numbering_style_counts_in_the_list_that_style_names():
    styles = ('<w:style w:type="numbering" w:styleId="Outline"><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr>'
              "</w:pPr></w:style>")
    lists = numbering({0: '<w:styleLink w:val="Outline"/>' + lvl(0, "chineseCounting", "%1、"),
                       1: '<w:numStyleLink w:val="Outline"/>'}, {1: (0, ""), 2: (1, "")}, styles)
    assert rendered(lists, para(1), para(2), para(1)) == ["一、", "二、", "三、"]


def test_a_custom_format_is_read_by_its_fallback():
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    custom = (f'<mc:AlternateContent xmlns:mc="{mc}"><mc:Choice Requires="w14"><w:numFmt w:val="custom" '
              'w:format="001, 002, 003, ..."/></mc:Choice><mc:Fallback><w:numFmt w:val="decimalZero"/>'
              "</mc:Fallback></mc:AlternateContent>")
    lists = numbering({0: f'<w:lvl w:ilvl="0"><w:start w:val="1"/>{custom}<w:lvlText w:val="%1、"/></w:lvl>'},
                      {1: (0, "")})
    assert rendered(lists, para(1), para(1)) == ["01、", "02、"]


def test_absurd_definitions_stay_bounded():
    huge = "%1" * 5000
    lists = numbering({0: lvl(0, "upperLetter", huge, start=10 ** 40) + lvl(99, "decimal") + lvl(-5, "decimal"),
                       1: '<w:numStyleLink w:val="S"/>'},
                      {1: (0, ""), 2: (1, ""), 3: (7, "")},
                      '<w:style w:type="paragraph" w:styleId="S"><w:pPr><w:numPr><w:numId w:val="2"/>'
                      "</w:numPr></w:pPr></w:style>")
    got = rendered(lists, para(1), para(1, 99), para(2), para(3), para(1, 8))
    assert len(got[0]) <= MAX_LEVEL_TEXT * len("32767") + 1 and got[0].startswith("32767")
    assert got[1:] == ["", "", "", ""]  # a level out of range, a link that loops, a missing list


def _docx_with_numbered_paragraphs(texts: list[str]) -> bytes:
    import docx
    from autonum import NumberingWriter, _lvl, _number

    document = docx.Document()
    lists = NumberingWriter(document)
    num = lists.instance(lists.abstract([_lvl(0, "chineseCounting", "%1、", "nothing")], False))
    for text in texts:
        _number(document.add_paragraph(text), num, 0)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_an_empty_numbered_paragraph_takes_its_number_but_is_not_read():
    document = docx_reader.read(_docx_with_numbered_paragraphs(["总体情况", "", "  其他需要报告的事项"]))
    assert [b.text for b in document.blocks] == ["一、总体情况", "三、其他需要报告的事项"]
