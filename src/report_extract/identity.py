"""Who and when: the report's title, organisation, year and publishing date, and the body key.

Each value comes from what the document states, in this order of trust:

1. a **title line** near the top (over one, two or three lines; printed twice; among page furniture);
2. the **opening sentences** before section 一 (``现公布XX2023年…报告``, ``由XX编制``), with the notices
   they cite (``《XX办公厅关于做好…的通知》``) taken out first;
3. the **container's own title** (a web page's ``<title>`` or ``ArticleTitle``, a crawler's header);
4. the **file name** (downloads are often named by the report's title);
5. the **signature** at the report's end (``XX局`` over ``2024年1月26日``);
6. the **first sentence of section 一** (``2024年，XX局坚持…``);
7. for the year only, the **statistics period** (``统计期限为2023年1月1日至2023年12月31日``), which comes
   right after the title.

Every value records the source that gave it (``found_in``). Nothing here guesses: a value that no
source states is None, with a problem that says so. The publishing date is never the year.

Wordings (report words, opening verbs, page furniture, body suffixes) are data at the top; the
functions combine them. Text is matched in simplified script with no whitespace, and given back as
written: a span of the plain text maps back to the text it came from.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import PurePath

from .document import Block, Paragraph, Table
from .labels import SENTENCE_MARKS, nfkc, simplified
from .model import Problem

# --- wordings -----------------------------------------------------------------------------------
_HAN = r"\u4e00-\u9fff"
_YEAR = r"(?:19|20)\d{2}"
# what a report calls itself after its body and year: 政府信息公开工作年度报告, 政务信息公开工作开展年度报告,
# 信息公开年报, 政府信息公开情况的报告, 政府信息公开工作2024年度报告 …
_REPORT_WORD = (r"(?:政务公开(?:暨|和|及|与))?(?:(?:政府|政务|海关)?信息公开|政务公开)(?:工作)?(?:开展)?(?:情况)?(?:的)?"
                rf"(?:(?P<y3>{_YEAR})年?度?)?(?:年度工作|工作年度|年度|工作)?(?:报告|年报)")
_ACADEMIC = rf"{_YEAR}\s*[-—–~～至]\s*(?:{_YEAR}|\d{{2}})学年度?"  # universities report by academic year
_ORG = rf"(?:[{_HAN}()·]|(?<=[第\d])\d){{2,40}}?"  # digits only after 第: 第8街道办事处


def _year(name: str) -> str:
    return rf"(?:\(?(?:(?P<{name}>{_YEAR})(?:年度|年)?|{_ACADEMIC})\)?)"


# a whole title: [year] [body] [关于] [year] report-word [（2023年度）]
_TITLE = re.compile(rf"(?:关于)?{_year('y1')}?(?P<org>{_ORG})?(?:关于)?{_year('y2')}?(?:关于)?{_REPORT_WORD}"
                    rf"(?:\((?P<y4>{_YEAR})年?度?\))?(?:\((?P<org2>{_ORG})\))?")
# a report named inside a sentence, in 《》 or not
_NAMED = rf"\x00?(?P<org>{_ORG})?{_year('y')}(?:关于)?{_REPORT_WORD}"
_NAMED_YEAR_FIRST = rf"\x00?{_year('yf')}(?P<orgf>{_ORG})(?:关于)?{_REPORT_WORD.replace('y3', 'yf3')}"
# the verbs of an opening sentence that names its report or its author (现公布…, 由…编制)
_AFTER_PUNCTUATION = r"(?:^|(?<=[,，:：;；。\x00]))"
_OPENING = [re.compile(p) for p in (
    rf"(?:(?:现|特|特此|兹|现予|予以)(?:面向社会|向社会)?|{_AFTER_PUNCTUATION}(?:面向社会|向社会)?)"
    rf"(?:公布|发布|公开|编制|制作|印发|形成)(?:了)?(?:{_NAMED}|{_NAMED_YEAR_FIRST})",
    rf"{_AFTER_PUNCTUATION}(?P<org>{_ORG})(?:现|特)(?:面向社会|向社会)?(?:公布|发布|公开)(?:了)?\x00?{_year('y')}",
    rf"现将(?:{_NAMED}|{_NAMED_YEAR_FIRST})",
    # the body as the subject: XX局编制了2023年度…报告 / XX局根据《条例》规定编制本报告
    rf"{_AFTER_PUNCTUATION}(?P<orgs>{_ORG})(?:特|现|已|今)?(?:编制|制作|编写)(?:了)?"
    rf"(?:本(?:年度)?报告|\x00?{_year('ys')}(?:关于)?{_REPORT_WORD.replace('y3', 'ys3')})",
    rf"{_AFTER_PUNCTUATION}(?P<orgr>{_ORG})(?:根据|依据|按照)[^。]{{0,80}}?(?:编制|制作|编写)(?:了)?本(?:年度)?报告",
    rf"本(?:年度)?报告(?:由|系|是)(?P<compiler>{_ORG})(?:根据|依据|按照|结合|综合|汇总|编制|制作|负责|对照|在)",
    rf"由(?P<compiler>{_ORG})(?:负责|组织|综合)?(?:编制|制作|汇总|编写|撰写)",
    rf"汇总(?P<org>{_ORG}){_year('y')}(?:政府|政务)?信息公开",
    rf"结合(?P<org>{_ORG})(?:{_YEAR}年度?)?(?:政府|政务)?信息公开(?:工作)?实际",
)]
# the statistics period: 2023年1月1日(起)至2023年12月31日, also with 年 lost in a copy (20231月1日)
_PERIOD = re.compile(
    rf"(?P<year>{_YEAR})年?1月1日(?:起)?(?:至|到|—|－|-|~|～)(?:(?P=year)年?)?12月\d{{1,2}}日"
    rf"|(?P<dotted>{_YEAR})[./]0?1[./]0?1(?:至|到|—|－|-|~|～)+(?:(?P=dotted)[./])?12[./]\d{{1,2}}"
    rf"|统计(?:期限|时限|时间|区间|周期)(?:为|是|:)?(?:自)?(?P<whole>{_YEAR})年度?(?:全年|[。，,;；)）]|$)")
# what a body's name ends in, and what only a place's name ends in
_ORGAN = (r"(?:人民政府|政府|办公厅|办公室|委员会|管委会|局|厅|委|部|署|院|中心|办|所|站|队|处|科|办事处|街道|镇|乡"
          r"|海关|馆|社|会|联|公司|集团|大学|学院|学校|中学|小学|医院|法院|检察院|监狱|分局|支队|大队|总队)")
# what the body an office works for ends in (XX局 of XX局政务公开工作领导小组办公室)
_PARENT = re.compile(r"(?:人民政府|政府|局|委员会|管委会|厅|委|部|署|办事处|街道|镇|乡|中心|院|海关|医院|中学|小学|学校|"
                     r"大学|学院)$")
_PLACE = r"(?:省|自治区|市|自治州|州|地区|盟|县|自治县|区|旗|自治旗)"
_PLACE_ONLY = re.compile(rf"[{_HAN}]{{1,14}}?{_PLACE}")
_NOT_A_GOVERNMENT = re.compile(r"开发区|新区|园区|试验区|实验区|示范区|保税区|自贸区|景区|度假区|工业区|产业区|合作区")
_NOT_A_NAME = re.compile(r"^(?:关于|根据|依据|按照|为|我|本|该|全|各|有关)|通知|条例|办法|规定|意见|要点|格式|报告|"
                         r"首页|位置|栏目|专栏|网站|门户|搜索|请输入|符号|浏览|打印")
# a name relative to a place it does not name (区政府国资局, 区林业局, 市卫生健康委, 镇党政办, 街道党政办公室):
# a level word first, and no place in the rest (镇江市…, 市中区…, 乡宁县… are places)
_RELATIVE = re.compile(rf"(?:省|市|县|区|州|旗|镇|乡|街道)(?![{_HAN}()]*?(?:省|市|县|区|州|旗|盟|镇|乡))")
_PARTY = re.compile(r"[省市县区镇乡]委|党委|党组|党工委")  # 县委县政府: party and government together
# a function word and a body type, no place: 教育局, 医院, 学校 (thousands have that name)
_GENERIC = re.compile(r"[{}]{{0,2}}(?:局|委|办|厅|处|科|所|站|队|中心|办公室|院|医院|学校|中学|小学|学院)".format(_HAN))
# the subject of section 一's first sentence: 2024年，XX局坚持…
_SUBJECT_VERB = (r"(?:以|坚持|深入|认真|严格|全面|按照|紧紧|始终|持续|积极|紧扣|围绕|高度|不断|进一步|立足|聚焦|把|将|在|"
                 r"结合|着力|大力|扎实|切实|贯彻|依据|根据|主动|加强|推进|继续|紧密|牢固|强化|狠抓|注重|重视|统筹|聚力|锚定|"
                 r"共|全年|着眼|秉持|遵循|认真贯彻|围绕)")
_SUBJECT = re.compile(rf"(?:{_YEAR}年度?[,，]?)?(?P<org>[{_HAN}()·]{{1,30}}?{_ORGAN})(?={_SUBJECT_VERB})")
_SECTION_YEAR = re.compile(rf"(?P<year>{_YEAR})年度?(?:[,，]|以来|全年|内|中|里)")
# page furniture: a metadata label before a title, lines and words no title holds
_COVER_DATE = re.compile(rf"{_YEAR}年(?:\d{{1,2}}|[一二三四五六七八九十]{{1,2}}|元)月(?:(?:\d{{1,2}}|[一二三四五六七八九十]{{1,3}})日)?")
_LONE_YEAR = re.compile(rf"\(?{_YEAR}年度?\)?")
_TITLE_LABEL = re.compile(r"^(?:标题|题名|文章标题|名称)[:：]?")
_CHROME_WORDS = re.compile(r"日期|发布|来源|时间|字号|字体|浏览|作者|索引号|打印|分享|点击|阅读|背景色|关闭")
_PIECE = re.compile(r"[^\s>›»＞/|_•·:：]+")  # a run of a line between what separates a title from furniture
_SENTENCE = re.compile(f"[{SENTENCE_MARKS}]")
_CLAUSE = re.compile(r"[。；！？，,：:]")
# a page's publishing date: 发布时间/发布日期; a bare 日期/时间 only where nothing qualifies it (not 统计时间,
# 截止日期, 当前时间, 成文日期)
_PAGE_DATES = [re.compile(label + rf"[:：]?(?P<y>{_YEAR})[-./年](?P<m>\d{{1,2}})[-./月](?P<d>\d{{1,2}})")
               for label in (r"发布(?:时间|日期)", r"(?<![计止前文据间])(?:日期|时间)")]
# a signature's date; the year's Chinese numerals are arabic in the plain text already (二〇二四年 -> 2024年)
_DATE = re.compile(rf"(?P<y>{_YEAR})年(?P<m>\d{{1,2}}|[一二三四五六七八九十]{{1,2}}|元)月"
                   r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})日")
_CN_DIGITS = {ch: i for i, ch in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0, "o": 0, "0": 0}
_FILE_SUFFIX = re.compile(r"(?:\.(?:pdf|docx?|wps|txt|md|html?|xhtml|mhtml?|json|ofd|zip|tiff?|png|jpe?g))+$", re.I)

# what separates a page title from the site's name: 标题-示例市人民政府, 标题——网站, 标题--网站
_SITE_SEPARATOR = re.compile(r"\s*(?:--+|—+|–|(?<!\d)-|-(?!\d)|_|\||｜)\s*")
# what a download's name adds after the title: (1), _2, （定稿）, (公开版)
_FILE_MARK = re.compile(r"(?:[(（](?:\d{1,2}|定稿|终稿|最终稿|最终版|公开版|发布版|正式版|修订版|修改稿|送审稿|网页版|全文)[)）]"
                        r"|[_-]\d{1,2})+$")
FIRST_LINES = 30  # lines of the preamble a title may stand in
SIGNATURE_BLOCKS = 12
METADATA_ROWS = 8  # a table before section 一 this short is a page's metadata, not a template table  # blocks at the end a signature may stand in
FIRST_YEAR = 2007  # the regulation took effect in 2008: no annual report is older


@dataclass
class Identity:
    title: str | None = None
    organization: str | None = None
    year: int | None = None
    published: str | None = None  # ISO date: the signature's date, else the page's publishing date
    body: str | None = None
    found_in: dict[str, str] = field(default_factory=dict)  # field -> the source that gave it
    academic: bool = False  # the report covers an academic year (学年): not the government template
    signature: tuple[Block, int] | None = None  # where the signature starts (block, its source line): not section 六's text


@dataclass
class _Plain:
    """Text as matched (NFKC, simplified script, no whitespace) with, for each of its characters,
    the position of the character it came from in the text as written."""
    text: str
    origin: list[int]
    written: str

    @classmethod
    def of(cls, written: str) -> _Plain:
        chars, origin = [], []
        for i, ch in enumerate(written):
            for out in unicodedata.normalize("NFKC", ch):
                if not out.isspace():
                    chars.append(out)
                    origin.append(i)
        return cls(_arabic_years(simplified("".join(chars))), origin, written)

    def span(self, start: int, end: int) -> str:
        """The text as written behind plain[start:end], its whitespace between Han characters removed."""
        if start >= end:
            return ""
        text = self.written[self.origin[start]:self.origin[end - 1] + 1]
        text = re.sub(rf"(?<=[{_HAN}])\s+|\s+(?=[{_HAN}])", "", text) if "\n" in text else text
        return re.sub(rf"(?<=[{_HAN}])\s+(?=[{_HAN}])", "", text).strip()


_CN_YEAR = re.compile(r"[〇零○Oo0一二三四五六七八九]{4}(?=年)")  # 二O二三年: a Latin O for 〇


def _arabic_years(text: str) -> str:
    """二〇二三年 -> 2023年 (the same length): some titles write the year in Chinese numerals."""
    return _CN_YEAR.sub(lambda m: "".join(str(_CN_DIGITS[ch]) for ch in m.group(0)), text)


# --- the stage ----------------------------------------------------------------------------------
def identify(before: list[Block], sections: list, blocks: list[Block], name: str | None,
             page_title: str | None, page_date: str | None = None) -> Identity:
    """The identity of one report. ``before``: the blocks before section 一; ``sections``: the
    outline's section spans; ``blocks``: the whole document; ``name``: its file name (None for
    stdin); ``page_title`` and ``page_date``: the container's title and publishing date, where it
    gives them (a web page's metadata, a crawler's header)."""
    found = Identity()
    lines = _lines(before if sections else blocks[:FIRST_LINES])
    opening = _opening(before, sections)
    title = find_title(lines, opening.organization if opening else None)
    hint = _hint(page_title)
    file_title = _hint(_file_stem(name)) if name else None
    signature = _signature(sections[-1].blocks if sections else blocks)
    subject = _section_one(sections)
    cover = _cover(lines)
    if title and title.banner:  # a name line over a title that names no body: the site's banner, where
        named = next((s.organization for s in (opening, cover, signature, subject) if s and s.organization), None)
        if named and not _same_body(named, title.organization):  # another source names another body
            title = title.banner
    found.academic = any(t is not None and t.academic for t in (title, hint, file_title)) or _mentions_academic(lines)

    if title:
        found.title, found.found_in["title"] = title.title, "title"
    elif hint and hint.title:
        found.title, found.found_in["title"] = hint.title, "page_title"
    candidates = [("title", title), ("cover", cover), ("opening", opening), ("page_title", hint),
                  ("file_name", file_title), ("signature", signature), ("section_one", subject)]
    for source, got in candidates:
        if got is not None and got.organization:
            found.organization, found.found_in["organization"] = got.organization, source
            break
    if not found.academic:
        period = statistics_year(before + [b for s in sections[:1] for b in s.blocks][:12])
        years = [("title", title), ("statistics_period", period), ("opening", opening), ("page_title", hint),
                 ("file_name", file_title), ("section_one", subject)]
        for source, got in years:
            if got is not None and got.year is not None:
                found.year, found.found_in["year"] = got.year, source
                break
    published = _page_date(lines + ([f"发布时间:{page_date}"] if page_date else []))
    if signature is not None:  # not section 六's text, whoever signs it
        found.signature = signature.block
    if signature and signature.published and (signature.organization or not published):
        found.published, found.found_in["published"] = signature.published, "signature"
    elif published:  # a date alone at the end may be a related link's: the page's own date first
        found.published, found.found_in["published"] = published, "page_metadata"
    found.body = body_key(found.organization)
    return found


def problems(found: Identity) -> list[Problem]:
    """What the identity could not establish, each a problem."""
    out = []
    if found.title is None:
        out.append(Problem(code="missing_title", severity="info",
                           message="no title line names the report; the title is null"))
    if found.organization is None:
        out.append(Problem(code="missing_organization", severity="warning",
                           message="neither the title, the opening, the page, the file name nor the signature "
                                   "names the body that made the report; the organization is null"))
    if found.academic:
        out.append(Problem(code="academic_year", severity="warning",
                           message="the report covers an academic year (学年), not a calendar year on the "
                                   "government template; the year is null"))
    elif found.year is None:
        out.append(Problem(code="missing_year", severity="warning",
                           message="neither the title, the statistics period nor the opening states the "
                                   "report year; the year is null"))
    return out


# --- sources ------------------------------------------------------------------------------------
@dataclass
class _Found:
    title: str | None = None
    organization: str | None = None
    year: int | None = None
    academic: bool = False
    published: str | None = None
    block: tuple[Block, int] | None = None  # a signature's first block and source line
    banner: _Found | None = None  # a title joined to a name line above it: the title without that line


def _lines(blocks: list[Block]) -> list[str]:
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


def find_title(lines: list[str], opening_body: str | None = None) -> _Found | None:
    """The report's title among the title lines of the preamble (one line, or two or three joined):
    the one naming a body and a year (where the opening names a body, the one naming the same body;
    of several, the last: a list of other reports' titles stands before the page's own), else the
    first with a year, else the first."""
    found: list[_Found] = []
    i = 0
    while i < len(lines):
        got, used = _title_at(lines, i)
        if got is not None:
            found.append(got)
        i += used
    full = [f for f in found if f.organization and (f.year is not None or f.academic)]
    same = [f for f in full if opening_body and _same_body(f.organization, opening_body)]
    if same or full:
        return (same or full)[-1]
    return next((f for f in found if f.year is not None or f.academic), found[0] if found else None)


def read_title(text: str) -> tuple[str | None, str | None, int | None]:
    """(title, organisation, year) of the first title in a text's lines; (None, None, None)."""
    found = find_title([ln for ln in text.split("\n") if ln.strip()])
    return (found.title, found.organization, found.year) if found else (None, None, None)


