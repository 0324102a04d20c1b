"""Label normalisation and fuzzy matching.

Real reports print the template's labels with full- or half-width brackets, stray spaces and line
breaks, different numbering styles (（一） (一) 一、 1. 1、), annotations in brackets, a few typos, and
cut into pieces when a PDF wraps them. Every comparison of a label goes through this module.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

CN_DIGITS = "一二三四五六七八九十"
_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans("", "", "\"'“”‘’「」『』")
_ORDINAL = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|\(\s*[一二三四五六七八九十]+\s*\)|\d{1,2}\s*[.、．](?!\d)|\(\s*\d{1,2}\s*\))"
)
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
    match = _ORDINAL.match(text)
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
