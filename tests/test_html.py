"""Pages for a person: `extract -f html` (one self-contained page per report) and `batch --html`
(a page per report and index.html). Checked as HTML here, and in a real browser (headless Debian
chromium) where it is installed: screenshots, no console errors, no request leaving the file."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from lxml import html as lxml_html

from browser import Chromium, find
from conftest import FIXTURES, ROOT, corpus_file
from generate import build_archive
from report_extract import extract
from report_extract.views.html import report_page

EXTERNAL = re.compile(r"""(?:src|href|action)\s*=\s*["']?(?!#)|url\(|@import|https?://|//[a-z]""", re.I)


def cli(*args):
    return subprocess.run([sys.executable, "-m", "report_extract", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


def flagged(page: str) -> set[str]:
    tree = lxml_html.fromstring(page)
    return {td.get("data-key") for td in tree.xpath("//td[contains(concat(' ', @class, ' '), ' flag ')]")}


def cell_keys(report) -> set[str]:
    return {f"{p.table}.{p.row}.{p.column}" for p in report.problems if p.table and p.row and p.column}


def assert_self_contained(page: str) -> None:
    assert 'http-equiv="Content-Security-Policy" content="default-src \'none\';' in page
    without_own_links = re.sub(r'href="(#[^"]*|[^":]*\.html)"', "", page)  # in-page anchors, sibling pages
    assert not EXTERNAL.search(without_own_links), EXTERNAL.search(without_own_links)


def test_hongze_page_highlights_exactly_its_flagged_cells():
    report = extract(corpus_file("hongze-2023.pdf"))
    page = report_page(report)
    assert flagged(page) == {"review_litigation.administrative_review.total",
                             "review_litigation.litigation_after_review.total"} == cell_keys(report)
    tree = lxml_html.fromstring(page)
    cell = tree.get_element_by_id("c-review_litigation.administrative_review.total")
    assert cell.get("title") == "第4页；行：行政复议"
    assert [a.get("href") for a in cell.iter("a")] == ["#p4", "#p4"]
    assert "结果维持、结果纠正、其他结果、尚未审结之和为 10+1+0+0=11" in tree.get_element_by_id("p4").text_content()
    # the review table is the official one row of fifteen cells under merged headers
    review = tree.xpath("//table[@class='t-review_litigation']")[0]
    assert [len(r.xpath("td")) for r in review.xpath(".//tr")] == [0, 0, 0, 15]
    assert review.xpath("thead/tr[1]/th/@colspan") == ["5", "10"]
    assert "2023年，洪泽区人民政府坚持以习近平新时代中国特色社会主义思想为指导" in page  # the sections below
    assert_self_contained(page)


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("v20*.txt")))
def test_fixture_pages_flag_the_cells_of_their_problems(name):
    report = extract(FIXTURES / name)
    page = report_page(report)
    assert flagged(page) == cell_keys(report)
    assert_self_contained(page)


def test_extract_html_writes_the_page(tmp_path):
    result = cli("extract", "-f", "html", "-o", tmp_path / "b.html", FIXTURES / "v2021-balance.txt")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "b.html").read_text(encoding="utf-8")
    assert flagged(page) == {"applications.carried_forward.natural_person", "applications.carried_forward.total"}
    tree = lxml_html.fromstring(page)
    assert tree.get_element_by_id("c-applications.carried_forward.natural_person").get("title") == \
        "行：四、结转下年度继续办理"  # a text file has no pages


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    root = tmp_path_factory.mktemp("archive")
    manifest = build_archive(root)
    # without the batch tests' injected faults, the inputs named to hang or crash are plain reports
    manifest["expected"].update({rel: "ok" for rel in manifest["expected"] if "HANGS" in rel or "CRASHES" in rel})
    out = tmp_path_factory.mktemp("out")
    result = cli("batch", root, "-o", out, "--html", "--jobs", "2", "--timeout", "20")
    return root, manifest, out, result