def _title_at(lines: list[str], i: int) -> tuple[_Found | None, int]:
    """The title that starts at line i, and how many lines it takes."""
    got = _title_in_line(lines[i])
    if got is not None:
        if got.year is None and i + 1 < len(lines) and _LONE_YEAR.fullmatch(_Plain.of(lines[i + 1]).text):
            joined = _whole_title("\n".join(lines[i:i + 2]))  # （2023年度） on the next line
            if joined is not None and joined.year is not None:
                return joined, 2
        return got, 1
    if not _short(lines[i]):
        return None, 1
    lone_year = _LONE_YEAR.fullmatch(_Plain.of(lines[i]).text)  # 2023年度 over the title
    best: tuple[_Found | None, int] = (None, 1)
    for n in (2, 3):  # a title broken over lines, mid-phrase
        window = lines[i:i + n]
        if len(window) < n or not all(_short(ln) for ln in window):
            break
        last = _title_in_line(window[-1])
        if last is not None and last.organization and not lone_year and _is_whole_name(window[0]):
            break  # a banner (the site's body) over a title naming its own body: not one title
        got = _whole_title("\n".join(window))
        if got is None:
            continue
        if _Plain.of(window[0]).text == _Plain.of(got.organization or "").text and last is not None:
            got.banner = last  # the body's name alone on the first line: perhaps a site's banner
        best = (got, n)
        if got.year is not None or got.academic:
            break  # else a year may stand on the next line: （2023年度）
    return best


