"""The page image of a scan, before OCR: a photo rectified and the page deskewed, the ruling lines
found in the raster by morphology (in PDF points, y up, for ``lattice.grids``) and their ends cut
back to the rules they cross, the ink without isolated specks, a blank page told apart. The OCR of
the page (detection, recognition, the page reader) is ``scan``'s, which imports this module.
"""

from __future__ import annotations

from .. import lattice
from ..errors import ReportError

INSTALL_HINT = "pip install 'report-extract[ocr]'"
INK = 160  # grey level (0 black .. 255 white) below which a pixel is ink


class OcrUnavailable(ReportError):
    pass


def numpy_and_cv2():
    """numpy and OpenCV, imported on first use; OcrUnavailable where they are not installed."""
    try:
        import cv2
        import numpy
    except ImportError:
        raise OcrUnavailable("ocr_missing", hint=INSTALL_HINT) from None
    return numpy, cv2


# a photo of a page: the page (bright) covers at least this share of the image, and the rest of
# the image (the table it lies on) is at least this much darker than the page
PAGE_SHARE = 0.3
BACKGROUND_CONTRAST = 40
# a page whose corners are all within this share of the image's size from the image's corners is
# a scan (or a photo already cropped): it is only deskewed
CROPPED = 0.03


def rectify(grey):
    """A photo of a page taken at an angle: the page's four corners found (the largest bright
    quadrilateral on a darker background) and the page warped to an upright rectangle of the
    same size. A scan (the page fills the image) is returned as it is."""
    np, cv2 = numpy_and_cv2()
    height, width = grey.shape
    scale = 1000.0 / max(height, width)
    small = cv2.resize(grey, (max(1, int(width * scale)), max(1, int(height * scale))), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (5, 5), 0)
    _, bright = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))  # the print inside the page
    contours, _ = cv2.findContours(bright, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return grey
    page = max(contours, key=cv2.contourArea)
    if cv2.contourArea(page) < PAGE_SHARE * small.shape[0] * small.shape[1]:
        return grey
    quad = cv2.approxPolyDP(page, 0.02 * cv2.arcLength(page, True), True)
    if len(quad) != 4 or not cv2.isContourConvex(quad):
        return grey
    corners = _ordered(quad.reshape(4, 2).astype(np.float32))
    frame = np.float32([[0, 0], [small.shape[1], 0], [small.shape[1], small.shape[0]], [0, small.shape[0]]])
    if np.abs(corners - frame).max() <= CROPPED * max(small.shape):
        return grey
    inside = np.zeros_like(small)
    cv2.fillConvexPoly(inside, corners.astype(np.int32), 255)
    if small[inside == 0].mean() > small[inside > 0].mean() - BACKGROUND_CONTRAST:
        return grey  # not a page on a darker ground (a large drawn frame on a page, say)
    corners /= scale
    page_width = int(max(np.linalg.norm(corners[1] - corners[0]), np.linalg.norm(corners[2] - corners[3])))
    page_height = int(max(np.linalg.norm(corners[3] - corners[0]), np.linalg.norm(corners[2] - corners[1])))
    target = np.float32([[0, 0], [page_width, 0], [page_width, page_height], [0, page_height]])
    matrix = cv2.getPerspectiveTransform(corners, target)
    return cv2.warpPerspective(grey, matrix, (page_width, page_height), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=255)


def _ordered(points):
    """Four corners as top-left, top-right, bottom-right, bottom-left."""
    np, _ = numpy_and_cv2()
    sums, diffs = points.sum(axis=1), np.diff(points, axis=1).ravel()
    return np.float32([points[sums.argmin()], points[diffs.argmin()], points[sums.argmax()], points[diffs.argmax()]])


def upright(grey):
    """The page image as the scan reader reads it: a photo rectified, then the page deskewed. The
    OCR boxes of a result are pixels of this image (a crop cut again from the source meets them)."""
    return deskew(rectify(grey))[0]


def deskew(grey):
    """The page turned upright (angle from the projection profile: the angle at which rows of ink
    are sharpest), with the angle in degrees. Skews up to ±3° are searched."""
    np, cv2 = numpy_and_cv2()
    height, width = grey.shape
    small_scale = 800.0 / max(height, width)
    small = cv2.resize(grey, (max(1, int(width * small_scale)), max(1, int(height * small_scale))),
                       interpolation=cv2.INTER_AREA)
    ink = (small < INK).astype(np.float32)
    if ink.sum() < 50:
        return grey, 0.0
    center = (ink.shape[1] / 2, ink.shape[0] / 2)

    def sharpness(angle: float) -> float:
        matrix = cv2.getRotationMatrix2D(center, angle, 1.0)
        turned = cv2.warpAffine(ink, matrix, (ink.shape[1], ink.shape[0]), flags=cv2.INTER_NEAREST)
        rows = turned.sum(axis=1)
        return float((rows * rows).sum())

    best = max((a / 4 for a in range(-12, 13)), key=sharpness)  # 0.25° steps
    best = max((best + a / 20 for a in range(-5, 6)), key=sharpness)  # then 0.05°
    if abs(best) < 0.05:
        return grey, 0.0
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), best, 1.0)
    upright = cv2.warpAffine(grey, matrix, (width, height), flags=cv2.INTER_LINEAR,
                             borderMode=cv2.BORDER_CONSTANT, borderValue=255)
    return upright, best


