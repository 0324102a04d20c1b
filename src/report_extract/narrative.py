"""``narrative_mismatch``: a figure the prose states about a table field that the table contradicts.

Precision first: a statement counts only when its wording names one field and its subject is the
reporting body itself, for the report's whole year. The rules, in the order they apply:

1. Sentences end at 。；！？. A parenthesis that holds a part or a count (``（其中网上申请3件）``,
   ``（含上年结转2件）``) is read as clauses after the one it follows; any other (``各村（社区）``,
   ``（申请人撤回结案）``) is left out. Clauses end at ，；： and at a 、 after a count
   (``行政复议1件、行政诉讼0件``); a 、 inside a noun (``通过信函、网络等渠道提交的``) is kept.
2. A clause is matched against WORDINGS (data: each claim's verbs, nouns and phrase shapes, written
   with PIECES: ``{verb}{of}{obj?}{n}`` for 收到…申请N件, ``{n}{obj?}{done}`` for N件申请均已按时答复,
   ``有{n}{of}{obj}`` for 共有N件…申请, a shape without ``{n}`` for 未收到…申请, which states 0).
   Where several match, the one that leaves the shortest subject is the clause's.
3. Its subject is what stands before the wording, less time words and adverbs (2023年、全年、本年度、
   共、依法、通过…等渠道…). It must be empty (the body speaks of itself), a self-reference
   (本机关、我局…), the body's name or a tail of it (县自然资源局, 镇政府), or 全区/我区-style words
   that fit the body's own level (全区 in a 区's report, never in a 局's). A clause without a subject
   speaks of the subject of the clause before it; a clause about anyone else (区政府办公室、各镇街)
   is not the table's subject and is skipped, and so are the clauses after it that have no subject.
4. A part (a clause after 其中/含/包括/涉及/占) is read only when its wording is itself a table
   figure that the whole divides into (其中予以公开N件, 含上年结转N件, 其中结转下一年度办理N件) and
   it names no subject of its own: it speaks of the whole's subject. Any other part (其中，镇党政办公室…,
   其中自然人申请…) is skipped, and so is what follows it in the sentence. A sentence that opens with
   其中 continues the sentence before it.
5. Other periods are skipped: another year, several years (2021年至2023年累计), part of a year
   (12月、上半年、第四季度), averages (平均每月), in the subject or in a clause of time words before it
   (2022年，…; 自2021年以来，…). A year the wording itself writes (结转至2024年, 2022年结转至今年)
   must be the one the field means.
6. A count whose noun is left out or bare (办结N件, 收到申请N件, 现行有效N件) counts what the section
   is talking about: the topic set by the last clause (or the heading) that names one: applications
   for disclosure (信息公开、依申请), 规章, normative documents (规范性文件), or something else
   (咨询、留言、信访、热线、行政许可…). It is read only in its claim's topic.
7. Reviews and cases count only where the clause, or the one before it about reviews and cases,
   says they concern disclosure (信息公开): never 作为复议机关…办理行政复议案件N件.
8. Changes (较上年增加N件, 同比减少N件), approximate counts (N余件) and percentages are no counts.

Where the wording allows two readings, either passes: 收到/受理 N 件 is the new applications or new
plus carried over (reports use both), 办理 N 件 new plus carried over, new or finished, N件申请均已
答复 finished, new or new plus carried over, 行政诉讼 N 件 both litigation rows together or either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Optional

from .labels import SENTENCE_MARKS, compact
from .model import Problem
from .problems import problem

_NEW = ("applications.new_received.total",)
_CARRIED = ("applications.carried_over.total",)
_OUTCOME = ("applications.outcome_total.total",)
_DIRECT = ("review_litigation.litigation_direct.total",)
_AFTER = ("review_litigation.litigation_after_review.total",)

# the pieces the phrase shapes of WORDINGS are written with
PIECES = {
    "{n}": r"(?:总数|数量|总量)?(?:共计|共|合计|总计|累计|计|为|达|是)*(?P<n>\d[\d,]*(?:\.\d+)?|[零〇一二两三四五六七八九十百]+)"
           r"(?:件次|件|个|份|起|宗|次)",
    "{money}": r"(?:共计|共|合计|总计|为|达|是)*(?P<n>\d[\d,]*(?:\.\d+)?)万元",
    "{year}": r"(?P<year>20\d\d)年度?",
    # who submitted the applications, or by what channels all of them came: not a part of them
    "{of}": r"(?:(?:通过)?(?:(?:(?!涉及|关于|有关|针对|其中)[^,\d])*?等|各种|各类|多种|不同)(?:渠道|方式|途径|形式)"
            r"(?:提交|提出|递交|申请)?的|(?:社会各界|群众|公民、?法人(?:和|或|及)其他组织|申请人)(?:提交|提出|递交)?的?)?",
    # what a review or a case is about
    "{about}": r"(?:(?:因|涉及|关于)?政府信息公开(?:工作|申请)?(?:而|所)?(?:引发|引起)?的?)?",
    "{done}": r"(?:均|已|都|已经|全部|按时|按期|依法|于年内|年内|在法定期限内)*(?:办结|答复|予以答复|作出答复|办理完毕|处理完毕)",
}
_APPLICATIONS = (r"(?:各类|各种)?(?:政府信息公开|信息公开|公开政府信息|政府信息依申请公开|依申请公开(?:政府信息)?)"
                 r"(?:申请)?(?:件|事项|书|表)?")
_DOCUMENTS = {"obj": r"(?:行政)?规范性文件", "bare": "文件", "topic": "documents"}
_REVIEW = r"(?:被申请|被提起|引发|引起|发生|产生)?"
TOPICS = (  # (topic, words): the first whose words a clause holds is its topic
    ("other", "咨询|留言|信访|来信|来电|热线|工单|投诉|举报|建议|提案|信箱|诉求|行政许可|许可申请|行政处罚|审批"),
    ("applications", "信息公开|依申请"),
    ("rules", "规章"),  # 规章13件（含新制定5件）: not normative documents
    ("documents", "规范性文件"),
)


@dataclass(frozen=True)
class Claim:
    """A wording that states one field (``keys``: the flat keys whose sum it states; ``alternatives``:
    other sums the same words may mean), in the phrase shapes ``phrases``."""
    name: str
    keys: tuple[str, ...]
    phrases: tuple[str, ...]
    alternatives: tuple[tuple[str, ...], ...] = ()
    verbs: str = ""
    obj: str = ""  # the noun that names what is counted ({obj}; {obj?} where it may be left out)
    bare: str = "申请"  # a noun a count may stand with that names nothing by itself ({obj?})
    topic: str = ""  # where the noun is left out, the topic the clause must stand in
    needs: str = ""  # words this clause, or the one before it on the same matter, must hold (about disclosure)
    part: bool = False  # a figure the whole divides into: read after 其中/含 (其中予以公开N件)
    year_offset: int = 0  # a year the wording writes is the report's year plus this
    money: bool = False
    patterns: tuple[re.Pattern, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        pieces = dict(PIECES, **{"{verb}": f"(?:{self.verbs})", "{obj}": f"(?P<obj>{self.obj})",
                                 "{obj?}": f"(?P<obj>{self.obj}|{self.bare})?"})
        patterns = []
        for phrase in self.phrases:
            for piece, regex in pieces.items():
                phrase = phrase.replace(piece, regex)
            patterns.append(re.compile(f"^(?P<subject>.*?){phrase}(?:{PIECES['{done}']})?$"))
        object.__setattr__(self, "patterns", tuple(patterns))


WORDINGS = (
    Claim("新收申请", _NEW, ("{verb}{of}{obj?}{n}", "{verb}{n}{of}{obj}", "有{n}{of}{obj}", "有{of}{obj}{n}",
                            "未{verb}(?:任何)?{of}{obj}"),
          [_NEW + _CARRIED], verbs="新收|收到|接收到|接收|接到|受理|收悉", obj=_APPLICATIONS, topic="applications",
          part=True),
    Claim("受理并办结", _NEW, ("受理并办结{of}{obj?}{n}",), [_NEW + _CARRIED, _OUTCOME], obj=_APPLICATIONS,
          topic="applications"),
    Claim("办理申请", _NEW, ("{verb}{of}{obj}{n}", "{verb}{n}{of}{obj}"), [_NEW + _CARRIED, _OUTCOME],
          verbs="办理|处理", obj=_APPLICATIONS),
    Claim("上年结转", _CARRIED, ("(?:上一?年度?|{year})(?:结转|转)(?:至|到|入)?(?:今年|本年度?)?(?:继续)?(?:办理)?的?{obj?}{n}",
                             "(?:上一?年度?|{year})(?:结转|转)(?:至|到|入)?(?:今年|本年度?)?(?:继续)?(?:办理)?的?{n}{obj?}",
                             "(?:无|没有)上一?年度?结转的?{obj?}"),
          obj=_APPLICATIONS, part=True, year_offset=-1),
    Claim("办结", _OUTCOME, ("{verb}{obj?}{n}", "{verb}的{n}{obj?}中?"),
          verbs="办结|答复|办理完毕|处理完毕|完成", obj=f"{_APPLICATIONS}(?:答复|办理)?", topic="applications"),
    Claim("N件申请已答复", _OUTCOME, ("{n}{obj?}{done}",), [_NEW, _NEW + _CARRIED], obj=_APPLICATIONS,
          topic="applications"),
    Claim("结转下年", ("applications.carried_forward.total",),
          ("(?:结转|转入|转至)(?:至|到)?(?:下一?年度?|{year})(?:继续)?(?:办理|处理)?的?{obj?}{n}",
           "{n}{obj?}(?:将|已|均)?(?:结转|转入|转至)(?:至|到)?(?:下一?年度?|{year})(?:继续)?(?:办理|处理)?",
           "(?:无|没有)(?:结转(?:至|到)?下一?年度?(?:继续)?(?:办理)?|下一?年度?结转)的?{obj?}"),
          obj=_APPLICATIONS, part=True, year_offset=1),
    Claim("予以公开", ("applications.disclosed.total",), ("(?:予以|同意)公开(?:答复)?{n}", "对{n}{obj?}予以公开"),
          obj=_APPLICATIONS, part=True),
    Claim("部分公开", ("applications.partially_disclosed.total",), ("(?:同意|予以)?部分公开(?:答复)?{n}",), part=True),
    Claim("行政复议", ("review_litigation.administrative_review.total",),
          (f"(?:收到|办理|共有|有|出现)?{{about}}{_REVIEW}行政复议(?:案件|申请)?{{n}}", "有{n}{about}行政复议(?:案件)?",
           f"未(?:发生|出现|产生|收到)?{{about}}{_REVIEW}行政复议(?:(?:和|、|及|或)行政诉讼)?(?:案件|情况)?"),
          needs="信息公开"),
    Claim("行政诉讼", _DIRECT + _AFTER,
          (f"(?:收到|办理|共有|有|出现)?{{about}}{_REVIEW}行政诉讼(?:案件)?{{n}}", "有{n}{about}行政诉讼(?:案件)?",
           f"未(?:发生|出现|产生)?{{about}}(?:行政复议(?:和|、|及|或))?{_REVIEW}行政诉讼(?:案件|情况)?"),
          [_DIRECT, _AFTER], needs="信息公开"),
    Claim("制发规范性文件", ("proactive.normative_documents.issued",), ("{verb}的?{obj?}{n}", "{verb}了?{n}{obj}"),
          verbs="制发|印发|出台|制定(?:发布|出台|印发)?|新制定|新出台", **_DOCUMENTS),
    Claim("废止规范性文件", ("proactive.normative_documents.repealed",), ("废止的?{obj?}{n}",), **_DOCUMENTS),
    Claim("现行有效规范性文件", ("proactive.normative_documents.in_force",), ("现行有效的?{obj?}{n}",),
          **_DOCUMENTS),
    Claim("行政事业性收费", ("proactive.administrative_fees.amount_10k_yuan",),
          ("(?:收取)?行政事业性收费(?:金额|总额)?{money}",), money=True),
)

# words that say when or how, not who: taken out of a subject wherever they stand
_TIME = re.compile(r"(?:20\d\d|\d{1,2})\s*年(?:度)?|\d{1,2}\s*月(?:\d{1,2}日)?|全年|本年度?|今年|年内|当年|同期|一年来|"
                   r"(?:截至|截止)(?:目前|年底|\d+月底?)?|以来|期间|其间|报告期内|本报告期|年度内|年底|"
                   r"共计|合计|总计|累计|共有|共|依法|先后|此外|同时|另外|认真|及时|按时|按期|已经|已|均|全部|也|还|在|"
                   r"^(?:[一二三四五六七八九十]+[、是]|\d+[.、])|"
                   r"尚有|另有|剩余|依申请公开(?:工作)?(?:办理)?(?:情况|方面)?|政府信息公开(?:工作)?(?:情况|方面)|方面|工作中|"
                   r"通过[^,]*?(?:渠道|途径|方式|平台)|(?:集中|动态)(?:公开|更新)|清理(?:后)?|"
                   r"办理|因政府信息公开(?:申请|工作)?(?:引发|引起)?的?|涉及政府信息公开的?|发生|被申请|被提起|"
                   r"[至到对的有\s]")
_SELF = ("本机关", "本单位", "本部门", "我机关", "我单位", "我部门", "我局", "我委", "我办", "我厅", "我院", "我署", "我会",
         "我中心", "本局", "本委", "本办", "本厅", "本级")
_LEVEL = "区|县|市|镇|乡|街道|州|盟|旗|省"
_OFFICE_END = re.compile(r"(?:局|委员会|委|办公室|办公厅|办|厅|中心|院|所|队)$")


def _own_names(organization: str) -> set[str]:
    """The body's name and its tails after a place (示例县自然资源局 → 县自然资源局, 自然资源局;
    …白鹭镇人民政府 → 镇政府): the names it calls itself by. A bare 政府 is not one."""
    name = organization.replace("人民", "")
    names = {organization, name}
    for match in re.finditer(f"(?:{_LEVEL})", name):
        tail = name[match.end():]
        names.add(match.group() + tail)
        if len(tail) >= 3:
            names.add(tail)
    return {n for n in names if len(n) >= 2 and n != "政府"}


def _self_subject(subject: str, organization: str) -> bool:
    subject = _TIME.sub("", compact(subject))
    if not subject:
        return True
    if subject in _SELF or (organization and subject.replace("人民", "") in _own_names(organization)):
        return True
    match = re.fullmatch(f"(?:全|我|本)({_LEVEL})", subject)
    if match and organization:
        body = re.sub(r"(?:人民政府|政府|管委会|管理委员会|办事处)$", "", organization)
        return body.endswith(match.group(1)) and not _OFFICE_END.search(organization)
    return False


# a period that covers the whole year: up to a day of it (截至12月31日), or from its first month to its last
_WHOLE_YEAR = re.compile(r"(?:截至|截止)(?:20\d\d年)?\d{1,2}月(?:底|\d{1,2}日)?|"
                         r"(?:20\d\d年)?1月(?:1日)?(?:至|到|-|—|－|~)(?:20\d\d年)?12月(?:31日|底)?")
_PART_OF_YEAR = re.compile(r"\d{1,2}月|[上下]半年|第?[一二三四1-4]季度|[前后][一二三四五六七八九十\d]+个?月|平均|每月|月均|日均")


def _another_period(subject: str, year: Optional[int]) -> bool:
    """Whether the words before the wording date the figure to another year, to several years
    (2021年至2023年累计…) or to a part of the year (12月、上半年…): not the table's figure."""
    subject = compact(subject)
    years = {int(y) for y in re.findall(r"(20\d\d)\s*年", subject)}
    if len(years) > 1 or (year and years and years != {year}):
        return True
    return _PART_OF_YEAR.search(_WHOLE_YEAR.sub("", subject)) is not None


