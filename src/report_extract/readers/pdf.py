"""PDF (made with Word, WPS, LibreOffice): text and ruled tables from pdfium, in one fast pass.

pdfium (pypdfium2) gives every character with its box and every path
object with its bounds, 40–50 times faster than pdfplumber's layout pass. Tables are rebuilt from
the stroked ruling lines (lattice): cells from the intersections of horizontal and vertical rules,
spans from the grid lines a cell covers, text from the characters whose centre falls inside a cell.
Filled rectangles (white or coloured cell backgrounds, highlight boxes) are not rules; a thick border
drawn as a bar is one rule. Borders a table style leaves out are supplied where the other rules show
them: the bottom of a table cut by a page break, outer sides left open, inner rules only. What is not
in a table becomes lines, then paragraphs; page numbers and running headers and footers are left out.
Tables drawn with partial or no rules (three-line tables, horizontal rules only, none) are read from
the layout of that remaining text (layout.py).
"""

from __future__ import annotations

import ctypes
import functools
import re
import struct
import threading
from types import SimpleNamespace

from .. import lattice, layout, limits
from ..document import Document
from ..errors import ReportError
from ..lattice import THICK
from ..text_lines import Char
from . import scan
from .page import UNMAPPED, PageContent, document, page_content, usable


@functools.lru_cache(maxsize=1)
def _capi() -> SimpleNamespace:
    """pdfium's C functions, called with the cheapest argument passing ctypes has.

    They are called once per character or path, about a thousand times a page, and pypdfium2's
    typed prototypes convert every argument, which costs more than pdfium's own work. These take
    the same functions at the same addresses without argument types: every pointer or handle is
    passed as a ``ctypes.c_void_p`` (see ``_pointer``) and every index as a Python int, which ctypes
    hands over as a C int, the type of each of these parameters. Functions returning a pointer
    return an int (or None)."""
    import pypdfium2.raw as raw

    pointer, integer = ctypes.c_void_p, ctypes.c_int
    stdcall = getattr(ctypes, "_FUNCFLAG_STDCALL", 0)

    def bind(function, restype, *argtypes):
        factory = ctypes.WINFUNCTYPE if stdcall and function._flags_ & stdcall else ctypes.CFUNCTYPE
        prototype = factory(restype, *argtypes)(ctypes.cast(function, pointer).value)
        if not argtypes:
            prototype.argtypes = None
        return prototype

    return SimpleNamespace(
        count_chars=bind(raw.FPDFText_CountChars, integer),
        char_box=bind(raw.FPDFText_GetCharBox, integer),
        count_objects=bind(raw.FPDFPage_CountObjects, integer),
        get_object=bind(raw.FPDFPage_GetObject, pointer),
        count_form_objects=bind(raw.FPDFFormObj_CountObjects, integer),
        # its index is an unsigned long, not a C int: typed
        get_form_object=bind(raw.FPDFFormObj_GetObject, pointer, pointer, ctypes.c_ulong),
        object_type=bind(raw.FPDFPageObj_GetType, integer),
        bounds=bind(raw.FPDFPageObj_GetBounds, integer),
        draw_mode=bind(raw.FPDFPath_GetDrawMode, integer),
        fill_color=bind(raw.FPDFPageObj_GetFillColor, integer),
        PATH=raw.FPDF_PAGEOBJ_PATH,
        FORM=raw.FPDF_PAGEOBJ_FORM,
    )


def _pointer(handle) -> ctypes.c_void_p:
    """A pypdfium2 handle, or an address, as the pointer object the functions of ``_capi`` take."""
    return ctypes.c_void_p(handle) if isinstance(handle, int) else ctypes.cast(handle, ctypes.c_void_p)


def _pointers(buffer, size: int, n: int) -> list[ctypes.c_void_p]:
    """Pointers to the ``n`` items (of ``size`` bytes) of a ctypes array."""
    start = ctypes.addressof(buffer)
    return [ctypes.c_void_p(start + size * k) for k in range(n)]


def read(data: bytes, name: str = "<stdin>", ocr: str = "auto", on_ocr_page=None) -> Document:
    """``ocr``: 'auto' reads the pages that have no usable text layer by OCR, 'always' every page,
    'never' none (a scanned PDF is then an error). ``on_ocr_page()``: called as OCR starts on a page."""
    check_streams(data, name)
    check_forms(data, name)
    with PDFIUM:
        return _read(data, name, ocr, on_ocr_page)


