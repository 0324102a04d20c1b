"""Scanned pages: a page image -> text boxes (OCR) and ruling lines (raster) -> the lattice.

A page image (a scan, a photo of a printed page, or a PDF page rendered because it has no usable
text layer) is deskewed, binarised, and its ruling lines are found by morphology: long runs of ink
along a row (or a column) are rules, text strokes are far shorter. The rules go to the *same*
lattice the PDF reader feeds with vector rules (``lattice.grids``), in PDF points with y growing
upwards, so the tolerances that snap vector rules snap raster rules too. OCR (rapidocr: PP-OCR
detection and recognition models in ONNX, shipped in its wheel, run by onnxruntime) gives text
boxes with a confidence; each box is placed in the cell that holds its centre, the rest become
lines and paragraphs, exactly as PDF characters do.
The page image itself (rectify, deskew, the raster rules, the speck filter) is ``raster``'s;
this module owns the OCR of a page: detection, recognition and the page reader.

Every OCR'd table cell keeps its confidence and box (pixels of the deskewed page image, y down)
in ``Cell.ocr``; the checks weigh doubtful digits against the table relations (``ocr_check``).

Nothing is downloaded: the models are taken from the rapidocr package by path, and a missing
model is an error that says so.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import NamedTuple

from .. import lattice, layout, text_lines
from ..document import Cell, Document, OcrReading, Table
from ..errors import ReportError
from ..labels import CN_DIGITS, CN_NUMBER
from ..sections import HEADING, SECTION_NUMBER, named_heading
from ..text_lines import X0, Y1, Char
from .detect import DETECT_SIDE, cell_line, text_boxes
from .page import PageContent, drop_running_lines, usable
from .raster import (
    INK,
    INSTALL_HINT,
    OcrUnavailable,
    best_rules,
    is_blank,
    numpy_and_cv2,
    trim_overshoots,
    upright,
    without_specks,
)

# The page width in PDF points that an image page is scaled to (A4): the lattice's tolerances are
# in points, so raster geometry is expressed in points of a page of this width.
PAGE_WIDTH_PT = 595.0
# OCR text boxes below this confidence are kept and flagged, not dropped (rapidocr drops below 0.5)
KEEP_SCORE = 0.3
# Recognition batches of text boxes sorted by width, padded to the widest box of the batch only
# (rapidocr pads every box to at least 320 px: a one-digit table cell cost as much as a line), at
# most REC_BATCH boxes, and no box padded beyond REC_PAD times its width (batches of 8 alone
# padded a page's boxes by a sixth: a page's one long line with seven short ones)
REC_BATCH = 8
REC_HEIGHT = 48  # the recogniser's input height, to which every box is scaled
REC_MIN_WIDTH = 48
REC_PAD = 1.25


class BoxReading(NamedTuple):
    """What OCR said of one text box: its confidence, and the box in pixels of the deskewed page
    image (x0, y0, x1, y1, y down)."""

    confidence: float
    box: tuple[int, int, int, int]


@functools.lru_cache(maxsize=1)
def engine():
    """The OCR engine, built once per process from the models shipped in the rapidocr wheel."""
    try:
        import rapidocr
        from rapidocr import RapidOCR
    except ImportError:
        raise OcrUnavailable("ocr_missing", hint=INSTALL_HINT) from None
    models = Path(rapidocr.__file__).parent / "models"
    det = sorted(models.glob("*det*.onnx"))
    rec = sorted(models.glob("*rec*.onnx"))
    if not det or not rec:
        raise OcrUnavailable("ocr_models_missing", models=str(models), hint=INSTALL_HINT)
    threads = int(os.environ.get("REPORT_EXTRACT_OCR_THREADS", "0")) or -1
    params = {
        "Global.log_level": "error",
        "Global.use_cls": False,  # pages are deskewed upright; the direction classifier is skipped
        "Global.text_score": KEEP_SCORE,
        "Global.max_side_len": 100000,  # the page keeps its resolution for recognition
        "Det.model_path": str(det[-1]),
        "Det.limit_side_len": DETECT_SIDE,
        "Det.limit_type": "max",
        "Rec.model_path": str(rec[-1]),
        "Rec.rec_batch_num": REC_BATCH,
        "Rec.rec_img_shape": [3, REC_HEIGHT, REC_MIN_WIDTH],
        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    }
    import onnxruntime

    params.update(accelerator(onnxruntime.get_available_providers(), os.environ.get("REPORT_EXTRACT_OCR_DEVICE", "")))
    return RapidOCR(params=params)


# onnxruntime's GPU providers, each with rapidocr's switch that puts its sessions there
GPU_PROVIDERS = {"CUDAExecutionProvider": "use_cuda", "DmlExecutionProvider": "use_dml",
                 "CoreMLExecutionProvider": "use_coreml"}


def accelerator(available: list[str], device: str = "") -> dict:
    """The engine's parameters that run OCR on a GPU: the first GPU provider onnxruntime lists as
    available (an onnxruntime-gpu or -directml install; CoreML on a Mac), none where it lists
    none. Optional and never required: the CPU is the default and the tested path, and
    ``REPORT_EXTRACT_OCR_DEVICE=cpu`` keeps OCR on it where a GPU is there."""
    if device.lower() == "cpu":
        return {}
    for provider in available:
        if provider in GPU_PROVIDERS:
            return {f"EngineConfig.onnxruntime.{GPU_PROVIDERS[provider]}": True}
    return {}


def _recognise(image, clean, cells: list[tuple[int, int, int, int]]):
    """OCR: text boxes (x0, y0, x1, y1 in pixels, y down), their text and confidence.

    Detection finds the text lines outside the ruled tables (the detector runs on the rest of the
    page only, scaled down: ``detect``). Inside a table the cells are known,
    so each cell's text is cut into lines by the blank rows between them (the detector, scaled
    down, joined the lines of a narrow label cell wrapped every few characters, and now and then a
    label with the digits beside it); a cell without ink is not read. Each piece is recognised on
    its own, in ``clean`` (the page with its rules erased: no rule in a crop)."""
    np, _ = numpy_and_cv2()
    from rapidocr.ch_ppocr_rec import TextRecInput

    ocr = engine()
    boxes = [b for b in text_boxes(ocr._load_det_model(), image, cells) if not _in_cells(b, cells)]
    speckless = without_specks(clean)
    pieces = []
    if boxes:
        line = sorted(b[3] - b[1] for b in boxes)[len(boxes) // 2]  # the height of a line of text
        pieces = [piece for box in boxes for piece in _split_at_gaps(speckless, box, line)]
    line = cell_line(speckless, cells)
    if line is not None:
        for cell in cells:
            pieces += _lines(speckless, cell, line)
    if not pieces:
        return []
    crops = [np.ascontiguousarray(np.repeat(clean[y0:y1, x0:x1, None], 3, axis=2)) for x0, y0, x1, y1 in pieces]
    read: list[tuple[str, float]] = [("", 0.0)] * len(crops)
    for batch in rec_batches([(x1 - x0) / (y1 - y0) for x0, y0, x1, y1 in pieces]):
        recognised = ocr._load_rec_model()(TextRecInput(img=[crops[i] for i in batch]))
        for i, text, score in zip(batch, recognised.txts, recognised.scores):
            read[i] = (text, score)
    out = []
    for box, (text, score) in zip(pieces, read):
        text = text.strip()
        if text in _SLASH_LOOKALIKES and _leans_like_a_slash(clean[box[1]:box[3], box[0]:box[2]]):
            text = "/"
        if text and score >= KEEP_SCORE:
            out.append((box, text, float(score)))
    return out


def rec_batches(ratios: list[float]) -> list[list[int]]:
    """The recognition batches of text boxes of these width:height ratios (indices): by width, at
    most REC_BATCH a batch, the widest of a batch at most REC_PAD times as wide as its narrowest
    (a box narrower than REC_MIN_WIDTH counts as that wide: the recogniser pads it so)."""
    least = REC_MIN_WIDTH / REC_HEIGHT
    batches: list[list[int]] = []
    for i in sorted(range(len(ratios)), key=lambda i: ratios[i]):
        if (batches and len(batches[-1]) < REC_BATCH
                and max(ratios[i], least) <= REC_PAD * max(ratios[batches[-1][0]], least)):
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches


# a lone stroke the recogniser may read for a slash (the placeholder of an empty cell), or the reverse
_SLASH_LOOKALIKES = frozenset("1lI|")
# how far a slash leans: its ink moves this many pixels left for each pixel down (a slash in a
# report's fonts leans 0.25–0.45; an upright 1, its flag and foot included, within ±0.05)
SLASH_LEAN = 0.15


def _leans_like_a_slash(crop) -> bool:
    """Whether a single stroke leans like ``/``: the line fitted through its ink runs from lower
    left to upper right. A thin placeholder slash on a blurred scan reads as 1 (confidence ~0.5):
    as a 1, the relations would even "correct" it into a number, where the report wrote none."""
    np, _ = numpy_and_cv2()
    ys, xs = np.nonzero(crop < INK)
    if len(ys) < 5 or ys.max() - ys.min() < xs.max() - xs.min():
        return False  # not a stroke
    return float(np.polyfit(ys, xs, 1)[0]) < -SLASH_LEAN


def _in_cells(box, cells) -> bool:
    """Whether half of a detected box lies inside table cells (its text is read cell by cell)."""
    x0, y0, x1, y1 = box
    covered = 0
    for cx0, cy0, cx1, cy1 in cells:
        if cx0 < x1 and cx1 > x0 and cy0 < y1 and cy1 > y0:
            covered += (min(x1, cx1) - max(x0, cx0)) * (min(y1, cy1) - max(y0, cy0))
    return covered >= 0.5 * (x1 - x0) * (y1 - y0)



# a detected text box is this many times the height of its type (the detector's margin)
BOX_MARGIN = 1.5
# a blank run this many line heights wide inside a detected box is a column gap (a table without
# rules: the detector, on the page scaled down, joins a label and the number beside it); the gaps
# of prose, even justified, are a fraction of a character
SPLIT_GAP = 0.9


def _split_at_gaps(image, box, line: int) -> list[tuple[int, int, int, int]]:
    """A detected text box cut at its column gaps, each piece trimmed to its ink."""
    x0, y0, x1, y1 = box
    ink = (image[y0:y1, x0:x1] < INK).any(axis=0)
    columns = ink.nonzero()[0]
    if len(columns) == 0:
        return [box]
    gap = max(3, int(SPLIT_GAP * line))
    pieces, start, last = [], columns[0], columns[0]
    for x in columns[1:]:
        if x - last - 1 >= gap:
            pieces.append((start, last))
            start = x
        last = x
    pieces.append((start, last))
    if len(pieces) == 1:
        return [box]
    pad = max(2, int(0.1 * line))
    return [(max(x0 + int(a) - pad, x0), y0, min(x0 + int(b) + 1 + pad, x1), y1) for a, b in pieces]


def _lines(image, cell, line: int):
    """The text lines of a table cell, cut at blank rows: runs of inked rows are joined while the
    line they make stays within a line's height (a character such as 三 has blank rows inside)."""
    x0, y0, x1, y1 = cell
    ink = image[y0:y1, x0:x1] < INK
    rows = ink.any(axis=1)
    runs = []  # (first, last) inked row of each run
    start = None
    for y, inked in enumerate(rows):
        if inked and start is None:
            start = y
        elif not inked and start is not None:
            runs.append((start, y - 1))
            start = None
    if start is not None:
        runs.append((start, len(rows) - 1))
    glyph = 0.8 * line  # detector boxes have a margin around the glyphs
    lines = []
    runs = [r for r in runs if r[1] - r[0] >= 1 or ink[r[0]].sum() > 2]  # a speck the median kept
    for first, last in runs:
        if lines and last - lines[-1][0] + 1 <= 1.15 * glyph:
            lines[-1][1] = last
        else:
            lines.append([first, last])
    out = []
    for first, last in lines:
        columns = ink[first:last + 1].any(axis=0).nonzero()[0]
        if len(columns) == 0 or last - first < 0.25 * glyph:
            continue  # a dot or a stray mark, not a line of text
        pad = max(2, int(0.15 * glyph))
        out.append((max(x0 + columns[0] - pad, x0), max(y0 + first - pad, y0),
                    min(x0 + columns[-1] + 1 + pad, x1), min(y0 + last + 1 + pad, y1)))
    return out


