"""Beside a cell OCR was unsure of, the page shows the crop of the scan it was read from (issue 20):
one PNG a doubtful cell, inside the page (a data: URI), its size the box and its margin, showing
what we read; a result reused by batch gets its crops from its input; an input that is gone or
changed, or a page image that cannot be made again, gives no crop and a note in Chinese.

The scans are the committed ones (tests/fixtures/scans): page 4 of the 150-dpi TIFF of
v2021-review-total holds the report's own review_total error, whose five cells OCR read surely and
the relations flag ocr_uncertain."""

from __future__ import annotations

import base64
import copy
import hashlib
import io
import json
import re
import subprocess
import sys

import pytest
from PIL import Image

import report_extract
from conftest import FIXTURES, ROOT, problems_of
from report_extract import crops
from report_extract.archive.unit import page_html
from report_extract.views.html import report_page

TIFF = FIXTURES / "scans" / "v2021-review-total-150.tif"
# the five cells of 行政复议 (upheld, corrected, other, pending, total): 3 0 0 1 | 6, as printed
DOUBTFUL = [f"review_litigation.administrative_review.{c}" for c in ("upheld", "corrected", "other", "pending", "total")]
_CELL_CROP = re.compile(r'<td class="v flag(?: reading)?" id="c-([\w.]+)"[^>]*><img class="crop" src="data:image/png;base64,'
                        r'([A-Za-z0-9+/=]+)" width="(\d+)" height="(\d+)"')


def _pages_of_tiff(numbers, folder, name="scan-p{}.png"):
    """Pages of the committed TIFF saved as PNG files (page images as a body publishes them)."""
    image = Image.open(TIFF)
    paths = []
    for i, number in enumerate(numbers, 1):
        image.seek(number - 1)
        path = folder / name.format(i)
        image.convert("L").save(path)
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def page4(tmp_path_factory):
    """Page 4 alone as a PNG, and its report."""
    [path] = _pages_of_tiff([4], tmp_path_factory.mktemp("page4"), "review-p4.png")
    return path, report_extract.extract(path)


def run(*args):
    return subprocess.run([sys.executable, "-m", "report_extract", *map(str, args)], capture_output=True, cwd=ROOT,
                          timeout=600)


def cell_crops(page: str) -> dict[str, Image.Image]:
    """Flat key -> the crop beside its cell, decoded, its size checked against the page's own."""
    out = {}
    for key, data, width, height in _CELL_CROP.findall(page):
        image = Image.open(io.BytesIO(base64.b64decode(data)))
        image.load()
        assert image.size == (int(width), int(height)) and image.format == "PNG"
        out[key] = image
    return out


def test_the_page_of_extract_shows_the_scan_beside_each_doubtful_cell(page4, tmp_path):
    path, report = page4
    assert [f"{p.table}.{p.row}.{p.column}" for p in problems_of(report, "ocr_uncertain")] == DOUBTFUL
    target = tmp_path / "page.html"
    result = run("extract", "-f", "html", path, "-o", target)
    assert result.returncode == 0, result.stderr
    page = target.read_text(encoding="utf-8")
    shown = cell_crops(page)
    assert sorted(shown) == sorted(DOUBTFUL)  # one crop a doubtful cell, and none elsewhere
    assert page.count("<img ") == 2 * len(DOUBTFUL)  # and each again in its problem's entry
    for key in DOUBTFUL:
        x0, y0, x1, y1 = report.provenance[key].ocr.box
        assert y1 - y0 == 21 and crops.margin((x0, y0, x1, y1)) == 11  # half a box's height, around it
        assert shown[key].size == (x1 - x0 + 22, y1 - y0 + 22)
    assert "5 个识别存疑或经更正的格子旁附有扫描原图的截图" in page
    assert "未附" not in page


