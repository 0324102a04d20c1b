"""`report-extract compare A B`: two reports (usually one body's consecutive years) side by side.

- every table value of either report with its change;
- the cross-year relations of ``crossyear`` (carry-over, documents in force) when B is the year
  after A;
- per section, the sentences of B that repeat a sentence of A's same section near-verbatim (the same
  after numbers, spaces and punctuation are set aside, or at least ``SIMILAR`` alike), and their share
  of B's sentences: a report pasted from last year's is a standard finding.

The comparison is data (``compare`` returns a dict, JSON-ready); the terminal and HTML views draw it.
"""

from __future__ import annotations

import re
from decimal import Decimal
from difflib import SequenceMatcher

from . import crossyear
from .labels import compact
from .model import Report
from .templates import iter_fields
from .writers import as_data

SIMILAR = 0.9  # how alike two sentences must be (difflib ratio, numbers set aside) to count as repeated
MIN_CHARS = 12  # shorter sentences (sub-headings such as （一）主动公开方面) are not counted
_SENTENCE = re.compile(r"(?<=[。；！？!?;])|\n")
_NOISE = re.compile(r"[\d０-９.,，、。；：:;！？!?“”\"'（）()《》〈〉\[\]【】\s\-—]+")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and len(_key(s)) >= MIN_CHARS]


def _key(sentence: str) -> str:
    """A sentence with numbers, spaces and punctuation set aside: 2022年 and 2023年 read alike."""
    return _NOISE.sub("", compact(sentence))


def repeated(a_text: str, b_text: str) -> list[dict]:
    """B's sentences that repeat one of A's: [{b, a, similarity}]."""
    a_sentences = [(s, _key(s)) for s in sentences(a_text)]
    exact = {k: s for s, k in a_sentences}
    out = []
    for sentence in sentences(b_text):
        key = _key(sentence)
        if key in exact:
            out.append({"b": sentence, "a": exact[key], "similarity": 1.0})
            continue
        best, score = None, 0.0
        for a_sentence, a_key in a_sentences:
            matcher = SequenceMatcher(None, key, a_key, autojunk=False)
            if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
                continue
            ratio = matcher.ratio()
            if ratio > score:
                best, score = a_sentence, ratio
        if best is not None and score >= SIMILAR:
            out.append({"b": sentence, "a": best, "similarity": round(score, 3)})
    return out


def _side(report: Report) -> dict:
    info = report.report
    return {"path": report.source.path, "title": info.title, "organization": info.organization, "year": info.year,
            "template": info.template}


def compare(a: Report, b: Report) -> dict:
    """The comparison of A (earlier) and B (later), as data."""
    labels = {f["field"]: f for f in iter_fields()}
    flat_a, flat_b = a.flat(), b.flat()
    values = []
    for key in list(labels) + sorted(k for k in set(flat_a) | set(flat_b) if k not in labels):
        if key not in flat_a and key not in flat_b:
            continue
        va, vb = flat_a.get(key), flat_b.get(key)
        change = None if va is None or vb is None else _difference(va, vb)
        field = labels.get(key, {})
        values.append({"field": key, "table": key.split(".")[0], "row": field.get("row", key.split(".")[1]),
                       "column": field.get("column", key.split(".")[2]), "a": va, "b": vb, "change": change})
    notes = []
    same_body = a.report.body is not None and a.report.body == b.report.body
    other_body = a.report.body is not None and b.report.body is not None and not same_body
    if other_body:  # two bodies' figures do not carry over from one to the other
        notes.append("两份报告的机关不同，跨年度勾稽关系（上年结转、现行有效件数）不核对。")
    elif not same_body:
        notes.append("有一份报告的机关未识别，跨年度勾稽关系仍按前后年度核对。")
    problems = []
    ea, eb = _essentials(a), _essentials(b)
    if ea and eb and eb["year"] == ea["year"] + 1:
        if not other_body:
            problems = [p.model_dump(mode="json") for p in crossyear.check(ea, eb)]
    else:
        notes.append("B 不是 A 的下一年度，跨年度勾稽关系（上年结转、现行有效件数）不核对。")
    prose = []
    sections_a = {s.key: s for s in a.sections}
    for section in b.sections:
        total = len(sentences(section.text))
        before = sections_a.get(section.key)
        found = repeated(before.text, section.text) if before is not None else []
        prose.append({"section": section.key, "heading": section.heading, "sentences": total,
                      "repeated": len(found), "share": round(len(found) / total, 3) if total else 0.0,
                      "repeated_sentences": found})
    b_all = sum(p["sentences"] for p in prose)
    return {"a": _side(a), "b": _side(b), "values": values, "problems": problems, "prose": prose,
            "prose_share": round(sum(p["repeated"] for p in prose) / b_all, 3) if b_all else 0.0, "notes": notes}


def _essentials(report: Report) -> dict | None:
    data = as_data(report)
    if not data["report"].get("year"):
        return None
    data["report"]["organization"] = data["report"].get("organization") or "?"
    return crossyear.essentials(data)


def _difference(a, b):
    """b − a at the precision the two are written with (0.0123 → 0.0146 万元 changed by 0.0023, not 0.0)."""
    if isinstance(a, float) or isinstance(b, float):
        return float(Decimal(str(b)) - Decimal(str(a)))
    return b - a

