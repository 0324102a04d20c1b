"""The Chinese wording of every problem: the sentence a reviewer would write, with the table, rows
and columns named as the report labels them.

One function per problem code in ``WORDING`` (a test fails for a code of ``problems.CODES``
without one), the Chinese twin of ``problems.WORDING``: both word a problem from its fields and
facts (``Problem.facts``), and neither reads the other's text. ``fill`` adds ``message_zh`` to
problems that lack it. The wording quotes values and row labels from the report's tables, so it
needs the tables and provenance where the problem came from (``Context``); problems made across two
reports (``carryover_mismatch``, ``in_force_drift``) are worded from their own expected/found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

from .labels import split_ordinal
from .model import Problem
from .templates import APPLICANT_COLUMNS, BY_KEY, OUTCOME_ROWS, REVIEW, REVIEW_COLUMNS, SECTION_KEYS

TABLE_HEADINGS = {"proactive": "二、主动公开政府信息情况", "applications": "三、收到和处理政府信息公开申请情况",
                  "review_litigation": "四、政府信息公开行政复议、行政诉讼情况"}
SECTION_HEADINGS = dict(zip(SECTION_KEYS, ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                                           "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况",
                                           "六、其他需要报告的事项")))
TEMPLATE_NAMES = {"v2021": "2021年版模板", "v2019": "2019年版模板", "pre2019": "2019年以前的格式",
                  "unknown": "未识别的格式"}
_APPLICANT_LABELS = {c.key: c.label for c in APPLICANT_COLUMNS} | {"other_org": "法人或其他组织·其他"}
_REVIEW_ROWS = {r.key: (f"{r.group}·{r.label}" if r.group else r.label) for r in REVIEW.rows}
_REVIEW_COLUMNS = {c.key: c.label for c in REVIEW_COLUMNS}


# what each code finds, in a few words (lists and filters of the dashboard)
CODE_NAMES = {
    "balance": "表三收支不平衡", "outcome_sum": "表三办理结果合计不符", "row_total": "表三行合计不符",
    "review_total": "表四合计不符", "missing_section": "缺少部分", "missing_table": "缺少表格", "missing_row": "缺少行",
    "extra_cells": "数字多于栏数", "missing_cells": "数字少于栏数", "not_a_number": "格内不是数字",
    "negative_value": "负数", "unknown_row": "模板外的行", "glued_digits": "数字粘连（已拆分）",
    "ambiguous_digits": "数字粘连（无法拆分）", "blank_cells": "空格或占位符", "template_year_mismatch": "模板与年度不符",
    "narrative_mismatch": "正文与表格不符", "carryover_mismatch": "与上年结转不符", "in_force_drift": "现行有效件数与上年不符",
    "ocr_corrected": "识别更正", "ocr_uncertain": "识别存疑", "ocr_unread": "未能识别", "unit_converted": "金额单位已换算",
    "missing_title": "未找到标题", "missing_organization": "未识别机关", "missing_year": "未识别年度",
    "academic_year": "按学年编制", "no_values": "统计表无任何数字",
    "thin_section": "问题及改进情况过简", "missing_fee_statement": "未报告信息处理费",
}


@dataclass
class Context:
    """What the wording may quote of the report a problem belongs to."""
    tables: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)  # flat key -> Provenance or its dict
    template: str | None = None
    year: int | None = None

    def value(self, table: str, row: str, column: str):
        return self.tables.get(table, {}).get(row, {}).get(column)

    def written(self, table: str, row: str, column: str | None = None) -> dict:
        """The provenance of a cell (any cell of the row when column is None) as a dict."""
        keys = [f"{table}.{row}.{column}"] if column else [k for k in self.provenance
                                                           if k.startswith(f"{table}.{row}.")]
        for key in keys:
            prov = self.provenance.get(key)
            if prov is not None:
                return prov if isinstance(prov, dict) else prov.model_dump()
        return {}


def num(value) -> str:
    """A value as a reviewer writes it: 3, 12.5, and 空 for no number."""
    if value is None:
        return "空"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def table_name(table: str | None) -> str:
    return f"「{TABLE_HEADINGS.get(table, table or '')}」"


def row_label(problem: Problem, ctx: Context, row: str | None = None) -> str:
    """The row label as the report writes it (the template's where the report's is not known)."""
    row = row or problem.row
    if problem.table == "review_litigation":
        return _REVIEW_ROWS.get(row, row or "")
    written = problem.label if row == problem.row and problem.label else \
        ctx.written(problem.table or "", row or "").get("label")
    template = _template_label(problem.table, row, ctx)
    if written and template and _same_words(written, template):
        return template  # the same label; the template's has no stray digits or spaces of the reading
    return written or template or row or ""


def _template_label(table: str | None, row: str | None, ctx: Context) -> str:
    for template in (BY_KEY.get(ctx.template or ""), BY_KEY["v2021"], BY_KEY["v2019"]):
        if template is None:
            continue
        spec = next((t for t in template.tables if t.key == table), None)
        hit = next((r for r in spec.rows if r.key == row), None) if spec else None
        if hit:
            return hit.label
    return ""


def _same_words(written: str, template: str) -> bool:
    """The written label is the template's (ordinals and punctuation aside); a typo stays as written."""
    return _words(written).endswith(_words(template)) and bool(_words(template))


