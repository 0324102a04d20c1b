"""OFD (GB/T 33190, the national fixed-layout format): its pages read into the PDF reader's page.

An OFD is a zip package of XML parts. ``OFD.xml`` names the document's root (DocBody/DocRoot →
``Document.xml``), which lists the pages (Pages/Page BaseLoc → each page's ``Content.xml``), the
template pages (CommonData/TemplatePage: what several pages share, running headers among it) and
the resources (CommonData/PublicRes and DocumentRes, and a page's PageRes: draw parameters and
images by ID). ``ofd_page`` turns one page's objects (its templates' first) into characters and
rules in PDF points; from there a page is the PDF reader's (``page.page_content``): the same
lattice for its ruled tables, the same layout reading of tables with partial or no rules, lines,
paragraphs, running headers and footers left out. A page that is one scanned image (no text of
its own) is composited from its image objects at the PDF reader's OCR resolution and read by
``scan`` exactly as a scanned PDF page is.

The package is untrusted, and guarded like a DOCX: its zip directory checked before anything is
unzipped (``zipped.check_archive``: members, unzipped size, each XML part's size); a member name
or a reference (ST_Loc) that climbs out of the package refused; XML parsed with entities left
unresolved, no DTD loaded, no network, libxml2's huge-tree guard on, and a part with a DTD
refused; every byte read counted against the unzipped size limit (a part referenced by every page
is counted each time); pages against the page limit; each page's objects, counted in its bytes
before it is parsed, and its TextCodes and path segments, against the page objects limit.

Files in the wild (as public readers handle them): parts named with other namespaces or none
(names are matched without one), references written relative to the package root or the document
instead of the referring part, in another case or with backslashes (tried in that order), member
names stored in GBK, XML in GB18030 without a declaration.

Not read: annotations (stamps, seals, watermarks: not the report's text), signatures,
attachments, outlines; the fonts (TextCode holds the text in Unicode); documents after the
first of a package that holds several.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from io import BytesIO

from .. import limits
from ..document import Document
from ..errors import ReportError
from . import scan
from .ofd_page import PT_PER_MM, At, PageReader, Placed, box, child, local
from .page import PageContent, document, page_content, usable
from .raster import is_blank
from .zipped import check_archive

A4 = (0.0, 0.0, 210.0, 297.0)  # mm: the page box where a file gives none
_UTF8_FLAG = 0x800
# what zipfile raises for a member it cannot unzip (RuntimeError: a password; NotImplementedError:
# a compression it does not know; zlib.error, EOFError, BadZipFile: damaged data)
_UNZIP_ERRORS = (zipfile.BadZipFile, zlib.error, RuntimeError, ValueError, OSError, EOFError, NotImplementedError)
# an object of a page, or a TextCode, as it starts in the part's bytes: counted before parsing
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")  # the root element's start: a DTD stands before it
_OBJECT_TAG = re.compile(rb"<(?:[\w.-]+:)?(?:TextObject|PathObject|ImageObject|CompositeObject|PageBlock|TextCode)\b")


def read(data: bytes, name: str = "<stdin>", ocr: str = "auto", on_ocr_page=None) -> Document:
    """``ocr``: 'auto' reads the pages that are a scanned image by OCR, 'always' also a page that
    holds an image over a text layer of its own, 'never' none (an OFD of scans is then an error).
    ``on_ocr_page()``: called as OCR starts on a page."""
    package = Package(data, name)
    doc_part, doc = package.document()
    common = child(doc, "CommonData")
    params, media, units = package.resources(doc_part, common)
    default_box = _page_box(common, doc_part, name) or A4
    templates = {}
    template_layers: dict[str, list] = {}  # template part -> its layers, parsed once
    for node in common if common is not None else ():
        if local(node.tag) == "TemplatePage" and node.get("BaseLoc"):
            try:
                templates[(node.get("ID") or "").strip()] = package.resolve(doc_part, node.get("BaseLoc"), "template")
            except MissingPart:
                continue  # as readers do: the pages are drawn without it
    listed = child(doc, "Pages")
    entries = [p for p in listed if local(p.tag) == "Page"] if listed is not None else []
    if not entries:
        raise ReportError("ofd_no_pages", name)
    limits.PAGES.check(len(entries), "ofd_pages", name, count=len(entries))
    pages: list[PageContent] = []
    images: list[list[Placed]] = []  # each page's image objects
    boxes = []
    for number, entry in enumerate(entries, 1):
        part = package.resolve(doc_part, entry.get("BaseLoc"), "page", page=number)
        root = package.page_xml(part)
        for node in root:
            if local(node.tag) == "PageRes" and node.text:
                more = package.resources(part, None, node.text)
                params.update(more[0])
                media.update(more[1])
                units.update(more[2])
        page_box = _page_box(root, part, name) or default_box
        layers = []
        for ref in (t for t in root if local(t.tag) == "Template"):
            template = templates.get((ref.get("TemplateID") or "").strip())
            if template is not None:
                if template not in template_layers:  # a template shared by every page: read once
                    template_layers[template] = _layers(package.page_xml(template))
                layers += template_layers[template]
        layers += _layers(root)
        foot = page_box[1] + page_box[3]  # y is flipped at the page box's foot
        drawn = PageReader(foot, params, part, name, units).read(layers)
        pages.append(page_content(number, page_box[3] * PT_PER_MM, drawn.chars, (drawn.horizontal, drawn.vertical),
                                  drawn.bad, pages[-1].layout_open_end if pages else None))
        images.append(drawn.images)
        boxes.append(page_box)
    if ocr != "never":
        pages = _scans(package, media, pages, images, boxes, ocr == "always", on_ocr_page)
    return document(pages, name, "ofd", scan.page_blocks)


def _layers(root) -> list:
    content = child(root, "Content")
    return [layer for layer in content if local(layer.tag) == "Layer"] if content is not None else []


def _page_box(node, part: str, name: str):
    """The PhysicalBox of a page's Area or of the document's PageArea (mm), or None."""
    area = child(node, "Area") if node is not None else None
    area = area if area is not None else child(node, "PageArea") if node is not None else None
    physical = child(area, "PhysicalBox") if area is not None else None
    found = box(physical.text if physical is not None else None, At("PhysicalBox", part), name)
    if found is not None and (found[2] <= 0 or found[3] <= 0):
        raise ReportError("ofd_box_no_area", name, part=part, value=physical.text.strip()[:40])
    return found


class Package:
    """The parts of an OFD package, found by reference and parsed under the guards."""

    def __init__(self, data: bytes, name: str):
        self.name = name
        members = check_archive(data, name, "OFD")
        self.zip = zipfile.ZipFile(BytesIO(data))
        self.entries: dict[str, zipfile.ZipInfo] = {}
        self.folded: dict[str, str] = {}
        for info in members:
            if info.is_dir():
                continue
            member = _member_name(info)
            normal = _normal(member)
            if normal is None:
                raise ReportError("ofd_member_outside", name, entry=member[:80])
            self.entries.setdefault(normal, info)
            self.folded.setdefault(normal.casefold(), normal)
        self.read_bytes = 0
        self.doc_dir = ""

    def document(self):
        """(part, root) of the first document OFD.xml names."""
        entry = self.folded.get("ofd.xml")
        if entry is None:
            raise ReportError("zip_not_ofd", self.name)
        root = self.xml(entry)
        body = child(root, "DocBody")
        doc_root = child(body, "DocRoot") if body is not None else None
        if doc_root is None or not (doc_root.text or "").strip():
            raise ReportError("ofd_no_doc_root", self.name)
        part = self.resolve(entry, doc_root.text, "document")
        self.doc_dir = posixpath.dirname(part)
        return part, self.xml(part)

    def resolve(self, base: str, location: str | None, ref: str, page: int | None = None,
                image: str | None = None) -> str:
        """The part a reference in ``base`` names: relative to ``base``'s folder as the standard
        says, else to the document's folder or the package root (where producers meant it), in
        any case; one that climbs out of the package, or names no part, is an error. ``ref``: what
        the reference is to (document, template, page, resource, image: ``reasons`` words it),
        with its ``page`` and ``image``."""
        location = (location or "").strip().replace("\\", "/")
        if not location:
            raise ReportError("ofd_ref_empty", self.name, ref=ref, page=page, image=image, base=base)
        tries = [location] if location.startswith("/") else [
            posixpath.join(posixpath.dirname(base), location), posixpath.join(self.doc_dir, location), location]
        for candidate in tries:
            normal = _normal(candidate)
            if normal is None:
                raise ReportError("ofd_ref_outside", self.name, ref=ref, page=page, image=image,
                                  location=location[:80])
            found = normal if normal in self.entries else self.folded.get(normal.casefold())
            if found is not None:
                return found
        raise MissingPart("ofd_ref_missing", self.name, ref=ref, page=page, image=image, location=location[:80],
                          base=base)

    def bytes(self, part: str) -> bytes:
        info = self.entries[part]
        self.read_bytes += info.file_size
        limit = limits.UNZIPPED_SIZE
        limit.check(self.read_bytes, "ofd_parts_read", self.name, mb=limits.mb(limit.amount))
        try:
            return self.zip.read(info)  # at most file_size bytes: zipfile stops there
        except _UNZIP_ERRORS as exc:
            raise ReportError("ofd_part_unzip", self.name, part=part, detail=str(exc)) from None

    def xml(self, part: str):
        """A part's root element: no entity resolved, no DTD loaded, nothing fetched; a part with
        a DTD is refused (an OFD never needs one)."""
        from lxml import etree

        data = self.bytes(part)
        first = _FIRST_ELEMENT.search(data)
        if b"<!DOCTYPE" in data[:first.start() if first else len(data)]:  # refused before libxml2 sees it
            raise ReportError("ofd_dtd", self.name, part=part)
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                                 huge_tree=False, remove_comments=True, remove_pis=True)
        try:
            root = etree.fromstring(data, parser)
        except etree.XMLSyntaxError as exc:
            root = _gb18030(data, parser)  # undeclared GBK from Chinese producers
            if root is None:
                raise ReportError("ofd_not_xml", self.name, part=part, detail=str(exc)) from None
        except ValueError as exc:
            raise ReportError("ofd_unparsable", self.name, part=part, detail=str(exc)) from None
        info = root.getroottree().docinfo
        if info.doctype or info.internalDTD is not None:
            raise ReportError("ofd_dtd", self.name, part=part)
        return root

    def page_xml(self, part: str):
        """A page's (or a template's) root, its objects counted in its bytes before it is parsed."""
        info = self.entries[part]
        try:
            with self.zip.open(info) as stream:  # counted in pieces: the part is not held twice
                count, tail = 0, b""
                while piece := stream.read(1 << 20):
                    chunk = tail + piece
                    cut = chunk.rfind(b"<")  # a tag cut by the piece's end: the next piece's
                    cut = cut if cut >= 0 and len(chunk) - cut < 64 else len(chunk)
                    count += len(_OBJECT_TAG.findall(chunk, 0, cut))
                    tail = chunk[cut:]
                    limits.PAGE_OBJECTS.check(count, "ofd_page_objects", self.name, part=part,
                                              count=limits.PAGE_OBJECTS.amount)
        except _UNZIP_ERRORS as exc:
            raise ReportError("ofd_part_unzip", self.name, part=part, detail=str(exc)) from None
        return self.xml(part)

    def resources(self, base: str, common, location: str | None = None):
        """DrawParams by ID, images (MultiMedia) by ID → (folder, file, format) and
        CompositeGraphicUnits by ID, from the resource parts CommonData names (or the one
        ``location`` names, a page's PageRes). A resource part missing from the package is passed
        over, as readers do (an image it held is an error only where a scanned page needs it)."""
        params: dict = {}
        media: dict = {}
        units: dict = {}
        refs = [location] if location else [n.text for n in (common if common is not None else ())
                                            if local(n.tag) in ("PublicRes", "DocumentRes") and n.text]
        for ref in refs:
            try:
                part = self.resolve(base, ref, "resource")
            except MissingPart:
                continue
            root = self.xml(part)
            folder = posixpath.join(posixpath.dirname(part), (root.get("BaseLoc") or "").strip().replace("\\", "/"))
            for group in root:
                for item in group:
                    kind, ident = local(item.tag), (item.get("ID") or "").strip()
                    if kind == "DrawParam":
                        params[ident] = item
                    elif kind == "CompositeGraphicUnit":
                        units[ident] = item
                    elif kind == "MultiMedia":
                        file = child(item, "MediaFile")
                        media[ident] = (folder + "/", (file.text or "").strip() if file is not None else "",
                                        item.get("Format") or "")
        return params, media, units


class MissingPart(ReportError):
    """A part that a reference names is not in the package."""


def _member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its producer wrote it: without zip's UTF-8 flag, Chinese tools store
    UTF-8 or GBK bytes, which zipfile has read as CP437."""
    if info.flag_bits & _UTF8_FLAG:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _normal(path: str) -> str | None:
    """A path inside the package, normalised (no leading slash, no ``.``); None where it climbs
    out of the package."""
    path = posixpath.normpath(path.replace("\\", "/").lstrip("/")) if path.strip("/") else ""
    if path in ("", ".") or path == ".." or path.startswith("../") or "\x00" in path:
        return None
    return path


def _gb18030(data: bytes, parser):
    """A part that is not UTF-8 and declares no encoding, read as GB18030 (GBK's superset)."""
    from lxml import etree

    if re.match(rb"\s*<\?xml[^>]*encoding", data):
        return None
    try:
        data.decode("utf-8")
        return None  # UTF-8 after all: the error is the XML's
    except UnicodeDecodeError:
        pass
    try:
        return etree.fromstring(data.decode("gb18030").encode("utf-8"), parser)
    except (UnicodeDecodeError, etree.XMLSyntaxError, ValueError):
        return None


# --- pages that are a scan -----------------------------------------------------------------------
def _scans(package: Package, media: dict, pages: list[PageContent], images: list[list[Placed]], boxes: list,
           always: bool, on_ocr_page) -> list[PageContent]:
    """The pages with the scanned ones read by OCR, chosen as ``scan.read_pdf_pages`` chooses PDF
    pages: a page without a usable text layer that holds images (in a report whose other pages
    have text, only where an image covers much of it: IMAGE_SHARE); with ``always``, also a page
    with a text layer of its own that a scan covers (a scan with hidden text). Where other pages
    have text and OCR is not installed, a scanned page is left as it is."""
    texty = any(usable(p) for p in pages)
    out = list(pages)
    for k, page in enumerate(pages):
        placed, page_box = images[k], boxes[k]
        if not placed:
            continue
        share = max((i.x1 - i.x0) * (i.y1 - i.y0) for i in placed) / (page_box[2] * page_box[3])
        if usable(page) and not (always and share >= scan.IMAGE_SHARE):
            continue  # its text layer is its own (a logo or a seal beside it)
        if texty and share < scan.IMAGE_SHARE:
            continue  # a short page (a closing line) with a picture, in a report of text
        if texty and not always:
            try:
                scan.engine()
            except scan.OcrUnavailable:
                continue
        grey = _render(package, media, placed, page_box, page.number)
        if is_blank(grey):
            continue
        before = out[k - 1] if k else None
        out[k] = scan.read_page(grey, page.number, dpi=scan.PDF_DPI,
                                continued=before.layout_open_end if before is not None else None,
                                on_ocr_page=on_ocr_page)
    return out


def _render(package: Package, media: dict, images: list, page_box, number: int):
    """The page's images composited on a white page at the PDF reader's OCR resolution (a grey
    array). Each image's size is checked from its header before it is decoded."""
    np, _ = scan.numpy_and_cv2()
    from PIL import Image

    name, max_pixels = package.name, limits.PIXELS.value
    Image.MAX_IMAGE_PIXELS = max_pixels
    scale = scan.PDF_DPI / 25.4  # pixels a millimetre
    width, height = max(1, round(page_box[2] * scale)), max(1, round(page_box[3] * scale))
    if width * height > max_pixels:
        raise limits.PIXELS.error("ofd_page_pixels", name, page=number, width=width, height=height, dpi=scan.PDF_DPI)
    canvas = Image.new("L", (width, height), 255)
    for placed in images:
        if placed.resource not in media:
            raise ReportError("ofd_image_unheld", name, page=number, image=placed.resource)
        folder, file, fmt = media[placed.resource]
        part = package.resolve(folder, file, "image", page=number, image=placed.resource)
        try:
            with Image.open(BytesIO(package.bytes(part))) as image:
                if image.size[0] * image.size[1] > max_pixels:
                    raise limits.PIXELS.error("ofd_image_pixels", name, page=number, part=part, width=image.size[0],
                                              height=image.size[1])
                grey = image.convert("L")
        except ReportError:
            raise
        except MemoryError:
            raise
        except Exception as exc:  # Pillow raises what it meets in a damaged image (or JBIG2, which it cannot read)
            raise ReportError("ofd_image_undecodable", name, page=number, part=part, format=fmt,
                              detail=f"{type(exc).__name__}: {exc}") from None
        left, top = round((placed.x0 - page_box[0]) * scale), round((placed.y0 - page_box[1]) * scale)
        size = (max(1, round((placed.x1 - placed.x0) * scale)), max(1, round((placed.y1 - placed.y0) * scale)))
        grey = grey.resize(size, Image.BILINEAR)
        if placed.flip_x:
            grey = grey.transpose(Image.FLIP_LEFT_RIGHT)
        if placed.flip_y:
            grey = grey.transpose(Image.FLIP_TOP_BOTTOM)
        canvas.paste(grey, (left, top))
    return np.array(canvas)
