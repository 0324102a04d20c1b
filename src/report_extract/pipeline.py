"""file -> reader -> Document -> sections + tables -> template mapping -> checks -> Report."""

from __future__ import annotations

import hashlib
import os
from decimal import Decimal
from pathlib import Path

from . import (
    __version__,
    checks,
    content,
    identity,
    limits,
    messages_zh,
    narrative,
    ocr_check,
    readers,
    sections,
    tables,
)
from .document import Document, Paragraph, Table
from .errors import NotAReport, UsageError
from .guard import printable, read_input
from .labels import SENTENCE_END, compact
from .mapping import TableResult, map_table
from .model import Problem, ReadWith, Report, ReportInfo, Section, Source
from .problems import assign_ids, place_on_rows, problem
from .templates import BY_KEY, SECTION_KEYS, SECTION_TABLES, V2019, V2021, Template, template_for_year

_PRE2019_HEADINGS = ("概述", "依申请公开", "收费及减免", "不予公开政府信息")


def extract(path: str | Path, data: bytes | None = None, sha256: str | None = None, ocr: str = "auto",
            on_ocr_page=None) -> Report:
    """Read one report. ``data`` given: read those bytes and use ``path`` only as the name;
    ``sha256``, their digest where the caller has it already (batch checks it for reuse);
    ``ocr``: auto (scanned pages and images), always (every page), never; ``on_ocr_page()``, if
    given, is called as OCR starts on each page (a batch worker's deadline grows with it).

    Raises ReportError for an input that cannot be read as a report; TypeError and UsageError (a
    ReportError and ValueError) for arguments the call cannot take.
    """
    path, data = _checked_arguments(path, data, ocr)
    name = printable(str(path))
    if data is None:
        data = read_input(str(path), name)
    else:
        limits.INPUT_SIZE.check(len(data), "size", name, mb=limits.mb(len(data)))
    doc = readers.read(data, name, ocr, on_ocr_page)
    check_size(doc, name)
    source = Source(path=name, format=doc.format, sha256=sha256 or hashlib.sha256(data).hexdigest(), pages=doc.pages,
                    ocr_pages=doc.ocr_pages or None, page_files=doc.page_files,
                    read_with=ReadWith(version=__version__, ocr=ocr))
    return build_report(doc, source)


def _checked_arguments(path, data, ocr: str) -> tuple[str, bytes | None]:
    """The path as text and the data as bytes; a clear error for what the call cannot take."""
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or a path (os.PathLike), not {type(path).__name__}")
    if isinstance(data, str):
        raise TypeError("data must be the file's bytes, not str: pass the path alone, or the text encoded "
                        "(text.encode('utf-8'))")
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    elif data is not None and not isinstance(data, bytes):
        raise TypeError(f"data must be bytes (the file's content) or None, not {type(data).__name__}")
    if ocr not in readers.OCR_MODES:
        raise UsageError("ocr_mode", modes=", ".join(readers.OCR_MODES), given=ocr)
    return os.fspath(path), data


def check_size(doc: Document, name: str) -> None:
    """Refuse a document too large for the stages after reading (each linear, but not free)."""
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    cells = sum(len(row) for t in tables for row in t.rows)
    limits.DOCUMENT_CELLS.check(cells, "document_cells", name, count=cells)
    blocks = len(doc.blocks) - len(tables) + sum(len(t.rows) for t in tables)
    limits.DOCUMENT_BLOCKS.check(blocks, "document_blocks", name, count=blocks)