def _words(label: str) -> str:
    return re.sub(r"[\d\W_a-zA-Z一二三四五六七八九十]+", "", split_ordinal(label)[1] if label else "")


def column_label(problem: Problem, ctx: Context, column: str | None = None) -> str:
    column = column or problem.column or ""
    if problem.table == "applications":
        return _APPLICANT_LABELS.get(column, column)
    if problem.table == "review_litigation":
        return _REVIEW_COLUMNS.get(column, column)
    for template in (BY_KEY.get(ctx.template or ""), BY_KEY["v2021"], BY_KEY["v2019"]):
        if template is None:
            continue
        spec = next((t for t in template.tables if t.key == problem.table), None)
        row = next((r for r in spec.rows if r.key == problem.row), None) if spec else None
        hit = next((c for c in spec.columns_of(row) if c.key == column), None) if row else None
        if hit:
            return hit.label
    return column


def cell_name(problem: Problem, ctx: Context) -> str:
    """「表」"行"行"栏"栏."""
    where = f"{table_name(problem.table)}“{row_label(problem, ctx)}”行"
    return where + (f"“{column_label(problem, ctx)}”栏" if problem.column else "")


def _blank_note(values: Iterable) -> str:
    return "（空格按 0 计）" if any(v is None for v in values) else ""


def _sum_text(values: list) -> str:
    total = sum(v or 0 for v in values)
    return f"{'+'.join(num(v) for v in values)}={num(total)}"


# --- one function per code ------------------------------------------------------------------
def _balance(p: Problem, ctx: Context) -> str:
    col = p.column or "total"
    new, over, done, forward = (ctx.value("applications", r, col)
                                for r in ("new_received", "carried_over", "outcome_total", "carried_forward"))
    if forward is None and p.found is not None:
        forward = p.found
    labels = [row_label(p, ctx, r) for r in ("new_received", "carried_over", "outcome_total", "carried_forward")]
    return (f"{table_name('applications')}“{column_label(p, ctx, col)}”栏：第一项加第二项之和（{_sum_text([new, over])}）"
            f"不等于第三项加第四项之和（{_sum_text([done, forward])}）。“{labels[0]}”加“{labels[1]}”应等于"
            f"“{labels[2]}”加“{labels[3]}”" + _blank_note([new, over, done, forward]) + "。")


