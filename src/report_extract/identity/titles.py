"""Title lines: the wordings of a report's title, found among the first lines of a document (over
one to three lines, printed twice, among page furniture), in a web page's title or a file name."""

from __future__ import annotations

import re
from pathlib import PurePath

from ..document import Block, Table
from .bodies import same_body
from .names import ORG, as_written_org, is_whole_name, navigation_end
from .text import SENTENCE, YEAR, Found, Plain, sane_year


# what a report calls itself after its body and year: 政府信息公开工作年度报告, 政务信息公开工作开展年度报告,
# 信息公开年报, 政府信息公开情况的报告, 政府信息公开工作2024年度报告 …
def report_word(year_group: str) -> str:
    """What a report calls itself after its body and year (政府信息公开工作年度报告, 信息公开年报,
    政府信息公开情况的报告, 政府信息公开工作2024年度报告 …); a year inside it in group ``year_group``."""
    return (r"(?:政务公开(?:暨|和|及|与))?(?:(?:政府|政务|海关)?信息公开|政务公开)(?:工作)?(?:开展)?(?:情况)?(?:的)?"
            rf"(?:(?P<{year_group}>{YEAR})年?度?)?(?:年度工作|工作年度|年度|工作)?(?:报告|年报)")


REPORT_WORD = report_word("y3")


_ACADEMIC = rf"{YEAR}\s*[-—–~～至]\s*(?:{YEAR}|\d{{2}})学年度?"  # universities report by academic year


def year_pattern(name: str) -> str:
    return rf"(?:\(?(?:(?P<{name}>{YEAR})(?:年度|年)?|{_ACADEMIC})\)?)"


# a whole title: [year] [body] [关于] [year] report-word [（2023年度）]
_TITLE = re.compile(rf"(?:关于)?{year_pattern('y1')}?(?P<org>{ORG})?(?:关于)?{year_pattern('y2')}?(?:关于)?{REPORT_WORD}"
                    rf"(?:\((?P<y4>{YEAR})年?度?\))?(?:\((?P<org2>{ORG})\))?")


_LONE_YEAR = re.compile(rf"\(?{YEAR}年度?\)?")
_TITLE_LABEL = re.compile(r"^(?:标题|题名|文章标题|名称)[:：]?")
_CHROME_WORDS = re.compile(r"日期|发布|来源|时间|字号|字体|浏览|作者|索引号|打印|分享|点击|阅读|背景色|关闭")
_PIECE = re.compile(r"[^\s>›»＞/|_•·:：]+")  # a run of a line between what separates a title from furniture
_FILE_SUFFIX = re.compile(r"(?:\.(?:pdf|docx?|wps|txt|md|html?|xhtml|mhtml?|json|ofd|zip|tiff?|png|jpe?g))+$", re.I)
# what separates a page title from the site's name: 标题-示例市人民政府, 标题——网站, 标题--网站
_SITE_SEPARATOR = re.compile(r"\s*(?:--+|—+|–|(?<!\d)-|-(?!\d)|_|\||｜)\s*")
# what a download's name adds after the title: (1), _2, （定稿）, (公开版)
_FILE_MARK = re.compile(r"(?:[(（](?:\d{1,2}|定稿|终稿|最终稿|最终版|公开版|发布版|正式版|修订版|修改稿|送审稿|网页版|全文)[)）]"
                        r"|[_-]\d{1,2})+$")


FIRST_LINES = 30  # lines of the preamble a title may stand in
METADATA_ROWS = 8  # a table before section 一 this short is a page's metadata, not a template table


def preamble_lines(blocks: list[Block]) -> list[str]:
    """The source lines of the first paragraphs (a reader that joined wrapped lines keeps them)."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Table):  # a page's metadata table (标题, 发布日期 …): its cells, as lines
            if len(block.rows) <= METADATA_ROWS:
                out += [cell.text for row in block.rows for cell in row if cell.text.strip()]
            continue
        out += [ln for ln in (block.lines or block.text.split("\n")) if ln.strip()]
        if len(out) >= FIRST_LINES:
            break
    return out[:FIRST_LINES]


def find_title(lines: list[str], opening_org: str | None = None) -> Found | None:
    """The report's title among the title lines of the preamble (one line, or two or three joined):
    the one naming a body and a year (where the opening names a body, the one naming the same body;
    of several, the last: a list of other reports' titles stands before the page's own), else the
    first with a year, else the first."""
    found: list[Found] = []
    i = 0
    while i < len(lines):
        got, used = _title_at(lines, i)
        if got is not None:
            found.append(got)
        i += used
    full = [f for f in found if f.organization and (f.year is not None or f.academic)]
    same = [f for f in full if opening_org and same_body(f.organization, opening_org)]
    if same or full:
        return (same or full)[-1]
    return next((f for f in found if f.year is not None or f.academic), found[0] if found else None)


def read_title(text: str) -> tuple[str | None, str | None, int | None]:
    """(title, organisation, year) of the first title in a text's lines; (None, None, None)."""
    found = find_title([ln for ln in text.split("\n") if ln.strip()])
    return (found.title, found.organization, found.year) if found else (None, None, None)