# pdfium is not thread-safe: threads calling extract() at once crashed the interpreter (SIGSEGV).
# One PDF is read at a time in a process; batch and the cluster read in processes, not threads.
PDFIUM = threading.RLock()


def _read(data: bytes, name: str, ocr: str, on_ocr_page=None) -> Document:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise _open_error(str(exc), name) from None
    try:
        pages: list[PageContent] = []
        limits.PAGES.check(len(pdf), "pdf_pages", name, count=len(pdf))
        for i in range(len(pdf)):
            try:
                pages.append(_read_page(pdf[i], i + 1, pages[-1].layout_open_end if pages else None))
            except pdfium.PdfiumError as exc:
                raise ReportError("pdf_damaged_page", name, page=i + 1, detail=str(exc)) from None
        if not pages:
            raise ReportError("pdf_no_pages", name)
        scanned = [p.number for p in pages if ocr == "always" or (ocr == "auto" and not usable(p))]
        if scanned:
            pages = scan.read_pdf_pages(pdf, pages, scanned, ocr == "always", on_ocr_page)
    finally:
        pdf.close()
    return document(pages, name, "pdf", scan.page_blocks)


def _streams(data: bytes):
    """(start of the keyword, start of the data) of each stream of a PDF: ``stream`` and its end
    of line, not ``endstream``. Found with bytes.find (a regex beginning with a look-behind tried
    every position: 11 ms a megabyte)."""
    at = data.find(b"stream")
    while at >= 0:
        after = at + 6
        if at < 3 or data[at - 3:at] != b"end":
            if data[after:after + 1] == b"\n":
                yield at, after + 1
            elif data[after:after + 2] == b"\r\n":
                yield at, after + 2
        at = data.find(b"stream", after)


# an operator that paints (or ends) a path: each is one drawing object of the page
_PAINT = re.compile(rb"(?<![^\s\]>)])(?:S|s|f\*?|F|B\*?|b\*?|n)(?=\s)")


def check_streams(data: bytes, name: str) -> None:
    """Refuse a PDF with a compressed stream that inflates past the stream size limit, before
    pdfium inflates it whole (a 1 GB content stream in a few kilobytes), or a stream that paints
    more paths than a page may draw (2.4 million short paths in 375 KB kept pdfium and the rules
    busy for minutes). Streams are never inside object streams, so a scan of the bytes finds each
    one; each is inflated in pieces that are counted and dropped.

    A painting operator takes two bytes at least (itself and the white space after it), so a stream
    shorter than twice the limit cannot paint too many paths: its operators are counted only once it
    is that long (counting every stream's operators was a fifth of the time of reading a PDF)."""
    import zlib

    limit, paths = limits.STREAM_SIZE, limits.PAGE_OBJECTS
    enough = 2 * paths.amount  # the bytes a stream needs to paint more paths than the limit
    for _, start in _streams(data):
        header = data[start:start + 2]
        if len(header) < 2 or header[0] & 0x0F != 8 or (header[0] << 8 | header[1]) % 31:
            end = data.find(b"endstream", start)  # not zlib data: an image, or a content stream as it is
            end = end if end >= 0 else len(data)
            if end - start >= enough:
                painted = len(_PAINT.findall(data, start, end))
                paths.check(painted, "pdf_paths", name, count=paths.amount)
            continue
        inflater = zlib.decompressobj()
        total, at, painted, tail = 0, start, 0, b""
        try:
            while at < len(data) and not inflater.eof:
                piece = inflater.decompress(data[at:at + 65536], 1 << 22)
                at += 65536
                while True:
                    total += len(piece)
                    if total > limit.amount:
                        raise limit.error("pdf_stream", name, mb=limits.mb(limit.amount))
                    chunk = tail + piece
                    if total < enough:  # too short to paint too many yet: kept, counted if it grows
                        tail = chunk
                    else:
                        cut = max(chunk.rfind(b"\n"), chunk.rfind(b" "))  # an operator cut by a piece: the next's
                        painted += len(_PAINT.findall(chunk, 0, cut + 1))
                        tail = chunk[cut + 1:]
                        paths.check(painted, "pdf_paths", name, count=paths.amount)
                    if not inflater.unconsumed_tail:
                        break
                    piece = inflater.decompress(inflater.unconsumed_tail, 1 << 22)
        except zlib.error:
            continue


