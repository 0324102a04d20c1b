"""The other sources of who and when: the opening sentences (with the notices they cite taken
out), a cover, the signature at the end, the first sentence of section 一, the statistics period,
the page's publishing date."""

from __future__ import annotations

import datetime
import re

from ..document import Block, Paragraph
from .names import ORG, ORGAN, PARENT, PARTY, PLACE_ONLY, as_written_org, is_body, is_whole_name
from .text import CLAUSE, HAN, SENTENCE, YEAR, Found, Plain, number_of, sane_year
from .titles import REPORT_WORD, report_word, year_pattern

# a report named inside a sentence, in 《》 or not
_NAMED = rf"\x00?(?P<org>{ORG})?{year_pattern('y')}(?:关于)?{REPORT_WORD}"
_NAMED_YEAR_FIRST = rf"\x00?{year_pattern('yf')}(?P<orgf>{ORG})(?:关于)?{report_word('yf3')}"
# the verbs of an opening sentence that names its report or its author (现公布…, 由…编制)
_AFTER_PUNCTUATION = r"(?:^|(?<=[,，:：;；。\x00]))"
_OPENING = [re.compile(p) for p in (
    rf"(?:(?:现|特|特此|兹|现予|予以)(?:面向社会|向社会)?|{_AFTER_PUNCTUATION}(?:面向社会|向社会)?)"
    rf"(?:公布|发布|公开|编制|制作|印发|形成)(?:了)?(?:{_NAMED}|{_NAMED_YEAR_FIRST})",
    rf"{_AFTER_PUNCTUATION}(?P<org>{ORG})(?:现|特)(?:面向社会|向社会)?(?:公布|发布|公开)(?:了)?\x00?{year_pattern('y')}",
    rf"现将(?:{_NAMED}|{_NAMED_YEAR_FIRST})",
    # the body as the subject: XX局编制了2023年度…报告 / XX局根据《条例》规定编制本报告
    rf"{_AFTER_PUNCTUATION}(?P<orgs>{ORG})(?:特|现|已|今)?(?:编制|制作|编写)(?:了)?"
    rf"(?:本(?:年度)?报告|\x00?{year_pattern('ys')}(?:关于)?{report_word('ys3')})",
    rf"{_AFTER_PUNCTUATION}(?P<orgr>{ORG})(?:根据|依据|按照)[^。]{{0,80}}?(?:编制|制作|编写)(?:了)?本(?:年度)?报告",
    rf"本(?:年度)?报告(?:由|系|是)(?P<compiler>{ORG})(?:根据|依据|按照|结合|综合|汇总|编制|制作|负责|对照|在)",
    rf"由(?P<compiler>{ORG})(?:负责|组织|综合)?(?:编制|制作|汇总|编写|撰写)",
    rf"汇总(?P<org>{ORG}){year_pattern('y')}(?:政府|政务)?信息公开",
    rf"结合(?P<org>{ORG})(?:{YEAR}年度?)?(?:政府|政务)?信息公开(?:工作)?实际",
)]


# the statistics period: 2023年1月1日(起)至2023年12月31日, also with 年 lost in a copy (20231月1日)
_PERIOD = re.compile(
    rf"(?P<year>{YEAR})年?1月1日(?:起)?(?:至|到|—|－|-|~|～)(?:(?P=year)年?)?12月\d{{1,2}}日"
    rf"|(?P<dotted>{YEAR})[./]0?1[./]0?1(?:至|到|—|－|-|~|～)+(?:(?P=dotted)[./])?12[./]\d{{1,2}}"
    rf"|统计(?:期限|时限|时间|区间|周期)(?:为|是|:)?(?:自)?(?P<whole>{YEAR})年度?(?:全年|[。，,;；)）]|$)")


# the subject of section 一's first sentence: 2024年，XX局坚持…
_SUBJECT_VERB = (r"(?:以|坚持|深入|认真|严格|全面|按照|紧紧|始终|持续|积极|紧扣|围绕|高度|不断|进一步|立足|聚焦|把|将|在|"
                 r"结合|着力|大力|扎实|切实|贯彻|依据|根据|主动|加强|推进|继续|紧密|牢固|强化|狠抓|注重|重视|统筹|聚力|锚定|"
                 r"共|全年|着眼|秉持|遵循|认真贯彻|围绕)")