def read_page(grey, number: int, dpi: float | None = None, continued=None, on_ocr_page=None):
    """One page image (a 2-D uint8 array, 0 black) -> the page's content for the PDF reader's page
    model (lines, lattice tables and tables read from the layout of the text, each text box with
    its OCR confidence and box). ``continued``: the open end of a layout table that ended the page
    before (``layout_open_end`` of its content). ``on_ocr_page()``: the caller's, called first, as
    OCR starts on the page."""
    np, cv2 = numpy_and_cv2()
    if on_ocr_page is not None:
        on_ocr_page()
    if is_blank(grey):
        return PageContent(number, grey.shape[0] * (72.0 / dpi if dpi else PAGE_WIDTH_PT / grey.shape[1]), [], [],
                           ocr={}, blank=True)
    page = upright(grey)
    height_px, width_px = page.shape
    scale = PAGE_WIDTH_PT / width_px if dpi is None else 72.0 / dpi  # points a pixel
    edges, mask = best_rules(page, scale, height_px)
    edges = trim_overshoots(*edges)
    grids = [g for g in lattice.grids(edges) if len(g.cells) >= 2]
    inset = 2
    cells = [(int(g.xs[c] / scale) + inset, int(height_px - g.ys[r] / scale) + inset,
              int(g.xs[c + cs] / scale) - inset, int(height_px - g.ys[r + rs] / scale) - inset)
             for g in grids for r, c, rs, cs in g.cells]
    clean = page.copy()
    clean[cv2.dilate(mask, np.ones((5, 5), np.uint8)) > 0] = 255
    found = _recognise(page, clean, cells)
    chars: list[Char] = []
    reading: dict[Char, BoxReading] = {}
    for (x0, y0, x1, y1), text, score in found:
        ch = (x0 * scale, (height_px - y1) * scale, x1 * scale, (height_px - y0) * scale, text)
        chars.append(ch)
        reading[ch] = BoxReading(score, (x0, y0, x1, y1))
    chars.sort(key=lambda c: (-c[Y1], c[X0]))
    in_cells, free = lattice.place(chars, grids)
    lines = text_lines.lines(free)
    for line in lines:
        line.text = restore_heading(line.text)
    # tables drawn with partial or no rules, in the text no ruled table took (as on a PDF page);
    # the layout reader measures in type sizes, and a detected box is taller than its type
    sizes = [line.size for line in lines]
    for line in lines:
        line.size /= BOX_MARGIN
    found = layout.read(lines, number, continued, reading=lambda cell, cell_chars: _read_cell(
        cell, [reading[ch] for ch in cell_chars if ch in reading], number), rules=edges[0])
    for line, size in zip(lines, sizes):
        line.size = size
    kept = {id(ln) for ln in found.rest}
    taken = [ln for ln in lines if id(ln) not in kept] if found.tables else []
    return PageContent(number, height_px * scale, found.rest, list(zip(grids, in_cells)), n_chars=len(chars),
                       layout_tables=found.tables, layout_lines=taken, layout_open_end=found.open_end, ocr=reading)


