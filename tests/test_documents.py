"""DOCX and PDF: the same canonical result as the text twin, the real PDF and blank form of the
corpus, and a clear error for every kind of bad file."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import report_extract
from conftest import FIXTURES, ROOT, codes, corpus_file, problems_of
from generate import BORDER_FIXTURES, DOCUMENT_FIXTURES, LAYOUT_FIXTURES, pdf_file
from report_extract.document import Table
from report_extract.readers import doc as doc_reader
from report_extract.readers import pdf as pdf_reader


def extract(name: str):
    return report_extract.extract(FIXTURES / name)


@pytest.mark.parametrize("name", DOCUMENT_FIXTURES)
@pytest.mark.parametrize("ext", ["docx", "pdf"])
def test_docx_and_pdf_give_the_text_twins_tables_and_codes(name, ext):
    text, other = extract(f"{name}.txt"), extract(f"{name}.{ext}")
    assert other.tables == text.tables
    assert codes(other) == codes(text)
    assert (other.report.organization, other.report.year) == (text.report.organization, text.report.year)
    assert [s.key for s in other.sections] == [s.key for s in text.sections]


@pytest.mark.parametrize("name", sorted(LAYOUT_FIXTURES))
def test_table_three_broken_across_pages_is_joined(name):
    twin = LAYOUT_FIXTURES[name][0]
    report = extract(f"{name}.pdf")
    assert report.tables == extract(f"{twin}.txt").tables
    assert report.problems == []
    pages = {k.split(".")[1]: v.page for k, v in report.provenance.items() if k.startswith("applications.")}
    withheld = {pages[k] for k in pages if k.startswith("withheld_")}
    assert len(withheld) == 2  # the page break falls inside the group （三）不予公开
    assert len(set(pages.values())) >= 3


@pytest.mark.parametrize("name", ["v2021-open-sides", "v2021-thick-border"])
def test_tables_with_open_sides_or_thick_borders_read_like_the_text_twin(name):
    report, twin = extract(f"{name}.pdf"), extract(f"{BORDER_FIXTURES[name][0]}.txt")
    assert report.tables == twin.tables
    assert codes(report) == codes(twin) == set()
    assert report.provenance["applications.new_received.natural_person"].label.startswith("一、本年新收")


def test_tables_with_inner_rules_only_are_closed_at_their_edges():
    report, twin = extract("v2021-no-outer-border.pdf"), extract("v2021-clean.txt")
    assert report.tables["applications"] == twin.tables["applications"]
    assert report.tables["review_litigation"] == twin.tables["review_litigation"]
    # the fee table is two cells by two with one cross of rules: no cell is closed, none guessed
    proactive = dict(twin.tables["proactive"])
    del proactive["administrative_fees"]
    assert report.tables["proactive"] == proactive
    assert [(p.code, p.row) for p in report.problems] == [("missing_row", "administrative_fees")]


def test_repeated_header_rows_are_seen_and_dropped():
    doc = pdf_reader.read((FIXTURES / "v2021-repeat-header.pdf").read_bytes(), "x")
    headers = [b for b in doc.blocks if isinstance(b, Table) and "申请人情况" in b.rows[0][-1].text]
    assert len(headers) >= 3  # the header stands on every page table 三 reaches
    assert extract("v2021-repeat-header.pdf").tables["applications"] == extract("v2021-clean.txt").tables[
        "applications"]


def test_pdf_problems_and_values_carry_pages():
    report = extract("v2021-review-total.pdf")
    (problem,) = problems_of(report, "review_total")
    assert problem.page == report.provenance["review_litigation.administrative_review.total"].page
    assert problem.page is not None and report.source.pages >= 3


def test_pdf_section_text_has_no_page_numbers_or_table_text():
    report = extract("v2021-clean.pdf")
    general = report.sections[0].text
    assert "不公开为例外" in general and "坚持以公开为常态、不公开为例外" in general
    assert all(s.text == "" for s in report.sections[1:4])


def test_hongze_pdf_every_value_and_exactly_its_own_errors():
    report = report_extract.extract(corpus_file("hongze-2023.pdf"))
    info = report.report
    assert (info.organization, info.year, info.template) == ("洪泽区人民政府", 2023, "v2021")
    assert report.source.pages == 5
    p = report.tables["proactive"]
    assert p == {
        "rules": {"issued": 0, "repealed": 0, "in_force": 0},
        "normative_documents": {"issued": 0, "repealed": 5, "in_force": 5},
        "administrative_licensing": {"decisions": 550},
        "administrative_penalty": {"decisions": 4119},
        "administrative_coercion": {"decisions": 195},
        "administrative_fees": {"amount_10k_yuan": 7730.28},
    }
    rows = {k: list(v.values()) for k, v in report.tables["applications"].items()}
    nonzero = {"new_received": 21, "partially_disclosed": 4, "withheld_state_secret": 1,
               "withheld_process_info": 1, "withheld_enforcement_case_file": 1, "unable_not_held": 10,
               "unable_needs_creation": 3, "not_processed_petition_complaint": 1, "outcome_total": 21}
    assert set(rows) == {
        "new_received", "carried_over", "disclosed", "partially_disclosed", "withheld_state_secret",
        "withheld_prohibited_by_law", "withheld_security_stability", "withheld_third_party_rights",
        "withheld_internal_affairs", "withheld_process_info", "withheld_enforcement_case_file",
        "withheld_administrative_query", "unable_not_held", "unable_needs_creation",
        "unable_unclear_after_correction", "not_processed_petition_complaint", "not_processed_duplicate",
        "not_processed_publication", "not_processed_excessive_repeated", "not_processed_confirm_or_reissue",
        "other", "outcome_total", "carried_forward"}
    for key, values in rows.items():
        n = nonzero.get(key, 0)
        assert values == [n, 0, 0, 0, 0, 0, n], key
    review = report.tables["review_litigation"]
    assert list(review["administrative_review"].values()) == [10, 1, 0, 0, 0]
    assert list(review["litigation_direct"].values()) == [0, 0, 0, 0, 0]
    assert list(review["litigation_after_review"].values()) == [5, 0, 0, 0, 0]
    totals = problems_of(report, "review_total")
    assert {(x.row, x.expected, x.found, x.page) for x in totals} == {
        ("administrative_review", 11, 0, 4), ("litigation_after_review", 5, 0, 4)}
    assert {x.row for x in problems_of(report, "missing_row")} == {
        "other_no_correction_overdue", "other_fee_unpaid", "other_misc"}
    assert codes(report) == {"review_total", "missing_row"}
    assert report.provenance["applications.withheld_prohibited_by_law.total"].label.endswith("2.其他法律行政止公开")
    assert "hzzwgk@126.com" not in report.sections[0].text and "第二十条" not in report.sections[1].text
    assert not any(line.strip().strip("-").strip().isdigit() for s in report.sections for line in s.text.split("\n"))


def test_blank_official_form_docx():
    report = report_extract.extract(corpus_file("official-template-2021-blank.docx"))
    info = report.report
    assert (info.template, info.organization, info.year) == ("v2021", None, None)
    flat = report.flat()
    assert len(flat) == 200 and set(flat.values()) == {None}
    assert sorted(p.table for p in problems_of(report, "blank_cells")) == [
        "applications", "proactive", "review_litigation"]
    # the blank form names no body, no year and has no title: each null, and said so; with not one
    # number in its tables, it is no report of a year's figures, and no pass (no_values)
    # and its prose sections are the format's instructions: 五 says no problem, 六 states no fee (issue 21)
    assert codes(report) == {"blank_cells", "missing_title", "missing_organization", "missing_year", "no_values",
                             "thin_section", "missing_fee_statement"}
    from report_extract.writers import wide_row

    assert wide_row(report)["status"] == "problems"


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "report_extract", *map(str, args)], capture_output=True,
                          cwd=ROOT, env=env)


def _bad_cases(tmp_path):
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes((FIXTURES / "v2021-clean.pdf").read_bytes()[:30000])
    fake = tmp_path / "fake.pdf"
    fake.write_bytes((FIXTURES / "v2021-clean.txt").read_bytes())
    short_docx = tmp_path / "truncated.docx"
    short_docx.write_bytes((FIXTURES / "v2021-clean.docx").read_bytes()[:5000])
    import zipfile

    not_doc = tmp_path / "not-a-document.docx"
    with zipfile.ZipFile(not_doc, "w") as archive:
        archive.writestr("hello.txt", "hello")
    return {
        FIXTURES / "bad" / "encrypted.pdf": "encrypted PDF that needs a password",
        FIXTURES / "bad" / "scanned.pdf": "no text layer, and OCR found no text on its pages",
        # glyphs with no Unicode mapping are read by OCR: what they say is no report
        FIXTURES / "bad" / "cid-font.pdf": "not a government information-disclosure annual report",
        truncated: "damaged or truncated PDF",
        fake: "named like a PDF file, but its content is not one",
        short_docx: "damaged or truncated DOCX",
        not_doc: "a zip archive that is not a Word document",
    }


def test_bad_files_exit_3_each_with_its_own_message(tmp_path):
    for path, reason in _bad_cases(tmp_path).items():
        result = run("extract", path)
        lines = result.stderr.decode().splitlines()
        assert result.returncode == 3, path
        assert len(lines) == 1 and str(path) in lines[0] and reason in lines[0], lines
        assert "Traceback" not in result.stderr.decode()


def test_without_ocr_a_pdf_with_no_usable_text_layer_says_how_to_read_it():
    for name, reason in {"scanned.pdf": "no text layer (a scanned report?); run with --ocr auto",
                         "cid-font.pdf": "fonts have no Unicode mapping"}.items():
        result = run("extract", "--ocr", "never", FIXTURES / "bad" / name)
        lines = result.stderr.decode().splitlines()
        assert result.returncode == 3
        assert len(lines) == 1 and reason in lines[0], lines


def test_a_pdf_with_only_an_owner_password_is_read():
    report = report_extract.extract(FIXTURES / "bad" / "owner-password-only.pdf")
    assert report.tables == extract("v2021-clean.txt").tables


def test_doc_is_converted_when_libreoffice_is_there():
    if doc_reader.soffice() is None:
        pytest.skip("LibreOffice is not installed")
    report = extract("v2021-clean.doc")
    assert report.source.format == "doc"
    assert report.tables == extract("v2021-clean.txt").tables


def test_doc_without_libreoffice_says_how_to_proceed():
    env = {**os.environ, "PATH": os.path.dirname(sys.executable)}
    result = run("extract", FIXTURES / "v2021-clean.doc", env=env)
    assert result.returncode == 3
    message = result.stderr.decode()
    assert "needs LibreOffice" in message and "--convert-to docx" in message


def test_help_is_fast_and_json_of_pdf_pipes():
    result = run("extract", FIXTURES / "v2021-clean.pdf")
    assert json.loads(result.stdout)["source"]["format"] == "pdf"


def test_docx_layout_table_holding_the_report_table_is_unwrapped(tmp_path):
    import docx

    from generate import _docx_review, fixtures

    made = fixtures()["v2021-clean"]
    document = docx.Document()
    document.add_paragraph("示例县第9社区2024年政府信息公开工作年度报告")
    document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    outer = document.add_table(rows=1, cols=1)
    inner_host = outer.cell(0, 0)
    inner_host.paragraphs[0].text = "（单位：件）"
    _docx_review(inner_host, made)  # python-docx cells take tables like a document body
    path = tmp_path / "nested.docx"
    document.save(path)
    report = report_extract.extract(path)
    values = [v for g in report.tables["review_litigation"].values() for v in g.values()]
    assert values == made.review


def test_pre2019_report_has_sections_and_no_table_problems(tmp_path):
    text = "\n\n".join([
        "# 示例县人民政府2017年政府信息公开工作年度报告", "一、概述", "2017年，全年主动公开政府信息1200条。",
        "二、主动公开政府信息情况", "全年主动公开政府信息1200条。", "三、依申请公开政府信息情况", "收到申请15件。",
        "四、政府信息公开的收费及减免情况", "未收取任何费用。", "五、因政府信息公开申请行政复议、提起行政诉讼的情况",
        "未发生行政复议和行政诉讼。", "六、政府信息公开工作存在的主要问题及改进措施", "公开内容还不够全面。"])
    path = tmp_path / "2017.txt"
    path.write_text(text, encoding="utf-8")
    report = report_extract.extract(path)
    assert report.report.template == "pre2019" and report.report.year == 2017
    assert [s.key for s in report.sections] == ["general", "proactive", "applications", "review_litigation",
                                                "issues_and_improvements"]
    assert report.tables == {} and report.problems == []


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def test_rules_drawn_inside_a_form_xobject_make_a_table():
    # a 3 x 3 grid of stroked rules inside a form XObject; the digits are page text, one per cell
    rules = b"".join(b"100 %d m 400 %d l S " % (y, y) for y in (700, 670, 640, 610))
    rules += b"".join(b"%d 610 m %d 700 l S " % (x, x) for x in (100, 200, 300, 400))
    text = b"BT /F1 12 Tf " + b"".join(b"1 0 0 1 %d %d Tm (%d) Tj " % (145 + 100 * c, 680 - 30 * r, 3 * r + c + 1)
                                       for r in range(3) for c in range(3)) + b"ET"
    caption = b"BT /F1 12 Tf 1 0 0 1 100 750 Tm (Rules drawn in a form XObject) Tj ET "
    content = b"q /Fm1 Do Q " + caption + text
    pdf = pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /XObject << /Fm1 5 0 R >> /Font << /F1 6 0 R >> >> >>",
        _stream(content),
        _stream(rules, b"/Type /XObject /Subtype /Form /BBox [0 0 595 842]"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])
    doc = pdf_reader.read(pdf, "form.pdf")
    (table,) = [b for b in doc.blocks if isinstance(b, Table)]
    assert [[c.text for c in row] for row in table.rows] == [["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"]]


def test_a_page_that_cannot_be_loaded_is_a_clear_error(tmp_path):
    # the page tree names an object that is not a page
    path = tmp_path / "broken-page.pdf"
    path.write_bytes(pdf_file([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", b"42"]))
    result = run("extract", path)
    assert result.returncode == 3
    assert result.stderr.decode().strip().endswith("broken-page.pdf: a damaged PDF: page 1 cannot be read "
                                                   "(Failed to load page.)")
    assert b"Traceback" not in result.stderr
