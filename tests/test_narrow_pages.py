"""Pages on a phone (420 px wide) and on a desktop (1400 px), in headless Chromium: the page itself
never scrolls sideways, a wide table scrolls in its own box, and names keep a readable width
(issue 20). Skipped where chromium is absent."""

from __future__ import annotations

import subprocess
import sys

import pytest

from browser import Chromium, find
from conftest import CORPUS, FIXTURES
from generate import BODIES, build, render_glued, render_html, render_text

pytestmark = pytest.mark.skipif(find() is None, reason="chromium is not installed")


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    # inputs in a deep folder whose names have no place to break a line (as a CI runner's checkout may):
    # the paths the pages show must wrap, not widen the page
    root = tmp_path_factory.mktemp("narrow") / ("checkoutofacontinuousintegrationrunner" * 2) / "workspace"
    root.mkdir(parents=True)
    archive = root / "archive"
    archive.mkdir()
    for name in ("v2021-balance.txt", "v2019-clean.txt", "v2021-clean.pdf", "v2021-glued-ambiguous.page.txt"):
        (archive / name).write_bytes((FIXTURES / name).read_bytes())
    # the glued web text's report once more, as the page it was saved from: one report in two files
    (archive / "v2021-glued-ambiguous.html").write_bytes(render_html(build(6, *BODIES[1])))
    # of two bodies of their own: a web text read partly, and a text whose table 三 does not balance
    (archive / "audit.page.txt").write_text(render_glued(build(20, "示例市清河区审计局", 2023)), encoding="utf-8")
    unbalanced = build(11, "示例市清河区统计局", 2023)
    unbalanced.applications[0][0] += 1
    unbalanced.applications[0][6] += 1
    (archive / "statistics.txt").write_text(render_text(unbalanced), encoding="utf-8")
    for name in ("pingtan-2022.page.txt", "pingtan-2024.page.html"):
        if (CORPUS / name).exists():
            (archive / name).write_bytes((CORPUS / name).read_bytes())
    run = [sys.executable, "-m", "report_extract"]
    subprocess.run([*run, "batch", str(archive), "-o", str(root / "out"), "--html"], capture_output=True, timeout=600)
    compared = root / "compare.html"
    for name in ("v2021-clean.txt", "v2021-balance.txt"):
        (root / name).write_bytes((FIXTURES / name).read_bytes())
    subprocess.run([*run, "compare", str(root / "v2021-clean.txt"), str(root / "v2021-balance.txt"), "-f",
                    "html", "-o", str(compared)], check=True, capture_output=True, timeout=300)
    scan = root / "scan.html"  # a page with crops of its scan beside 5 cells (read alone: the archive's
    # grid above is about other bodies)
    subprocess.run([*run, "extract", str(FIXTURES / "scans" / "v2021-review-total-150.tif"), "-f", "html", "-o",
                    str(scan)], check=True, capture_output=True, timeout=600)
    return {"dashboard": root / "out" / "index.html", "report": root / "out" / "v2021-balance.txt.html",
            "scan": scan, "compare": compared}


@pytest.mark.parametrize("width", [420, 1400])
def test_no_page_scrolls_sideways_and_tables_scroll_in_their_box(pages, width, tmp_path):
    browser = Chromium(find(), width=width, height=900)
    try:
        for name, path in pages.items():
            loaded = browser.load(path)
            assert loaded["errors"] == [], name
            page_width = browser.evaluate("document.documentElement.scrollWidth")
            viewport = browser.evaluate("window.innerWidth")
            assert page_width <= viewport, (name, width, page_width, viewport)
            # every table fits the page; one wider than its content box scrolls inside it
            overflowing = browser.evaluate(
                "[...document.querySelectorAll('table')].filter(t => t.getBoundingClientRect().right > "
                "window.innerWidth + 1).length")
            assert overflowing == 0, (name, width)
            narrowest = browser.evaluate(  # a cell holding Chinese text: its text's width, in characters
                "Math.min(...[...document.querySelectorAll('td')].filter(td => /[\u4e00-\u9fff]{4}/.test("
                "td.textContent)).map(td => { const s = getComputedStyle(td); return (td.clientWidth - "
                "parseFloat(s.paddingLeft) - parseFloat(s.paddingRight)) / parseFloat(s.fontSize); }))")
            assert narrowest >= 3, (name, width, narrowest)  # no name set one or two characters a line
            # the crops of the scan are decoded, and one in the problems' list stays inside the page
            crops = browser.evaluate("[...document.querySelectorAll('img.crop')].map(i => [i.naturalWidth, "
                                     "i.closest('table') !== null || i.getBoundingClientRect().right <= "
                                     "window.innerWidth])")
            assert len(crops) == (10 if name == "scan" else 0), (name, width)
            assert all(decoded > 0 and inside for decoded, inside in crops), (name, width, crops)
            assert browser.screenshot(tmp_path / f"{name}-{width}.png").stat().st_size > 5_000
    finally:
        browser.close()


