"""``narrative_mismatch``: a figure the prose states about a table field that the table contradicts.

Precision first: a statement counts only when its wording names one field unambiguously and its
subject is the reporting body itself. A clause is read on its own (split at ，；。); its subject is
what stands before the verb, less time words (2023年、全年、本年度…) and adverbs (共、累计…). The
subject must be empty (the body speaks of itself), a self-reference (本机关、我局…), the body's own
name, or 全区/我区-style words that fit the body's own level (全区 in a 区's report, never in a 局's).
A clause about anyone else (区政府办公室、各镇街、其中…) is not the table's subject and is skipped.

Where the wording allows two readings, either passes: 收到/受理 N 件 is the new applications or new
plus carried over (reports use both), 行政诉讼 N 件 is both litigation rows together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Optional

from .labels import SENTENCE_MARKS, compact
from .model import Problem
from .problems import problem

_N = r"(\d[\d,，]*(?:\.\d+)?)"
_SENTENCE_END = re.compile(f"(?<=[{SENTENCE_MARKS}\n])")
_CLAUSE = re.compile(r"[，,、：:（）()]")


@dataclass(frozen=True)
class Claim:
    """A wording that states one field (``keys``: the flat keys whose sum it states; ``alternatives``:
    other sums the same words may mean)."""
    name: str
    pattern: re.Pattern
    keys: tuple[str, ...]
    alternatives: tuple[tuple[str, ...], ...] = ()
    needs: str = ""  # a word the sentence must hold (the statement is about disclosure)
    money: bool = False


def _claim(name, pattern, keys, alternatives=(), needs="", money=False) -> Claim:
    return Claim(name, re.compile(pattern), tuple(keys), tuple(tuple(a) for a in alternatives), needs, money)


_NEW = ("applications.new_received.total",)
_CARRIED = ("applications.carried_over.total",)
CLAIMS = (
    _claim("新收申请", rf"^(?P<subject>.*?)(?:新收|收到|受理|接收|接到)(?:各类|群众|公民、法人和其他组织的?)?(?:政府)?信息公开申请"
                    rf"(?:共计|共|合计|总计)?\s*{_N}\s*(?:件|个|份)$", _NEW, [_NEW + _CARRIED]),
    _claim("上年结转", rf"^(?P<subject>.*?)上年(?:度)?结转(?:的)?(?:政府信息公开)?(?:申请)?\s*{_N}\s*件$", _CARRIED),
    _claim("结转下年", rf"^(?P<subject>.*?)结转(?:至|到)?(?:下一?年度?|(?P<year>20\d\d)年度?)(?:继续办理)?(?:的)?(?:申请)?"
                    rf"\s*{_N}\s*件$", ("applications.carried_forward.total",)),
    _claim("办结", rf"^(?P<subject>.*?)办结(?:政府信息公开申请)?\s*{_N}\s*件$", ("applications.outcome_total.total",)),
    _claim("予以公开", rf"^(?P<subject>.*?)予以公开\s*{_N}\s*件$", ("applications.disclosed.total",)),
    _claim("行政复议", rf"^(?P<subject>.*?)(?:政府信息公开)?(?:被申请)?行政复议(?:案件)?(?:共)?\s*{_N}\s*(?:件|起)$",
           ("review_litigation.administrative_review.total",), needs="信息公开"),
    _claim("行政诉讼", rf"^(?P<subject>.*?)(?:政府信息公开)?(?:被提起)?行政诉讼(?:案件)?(?:共)?\s*{_N}\s*(?:件|起)$",
           ("review_litigation.litigation_direct.total", "review_litigation.litigation_after_review.total"),
           needs="信息公开"),
    _claim("制发规范性文件", rf"^(?P<subject>.*?)(?:本年度?)?(?:制发|印发|出台)(?:的)?(?:行政)?规范性文件\s*{_N}\s*件$",
           ("proactive.normative_documents.issued",)),
    _claim("现行有效规范性文件", rf"^(?P<subject>.*?)现行有效(?:的)?(?:行政)?规范性文件(?:共)?\s*{_N}\s*件$",
           ("proactive.normative_documents.in_force",)),
    _claim("行政事业性收费", rf"^(?P<subject>.*?)行政事业性收费(?:金额)?(?:共计|共|为)?\s*{_N}\s*万元$",
           ("proactive.administrative_fees.amount_10k_yuan",), money=True),
)

# words that say when or how, not who: taken out of a subject wherever they stand
_TIME = re.compile(r"(?:20\d\d|\d{1,2})\s*年(?:度)?|\d{1,2}\s*月(?:\d{1,2}日)?|全年|本年度?|今年|年内|当年|同期|一年来|"
                   r"(?:截至|截止)(?:目前|年底|\d+月底?)?|以来|期间|其间|报告期内|本报告期|年度内|"
                   r"共计|合计|总计|累计|共有|共|依法|先后|此外|同时|另外|认真|及时|"
                   r"依申请公开(?:工作)?(?:方面)?|政府信息公开(?:工作)?方面|工作中|"
                   r"办理|因政府信息公开(?:申请|工作)?引发的?|涉及政府信息公开的?|发生|被申请|被提起|"
                   r"[至到对的有\s]")
_SELF = ("本机关", "本单位", "本部门", "我机关", "我单位", "我部门", "我局", "我委", "我办", "我厅", "我院", "我署", "我会",
         "我中心", "本局", "本委", "本办", "本厅", "本级")
_LEVELS = ("区", "县", "市", "镇", "乡", "街道", "州", "盟", "旗", "省")


def _self_subject(subject: str, organization: str) -> bool:
    subject = _TIME.sub("", compact(subject))
    if not subject:
        return True
    if subject in _SELF or (organization and subject == organization):
        return True
    match = re.fullmatch(r"(?:全|我|本)(区|县|市|镇|乡|街道|州|盟|旗|省)", subject)
    if match and organization:
        level = match.group(1)
        body = re.sub(r"(?:人民政府|政府|管委会|管理委员会|办事处)$", "", organization)
        return body.endswith(level) and not re.search(r"(?:局|委员会|委|办公室|办|厅|中心|院|所|队)$", organization)
    return False


# a period that covers the whole year: up to a day of it (截至12月31日), or from its first month to its last
_WHOLE_YEAR = re.compile(r"(?:截至|截止)(?:20\d\d年)?\d{1,2}月(?:底|\d{1,2}日)?|"
                         r"(?:20\d\d年)?1月(?:1日)?(?:至|到|-|—|－|~)(?:20\d\d年)?12月(?:31日|底)?")
_PART_OF_YEAR = re.compile(r"\d{1,2}月|[上下]半年|第?[一二三四1-4]季度|[前后][一二三四五六七八九十\d]+个?月")


def _another_period(subject: str, year: Optional[int]) -> bool:
    """Whether the words before the verb date the figure to another year, to several years
    (2021年至2023年累计…) or to a part of the year (12月、上半年…): not the table's figure."""
    subject = compact(subject)
    years = {int(y) for y in re.findall(r"(20\d\d)\s*年", subject)}
    if len(years) > 1 or (year and years and years != {year}):
        return True
    return _PART_OF_YEAR.search(_WHOLE_YEAR.sub("", subject)) is not None