def _is_whole_name(line: str) -> bool:
    """Whether a line is a body's whole name (示例市人民政府), not a place (示例市清河区) or a piece."""
    name = _Plain.of(line).text
    return _is_body(name) and not _PLACE_ONLY.fullmatch(name)


def _short(line: str) -> bool:
    return len(line.strip()) <= 60 and not _SENTENCE.search(line)


def _title_in_line(line: str) -> _Found | None:
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


def _title_then_furniture(line: str) -> _Found | None:
    """A title glued to the furniture after it (…年度报告日期:2021-01-29)."""
    plain = _Plain.of(line)
    for match in _TITLE.finditer(plain.text):
        if match.start() == 0 and _CHROME_WORDS.match(plain.text, match.end()):
            return _from_title(plain, match)
    return None


def _whole_title(text: str, before: str = "") -> _Found | None:
    plain = _Plain.of(text)
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
    return _from_title(plain, match, offset, _Plain.of(before).text)


def _from_title(plain: _Plain, match: re.Match, offset: int = 0, before: str = "") -> _Found | None:
    """The title a match found, with its body and year; None where what stands in the body's place
    is not a name (page furniture glued before a title is cut off first)."""
    text = match.string
    start = match.start()
    named = match.group("org") not in (None, "政府", "政务", "人民政府")  # 2020年政府信息公开…: 政府 is the report's
    org_start, org_end = (match.start("org"), match.end("org")) if named else (-1, -1)
    if org_start < 0 and match.group("org2"):  # …年度报告（示例市林业局）: the body after the title
        org_start, org_end = match.start("org2"), match.end("org2")
    elif org_start >= 0:
        cut = _navigation_end(text[org_start:org_end], before + text[:org_start])
        if cut:  # the title starts where the navigation ends
            org_start += cut
            while org_start < org_end and text[org_start] in "·)":
                org_start += 1
            start = org_start
        if org_end > org_start and text[org_start:org_end].endswith("人民") and text.startswith("政府", org_end):
            org_end += 2  # 上海市杨浦区人民政府信息公开…: 政府 is the name's and the report word's
    organization = None
    if org_end > org_start >= 0:
        organization = _as_written_org(plain, offset + org_start, offset + org_end)
        if organization is None:
            return None
    year = next((int(match.group(g)) for g in ("y1", "y2", "y3", "y4") if match.group(g)), None)
    academic = bool(re.search(_ACADEMIC, match.group(0)))
    if organization is None and year is None and not academic:
        return None  # 政府信息公开年报 alone: a column's name, not a report's title
    return _Found(title=plain.span(offset + start, offset + match.end()), organization=organization,
                  year=_sane_year(year), academic=academic)


