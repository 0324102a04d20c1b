"""Word's automatic list numbering, rendered into the paragraph text as Word displays it.

Many reports number their section headings (一、总体情况 … 六、其他需要报告的事项), sub-items
((一)…, 1.…) and table row labels with Word's (or WPS's) automatic numbering: the paragraph's text
then holds no 一、 at all; the number lives in ``numbering.xml``. Without it the sections are not
found. This module computes, for every numbered paragraph of the body in document order, the label
Word shows before its text:

- the paragraph's numbering is its own ``w:pPr/w:numPr`` or, where that is absent or partial, the
  one its paragraph style (or the styles it is based on) carries; ``w:numId`` 0 switches it off; a
  style that names only the list takes the level whose ``w:pStyle`` is that style;
- ``w:num`` -> ``w:abstractNum`` (following ``w:numStyleLink``), with ``w:lvlOverride``: a
  ``w:startOverride`` restarts the level the first time that list instance is used (Word's
  "restart numbering"), an overriding ``w:lvl`` replaces the definition;
- counters are kept per abstract list and level: list instances of one abstract list continue each
  other, as in Word; a level restarts after a higher level is used (``w:lvlRestart`` changes which
  one, 0: never);
- the label is ``w:lvlText`` with ``%1`` … ``%9`` replaced by the counters in each level's
  ``w:numFmt`` (all decimal under ``w:isLgl``), then the suffix (``w:suff``): a tab (the default)
  is a space, except after punctuation (``一、``, ``（一）``, ``1.``), where a reader writes none; an
  explicit space is a space; ``nothing`` is nothing.

A custom format (Word 2010's ``w:numFmt w:val="custom"`` inside ``mc:AlternateContent``) is read
by its fallback. Bullets are no numbers and are not rendered (their symbols are glyphs of symbol fonts). Numbers
beyond what a format can write (``①`` stops at 20, ``甲`` at 10) fall back to decimal, as Word does.
Absurd definitions stay bounded: nine levels, numbers clamped, templates and link chains capped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"  # Word 2010's custom formats
NUMBERING_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
STYLES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"

MAX_LEVELS = 9  # Word's list levels (w:ilvl 0..8); other levels are ignored
MAX_NUMBER = 32767  # Word's largest list number: a larger start or override is clamped to it
MAX_LEVEL_TEXT = 64  # characters of a level's template (w:lvlText) kept; Word's own limit is lower
MAX_LINK_DEPTH = 16  # style w:basedOn and w:numStyleLink chains followed before giving up
# the containers that hold body paragraphs (the reader reads these; runs are not descended into)
_CONTAINERS = {W + t for t in ("tbl", "tr", "tc", "sdt", "sdtContent", "customXml", "ins", "moveTo")}


@dataclass
class Level:
    fmt: str = "decimal"
    text: str = ""
    start: int = 1
    restart: int | None = None  # w:lvlRestart: restart after this one-based level is used; 0: never
    is_legal: bool = False
    suffix: str = "tab"
    style: str | None = None  # the paragraph style linked to this level


@dataclass
class ListInstance:
    """A ``w:num``: the abstract list whose counters it uses, and its overrides per level."""
    abstract: str
    starts: dict[int, int]  # w:startOverride per level
    levels: dict[int, Level]  # w:lvlOverride/w:lvl per level


def labels(part, body) -> dict:
    """Paragraph element -> its list label (number and suffix), for the numbered paragraphs of
    ``body``; empty when the document uses no numbering. ``part`` is python-docx's document part."""
    numbering_root = styles_root = None
    for rel in part.rels.values():
        if rel.is_external:
            continue
        if rel.reltype == NUMBERING_REL:
            numbering_root = _root(rel.target_part)
        elif rel.reltype == STYLES_REL:
            styles_root = _root(rel.target_part)
    if numbering_root is None:
        return {}
    return Numbering(numbering_root, styles_root).label_paragraphs(body)


def _root(target_part):
    element = getattr(target_part, "element", None)
    if element is not None:
        return element
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(target_part.blob, parser)
    except etree.XMLSyntaxError:
        return None


def _val(node, path: str | None = None) -> str | None:
    found = node.find(path) if path else node
    return None if found is None else found.get(W + "val")