def _outcome_sum(p: Problem, ctx: Context) -> str:
    col = p.column or "total"
    return (f"{table_name('applications')}“{column_label(p, ctx, col)}”栏：“三、本年度办理结果”各项之和为 "
            f"{num(p.expected)}，而“{row_label(p, ctx)}”为 {num(p.found)}"
            + _blank_note([ctx.value("applications", r, col) for r in OUTCOME_ROWS
                           if r in ctx.tables.get("applications", {})] + [p.found]) + "。")


def _row_total(p: Problem, ctx: Context) -> str:
    parts = [ctx.value("applications", p.row or "", c.key) for c in APPLICANT_COLUMNS[:-1]]
    shown = _sum_text(parts) if ctx.tables else num(p.expected)
    return (f"{table_name('applications')}“{row_label(p, ctx)}”行：自然人与五类法人或其他组织之和为 {shown}，"
            f"而“总计”栏为 {num(p.found)}" + _blank_note(parts + [p.found] if ctx.tables else [p.found]) + "。")


def _review_total(p: Problem, ctx: Context) -> str:
    parts = [ctx.value("review_litigation", p.row or "", c) for c in ("upheld", "corrected", "other", "pending")]
    shown = _sum_text(parts) if ctx.tables else num(p.expected)
    return (f"{table_name('review_litigation')}“{row_label(p, ctx)}”：结果维持、结果纠正、其他结果、尚未审结之和为 "
            f"{shown}，而“总计”为 {num(p.found)}" + _blank_note(parts + [p.found] if ctx.tables else [p.found]) + "。")


def _section_of(p: Problem) -> str:
    section = p.facts.get("section")
    return SECTION_HEADINGS.get(section, section) if section else "模板规定的部分"


def _missing_section(p: Problem, ctx: Context) -> str:
    return f"报告中找不到“{_section_of(p)}”部分（或无法读取）。"


def _missing_table(p: Problem, ctx: Context) -> str:
    return f"报告中找不到{table_name(p.table)}表（或无法读取）。"


def _missing_row(p: Problem, ctx: Context) -> str:
    if p.row is None:
        return f"{table_name(p.table)}表中没有一行数字。"
    note = ""
    if "other" in ctx.tables.get(p.table or "", {}) or p.facts.get("replaced"):
        note = "（报告仍用旧版的单行“（六）其他处理”）"
    return f"{table_name(p.table)}缺少模板中的“{row_label(p, ctx)}”行{note}。"


def _row_where(p: Problem, ctx: Context) -> str:
    if p.row is None or p.table == "review_litigation" and not p.label:
        return f"{table_name(p.table)}的数字行"
    return f"{table_name(p.table)}“{row_label(p, ctx)}”行"


def _extra_cells(p: Problem, ctx: Context) -> str:
    return (f"{_row_where(p, ctx)}有 {num(p.found)} 个数，而模板只有 {num(p.expected)} 栏；"
            "无法确定每个数属于哪一栏的，数值留空。")


def _missing_cells(p: Problem, ctx: Context) -> str:
    return (f"{_row_where(p, ctx)}只有 {num(p.found)} 个数，而模板有 {num(p.expected)} 栏；"
            "首尾两个数按首末两栏读取，中间的数只在栏位确定时读取。")


def _not_a_number(p: Problem, ctx: Context) -> str:
    raw = (ctx.written(p.table or "", p.row or "", p.column).get("raw") or "").strip()
    if not raw:
        raw = p.facts.get("raw", "")
    return f"{cell_name(p, ctx)}写的是“{raw}”，不是数字，按无数字处理。"


def _negative_value(p: Problem, ctx: Context) -> str:
    return f"{cell_name(p, ctx)}为负数（{num(p.found)}），件数或金额不应小于 0。"


def _unknown_row(p: Problem, ctx: Context) -> str:
    return f"{table_name(p.table)}有一行“{p.label or p.row}”不在模板中，数值另行保留（{p.row}）。"