# a page's navigation saved before the title (首页 > 政务公开 > 政府信息公开年报 > …, or the same
# words glued): it starts with 首页 or 当前位置, and its column names end in these words
_NAVIGATION_START = re.compile(r"^(?:[您你]?(?:当前|现在)?(?:的|所在)?位置[:：]?)?首页|^[您你]?(?:当前|现在)(?:的|所在)?位置")
_NAVIGATION_BEFORE = re.compile(r"(?:首页|位置)[^\u4e00-\u9fff]{0,3}$")
_NAVIGATION_WORD = re.compile(r"首页|公开|年报|年度报告|专栏|目录|内容|栏目")
# what a body's name cannot be alone (办公室), or begin with (与数据管理局)
_BODY_TYPE = re.compile(r"(?:管理|服务|工作|领导小组)?(?:办公室|办|局|中心|委员会|委|处|科|所|站|队|政府|人民政府|办事处)")
_CONJUNCTION = ("与", "和", "及", "暨", "、")
# a column's name that no body's name holds: the navigation run into a title without 首页
# (政府信息公开示例局政府信息公开年报示例局2023年…)
_COLUMN_IN_NAME = re.compile(r"年报|年度报告")


def _navigation_end(org: str, before: str) -> int:
    """Where the navigation before an organisation's name ends (0: there is none). No body's name
    starts with 首页 or 当前位置 (nor follows them, ``位置：政务公开>…``); the name begins after the
    last column name of the trail."""
    if not (_NAVIGATION_START.match(org) or _NAVIGATION_BEFORE.search(before) or _COLUMN_IN_NAME.search(org)):
        return 0
    ends = [m.end() for m in _NAVIGATION_WORD.finditer(org)]
    # glued, a trail's last column name and a name holding the same word (政务公开办公室) meet: the
    # name starts at the last column end that leaves a name, not a body-type word or a conjunction
    return next((end for end in reversed(ends) if _is_name(org[end:])), max(ends, default=0))


