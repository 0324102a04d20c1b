"""The crops of the scan beside the cells OCR was unsure of, for the page a reviewer reads: each
cell with an ``ocr_uncertain`` or ``ocr_corrected`` problem gets a small image of the box its text
was read from, with a little of the cell around it, so the reviewer reads the digits with their own
eyes next to our reading.

Crops are cut when a page is written, from the source's bytes (``readers.page_image`` makes the
page image again as OCR saw it): a result read back from its file (a batch that reuses it) gets
them as one just read does, and nothing of them goes into the result file. A source that is gone,
or whose sha256 is no longer the result's, gives no crop and a note; so does a page image that
cannot be made again (a damaged image). Bounded: ``MAX_CROPS`` a report, each at most
``MAX_WIDTH`` × ``MAX_HEIGHT`` pixels.

The crops travel on the report (``Report.crops``); the page (``views.html``) shows them and words
the notes in Chinese from their facts (``Crops.missing``).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import ReportError
from .model import Report

CROP_CODES = ("ocr_uncertain", "ocr_corrected", "ocr_unread")
# crops a report (one report's page): more doubtful cells than this are a page no one reads cell by
# cell; the rest are counted in a note
MAX_CROPS = 200
# pixels: a crop larger than this (a cell whose text ran over several lines) is scaled down to fit
MAX_WIDTH, MAX_HEIGHT = 480, 160
# the margin around the box on each side, in heights of the box (a line of text): the cell's rules
# and a little paper, at least MIN_MARGIN pixels
MARGIN = 0.5
MIN_MARGIN = 4

Source = bytes | Callable[[], bytes] | None


@dataclass(frozen=True)
class Crop:
    """A crop of the scan: a grey PNG, its size in pixels, the page it was cut from."""

    png: bytes
    width: int
    height: int
    page: int

    @property
    def uri(self) -> str:
        """As a ``data:`` URI (a page is one file: its images are inside it)."""
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


@dataclass
class Crops:
    """The crops of a report's doubtful cells (flat key -> crop), and what is missing and why:
    ``missing`` holds (why, facts): ``source_gone``, ``source_changed``, ``page`` ({page, count}: its
    image could not be made again), ``no_box`` ({count}: cells in which OCR read nothing),
    ``over_limit`` ({count, limit})."""

    cells: dict[str, Crop] = field(default_factory=dict)
    missing: list[tuple[str, dict]] = field(default_factory=list)


def wanted(report: Report) -> list[str]:
    """The flat keys of the cells a crop is wanted for, in the order of their problems."""
    keys: dict[str, None] = {}
    for p in report.problems:
        if p.code in CROP_CODES and p.table and p.row and p.column:
            keys.setdefault(f"{p.table}.{p.row}.{p.column}")
    return list(keys)


def margin(box) -> int:
    """The margin around a box, in pixels: MARGIN of its height, at least MIN_MARGIN."""
    return max(MIN_MARGIN, int(MARGIN * (box[3] - box[1]) + 0.5))


def cut(report: Report, source: Source) -> Crops:
    """The crops of ``report``'s doubtful cells from its source: its bytes, or a function that reads
    them (called only where a crop is wanted; a ReportError or OSError from it: the source is gone)."""
    keys = wanted(report)
    crops = Crops()
    if not keys:
        return crops
    try:
        data = source() if callable(source) else source
    except (ReportError, OSError):
        data = None
    if data is None:
        crops.missing.append(("source_gone", {}))
        return crops
    if hashlib.sha256(data).hexdigest() != report.source.sha256:
        crops.missing.append(("source_changed", {}))
        return crops
    if len(keys) > MAX_CROPS:
        crops.missing.append(("over_limit", {"count": len(keys) - MAX_CROPS, "limit": MAX_CROPS}))
        keys = keys[:MAX_CROPS]
    by_page: dict[int, list[tuple[str, list[int]]]] = {}
    no_box = 0
    for key in keys:
        prov = report.provenance.get(key)
        if prov is None or prov.ocr is None or prov.ocr.box is None or prov.page is None:
            no_box += 1
        else:
            by_page.setdefault(prov.page, []).append((key, prov.ocr.box))
    if no_box:
        crops.missing.append(("no_box", {"count": no_box}))
    for number, boxes in sorted(by_page.items()):
        _cut_page(report, data, number, boxes, crops)
    return crops


def _cut_page(report: Report, data: bytes, number: int, boxes: list, crops: Crops) -> None:
    from .readers.page_image import cut as cut_box
    from .readers.page_image import upright_page

    try:
        page = upright_page(data, report.source.path, number, report.source.page_files)
        for key, box in boxes:
            made = cut_box(page, box, margin(box), MAX_WIDTH, MAX_HEIGHT)
            if made is not None:
                crops.cells[key] = Crop(*made, page=number)
    except MemoryError:
        raise
    except Exception:  # a crop helps the eye: a page image that cannot be made again
        pass  # (a damaged image, a box off the page) is said on the page, never raised
    lost = sum(1 for key, _ in boxes if key not in crops.cells)
    if lost:
        crops.missing.append(("page", {"page": number, "count": lost}))


def attach(report: Report, source: Source) -> Report:
    """``report`` with the crops of its doubtful cells (``Report.crops``), for its page."""
    report.crops = cut(report, source)
    return report


def extract_for_page(path, data: bytes | None = None, sha256: str | None = None, ocr: str = "auto") -> Report:
    """``pipeline.extract`` with the crops of its doubtful cells attached, for a page written at
    once (``extract -f html``): the source's bytes are at hand."""
    import os

    from .guard import printable, read_input
    from .pipeline import extract

    if data is None:
        data = read_input(os.fspath(path), printable(os.fspath(path)))
    return attach(extract(path, data, sha256, ocr), data)