def best_rules(grey, scale: float, height_px: int):
    """The rules of the page from the ink of a fixed threshold, or from the ink of an adaptive one
    where that finds them in fewer pieces (a blurred or light scan, whose thin rules are grey and
    break up under a fixed threshold). Where both find as many pieces, the fixed one: the adaptive
    ink widens a rule by its halo and can carry its ends past a crossing."""
    np, _ = numpy_and_cv2()
    fixed = rules(np.where(grey < INK, 255, 0).astype(np.uint8), scale, height_px)
    adaptive = rules(_rule_ink(grey), scale, height_px)
    pieces = [len(horizontal) + len(vertical) for (horizontal, vertical), _mask in (fixed, adaptive)]
    return adaptive if pieces[1] < pieces[0] else fixed


def _rule_ink(grey):
    """Ink for finding rules: a pixel clearly darker than the paper around it. A thin rule on a
    blurred or light scan is grey, not black (a 1-pixel rule at 150 dpi blurred reads ~190), so a
    fixed threshold loses it; noise stays below the margin."""
    _, cv2 = numpy_and_cv2()
    return cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 15, 30)


def rules(ink, scale: float, height_px: int):
    """(horizontal (y, x0, x1), vertical (x, y0, y1)) ruling lines of a binarised page (ink = 255),
    in points (``scale`` points a pixel) with y growing upwards, and the mask of their pixels.

    A rule is a run of ink at least ``long`` pixels (about 8 mm) along a row or a column: the
    longest stroke of a character at report sizes is a third of that. Gaps of a few pixels (a
    light scan, JPEG artefacts) are closed first."""
    np, cv2 = numpy_and_cv2()
    long = max(20, int(22.0 / scale))  # 22 pt
    gap = max(2, int(1.5 / scale))
    out = []
    masks = []
    for axis in (0, 1):  # 0: horizontal rules
        along = (long, 1) if axis == 0 else (1, long)
        bridge = (gap, 1) if axis == 0 else (1, gap)
        closed = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, bridge))
        lines = cv2.morphologyEx(closed, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, along))
        masks.append(lines)
        count, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
        found = []
        for x, y, w, h, _area in stats[1:count]:
            if axis == 0:
                thick = h if h < 4 * max(1, gap) else _thickness(lines, x, y, w, h, axis)
                if thick * scale >= lattice.THICK:
                    continue  # a filled block (a photo, a stamp), not a rule
                middle = y + h / 2
                found.append(((height_px - middle) * scale, x * scale, (x + w) * scale))
            else:
                thick = w if w < 4 * max(1, gap) else _thickness(lines, x, y, w, h, axis)
                if thick * scale >= lattice.THICK:
                    continue
                middle = x + w / 2
                found.append((middle * scale, (height_px - y - h) * scale, (height_px - y) * scale))
        out.append(found)
    return (out[0], out[1]), masks[0] | masks[1]


# points: how far past a crossing rule the end of a raster rule may run and still be cut back to it
# (the vertical stroke of a character that touches a rule joins it, by up to a character's height;
# a table row is taller than that, so an open side is never cut)
OVERSHOOT = 10.5


def trim_overshoots(horizontal: list, vertical: list) -> tuple[list, list]:
    """Rules whose end runs a little past a crossing rule and stops on no rule, cut back to the
    rule they cross. On a scan a character's stroke touching a rule lengthens it (未经复议… over
    the rules of its cells); its end would make a thin row or column of its own."""
    return (_trimmed(horizontal, vertical), _trimmed(vertical, horizontal))


def _trimmed(rules: list, crossing: list) -> list:
    out = []
    for at, low, high in rules:
        across = sorted(c for c, a, b in crossing if a - lattice.TOL <= at <= b + lattice.TOL)
        if not any(abs(c - high) <= lattice.TOL for c in across):
            inside = [c for c in across if low + lattice.TOL < c < high and high - c <= OVERSHOOT]
            high = max(inside, default=high)
        if not any(abs(c - low) <= lattice.TOL for c in across):
            inside = [c for c in across if low < c < high - lattice.TOL and c - low <= OVERSHOOT]
            low = min(inside, default=low)
        out.append((at, low, high))
    return out


def _thickness(lines, x, y, w, h, axis) -> float:
    """The typical thickness of a component that its bounding box overstates (a slightly tilted
    rule): its ink area over its length."""
    area = float((lines[y:y + h, x:x + w] > 0).sum())
    return area / max(w if axis == 0 else h, 1)


def without_specks(clean):
    """The ink of the page without isolated specks (scanner noise, a rule's remains): what a 3×3
    median keeps, and every stroke joined to it whole. The median alone erases the thin strokes of
    a glyph too (the diagonal of a 7 at 150 dpi, blurred, is a pixel wide): the bar left of a 7 is
    a line too short to be text, and the digit is lost."""
    np, cv2 = numpy_and_cv2()
    ink = (clean < INK).astype(np.uint8)
    kept = cv2.medianBlur(clean, 3) < INK
    count, labels = cv2.connectedComponents(ink, connectivity=8)
    whole = np.zeros(count, dtype=bool)
    whole[np.unique(labels[kept & (ink > 0)])] = True
    whole[0] = False  # the paper
    return np.where(kept | whole[labels], 0, 255).astype(np.uint8)


def is_blank(grey) -> bool:
    """No ink worth reading: fewer than one pixel in 5000 darker than INK (specks, a scanner's edge)."""
    np, _ = numpy_and_cv2()
    return int(np.count_nonzero(grey < INK)) < grey.size / 5000
