"""Finding the numbered sections 一…六 (the title, organisation and year are identity.py's).

A heading is accepted only when its words match a section's heading patterns (TEMPLATES.md §1.2):
inside table 三 the rows ``一、本年新收…`` … ``四、结转下年度继续办理`` look like headings by their
ordinals alone. Headings may stand inside a paragraph (web-page text that lost its line breaks);
such paragraphs are cut at the heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .document import Block, Document, Paragraph
from .labels import (
    CN_DIGITS,
    CN_NUMBER,
    CN_ORDINAL,
    MATCH,
    ORDINAL,
    PARAGRAPH_END,
    SENTENCE_END,
    core,
    nfkc,
    similarity,
    simplified,
)
from .templates import SECTION_TITLES

_ORD = rf"(?:{CN_ORDINAL}|第{CN_NUMBER}部分[、.．:：]?)\s*"  # 一、 第一部分
# phrases per section; the first that matches names the section
SECTION_PATTERNS: dict[str, str] = {
    "general": (r"(?:政府信息公开)?(?:工作)?总体(?:工作)?(?:公开)?(?:工作)?情况(?:说明|概述)?|概述|概况"
                r"|(?:工作)?基本(?:工作)?情况|主要工作概述"
                r"|(?:政府信息(?:和|与|及)政务公开|政务公开|政府信息公开)(?:的)?(?:主要)?工作(?:开展)?情况"),
    "proactive": r"主动公开政府信息(?:的)?情况|主动公开(?:工作)?情况",
    "applications": r"收到和处理政府信息公开申请(?:的)?情况|依申请公开(?:政府信息)?(?:工作)?(?:的)?情况",
    "review_litigation": (
        r"(?:因)?(?:政府信息公开)?(?:工作)?(?:被)?(?:申请)?行政法?复议\s*[、和及与]?\s*(?:提起)?行政诉讼(?:的)?情况"
    ),
    "issues_and_improvements": (
        r"(?:政府信息公开)?(?:工作)?(?:中)?存在(?:的)?(?:主要)?(?:问题|不足)(?:及|和|与|以及)?(?:其)?(?:改进|整改)"
        r"(?:的)?(?:情况|措施|方向|举措|计划|思路)"
    ),
    "other_matters": r"其他需要报告的事项|其他(?:需要说明的)?事项",
}
SECTION_NUMBER = {key: i + 1 for i, key in enumerate(SECTION_PATTERNS)}
HEADING = re.compile(
    _ORD + r"(?P<phrase>" + "|".join(f"(?P<{k}>{p})" for k, p in SECTION_PATTERNS.items()) + ")"
)
_STRAY = r"[、，,。.:：;；]*"  # 一、总体情况、 (punctuation a page left after the heading)
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
        for match in HEADING.finditer(simplified(text)):  # same length: the spans are the text's
            if not _heading_ok(text, match):
                continue
            before = text[pos:match.start()].strip()
            if before:
                out.append(Paragraph(before, block.page))
            out.append(Paragraph(text[match.start():match.end()].strip(), block.page, heading=True))
            pos = match.end()
        if pos == 0:
            out.append(block)  # no heading in it: kept whole, with its source lines
            continue
        rest = text[pos:].strip()
        if rest:
            out.append(Paragraph(rest, block.page))
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
        match = _heading_line(block.text) if isinstance(block, Paragraph) else None
        if match:
            key = section_key(match)
            if not sections or SECTION_NUMBER[key] > sections[-1].number:
                sections.append(SectionSpan(key, SECTION_NUMBER[key], block.text.strip(), [], block.page))
                continue
        (sections[-1].blocks if sections else before).append(block)
    return Outline(before, sections)


def _heading_line(text: str) -> re.Match | None:
    """The heading a whole paragraph is (stray punctuation after it allowed), or None."""
    squeezed = simplified(_SPACE.sub("", nfkc(text)))
    match = HEADING.match(squeezed)
    if match and re.fullmatch(_STRAY, squeezed[match.end():]):
        return match
    return None


# what may stand before a heading's words on a line OCR read: its numeral (the comma after it lost or
# not), or one character OCR put for the numeral before the comma (匹、), or nothing (the numeral lost)
_DAMAGED_ORDINAL = re.compile(rf"^\s*(?:(?P<numeral>{CN_NUMBER})\s*[、.．，,]?|[^\s{CN_DIGITS}\d（(]\s*[、.．，,])?\s*")
# the words of a damaged heading are about as long as the title they name: a character or three lost
# or added (never more than the title where no numeral was read: a caption that goes on, 行政诉讼情况统计),
# never a sentence that quotes it
TITLE_SLACK = 3


def named_heading(text: str) -> str | None:
    """The section heading a line of OCR text names, where OCR damaged it past ``HEADING``: its words
    score at least ``labels.MATCH`` against a section's title as the national format words it (the
    tolerance of the table's row labels: a character confused, 情祝 for 情况), they are about as long
    (``TITLE_SLACK``), and a numeral read before them is that section's (the numeral may be lost, or
    misread as another character before the comma). Returns the heading as the format writes it, its
    numeral restored from the words (五、存在的主要问题及改进情况), or None."""
    head = _DAMAGED_ORDINAL.match(text)
    words = core(text[head.end():])
    if not words or text.rstrip().endswith(SENTENCE_END):
        return None
    key = max(SECTION_TITLES, key=lambda k: similarity(words, SECTION_TITLES[k]))
    title, number, numeral = SECTION_TITLES[key], SECTION_NUMBER[key], head.group("numeral")
    longest = len(core(title)) + (TITLE_SLACK if numeral else 0)
    if similarity(words, title) < MATCH or not len(core(title)) - TITLE_SLACK <= len(words) <= longest:
        return None
    if numeral and numeral != CN_DIGITS[number - 1]:
        return None
    return f"{CN_DIGITS[number - 1]}、{title}"


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


def _continues(previous: str, text: str) -> bool:
    if ORDINAL.match(previous) and len(previous) <= 40:  # a numbered subheading stands alone
        return False
    return len(previous) >= 20 and not previous.endswith(PARAGRAPH_END) and not ORDINAL.match(text)