def _is_name(rest: str) -> bool:
    """Whether what follows a column name can be the body's name: nothing (a title without one),
    or a name that is not a body-type word alone nor begins with a conjunction."""
    rest = re.sub(r"(关于|的)$", "", rest.strip("()·"))
    return not rest or not _BODY_TYPE.fullmatch(rest) and not rest.startswith(_CONJUNCTION)


def _as_written_org(plain: _Plain, start: int, end: int) -> str | None:
    """The body's name as written, cleaned of unbalanced brackets; a place's name alone is the
    place's 人民政府 (a government-wide report named by its place: 2022年上海市…报告)."""
    while start < end and plain.text[start] in ")·":
        start += 1
    while end > start and plain.text[end - 1] in "(·":
        end -= 1
    simple = plain.text[start:end]
    if simple.count("(") > simple.count(")"):  # a bracket the name opened and the text never closed
        end = start + simple.rfind("(")
        simple = plain.text[start:end]
    if len(simple) < 2 or _NOT_A_NAME.search(simple) or simple in ("政府", "政务", "人民政府") or simple[0] == "(":
        return None
    written = re.sub(r"\s+", "", plain.span(start, end))
    if _PLACE_ONLY.fullmatch(simple) and not _NOT_A_GOVERNMENT.search(simple):
        return written + "人民政府"
    return written