def test_batch_html_index_lists_every_input_and_links_each_page(dashboard):
    root, manifest, out, result = dashboard
    expected = manifest["expected"]
    page = (out / "index.html").read_text(encoding="utf-8")
    assert_self_contained(page)
    tree = lxml_html.fromstring(page)
    rows = tree.xpath("//table[@id='inputs']/tbody/tr")
    assert len(rows) == len(expected) >= 300
    shown = {r.xpath("td[1]")[0].text_content(): r.get("data-status") for r in rows}
    assert shown == expected
    links = [unquote(a.get("href")) for a in tree.xpath("//table[@id='inputs']//a")]
    assert len(links) == sum(s not in ("failed", "not_a_report") for s in expected.values())  # no page, no link
    assert all((out / link).is_file() for link in links)
    failed = tree.xpath("//h2[@id='failed']/following-sibling::ul[1]/li")
    assert len(failed) == sum(s == "failed" for s in expected.values())
    # the grid: the planted carry-over mismatch is the one warning of its organisation
    planted = manifest["planted"]
    org = Path(planted).name.rsplit("-", 1)[0]
    grid_row = tree.xpath(f"//table[@class='grid']/tr[td[1]='{org}']")[0]
    assert [td.get("class") for td in grid_row.xpath("td")[1:]] == ["cell", "cell ok", "cell ok", "cell warning",
                                                                     "cell ok", "cell ok"]
    planted_row = next(r for r in rows if r.xpath("td[1]")[0].text_content() == planted)
    assert planted_row.get("data-codes") == "carryover_mismatch"
    codes = {a.get("data-code"): a.getparent().getparent().xpath("td[3]")[0].text for a in tree.xpath("//a[@class='code']")}
    assert codes["balance"] == "1" and codes["review_total"] == "1" and "carryover_mismatch" in codes
    planted_page = (out / f"{planted}.html").read_text(encoding="utf-8")
    assert flagged(planted_page) == {"applications.carried_over.natural_person", "applications.carried_over.total"}
    assert "而上一年度报告“四、结转下年度继续办理”为" in planted_page
    assert os.path.getsize(out / "index.html") < 1_000_000


chromium = pytest.mark.skipif(find() is None, reason="chromium is not installed (apt-get install chromium)")


@chromium
def test_pages_in_a_real_browser(dashboard, tmp_path):
    """Screenshots kept in REPORT_EXTRACT_SCREENSHOTS (a folder) when set, for a person to look at."""
    root, manifest, out, result = dashboard
    shots = Path(os.environ.get("REPORT_EXTRACT_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    hongze = corpus_file("hongze-2023.pdf")
    page = tmp_path / "hongze.html"
    page.write_text(report_page(extract(hongze)), encoding="utf-8")
    compared = tmp_path / "compare.html"
    assert cli("compare", FIXTURES / "v2021-compare-2022.txt", FIXTURES / "v2021-compare-2023.txt", "-f", "html",
               "-o", compared).returncode == 0
    browser = Chromium(find())
    try:
        for path, name in ((page, "report"), (out / "index.html", "dashboard"),
                           (out / f"{manifest['planted']}.html", "planted"), (compared, "compare")):
            loaded = browser.load(path)
            assert loaded["errors"] == [], name
            assert loaded["requests"] == [path.resolve().as_uri()], name  # nothing but the file itself
            assert browser.screenshot(shots / f"{name}.png").stat().st_size > 10_000
        # the dashboard's script works: filter to the failed inputs, sort by errors
        browser.load(out / "index.html")
        shown = browser.evaluate("var f=document.getElementById('filter'); f.value='broken/'; "
                                 "f.dispatchEvent(new Event('input')); "
                                 "[].filter.call(document.querySelectorAll('#inputs tbody tr'), "
                                 "function(r){return r.style.display!=='none'}).length")
        assert shown == sum(1 for rel in manifest["expected"] if rel.startswith("broken/"))
        first = browser.evaluate("document.querySelectorAll('#inputs th')[5].click(); "
                                 "document.querySelectorAll('#inputs th')[5].click(); "
                                 "document.querySelector('#inputs tbody tr td:nth-child(6)').textContent")
        assert first == "2"
        shown = browser.evaluate("document.querySelector('a.code[data-code=balance]').click(); "
                                 "[].filter.call(document.querySelectorAll('#inputs tbody tr'), "
                                 "function(r){return r.style.display!=='none'}).length")
        assert shown == 1
    finally:
        browser.close()