_SENTENCE_END = re.compile(f"(?<=[{SENTENCE_MARKS}\n])")
_PART_OF = re.compile("^(?:其中|含|包括|占|涉及(?!政府信息公开))")  # 涉及政府信息公开的复议: what they are about
_PAREN = re.compile(r"[(（]([^()（）]*)[)）]")
_COUNTED = re.compile(r"\d(?:件|起|个|份|条|宗|次|%|万元)")
_CLAUSE_END = re.compile(r"[,，;；:：]")
_CHANGE = re.compile(r"较上年|同比|比上年|环比|增加|减少|增长|下降|上升|余件|多件")
_CASES = re.compile("行政复议|行政诉讼")
# a statement's clause is short (the longest wording read, with its subject, is under 60 characters);
# a longer one is glued table text or an unbroken run, and matching it costs its length squared
# (12,000 characters of 收到啊… took 3.5 s)
LONGEST_CLAUSE = 200
_VERB_HEAD = re.compile(r"^(.*?)(?:新收|收到|受理|接收|接到|办结|结转|予以公开|制发|印发|出台|制定)")


def _clauses(sentence: str) -> list[str]:
    """Rule 1: the sentence's clauses, a parenthesis holding a part or a count read after its clause."""
    def opened(match: re.Match) -> str:
        inside = match.group(1)
        if not _COUNTED.search(inside) and not _PART_OF.match(inside):
            return ""
        return f",{inside if _PART_OF.match(inside) else '含' + inside},"
    text = _PAREN.sub(opened, compact(sentence))
    text = re.sub(f"({_COUNTED.pattern})、", r"\1,", text)  # 行政复议1件、行政诉讼0件: two statements
    text = _THOUSANDS.sub("", text)  # 1,234件 is one figure, not the end of a clause and 234件
    return [c.rstrip("。；！？.;!?") for c in _CLAUSE_END.split(text) if c.strip(" .。")]