def build_report(doc: Document, source: Source) -> Report:
    blocks = sections.split_headings(doc)
    outline = sections.outline(blocks)
    who = identity.identify(outline.before, outline.sections, blocks, source.path if source.path != "<stdin>" else None,
                            doc.title_hint, doc.date_hint)
    title, org, year = who.title, who.organization, who.year
    template = detect_template(blocks, year)
    problems: list[Problem] = []
    results: dict[str, TableResult] = {}
    consumed: set[int] = set()  # ids of blocks that belong to tables, not prose
    cut: dict[int, tuple[int, int]] = {}  # paragraph id -> span of glued table text in it
    spec_template = BY_KEY.get(template)
    ids = {id(b): i for i, b in enumerate(blocks)}  # block -> its index, the key of consumed and cut
    if spec_template:
        results = _read_tables(blocks, ids, outline, spec_template, consumed, cut)
    if not outline.sections and not results and not title:
        raise NotAReport("not_a_report", source.path)
    if spec_template:
        for spec in spec_template.tables:
            if spec.key not in results:
                problems.append(problem("missing_table", table=spec.key, title=spec.title))
    if who.signature is not None:  # the signature and what follows it are not section 六's text
        block, line = who.signature
        start = ids[id(block)]
        if line:  # the signature's lines were joined to the text before them
            cut[start] = (max(block.text.find(block.lines[line].strip()), 0), len(block.text))
            start += 1
        consumed.update(range(start, len(blocks)))
    section_models = _sections(ids, outline, consumed, cut)
    if template in ("v2021", "v2019"):
        found = {s.key for s in section_models}
        for key in SECTION_KEYS:
            if key not in found:
                problems.append(problem("missing_section", section=key, number=sections.SECTION_NUMBER[key]))
    problems += identity.problems(who)
    table_values = {k: _plain(r.values) for k, r in results.items()}
    if table_values and all(v is None for rows in table_values.values() for cols in rows.values()
                            for v in cols.values()):
        problems.append(problem("no_values"))  # the blank template: it passes no check, it is no report
    units = {k: v for r in results.values() for k, v in r.units.items()}
    for result in results.values():
        problems += result.problems
    unknown = {k for r in results.values() for k in r.unknown}
    provenance = {k: v for r in results.values() for k, v in r.provenance.items()}
    row_pages = {k: r.row_pages for k, r in results.items()}
    if doc.ocr_pages:
        ocr_check.unread_text(problems, provenance)
        problems += ocr_check.weigh(table_values, provenance, row_pages, template, year, unknown,
                                    ocr_check.lacking(problems))
        ocr_check.recount_blanks(problems)
    problems += checks.run_checks(table_values, row_pages, template, year, unknown)
    problems += content.check(section_models, template)
    problems += narrative.check(section_models, table_values, org, year, _page_finder(blocks))
    place_on_rows(problems, provenance)
    messages_zh.fill(problems, messages_zh.Context(table_values, provenance, template, year))
    for key in unknown & provenance.keys():  # what the checks left out, kept: review.apply runs them again
        provenance[key]["unread"] = True
    assign_ids(problems, source.sha256)
    return Report(
        source=source,
        report=ReportInfo(title=title, organization=org, year=year, template=template, units=units,
                          published=who.published, body=who.body, found_in=who.found_in),
        sections=section_models,
        tables=table_values,
        problems=problems,
        provenance=provenance,
    )


def _page_finder(blocks):
    """The page of the paragraph a sentence of the prose begins in (None where unknown)."""
    paragraphs = [(compact(b.text), b.page) for b in blocks if isinstance(b, Paragraph) and b.page is not None]

    def page_of(sentence: str, section) -> int | None:
        head = compact(sentence)[:16]
        return next((page for text, page in paragraphs if head in text), None)
    return page_of


def detect_template(blocks, year: int | None) -> str:
    """From the table headers (TEMPLATES.md §0); the report year only as a fallback."""
    text = compact(" ".join(_all_text(blocks)))
    hits = {t.key: sum(compact(w) in text for w in t.signature) for t in (V2021, V2019)}
    if hits["v2019"] > hits["v2021"] and hits["v2019"] >= 2:
        return "v2019"
    if hits["v2021"] >= 2:
        return "v2021"
    if any(w in text for w in ("申请人情况", "本年新收政府信息公开申请数量", "未经复议直接起诉", "复议后起诉")):
        fallback = template_for_year(year)  # template tables without either version's own headers
        return fallback if fallback in ("v2021", "v2019") else "v2021"
    if year is not None and year <= 2018 or any(w in text for w in _PRE2019_HEADINGS):
        return "pre2019"
    return "unknown"


