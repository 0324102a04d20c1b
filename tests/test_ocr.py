"""Scanned reports read by OCR: the committed scans (tests/fixtures/scans.py renders them from the
fixture PDFs, their text twins) give the twins' values and problems, and no value that differs from
its twin goes without an OCR problem on its cell. Doubtful digits meet the relations (ocr_check)."""

from __future__ import annotations

import copy
import subprocess
import sys

import pytest

import report_extract
from conftest import FIXTURES, ROOT, codes, corpus_file, problems_of
from report_extract import ocr_check

SCANS = FIXTURES / "scans"


def _read(name: str, **options):
    return report_extract.extract(SCANS / name, **options)


@pytest.fixture(scope="module")
def clean_pdf():
    return _read("v2021-clean-200.pdf")


@pytest.fixture(scope="module")
def review_tiff():
    return _read("v2021-review-total-150.tif")


def twin(name: str):
    return report_extract.extract(FIXTURES / name)


def wrong_values(report, truth) -> tuple[list, list]:
    """(values that differ from the twin's, those of them with no OCR problem on their cell)."""
    flagged = {(p.table, p.row, p.column) for p in report.problems if p.code.startswith("ocr_")}
    got = report.flat()
    wrong = [(k, got.get(k), v) for k, v in truth.flat().items() if got.get(k) != v]
    return wrong, [w for w in wrong if tuple(w[0].split(".")) not in flagged]


def problem_keys(report, skip_ocr: bool = True) -> list:
    return sorted((p.code, p.table or "", p.row or "", p.column or "") for p in report.problems
                  if not (skip_ocr and p.code.startswith("ocr_")))


def test_an_image_only_pdf_gives_every_value_title_and_heading_of_its_text_twin(clean_pdf):
    truth = twin("v2021-clean.pdf")
    assert clean_pdf.source.format == "pdf" and clean_pdf.source.ocr_pages == [1, 2, 3, 4]
    assert clean_pdf.flat() == truth.flat() and len(truth.flat()) == 200
    assert clean_pdf.report == truth.report
    assert [s.heading for s in clean_pdf.sections] == [s.heading for s in truth.sections]
    assert problem_keys(clean_pdf, skip_ocr=False) == problem_keys(truth)
    prov = clean_pdf.provenance["applications.new_received.total"]
    assert prov.raw == str(truth.value("applications.new_received.total"))
    assert prov.ocr.confidence > 0.9 and len(prov.ocr.box) == 4 and prov.ocr.box[2] > prov.ocr.box[0]
    assert truth.provenance["applications.new_received.total"].ocr is None


def test_a_multi_page_tiff_keeps_the_reports_own_error_and_flags_its_cells(review_tiff):
    truth = twin("v2021-review-total.pdf")
    assert review_tiff.source.format == "image" and review_tiff.source.ocr_pages == [1, 2, 3, 4]
    wrong, silent = wrong_values(review_tiff, truth)
    assert silent == [] and len(wrong) <= 1  # ≥ 99.5% of 200 values
    assert problem_keys(review_tiff) == problem_keys(truth)
    [problem] = problems_of(review_tiff, "review_total")
    [printed] = problems_of(truth, "review_total")
    assert (problem.row, problem.expected, problem.found) == ("administrative_review", printed.expected, printed.found)
    # the relation breaks although OCR was sure of each cell: every cell of it is flagged, no other
    uncertain = {(p.row, p.column) for p in problems_of(review_tiff, "ocr_uncertain")}
    assert {c for r, c in uncertain if r == "administrative_review"} == {"upheld", "corrected", "other", "pending",
                                                                         "total"}
    assert "ocr_corrected" not in codes(review_tiff)


def test_a_jpg_page_gives_the_title_and_the_values_on_it():
    report = _read("v2019-clean-300-p1.jpg")
    truth = twin("v2019-clean.pdf")
    assert report.source.format == "image" and report.source.pages == 1
    assert report.report.model_dump() == {**truth.report.model_dump(), "units": report.report.units}
    on_page = {k: v for k, v in report.flat().items() if v is not None}
    assert len(on_page) >= 60
    assert all(truth.flat()[k] == v for k, v in on_page.items())


def test_a_scanned_page_in_a_born_digital_pdf_is_read_by_ocr_and_only_that_page():
    report = _read("v2021-clean-page3-scanned.pdf")
    truth = twin("v2021-clean.pdf")
    assert report.source.ocr_pages == [3]
    assert report.flat() == truth.flat()
    pages = {p.page for k, p in report.provenance.items() if p.ocr is not None}
    assert pages == {3}