def _opening(before: list[Block], sections: list) -> _Found | None:
    """Organisation and year from the opening sentences (the notices they cite taken out): the
    first body a pattern names, and the first year. Where a report has no opening, its first
    sentence in section 一 may say the same (现公布我局2023年…报告): its year only is taken."""
    found = _Found()
    first = [b for s in sections[:1] for b in s.blocks[:2]] if sections and sections[0].number == 1 else []
    for block in before[:12] + first:
        if not isinstance(block, Paragraph) or not _CLAUSE.search(block.text) and len(block.text) < 40:
            continue  # a title or a name line, not a sentence
        plain = _Plain.of(block.text)
        text = _without_notices(plain.text)
        for pattern in _OPENING:
            for match in pattern.finditer(text):
                groups = match.groupdict()
                year = next((groups[g] for g in ("y", "y3", "yf", "yf3", "ys", "ys3") if groups.get(g)), None)
                if found.year is None and year:
                    found.year = _sane_year(int(year))
                if found.organization is None and block not in first:
                    found.organization = _opening_body(plain, match)
    return found if found.organization or found.year else None


def _opening_body(plain: _Plain, match: re.Match) -> str | None:
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
                    _PARENT.search(name[:cut]) and _is_body(name[:cut])), 0)
        if cut:  # the shortest body's name before the office, with the rest of its name (XX乡 + 人民政府)
            cut += len(re.match(r"(?:人民政府|政府|办事处|管委会|管理委员会|委员会)?", name[cut:]).group(0))
            end = start + cut
            name = name[:cut]
    if not _is_body(name):
        return None
    return _as_written_org(plain, start, end)


def _without_notices(text: str) -> str:
    """The text with every quoted document that is not a report (《…通知》, 《条例》) blanked out,
    and the 《》 of a quoted report dropped: same length, so positions still map."""
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
                    out[start] = out[i] = "□"
                else:
                    out[start:i + 1] = "□" * (i + 1 - start)
    return "".join(out).replace("□", "\x00")


def _is_body(org: str) -> bool:
    """Whether a name taken from a sentence is a body's name: it ends like one, and is more than a
    function word (教育局 alone names no body: thousands have that name), nor a name relative to an
    unnamed place (区政府国资局)."""
    if _NOT_A_NAME.search(org) or _RELATIVE.match(org):
        return False
    bare = re.sub(r"\([^()]*\)$", "", org)
    if _PLACE_ONLY.fullmatch(bare):
        return True
    return bool(re.search(_ORGAN + "$", bare)) and not _GENERIC.fullmatch(bare)


def _hint(text: str | None) -> _Found | None:
    """A title the container or the file name gives, among the site's name and separators."""
    if not text:
        return None
    parts = [p for p in _SITE_SEPARATOR.split(text) if p.strip()]
    return next((got for part in parts if (got := _title_in_line(part)) is not None), None)


