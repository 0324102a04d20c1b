"""Finding the numbered sections 一…六, the title, the organisation and the year.

A heading is accepted only when its words match a section's heading patterns (TEMPLATES.md §1.2):
inside table 三 the rows ``一、本年新收…`` … ``四、结转下年度继续办理`` look like headings by their
ordinals alone. Headings may stand inside a paragraph (web-page text that lost its line breaks);
such paragraphs are cut at the heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .document import Block, Document, Paragraph
from .labels import nfkc

_ORD = r"(?:[一二三四五六七八九十]{1,2}\s*[、.．]|第[一二三四五六七八九十]{1,2}部分[、.．:：]?)\s*"
# phrases per section; the first that matches names the section
SECTION_PATTERNS: dict[str, str] = {
    "general": r"(?:政府信息公开)?总体(?:工作)?情况|概述|概况|基本(?:工作)?情况|主要工作概述",
    "proactive": r"主动公开政府信息(?:的)?情况|主动公开(?:工作)?情况",
    "applications": r"收到和处理政府信息公开申请(?:的)?情况|依申请公开(?:政府信息)?(?:工作)?(?:的)?情况",
    "review_litigation": (
        r"(?:因)?(?:政府信息公开)?(?:工作)?(?:被)?(?:申请)?行政法?复议\s*[、和及与]?\s*(?:提起)?行政诉讼(?:的)?情况"
    ),
    "issues_and_improvements": (
        r"(?:政府信息公开)?(?:工作)?(?:中)?存在(?:的)?(?:主要)?问题(?:及|和|与)?(?:其)?改进(?:情况|措施|方向)"
    ),
    "other_matters": r"其他需要报告的事项|其他(?:需要说明的)?事项",
}
SECTION_NUMBER = {key: i + 1 for i, key in enumerate(SECTION_PATTERNS)}
HEADING = re.compile(
    _ORD + r"(?P<phrase>" + "|".join(f"(?P<{k}>{p})" for k, p in SECTION_PATTERNS.items()) + ")"
)
_TERMINAL = tuple("。！？；：!?;:”」』）)…")
_SPACE = re.compile(r"\s+")


@dataclass
class SectionSpan:
    key: str
    number: int
    heading: str
    blocks: list[Block]  # the blocks after the heading, up to the next section
    page: int | None


@dataclass
class Outline:
    before: list[Block]  # blocks before the first section (title, preamble)
    sections: list[SectionSpan]


def split_headings(doc: Document) -> list[Block]:
    """The document's blocks with every section heading in a paragraph of its own."""
    out: list[Block] = []
    for block in doc.blocks:
        if not isinstance(block, Paragraph):
            out.append(block)
            continue
        text = block.text
        pos = 0
        for match in HEADING.finditer(text):
            if not _heading_ok(text, match):
                continue
            before = text[pos:match.start()].strip()
            if before:
                out.append(Paragraph(before, block.page))
            out.append(Paragraph(match.group(0).strip(), block.page, heading=True))
            pos = match.end()
        rest = text[pos:].strip()
        if rest:
            out.append(Paragraph(rest, block.page, heading=block.heading and pos == 0))
    return out


def _heading_ok(text: str, match: re.Match) -> bool:
    """A heading is not a quotation of one (《…》, “…”): the phrases are specific enough that any
    other occurrence, even glued to the text before it, starts a section."""
    return match.start() == 0 or text[match.start() - 1] not in "《“‘「『\"'"


def section_key(match: re.Match) -> str:
    return next(k for k in SECTION_PATTERNS if match.group(k))


def outline(blocks: list[Block]) -> Outline:
    """Accept headings in document order, each of a later section than the one before."""
    before: list[Block] = []
    sections: list[SectionSpan] = []
    for block in blocks:
        match = HEADING.fullmatch(_SPACE.sub("", nfkc(block.text))) if isinstance(block, Paragraph) else None
        if match:
            key = section_key(match)
            if not sections or SECTION_NUMBER[key] > sections[-1].number:
                sections.append(SectionSpan(key, SECTION_NUMBER[key], block.text.strip(), [], block.page))
                continue
        (sections[-1].blocks if sections else before).append(block)
    return Outline(before, sections)


def repair_text(paragraphs: list[Paragraph]) -> str:
    """Section prose: a sentence broken by a page break (a paragraph that stops without its
    closing punctuation, followed by one that goes on) is joined again."""
    out: list[str] = []
    for para in paragraphs:
        text = para.text.strip()
        if not text:
            continue
        if out and _continues(out[-1], text):
            out[-1] = out[-1] + text
        else:
            out.append(text)
    return "\n".join(out)


_ITEM = re.compile(r"^(?:[一二三四五六七八九十]{1,2}[、.．]|[（(][一二三四五六七八九十\d]{1,2}[)）]|\d{1,2}[、.．](?!\d))")


def _continues(previous: str, text: str) -> bool:
    if _ITEM.match(previous) and len(previous) <= 40:  # a numbered subheading stands alone
        return False
    return len(previous) >= 20 and not previous.endswith(_TERMINAL) and not _ITEM.match(text)