def _glued_digits(p: Problem, ctx: Context) -> str:
    values = p.facts.get("values")
    split = f"，读作 {' | '.join(map(str, values))}" if values else ""
    return (f"{_row_where(p, ctx)}中，数字之间没有分隔（“{p.facts.get('run', '')}”）；按表内勾稽关系只有一种拆分方法"
            f"{split}。")


def _ambiguous_digits(p: Problem, ctx: Context) -> str:
    return (f"{_row_where(p, ctx)}中，数字之间没有分隔（“{p.facts.get('run', '')}”），按表内勾稽关系仍有多种拆分方法；"
            "各种拆法不一致的数值留空，请核对原件。")


def _blank_cells(p: Problem, ctx: Context) -> str:
    count = f" {p.facts['count']} 个" if "count" in p.facts else "一些"
    return f"{table_name(p.table)}有{count}数值栏为空或为占位符（如“/”“—”），按无数字处理。"


def _template_year_mismatch(p: Problem, ctx: Context) -> str:
    template, year = p.facts.get("template", ctx.template), p.facts.get("year", ctx.year)
    return f"报告年度为 {year} 年，但表格采用{TEMPLATE_NAMES.get(template or '', template)}，与年度不符。"


def _narrative_mismatch(p: Problem, ctx: Context) -> str:
    sentence, heading = p.facts.get("sentence", ""), p.facts.get("heading", "")
    where = "".join(x for x in (f"第{p.page}页" if p.page else "", f"“{heading}”" if heading else "") if x) or "正文"
    return f"{where}的文字“{sentence}”所说的 {num(p.expected)} 与{cell_name(p, ctx)}的 {num(p.found)} 不一致。"


def _carryover_mismatch(p: Problem, ctx: Context) -> str:
    if p.table == "applications":
        return (f"{table_name('applications')}“二、上年结转政府信息公开申请数量”“{column_label(p, ctx)}”栏为 "
                f"{num(p.found)}，而上一年度报告“四、结转下年度继续办理”为 {num(p.expected)}。")
    return (f"{table_name('proactive')}“{row_label(p, ctx)}”的“上一年项目数量”为 {num(p.found)}，而按上一年度报告"
            f"（上一年项目数量加本年增/减）应为 {num(p.expected)}。")


def _in_force_drift(p: Problem, ctx: Context) -> str:
    return (f"{table_name('proactive')}“{row_label(p, ctx)}”的现行有效件数为 {num(p.found)}，而上一年度报告的现行有效件数"
            f"加本年制发件数、减本年废止件数应为 {num(p.expected)}。")


def _ocr_corrected(p: Problem, ctx: Context) -> str:
    now = ctx.value(p.table or "", p.row or "", p.column or "") if p.row and p.column else p.expected
    return (f"{cell_name(p, ctx)}经文字识别（OCR）读作 {num(p.found)}，改一个字符为 {num(now)} 后表内勾稽关系全部成立，"
            "已按更正后的数值读取，请核对原件。")


def _ocr_uncertain(p: Problem, ctx: Context) -> str:
    return (f"{cell_name(p, ctx)}经文字识别（OCR）读作 {num(p.found)}，识别把握不大或与表内勾稽关系不符，"
            "已保留原读数，请核对原件。")


_UNREAD = {
    "nothing_read": "未读出数字，而该格所在的表内勾稽关系缺此数不能成立",
    "doubtful": "读作“{raw}”，识别把握不大，且与表内勾稽关系不符（换作另一个数则勾稽关系全部成立）",
    "text": "读作“{raw}”，识别把握不大，不是数字",
}


def _ocr_unread(p: Problem, ctx: Context) -> str:
    said = _UNREAD[p.facts["why"]].format(raw=p.facts.get("raw", ""))
    implied = f"（按勾稽关系应为 {num(p.expected)}）" if p.expected is not None else ""
    return (f"{cell_name(p, ctx)}经文字识别（OCR）{said}{implied}；该格按未能读取处理（空值），"
            "所涉勾稽关系不作检查，请核对原件。")