def _int(value: str | None, default: int | None = None, low: int = 0, high: int = MAX_NUMBER) -> int | None:
    try:
        number = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    return min(max(number, low), high)


def _on(node) -> bool:
    """A w:ST_OnOff element: present and not switched off."""
    return node is not None and node.get(W + "val", "true") not in ("false", "0", "off")


def _level(lvl) -> Level:
    text_node = lvl.find(W + "lvlText")
    text = "" if text_node is None or _on(text_node.find(W + "null")) else (text_node.get(W + "val") or "")
    restart = lvl.find(W + "lvlRestart")
    return Level(fmt=_val(lvl, W + "numFmt") or _val(lvl, f"{MC}AlternateContent/{MC}Fallback/{W}numFmt") or "decimal",
                 text=text[:MAX_LEVEL_TEXT],
                 start=_int(_val(lvl, W + "start"), 1),
                 restart=None if restart is None else _int(_val(restart), None, 0, MAX_LEVELS),
                 is_legal=_on(lvl.find(W + "isLgl")),
                 suffix=_val(lvl, W + "suff") or "tab",
                 style=_val(lvl, W + "pStyle"))


def _levels(node) -> dict[int, Level]:
    out = {}
    for lvl in node.iterchildren(W + "lvl"):
        index = _int(lvl.get(W + "ilvl"), None, -1, MAX_LEVELS)
        if index is not None and 0 <= index < MAX_LEVELS:
            out[index] = _level(lvl)
    return out