# --- title, organisation, year ----------------------------------------------------------------
_ORG = r"[\u4e00-\u9fff（）()·0-9]{2,40}?"  # digits too: 第8街道, 第2中学
_YEAR = r"(?P<year>(?:19|20)\d{2})\s*年度?"
_REPORT = r"政府信息公开(?:工作)?年度报告"
_YEAR_FIRST = re.compile(_YEAR + r"(?P<org>" + _ORG + r")" + _REPORT)
_ORG_FIRST = re.compile(r"(?P<org>[\u4e00-\u9fff（）()·][\u4e00-\u9fff（）()·0-9]{1,39}?)" + _YEAR + _REPORT)


# the year after the title: XX局政府信息公开工作年度报告（2023年度）
_YEAR_AFTER = re.compile(r"(?P<org>[\u4e00-\u9fff（）()·][\u4e00-\u9fff（）()·0-9]{1,39}?)" + _REPORT
                         + r"[(（]" + _YEAR + r"[)）]")
# the statistics period the preamble states: 2023年1月1日起至2023年12月31日
_PERIOD = re.compile(r"(?P<year>(?:19|20)\d{2})年1月1日(?:起)?至(?:(?P=year)年)?12月31日")


_CN_YEAR = re.compile(r"[〇零一二三四五六七八九]{4}(?=年)")
_CN_DIGIT = {ch: str(i) for i, ch in enumerate("〇一二三四五六七八九")} | {"零": "0"}


def _arabic_years(text: str) -> str:
    """二〇二三年 -> 2023年: some titles write the year in Chinese numerals."""
    return _CN_YEAR.sub(lambda m: "".join(_CN_DIGIT[ch] for ch in m.group(0)), text)


def find_title(candidates: list[str]) -> tuple[str | None, str | None, int | None]:
    """(title, organisation, year) from the first text that holds a report title."""
    for text in candidates:
        squeezed = _arabic_years(_SPACE.sub("", nfkc(text)))
        for pattern in (_YEAR_FIRST, _ORG_FIRST, _YEAR_AFTER):
            match = pattern.search(squeezed)
            if match:
                cut = _navigation_end(match.group("org"), squeezed[:match.start("org")])
                org = re.sub(r"(关于|的)$", "", match.group("org")[cut:].strip("（()）·"))
                whole = text.strip()
                if cut:  # the title starts where the navigation ends
                    title = squeezed[match.start("org") + cut:match.end()].lstrip("·")
                else:
                    title = whole if _arabic_years(_SPACE.sub("", nfkc(whole))) == match.group(0) else match.group(0)
                return title, org if len(org) >= 2 else None, int(match.group("year"))
    return None, None, None


# a page's navigation saved before the title (首页 > 政务公开 > 政府信息公开年报 > …, or the same
# words glued): it starts with 首页 or 当前位置, and its column names end in these words
_NAVIGATION_START = re.compile(r"^(?:[您你]?(?:当前|现在)?(?:的|所在)?位置[:：]?)?首页|^[您你]?(?:当前|现在)(?:的|所在)?位置")
_NAVIGATION_BEFORE = re.compile(r"(?:首页|位置)[^\u4e00-\u9fff]{0,3}$")
_NAVIGATION_WORD = re.compile(r"首页|公开|年报|年度报告|专栏|目录|内容|栏目")
# what a body's name cannot be alone (办公室), or begin with (与数据管理局)
_BODY_TYPE = re.compile(r"(?:管理|服务|工作|领导小组)?(?:办公室|办|局|中心|委员会|委|处|科|所|站|队|政府|人民政府|办事处)")
_CONJUNCTION = ("与", "和", "及", "暨", "、")


def _navigation_end(org: str, before: str) -> int:
    """Where the navigation before an organisation's name ends (0: there is none). No body's name
    starts with 首页 or 当前位置 (nor follows them, ``位置：政务公开>…``); the name begins after the
    last column name of the trail."""
    if not (_NAVIGATION_START.match(org) or _NAVIGATION_BEFORE.search(before)):
        return 0
    ends = [m.end() for m in _NAVIGATION_WORD.finditer(org)]
    # glued, a trail's last column name and a name holding the same word (政务公开办公室) meet: the
    # name starts at the last column end that leaves a name, not a body-type word or a conjunction
    return next((end for end in reversed(ends) if _is_name(org[end:])), max(ends, default=0))


def _is_name(rest: str) -> bool:
    """Whether what follows a column name can be the body's name: nothing (a title without one),
    or a name that is not a body-type word alone nor begins with a conjunction."""
    rest = re.sub(r"(关于|的)$", "", rest.strip("（()）·"))
    return not rest or not _BODY_TYPE.fullmatch(rest) and not rest.startswith(_CONJUNCTION)


def find_year(texts: list[str]) -> int | None:
    """The report year from the statistics period of the preamble, where no title gives it."""
    for text in texts:
        match = _PERIOD.search(_SPACE.sub("", nfkc(text)))
        if match:
            return int(match.group("year"))
    return None