_BARE_ORDINAL = re.compile(rf"^\s*({CN_NUMBER})(?=[^\s、.．，,{CN_DIGITS}])")
# one character that is not a numeral, before the enumeration comma: an ordinal OCR misread (匹 for 四)
_ODD_ORDINAL = re.compile(rf"^\s*([^\s{CN_DIGITS}\d])\s*[、.．，,]")


def restore_heading(text: str) -> str:
    """A section heading OCR damaged gets it back. Its ordinal, where the words after it are a
    section heading's: the enumeration comma lost (五存在的主要问题…: the comma is a speck at scan
    resolution), or the numeral misread as a character like it (匹、政府信息公开行政复议…): it
    becomes the numeral of the section its words name. Its words, matched with the tolerance of the
    table labels where no heading's pattern takes them (五、存在的主要问题及改进情祝, the numeral lost:
    主动公开政府信息情况): the heading as the national format words it (``sections.named_heading``)."""
    if HEADING.match(text):
        return text
    match = _BARE_ORDINAL.match(text)
    if match is not None:
        fixed = f"{match.group(1)}、{text[match.end():]}"
        if HEADING.match(fixed):
            return fixed
    match = _ODD_ORDINAL.match(text)
    if match is not None:
        heading = HEADING.match(f"一、{text[match.end():].lstrip()}")
        if heading is not None:
            number = SECTION_NUMBER[next(k for k in SECTION_NUMBER if heading.group(k))]
            return f"{CN_DIGITS[number - 1]}、{text[match.end():].lstrip()}"
    return named_heading(text) or text