def _unit_converted(p: Problem, ctx: Context) -> str:
    facts = p.facts
    written, unit, fixed = facts.get("written", num(p.found)), facts.get("unit", ""), facts.get("fixed", "")
    return (f"{cell_name(p, ctx)}写作“{written}”，单位为{unit}，而该栏单位为{fixed}；"
            f"已换算为 {num(p.expected)} {fixed}，请核对原件。")


def _quoted(text: str, limit: int = 40) -> str:
    """A section's text as a reviewer quotes it: on one line, cut with … past ``limit`` characters."""
    line = " ".join(text.split())
    return f"“{line[:limit]}…”" if len(line) > limit else f"“{line}”"


def _thin_section(p: Problem, ctx: Context) -> str:
    said = f"只有{_quoted(p.facts['text'])}" if p.facts.get("text") else "为空"
    return (f"第{'一二三四五六'[p.facts['number'] - 1]}部分（存在的主要问题及改进情况）{said}，"
            "年报格式要求写明工作中存在的主要问题和改进措施。")


def _missing_fee_statement(p: Problem, ctx: Context) -> str:
    said = f"写作{_quoted(p.facts['text'])}" if p.facts.get("text") else "为空"
    return (f"第{'一二三四五六'[p.facts['number'] - 1]}部分（其他需要报告的事项）{said}，未说明信息处理费的收取情况"
            "（收取与否均应报告）；2021年版年报格式要求在此报告收取信息处理费情况。")


_FIXED = {  # codes whose sentence says all there is: no fact in it
    "no_values": "报告中有模板的统计表，但没有一个格填有数字：这是空白模板，不是一年数据的报告。",
    "missing_title": "报告没有单独成行的标题，标题留空（机关和年度可能取自开头、网页或落款）。",
    "missing_organization": "标题、开头、网页标题、文件名和落款都没有写明编制报告的机关，机关留空，请人工补充。",
    "missing_year": "标题、统计期限和开头都没有写明报告年度，年度留空，请人工补充。",
    "academic_year": "报告按学年编制（如高等学校信息公开年报），不是政府信息公开年度报告模板，年度留空。",
}


def _fixed(sentence: str) -> Callable[[Problem, Context], str]:
    return lambda p, ctx: sentence


WORDING: dict[str, Callable[[Problem, Context], str]] = {
    **{code: _fixed(sentence) for code, sentence in _FIXED.items()},
    "balance": _balance, "outcome_sum": _outcome_sum, "row_total": _row_total, "review_total": _review_total,
    "missing_section": _missing_section, "missing_table": _missing_table, "missing_row": _missing_row,
    "extra_cells": _extra_cells, "missing_cells": _missing_cells, "not_a_number": _not_a_number,
    "negative_value": _negative_value, "unknown_row": _unknown_row, "glued_digits": _glued_digits,
    "ambiguous_digits": _ambiguous_digits, "blank_cells": _blank_cells,
    "template_year_mismatch": _template_year_mismatch, "narrative_mismatch": _narrative_mismatch,
    "carryover_mismatch": _carryover_mismatch, "in_force_drift": _in_force_drift,
    "ocr_corrected": _ocr_corrected, "ocr_uncertain": _ocr_uncertain, "ocr_unread": _ocr_unread,
    "unit_converted": _unit_converted,
    "thin_section": _thin_section, "missing_fee_statement": _missing_fee_statement,
}


def describe(problem: Problem, ctx: Context | None = None) -> str:
    """The Chinese sentence of one problem; a code without wording falls back to its English message."""
    wording = WORDING.get(problem.code)
    if wording is None:
        return problem.message
    return wording(problem, ctx or Context())


def fill(problems: list[Problem], ctx: Context | None = None) -> list[Problem]:
    """Give every problem that has none its ``message_zh``; returns ``problems``."""
    for problem in problems:
        if not problem.message_zh:
            problem.message_zh = describe(problem, ctx)
    return problems