_OBJECT = re.compile(rb"(\d+)\s+\d+\s+obj\b")
_FORM_DICT = re.compile(rb"/Subtype\s*/Form\b")
_XOBJECTS = re.compile(rb"/XObject\s*<<(.*?)>>", re.S)
_NAMED_REF = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s+(\d+)\s+\d+\s+R")
_RESOURCES_REF = re.compile(rb"/Resources\s+(\d+)\s+\d+\s+R")
_DO = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s*Do\b")


def check_forms(data: bytes, name: str) -> None:
    """Refuse a PDF whose form XObjects draw themselves, or expand to more drawing objects than
    the page objects limit, before pdfium loads a page: pdfium expands forms while it loads, and a
    655-byte form that draws itself twice took 5.8 GB. Form XObjects are streams, so never inside
    object streams: a scan of the bytes finds each one, its resources and the forms it draws
    (resources that are not found are taken as drawing nothing)."""
    if b"/Form" not in data:  # no form XObject (most reports): no stream need be looked at
        return
    forms: dict[int, dict[bytes, int]] = {}  # form object -> {name: object}
    draws: dict[int, list[bytes]] = {}  # form object -> names drawn (with repeats)
    for keyword, start in _streams(data):
        head = data[max(0, keyword - 4096):keyword]
        objects = list(_OBJECT.finditer(head))
        if not objects or not _FORM_DICT.search(head, objects[-1].end()):
            continue
        number = int(objects[-1].group(1))
        header = head[objects[-1].end():]
        xobjects = _XOBJECTS.search(header)
        if xobjects is None and (ref := _RESOURCES_REF.search(header)):
            xobjects = _XOBJECTS.search(_object_text(data, int(ref.group(1))))
        forms[number] = {m.group(1): int(m.group(2)) for m in _NAMED_REF.finditer(xobjects.group(1))} \
            if xobjects else {}
        draws[number] = _DO.findall(_stream_bytes(data, start, b"/FlateDecode" in header))
    if not forms:
        return
    expanded: dict[int, int] = {}
    limit = limits.PAGE_OBJECTS

    def size(form: int, path: set[int]) -> int:
        """Objects drawn when ``form`` is drawn once, its forms expanded (iterative depth is bounded
        by the number of forms, each visited once thanks to the memo)."""
        if form in expanded:
            return expanded[form]
        if form in path:
            raise ReportError("pdf_form_recursive", name)
        path.add(form)
        total = 1
        for drawn in draws.get(form, []):
            child = forms[form].get(drawn)
            if child in forms:
                total += size(child, path)
                if total > limit.amount:
                    raise limit.error("pdf_form_objects", name, count=limit.amount)
        path.discard(form)
        expanded[form] = total
        return total

    import sys

    depth = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(max(depth, len(forms) + 200))
        for form in forms:
            size(form, set())
    except RecursionError:
        raise limits.NESTING.error("pdf_forms_nested", name) from None
    finally:
        sys.setrecursionlimit(depth)


def _object_text(data: bytes, number: int) -> bytes:
    """The text of a top-level object (up to 4 KB), or b"" (it may be inside an object stream)."""
    found = re.search(rb"(?<!\d)%d\s+\d+\s+obj\b" % number, data)
    return data[found.end():found.end() + 4096].split(b"endobj", 1)[0] if found else b""


def _stream_bytes(data: bytes, start: int, flate: bool, cap: int = 1 << 22) -> bytes:
    """A stream's content (at most ``cap`` bytes, inflated where it is zlib data)."""
    if flate:
        import zlib

        try:
            return zlib.decompressobj().decompress(data[start:start + (1 << 22)], cap)
        except zlib.error:
            return b""
    end = data.find(b"endstream", start)
    return data[start:end if 0 <= end - start < cap else start + cap]


