"""Assembling template tables from the document: recognise, join, drop headers, read glued text.

A table is recognised by its labels, not by where it stands: each table block is scored against
the row and header labels of the three template tables. Consecutive blocks of the same table are
pieces of one table (split over a page, or by a converter); their repeated header rows fall out
because header rows are never data rows. Paragraphs between the pieces that are only label
fragments are table debris, not prose. Web-page text that lost its cell structure is read as a
stream of labels and digit runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from . import numbers
from .document import Block, Paragraph, Table
from .labels import ORDINAL_AT_END, bigrams, compact, nfkc, similarity, split_ordinal
from .templates import REVIEW, TableSpec, Template


@dataclass
class ObservedRow:
    labels: list[str]  # label cells as written, left to right
    values: list[str]  # value cells as written (a glued row: one run of digits)
    page: int | None = None
    table_index: int | None = None  # which table block of the document it came from
    glued: bool = False
    unit: str = ""  # a unit written after a glued run (元)
    ocr: list | None = None  # per value cell, its OcrReading where the table was read by OCR

    @property
    def label(self) -> str:
        return " ".join(x for x in self.labels if x)


@dataclass
class AssembledTable:
    spec_key: str
    rows: list[ObservedRow]
    block_ids: list[int] = field(default_factory=list)  # ids of the blocks it was made of
    debris_ids: list[int] = field(default_factory=list)  # paragraphs between pieces


@lru_cache(maxsize=16384)
def cell_kind(text: str) -> str:
    """'value' (number, blank or placeholder) or 'text'."""
    parsed = numbers.parse(text, "money")
    if parsed.status == numbers.TEXT and _DIGITS_ONLY.fullmatch(text):
        return "value"  # digits past the number digits limit: a value cell that is not a number, not a label
    return "text" if parsed.status == numbers.TEXT else "value"


_DIGITS_ONLY = re.compile(r"\s*[+-]?[\d,，.\s]*\d[\d,，.\s]*")


def split_row(cells: list[str]) -> tuple[list[str], list[str]]:
    """A row's cells -> (label cells, value cells): labels are the leading text cells."""
    last_label = -1
    for i, text in enumerate(cells):
        kind = cell_kind(text)
        if kind == "text":
            last_label = i
        elif text.strip():
            break
    labels = [c for c in cells[: last_label + 1] if c.strip()]
    return labels, cells[last_label + 1:]


# --- recognising a table block ----------------------------------------------------------------
_VOCABULARY: dict[int, list[str]] = {}


def _vocabulary(spec: TableSpec) -> list[str]:
    """Every label and header word of a template table (specs are module constants: cached)."""
    if id(spec) in _VOCABULARY:
        return _VOCABULARY[id(spec)]
    words = [r.label for r in spec.rows] + [r.group for r in spec.rows if r.group] + list(spec.header_words)
    for row in spec.rows:
        words += [c.label for c in spec.columns_of(row)]
    _VOCABULARY[id(spec)] = words
    return words


def score_block(texts: list[str], spec: TableSpec) -> float:
    """How many of a block's text cells are labels of this template table."""
    _vocabulary(spec)
    score = 0.0
    for text in texts:
        best = _best_label_score(text, id(spec))
        if best >= 0.75:
            score += best
    return score


@lru_cache(maxsize=16384)
def _best_label_score(text: str, spec_id: int) -> float:
    return max(similarity(text, w) for w in _VOCABULARY[spec_id])


def classify(table: Table, template: Template, previous: str | None = None) -> str | None:
    """The template table a block belongs to, or None.

    A block of numbers only continues the table before it (a piece cut from its labels); a row of
    13 or more numbers is table 四's. A short block needs fewer label hits than a long one.
    """
    rows = [[c.text for c in r] for r in table.rows]
    texts = [c for r in rows for c in r if cell_kind(c) == "text"]
    text_cells = len(texts)
    widest = max((len([c for c in r if c.strip() and cell_kind(c) == "value"]) for r in rows), default=0)
    if 13 <= widest <= 17:
        return REVIEW.key
    if text_cells == 0:
        return previous
    scores = {spec.key: score_block(texts, spec) for spec in template.tables}
    key = max(scores, key=scores.get)
    return key if scores[key] >= min(1.5, 0.85 * text_cells) else None