def run(*args):
    return subprocess.run([sys.executable, "-m", "report_extract", *map(str, args)], capture_output=True, cwd=ROOT)


def test_bad_images_exit_3_with_one_line_each():
    cases = {
        "truncated.jpg": "图片已损坏或不完整：第 1 页无法解码",
        "corrupt.tif": "图片已损坏或不完整：第 1 页无法解码",
        "bomb.png": "超过 60,000,000 像素的上限（解压炸弹？）",
        "300-pages.tif": "图片超过 100 页，report-extract 最多读取 100 页（可用 REPORT_EXTRACT_MAX_IMAGE_PAGES=N 提高）",
        "blank-page.png": "是一张空白页，上面没有印任何内容",
        "photo-no-report.jpg": "文字识别（OCR）没有在图片中找到文字（图片里没有报告？）",
    }
    for name, reason in cases.items():
        path = SCANS / "bad" / name
        result = run("extract", path)
        lines = result.stderr.decode().splitlines()
        assert result.returncode == 3, name
        assert lines == [f"report-extract: {path}：{reason}"] or (len(lines) == 1 and reason in lines[0]), lines
        assert result.stdout == b""


def test_ocr_never_refuses_an_image_and_a_misnamed_image_is_named():
    result = run("extract", "--ocr", "never", SCANS / "v2019-clean-300-p1.jpg")
    assert result.returncode == 3
    assert "是图片，只能用文字识别（OCR）读取，但指定了 --ocr never" in result.stderr.decode()


def test_without_the_ocr_extra_the_error_says_what_to_install(monkeypatch):
    from report_extract.readers import scan

    scan.engine.cache_clear()
    monkeypatch.setitem(sys.modules, "rapidocr", None)
    try:
        with pytest.raises(report_extract.ReportError, match=r"pip install 'report-extract\[ocr\]'"):
            _read("v2019-clean-300-p1.jpg")
    finally:
        scan.engine.cache_clear()


# --- doubtful digits against the relations ------------------------------------------------------

@pytest.fixture()
def as_if_ocr():
    """The clean text twin's tables and provenance as OCR would give them, every cell sure."""
    truth = report_extract.extract(FIXTURES / "v2021-clean.txt")
    values = copy.deepcopy(truth.tables)
    provenance = {k: {**p.model_dump(), "ocr": {"confidence": 0.99, "box": [0, 0, 1, 1]}}
                  for k, p in truth.provenance.items()}
    pages = {t: {r: 1 for r in rows} for t, rows in values.items()}

    def misread(key: str, raw: str, confidence: float):
        table, row, col = key.split(".")
        values[table][row][col] = int(raw)
        provenance[key]["raw"] = raw
        provenance[key]["ocr"]["confidence"] = confidence

    def weigh():
        return ocr_check.weigh(values, provenance, pages, "v2021", 2023, set())

    weigh.provenance = provenance  # for cells read as nothing at all
    return truth, values, misread, weigh


def test_one_doubtful_digit_that_only_one_correction_repairs_is_corrected(as_if_ocr):
    truth, values, misread, weigh = as_if_ocr
    key = "applications.new_received.natural_person"
    right = truth.value(key)
    misread(key, str(right).replace(str(right)[0], "8", 1) if str(right)[0] != "8" else "3" + str(right)[1:], 0.62)
    wrong = values["applications"]["new_received"]["natural_person"]
    [problem] = weigh()
    assert (problem.code, problem.severity, problem.row, problem.column) == (
        "ocr_corrected", "warning", "new_received", "natural_person")
    assert (problem.found, problem.expected) == (wrong, right)
    assert values["applications"]["new_received"]["natural_person"] == right


def test_a_confident_misreading_is_kept_and_every_cell_of_its_broken_relations_flagged(as_if_ocr):
    truth, values, misread, weigh = as_if_ocr
    key = "applications.new_received.natural_person"
    misread(key, str(truth.value(key) + 1), 0.99)
    problems = weigh()
    assert {p.code for p in problems} == {"ocr_uncertain"}
    flagged = {(p.row, p.column) for p in problems}
    assert ("new_received", "natural_person") in flagged
    assert values["applications"]["new_received"]["natural_person"] == truth.value(key) + 1


