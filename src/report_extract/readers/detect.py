"""Text detection on the part of a page that is not a ruled table.

Inside a ruled table the cells are known boxes and their text lines are cut by the blank rows
between them (``scan._lines``): running the detector there is wasted, and detection costs about
as much as recognising a whole page. So the ruled cells are blanked (each, not the table's outer
box: what a lattice leaves outside its cells is detected as before) and the detector runs only
on the horizontal bands of the page that still have ink, at the scale it ran on the whole page
(the page's longer side ``DETECT_SIDE`` pixels, each side a multiple of 32, as rapidocr resizes):
the network is convolutional, so a band with blank margins gives the boxes the whole page gave
there, and a band costs its area. On a page of prose the band is the page, as before.

The height of a text line, which cuts the cells' text into lines, is measured on the cells
themselves (``cell_line``): the detector no longer sees their text.
"""

from __future__ import annotations

import statistics

from .raster import INK, numpy_and_cv2

# Detection runs on the page scaled so its longer side is this many pixels (rapidocr's default
# scales the shorter side up to 736, i.e. the whole 200-dpi page); text lines of 9 pt and more are
# still found at this size, and detection costs a quarter.
DETECT_SIDE = 960
# the detector's input is a multiple of this many pixels each way
DETECT_STEP = 32
# blank pixels (of the detector's image) kept above and below the ink of a band: more than the
# detector's box margin (its boxes reach 1.5 type heights), so a band sees what the page saw
BAND_MARGIN = 24
# a row of the detector's image with fewer dark pixels than this is blank (noise, a rule's end)
BAND_ROW_INK = 2
# bands closer than this (pixels of the detector's image) are detected together: one run of the
# network has a fixed cost, a few blank rows cost less
BAND_JOIN = 48
# where the bands cover this share of the page, the page is detected whole (one run)
WHOLE_PAGE = 0.8
# a ruled cell is blanked this many pixels (of the page) beyond its box (the cell inside its rules,
# less 2 pixels): the rules' thickness and what deskewing left of their slant
CELL_OUTSET = 8
# a detector box is this many times the height of the tallest run of inked rows in a table cell
# (the median over the cells; 1.73–2.15 on the scan set at 150–300 dpi, where the detector ran
# over the cells and its median box was the line height)
LINE_PER_INK = 1.85


def text_boxes(detector, page, cells: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """The boxes (x0, y0, x1, y1, pixels of ``page``, y down) the detector finds on the page
    outside the ruled ``cells`` (their boxes, in pixels), each at least 3 pixels each way."""
    np, cv2 = numpy_and_cv2()
    height, width = page.shape
    ratio = min(1.0, DETECT_SIDE / max(height, width))
    small_w = max(DETECT_STEP, round(width * ratio / DETECT_STEP) * DETECT_STEP)
    small_h = max(DETECT_STEP, round(height * ratio / DETECT_STEP) * DETECT_STEP)
    small = cv2.resize(page, (small_w, small_h))
    sx, sy = small_w / width, small_h / height
    for x0, y0, x1, y1 in cells:
        small[max(int((y0 - CELL_OUTSET) * sy), 0):int((y1 + CELL_OUTSET) * sy) + 1,
              max(int((x0 - CELL_OUTSET) * sx), 0):int((x1 + CELL_OUTSET) * sx) + 1] = 255
    boxes = []
    for top, bottom in _bands(small):
        band = cv2.cvtColor(np.ascontiguousarray(small[top:bottom]), cv2.COLOR_GRAY2BGR)
        found = detector(band)
        if found.boxes is None:
            continue
        for quad in found.boxes:
            x0, y0 = max(int(quad[:, 0].min() / sx), 0), max(int((quad[:, 1].min() + top) / sy), 0)
            x1 = min(int(quad[:, 0].max() / sx) + 1, width)
            y1 = min(int((quad[:, 1].max() + top) / sy) + 1, height)
            if x1 - x0 >= 3 and y1 - y0 >= 3:
                boxes.append((x0, y0, x1, y1))
    return boxes


def _bands(small) -> list[tuple[int, int]]:
    """The row ranges of the detector's image to run it on: the runs of inked rows with their
    margins, joined where close, each a multiple of DETECT_STEP high; the whole image where they
    cover most of it."""
    height = small.shape[0]
    inked = ((small < INK).sum(axis=1) >= BAND_ROW_INK).nonzero()[0]
    if len(inked) == 0:
        return []
    bands: list[list[int]] = []
    for y in inked:
        if bands and y - bands[-1][1] <= BAND_JOIN + 2 * BAND_MARGIN:
            bands[-1][1] = int(y)
        else:
            bands.append([int(y), int(y)])
    out = []
    for first, last in bands:
        top, bottom = max(first - BAND_MARGIN, 0), min(last + 1 + BAND_MARGIN, height)
        tall = -(-(bottom - top) // DETECT_STEP) * DETECT_STEP
        bottom = min(top + tall, height)
        out.append((max(bottom - tall, 0), bottom))
    if sum(b - t for t, b in out) >= WHOLE_PAGE * height:
        return [(0, height)]
    return out


def cell_line(image, cells: list[tuple[int, int, int, int]]) -> int | None:
    """The height of a detected text line in the ruled cells (pixels), from their ink: the median
    of each inked cell's tallest run of inked rows, times LINE_PER_INK; None without inked cells."""
    np, _ = numpy_and_cv2()
    tallest = []
    for x0, y0, x1, y1 in cells:
        rows = (image[y0:y1, x0:x1] < INK).any(axis=1)
        edges = np.diff(rows.astype(np.int8), prepend=0, append=0).nonzero()[0]
        runs = edges[1::2] - edges[::2]
        if len(runs) and runs.max() >= 3:
            tallest.append(int(runs.max()))
    return round(LINE_PER_INK * statistics.median(tallest)) if tallest else None