def is_debris(text: str, spec: TableSpec) -> bool:
    """A paragraph made of label fragments (a wrapped label pulled out of its table)."""
    squeezed = re.sub(r"\([^()]*\d[^()]*\)", "", compact(text))  # notes of cells: (其中修订16件)
    if not squeezed or len(squeezed) > 160:
        return False
    letters = re.sub(r"[\d\s]", "", squeezed)
    if not letters:
        return True
    _vocabulary(spec)
    vocab = _vocabulary_bigrams(id(spec))
    covered = [False] * len(letters)
    for i in range(len(letters) - 1):
        if letters[i:i + 2] in vocab:
            covered[i] = covered[i + 1] = True
    return sum(covered) / len(letters) >= 0.75


@lru_cache(maxsize=16)
def _vocabulary_bigrams(spec_id: int) -> frozenset[str]:
    grams: set[str] = set()
    for word in tuple(_VOCABULARY[spec_id]) + ("表二", "表三", "表四", "主动公开政府信息情况", "收到和处理政府信息公开申请情况"):
        grams |= bigrams(compact(word))
    return frozenset(grams)


def assemble(blocks: list[Block], template: Template) -> list[AssembledTable]:
    """Group the table blocks into template tables, in document order."""
    found: dict[str, AssembledTable] = {}
    last_key = None
    pending_debris: list[int] = []
    for block_id, block in enumerate(blocks):
        if isinstance(block, Paragraph):
            if last_key and not block.heading and is_debris(block.text, template.table(last_key)):
                pending_debris.append(block_id)
            else:
                last_key, pending_debris = None, []
            continue
        key = classify(block, template, last_key)
        if key is None:
            continue
        assembled = found.get(key)
        if assembled is None:
            assembled = found[key] = AssembledTable(key, [])
        elif key == last_key:
            assembled.debris_ids += pending_debris
        _add_block(assembled, block, block_id)
        last_key, pending_debris = key, []
    return list(found.values())


def _add_block(assembled: AssembledTable, table: Table, block_id: int) -> None:
    assembled.block_ids.append(block_id)
    for i, row in enumerate(table.rows):
        page = table.pages[i] if i < len(table.pages) else table.page
        labels, values = split_row([c.text for c in row])
        ocr = [c.ocr for c in row[len(row) - len(values):]] if row and row[0].ocr is not None else None
        assembled.rows.append(ObservedRow(labels, values, page, block_id, ocr=ocr))


# --- glued text: a table as one stream of labels and digits -------------------------------------
_RUN = re.compile(r"[\s]*(?P<run>[+\-]?\d[\d\s.,+\-]*|[/／—–\-]+)")
_UNIT_AFTER = re.compile(r"\s*(万元|元)")


@lru_cache(maxsize=1024)
def _label_pattern(label: str) -> re.Pattern:
    """A leaf label's words, with any whitespace or quote marks between the characters (made once
    a label: the template's labels are a few hundred)."""
    _, rest = split_ordinal(label)
    rest = re.sub(r"\(.*\)$", "", rest)  # the annotation is matched separately
    chars = [re.escape(ch) for ch in rest if ch not in "\"'“”‘’"]
    return re.compile(r"[\s\"'“”‘’]*".join(chars))


def read_stream(text: str, spec: TableSpec, page: int | None = None) -> tuple[list[ObservedRow], int, int]:
    """Rows of a template table from text without cell structure.

    Returns (rows, start, end): the span of ``text`` the table took. A label counts only where a
    number (or a placeholder) follows it, so a short label (``其他``) is not found inside a longer one.
    """
    text, origin = _normalised(text)
    rows, start, end = _review_stream(text, page) if spec.key == REVIEW.key else _row_stream(text, spec, page)
    return rows, origin[start], origin[end]


