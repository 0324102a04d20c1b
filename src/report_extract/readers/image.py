"""Page images (PNG, JPEG, TIFF; a multi-page TIFF is the pages in order), read by OCR.

Every limit is checked from the image headers before a pixel is decoded: the number of pages and
each page's pixel count (a decompression bomb is refused, not decoded). Each page then goes
through the scan reader (``scan.read_page``) and the document is made the way the PDF reader
makes it, so scanned and born-digital reports meet the same pipeline.
"""

from __future__ import annotations

import contextlib
import os
from io import BytesIO

from ..document import Document
from ..errors import ReportError
from . import scan

# A page image larger than this is refused before it is decoded (an A4 page at 600 dpi is about
# 35 million pixels). Raise it with the environment variable REPORT_EXTRACT_MAX_PIXELS.
MAX_PIXELS = 60_000_000
# A multi-page TIFF with more pages than this is refused (a report has 5–20 pages; OCR takes
# seconds a page). Raise it with the environment variable REPORT_EXTRACT_MAX_PAGES.
MAX_PAGES = 100


def _limit(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, "")) or default
    except ValueError:
        return default


def read(data: bytes, name: str = "<stdin>") -> Document:
    try:
        from PIL import Image, ImageOps, UnidentifiedImageError
    except ImportError:
        raise scan.OcrUnavailable(f"reading images needs OCR; install it with: {scan.INSTALL_HINT}") from None
    np, _ = scan.numpy_and_cv2()
    max_pixels, max_pages = _limit("REPORT_EXTRACT_MAX_PIXELS", MAX_PIXELS), _limit("REPORT_EXTRACT_MAX_PAGES", MAX_PAGES)
    Image.MAX_IMAGE_PIXELS = max_pixels  # Pillow's own guard, for what it decodes behind our back
    try:
        image = Image.open(BytesIO(data))
    except UnidentifiedImageError:
        raise ReportError("a damaged image file (its header cannot be read)", name) from None
    except Image.DecompressionBombError:
        raise ReportError(_too_large(None, max_pixels), name) from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise ReportError(f"a damaged image file ({exc})", name) from None
    pages = []
    contents = []
    try:
        for index in range(max_pages + 1):
            if index:
                try:
                    image.seek(index)
                except EOFError:
                    break
            if index == max_pages:
                raise ReportError(f"an image with more than {max_pages} pages; report-extract reads at most "
                                  f"{max_pages} (raise the limit with REPORT_EXTRACT_MAX_PAGES)", name)
            width, height = image.size
            if width * height > max_pixels:
                raise ReportError(_too_large((width, height, index + 1), max_pixels), name)
            pages.append(index + 1)
            try:
                with _native_stderr_quiet():  # libtiff and libjpeg print their complaints on fd 2
                    frame = ImageOps.exif_transpose(image) if index == 0 else image
                    grey = np.asarray(frame.convert("L"))
            except Image.DecompressionBombError:
                raise ReportError(_too_large((width, height, index + 1), max_pixels), name) from None
            except (OSError, ValueError, SyntaxError) as exc:
                raise ReportError(f"a damaged or truncated image: page {index + 1} cannot be decoded ({exc})",
                                  name) from None
            if min(grey.shape) < 32:
                raise ReportError(f"page {index + 1} is a {width}×{height} pixel image, too small to be a page",
                                  name)
            contents.append(scan.read_page(grey, index + 1))
    finally:
        image.close()
    return scan.document(contents, name, "image")


@contextlib.contextmanager
def _native_stderr_quiet():
    """Native decoders write warnings to the process's stderr; the error we raise says it once."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        try:  # C stdio buffers what the decoder wrote: flushed into /dev/null, not after
            import ctypes

            ctypes.CDLL(None).fflush(None)
        except (OSError, AttributeError):
            pass
        os.dup2(saved, 2)
        os.close(saved)


def _too_large(size, max_pixels: int) -> str:
    where = f"page {size[2]} is {size[0]}×{size[1]} pixels" if size else "the image is too large"
    return (f"{where}, above the limit of {max_pixels:,} pixels (a decompression bomb?); scale it down, or "
            "raise the limit with REPORT_EXTRACT_MAX_PIXELS")
