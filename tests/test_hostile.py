"""The fast subset of the hostile-input campaign (benchmarks/hostile.py): every kind with a small
input, run as a user runs the command (a subprocess under a memory cap and a timeout), and a short
mutation fuzz over the fixtures. The whole campaign (large inputs, 3,000 mutations) is run before
a release: python benchmarks/hostile.py."""

from __future__ import annotations

import importlib.util
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import ROOT

spec = importlib.util.spec_from_file_location("hostile", ROOT / "benchmarks" / "hostile.py")
hostile = importlib.util.module_from_spec(spec)
sys.modules["hostile"] = hostile
spec.loader.exec_module(hostile)

EXPECTED = {  # kind -> (exit, what its one line says); the kinds tests/test_hardening.py has not run
    "pdf-form-chain": (3, "PDF 中有一个表单对象（form XObject）展开后多于 200,000 个对象，超过页面绘图对象数上限 "
                          "200,000 个（可用 REPORT_EXTRACT_MAX_PAGE_OBJECTS=N 提高）"),
    "pdf-100k-pages": (3, "PDF 文件共有 100,000 页，超过页数上限 2,000 页"),
    "docx-many-members": (3, "超过压缩包成员数上限 10,000 个"),
    "docx-billion-laughs": (3, "Maximum entity amplification factor exceeded"),
    "docx-xxe": (3, "不是政府信息公开工作年度报告"),
    "docx-deep-nesting": (3, "Excessive depth in document: 256"),
    "html-deep-nesting": (3, "网页元素嵌套超过 256 层（libxml2 的上限）"),
    "html-nested-tables": (3, "网页元素嵌套超过 256 层"),
    "html-xxe": (3, "不是政府信息公开工作年度报告"),
    "pdf-javascript-launch-embedded": (3, "不是政府信息公开工作年度报告"),
    "pdf-cid-no-tounicode": (3, "PDF 的字体没有 Unicode 映射"),
    "input-dev-zero": (3, "/dev/zero：不是普通文件（字符设备），只读取普通文件"),
    "text-nul-bytes": (3, "是二进制文件，不是文本"),
    "md-pipe-rows-2000": (0, ""),
    "ofd-million-objects": (3, "OFD 文件中有一页（Doc_0/Pages/Page_0/Content.xml）的绘图对象多于 200,000 个，"
                               "超过页面绘图对象数上限 200,000 个"),
    "ofd-billion-laughs": (3, "OFD 文件中的 Doc_0/Pages/Page_0/Content.xml 声明了 DTD"),
    "ofd-self-drawing-composite": (3, "嵌套超过 200 层（某个复合图元绘制了它自己？），超过嵌套层数上限 200 层"),
}


def test_the_campaign_has_at_least_30_kinds():
    assert len(hostile.KINDS) >= 30
    assert set(EXPECTED) <= {name for name, (_, fast) in hostile.KINDS.items() if fast}


@pytest.fixture(scope="module")
def fast_results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")

    def one(name):
        maker, _ = hostile.KINDS[name]
        (folder / name).mkdir()
        return hostile.run_case(name, maker(folder / name), timeout=60, cap_mb=hostile.CAP_MB)

    with ThreadPoolExecutor(max_workers=3) as pool:
        return {r.name: r for r in pool.map(one, EXPECTED)}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_kind_ends_as_expected_in_one_line_within_bounds(fast_results, name):
    code, words = EXPECTED[name]
    result = fast_results[name]
    assert result.outcome not in hostile.FAILURES, (result.outcome, result.detail)
    assert result.peak_mb <= hostile.GOAL_MB and result.seconds <= hostile.GOAL_SECONDS
    assert result.exit == code
    assert words in result.detail


def test_mutation_fuzz_finds_no_traceback_crash_or_hang():
    results = [hostile.run_mutation(name, data, timeout=60, cap_mb=hostile.CAP_MB)
               for name, data in hostile.mutants(seed=7, count=40)]
    failures = [(r.name, r.outcome, r.detail) for r in results if r.outcome in hostile.FAILURES]
    assert failures == []
    assert {r.outcome for r in results} == {"read", "refused"}


def test_a_mutated_tiff_whose_page_directory_lost_its_size_is_refused_in_one_line(tmp_path):
    """Found by the image fuzz (benchmarks/hostile.py --images, seed 2026): Pillow raised TypeError
    (Missing dimensions) seeking page 2 of a damaged multi-page TIFF; it was a traceback."""
    import subprocess

    then = ("v2019-clean-300-p1.jpg", "v2019-clean-300-p2.jpg", "v2019-clean-300-p3.jpg", "v2021-clean-200.pdf",
            "v2021-clean-page3-scanned.pdf", "v2021-clean-photo-p1.jpg", "v2021-review-total-150.tif",
            "v2019-clean-300-p[1-3].zip")  # the committed scans when the fuzz found it
    name, data = list(hostile.mutants(2026, 2, images=True, names=then))[1]
    assert name == "mut-00001-v2021-review-total-150.tif"
    path = tmp_path / name
    path.write_bytes(data)
    result = subprocess.run([sys.executable, "-m", "report_extract", "extract", str(path)], capture_output=True,
                            cwd=ROOT, timeout=300)
    assert result.returncode == 3 and result.stdout == b""
    assert result.stderr.decode() == f"report-extract: {path}：图片已损坏：第 2 页无法读取（TypeError: Missing dimensions）\n"