def test_a_report_page_lists_its_errors_first_and_folds_the_notes(tmp_path):
    import re

    import report_extract
    from report_extract.views.html import report_page

    path = CORPUS / "pingtan-2020.page.txt"
    if not path.exists():
        pytest.skip(f"{path} is not here")
    report = report_extract.extract(path)
    severities = [p.severity for p in report.problems]
    assert severities.count("error") >= 2 and severities.count("info") >= 20
    assert severities[0] == "info"  # in the report's order a note comes first
    html = report_page(report)
    first = html.index('<ol class="problems">')
    listed = re.findall(r'<li id="p(\d+)" value="\d+" data-code="[^"]+"><span class="sev (\w+)"', html[first:])
    errors = severities.count("error")
    own = [i + 1 for i, p in enumerate(report.problems) if p.severity == "error" and p.kind == "report"]
    assert [p.code for p in report.problems if p.severity == "error" and p.kind == "report"] == ["outcome_sum"] * 2
    # the report's own errors first, then the cells we could not read (读取受限), each with its own number
    assert [s for _, s in listed[:errors]] == ["error"] * len(own) + ["limited"] * (errors - len(own))
    assert [int(n) for n, s in listed if s == "error"] == own
    notes = html.index('<details class="infos"><summary>提示')
    assert all(html.index(f'id="p{i + 1}"') > notes for i, s in enumerate(severities) if s == "info")
    page = tmp_path / "page.html"
    page.write_text(html, encoding="utf-8")
    browser = Chromium(find(), width=420, height=900)
    try:
        browser.load(page)
        assert browser.evaluate("document.querySelector('details.infos').open") is False
        browser.evaluate("location.hash = '#p1'")
        assert browser.evaluate("document.querySelector('details.infos').open") is True
    finally:
        browser.close()


def test_the_dashboard_marks_reading_limits_and_duplicates_apart_from_errors(pages, tmp_path):
    """Red for the report's errors; striped blue with the count of cells for 读取受限; a black corner
    on the grid cell of a report held in two files (looked at in the screenshots, both widths)."""
    for width in (1400, 420):
        browser = Chromium(find(), width=width, height=1100)
        try:
            browser.load(pages["dashboard"])
            marks = browser.evaluate(
                "[...document.querySelectorAll('table.grid td.cell')].filter(td => td.className !== 'cell')"
                ".map(td => [td.className, td.textContent, getComputedStyle(td).backgroundColor,"
                " getComputedStyle(td).backgroundImage.split('(')[0], getComputedStyle(td, '::after').content])")
            assert [m[:3] for m in marks if "error" in m[0]] == [["cell error", "2", "rgb(204, 0, 0)"]]
            limited = [m[:2] + m[3:4] for m in marks if "limited" in m[0]]
            assert ["cell limited", "3格", "repeating-linear-gradient"] in limited  # the audit office's
            assert all(m == ["cell limited", "3格", "repeating-linear-gradient"] for m in limited)  # and pingtan's
            # two reports held in two files each: the glued text's saved page, and the clean PDF beside
            # the same body's unbalanced text (the copy whose sums hold is the one used)
            assert [(m[0], m[4]) for m in marks if "dup" in m[0].split()] == [("cell ok dup", '""')] * 2
            status = browser.evaluate("[...document.querySelectorAll('#inputs .sev.read_partly')]"
                                      ".map(s => [s.textContent, getComputedStyle(s).backgroundColor])")
            partly = 2 + (CORPUS / "pingtan-2022.page.txt").exists()  # the two glued texts, and pingtan's
            assert status == [["读取受限", "rgb(47, 98, 168)"]] * partly
            assert browser.evaluate("document.documentElement.scrollWidth") <= browser.evaluate("window.innerWidth")
            assert browser.screenshot(tmp_path / f"dashboard-{width}.png").stat().st_size > 5_000
        finally:
            browser.close()
