"""Page images (PNG, JPEG, TIFF; a multi-page TIFF is the pages in order), read by OCR.

Every limit is checked from the image headers before a pixel is decoded: the number of pages and
each page's pixel count (a decompression bomb is refused, not decoded). Each page then goes
through the scan reader (``scan.read_page``) and the document is made the way the PDF reader
makes it, so scanned and born-digital reports meet the same pipeline.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from io import BytesIO

from .. import limits
from ..document import Document
from ..errors import ReportError
from . import scan


def read(data: bytes, name: str = "<stdin>", on_ocr_page=None) -> Document:
    """``on_ocr_page()``: called as OCR starts on each page."""
    return _read_images([(None, data)], name, on_ocr_page)


def read_bundle(data: bytes, name: str, clutter, on_ocr_page=None) -> Document:
    """A zip of page images (a group of page image files, see ``pages``, or a user's own zip of
    scanned pages): the images in the natural order of their names, one report. Sizes and the
    member count are checked from the zip's directory before anything is unzipped."""
    import zipfile

    from ..pages import natural_key

    max_pages = limits.IMAGE_PAGES.value
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        members = sorted((i for i in archive.infolist() if not i.is_dir() and not clutter.search(i.filename)),
                         key=lambda i: natural_key(i.filename))
    except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError) as exc:
        raise ReportError("images_zip_damaged", name, detail=str(exc)) from None
    if len(members) > max_pages:
        raise ReportError("page_images_count", name, count=len(members), most=max_pages,
                          **limits.IMAGE_PAGES.raised_with)
    total = sum(i.file_size for i in members)
    limits.UNZIPPED_SIZE.check(total, "page_images_unzipped", name, mb=limits.mb(total))
    images = []
    for info in members:
        try:
            images.append((info.filename, archive.read(info)))  # at most file_size bytes: zipfile stops there
        except (zipfile.BadZipFile, RuntimeError, ValueError, OSError, EOFError) as exc:  # RuntimeError:
            # a password, or (NotImplementedError) a compression method zipfile does not know
            raise ReportError("zip_member_unreadable", name, name=info.filename, detail=str(exc)) from None
    return _read_images(images, name, on_ocr_page)


def _read_images(images: list[tuple[str | None, bytes]], name: str, on_ocr_page=None) -> Document:
    """The pages of the images (member name or None for a lone image, bytes), in order: one
    Document, its pages numbered through, each page's file kept in ``page_files``."""
    _pillow()
    max_pixels, max_pages = limits.PIXELS.value, limits.IMAGE_PAGES.value
    contents, files = [], []
    for member, data in images:
        for grey in _pages_of(data, name, member, max_pixels, max_pages - len(contents)):
            contents.append(scan.read_page(grey, len(contents) + 1,
                                           continued=contents[-1].layout_open_end if contents else None,
                                           on_ocr_page=on_ocr_page))
            files.append(member)
    document = scan.document(contents, name, "image")
    if any(files):
        document.page_files = files
    return document


def _pillow() -> None:
    """Pillow and numpy/OpenCV there (OcrUnavailable otherwise), and Pillow's own guard set to our
    pixel limit, for what it decodes behind our back."""
    try:
        from PIL import Image
    except ImportError:
        raise scan.OcrUnavailable("images_need_ocr", hint=scan.INSTALL_HINT) from None
    scan.numpy_and_cv2()
    Image.MAX_IMAGE_PIXELS = limits.PIXELS.value


def page(data: bytes, name: str, number: int, page_files: list[str] | None = None):
    """Page ``number`` (1-based) of an image input, decoded again as its reader decoded it (grey,
    under the same limits): of a lone image (a TIFF's pages in order), or of a zip of page images,
    from the member ``page_files`` names for that page. ReportError where it cannot be."""
    _pillow()
    index, member = number - 1, None
    if page_files:
        if not 1 <= number <= len(page_files):
            raise ReportError("no_such_page_image", name, page=number, count=len(page_files))
        member = page_files[number - 1]
        index = page_files[:number - 1].count(member)
        data = _member(data, name, member)
    with contextlib.closing(_pages_of(data, name, member, limits.PIXELS.value, limits.IMAGE_PAGES.value)) as pages:
        for i, grey in enumerate(pages):
            if i == index:
                return grey
    raise ReportError("image_no_page", name, member=member, page=index + 1)


