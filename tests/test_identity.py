"""One body across years, names and formats: the body key, ``batch --bodies``, and the identity's
sources, problems and signature as a user sees them."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from generate import chain, render_text
from report_extract import identity, pipeline


@pytest.mark.parametrize("one,other", [
    ("沭阳县发改局", "沭阳县发展和改革局"),
    ("示例县政府", "示例县人民政府"),
    ("示例县人民政府办公室", "示例县政府办公室"),
    ("示例县政府办", "示例县人民政府办公室"),
    ("银川市民族事务委员会（宗教事务局）", "银川市民族事务委员会"),
    ("贵阳市人民政府(市人民政府办公厅)", "贵阳市人民政府"),
    ("河包镇", "河包镇人民政府"),
    ("白鹭镇政府", "白鹭镇人民政府"),
    ("螺洋街道", "螺洋街道办事处"),
    ("沧州市卫生健康委", "沧州市卫生健康委员会"),
    ("示例市卫健委", "示例市卫生健康委员会"),
    ("示例市住房和城乡建设局", "示例市住建局"),
    ("示例市人力资源和社会保障局", "示例市人社局"),
    ("示例市市场监管局", "示例市市场监督管理局"),
    ("示例市清河區水務局", "示例市清河区水务局"),
    ("示例 县 审计局", "示例县审计局"),
    ("上海市", "上海市人民政府"),
    ("示例经济开发区管委会", "示例经济开发区管理委员会"),
])
def test_names_of_one_body_share_its_key(one, other):
    assert identity.body_key(one) == identity.body_key(other)


@pytest.mark.parametrize("one,other", [
    ("示例市发展和改革委员会", "示例市发展和改革局"),
    ("示例市人民政府", "示例市人民政府办公室"),
    ("示例市清河区人民政府", "示例市人民政府"),
    ("平潭综合实验区", "平潭综合实验区人民政府"),  # a zone is not a place with a 人民政府
    ("白鹭镇", "白鹭乡"),
])
def test_different_bodies_keep_different_keys(one, other):
    assert identity.body_key(one) != identity.body_key(other)


def test_the_users_table_settles_what_the_rules_cannot(tmp_path):
    table = tmp_path / "bodies.csv"
    table.write_text("name,canonical\n示例县政务服务中心,示例县行政审批局\n# a comment,x\n", encoding="utf-8-sig")
    bodies = identity.read_bodies(str(table))
    assert identity.settled_body("示例县政务服务中心", bodies) == "示例县行政审批局"
    assert identity.settled_body("示例 县政务服务中心", bodies) == "示例县行政审批局"  # matched by its key too
    assert identity.settled_body("示例县财政局", bodies) == "示例县财政局"


def _report(report, org: str | None = None) -> str:
    if org:
        report.organization = org
    return render_text(report)


def _shift_carry_over(report) -> None:
    """One natural-person application more carried over and one fewer newly received: the report
    still balances, but no longer matches what last year carried forward."""
    apps = report.applications
    assert apps[0][0] >= 1
    apps[1][0] += 1
    apps[1][-1] += 1
    apps[0][0] -= 1
    apps[0][-1] -= 1


def _batch(archive: Path, out: Path, *extra) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "report_extract", "batch", str(archive), "-o", str(out), "-j", "1",
                           *extra], capture_output=True, text=True, timeout=300)


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_cross_year_checks_follow_the_body_across_names_and_the_users_table(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    first, second = chain(7, "示例县发展和改革局", [2022, 2023])
    _shift_carry_over(second)
    (archive / "fgj-2022.txt").write_text(_report(first), encoding="utf-8")
    (archive / "fgj-2023.txt").write_text(_report(second, "示例县发改局"), encoding="utf-8")
    renamed_first, renamed_second = chain(8, "示例县政务服务中心", [2022, 2023])
    _shift_carry_over(renamed_second)
    (archive / "zwfw-2022.txt").write_text(_report(renamed_first), encoding="utf-8")
    (archive / "xzsp-2023.txt").write_text(_report(renamed_second, "示例县行政审批局"), encoding="utf-8")

    run = _batch(archive, tmp_path / "out")
    assert run.returncode == 0, run.stderr
    cross = {Path(p["path"]).name for p in _rows(tmp_path / "out" / "problems.csv") if p["code"] == "carryover_mismatch"}
    assert cross == {"fgj-2023.txt"}  # 发改局 and 发展和改革局 are one body; the renamed centre is not yet
    summary = {Path(r["path"]).name: r for r in _rows(tmp_path / "out" / "summary.csv")}
    assert summary["fgj-2023.txt"]["organization"] == "示例县发改局"
    assert summary["fgj-2023.txt"]["body"] == summary["fgj-2022.txt"]["body"] == "示例县发展改革局"

    table = tmp_path / "bodies.csv"
    table.write_text("示例县政务服务中心,示例县行政审批局\n", encoding="utf-8")
    run = _batch(archive, tmp_path / "settled", "--bodies", str(table), "--html")
    assert run.returncode == 0, run.stderr
    out = tmp_path / "settled"
    cross = {Path(p["path"]).name for p in _rows(out / "problems.csv") if p["code"] == "carryover_mismatch"}
    assert cross == {"fgj-2023.txt", "xzsp-2023.txt"}
    for sheet in ("summary", "wide", "long"):
        bodies = {Path(r["path"]).name: r["body"] for r in _rows(out / f"{sheet}.csv")}
        assert bodies["zwfw-2022.txt"] == bodies["xzsp-2023.txt"] == "示例县行政审批局", sheet
    problems = [r for r in _rows(out / "problems.csv") if Path(r["path"]).name == "xzsp-2023.txt"]
    assert problems and {r["body"] for r in problems} == {"示例县行政审批局"}
    result = json.loads((out / "xzsp-2023.txt.json").read_text(encoding="utf-8"))
    assert result["report"]["organization"] == "示例县行政审批局"  # the report as written is kept
    grid = (out / "index.html").read_text(encoding="utf-8").split('class="grid"')[1].split("</table>")[0]
    assert grid.count('<td class="label">') == 2  # two bodies, each one row of years
    assert '<td class="label">示例县行政审批局</td>' in grid and '<td class="label">示例县发改局</td>' in grid


def test_an_unreadable_bodies_table_is_a_usage_error(tmp_path):
    run = _batch(tmp_path, tmp_path / "out", "--bodies", str(tmp_path / "absent.csv"))
    assert run.returncode == 2 and "--bodies" in run.stderr and "Traceback" not in run.stderr


SIGNED = """示例县审计局政府信息公开工作年度报告