def test_a_doubtful_digit_is_confirmed_by_relations_that_hold_and_flagged_where_none_does(as_if_ocr):
    truth, values, misread, weigh = as_if_ocr
    misread("applications.new_received.total", str(truth.value("applications.new_received.total")), 0.7)
    assert weigh() == []
    proactive = next(k for k, v in truth.flat().items() if k.startswith("proactive.") and v is not None)
    misread(proactive, str(truth.value(proactive)), 0.7)
    [problem] = weigh()
    assert problem.code == "ocr_uncertain" and f"{problem.table}.{problem.row}.{problem.column}" == proactive


def test_a_confident_misreading_beside_doubtful_cells_is_flagged_too(as_if_ocr):
    truth, values, misread, weigh = as_if_ocr
    row = "applications.carried_over."
    a, b = row + "research_institution", row + "social_welfare_org"
    misread(a, str(truth.value(a)), 0.5)
    misread(b, str(truth.value(b)), 0.5)
    misread(row + "total", str(truth.value(row + "total") + 10), 0.99)  # the total misread, surely
    problems = weigh()
    assert {p.code for p in problems} == {"ocr_uncertain"}
    flagged = {p.column for p in problems if p.row == "carried_over"}
    assert {"research_institution", "social_welfare_org", "total"} <= flagged


def test_a_row_read_blank_throughout_is_not_confirmed_by_relations_that_hold_only_vacuously(as_if_ocr):
    """A table the recogniser lost reads as blank cells, whose relations hold with null read as 0:
    seen on a 300-dpi skewed TIFF whose table 四 came back empty. Each such cell is flagged; a blank
    cell beside numbers in its row stays unflagged."""
    truth, values, misread, weigh = as_if_ocr
    for column in values["review_litigation"]["litigation_direct"]:
        key = f"review_litigation.litigation_direct.{column}"
        values["review_litigation"]["litigation_direct"][column] = None
        weigh.provenance[key]["raw"] = ""
        weigh.provenance[key]["ocr"]["confidence"] = None
    problems = weigh()
    assert {(p.code, p.row) for p in problems} == {("ocr_uncertain", "litigation_direct")}
    assert sorted(p.column for p in problems) == sorted(values["review_litigation"]["litigation_direct"])
    assert all(p.found is None for p in problems)


def test_a_digit_ocr_missed_that_the_relations_fill_is_no_longer_counted_blank(as_if_ocr):
    """A one-digit total the recogniser read as nothing (the blank_cells count of its table took
    it for a blank cell): the relations fill it, and the table's blank_cells count loses it."""
    from report_extract.problems import problem

    truth, values, misread, weigh = as_if_ocr
    key = "review_litigation.administrative_review.total"
    values["review_litigation"]["administrative_review"]["total"] = None
    weigh.provenance[key]["raw"] = ""
    weigh.provenance[key]["ocr"]["confidence"] = None
    [corrected] = weigh()
    assert (corrected.code, corrected.row, corrected.column, corrected.found, corrected.expected) == (
        "ocr_corrected", "administrative_review", "total", None, truth.value(key))
    assert truth.value(key) == 4  # one digit: inserting it is a single-character correction

    def blank(count: int):
        return problem("blank_cells", table="review_litigation", count=count)
    only, more = [blank(1), corrected], [blank(3), corrected]
    ocr_check.recount_blanks(only)
    ocr_check.recount_blanks(more)
    assert only == [corrected]
    assert more[0].facts == {"count": 2}
    assert more[0].message == "2 value cells are blank or hold a placeholder (read as no number)"