def _all_text(blocks):
    for block in blocks:
        if isinstance(block, Table):
            for row in block.rows:
                for cell in row:
                    yield cell.text
        else:
            yield block.text


def _read_tables(blocks, ids: dict, outline, template: Template, consumed: set[int],
                 cut: dict) -> dict[str, TableResult]:
    """Each template table from its table blocks, plus the rows that stand as glued text in the
    paragraphs of its section (web-page text, or rows a converter pulled out of the table)."""
    assembled = {a.spec_key: a for a in tables.assemble(blocks, template)}
    for a in assembled.values():
        consumed.update(a.block_ids + a.debris_ids)
    results: dict[str, TableResult] = {}
    for spec in template.tables:
        rows = list(assembled[spec.key].rows) if spec.key in assembled else []
        section = next((s for s in outline.sections if SECTION_TABLES.get(s.key) == spec.key), None)
        scope = section.blocks if section else ([] if rows else blocks)
        if spec.key == "review_litigation" and spec.key in assembled:
            scope = []  # its one row is in the table; prose about reviews is not a second one
        least = 1 if spec.key == "review_litigation" else 2
        paragraphs = [b for b in scope if isinstance(b, Paragraph) and ids[id(b)] not in consumed]
        for para in paragraphs:
            found, start, end = tables.read_stream(para.text, spec, para.page)
            if len(found) >= least:
                rows += found
                cut[ids[id(para)]] = _widen(para.text, start, end, spec)
        if not rows and section is not None:
            rows = _stream_across_paragraphs(paragraphs, spec, least, ids, consumed)
        if rows:
            results[spec.key] = map_table(rows, spec)
    return results


def _stream_across_paragraphs(paragraphs, spec, least: int, ids: dict, consumed: set[int]) -> list:
    """A table whose cells each stand in a paragraph of their own (text saved one cell a line):
    read the section's paragraphs that are not sentences as one stream."""
    cells = [p for p in paragraphs if not p.text.rstrip().endswith(SENTENCE_END)]
    if len(cells) < 4:
        return []
    found, _, _ = tables.read_stream(" ".join(p.text for p in cells), spec, cells[0].page)
    if len(found) < least:
        return []
    consumed.update(ids[id(p)] for p in cells)
    return found


def _widen(text: str, start: int, end: int, spec) -> tuple[int, int]:
    """A glued table's span, widened over its caption and header words before the first row and
    a unit after the last."""
    if tables.is_debris(text[:start], spec):
        start = 0
    tail = text[end:]
    if tail.strip() and (len(tail.strip()) <= 2 or tables.is_debris(tail, spec)):
        end = len(text)
    return start, end


def _sections(ids: dict, outline: sections.Outline, consumed: set[int], cut: dict) -> list[Section]:
    out = []
    for span in outline.sections:
        paragraphs = []
        for block in span.blocks:
            block_id = ids[id(block)]
            if not isinstance(block, Paragraph) or block_id in consumed:
                continue
            text = block.text
            if block_id in cut:
                start, end = cut[block_id]
                text = (text[:start] + "\n" + text[end:]).strip()
            if (span.key in SECTION_TABLES and not text.endswith(SENTENCE_END)
                    and tables.is_debris(text, BY_KEY["v2021"].table(span.key))):
                continue  # label fragments a converter left beside a table; a sentence is never one
            if text:
                paragraphs.append(Paragraph(text, block.page))
        out.append(Section(key=span.key, number=span.number, heading=span.heading,
                           text=sections.repair_text(paragraphs), page=span.page))
    return out


def _plain(values: dict) -> dict:
    """Decimals -> floats for the output model (money is exact to the cent in a float's repr)."""
    return {row: {col: (float(v) if isinstance(v, Decimal) else v) for col, v in cols.items()}
            for row, cols in values.items()}