_SUBJECT = re.compile(rf"(?:{YEAR}年度?[,，]?)?(?P<org>[{HAN}()·]{{1,30}}?{ORGAN})(?={_SUBJECT_VERB})")
_SECTION_YEAR = re.compile(rf"(?P<year>{YEAR})年度?(?:[,，]|以来|全年|内|中|里)")
# page furniture: a metadata label before a title, lines and words no title holds
_COVER_DATE = re.compile(rf"{YEAR}年(?:\d{{1,2}}|[一二三四五六七八九十]{{1,2}}|元)月(?:(?:\d{{1,2}}|[一二三四五六七八九十]{{1,3}})日)?")
# a page's publishing date: 发布时间/发布日期; a bare 日期/时间 only where nothing qualifies it (not 统计时间,
# 截止日期, 当前时间, 成文日期)
_PAGE_DATES = [re.compile(label + rf"[:：]?(?P<y>{YEAR})[-./年](?P<m>\d{{1,2}})[-./月](?P<d>\d{{1,2}})")
               for label in (r"发布(?:时间|日期)", r"(?<![计止前文据间])(?:日期|时间)")]


# a signature's date; the year's Chinese numerals are arabic in the plain text already (二〇二四年 -> 2024年)
_DATE = re.compile(rf"(?P<y>{YEAR})年(?P<m>\d{{1,2}}|[一二三四五六七八九十]{{1,2}}|元)月"
                   r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})日")


SIGNATURE_BLOCKS = 12  # blocks at the end a signature may stand in


def from_opening(before: list[Block], sections: list) -> Found | None:
    """Organisation and year from the opening sentences (the notices they cite taken out): the
    first body a pattern names, and the first year. Where a report has no opening, its first
    sentence in section 一 may say the same (现公布我局2023年…报告): its year only is taken."""
    found = Found()
    first = [b for s in sections[:1] for b in s.blocks[:2]] if sections and sections[0].number == 1 else []
    for block in before[:12] + first:
        if not isinstance(block, Paragraph) or not CLAUSE.search(block.text) and len(block.text) < 40:
            continue  # a title or a name line, not a sentence
        plain = Plain.of(block.text)
        text = _without_notices(plain.text)
        for pattern in _OPENING:
            for match in pattern.finditer(text):
                groups = match.groupdict()
                year = next((groups[g] for g in ("y", "y3", "yf", "yf3", "ys", "ys3") if groups.get(g)), None)
                if found.year is None and year:
                    found.year = sane_year(int(year))
                if found.organization is None and block not in first:
                    found.organization = _opening_body(plain, match)
    return found if found.organization or found.year else None


def _opening_body(plain: Plain, match: re.Match) -> str | None:
    """The body an opening names: the report's (现公布XX…报告), or the one whose office compiled it
    (由XX县人民政府办公室编制, 由XX局政务公开工作领导小组办公室编制: the body's report, not its office's)."""
    key = next((k for k in ("org", "orgf", "orgs", "orgr", "compiler") if match.groupdict().get(k)), None)
    if key is None:
        return None
    start, end = match.start(key), match.end(key)
    name = plain.text[start:end]
    if key == "compiler" and re.search(r"(?:办公室|办公厅|办|科|股)$", name):
        # the longest part before the office that is a body's name
        cut = next((cut for cut in range(4, len(name) - 1) if name[cut] not in "员会公室厅府" and
                    PARENT.search(name[:cut]) and is_body(name[:cut])), 0)
        if cut:  # the shortest body's name before the office, with the rest of its name (XX乡 + 人民政府)
            cut += len(re.match(r"(?:人民政府|政府|办事处|管委会|管理委员会|委员会)?", name[cut:]).group(0))
            end = start + cut
            name = name[:cut]
    if not is_body(name):
        return None
    return as_written_org(plain, start, end)


def _without_notices(text: str) -> str:
    """The text with every quoted document that is not a report (《…通知》, 《条例》) blanked out, and
    the 《》 of a quoted report too: each character a NUL (the opening patterns allow one where a
    quote mark stood), so the text keeps its length and positions still map."""
    out = list(text)
    depth, start = 0, -1
    for i, ch in enumerate(text):
        if ch == "《":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "》" and depth:
            depth -= 1
            if depth == 0:
                inner = text[start + 1:i]
                if re.search(r"(?:报告|年报)$", inner):
                    out[start] = out[i] = "\x00"
                else:
                    out[start:i + 1] = "\x00" * (i + 1 - start)
    return "".join(out)


