"""A page read by OCR, made again from the source's bytes, and crops cut from it: for the page a
reviewer reads, which shows beside a cell OCR was unsure of the scan it was read from (``crops``).

The page image is made as the scan reader made it (a PDF page rendered in grey at
``scan.PDF_DPI``, an image page decoded under the same limits, then ``raster.upright``: rectified
and deskewed), so the boxes a result records, in pixels of that image, fall on the same pixels.
Nothing is OCR'd here: making the image again costs about a tenth of a second a page, against
seconds for its OCR, and a result read back from its file (a batch that reuses it) gets its crops
the same way as one just read.
"""

from __future__ import annotations

from . import sniff
from .raster import numpy_and_cv2, upright


def upright_page(data: bytes, name: str, number: int, page_files: list[str] | None = None):
    """Page ``number`` (1-based) of a PDF or of an image input, upright, as OCR read it (a grey
    array, 0 black). ReportError where the page cannot be made (a damaged image)."""
    from ..errors import ReportError

    kind = sniff(data, name)
    if kind == "pdf":
        grey = _pdf_page(data, name, number)
    elif kind in ("image", "pages"):
        from . import image

        grey = image.page(data, name, number, page_files)
    else:
        raise ReportError("no_page_images_in", name, kind=kind)
    return upright(grey)


def _pdf_page(data: bytes, name: str, number: int):
    import pypdfium2 as pdfium

    from ..errors import ReportError
    from .pdf import PDFIUM
    from .scan import rendered

    with PDFIUM:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise ReportError("pdf_unopenable", name, detail=str(exc)) from None
        try:
            if not 1 <= number <= len(pdf):
                raise ReportError("pdf_no_such_page", name, page=number)
            page = pdf[number - 1]
            try:
                return rendered(page)
            finally:
                page.close()
        except pdfium.PdfiumError as exc:
            raise ReportError("pdf_page_unrendered", name, page=number, detail=str(exc)) from None
        finally:
            pdf.close()


def cut(page, box, margin: int, max_width: int, max_height: int) -> tuple[bytes, int, int] | None:
    """The crop of ``box`` (x0, y0, x1, y1, pixels of ``page``) and ``margin`` pixels around it,
    inside the page, as a grey PNG: (its bytes, width, height). A crop larger than ``max_width`` ×
    ``max_height`` is scaled down to fit (its shape kept). None where nothing of the box is on the
    page (a box no longer on it)."""
    np, cv2 = numpy_and_cv2()
    height, width = page.shape
    x0, y0, x1, y1 = (int(v) for v in box)
    x0, y0 = max(x0 - margin, 0), max(y0 - margin, 0)
    x1, y1 = min(x1 + margin, width), min(y1 + margin, height)
    if x1 <= x0 or y1 <= y0:
        return None
    crop = np.ascontiguousarray(page[y0:y1, x0:x1])
    scale = min(1.0, max_width / crop.shape[1], max_height / crop.shape[0])
    if scale < 1.0:
        size = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))
        crop = cv2.resize(crop, size, interpolation=cv2.INTER_AREA)
    ok, png = cv2.imencode(".png", crop, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    if not ok:
        return None
    return png.tobytes(), int(crop.shape[1]), int(crop.shape[0])
