"""A report published as several page images (one JPG a page) is read as one report: which files
group (pages.group), the bundle that carries them, extract and batch on the committed JPG pages of
v2019-clean (300 dpi, rendered from its PDF by tests/fixtures/scans.py)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
import zipfile

import pytest

import report_extract
from conftest import FIXTURES, ROOT
from report_extract import pages
from report_extract.errors import ReportError

SCANS = FIXTURES / "scans"
JPG_PAGES = [SCANS / f"v2019-clean-300-p{n}.jpg" for n in (1, 2, 3)]


def test_page_images_group_by_the_name_around_their_page_number():
    given = ["web/1.jpg", "web/2.jpg", "web/10.jpg", "web/notice.pdf",
             "scan/报告_第2页.jpg", "scan/报告_第1页.png",  # the extension may differ; number order wins
             "cam/IMG_2031.jpg", "cam/IMG_2032.jpg",  # camera numbers are not page numbers
             "years/报告2022.jpg", "years/报告2023.jpg",  # nor are years
             "twice/p1.jpg", "twice/p1.png", "twice/p2.jpg",  # page 1 twice: not decided, each alone
             "alone/p1.jpg", "other/p2.jpg"]  # one page image in a folder is a report of its own
    assert pages.group(given) == [
        ["web/1.jpg", "web/2.jpg", "web/10.jpg"], ["web/notice.pdf"],
        ["scan/报告_第1页.png", "scan/报告_第2页.jpg"],
        ["cam/IMG_2031.jpg"], ["cam/IMG_2032.jpg"], ["years/报告2022.jpg"], ["years/报告2023.jpg"],
        ["twice/p1.jpg"], ["twice/p1.png"], ["twice/p2.jpg"], ["alone/p1.jpg"], ["other/p2.jpg"]]
    assert pages.label(["web/1.jpg", "web/2.jpg", "web/10.jpg"]) == "web/[1-10].jpg"
    assert pages.label(["scan/报告_第1页.png", "scan/报告_第2页.jpg"]) == "scan/报告_第[1-2]页.png"
    assert pages.label(["a.jpg", "b.jpg"]) == "a.jpg (+1 pages)"


def test_the_same_pages_make_the_same_bundle():
    one = pages.read_group([str(p) for p in JPG_PAGES])
    assert one == pages.read_group([str(p) for p in JPG_PAGES])  # fixed timestamps: rerun reuses by sha256
    members = zipfile.ZipFile(io.BytesIO(one)).infolist()
    assert [m.filename for m in members] == [p.name for p in JPG_PAGES]
    assert {m.compress_type for m in members} == {zipfile.ZIP_STORED}
    assert [len(m.filename) and m.file_size for m in members] == [p.stat().st_size for p in JPG_PAGES]


def test_a_zip_that_is_not_page_images_is_refused_in_one_line(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("p1.jpg", JPG_PAGES[0].read_bytes())
        archive.writestr("readme.txt", "not a page")
    with pytest.raises(ReportError) as caught:
        report_extract.extract("pages.zip", buffer.getvalue())
    assert caught.value.reason == ("a zip archive that is neither a Word document, an OFD document nor the page images "
                                   "of a report")
    with pytest.raises(ReportError) as caught:
        report_extract.extract("pages.zip", pages.bundle([("p1.jpg", JPG_PAGES[0].read_bytes())]), ocr="never")
    assert caught.value.reason == "page images: they can only be read by OCR, and --ocr never was given"


@pytest.fixture(scope="module")
def grouped():
    """The page images read as one report by the API (the command line reads files named one by one
    one by one: a zip of them, or batch on their folder, reads them as one)."""
    return report_extract.extract_pages(JPG_PAGES)


def test_extract_reads_page_images_as_one_report_equal_to_its_text_twin(grouped):
    result = json.loads(grouped.model_dump_json())
    truth = report_extract.extract(FIXTURES / "v2019-clean.txt")
    assert result["source"]["format"] == "image" and result["source"]["pages"] == 3
    assert result["source"]["ocr_pages"] == [1, 2, 3]
    assert result["source"]["page_files"] == ["v2019-clean-300-p1.jpg", "v2019-clean-300-p2.jpg",
                                              "v2019-clean-300-p3.jpg"]
    assert result["source"]["path"].endswith("scans/v2019-clean-300-p[1-3].jpg")
    assert result["tables"] == json.loads(truth.model_dump_json())["tables"] and len(truth.flat()) == 198
    assert result["problems"] == []
    assert result["report"] == json.loads(truth.model_dump_json())["report"]
    assert [s["heading"] for s in result["sections"]] == [s.heading for s in truth.sections]


def test_a_zip_of_the_page_images_reads_as_the_grouped_files(grouped, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:  # stored out of order, with clutter
        for path in reversed(JPG_PAGES):
            archive.write(path, f"scan/{path.name}")
        archive.writestr("__MACOSX/scan/._v2019-clean-300-p1.jpg", b"\0\5\x16\7")
    report = report_extract.extract("scan.zip", buffer.getvalue())
    result = json.loads(grouped.model_dump_json())
    assert report.source.page_files == [f"scan/{p.name}" for p in JPG_PAGES]
    assert json.loads(report.model_dump_json())["tables"] == result["tables"]


def test_batch_reads_page_images_of_one_report_as_one_input_and_reuses_it(tmp_path):
    archive = tmp_path / "archive"
    (archive / "2020").mkdir(parents=True)
    for path in JPG_PAGES:
        shutil.copy(path, archive / "2020" / path.name.replace("v2019-clean-300-", "清河区-"))
    shutil.copy(FIXTURES / "v2021-clean.txt", archive / "2020" / "text.txt")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "report_extract", "batch", str(archive), "-o", str(out), "--jobs", "2"]
    first = subprocess.run(command, capture_output=True, cwd=ROOT, timeout=900)
    assert first.returncode == 0, first.stderr.decode()
    with open(out / "summary.csv", encoding="utf-8-sig", newline="") as handle:
        rows = {r["path"].replace("\\", "/").rsplit("/", 1)[-1]: r for r in csv.DictReader(handle)}
    assert sorted(rows) == ["text.txt", "清河区-p[1-3].jpg"]
    assert rows["清河区-p[1-3].jpg"]["status"] == "ok" and rows["清河区-p[1-3].jpg"]["ocr_pages"] == "3"
    result = out / "2020" / "清河区-p[1-3].jpg.json"
    data = json.loads(result.read_text(encoding="utf-8"))
    assert data["source"]["page_files"] == ["清河区-p1.jpg", "清河区-p2.jpg", "清河区-p3.jpg"]
    assert data["tables"]["applications"]["new_received"]["total"] == (
        report_extract.extract(FIXTURES / "v2019-clean.txt").value("applications.new_received.total"))
    made = result.stat().st_mtime_ns
    again = subprocess.run(command, capture_output=True, cwd=ROOT, timeout=900)  # the same pages: reused
    assert again.returncode == 0 and result.stat().st_mtime_ns == made


@pytest.mark.parametrize("kind, reason", [
    ("bomb", "bomb.png：图片过大，超过 60,000,000 像素的上限"),
    ("many", "共 101 张页面图片，report-extract 最多读取 100 页"),
    ("inflating", "超过解压后大小上限 256 MB"),
    ("encrypted", "zip 压缩包中的 p1.jpg 无法解压"),
    ("truncated", "zip 压缩包已损坏或不完整（File is not a zip file）"),
])
def test_hostile_zips_of_page_images_are_refused_in_one_line_in_bounded_memory(tmp_path, kind, reason):
    """Refused from the zip's directory and the images' headers, before anything large is made."""
    path = tmp_path / "pages.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        if kind == "bomb":  # a decompression bomb among the pages
            archive.write(SCANS / "bad" / "bomb.png", "bomb.png")
        elif kind == "many":
            for n in range(101):
                archive.writestr(f"p{n}.png", b"\x89PNG\r\n\x1a\n")
        elif kind == "inflating":  # 300 MB of zeros that deflate to a few hundred kB
            with archive.open("p1.png", "w", force_zip64=True) as member:
                for _ in range(300):
                    member.write(bytes(1 << 20))
        else:
            archive.writestr("p1.jpg", JPG_PAGES[0].read_bytes())
    if kind == "encrypted":  # the member's flag says encrypted: zipfile wants a password
        data = bytearray(path.read_bytes())
        data[6] |= 1
        central = data.rfind(b"PK\x01\x02")
        data[central + 8] |= 1
        path.write_bytes(bytes(data))
    if kind == "truncated":
        path.write_bytes(path.read_bytes()[:5000])
    result = subprocess.run([sys.executable, "-m", "report_extract", "extract", str(path)],
                            capture_output=True, cwd=ROOT, timeout=120)
    lines = result.stderr.decode().strip().splitlines()
    assert result.returncode == 3 and result.stdout == b""
    assert len(lines) == 1 and reason in lines[0], lines


def test_check_shows_page_images_of_one_report_as_one_report(tmp_path):
    with zipfile.ZipFile(tmp_path / "scan.zip", "w") as archive:  # named one by one they are three inputs
        for path in JPG_PAGES:
            archive.write(path, path.name)
    result = subprocess.run([sys.executable, "-m", "report_extract", "check", str(tmp_path / "scan.zip")],
                            capture_output=True, cwd=ROOT, timeout=600)
    shown = result.stdout.decode()
    assert result.returncode == 0, result.stderr.decode()
    assert shown.count("示例市清河区市场监督管理局2020年政府信息公开工作年度报告") == 1
    assert "═" * 40 not in shown  # one report, not three separated