def _title_at(lines: list[str], i: int) -> tuple[Found | None, int]:
    """The title that starts at line i, and how many lines it takes."""
    got = _title_in_line(lines[i])
    if got is not None:
        if got.year is None and i + 1 < len(lines) and _LONE_YEAR.fullmatch(Plain.of(lines[i + 1]).text):
            joined = _whole_title("\n".join(lines[i:i + 2]))  # （2023年度） on the next line
            if joined is not None and joined.year is not None:
                return joined, 2
        return got, 1
    if not _short(lines[i]):
        return None, 1
    lone_year = _LONE_YEAR.fullmatch(Plain.of(lines[i]).text)  # 2023年度 over the title
    best: tuple[Found | None, int] = (None, 1)
    for n in (2, 3):  # a title broken over lines, mid-phrase
        window = lines[i:i + n]
        if len(window) < n or not all(_short(ln) for ln in window):
            break
        last = _title_in_line(window[-1])
        if last is not None and last.organization and not lone_year and is_whole_name(window[0]):
            break  # a banner (the site's body) over a title naming its own body: not one title
        got = _whole_title("\n".join(window))
        if got is None:
            continue
        if Plain.of(window[0]).text == Plain.of(got.organization or "").text and last is not None:
            got.banner = last  # the body's name alone on the first line: perhaps a site's banner
        best = (got, n)
        if got.year is not None or got.academic:
            break  # else a year may stand on the next line: （2023年度）
    return best


def _short(line: str) -> bool:
    return len(line.strip()) <= 60 and not SENTENCE.search(line)


def _title_in_line(line: str) -> Found | None:
    """A title that is the whole line, or a run of its pieces (furniture and dates beside it)."""
    got = _whole_title(line)
    if got is not None:
        return got
    bounds = [m.span() for m in _PIECE.finditer(line)]
    found = [got for size in (1, 2, 3) for start in range(len(bounds) - size + 1)
             if (got := _whole_title(line[bounds[start][0]:bounds[start + size - 1][1]],
                                     before=line[:bounds[start][0]])) is not None]
    return next((f for f in found if f.year is not None or f.academic), None) or \
        (found[0] if found else _title_then_furniture(line))


def _title_then_furniture(line: str) -> Found | None:
    """A title glued to the furniture after it (…年度报告日期:2021-01-29)."""
    plain = Plain.of(line)
    for match in _TITLE.finditer(plain.text):
        if match.start() == 0 and _CHROME_WORDS.match(plain.text, match.end()):
            return _from_title(plain, match)
    return None


def _whole_title(text: str, before: str = "") -> Found | None:
    plain = Plain.of(text)
    start = _TITLE_LABEL.match(plain.text)
    offset = start.end() if start else 0
    body = plain.text[offset:]
    if not body or len(body) > 80:
        return None
    half = len(body) // 2
    if len(body) % 2 == 0 and body[:half] == body[half:]:  # printed twice, back to back
        body = body[:half]
    match = _TITLE.fullmatch(body)
    if match is None:
        return None
    return _from_title(plain, match, offset, Plain.of(before).text)


def _from_title(plain: Plain, match: re.Match, offset: int = 0, before: str = "") -> Found | None:
    """The title a match found, with its body and year; None where what stands in the body's place
    is not a name (page furniture glued before a title is cut off first)."""
    text = match.string
    start = match.start()
    named = match.group("org") not in (None, "政府", "政务", "人民政府")  # 2020年政府信息公开…: 政府 is the report's
    org_start, org_end = (match.start("org"), match.end("org")) if named else (-1, -1)
    if org_start < 0 and match.group("org2"):  # …年度报告（示例市林业局）: the body after the title
        org_start, org_end = match.start("org2"), match.end("org2")
    elif org_start >= 0:
        cut = navigation_end(text[org_start:org_end], before + text[:org_start])
        if cut:  # the title starts where the navigation ends
            org_start += cut
            while org_start < org_end and text[org_start] in "·)":
                org_start += 1
            start = org_start
        if org_end > org_start and text[org_start:org_end].endswith("人民") and text.startswith("政府", org_end):
            org_end += 2  # 上海市杨浦区人民政府信息公开…: 政府 is the name's and the report word's
    organization = None
    if org_end > org_start >= 0:
        organization = as_written_org(plain, offset + org_start, offset + org_end)
        if organization is None:
            return None
    year = next((int(match.group(g)) for g in ("y1", "y2", "y3", "y4") if match.group(g)), None)
    academic = bool(re.search(_ACADEMIC, match.group(0)))
    if organization is None and year is None and not academic:
        return None  # 政府信息公开年报 alone: a column's name, not a report's title
    return Found(title=plain.span(offset + start, offset + match.end()), organization=organization,
                  year=sane_year(year), academic=academic)


def title_hint(text: str | None) -> Found | None:
    """A title the container or the file name gives, among the site's name and separators."""
    if not text:
        return None
    parts = [p for p in _SITE_SEPARATOR.split(text) if p.strip()]
    return next((got for part in parts if (got := _title_in_line(part)) is not None), None)


def file_stem(name: str) -> str:
    stem = _FILE_SUFFIX.sub("", PurePath(name.replace("\\", "/")).name)
    return _FILE_MARK.sub("", stem)


def mentions_academic(lines: list[str]) -> bool:
    return any(re.search(_ACADEMIC, Plain.of(ln).text) for ln in lines[:8])