# a thousands separator: a comma between a digit and three digits that end the number
_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")


def _topic(text: str, current: str) -> str:
    return next((topic for topic, words in TOPICS if re.search(words, text)), current)


def check(sections, tables: dict, organization: Optional[str], year: Optional[int],
          page_of: Callable[[str, object], Optional[int]] | None = None) -> list[Problem]:
    """Problems for the figures the prose of ``sections`` states that ``tables`` contradict.
    ``page_of(sentence, section)`` finds the page of a sentence (the section's page otherwise)."""
    org = compact(organization or "")
    problems: list[Problem] = []
    for section in sections:
        state = _State(topic=_topic(section.heading or "", ""))
        for sentence in _SENTENCE_END.split(section.text):
            sentence = sentence.strip()
            if not sentence:
                continue
            if not _PART_OF.match(compact(sentence)):
                state.subject, state.in_part, state.period = "", False, ""  # a new sentence speaks of the body again
            for claim, stated, written in _statements(sentence, state, org, year, compact(section.heading or "")):
                mismatch = _compare(claim, stated, written, tables, sentence, section, page_of)
                if mismatch:
                    problems.append(mismatch)
    return problems


@dataclass
class _State:
    """What the clauses read so far say about the next: its subject, whether it is in a part, its topic."""
    topic: str = ""
    subject: str = ""
    in_part: bool = False
    period: str = ""  # a clause of time words only (2022年，…; 自2021年以来，…) dates the clauses after it