def page_blocks(content) -> list:
    """The blocks of an OCR'd page, each table cell with its OCR reading (confidence: the lowest
    of the boxes in the cell, None where the cell is blank; box: their union, in pixels)."""
    blocks = list(content.blocks())
    reading = content.ocr or {}
    by_top = sorted(content.tables, key=lambda t: -t[0].bbox[3])
    from_layout = {id(table) for _, table in content.layout_tables}  # their cells were read as made
    tables = [b for b in blocks if isinstance(b, Table) and id(b) not in from_layout]
    for table, (_, cell_chars) in zip(tables, by_top):
        cells: list[Cell] = [c for row in table.rows for c in row]
        for cell, chars in zip(cells, cell_chars):
            _read_cell(cell, [reading[ch] for ch in chars if ch in reading], content.number)
    return blocks


def _read_cell(cell: Cell, readings: list[BoxReading], page: int) -> None:
    """The cell's OCR reading from those of its text boxes (confidence, box): the lowest
    confidence, the union of the boxes; None, None where nothing was read in it."""
    if not readings:
        cell.ocr = OcrReading(None, None, page)
        return
    cell.text = _digit_lookalikes(cell.text)
    boxes = [r.box for r in readings]
    box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
    cell.ocr = OcrReading(min(r.confidence for r in readings), tuple(round(v) for v in box), page)


