"""Cell text -> value: integers, money, signed changes, blanks and placeholders, glued digits.

A blank or a placeholder is ``None``, never 0. A number followed by a note (``22（其中修订16件）``) is
that number. Digits glued together by a web page that lost its cell separators are split only where
the arithmetic relations of the row leave one reading (``split_glued``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Callable, Sequence

from . import limits
from .labels import nfkc
from .templates import COUNT, MONEY, SIGNED

PLACEHOLDERS = frozenset(["/", "\\", "-", "--", "—", "——", "–", "―", "─", "无", "空", "/ /", "×", "x", "X", "*"])
_NUMBER = re.compile(
    r"^(?P<sign>[+-])?\s*(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?\s*(?P<unit>万元|元|件|个|项|条|次|宗)?"
)

NUMBER, BLANK, PLACEHOLDER, TEXT = "number", "blank", "placeholder", "text"


@dataclass(frozen=True)
class Parsed:
    value: int | Decimal | None
    status: str  # number | blank | placeholder | text
    note: str = ""  # what followed the number (a note in brackets)
    unit: str = ""
    fractional: bool = False  # a count written with a fraction: not a count


def clean(text: str) -> str:
    """NFKC, whitespace folded, thousands separators (1,234 / 1，234) kept for the pattern."""
    text = nfkc(text).replace("\u00a0", " ").strip()
    text = re.sub(r"(?<=\d)\s+(?=\d)", "", text)  # digits a cell wrapped over two lines
    return text


@lru_cache(maxsize=16384)
def parse(text: str | None, kind: str = COUNT) -> Parsed:
    text = clean(text or "")
    if not text:
        return Parsed(None, BLANK)
    if text in PLACEHOLDERS or re.fullmatch(r"[-—–―─/\\\s]+", text):
        return Parsed(None, PLACEHOLDER)
    match = _NUMBER.match(text)
    if not match:
        return Parsed(None, TEXT, note=text)
    rest = text[match.end():].strip()
    if rest and not _is_note(rest):
        return Parsed(None, TEXT, note=text)
    digits = match.group("int").replace(",", "")
    if len(digits) > limits.NUMBER_DIGITS.value:  # a run of digits no table holds: text, not a number
        return Parsed(None, TEXT, note=text)
    frac = match.group("frac")
    sign = -1 if match.group("sign") == "-" else 1
    unit = match.group("unit") or ""
    if kind == MONEY:
        value: int | Decimal = Decimal(digits + ("." + frac if frac else "")) * sign
        if frac is None:
            value = int(value)
        return Parsed(value, NUMBER, rest, unit)
    if frac and int(frac) != 0:
        return Parsed(None, TEXT, note=text, fractional=True)
    return Parsed(int(digits) * sign, NUMBER, rest, unit)


def _is_note(rest: str) -> bool:
    """A bracketed note or a 其中/含 clause after the number, not a second value."""
    return rest[0] in "(（[【" or rest.startswith(("其中", "含", "包括", "注"))


# --- glued digits --------------------------------------------------------------------------
_MAX_READINGS = 5000


def _pieces(run: str, kind: str) -> list[str]:
    """The ways one piece of a glued run can start: valid numbers as prefixes of ``run``."""
    out = []
    sign = ""
    body = run
    if kind == SIGNED and run[:1] in "+-":
        sign, body = run[0], run[1:]
    elif run[:1] in "+-":
        return []
    if not body or not body[0].isdigit():
        return []
    digits = len(body) - len(body.lstrip("0123456789"))
    ends = [1] if body[0] == "0" else list(range(1, digits + 1))
    for end in ends:
        piece = body[:end]
        rest = body[end:]
        if kind == MONEY and rest.startswith(".") and len(rest) > 1 and rest[1].isdigit():
            continue  # a decimal point belongs to this piece; taken below
        out.append(sign + piece)
    if kind == MONEY:
        m = re.match(r"(\d+)\.(\d+)", body)
        if m and (m.group(1) == "0" or not m.group(1).startswith("0")):
            for end in range(len(m.group(1)) + 2, m.end() + 1):
                out.append(sign + body[:end])
    return out


def split_glued(
    text: str,
    kinds: Sequence[str],
    accept: Callable[[list[int | Decimal]], bool] | None = None,
    prune: Callable[[list[int | Decimal]], bool] | None = None,
) -> list[list[int | Decimal]]:
    """Every reading of ``text`` (digits, maybe with spaces that are sure separators) as
    ``len(kinds)`` numbers that ``accept`` allows; ``prune`` rejects a partial reading early.
    Too many readings (or too much work to list them): [].
    """
    chunks = [c for c in re.split(r"\s+", nfkc(text).strip()) if c]
    if sum(map(len, chunks)) > limits.NUMBER_DIGITS.value * max(len(kinds), 1):
        return []  # more digits than the cells could hold
    results: list[list[int | Decimal]] = []
    steps = [0]

    def value(piece: str, kind: str) -> int | Decimal:
        return Decimal(piece) if (kind == MONEY and "." in piece) else int(piece)

    def walk(chunk_i: int, pos: int, acc: list[str]) -> bool:
        steps[0] += 1
        if len(results) > _MAX_READINGS or steps[0] > 200_000:
            return False
        if prune is not None and acc and prune([value(p, k) for p, k in zip(acc, kinds)]):
            return True
        if chunk_i == len(chunks):
            if len(acc) == len(kinds):
                values = [value(p, k) for p, k in zip(acc, kinds)]
                if accept is None or accept(values):
                    results.append(values)
            return True
        chunk = chunks[chunk_i]
        if pos == len(chunk):
            return walk(chunk_i + 1, 0, acc)
        if len(acc) == len(kinds):
            return True
        kind = kinds[len(acc)]
        for piece in _pieces(chunk[pos:], kind):
            if not walk(chunk_i, pos + len(piece), acc + [piece]):
                return False
        return True

    if not walk(0, 0, []) or len(results) > _MAX_READINGS:
        return []
    return results


def agreed(readings: list[list]) -> list:
    """Per position, the value every reading agrees on, else None."""
    if not readings:
        return []
    return [col[0] if all(v == col[0] for v in col) else None for col in zip(*readings)]


def looks_glued(text: str, expected: int) -> bool:
    """A cell or run that holds fewer whitespace-separated numbers than the row has columns."""
    chunks = [c for c in nfkc(text).split() if c]
    return 0 < len(chunks) < expected and all(re.fullmatch(r"[+-]?[\d.]+", c) for c in chunks)