def _file_stem(name: str) -> str:
    stem = _FILE_SUFFIX.sub("", PurePath(name.replace("\\", "/")).name)
    return _FILE_MARK.sub("", stem)


def _same_body(one: str, other: str) -> bool:
    """Whether two names are one body's, perhaps one with the places above it (淮安市洪泽区人民政府 and
    洪泽区人民政府)."""
    a, b = sorted((body_key(one) or "", body_key(other) or ""), key=len)
    return a == b or len(a) >= 4 and b.endswith(a)


def _cover(lines: list[str]) -> _Found | None:
    """A cover's body: its whole name on a line of its own right above a date line (示例市林业局 /
    2024年1月), among the first lines: as a signature, but on the cover."""
    for line, after in zip(lines, lines[1:]):
        name, date = _Plain.of(line).text, _Plain.of(after).text
        if _COVER_DATE.fullmatch(date) and len(name) <= 40 and not _CLAUSE.search(name) and _is_whole_name(line):
            return _Found(organization=_as_written_org(_Plain.of(line), 0, len(name)))
    return None


def _signature(blocks: list[Block]) -> _Found | None:
    """The body and date that sign the report at its end: ``XX局`` over ``2024年1月26日`` (or both on
    one line), perhaps followed by a contact line and the page's furniture."""
    tail = [b for b in blocks[-SIGNATURE_BLOCKS:] if isinstance(b, Paragraph)]
    lines = [((block, i), ln.strip()) for block in tail for i, ln in enumerate(block.lines or (block.text,))
             if ln.strip()]
    dated: _Found | None = None  # a date alone on its line, where no body signs above it
    for k, (block, line) in enumerate(lines):
        plain = _Plain.of(line)
        date, at = _date_at_end(plain.text)
        if date is None:
            continue
        if at > 0:  # the name and the date on one line
            name_plain, name_block, end = plain, block, at
        elif k > 0:
            name_block, name_plain = lines[k - 1][0], _Plain.of(lines[k - 1][1])
            end = len(name_plain.text)
        else:
            name_plain, name_block, end = None, block, 0
        name = name_plain.text[:end] if name_plain is not None else ""
        organization = None
        if 0 < end <= 40 and not _SENTENCE.search(name) and _is_body(name):
            organization = _as_written_org(name_plain, 0, end)
        if organization:
            return _Found(organization=organization, published=date, block=name_block)
        if at == 0 and dated is None:
            dated = _Found(published=date, block=block)
    return dated


def _date_at_end(text: str) -> tuple[str | None, int]:
    """A date that ends the line (the whole line, or after a name): ISO, and where it starts."""
    for match in _DATE.finditer(text):
        if match.end() == len(text):
            try:
                day = datetime.date(*(_number(match.group(g)) for g in ("y", "m", "d")))
            except ValueError:
                return None, 0
            return day.isoformat(), match.start()
    return None, 0


def _number(text: str) -> int:
    """2024 -> 2024; 二十六 -> 26, 十一 -> 11, 三 -> 3 (a date's month and day in Chinese numerals)."""
    if text.isdigit():
        return int(text)
    if text == "元":  # 元月: January
        return 1
    if "十" not in text:
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _page_date(lines: list[str]) -> str | None:
    for pattern in _PAGE_DATES:
        for line in lines:
            match = pattern.search(_Plain.of(line).text)
            if match:
                try:
                    return datetime.date(*(int(match.group(g)) for g in ("y", "m", "d"))).isoformat()
                except ValueError:
                    return None
    return None


_SELF = re.compile(r"我(局|委|办|厅|镇|乡|街道|区|县|市|院|中心|部|署|会|所|站|处)")  # how a report calls itself


def _section_one(sections: list) -> _Found | None:
    """The body and year of section 一's first sentences (``2024年，XX局坚持…``)."""
    if not sections or sections[0].number != 1:
        return None
    kinds = set(_SELF.findall(" ".join(b.text for s in sections for b in s.blocks[:20] if isinstance(b, Paragraph))))
    found = _Found()
    lines = [ln for b in sections[0].blocks[:4] if isinstance(b, Paragraph) for ln in (b.lines or (b.text,))][:6]
    for line in lines:
        text = _Plain.of(line).text
        if len(text) <= 40 and not _SENTENCE.search(text):
            continue  # a sub-heading: （一）加强领导
        if found.year is None:
            match = _SECTION_YEAR.match(text)
            found.year = _sane_year(int(match.group("year"))) if match else None
        if found.organization is None:
            match = _SUBJECT.match(text)
            org = match.group("org") if match else ""
            # a higher body's name (临川县人民政府 in a report that says 我乡) is not the report's
            if match and _is_body(org) and not _PLACE_ONLY.fullmatch(org) and not _PARTY.search(org) and \
                    (not kinds or any(kind in org[-5:] for kind in kinds)):
                found.organization = _as_written_org(_Plain.of(line), match.start("org"), match.end("org"))
    return found if found.organization or found.year else None