def _statements(sentence: str, state: _State, org: str, year: Optional[int], heading: str = ""):
    """(claim, figure stated, figure as written) for each statement of the sentence about the body."""
    before = heading if _CASES.search(heading) else ""  # 四、政府信息公开行政复议、行政诉讼情况
    for clause in _clauses(sentence):
        # the clause, with the one before it where that one is about reviews and cases too: 政府信息公开
        # 行政诉讼1件、行政复议2件 (its 信息公开 is the second's), never 作为信息公开主管部门，办理行政复议…
        near, before = (before + clause if _CASES.search(before) else clause), clause
        state.topic = _topic(clause, state.topic)
        part = bool(_PART_OF.match(clause)) or state.in_part
        body = _PART_OF.sub("", clause)
        state.in_part = not body  # 其中，…: the clause after it is the part
        matches = _matches(body)
        if not body:
            continue
        if not matches:
            _no_statement(body, part, state, year)
            continue
        if part and (any(_TIME.sub("", m.group("subject")) for _, m in matches) or not all(c.part for c, _ in matches)):
            state.subject = "其中"  # a part about someone else or of another kind: this and what follows
            continue
        seen = set()
        for claim, match in matches:
            subject = match.group("subject")
            if _TIME.sub("", subject) or _another_period(subject, year):
                state.subject = subject
            else:
                subject = state.subject
            if claim.name in seen or not _read(claim, match, subject, state, near, org, year):
                continue
            seen.add(claim.name)
            written = match.groupdict().get("n") or "0"
            yield claim, _number(written), written