class Numbering:
    def __init__(self, numbering_root, styles_root=None):
        self.abstracts: dict[str, dict[int, Level]] = {}
        self.style_links: dict[str, str] = {}  # abstract -> the numbering style it is defined by
        for node in numbering_root.iterchildren(W + "abstractNum"):
            key = node.get(W + "abstractNumId")
            if key is None:
                continue
            self.abstracts[key] = _levels(node)
            link = _val(node, W + "numStyleLink")
            if link:
                self.style_links[key] = link
        self.instances: dict[str, ListInstance] = {}
        for node in numbering_root.iterchildren(W + "num"):
            key, abstract = node.get(W + "numId"), _val(node, W + "abstractNumId")
            if key is None or abstract is None:
                continue
            starts, levels = {}, {}
            for override in node.iterchildren(W + "lvlOverride"):
                index = _int(override.get(W + "ilvl"), None, -1, MAX_LEVELS)
                if index is None or not 0 <= index < MAX_LEVELS:
                    continue
                start = _int(_val(override, W + "startOverride"))
                if start is not None:
                    starts[index] = start
                lvl = override.find(W + "lvl")
                if lvl is not None:
                    levels[index] = _level(lvl)
            self.instances[key] = ListInstance(abstract, starts, levels)
        # paragraph and numbering styles: id -> (numId, ilvl, basedOn); the default paragraph style
        self.styles: dict[str, tuple[str | None, int | None, str | None]] = {}
        self.default_style: str | None = None
        if styles_root is not None:
            for style in styles_root.iterchildren(W + "style"):
                if style.get(W + "type", "paragraph") not in ("paragraph", "numbering"):
                    continue  # numbering styles: what w:numStyleLink names
                sid = style.get(W + "styleId")
                if sid is None:
                    continue
                num_pr = style.find(f"{W}pPr/{W}numPr")
                num_id = _val(num_pr, W + "numId") if num_pr is not None else None
                ilvl = _int(_val(num_pr, W + "ilvl"), None, -1, MAX_LEVELS) if num_pr is not None else None
                self.styles[sid] = (num_id, ilvl, _val(style, W + "basedOn"))
                if style.get(W + "default") in ("1", "true", "on"):
                    self.default_style = sid
        self._style_cache: dict[str | None, tuple[str | None, int | None]] = {}
        self.counters: dict[str, list[int | None]] = {}
        self.used: set[str] = set()

    # --- which list and level a paragraph is on ---------------------------------------------------
    def _style_numbering(self, style: str | None) -> tuple[str | None, int | None]:
        if style in self._style_cache:
            return self._style_cache[style]
        found = self._style_cache[style] = self._style_chain(style)
        return found

    def _style_chain(self, style: str | None) -> tuple[str | None, int | None]:
        num_id = ilvl = None
        seen: set[str] = set()
        while style is not None and style not in seen and len(seen) < MAX_LINK_DEPTH:
            seen.add(style)
            entry = self.styles.get(style)
            if entry is None:
                break
            if num_id is None:
                num_id = entry[0]
            if ilvl is None:
                ilvl = entry[1]
            style = entry[2]
        return num_id, ilvl

    def _abstract(self, instance: ListInstance) -> str:
        """The abstract list an instance counts in: through w:numStyleLink to the list the
        numbering style names."""
        abstract = instance.abstract
        for _ in range(MAX_LINK_DEPTH):
            link = self.style_links.get(abstract)
            if link is None:
                break
            num_id = self._style_numbering(link)[0]
            target = self.instances.get(num_id) if num_id else None
            if target is None or target.abstract == abstract:
                break
            abstract = target.abstract
        return abstract

    def _position(self, p) -> tuple[str, int] | None:
        p_pr = p.find(W + "pPr")
        style = _val(p_pr, W + "pStyle") if p_pr is not None else None
        style = style or self.default_style
        num_pr = p_pr.find(W + "numPr") if p_pr is not None else None
        own_id = _val(num_pr, W + "numId") if num_pr is not None else None
        own_level = _int(_val(num_pr, W + "ilvl"), None, -1, MAX_LEVELS) if num_pr is not None else None
        if own_id is None and own_level is None and style not in self.styles:
            return None
        style_id, style_level = self._style_numbering(style)
        num_id = own_id if own_id is not None else style_id
        if num_id is None or num_id == "0" or num_id not in self.instances:
            return None
        level = own_level if own_level is not None else style_level
        if level is None:
            abstract = self.abstracts.get(self._abstract(self.instances[num_id]), {})
            level = next((i for i, lvl in sorted(abstract.items()) if style and lvl.style == style), 0)
        if not 0 <= level < MAX_LEVELS:
            return None
        return num_id, level

    # --- counting and rendering ----------------------------------------------------------------------
    def _definition(self, instance: ListInstance, abstract: str, index: int) -> Level | None:
        return instance.levels.get(index) or self.abstracts.get(abstract, {}).get(index)

    def label(self, p) -> str:
        """The label of paragraph ``p`` (advancing the counters), or "" when it has none."""
        position = self._position(p)
        if position is None:
            return ""
        num_id, index = position
        instance = self.instances[num_id]
        abstract = self._abstract(instance)
        level = self._definition(instance, abstract, index)
        if level is None or level.fmt == "bullet":
            return ""
        counters = self.counters.setdefault(abstract, [None] * MAX_LEVELS)
        if num_id not in self.used:  # the list instance's first paragraph: "restart numbering"
            self.used.add(num_id)
            for overridden in instance.starts:
                counters[overridden] = None

        def start(i: int) -> int:
            if i in instance.starts:
                return instance.starts[i]
            definition = self._definition(instance, abstract, i)
            return definition.start if definition else 1

        current = counters[index]
        counters[index] = start(index) if current is None else min(current + 1, MAX_NUMBER)
        for deeper in range(index + 1, MAX_LEVELS):
            definition = self._definition(instance, abstract, deeper)
            after = deeper if definition is None or definition.restart is None else definition.restart
            if index < after:
                counters[deeper] = None

        def number(match: re.Match) -> str:
            i = int(match.group(1)) - 1
            if i > index:
                return ""
            definition = self._definition(instance, abstract, i)
            fmt = definition.fmt if definition else "decimal"
            if level.is_legal and fmt != "none":
                fmt = "decimal"
            value = counters[i]
            return format_number(start(i) if value is None else value, fmt)

        text = re.sub(r"%([1-9])", number, level.text)
        if not text or level.suffix == "nothing":
            return text
        if level.suffix == "space":
            return text + " "
        return text if unicodedata.category(text[-1]).startswith("P") else text + " "

    def label_paragraphs(self, body) -> dict:
        out = {}
        stack = [iter(body.iterchildren())]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
            elif child.tag == W + "p":
                label = self.label(child)
                if label:
                    out[child] = label
            elif child.tag in _CONTAINERS:
                stack.append(iter(child.iterchildren()))
        return out


