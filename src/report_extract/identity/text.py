"""Text as the identity reads it: plain (NFKC, simplified script, no whitespace, Chinese-numeral
years as digits) with a map back to the text as written; the record a source gives; year sanity."""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ..document import Block
from ..labels import SENTENCE_MARKS, simplified

HAN = r"\u4e00-\u9fff"
YEAR = r"(?:19|20)\d{2}"
SENTENCE = re.compile(f"[{SENTENCE_MARKS}]")
CLAUSE = re.compile(r"[。；！？，,：:]")
_CN_DIGITS = {ch: i for i, ch in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0, "o": 0, "0": 0}
# characters of one line or paragraph the identity reads: a title, an opening sentence, a signature
# are far shorter, and a hostile 20 MB line read seven times character by character took 55 s
MAX_TEXT = 4000
FIRST_YEAR = 2007  # the regulation took effect in 2008: no annual report is older


@dataclass
class Plain:
    """Text as matched (NFKC, simplified script, no whitespace) with, for each of its characters,
    the position of the character it came from in the text as written."""
    text: str
    origin: list[int]
    written: str

    @classmethod
    def of(cls, written: str) -> Plain:
        """The plain text of ``written`` (the same object for the same text: a Plain is never
        changed, and the identity's readers ask for the same lines several times)."""
        return _plain(written[:MAX_TEXT])  # what names a report stands at the start of its lines

    @classmethod
    def _of(cls, written: str) -> Plain:
        if unicodedata.is_normalized("NFKC", written):  # most text: each character is its own form
            origin = [i for i, ch in enumerate(written) if not ch.isspace()]
            chars = [written[i] for i in origin]
        else:  # a character at a time, so that each keeps where it came from
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
        text = re.sub(rf"(?<=[{HAN}])\s+|\s+(?=[{HAN}])", "", text) if "\n" in text else text
        return re.sub(rf"(?<=[{HAN}])\s+(?=[{HAN}])", "", text).strip()


@lru_cache(maxsize=256)  # a few lines a report: titles, openings, signatures (each at most MAX_TEXT)
def _plain(written: str) -> Plain:
    return Plain._of(written)


_CN_YEAR = re.compile(r"[〇零○Oo0一二三四五六七八九]{4}(?=年)")  # 二O二三年: a Latin O for 〇


def _arabic_years(text: str) -> str:
    """二〇二三年 -> 2023年 (the same length): some titles write the year in Chinese numerals."""
    return _CN_YEAR.sub(lambda m: "".join(str(_CN_DIGITS[ch]) for ch in m.group(0)), text)


@dataclass
class Found:
    title: str | None = None
    organization: str | None = None
    year: int | None = None
    academic: bool = False
    published: str | None = None
    block: tuple[Block, int] | None = None  # a signature's first block and source line
    banner: Found | None = None  # a title joined to a name line above it: the title without that line


def number_of(text: str) -> int:
    """2024 -> 2024; 二十六 -> 26, 十一 -> 11, 三 -> 3 (a date's month and day in Chinese numerals)."""
    if text.isdigit():
        return int(text)
    if text == "元":  # 元月: January
        return 1
    if "十" not in text:
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def sane_year(year: int | None) -> int | None:
    if year is None or not FIRST_YEAR <= year <= datetime.date.today().year + 1:
        return None
    return year
