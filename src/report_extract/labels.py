"""Label normalisation and fuzzy matching, and the grammar of numbering and sentences.

The rules of how a report numbers its headings and items (一、 （二） 3.) and how a sentence ends
are written here once; readers, layout, sections and tables import them.

Real reports print the template's labels with full- or half-width brackets, stray spaces and line
breaks, different numbering styles (（一） (一) 一、 1. 1、), annotations in brackets, a few typos, and
cut into pieces when a PDF wraps them. Every comparison of a label goes through this module.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# --- the grammar of numbering and sentences: every reader and every step takes it from here ----
CN_DIGITS = "一二三四五六七八九十"
# A number in numerals as an ordinal writes it: two numerals at most, 一 … 九十九. The sections go to
# 六 and the items of a table to 二十 (TEMPLATES.md); three numerals (二十一) number nothing in a
# report, and a run of three is more likely words (一二三).
CN_NUMBER = f"[{CN_DIGITS}]{{1,2}}"
# The three styles of an ordinal (pattern pieces, for the rules below and sections.HEADING):
CN_ORDINAL = rf"{CN_NUMBER}\s*[、.．]"  # 一、 十二.
BRACKETED_ORDINAL = rf"[（(]\s*[{CN_DIGITS}\d]{{1,2}}\s*[)）]"  # （一） (3)
DIGIT_ORDINAL = r"\d{1,2}\s*[.．、](?!\d)"  # 1. 2、 (not 1.5: a number)
# a heading, an item or a label that starts with an ordinal of any style: 一、 （二） 3.
ORDINAL = re.compile(rf"^\s*(?:{CN_ORDINAL}|{BRACKETED_ORDINAL}|{DIGIT_ORDINAL})")
# a numbered item of prose: an ordinal in numerals, 一、 or （二） (the readers of prose lines,
# text.py and text_lines.paragraphs, have never taken the digit style 3. for one)
ITEM_ORDINAL = re.compile(rf"^\s*(?:{CN_ORDINAL}|{BRACKETED_ORDINAL})")
# text that starts as a section heading does (一、), whatever words follow
HEADING_ORDINAL = re.compile(rf"^\s*{CN_NUMBER}\s*、")
# the ordinal a label's text ends with, where glued text runs the next label on (…其他2. 三、)
ORDINAL_AT_END = re.compile(rf"(?:{CN_ORDINAL}|{BRACKETED_ORDINAL}|{DIGIT_ORDINAL})\s*$")
# A sentence ends here: a line, a cell or a paragraph ending with one is prose, never a label.
SENTENCE_MARKS = "。；！？"
SENTENCE_END = tuple(SENTENCE_MARKS)  # for str.endswith
# a line of prose stops here (it is not wrapped on): a sentence's or a clause's last mark, full- or
# half-width (a colon ends a lead-in)
LINE_END = tuple("。！？；：!?;:")
# a paragraph stops here (one broken by a page break does not): a line's end, or a closing quote or
# bracket after it, or an ellipsis
PARAGRAPH_END = LINE_END + tuple("”」』）)…")

# The least similarity at which observed words name a template's: a table row's label (mapping), and a
# section's heading OCR damaged (sections.named_heading)
MATCH = 0.55

_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans("", "", "\"'“”‘’「」『』")
_ANNOTATION = re.compile(r"\([^()]*\)?")
# typos seen in real reports (TEMPLATES.md §5.8, §5.13), and traditional forms of mirror sites
_TYPOS = (("内容事务", "内部事务"), ("檔案", "文件"), ("許可", "许可"), ("規範", "规范"))


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "")


@lru_cache(maxsize=1)
def _converter():
    import opencc  # OpenCC's own tables: phrase-aware, kept up to date upstream

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=16384)
def simplified(text: str) -> str:
    """Traditional script -> simplified, character for character (the same length, so a span found in
    the simplified text is the same span of the text as written). A report in traditional script
    (政府信息公開工作年度報告) matches every label, heading and title word through this."""
    if text.isascii():
        return text
    out = _converter().convert(text)
    if len(out) != len(text):  # a phrase rule changed the length: convert one character at a time
        out = "".join(_converter().convert(ch) for ch in text)
    return out


@lru_cache(maxsize=16384)
def compact(text: str) -> str:
    """NFKC, no whitespace, no quote marks, the known typos mended."""
    text = _SPACE.sub("", nfkc(text)).translate(_QUOTES)
    for wrong, right in _TYPOS:
        text = text.replace(wrong, right)
    return simplified(text)


@lru_cache(maxsize=16384)
def split_ordinal(label: str) -> tuple[str | None, str]:
    """'（三）不予公开' -> ('(三)', '不予公开'); '2.重复申请' -> ('2', '重复申请')."""
    text = compact(label)
    match = ORDINAL.match(text)
    if not match:
        return None, text
    ordinal = match.group(0)
    style = "(" if ordinal.startswith("(") else ""
    core = re.sub(r"[()、.．\s]", "", ordinal)
    return style + core, text[match.end():]


@lru_cache(maxsize=16384)
def core(label: str) -> str:
    """The words of a label: no ordinal, no bracketed annotation, no punctuation."""
    _, rest = split_ordinal(label)
    rest = _ANNOTATION.sub("", rest) or rest
    return re.sub(r"[、，,：:;；。.．()]", "", rest)


@lru_cache(maxsize=16384)
def bigrams(text: str) -> frozenset[str]:
    if len(text) == 1:
        return frozenset([text])
    return frozenset(text[i:i + 2] for i in range(len(text) - 1))


@lru_cache(maxsize=65536)
def similarity(observed: str, template: str) -> float:
    """How well an observed label matches a template label, 0…1.

    Dice over character bigrams, raised for a piece of the template label (a label cut by a line or
    page break) when the piece is long enough to say something.
    """
    a, b = bigrams(core(observed)), bigrams(core(template))
    if not a or not b:
        return 0.0
    common = len(a & b)
    dice = 2 * common / (len(a) + len(b))
    containment = common / len(a)
    if len(a) >= 4:
        return max(dice, 0.85 * containment)
    return dice