# --- number formats (w:numFmt) ---------------------------------------------------------------------
_CJK_DIGITS = "〇一二三四五六七八九"
_CJK_UNITS = ("", "十", "百", "千")
_CJK_GROUPS = ("", "万", "亿")
_LEGAL_SIMPLIFIED = ("零壹贰叁肆伍陆柒捌玖", ("", "拾", "佰", "仟"), ("", "万", "亿"))
_LEGAL_TRADITIONAL = ("零壹貳參肆伍陸柒捌玖", ("", "拾", "佰", "仟"), ("", "萬", "億"))
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_ENCLOSED = {"decimalEnclosedCircle": 0x2460, "decimalEnclosedCircleChinese": 0x2460,
             "decimalEnclosedParen": 0x2474, "decimalEnclosedFullstop": 0x2488}  # 1..20 each
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
_MAX_LETTER_REPEAT = 30  # A..Z, AA..ZZ, …: beyond 30 letters the number is written in digits


def format_number(value: int, fmt: str) -> str:
    """``value`` as Word writes a list number in format ``fmt``; formats Word writes in words of
    other languages, and unknown ones, fall back to decimal."""
    if fmt == "none":
        return ""
    if value <= 0:
        return str(value)
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "taiwaneseCountingThousand",
               "japaneseCounting", "koreanCounting"):
        if fmt == "chineseCounting" and value >= 100:  # Word writes these digit by digit
            return _digits(value, _CJK_DIGITS)
        return _reading(value, _CJK_DIGITS, _CJK_UNITS, _CJK_GROUPS, short_ten=True)
    if fmt in ("chineseLegalSimplified", "ideographLegalTraditional"):
        digits, units, groups = _LEGAL_SIMPLIFIED if fmt == "chineseLegalSimplified" else _LEGAL_TRADITIONAL
        return _reading(value, digits, units, groups, short_ten=False)
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return _digits(value, _CJK_DIGITS)
    if fmt == "ideographTraditional" and value <= len(_HEAVENLY_STEMS):
        return _HEAVENLY_STEMS[value - 1]
    if fmt == "ideographZodiac" and value <= len(_EARTHLY_BRANCHES):
        return _EARTHLY_BRANCHES[value - 1]
    if fmt in _ENCLOSED and value <= 20:
        return chr(_ENCLOSED[fmt] + value - 1)
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return _digits(value, "０１２３４５６７８９")
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt in ("upperRoman", "lowerRoman") and value < 4000:
        roman = _roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("upperLetter", "lowerLetter") and value <= 26 * _MAX_LETTER_REPEAT:
        letter = chr(ord("A" if fmt == "upperLetter" else "a") + (value - 1) % 26)
        return letter * ((value - 1) // 26 + 1)
    if fmt == "ordinal":
        tail = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
        return f"{value}{tail}"
    return str(value)


def _digits(value: int, digits: str) -> str:
    return "".join(digits[int(d)] for d in str(value))


def _roman(value: int) -> str:
    out = []
    for amount, letters in _ROMAN:
        count, value = divmod(value, amount)
        out.append(letters * count)
    return "".join(out)


def _reading(value: int, digits: str, units: tuple, groups: tuple, short_ten: bool) -> str:
    """A positive number read out in Chinese: 十一, 一百〇五, 一万〇二十; 十… rather than 一十…
    where ``short_ten`` (the counting formats; the legal ones write 壹拾)."""
    parts = []
    while value:
        value, group = divmod(value, 10000)
        parts.append(group)
    out = ""
    zero_pending = False
    for power in reversed(range(len(parts))):
        group = parts[power]
        if group == 0:
            zero_pending = bool(out)
            continue
        if out and (zero_pending or group < 1000):
            out += digits[0]
        out += _group(group, digits, units) + groups[min(power, len(groups) - 1)]
        zero_pending = False
    if short_ten and out.startswith(digits[1] + units[1]):
        out = out[1:]
    return out


def _group(group: int, digits: str, units: tuple) -> str:
    out, started, zero = [], False, False
    for power in (3, 2, 1, 0):
        digit = group // 10 ** power % 10
        if digit == 0:
            zero = started
            continue
        if zero:
            out.append(digits[0])
            zero = False
        out.append(digits[digit] + units[power])
        started = True
    return "".join(out)
