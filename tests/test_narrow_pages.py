"""Pages on a phone (420 px wide) and on a desktop (1400 px), in headless Chromium: the page itself
never scrolls sideways, a wide table scrolls in its own box, and names keep a readable width
(issue 20). Skipped where chromium is absent."""

from __future__ import annotations

import subprocess
import sys

import pytest

from browser import Chromium, find
from conftest import CORPUS, FIXTURES

pytestmark = pytest.mark.skipif(find() is None, reason="chromium is not installed")


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    root = tmp_path_factory.mktemp("narrow")
    archive = root / "archive"
    archive.mkdir()
    for name in ("v2021-balance.txt", "v2019-clean.txt", "v2021-clean.pdf", "scans/v2021-review-total-150.tif"):
        (archive / name.rpartition("/")[2]).write_bytes((FIXTURES / name).read_bytes())
    for name in ("pingtan-2022.page.txt", "pingtan-2024.page.html"):
        if (CORPUS / name).exists():
            (archive / name).write_bytes((CORPUS / name).read_bytes())
    run = [sys.executable, "-m", "report_extract"]
    subprocess.run([*run, "batch", str(archive), "-o", str(root / "out"), "--html"], capture_output=True, timeout=600)
    compared = root / "compare.html"
    subprocess.run([*run, "compare", str(FIXTURES / "v2021-clean.txt"), str(FIXTURES / "v2021-balance.txt"), "-f",
                    "html", "-o", str(compared)], check=True, capture_output=True, timeout=300)
    return {"dashboard": root / "out" / "index.html", "report": root / "out" / "v2021-balance.txt.html",
            "scan": root / "out" / "v2021-review-total-150.tif.html",  # with crops of its scan beside 5 cells
            "compare": compared}


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
    assert [s for _, s in listed[:errors]] == ["error"] * errors  # errors first, with their own numbers
    assert [int(n) for n, s in listed if s == "error"] == [i + 1 for i, s in enumerate(severities) if s == "error"]
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