def test_a_result_batch_reuses_gets_its_crops_from_its_input(tmp_path):
    """Page images of one report (pages 3 and 4, grouped by name): read without --html, then with
    it: the result is reused, its page made from the result file, its crops cut from page 2 of the
    bundle of its images again."""
    archive = tmp_path / "archive"
    archive.mkdir()
    _pages_of_tiff([3, 4], archive)
    out = tmp_path / "out"
    first = run("batch", archive, "-o", out)
    assert first.returncode in (0, 1), first.stderr
    [result] = out.rglob("*.json")
    data = json.loads(result.read_text(encoding="utf-8"))
    assert data["source"]["page_files"] == ["scan-p1.png", "scan-p2.png"]
    assert not list(out.rglob("*.html"))
    again = run("batch", archive, "-o", out, "--html")
    assert again.returncode in (0, 1), again.stderr
    assert "reused" in again.stderr.decode() or "沿用" in again.stderr.decode()
    [page] = [p for p in out.rglob("*.html") if p.name != "index.html"]
    text = page.read_text(encoding="utf-8")
    shown = cell_crops(text)
    # page 1 (the TIFF's page 3) holds table 三's last rows, whose sums lost their first rows (on
    # the page before): each of their cells is doubtful, and 7 of them OCR read as nothing
    doubtful = [f"{p['table']}.{p['row']}.{p['column']}" for p in data["problems"] if p["code"] == "ocr_uncertain"]
    boxed = [k for k in doubtful if data["provenance"][k]["ocr"]["box"]]
    assert len(doubtful) == 54 and len(boxed) == 47 and set(DOUBTFUL) <= set(boxed)
    assert sorted(shown) == sorted(boxed)
    assert "47 个识别存疑或经更正的格子旁附有扫描原图的截图" in text and "7 个存疑格子 OCR 未识别出文字，无从截图。" in text
    for key in boxed:
        x0, y0, x1, y1 = data["provenance"][key]["ocr"]["box"]
        m = crops.margin((x0, y0, x1, y1))
        assert shown[key].size == (x1 - x0 + 2 * m, y1 - y0 + 2 * m)
    assert {data["provenance"][k]["page"] for k in DOUBTFUL} == {2}
    # the same result, its input changed or gone since: no crop, and the page says why
    changed = page_html(data, source=b"another file")
    assert "<img" not in changed and "原文件已改动（sha256 与结果所记不同），存疑格子旁未附扫描截图。" in changed

    def gone():
        raise FileNotFoundError(archive / "scan-p2.png")
    missing = page_html(data, source=gone)
    assert "<img" not in missing and "找不到原文件，存疑格子旁未附扫描截图。" in missing


def test_a_page_image_that_cannot_be_made_again_gives_a_note_not_a_crash(page4):
    path, report = page4
    data = path.read_bytes()
    damaged = data[: len(data) // 3]  # a PNG cut short: its header reads, its pixels do not
    broken = copy.deepcopy(report)
    broken.source.sha256 = hashlib.sha256(damaged).hexdigest()  # as if this were what was read
    made = crops.cut(broken, damaged)
    assert made.cells == {} and made.missing == [("page", {"page": 1, "count": 5})]
    page = report_page(crops.attach(broken, damaged))
    assert "<img" not in page and "第1页的扫描图像无法重新取得，5 个存疑格子未附截图。" in page


def test_crops_are_bounded_in_number_and_in_pixels(page4, monkeypatch):
    path, report = page4
    data = path.read_bytes()
    monkeypatch.setattr(crops, "MAX_CROPS", 3)
    made = crops.cut(report, data)
    assert list(made.cells) == DOUBTFUL[:3] and made.missing == [("over_limit", {"count": 2, "limit": 3})]
    assert "另有 2 个存疑格子未附截图（每份报告最多 3 个）。" in report_page(crops.attach(report, data))
    monkeypatch.undo()
    wide = copy.deepcopy(report)
    wide.provenance[DOUBTFUL[0]].ocr.box = [0, 0, 900, 300]  # a box across most of the page
    wide.provenance[DOUBTFUL[1]].ocr.box = [5000, 5000, 5100, 5020]  # a box off the page
    made = crops.cut(wide, data)
    big = made.cells[DOUBTFUL[0]]
    assert (big.width, big.height) == (373, 160)  # 1050 × 450 with its margin, scaled to fit 480 × 160
    assert Image.open(io.BytesIO(big.png)).size == (big.width, big.height)
    assert DOUBTFUL[1] not in made.cells and made.missing == [("page", {"page": 1, "count": 1})]
    # a report with no doubtful cell reads nothing: its source is not even asked for
    sure = copy.deepcopy(report)
    sure.problems = [p for p in sure.problems if p.code not in crops.CROP_CODES]
    assert crops.cut(sure, lambda: pytest.fail("read")) == crops.Crops()