# every wording holds a figure ({n}, {money}: a digit or a Chinese numeral) or says there was none
# (未…, 无…, 没有…): a clause with none of these characters is no statement, and is not tried against
# each wording (seven clauses in ten of the reports' prose)
_MAY_STATE = re.compile(r"[\d零〇一二两三四五六七八九十百未无没]")


def _matches(body: str) -> list[tuple[Claim, re.Match]]:
    """The wordings the clause is: of those that match, the ones that leave the shortest subject (the
    wording that explains most of it). None for a change, or a clause too long to be a statement."""
    if not body or _CHANGE.search(body) or len(body) > LONGEST_CLAUSE or not _MAY_STATE.search(body):
        return []
    matches = [(c, m) for c in WORDINGS for p in c.patterns for m in [p.match(body)] if m]
    shortest = min((len(m.group("subject")) for _, m in matches), default=0)
    return [(c, m) for c, m in matches if len(m.group("subject")) == shortest]


def _no_statement(body: str, part: bool, state: _State, year: Optional[int]) -> None:
    """What a clause that states no figure tells the clauses after it: a period (2022年，…), that they are
    in a part (其中自然人申请…), or their subject (区政府办公室收到各类申请…)."""
    head = _VERB_HEAD.match(body)
    if not head and not re.sub(r"[\d\-—~至到自从与和]|相比", "", _TIME.sub("", _PART_OF_YEAR.sub("", body))):
        state.period = body  # time words only: 2022年，…; 与上年同期相比，…
    if part:
        state.subject = "其中"
    elif head and (_TIME.sub("", head.group(1)) or _another_period(head.group(1), year)):
        state.subject = head.group(1)


