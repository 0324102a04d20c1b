"""Pandoc's simple and multiline tables in markdown text, rewritten as tab-separated rows.

Pandoc (2.x by default, and 3.x without grid tables) writes a table as columns of text under a line
of dash runs, one run per column::

      -------------------------------------------
      行政复议                 行政诉讼                  <- header lines (multiline: under a top rule)
      ---------- ---------- ------ ----------------   <- the column line: where each column starts
      结果维持   结果纠正   总计   未经复议直接起诉

      3          0          4      3                  <- a row: lines up to a blank line
      -------------------------------------------     <- the bottom rule (multiline tables)

A cell's text may run over several lines of its row (multiline tables) and a simple table has one
line a row. Columns are found by *display* position: pandoc aligns wide (CJK) characters as two
columns each, so a Chinese label moves every later column by its width, not its length. A word is
the column's where it starts, so a label that overflows its column stays whole.

The text reader reads tab-separated lines as table rows; this module hands it every such table in
that shape (``as_tab_rows``) and leaves all other lines as they are. Precision first: a dash line is
a table only in the shapes above (a lone ``-----`` is a markdown rule, a dash line under one line of
text a heading's underline unless it has two runs or more).
"""

from __future__ import annotations

import re
import unicodedata
from itertools import accumulate

from ..document import join_lines

_RUNS = re.compile(r"-{3,}")
_DASH_LINE = re.compile(r"^\s*-{3,}(?:\s+-{3,})*\s*$")
_WORD = re.compile(r"\S+")
MAX_HEADER_LINES = 12  # a multiline table's header: a few lines of column titles


def as_tab_rows(lines: list[str]) -> list[str]:
    """``lines`` with each pandoc simple or multiline table replaced by one tab-separated line a row."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        found = _table_at(lines, i, out)
        if found is None:
            out.append(lines[i])
            i += 1
            continue
        rows, i, header_taken = found
        if header_taken:
            out.pop()
        out += ["\t".join(cell.replace("\t", " ") for cell in row) for row in rows]
        out.append("")  # the table ends its block
    return out


def _table_at(lines: list[str], i: int, out: list[str]):
    """(rows, index after the table, whether the line before ``i`` was its header) for a table
    whose first dash line is ``lines[i]``; None if none starts there."""
    line = lines[i]
    if not _DASH_LINE.match(line):
        return None
    runs = _runs(line)
    if len(runs) == 1:  # a top rule: a multiline table's header lines and column line follow it
        j = i + 1
        while j < len(lines) and lines[j].strip() and not _DASH_LINE.match(lines[j]) and j - i <= MAX_HEADER_LINES:
            j += 1
        if j == i + 1 or j >= len(lines) or not _DASH_LINE.match(lines[j]) or len(_runs(lines[j])) < 2:
            return None
        starts = [start for start, _ in _runs(lines[j])]
        body = _body(lines, j + 1, starts, closed=True)
        if body is None:
            return None
        rows, end = body
        return [_row(lines[i + 1:j], starts)] + rows, end, False
    starts = [start for start, _ in runs]
    before = out[-1] if out else ""
    header = before.strip() and not _DASH_LINE.match(before) and (len(out) < 2 or not out[-2].strip())
    body = _body(lines, i + 1, starts, closed=not header)
    if body is None:
        return None
    rows, end = body
    if header:
        return [_row([before], starts)] + rows, end, True
    return rows, end, False


def _body(lines: list[str], i: int, starts: list[int], closed: bool):
    """The rows from ``lines[i]`` on, and the index after the table. A closed table ends at a dash
    line (which must come); an open one (a simple table with a header) at its first blank line.
    Rows are the groups between blank lines where there are blank lines before the end, else lines."""
    j = i
    while j < len(lines):
        if _DASH_LINE.match(lines[j]):
            break
        if not closed and not lines[j].strip():
            break
        if closed and j > i and not lines[j].strip() and (j + 1 >= len(lines) or not lines[j + 1].strip()):
            return None  # two blank lines, or a blank last line, before any rule: no table here
        j += 1
    if closed and (j >= len(lines) or not _DASH_LINE.match(lines[j])):
        return None
    inside = lines[i:j]
    if not any(line.strip() for line in inside):
        return None
    end = j + 1 if j < len(lines) and _DASH_LINE.match(lines[j]) else j
    if any(not line.strip() for line in inside):
        groups, group = [], []
        for line in inside:
            if line.strip():
                group.append(line)
            elif group:
                groups.append(group)
                group = []
        if group:
            groups.append(group)
    else:
        groups = [[line] for line in inside]
    return [_row(group, starts) for group in groups], end


def _row(group: list[str], starts: list[int]) -> list[str]:
    """One row's cells from its lines: each word to the column it starts in; a cell's lines joined."""
    parts: list[list[str]] = [[] for _ in starts]
    for line in group:
        words: list[list[str]] = [[] for _ in starts]
        offsets = _offsets(line)
        for match in _WORD.finditer(line):
            at = offsets[match.start()]
            column = max(0, sum(1 for start in starts if start <= at) - 1)
            words[column].append(match.group(0))
        for column, said in enumerate(words):
            if said:
                parts[column].append(" ".join(said))
    return [join_lines(p) for p in parts]


def _runs(line: str) -> list[tuple[int, int]]:
    """The dash runs of a column line, as (start, end) display positions."""
    offsets = _offsets(line)
    return [(offsets[m.start()], offsets[m.end()]) for m in _RUNS.finditer(line)]


def _offsets(line: str) -> list[int]:
    """The display position of each character of ``line`` (and of its end): wide and full-width
    characters take two columns, as pandoc counts them."""
    return list(accumulate((2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line), initial=0))