def _open_error(message: str, name: str) -> ReportError:
    """Why pdfium could not open a PDF, from pdfium's own message."""
    lowered = message.lower()
    if "password" in lowered:
        return ReportError("pdf_encrypted", name)
    if "format" in lowered or "data" in lowered or "file" in lowered:
        return ReportError("pdf_damaged", name, detail=message)
    return ReportError("pdf_unopenable", name, detail=message)


def _read_page(page, number: int, continued: layout.OpenEnd | None = None) -> PageContent:
    chars, bad = _chars(page)
    content = page_content(number, page.get_height(), chars, _edges(page), bad, continued)
    page.close()
    return content


def _chars(page) -> tuple[list[Char], int]:
    """Every character with its box, through pdfium's C API (the Python wrappers cost more than
    pdfium itself at a thousand characters a page)."""
    c = _capi()
    textpage = page.get_textpage()
    handle = _pointer(textpage.raw)
    count = max(c.count_chars(handle), 0)
    text = textpage.get_text_range(0, count) if count else ""
    letters = text if len(text) == count else [  # characters beyond the BMP: one at a time
        "" if UNMAPPED.match(t) else t for t in (textpage.get_text_range(i, 1) for i in range(count))]
    # control or private-use characters: a font without a Unicode mapping
    unmapped = UNMAPPED.findall(text)
    skip = {"", "\r", "\n", *unmapped}
    box = (ctypes.c_double * 4)()  # left, right, bottom, top
    left, right, bottom, top = _pointers(box, 8, 4)
    unpack, view = struct.Struct("4d").unpack_from, memoryview(box)
    char_box = c.char_box
    chars = []
    for i, ch in enumerate(letters):
        if ch in skip:
            continue
        char_box(handle, i, left, right, bottom, top)
        x0, x1, y0, y1 = unpack(view)
        if x1 <= x0 or y1 <= y0:
            if ch.isspace():
                continue
            x1, y1 = max(x1, x0 + 0.1), max(y1, y0 + 0.1)
        chars.append((x0, y0, x1, y1, ch))
    textpage.close()
    return chars, len(unmapped)


# --- ruling lines -> grids ----------------------------------------------------------------------
def _path_objects(c: SimpleNamespace, container: int, count_fn, get_fn, depth: int = 0,
                  seen: list[int] | None = None) -> list[int]:
    """Path objects of a page, and of the form XObjects in it (pdfium handles as integers)."""
    object_type, path, form, pointer = c.object_type, c.PATH, c.FORM, ctypes.c_void_p
    found = []
    seen = seen if seen is not None else [0]  # objects counted on this page so far
    count = count_fn(container)
    seen[0] += max(count, 0)
    limits.PAGE_OBJECTS.check(seen[0], "pdf_page_objects", count=seen[0])
    for i in range(count):
        obj = pointer(get_fn(container, i))
        kind = object_type(obj)
        if kind == path:
            found.append(obj)
        elif kind == form and depth < 8:
            found += _path_objects(c, obj, c.count_form_objects, c.get_form_object, depth + 1, seen)
    return found


def _edges(page) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """(horizontal (y, x0, x1), vertical (x, y0, y1)) rules: stroked paths and thin dark fills.

    Positions of objects inside form XObjects are taken as pdfium reports them (page space for
    the forms Word, WPS and LibreOffice write)."""
    c = _capi()
    horizontal, vertical = [], []
    box = (ctypes.c_float * 4)()  # left, bottom, right, top
    corners = _pointers(box, 4, 4)
    mode = (ctypes.c_int * 2)()  # fill mode, stroke
    modes = _pointers(mode, 4, 2)
    color = (ctypes.c_uint * 4)()  # r, g, b, a
    channels = _pointers(color, 4, 4)
    for obj in _path_objects(c, _pointer(page.raw), c.count_objects, c.get_object):
        c.bounds(obj, *corners)
        x0, y0, x1, y1 = box
        w, h = x1 - x0, y1 - y0
        c.draw_mode(obj, *modes)
        fill, stroke = mode
        if stroke:
            pass
        elif fill and min(w, h) < THICK:
            c.fill_color(obj, *channels)
            r, g, b, a = color
            if lattice.is_light(r, g, b, a):
                continue  # a white or invisible thin fill is no rule
        else:
            continue  # a filled box: a cell background, not a rule
        lattice.add_rules(horizontal, vertical, x0, y0, x1, y1, stroke)
    return horizontal, vertical