def _read(claim: Claim, match: re.Match, subject: str, state: _State, near: str, org: str,
          year: Optional[int]) -> bool:
    """Whether a matched wording is a statement of the body's own figure for the report's year."""
    if not _self_subject(subject, org) or _another_period(state.period + subject, year):
        return False
    if claim.needs and claim.needs not in near:
        return False
    noun = match.groupdict().get("obj") or ""
    if claim.topic and noun in ("", claim.bare) and state.topic != claim.topic:
        return False  # 办结N件 after 收到网民留言…: not applications
    written_year = match.groupdict().get("year")
    return not (written_year and year and int(written_year) != year + claim.year_offset)


_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}


def _number(text: str) -> float:
    """A figure as written: 1,234 or 12.5, or in words (十二, 二十三, 一百零五)."""
    if text[0].isdigit():
        return float(text.replace(",", "").replace("，", ""))
    if not any(char in "十百" for char in text):  # written digit by digit: 一〇五 is 105, 二〇 is 20
        return float("".join(str(_DIGITS[char]) for char in text))
    total, digit = 0, 0
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        else:  # 十 or 百: a bare 十 is 10
            total += (digit or 1) * (10 if char == "十" else 100)
            digit = 0
    return float(total + digit)


def _value(tables: dict, key: str):
    table, row, column = key.split(".")
    return tables.get(table, {}).get(row, {}).get(column)


def _sum(tables: dict, keys: tuple[str, ...]):
    values = [_value(tables, k) for k in keys]
    return None if any(v is None for v in values) else sum(values)


def _decimals(written: str) -> int:
    return len(written.split(".")[1]) if "." in written else 0


def _compare(claim: Claim, stated: float, written: str, tables: dict, sentence: str, section,
             page_of) -> Optional[Problem]:
    found = _sum(tables, claim.keys)
    if found is None:
        return None
    readings = [found] + [v for v in (_sum(tables, alt) for alt in claim.alternatives) if v is not None]
    # prose rounds money to the places it writes (0.12万元 for a table's 0.1234): equal at those places
    places = _decimals(written) if claim.money else 0
    if any(abs(stated - v) < 0.5 * 10 ** -places + 1e-9 for v in readings):
        return None
    table, row, column = claim.keys[0].split(".")
    page = page_of(sentence, section) if page_of else None
    stated_value = stated if claim.money else int(stated)
    return problem("narrative_mismatch", table=table, row=row, column=column, expected=stated_value, found=found,
                   page=page if page is not None else section.page, heading=section.heading, claim=claim.name,
                   sentence=sentence)