_LOOKALIKE = re.compile(r"[0-9OoDIl|]{1,9}")
_AS_DIGIT = str.maketrans("OoDIl|", "000111")


def _digit_lookalikes(text: str) -> str:
    """A cell OCR read as digits with a letter among them (O for 0, l for 1: the recogniser's
    alphabet has both) is digits; its confidence stays as read, so the checks still weigh it."""
    if _LOOKALIKE.fullmatch(text) and not text.isdigit() and any(ch.isdigit() for ch in text) or text in (
            "O", "o", "D"):
        return text.translate(_AS_DIGIT)
    return text



def document(contents: list, name: str, fmt: str):
    """The Document of image pages (all read by OCR). A document in which OCR found no text at
    all is an error: a blank page, or a picture with no writing."""
    if not any(c.n_chars for c in contents):
        if all(c.blank for c in contents):
            raise ReportError("blank_pages", name, count=len(contents))
        raise ReportError("ocr_no_text", name)
    drop_running_lines(contents)
    blocks = []
    for content in contents:
        blocks += page_blocks(content)
    return Document(blocks=blocks, format=fmt, pages=len(contents), ocr_pages=[c.number for c in contents])


# The resolution PDF pages are rendered at for OCR: 9-pt digits are 25 px high, enough for
# recognition (which scales every text line to 48 px); more costs time in every step but OCR.
PDF_DPI = 200
IMAGE_SHARE = 0.3  # an image object covering this share of a page makes it a scanned page


def read_pdf_pages(pdf, pages: list, candidates: list[int], always: bool, on_ocr_page=None) -> list:
    """The PDF's pages with the candidate pages (no usable text layer) read by OCR instead.

    In a document that has a usable text layer on some page, a candidate page is OCR'd only
    where a scanned image covers much of it (a scanned table page in a born-digital report); a
    page with a short text and no image (a closing line) keeps its text. A blank page is never
    OCR'd."""
    texty = any(usable(p) for p in pages)
    out = list(pages)
    for number in candidates:
        page = pdf[number - 1]
        try:
            if not always and texty and _image_share(page) < IMAGE_SHARE and pages[number - 1].bad_chars < 20:
                continue
            if texty and not always:
                try:
                    engine()
                except OcrUnavailable:
                    continue  # the text layer of the other pages is read as before
            grey = rendered(page)
            if is_blank(grey):
                continue
            before = out[number - 2] if number > 1 else None
            out[number - 1] = read_page(grey, number, dpi=PDF_DPI,
                                        continued=before.layout_open_end if before is not None else None,
                                        on_ocr_page=on_ocr_page)
        finally:
            page.close()
    return out


def rendered(page):
    """A PDF page as the scan reader sees it: rendered in grey at PDF_DPI (its OCR boxes are pixels
    of this image, upright)."""
    np, _ = numpy_and_cv2()
    grey = np.array(page.render(scale=PDF_DPI / 72, grayscale=True).to_numpy(), copy=True)
    return grey[:, :, 0] if grey.ndim == 3 else grey


def _image_share(page) -> float:
    """The share of the page that its largest image object covers."""
    import pypdfium2.raw as raw

    width, height = page.get_width(), page.get_height()
    best = 0.0
    for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
        x0, y0, x1, y1 = obj.get_bounds()
        best = max(best, (x1 - x0) * (y1 - y0) / max(width * height, 1.0))
    return best
