"""What is a body's name: the endings of names of bodies and places, what names no body (a function
word alone, a name relative to a place it does not name, party bodies, page furniture), the
navigation a page runs into a name, and a name as written (brackets whole, a place alone as its
人民政府)."""

from __future__ import annotations

import re

from .text import HAN, Plain

ORG = rf"(?:[{HAN}()·]|(?<=[第\d])\d){{2,40}}?"  # digits only after 第: 第8街道办事处
# what a body's name ends in, and what only a place's name ends in
ORGAN = (r"(?:人民政府|政府|办公厅|办公室|委员会|管委会|局|厅|委|部|署|院|中心|办|所|站|队|处|科|办事处|街道|镇|乡"
          r"|海关|馆|社|会|联|公司|集团|大学|学院|学校|中学|小学|医院|法院|检察院|监狱|分局|支队|大队|总队)")


# what the body an office works for ends in (XX局 of XX局政务公开工作领导小组办公室)
PARENT = re.compile(r"(?:人民政府|政府|局|委员会|管委会|厅|委|部|署|办事处|街道|镇|乡|中心|院|海关|医院|中学|小学|学校|"
                     r"大学|学院)$")


_PLACE = r"(?:省|自治区|市|自治州|州|地区|盟|县|自治县|区|旗|自治旗)"
PLACE_ONLY = re.compile(rf"[{HAN}]{{1,14}}?{_PLACE}")
NOT_A_GOVERNMENT = re.compile(r"开发区|新区|园区|试验区|实验区|示范区|保税区|自贸区|景区|度假区|工业区|产业区|合作区")
_NOT_A_NAME = re.compile(r"^(?:关于|根据|依据|按照|为|我|本|该|全|各|有关)|通知|条例|办法|规定|意见|要点|格式|报告|"
                         r"首页|位置|栏目|专栏|网站|门户|搜索|请输入|符号|浏览|打印")


# a name relative to a place it does not name (区政府国资局, 区林业局, 市卫生健康委, 镇党政办, 街道党政办公室):
# a level word first, and no place in the rest (镇江市…, 市中区…, 乡宁县… are places)
_RELATIVE = re.compile(rf"(?:省|市|县|区|州|旗|镇|乡|街道)(?![{HAN}()]*?(?:省|市|县|区|州|旗|盟|镇|乡))")
PARTY = re.compile(r"[省市县区镇乡]委|党委|党组|党工委")  # 县委县政府: party and government together
# a function word and a body type, no place: 教育局, 医院, 学校 (thousands have that name)
_GENERIC = re.compile(r"[{}]{{0,2}}(?:局|委|办|厅|处|科|所|站|队|中心|办公室|院|医院|学校|中学|小学|学院)".format(HAN))


def is_whole_name(line: str) -> bool:
    """Whether a line is a body's whole name (示例市人民政府), not a place (示例市清河区) or a piece."""
    name = Plain.of(line).text
    return is_body(name) and not PLACE_ONLY.fullmatch(name)


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


def navigation_end(org: str, before: str) -> int:
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


def as_written_org(plain: Plain, start: int, end: int) -> str | None:
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
    if PLACE_ONLY.fullmatch(simple) and not NOT_A_GOVERNMENT.search(simple):
        return written + "人民政府"
    return written


def is_body(org: str) -> bool:
    """Whether a name taken from a sentence is a body's name: it ends like one, and is more than a
    function word (教育局 alone names no body: thousands have that name), nor a name relative to an
    unnamed place (区政府国资局)."""
    if _NOT_A_NAME.search(org) or _RELATIVE.match(org):
        return False
    bare = re.sub(r"\([^()]*\)$", "", org)
    if PLACE_ONLY.fullmatch(bare):
        return True
    return bool(re.search(ORGAN + "$", bare)) and not _GENERIC.fullmatch(bare)