def _number(text: str) -> float:
    return float(text.replace(",", "").replace("，", ""))


def _clauses(sentence: str) -> list[str]:
    return [c.strip().rstrip("。；！？.;!?") for c in _CLAUSE.split(sentence) if c.strip()]


def check(sections, tables: dict, organization: Optional[str], year: Optional[int],
          page_of: Callable[[str, object], Optional[int]] | None = None) -> list[Problem]:
    """Problems for the figures the prose of ``sections`` states that ``tables`` contradict.
    ``page_of(sentence, section)`` finds the page of a sentence (the section's page otherwise)."""
    org = compact(organization or "")
    problems: list[Problem] = []
    for section in sections:
        for sentence in _SENTENCE_END.split(section.text):
            sentence = sentence.strip()
            if re.search(r"\d", sentence):
                problems += _sentence(sentence, section, tables, org, year, page_of)
    return problems


def _sentence(sentence: str, section, tables: dict, org: str, year: Optional[int], page_of) -> list[Problem]:
    problems = []
    subject_before = ""  # a clause without a subject speaks of the subject of the clause before
    for clause in (compact(c) for c in _clauses(sentence)):
        if clause.startswith(_PART_OF):
            subject_before = "其中"  # a part of the figure before, and what follows is about that part
            continue
        claim, match = next(((c, m) for c in CLAIMS for m in [c.pattern.match(clause)] if m), (None, None))
        if claim is None:
            head = _VERB_HEAD.match(clause)  # 区政府办公室收到…: a new subject for the clauses after
            if head and _TIME.sub("", head.group(1)):
                subject_before = head.group(1)
            continue
        subject = match.group("subject")
        if _TIME.sub("", subject) or _another_period(subject, year):
            subject_before = subject
        else:
            subject = subject_before
        if claim.needs and claim.needs not in compact(sentence) or not _self_subject(subject, org):
            continue
        if _another_period(subject, year):
            continue
        if match.groupdict().get("year") and year and int(match.group("year")) != year + 1:
            continue
        written = match.groups()[-1]
        mismatch = _compare(claim, _number(written), _decimals(written), tables, sentence, section, page_of)
        if mismatch:
            problems.append(mismatch)
    return problems


_PART_OF = ("其中", "含", "包括", "涉及", "占")
_VERB_HEAD = re.compile(r"^(.*?)(?:新收|收到|受理|接收|接到|办结|结转|予以公开|制发|印发|出台)")


def _value(tables: dict, key: str):
    table, row, column = key.split(".")
    return tables.get(table, {}).get(row, {}).get(column)


def _sum(tables: dict, keys: tuple[str, ...]):
    values = [_value(tables, k) for k in keys]
    return None if any(v is None for v in values) else sum(values)


def _decimals(written: str) -> int:
    return len(written.split(".")[1]) if "." in written else 0


def _compare(claim: Claim, stated: float, decimals: int, tables: dict, sentence: str, section,
             page_of) -> Optional[Problem]:
    found = _sum(tables, claim.keys)
    if found is None:
        return None
    readings = [found] + [v for v in (_sum(tables, alt) for alt in claim.alternatives) if v is not None]
    # prose rounds money to the places it writes (0.12万元 for a table's 0.1234): equal at those places
    places = decimals if claim.money else 0
    if any(abs(stated - v) < 0.5 * 10 ** -places + 1e-9 for v in readings):
        return None
    table, row, column = claim.keys[0].split(".")
    if len(claim.keys) > 1:
        row = claim.keys[0].split(".")[1]
    page = page_of(sentence, section) if page_of else None
    stated_value = stated if claim.money else int(stated)
    return problem("narrative_mismatch", table=table, row=row, column=column, expected=stated_value, found=found,
                   page=page if page is not None else section.page, heading=section.heading, claim=claim.name,
                   sentence=sentence)
