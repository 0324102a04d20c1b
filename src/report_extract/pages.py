"""A report published as several page images: which files are the pages of one report, and the
one input (a bundle) that carries them to a reader.

Many bodies publish a scanned report as one JPG or PNG a page (saved from a web page: ``1.jpg``,
``2.jpg`` …; from a scanner: ``报告_第1页.jpg`` …; ``scan-p01.png`` …). Read file by file, each page
would be a report of its own, with tables cut at every page break. So page images in one folder
whose names differ only in a page number are one report, its pages in number order:

- the page number is the last run of digits in the name (without its extension), below 1,000 (a
  year such as ``报告2023.jpg`` or a camera's ``IMG_2031.jpg`` is not a page number);
- what stands before and after the number is the same in every name of the group (the extension
  may differ: ``.jpg``, ``.png``, ``.tif``);
- a group has at least two files and no page number twice (``p1.jpg`` beside ``p1.png`` is not
  decided here: each is read alone);
- a file that holds several pages itself (a multi-page TIFF) is a report of its own, never a page;
- only files found in a folder are grouped: files a user names one by one (``extract a.tif
  b.tif``) are read one by one (a zip of the page images, or ``extract_pages()``, reads them as one).

A group travels as one input: a zip archive of its images, stored (not compressed), with fixed
timestamps, so the same pages make the same bytes and the same sha256 (a rerun reuses the result).
The image reader reads any zip of page images the same way, in the natural order of the member
names (a user's own zip of scanned pages reads as the grouped folder would).
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from pathlib import PurePath

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
MAX_PAGE_NUMBER = 999
# the last run of digits of a name (without its extension) and what stands around it
_NUMBERED = re.compile(r"^(?P<before>.*?)(?P<number>\d+)(?P<after>\D*)$", re.S)
_DIGITS = re.compile(r"(\d+)")
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def is_image_name(name: str) -> bool:
    return PurePath(name).suffix.lower() in IMAGE_SUFFIXES


def page_number(path: str) -> tuple[tuple[str, str, str], int, str] | None:
    """((folder, before, after), page number, the number as written) of a page image's name, or
    None when the name carries no page number."""
    pure = PurePath(path)
    if pure.suffix.lower() not in IMAGE_SUFFIXES or pure.suffix.lower() in (".tif", ".tiff") and _several_pages(path):
        return None
    match = _NUMBERED.match(pure.stem)
    if not match or int(match["number"]) > MAX_PAGE_NUMBER:
        return None
    return (str(pure.parent), match["before"], match["after"]), int(match["number"]), match["number"]


def _several_pages(path: str) -> bool:
    """Whether a TIFF holds more than one page: its first image directory points to a next one
    (read from the header; a file that cannot be read is no page of a group either)."""
    import struct

    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
            order = {b"II": "<", b"MM": ">"}.get(head[:2])
            if order is None or len(head) < 8:
                return True
            if struct.unpack(order + "H", head[2:4])[0] == 43:  # BigTIFF: taken as several
                return True
            handle.seek(struct.unpack(order + "I", head[4:8])[0])
            entries = struct.unpack(order + "H", handle.read(2))[0]
            handle.seek(entries * 12, 1)
            return struct.unpack(order + "I", handle.read(4))[0] != 0
    except (OSError, struct.error):
        return True


def group(paths: list[str]) -> list[list[str]]:
    """The paths as inputs, in the order given: a group of page images of one report becomes one
    input (its pages in number order) where its first page image stood; every other path is an
    input of its own."""
    members: dict[tuple, list[tuple[int, str]]] = {}
    for path in paths:
        numbered = page_number(path)
        if numbered:
            members.setdefault(numbered[0], []).append((numbered[1], path))
    grouped: dict[str, list[str]] = {}  # first page image given -> the group's paths in page order
    for pages in members.values():
        numbers = [n for n, _ in pages]
        if len(pages) < 2 or len(set(numbers)) < len(numbers):
            continue
        ordered = [p for _, p in sorted(pages)]
        grouped[pages[0][1]] = ordered
    in_groups = {p for ordered in grouped.values() for p in ordered}
    out = []
    for path in paths:
        if path in grouped:
            out.append(grouped[path])
        elif path not in in_groups:
            out.append([path])
    return out


def label(parts: list[str]) -> str:
    """The name of a group of page images, said wherever a file name would be:
    ``folder/scan-p[1-5].jpg`` (the numbers as written in the first and last names)."""
    first, last = page_number(parts[0]), page_number(parts[-1])
    if not first or not last or first[0] != last[0]:  # pages named otherwise (given by a caller)
        return f"{parts[0]} (+{len(parts) - 1} pages)"
    (folder, before, after), written_first, written_last = first[0], first[2], last[2]
    name = f"{before}[{written_first}-{written_last}]{after}{PurePath(parts[0]).suffix}"
    return name if folder in ("", ".") else f"{folder}/{name}"


def bundle(pages: list[tuple[str, bytes]]) -> bytes:
    """One input of a group's page images (path, bytes): a stored zip with fixed timestamps, its
    members named as the files (one folder: the names are unique, and their natural order is the
    page order, since they differ only in the page number)."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in pages:
            archive.writestr(zipfile.ZipInfo(PurePath(name).name, date_time=_FIXED_TIME), data)
    return buffer.getvalue()


def natural_key(name: str) -> list:
    """Sort key that puts ``p2`` before ``p10``."""
    return [int(part) if part.isdigit() else part.lower() for part in _DIGITS.split(name)]


def read_group(parts: list[str]) -> bytes:
    """The bundle of the page images at these paths, each read under the input limits; a
    ReportError names the file that cannot be read."""
    from . import limits
    from .guard import read_input

    pages, total = [], 0
    for path in parts:
        data = read_input(path)
        total += len(data)
        limits.INPUT_SIZE.check(total, "page_images_size", label(parts), count=len(parts), mb=limits.mb(total))
        pages.append((path, data))
    return bundle(pages)