def _normalised(text: str) -> tuple[str, list[int]]:
    """NFKC text and, for each of its positions (and its end), the position in ``text``."""
    out, origin = [], []
    for i, ch in enumerate(text):
        norm = nfkc(ch)
        out.append(norm)
        origin.extend([i] * len(norm))
    origin.append(len(text))
    return "".join(out), origin


def _row_stream(text: str, spec: TableSpec, page: int | None) -> tuple[list[ObservedRow], int, int]:
    rows: list[ObservedRow] = []
    pos, start, end = 0, None, 0
    skip: set[str] = set()
    for row in spec.rows:
        if row.key in skip:
            continue
        hit = _find_row(text, row.label, pos)
        if hit is None:
            continue
        label_start, run_start, run, unit = hit
        if row.replaces:
            skip.update(row.replaces)
        rows.append(ObservedRow([text[label_start:run_start].strip()], [run.strip()], page, None, True, unit))
        start = label_start if start is None else start
        pos = end = run_start + len(run)
    return rows, (start or 0), end


def _find_row(text: str, label: str, pos: int):
    pattern = _label_pattern(label)
    wanted = split_ordinal(label)[0]
    for match in pattern.finditer(text, pos):
        after = match.end()
        # an annotation (（区分处理的，…）), or the part of it before the numbers when the label was
        # wrapped and its end stands on the next line
        annotation = re.match(r"[\s\"'“”‘’]*(?:\([^()\d]*(?:\)|(?=\s*[\d/—-])))?[\s\"'“”‘’]*", text[after:])
        after += annotation.end()
        run = _RUN.match(text, after)
        digits = _strip_next_ordinal(text, after, run.group(0)) if run else ""
        if digits.strip():
            label_start = _ordinal_start(text, match.start())
            if not _same_ordinal(split_ordinal(text[label_start:match.end()])[0], wanted):
                continue  # "2.其他…" cut short is not the row "3.其他"
            unit = _UNIT_AFTER.match(text, after + len(digits))
            return label_start, after, digits, unit.group(1) if unit else ""
    return None


def _same_ordinal(seen: str | None, wanted: str | None) -> bool:
    """Ordinals of one style (2. and 3., (二) and (三)) must agree; a missing one, or one of
    another style (3、 for 三、), is no evidence either way. In glued text the digits before an
    ordinal may be the previous row's last value (``…0002.其他``), so a digit ordinal agrees by its
    last digits."""
    if not seen or not wanted:
        return True
    style = (seen.startswith("("), seen.lstrip("(").isdigit())
    if style != (wanted.startswith("("), wanted.lstrip("(").isdigit()):
        return True
    return seen.endswith(wanted) if style == (False, True) else seen == wanted


def _ordinal_start(text: str, start: int) -> int:
    """Move a label's start back over its ordinal (``2.``, ``(三)``)."""
    m = ORDINAL_AT_END.search(text[:start])
    return m.start() if m else start


def _strip_next_ordinal(text: str, run_start: int, run: str) -> str:
    """``00000002.其他法律…``: the last digit is the next row's ordinal, not a value."""
    after = text[run_start + len(run):]
    ordinal = re.search(r"\d\s*[.、]\s*$", run)
    if ordinal and not after[:1].isdigit():
        return run[: ordinal.start()]
    return run.rstrip(" .,")


def _review_stream(text: str, page: int | None) -> tuple[list[ObservedRow], int, int]:
    """Table 四 in text: header words, then 15 numbers with no row label."""
    last_header = None
    for word in REVIEW.header_words:
        for m in re.finditer(r"\s*".join(map(re.escape, word)), text):
            if last_header is None or m.end() > last_header:
                last_header = m.end()
    if last_header is None:
        return [], 0, 0
    run = _RUN.match(text, last_header)
    if not run or sum(ch.isdigit() for ch in run.group("run")) < 15:
        return [], 0, 0  # fifteen numbers at least: "行政复议0件" in prose is not the table
    first = re.search(r"行\s*政\s*复\s*议", text)
    start = first.start() if first else last_header
    return [ObservedRow([], [run.group("run").strip()], page, None, True)], start, run.end()