def from_cover(lines: list[str]) -> Found | None:
    """A cover's body: its whole name on a line of its own right above a date line (示例市林业局 /
    2024年1月), among the first lines: as a signature, but on the cover."""
    for line, after in zip(lines, lines[1:]):
        name, date = Plain.of(line).text, Plain.of(after).text
        if _COVER_DATE.fullmatch(date) and len(name) <= 40 and not CLAUSE.search(name) and is_whole_name(line):
            return Found(organization=as_written_org(Plain.of(line), 0, len(name)))
    return None


def from_signature(blocks: list[Block]) -> Found | None:
    """The body and date that sign the report at its end: ``XX局`` over ``2024年1月26日`` (or both on
    one line), perhaps followed by a contact line and the page's furniture."""
    tail = [b for b in blocks[-SIGNATURE_BLOCKS:] if isinstance(b, Paragraph)]
    lines = [((block, i), ln.strip()) for block in tail for i, ln in enumerate(block.lines or (block.text,))
             if ln.strip()]
    dated: Found | None = None  # a date alone on its line, where no body signs above it
    for k, (block, line) in enumerate(lines):
        plain = Plain.of(line)
        date, at = _date_at_end(plain.text)
        if date is None:
            continue
        if at > 0:  # the name and the date on one line
            name_plain, name_block, end = plain, block, at
        elif k > 0:
            name_block, name_plain = lines[k - 1][0], Plain.of(lines[k - 1][1])
            end = len(name_plain.text)
        else:
            name_plain, name_block, end = None, block, 0
        name = name_plain.text[:end] if name_plain is not None else ""
        organization = None
        if 0 < end <= 40 and not SENTENCE.search(name) and is_body(name):
            organization = as_written_org(name_plain, 0, end)
        if organization:
            return Found(organization=organization, published=date, block=name_block)
        if at == 0 and dated is None:
            dated = Found(published=date, block=block)
    return dated


def _date_at_end(text: str) -> tuple[str | None, int]:
    """A date that ends the line (the whole line, or after a name): ISO, and where it starts."""
    for match in _DATE.finditer(text):
        if match.end() == len(text):
            try:
                day = datetime.date(*(number_of(match.group(g)) for g in ("y", "m", "d")))
            except ValueError:
                return None, 0
            return day.isoformat(), match.start()
    return None, 0


def page_date_of(lines: list[str]) -> str | None:
    for pattern in _PAGE_DATES:
        for line in lines:
            match = pattern.search(Plain.of(line).text)
            if match:
                try:
                    return datetime.date(*(int(match.group(g)) for g in ("y", "m", "d"))).isoformat()
                except ValueError:
                    return None
    return None


_SELF = re.compile(r"我(局|委|办|厅|镇|乡|街道|区|县|市|院|中心|部|署|会|所|站|处)")  # how a report calls itself


def from_section_one(sections: list) -> Found | None:
    """The body and year of section 一's first sentences (``2024年，XX局坚持…``)."""
    if not sections or sections[0].number != 1:
        return None
    kinds = set(_SELF.findall(" ".join(b.text for s in sections for b in s.blocks[:20] if isinstance(b, Paragraph))))
    found = Found()
    lines = [ln for b in sections[0].blocks[:4] if isinstance(b, Paragraph) for ln in (b.lines or (b.text,))][:6]
    for line in lines:
        text = Plain.of(line).text
        if len(text) <= 40 and not SENTENCE.search(text):
            continue  # a sub-heading: （一）加强领导
        if found.year is None:
            match = _SECTION_YEAR.match(text)
            found.year = sane_year(int(match.group("year"))) if match else None
        if found.organization is None:
            match = _SUBJECT.match(text)
            org = match.group("org") if match else ""
            # a higher body's name (临川县人民政府 in a report that says 我乡) is not the report's
            if match and is_body(org) and not PLACE_ONLY.fullmatch(org) and not PARTY.search(org) and \
                    (not kinds or any(kind in org[-5:] for kind in kinds)):
                found.organization = as_written_org(Plain.of(line), match.start("org"), match.end("org"))
    return found if found.organization or found.year else None


def statistics_year(blocks: list[Block]) -> Found | None:
    """The report year from the statistics period (a year starting 1 January)."""
    for block in blocks:
        if isinstance(block, Paragraph):
            match = _PERIOD.search(Plain.of(block.text).text)
            if match:
                return Found(year=sane_year(int(match.group("year") or match.group("dotted") or match.group("whole"))))
    return None