def _member(data: bytes, name: str, member: str) -> bytes:
    """One member of a zip of page images, its unzipped size checked before it is unzipped."""
    import zipfile

    try:
        archive = zipfile.ZipFile(BytesIO(data))
        info = archive.getinfo(member)
        limits.UNZIPPED_SIZE.check(info.file_size, "page_image_unzipped", name, mb=limits.mb(info.file_size))
        return archive.read(info)
    except KeyError:
        raise ReportError("page_image_absent", name, name=member) from None
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, OSError, EOFError) as exc:
        raise ReportError("zip_member_unreadable", name, name=member, detail=str(exc)) from None


def _pages_of(data: bytes, name: str, member: str | None, max_pixels: int, room: int):
    """Each page of one image file (``member`` of a zip or a bundle, None for a lone image) as a
    grey array, decoded one at a time; at most ``room`` pages. Pillow's warnings about damaged
    metadata (Corrupt EXIF data) are not shown: a page that cannot be decoded is an error of one
    line, and one that can is read."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield from _decoded(data, name, member, max_pixels, room)


def _decoded(data: bytes, name: str, member: str | None, max_pixels: int, room: int):
    from PIL import Image, ImageOps, UnidentifiedImageError

    np, _ = scan.numpy_and_cv2()
    max_pages = limits.IMAGE_PAGES.value
    try:
        image = Image.open(BytesIO(data))
    except UnidentifiedImageError:
        raise ReportError("image_header", name, member=member) from None
    except Image.DecompressionBombError:
        raise _too_large(name, member, max_pixels) from None
    except MemoryError:
        raise
    except Exception as exc:  # Pillow's parsers raise what they meet in damaged headers (TypeError, KeyError…)
        raise ReportError("image_damaged", name, member=member, detail=_said(exc)) from None
    try:
        for index in range(room + 1):
            if index:
                try:
                    image.seek(index)
                except EOFError:
                    break
                except MemoryError:
                    raise
                except Exception as exc:  # a damaged page directory (a TIFF's IFD without its size)
                    raise ReportError("image_page_unreadable", name, member=member, page=index + 1,
                                      detail=_said(exc)) from None
            if index == room:
                raise ReportError("image_pages", name, member=member, most=max_pages, **limits.IMAGE_PAGES.raised_with)
            width, height = image.size
            if width * height > max_pixels:
                raise _too_large(name, member, max_pixels, width=width, height=height, page=index + 1)
            try:
                with _native_stderr_quiet():  # libtiff and libjpeg print their complaints on fd 2
                    frame = ImageOps.exif_transpose(image) if index == 0 else image
                    grey = np.asarray(frame.convert("L"))
            except Image.DecompressionBombError:
                raise _too_large(name, member, max_pixels, width=width, height=height, page=index + 1) from None
            except MemoryError:
                raise
            except Exception as exc:
                raise ReportError("image_undecodable", name, member=member, page=index + 1,
                                  detail=_said(exc)) from None
            if min(grey.shape) < 32:
                raise ReportError("image_too_small", name, member=member, page=index + 1, width=width, height=height)
            yield grey
    finally:
        image.close()


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


def _said(exc: Exception) -> str:
    return str(exc) if isinstance(exc, OSError | ValueError | SyntaxError) else f"{type(exc).__name__}: {exc}"


def _too_large(name: str, member: str | None, max_pixels: int, **size) -> ReportError:
    """An image over the pixel limit: ``size`` (width, height, page) where its header gave it."""
    return ReportError("image_too_large", name, member=member, most=max_pixels, **limits.PIXELS.raised_with, **size)