本报告所列数据统计期限为2023年1月1日至2023年12月31日。

一、总体情况
2023年，我局认真落实公开要求。
二、主动公开政府信息情况
全年主动公开信息20条。
三、收到和处理政府信息公开申请情况
全年收到申请1件。
四、政府信息公开行政复议、行政诉讼情况
无。
五、存在的主要问题及改进情况
公开内容还不够全面，下一步将加强培训。
六、其他需要报告的事项
本年度未收取信息处理费。
示例县审计局
2024年1月26日
联系电话：0000-1234567
附件下载
"""


def test_the_signature_gives_the_publishing_date_and_leaves_section_six():
    report = pipeline.extract("signed.txt", SIGNED.encode(), ocr="never")
    info = report.report
    assert (info.organization, info.year, info.published) == ("示例县审计局", 2023, "2024-01-26")
    assert info.found_in == {"title": "title", "organization": "title", "year": "statistics_period",
                             "published": "signature"}
    assert report.sections[-1].text == "本年度未收取信息处理费。"
    assert not [p for p in report.problems if p.code.startswith("missing")]


def test_nothing_names_the_body_so_it_is_null_with_a_problem_in_chinese():
    text = SIGNED.replace("示例县审计局政府信息公开工作年度报告\n", "").replace("示例县审计局\n", "")
    report = pipeline.extract("report.txt", text.encode(), ocr="never")
    assert (report.report.title, report.report.organization, report.report.body) == (None, None, None)
    assert report.report.published == "2024-01-26"
    problem = next(p for p in report.problems if p.code == "missing_organization")
    assert problem.severity == "warning" and "机关留空" in problem.message_zh
    assert "missing_title" in {p.code for p in report.problems}


def test_a_university_report_by_academic_year_gets_no_year():
    text = SIGNED.replace("示例县审计局政府信息公开工作年度报告", "示例学院2022-2023学年度信息公开年报").replace(
        "统计期限为2023年1月1日至2023年12月31日", "统计期限为2022年9月1日至2023年8月31日")
    report = pipeline.extract("college.txt", text.encode(), ocr="never")
    assert (report.report.organization, report.report.year) == ("示例学院", None)
    assert [p.code for p in report.problems if p.code in ("academic_year", "missing_year")] == ["academic_year"]


def test_traditional_script_reads_its_headings_labels_and_title_and_keeps_them_as_written():
    from generate import build

    text = render_text(build(3, "示例市清河区水务局", 2023))
    traditional = text.translate(str.maketrans("区务总体况开报告机关处理结转办复议诉讼", "區務總體況開報告機關處理結轉辦複議訴訟"))
    assert traditional != text
    simple = pipeline.extract("r.txt", text.encode(), ocr="never")
    report = pipeline.extract("r.txt", traditional.encode(), ocr="never")
    assert report.report.organization == "示例市清河區水務局"
    assert report.report.body == simple.report.body == "示例市清河区水务局"
    assert report.tables == simple.tables
    assert [s.key for s in report.sections] == [s.key for s in simple.sections]
    assert report.sections[0].heading.startswith("一、總體")


def test_the_six_real_report_shapes_of_issue_17():
    """The shapes seen on whole real reports: the opening's verb before the body, the page's
    navigation run into the title, and section 五 titled 存在的主要问题及整改措施."""
    from generate import build

    text = render_text(build(11, "示例县水务局", 2023))
    title = "# 示例县水务局2023年政府信息公开工作年度报告"
    opening = "根据《中华人民共和国政府信息公开条例》要求，现向社会公布示例县水务局2023年政府信息公开工作年度报告。"
    cases = {
        "opening": text.replace(title, opening),
        "navigation": text.replace(title, "政府信息公开示例县水务局政府信息公开年报示例县水务局2023年政府信息公开工作年度报告"),
        "rectification": text.replace("五、存在的主要问题及改进情况", "五、存在的主要问题及整改措施"),
    }
    assert all(case != text for case in cases.values())
    for name, case in cases.items():
        report = pipeline.extract(f"{name}.txt", case.encode(), ocr="never")
        assert (report.report.organization, report.report.year) == ("示例县水务局", 2023), name
        assert report.report.title == (None if name == "opening" else "示例县水务局2023年政府信息公开工作年度报告"), name
        assert "missing_section" not in {p.code for p in report.problems}, name
        assert len(report.sections) == 6, name