def test_a_thin_stroke_the_speck_filter_would_erase_stays_with_its_glyph():
    """A 7 at 150 dpi, blurred: its diagonal is a pixel wide, which a 3×3 median erases, leaving
    a bar too short to be a line of text. Specks go; a stroke joined to what survives stays whole."""
    import numpy

    from report_extract.readers import raster, scan

    cell = numpy.full((40, 40), 250, dtype=numpy.uint8)
    cell[8:11, 10:20] = 60  # the bar of the 7
    for step in range(16):  # its diagonal, one pixel wide
        cell[11 + step, 19 - step // 2] = 120
    cell[30, 32] = 90  # a speck
    kept = raster.without_specks(cell) < scan.INK
    assert kept[8:27].any(axis=1).all() and not kept[30, 32]
    assert scan._lines(raster.without_specks(cell), (0, 0, 40, 40), 20) == [(8, 6, 22, 29)]


def test_a_placeholder_slash_the_recogniser_reads_as_1_stays_a_placeholder():
    """v2021-blank-cells has '/' in a cell of its 予以公开 row; at 150 dpi, JPEG'd and noisy, the
    recogniser reads the thin slash as 1 (confidence ~0.5), which the relations then 'corrected'
    to 0. A lone stroke that leans like a slash is a slash: the cell is no number, as in its twin."""
    import numpy
    from scans import Variant, render

    from report_extract.readers import scan

    truth = twin("v2021-blank-cells.pdf")
    [page] = render(Variant("v2021-blank-cells-150", "v2021-blank-cells", 150, -0.42, 5.4, 0.0, 60, "jpg",
                           pages=(1,)))  # as in the full scan set
    document = scan.document([scan.read_page(numpy.asarray(page), 1)], "slash.jpg", "image")
    report = report_extract.pipeline.build_report(document, report_extract.model.Source(
        path="slash.jpg", format="image", sha256="0" * 64, pages=1))
    row = "applications.disclosed."
    expected = {k: v for k, v in truth.flat().items() if k.startswith(row)}
    assert expected[row + "commercial_enterprise"] is None and len(expected) == 7
    assert {k: report.flat().get(k) for k in expected} == expected
    assert not [p for p in report.problems if p.code.startswith("ocr_") and p.row == "disclosed"]


def test_a_stroke_leaning_like_a_slash_is_told_from_an_upright_1():
    import numpy

    from report_extract.readers import scan

    slash = numpy.full((22, 12), 250, dtype=numpy.uint8)
    for y in range(3, 20):
        slash[y, 8 - (y - 3) * 5 // 16: 10 - (y - 3) * 5 // 16] = 90
    one = numpy.full((22, 12), 250, dtype=numpy.uint8)
    one[4:19, 6:8] = 60
    one[4:6, 3:6] = 60  # its flag
    one[18:20, 3:10] = 60  # its foot
    assert scan._leans_like_a_slash(slash) and not scan._leans_like_a_slash(one)
    assert not scan._leans_like_a_slash(numpy.full((22, 12), 250, dtype=numpy.uint8))


def test_two_rows_run_together_in_one_cell_are_flagged_though_every_row_sum_holds(as_if_ocr):
    """A table without rules whose layout put the cells of two rows in one (1 and 40 -> '1 40'):
    the row sums of the joined numbers hold (1|40 + 0|12 + 0|8 … = 1|60), so only the pieces say it."""
    truth, values, misread, weigh = as_if_ocr
    row, below = "applications.disclosed.", "applications.partially_disclosed."
    for column in values["applications"]["disclosed"]:
        raw = f"{truth.value(row + column)} {truth.value(below + column)}"
        misread(row + column, raw.replace(" ", ""), 0.99)
        weigh.provenance[row + column]["raw"] = raw
    problems = weigh()
    flagged = sorted(p.column for p in problems if p.row == "disclosed" and p.code == "ocr_uncertain")
    assert flagged == sorted(values["applications"]["disclosed"])
    assert {p.code for p in problems} == {"ocr_uncertain"}


# --- the real corpus, rendered ------------------------------------------------------------------

def test_the_real_report_read_from_its_page_images_matches_the_born_digital_reading():
    path = corpus_file("hongze-2023.pdf")
    scanned = report_extract.extract(path, ocr="always")
    truth = report_extract.extract(path)
    assert scanned.source.ocr_pages == list(range(1, truth.source.pages + 1))
    wrong, silent = wrong_values(scanned, truth)
    assert silent == []
    assert len(wrong) <= 0.005 * len(truth.flat())
    assert problem_keys(scanned) == problem_keys(truth)
    assert scanned.report == truth.report
    assert [s.heading for s in scanned.sections] == [s.heading for s in truth.sections]


def test_batch_reads_a_page_image_by_ocr_and_says_so_in_the_summary(tmp_path):
    import csv
    import shutil

    archive = tmp_path / "archive"
    archive.mkdir()
    shutil.copy(SCANS / "v2019-clean-300-p1.jpg", archive / "scan.jpg")
    shutil.copy(FIXTURES / "v2021-clean.txt", archive / "text.txt")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "report_extract", "batch", str(archive), "-o", str(out),
                             "--jobs", "1", "--timeout", "60"], capture_output=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr.decode()
    with open(out / "summary.csv", encoding="utf-8-sig", newline="") as handle:
        rows = {_name(r["path"]): r for r in csv.DictReader(handle)}
    assert rows["scan.jpg"]["ocr_pages"] == "1" and rows["scan.jpg"]["status"] in ("ok", "problems")
    assert rows["text.txt"]["ocr_pages"] == ""
    assert "scan.jpg [1 page read by OCR]" in result.stderr.decode()


def _name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def test_a_section_heading_whose_numeral_ocr_misread_is_restored_by_its_words():
    from report_extract.readers.scan import restore_heading as _restore_ordinal

    assert _restore_ordinal("匹、政府信息公开行政复议、行政诉讼情况") == "四、政府信息公开行政复议、行政诉讼情况"
    assert _restore_ordinal("口、其他需要报告的事项") == "六、其他需要报告的事项"
    assert _restore_ordinal("五存在的主要问题及改进情况") == "五、存在的主要问题及改进情况"
    assert _restore_ordinal("匹、本年新收政府信息公开申请数量") == "匹、本年新收政府信息公开申请数量"  # not a heading's words
    assert _restore_ordinal("(七)总计") == "(七)总计"


def test_a_raster_rule_lengthened_by_a_touching_character_is_cut_back_to_the_rule_it_crosses():
    from report_extract.readers.scan import trim_overshoots

    horizontal = [(670.0, 83.5, 517.9), (645.0, 83.5, 517.9), (598.2, 83.5, 517.9)]
    vertical = [(257.4, 598.2, 654.7),  # runs 9.7 pt past the rule at 645 and stops on none: cut back
                (372.5, 598.2, 670.0),  # ends on a rule: kept
                (430.2, 583.0, 645.0),  # its lower end runs 15.2 pt past 598.2: an open side, kept
                (500.0, 640.0, 660.0)]  # 5 pt below the rule at 645: cut; 15 pt above it: an open side, kept
    assert trim_overshoots(horizontal, vertical) == (horizontal, [
        (257.4, 598.2, 645.0), (372.5, 598.2, 670.0), (430.2, 583.0, 645.0), (500.0, 645.0, 660.0)])


def test_a_thick_bordered_table_scanned_at_300_dpi_and_skewed_keeps_its_values():
    import numpy
    from PIL import Image  # noqa: F401  (the OCR extra)
    from scans import Variant, render

    from report_extract.readers import scan

    truth = twin("v2021-thick-border.pdf")
    [page] = render(Variant("thick", "v2021-thick-border", 300, 1.12, 5.2, 0.5, 0, "tiff", pages=(4,)))
    document = scan.document([scan.read_page(numpy.asarray(page), 4)], "thick.tif", "image")
    report = report_extract.pipeline.build_report(document, report_extract.model.Source(
        path="thick.tif", format="image", sha256="0" * 64, pages=1))
    expected = {k: v for k, v in truth.flat().items() if k.startswith("review_litigation.")}
    assert len(expected) == 15 and {k: report.flat().get(k) for k in expected} == expected
    assert "四、政府信息公开行政复议、行政诉讼情况" in [s.heading for s in report.sections]


def test_a_scanned_table_without_rules_is_read_from_the_layout_of_its_ocr_text():
    import numpy
    from scans import Variant, render

    from report_extract.readers import scan

    truth = twin("v2021-clean.pdf")
    [page] = render(Variant("no-rules", "rules/v2021-clean.no-rules", 200, 0.8, 5.0, 0.5, 60, "pdf", pages=(1,)))
    document = scan.document([scan.read_page(numpy.asarray(page), 1, dpi=200)], "no-rules.pdf", "pdf")
    report = report_extract.pipeline.build_report(document, report_extract.model.Source(
        path="no-rules.pdf", format="pdf", sha256="0" * 64, pages=1))
    proactive = {k: v for k, v in truth.flat().items() if k.startswith("proactive.")}
    read = {k: report.flat().get(k) for k in proactive if report.flat().get(k) is not None}
    # every value, the fee row's too (its label lines, 第二十条第（八）项 信息内容 行政事业性收费, once ran together)
    assert len(proactive) == 10 and read == proactive
    prov = report.provenance["proactive.administrative_licensing.decisions"]
    assert prov.raw == "1868" and prov.ocr.confidence > 0.9 and prov.page == 1 and len(prov.ocr.box) == 4
    wrong, silent = wrong_values(report, truth)
    assert silent == [] or all(got is None for _, got, _ in silent)  # a value lost on this page is null


def test_a_photo_of_a_page_taken_at_an_angle_is_rectified_and_read():
    """The page on a darker table, its corners moved by up to 8% (tests/fixtures/scans.py PHOTOS):
    warped upright, it reads as a scan of its first page does."""
    from report_extract.readers import raster

    photo = _read("v2021-clean-photo-p1.jpg")
    truth = twin("v2021-clean.pdf")
    on_page = {k: v for k, v in truth.flat().items() if truth.provenance[k].page == 1}
    got = photo.flat()
    right = [k for k, v in on_page.items() if got.get(k) == v]
    # the one row the page break cuts (3.危及“三安全一稳定”: its label ends on page 2) is missing here
    assert len(on_page) == 59 and len(right) == 52
    assert {k.rsplit(".", 1)[0] for k in on_page if k not in right} == {"applications.withheld_security_stability"}
    assert photo.report == truth.report
    # a scan fills its image: not warped, whatever its skew
    import numpy
    from PIL import Image

    scanned = numpy.asarray(Image.open(SCANS / "v2021-review-total-150.tif").convert("L"))
    assert raster.rectify(scanned) is scanned


def test_the_page_for_a_person_shows_how_ocr_read_each_cell(review_tiff):
    import re

    from report_extract.views import html

    page = html.report_page(review_tiff)
    reading = review_tiff.provenance["applications.new_received.total"].ocr
    [title] = re.findall(r'data-key="applications\.new_received\.total" title="([^"]*)"', page)
    x0, y0, x1, y1 = reading.box
    assert title.endswith(f"OCR 置信度 {reading.confidence:.2f}，页面图像位置 {x0},{y0}–{x1},{y1} 像素")
    assert title.startswith(f"第{review_tiff.provenance['applications.new_received.total'].page}页；行：")


def test_a_crop_of_the_scan_shows_the_digits_ocr_read_in_its_cell(review_tiff):
    """The crop beside a doubtful cell (crops, issue 20) is cut from the page image OCR read, made
    again from the input (page 4 of the TIFF decoded, rectified, deskewed): the recogniser reads in
    it what it read in the cell."""
    import io

    import numpy
    from PIL import Image
    from rapidocr.ch_ppocr_rec import TextRecInput

    from report_extract import crops
    from report_extract.readers import scan

    doubtful = [f"{p.table}.{p.row}.{p.column}" for p in problems_of(review_tiff, "ocr_uncertain")]
    made = crops.cut(review_tiff, (SCANS / "v2021-review-total-150.tif").read_bytes())
    assert list(made.cells) == doubtful and len(doubtful) == 5 and made.missing == []
    assert {crop.page for crop in made.cells.values()} == {4}
    images = [numpy.repeat(numpy.asarray(Image.open(io.BytesIO(made.cells[k].png)))[:, :, None], 3, axis=2)
              for k in doubtful]
    read = [text.strip() for text in scan.engine()._load_rec_model()(TextRecInput(img=images)).txts]
    assert read == [review_tiff.provenance[k].raw for k in doubtful] == ["3", "0", "0", "1", "6"]


def test_a_crop_from_a_scanned_pdf_is_cut_from_its_page_rendered_as_ocr_saw_it(clean_pdf):
    """An image-only PDF: the page is rendered again at 200 dpi and deskewed (0.7° in this scan);
    a cell given an ocr_corrected problem gets the crop of its box, in which the recogniser reads
    what it read in the cell."""
    import copy
    import io

    import numpy
    from PIL import Image
    from rapidocr.ch_ppocr_rec import TextRecInput

    from report_extract import crops
    from report_extract.problems import problem
    from report_extract.readers import scan

    report = copy.deepcopy(clean_pdf)
    key = "applications.new_received.total"
    report.problems.append(problem("ocr_corrected", table="applications", row="new_received", column="total",
                                   found=0, expected=clean_pdf.value(key), page=clean_pdf.provenance[key].page,
                                   raw="0", confidence=0.5))
    made = crops.cut(report, (SCANS / "v2021-clean-200.pdf").read_bytes())
    [(cut_key, crop)] = made.cells.items()
    x0, y0, x1, y1 = clean_pdf.provenance[key].ocr.box
    margin = crops.margin((x0, y0, x1, y1))
    assert cut_key == key and crop.page == clean_pdf.provenance[key].page and made.missing == []
    assert (crop.width, crop.height) == (x1 - x0 + 2 * margin, y1 - y0 + 2 * margin)
    image = numpy.asarray(Image.open(io.BytesIO(crop.png)))
    [text] = scan.engine()._load_rec_model()(TextRecInput(img=[numpy.repeat(image[:, :, None], 3, axis=2)])).txts
    assert text.strip() == clean_pdf.provenance[key].raw == "644"