def statistics_year(blocks: list[Block]) -> _Found | None:
    """The report year from the statistics period (a year starting 1 January)."""
    for block in blocks:
        if isinstance(block, Paragraph):
            match = _PERIOD.search(_Plain.of(block.text).text)
            if match:
                return _Found(year=_sane_year(int(match.group("year") or match.group("dotted") or match.group("whole"))))
    return None


def _mentions_academic(lines: list[str]) -> bool:
    return any(re.search(_ACADEMIC, _Plain.of(ln).text) for ln in lines[:8])


def _sane_year(year: int | None) -> int | None:
    if year is None or not FIRST_YEAR <= year <= datetime.date.today().year + 1:
        return None
    return year


# --- one body across names ----------------------------------------------------------------------
# short forms and their full names, as written in titles and signatures across China
ABBREVIATIONS = (
    ("发改委", "发展改革委员会"), ("发改局", "发展改革局"), ("卫健委", "卫生健康委员会"), ("卫健局", "卫生健康局"),
    ("人社局", "人力资源社会保障局"), ("住建局", "住房城乡建设局"), ("住建委", "住房城乡建设委员会"),
    ("市监局", "市场监督管理局"), ("市场监管局", "市场监督管理局"), ("文旅局", "文化旅游局"),
    ("文广旅局", "文化广电旅游局"), ("教体局", "教育体育局"), ("应急局", "应急管理局"), ("医保局", "医疗保障局"),
    ("退役军人局", "退役军人事务局"), ("民宗局", "民族宗教事务局"), ("民宗委", "民族宗教事务委员会"),
    ("交通局", "交通运输局"), ("农业局", "农业农村局"), ("农农局", "农业农村局"), ("科技局", "科学技术局"),
    ("工信局", "工业信息化局"), ("规资局", "规划自然资源局"), ("环保局", "环境保护局"), ("数据局", "数据管理局"), ("政数局", "政务服务数据管理局"),
    ("管委会", "管理委员会"), ("政府办", "政府办公室"),
)
# words written with and without 和 (发展和改革 / 发展改革): the key drops it
_AND_FORMS = ("发展和改革", "住房和城乡建设", "人力资源和社会保障", "文化和旅游", "工业和信息化", "规划和自然资源",
              "商务和投资促进", "农业和农村", "科学技术和")


def body_key(organization: str | None) -> str | None:
    """The key that groups one body's reports across years and formats: simplified script, no
    bracketed second name, 政府 as 人民政府, short forms written out (发改局 → 发展改革局), 和 dropped
    from compound names, a town as its 人民政府 and a 街道 as its 办事处. A key for grouping, not a
    name to print; ``batch --bodies`` settles what these rules cannot."""
    if not organization:
        return None
    key = simplified(nfkc(re.sub(r"\s+", "", organization)))
    bare = re.sub(r"\([^()]*\)", "", key)
    key = bare or key
    for form in _AND_FORMS:
        key = key.replace(form, form.replace("和", ""))
    for short, full in ABBREVIATIONS:
        if key.endswith(short) and not key.endswith(full):
            key = key[: -len(short)] + full
    key = re.sub(r"(?<=[省市县区镇乡旗州盟])政府", "人民政府", key)
    if key.endswith("委") and not re.search(r"(?:党|工|市|县|区|镇|乡)委$", key):
        key += "员会"
    if re.search(r"[镇乡]$", key):
        key += "人民政府"
    elif key.endswith("街道"):
        key += "办事处"
    elif _PLACE_ONLY.fullmatch(key) and not _NOT_A_GOVERNMENT.search(key):
        key += "人民政府"
    return key


def read_bodies(path: str) -> dict[str, str]:
    """``--bodies FILE``: a CSV of two columns, a name as written and the canonical name it stands
    for (a header row ``name,canonical`` is optional). Keys are the names' body keys too, so a
    listed name matches however it is spaced or bracketed."""
    import csv

    out: dict[str, str] = {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle):
            cells = [c.strip() for c in row]
            if len(cells) < 2 or not cells[0] or not cells[1] or cells[0].startswith("#"):
                continue
            if (cells[0].lower(), cells[1].lower()) in (("name", "canonical"), ("名称", "规范名称")):
                continue
            out[cells[0]] = cells[1]
            out.setdefault(body_key(cells[0]) or cells[0], cells[1])
    return out


def settled_body(organization: str | None, bodies: dict[str, str] | None) -> str | None:
    """The body key of an organisation, the user's table (``--bodies``) first."""
    if organization and bodies:
        canonical = bodies.get(organization) or bodies.get(body_key(organization) or "")
        if canonical:
            return body_key(canonical)
    return body_key(organization)
