"""The national templates as data: tables, rows, columns and their Chinese labels.

Only this module knows the labels of the template; every other stage asks it. The canonical keys
are the contract of ``shared/spec/SCHEMA.md``; they never change without a new schema version.
A new template version is one more set of specs here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from .labels import split_ordinal

COUNT = "count"  # integer >= 0
SIGNED = "signed"  # integer, may be negative (本年增/减)
MONEY = "money"  # decimal >= 0


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = COUNT


@dataclass(frozen=True)
class Row:
    key: str
    label: str  # the leaf label as the template prints it
    group: str = ""  # the group label the row stands under (（三）不予公开 …)
    columns: tuple[Column, ...] = ()  # empty: the table's columns
    # a row kept only by reports that mix template versions; when it is matched, the rows it
    # replaces are reported missing (a v2021 report with the v2019 single （六）其他处理 row)
    replaces: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    key: str
    title: str
    rows: tuple[Row, ...]
    columns: tuple[Column, ...] = ()
    header_words: tuple[str, ...] = ()  # header labels: recognise the table, never data rows
    ordered: bool = True  # labels repeat (1. 2. … in every group): rows are matched in order

    def columns_of(self, row: Row) -> tuple[Column, ...]:
        return row.columns or self.columns


@dataclass(frozen=True)
class Template:
    key: str
    tables: tuple[TableSpec, ...]
    signature: tuple[str, ...] = field(default=())  # header words only this version prints

    def table(self, key: str) -> TableSpec:
        return next(t for t in self.tables if t.key == key)


# --- 二、主动公开政府信息情况 -------------------------------------------------------------
PROACTIVE_LABEL_HEADER = "信息内容"  # the header over the row labels of table 二
_V21_DOCS = (Column("issued", "本年制发件数"), Column("repealed", "本年废止件数"), Column("in_force", "现行有效件数"))
_V21_DECISIONS = (Column("decisions", "本年处理决定数量"),)
PROACTIVE_V2021 = TableSpec(
    key="proactive",
    title="主动公开政府信息情况",
    rows=(
        Row("rules", "规章", "第二十条第（一）项", _V21_DOCS),
        Row("normative_documents", "行政规范性文件", "第二十条第（一）项", _V21_DOCS),
        Row("administrative_licensing", "行政许可", "第二十条第（五）项", _V21_DECISIONS),
        Row("administrative_penalty", "行政处罚", "第二十条第（六）项", _V21_DECISIONS),
        Row("administrative_coercion", "行政强制", "第二十条第（六）项", _V21_DECISIONS),
        Row("administrative_fees", "行政事业性收费", "第二十条第（八）项",
            (Column("amount_10k_yuan", "本年收费金额（单位：万元）", MONEY),)),
    ),
    header_words=(PROACTIVE_LABEL_HEADER, "本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量",
                  "本年收费金额（单位：万元）"),
    ordered=False,
)

_V19_DOCS = (Column("newly_made", "本年新制作数量"), Column("newly_published", "本年新公开数量"),
             Column("total_published", "对外公开总数量"))
_V19_ITEMS = (Column("prior_year_items", "上一年项目数量"), Column("net_change", "本年增/减", SIGNED),
              Column("decisions", "处理决定数量"))
PROACTIVE_V2019 = TableSpec(
    key="proactive",
    title="主动公开政府信息情况",
    rows=(
        Row("rules", "规章", "第二十条第（一）项", _V19_DOCS),
        Row("normative_documents", "规范性文件", "第二十条第（一）项", _V19_DOCS),
        Row("administrative_licensing", "行政许可", "第二十条第（五）项", _V19_ITEMS),
        Row("other_external_services", "其他对外管理服务事项", "第二十条第（五）项", _V19_ITEMS),
        Row("administrative_penalty", "行政处罚", "第二十条第（六）项", _V19_ITEMS),
        Row("administrative_coercion", "行政强制", "第二十条第（六）项", _V19_ITEMS),
        Row("administrative_fees", "行政事业性收费", "第二十条第（八）项", _V19_ITEMS[:2]),
        Row("centralized_procurement", "政府集中采购", "第二十条第（九）项",
            (Column("procurement_items", "采购项目数量"), Column("procurement_amount", "采购总金额", MONEY))),
    ),
    header_words=(PROACTIVE_LABEL_HEADER, "本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量",
                  "本年增/减", "处理决定数量", "采购项目数量", "采购总金额"),
    ordered=False,
)

# --- 三、收到和处理政府信息公开申请情况 -------------------------------------------------------
APPLICANT_COLUMNS = (
    Column("natural_person", "自然人"),
    Column("commercial_enterprise", "商业企业"),
    Column("research_institution", "科研机构"),
    Column("social_welfare_org", "社会公益组织"),
    Column("legal_service_agency", "法律服务机构"),
    Column("other_org", "其他"),
    Column("total", "总计"),
)
OUTCOME_GROUP = "三、本年度办理结果"
_HEAD_ROWS = (
    Row("new_received", "一、本年新收政府信息公开申请数量"),
    Row("carried_over", "二、上年结转政府信息公开申请数量"),
    Row("disclosed", "（一）予以公开", OUTCOME_GROUP),
    Row("partially_disclosed", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", OUTCOME_GROUP),
    Row("withheld_state_secret", "1.属于国家秘密", "（三）不予公开"),
    Row("withheld_prohibited_by_law", "2.其他法律行政法规禁止公开", "（三）不予公开"),
    Row("withheld_security_stability", "3.危及“三安全一稳定”", "（三）不予公开"),
    Row("withheld_third_party_rights", "4.保护第三方合法权益", "（三）不予公开"),
    Row("withheld_internal_affairs", "5.属于三类内部事务信息", "（三）不予公开"),
    Row("withheld_process_info", "6.属于四类过程性信息", "（三）不予公开"),
    Row("withheld_enforcement_case_file", "7.属于行政执法案卷", "（三）不予公开"),
    Row("withheld_administrative_query", "8.属于行政查询事项", "（三）不予公开"),
    Row("unable_not_held", "1.本机关不掌握相关政府信息", "（四）无法提供"),
    Row("unable_needs_creation", "2.没有现成信息需要另行制作", "（四）无法提供"),
    Row("unable_unclear_after_correction", "3.补正后申请内容仍不明确", "（四）无法提供"),
    Row("not_processed_petition_complaint", "1.信访举报投诉类申请", "（五）不予处理"),
    Row("not_processed_duplicate", "2.重复申请", "（五）不予处理"),
    Row("not_processed_publication", "3.要求提供公开出版物", "（五）不予处理"),
    Row("not_processed_excessive_repeated", "4.无正当理由大量反复申请", "（五）不予处理"),
    Row("not_processed_confirm_or_reissue", "5.要求行政机关确认或重新出具已获取信息", "（五）不予处理"),
)
_OTHER_SUBROWS = (
    Row("other_no_correction_overdue",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "（六）其他处理"),
    Row("other_fee_unpaid",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "（六）其他处理"),
    Row("other_misc", "3.其他", "（六）其他处理"),
)
_TAIL_ROWS = (
    Row("outcome_total", "（七）总计", OUTCOME_GROUP),
    Row("carried_forward", "四、结转下年度继续办理"),
)
# the header of table 三: its note on the relations of the rows, and the groups over its columns
APPLICATIONS_NOTE = "本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和"
APPLICANTS_GROUP = "申请人情况"  # over every column
LEGAL_PERSONS_GROUP = "法人或其他组织"  # over the columns between 自然人 and 总计
APPLICATIONS_HEADER = (APPLICATIONS_NOTE, APPLICANTS_GROUP, APPLICANT_COLUMNS[0].label, LEGAL_PERSONS_GROUP,
                       *(c.label for c in APPLICANT_COLUMNS[1:]))
APPLICATIONS_V2021 = TableSpec(
    key="applications",
    title="收到和处理政府信息公开申请情况",
    rows=_HEAD_ROWS
    + (Row("other", "（六）其他处理", OUTCOME_GROUP, replaces=tuple(r.key for r in _OTHER_SUBROWS)),)
    + _OTHER_SUBROWS
    + _TAIL_ROWS,
    columns=APPLICANT_COLUMNS,
    header_words=APPLICATIONS_HEADER,
)
APPLICATIONS_V2019 = TableSpec(
    key="applications",
    title="收到和处理政府信息公开申请情况",
    rows=_HEAD_ROWS + (Row("other", "（六）其他处理", OUTCOME_GROUP),) + _TAIL_ROWS,
    columns=APPLICANT_COLUMNS,
    header_words=APPLICATIONS_HEADER,
)
OUTCOME_ROWS = tuple(r.key for r in APPLICATIONS_V2021.rows[2:-2])  # every row of 三、本年度办理结果 but 总计

# --- 四、政府信息公开行政复议、行政诉讼情况 -------------------------------------------------------
REVIEW_COLUMNS = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计"),
)
REVIEW = TableSpec(
    key="review_litigation",
    title="政府信息公开行政复议、行政诉讼情况",
    rows=(
        Row("administrative_review", "行政复议"),
        Row("litigation_direct", "未经复议直接起诉", "行政诉讼"),
        Row("litigation_after_review", "复议后起诉", "行政诉讼"),
    ),
    columns=REVIEW_COLUMNS,
    header_words=("行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计",
                  "未经复议直接起诉", "复议后起诉"),
)

V2021 = Template("v2021", (PROACTIVE_V2021, APPLICATIONS_V2021, REVIEW),
                 signature=("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额"))
V2019 = Template("v2019", (PROACTIVE_V2019, APPLICATIONS_V2019, REVIEW),
                 signature=("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减",
                            "第二十条第（九）项", "政府集中采购", "采购项目数量"))
BY_KEY = {"v2021": V2021, "v2019": V2019}


def template_for_year(year: int | None) -> str:
    """The version a report of this year should use (TEMPLATES.md §0), the fallback of detection."""
    if year is None:
        return "unknown"
    if year <= 2018:
        return "pre2019"
    return "v2019" if year <= 2020 else "v2021"


@lru_cache(maxsize=1)
def _label_words() -> frozenset[str]:
    """Every label a template prints (rows, groups, column headers), compacted, without ordinal."""
    texts = set()
    for template in BY_KEY.values():
        for table in template.tables:
            texts.update(table.header_words)
            for row in table.rows:
                texts.update(c.label for c in table.columns_of(row))
                texts.update((row.label, row.group))
    return frozenset(split_ordinal(text)[1] for text in texts if text)


@lru_cache(maxsize=4096)
def ends_label(text: str, more: str) -> bool:
    """Whether ``text`` is a whole label of a template and ``text`` with ``more`` after it begins
    none: the text below a label set in a narrow column is another label's, not its own wrapped
    (二、上年结转政府信息公开申请数量 ends; 三 under it begins 三、本年度办理结果)."""
    whole = split_ordinal(text)[1]
    if whole not in _label_words():
        return False
    joined = split_ordinal(text + more)[1]
    return not any(label.startswith(joined) for label in _label_words())


@lru_cache(maxsize=4096)
def begins_label(text: str) -> bool:
    """Whether ``text`` is the start of a label: numbered, or the first words of a label of a
    template (规章, 2.重复申请 — not 国家秘密, the end of 1.属于国家秘密 cut by a page break)."""
    ordinal, rest = split_ordinal(text)
    return ordinal is not None or any(label.startswith(rest) for label in _label_words() if rest)


# --- 六 sections ---------------------------------------------------------------------------
SECTION_KEYS = ("general", "proactive", "applications", "review_litigation", "issues_and_improvements",
                "other_matters")
# each section's heading as the national format words it, after its numeral
SECTION_TITLES = dict(zip(SECTION_KEYS, ("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
                                         "政府信息公开行政复议、行政诉讼情况", "存在的主要问题及改进情况",
                                         "其他需要报告的事项")))
SECTION_TABLES = {"proactive": "proactive", "applications": "applications",
                  "review_litigation": "review_litigation"}


def iter_fields():
    """Every canonical flat key with its Chinese labels, for `report-extract fields`."""
    seen = set()
    for template in (V2021, V2019):
        for table in template.tables:
            for row in table.rows:
                for col in table.columns_of(row):
                    key = f"{table.key}.{row.key}.{col.key}"
                    if key in seen:
                        continue
                    seen.add(key)
                    versions = [t.key for t in (V2021, V2019)
                                if any(r.key == row.key and col in t.table(table.key).columns_of(r)
                                       for r in t.table(table.key).rows)]
                    yield {"field": key, "table": table.title, "row": (row.group + " " + row.label).strip(),
                           "column": col.label, "kind": col.kind, "templates": versions}
