"""The standing hostile-input campaign: every kind of input that once took memory, time or a
traceback, generated here, plus a mutation fuzz over the committed fixtures. Run before a release.

    python benchmarks/hostile.py                    # every kind, then 3,000 mutations
    python benchmarks/hostile.py --mutations 200    # fewer mutations
    python benchmarks/hostile.py --kinds pdf-self-form,html-spans-800 --mutations 0
    python benchmarks/hostile.py --fast             # the subset the tests run (small inputs)
    python benchmarks/hostile.py --kinds none --mutations 100 --images   # scans mutated, read by OCR

Each kind runs ``report-extract`` as a user would (a subprocess, under a memory cap and a
timeout); each mutation is read in a forked child (the pipeline and a JSON rendering, the same
work without the interpreter's start-up) under the same cap and timeout. A table of kind, exit,
seconds, peak MB and outcome is printed, then the totals. Outcomes: ``refused`` (exit 3, one line),
``read`` (exit 0/1, valid output), ``usage``/``output`` (exit 2/4 where the kind expects it);
failures are upper case: TRACEBACK, BUG (an internal error), CRASH, HANG, OVER-MEMORY, NOISY (more
than one line), UNEXPECTED (an exit the kind does not allow). Exit status 1 when any failed.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
sys.path.insert(0, str(FIXTURES))

GOAL_MB = 2048  # every input: at most this peak memory ...
GOAL_SECONDS = 60  # ... and this many seconds
CAP_MB = 4096  # the hard cap the campaign runs each input under (above the goal, so overruns show)
FAILURES = ("TRACEBACK", "BUG", "CRASH", "HANG", "OVER-MEMORY", "NOISY", "UNEXPECTED", "SLOW")


@dataclass
class Case:
    args: list  # arguments after `report-extract`
    allowed: tuple = (3,)  # exit codes this kind may end with
    stdin: object = None  # bytes, a path to open, or "closed"
    stdout: object = None  # a path to send stdout to, or "closed"
    note: str = ""


KINDS: dict[str, tuple] = {}  # name -> (maker, fast)


def kind(name: str, fast: bool = False):
    def register(maker):
        KINDS[name] = (maker, fast)
        return maker
    return register


# --- helpers ------------------------------------------------------------------------------------
def _fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _clean_text() -> str:
    return _fixture("v2021-clean.txt").decode("utf-8")


def _docx_with(path: Path, document_xml_writer, extra_members: int = 0) -> Path:
    """The clean DOCX with its word/document.xml replaced (streamed: a bomb is never in memory)."""
    source = zipfile.ZipFile(io.BytesIO(_fixture("v2021-clean.docx")))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                out.writestr(info, source.read(info))
        with out.open("word/document.xml", "w", force_zip64=True) as handle:
            document_xml_writer(handle)
        for i in range(extra_members):
            out.writestr(f"customXml/hostile{i}.xml", b"<a/>")
    return path


W_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w='
          b'"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')
W_TAIL = b"</w:body></w:document>"


def _repeat(handle, unit: bytes, total: int) -> None:
    block = unit * max(1, (1 << 20) // len(unit))
    written = 0
    while written < total:
        handle.write(block)
        written += len(block)


def _pdf(objects: list[bytes]) -> bytes:
    from generate import pdf_file

    return pdf_file(objects)


def _page_objects(content: bytes, resources: bytes = b"", extra: list[bytes] | None = None) -> list[bytes]:
    return [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << "
            + resources + b" >> >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream", *(extra or [])]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _ofd_with(path: Path, page_writer, part: str = "Doc_0/Pages/Page_0/Content.xml", extra: dict | None = None) -> Path:
    """The clean OFD twin with one part replaced (streamed: a bomb is never in memory)."""
    source = zipfile.ZipFile(io.BytesIO(_fixture("ofd/v2021-clean.ofd")))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in source.infolist():
            if info.filename != part and info.filename not in (extra or {}):
                out.writestr(info, source.read(info))
        with out.open(part, "w", force_zip64=True) as handle:
            page_writer(handle)
        for name, body in (extra or {}).items():
            out.writestr(name, body)
    return path


O_HEAD = b'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content>' \
         b'<ofd:Layer ID="1">'
O_TAIL = b"</ofd:Layer></ofd:Content></ofd:Page>"


# --- the kinds ----------------------------------------------------------------------------------
@kind("docx-zip-bomb")
def _(d: Path) -> Case:
    unit = b"<w:p><w:r><w:t>" + "示例段落".encode() * 8 + b"</w:t></w:r></w:p>"
    return Case(["extract", _docx_with(d / "bomb.docx", lambda h: (h.write(W_HEAD), _repeat(h, unit, 1200 << 20),
                                                                   h.write(W_TAIL)))])


@kind("docx-whitespace-bomb")
def _(d: Path) -> Case:
    return Case(["extract", _docx_with(d / "spaces.docx", lambda h: (h.write(W_HEAD), _repeat(h, b" " * 4096, 600 << 20),
                                                                     h.write(W_TAIL)))])


@kind("docx-many-members", fast=True)
def _(d: Path) -> Case:
    return Case(["extract", _docx_with(d / "members.docx", lambda h: h.write(W_HEAD + W_TAIL), 12_000)])


@kind("docx-billion-laughs", fast=True)
def _(d: Path) -> Case:
    entities = b'<!DOCTYPE w:document [<!ENTITY a0 "lol">' + b"".join(
        b'<!ENTITY a%d "&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;">' % ((i,) + (i - 1,) * 10)
        for i in range(1, 10)) + b"]>"
    body = W_HEAD.replace(b"<w:document", entities + b"<w:document", 1) + b"<w:p><w:r><w:t>&a9;</w:t></w:r></w:p>" + W_TAIL
    return Case(["extract", _docx_with(d / "laughs.docx", lambda h: h.write(body))])


@kind("docx-xxe", fast=True)
def _(d: Path) -> Case:
    body = W_HEAD.replace(b"<w:document", b'<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]><w:document', 1)
    body += b"<w:p><w:r><w:t>&x;</w:t></w:r></w:p>" + W_TAIL
    return Case(["extract", _docx_with(d / "xxe.docx", lambda h: h.write(body))], note="must not show /etc/passwd")


@kind("docx-deep-nesting", fast=True)
def _(d: Path) -> Case:
    depth = 5000
    body = W_HEAD + b"<w:sdt><w:sdtContent>" * depth + b"<w:p/>" + b"</w:sdtContent></w:sdt>" * depth + W_TAIL
    return Case(["extract", _docx_with(d / "deep.docx", lambda h: h.write(body))])


@kind("docx-huge-gridspan", fast=True)
def _(d: Path) -> Case:
    cell = b'<w:tc><w:tcPr><w:gridSpan w:val="999999999"/></w:tcPr><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>'
    body = W_HEAD + b"<w:tbl>" + (b"<w:tr>" + cell * 50 + b"</w:tr>") * 200 + b"</w:tbl>" + W_TAIL
    return Case(["extract", _docx_with(d / "gridspan.docx", lambda h: h.write(body))])


@kind("docx-many-tables")
def _(d: Path) -> Case:
    table = (b"<w:tbl>" + (b"<w:tr>" + b"<w:tc><w:p><w:r><w:t>12</w:t></w:r></w:p></w:tc>" * 10 + b"</w:tr>") * 5
             + b"</w:tbl>")
    return Case(["extract", _docx_with(d / "tables.docx", lambda h: (h.write(W_HEAD), _repeat(h, table, 30 << 20),
                                                                     h.write(W_TAIL)))], allowed=(3, 0, 1))


@kind("html-billion-laughs", fast=True)
def _(d: Path) -> Case:
    entities = b'<!DOCTYPE html [<!ENTITY a0 "lol">' + b"".join(
        b'<!ENTITY a%d "&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;">' % ((i,) + (i - 1,) * 10)
        for i in range(1, 10)) + b"]>"
    return Case(["extract", _write(d / "laughs.html", entities + b"<html><body><p>&a9;</p></body></html>")])


@kind("html-xxe", fast=True)
def _(d: Path) -> Case:
    data = (b'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<html><body><p>&x;</p></body></html>")
    return Case(["extract", _write(d / "xxe.html", data)])


@kind("html-deep-nesting", fast=True)
def _(d: Path) -> Case:
    depth = 100_000
    return Case(["extract", _write(d / "deep.html", b"<html><body>" + b"<div>" * depth + "一、总体情况".encode()
                                   + b"</div>" * depth + b"</body></html>")])


@kind("html-nested-tables", fast=True)
def _(d: Path) -> Case:
    depth = 3000
    return Case(["extract", _write(d / "tables.html", b"<html><body>" + b"<table><tr><td>" * depth + "申请人情况".encode()
                                   + b"</td></tr></table>" * depth + b"</body></html>")])


@kind("ofd-zip-bomb")
def _(d: Path) -> Case:
    unit = b'<ofd:TextObject ID="2" Boundary="0 0 9 9" Font="1" Size="3"><ofd:TextCode X="0" Y="3">' + \
        "示例".encode() * 8 + b"</ofd:TextCode></ofd:TextObject>"
    return Case(["extract", _ofd_with(d / "bomb.ofd", lambda h: (h.write(O_HEAD), _repeat(h, unit, 1200 << 20),
                                                                 h.write(O_TAIL)))])


@kind("ofd-million-objects", fast=True)
def _(d: Path) -> Case:
    unit = b'<ofd:PathObject ID="2" Boundary="0 0 1 1"/>'
    return Case(["extract", _ofd_with(d / "objects.ofd", lambda h: (h.write(O_HEAD), _repeat(h, unit, len(unit) * 10**6),
                                                                    h.write(O_TAIL)))])


@kind("ofd-billion-laughs", fast=True)
def _(d: Path) -> Case:
    entities = b'<!DOCTYPE ofd:Page [<!ENTITY a0 "lol">' + b"".join(
        b'<!ENTITY a%d "&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;">' % ((i,) + (i - 1,) * 10)
        for i in range(1, 10)) + b"]>"
    body = O_HEAD.replace(b"<ofd:Page", entities + b"<ofd:Page", 1) + \
        b'<ofd:TextObject ID="2" Boundary="0 0 9 9" Font="1" Size="3"><ofd:TextCode>&a9;</ofd:TextCode></ofd:TextObject>' + O_TAIL
    return Case(["extract", _ofd_with(d / "laughs.ofd", lambda h: h.write(body))])


@kind("ofd-self-drawing-composite", fast=True)
def _(d: Path) -> Case:
    """A composite graphic unit that draws itself twice: 2^200 objects, were it expanded."""
    page = O_HEAD + b'<ofd:CompositeObject ID="2" ResourceID="90" Boundary="0 0 9 9"/>' + O_TAIL
    units = (b'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Res xmlns:ofd="http://www.ofdspec.org/2016" BaseLoc="Res">'
             b'<ofd:CompositeGraphicUnits><ofd:CompositeGraphicUnit ID="90" Width="9" Height="9"><ofd:Content>'
             + b'<ofd:CompositeObject ID="91" ResourceID="90" Boundary="0 0 9 9"/>' * 2 +
             b"</ofd:Content></ofd:CompositeGraphicUnit></ofd:CompositeGraphicUnits></ofd:Res>")
    return Case(["extract", _ofd_with(d / "composite.ofd", lambda h: h.write(page),
                                      extra={"Doc_0/DocumentRes.xml": units})])


def _span_table(cells: int) -> bytes:
    row = b'<tr>' + b'<td colspan="200" rowspan="200">1</td>' * 10 + b"</tr>"
    return ("<html><body><p>一、总体情况</p><table><tr><td>申请人情况</td></tr>".encode() + row * (cells // 10)
            + b"</table></body></html>")


@kind("html-spans-800", fast=True)
def _(d: Path) -> Case:
    return Case(["extract", _write(d / "spans800.html", _span_table(800))])


@kind("html-spans-3000", fast=True)
def _(d: Path) -> Case:
    return Case(["extract", _write(d / "spans3000.html", _span_table(3000))])


@kind("html-huge-span-values", fast=True)
def _(d: Path) -> Case:
    row = b'<tr><td colspan="99999999999999999999">1</td><td rowspan="-5">2</td><td colspan="0x10">3</td></tr>'
    return Case(["extract", _write(d / "spanvalues.html", b"<html><body><table>" + row * 50 + b"</table></body></html>")])


@kind("html-unknown-charset", fast=True)
def _(d: Path) -> Case:
    page = _fixture("v2021-clean.html")
    page = page.replace(b"<head>", b'<head><meta charset="x-no-such-charset">', 1)
    return Case(["extract", _write(d / "charset.html", page)], allowed=(0, 1))


@kind("html-over-text-limit")
def _(d: Path) -> Case:
    path = d / "big.html"
    with open(path, "wb") as handle:
        handle.write(b"<html><body><table>")
        _repeat(handle, b"<tr><td>1</td><td>2</td><td>3</td></tr>", 40 << 20)
        handle.write(b"</table></body></html>")
    return Case(["extract", path])


@kind("html-big-table-under-limit")
def _(d: Path) -> Case:
    path = d / "bigtable.html"
    with open(path, "wb") as handle:
        handle.write("<html><body><p>一、总体情况</p><table><tr><td>申请人情况</td></tr>".encode())
        _repeat(handle, "<tr><td>本年新收</td><td>1</td><td>2</td><td>3</td></tr>".encode(), 20 << 20)
        handle.write(b"</table></body></html>")
    return Case(["extract", path], allowed=(0, 1, 3))


@kind("html-many-tables")
def _(d: Path) -> Case:
    table = "<table><tr><td>申请人情况</td><td>1</td></tr></table>".encode()
    return Case(["extract", _write(d / "manytables.html", b"<html><body>" + table * 100_000 + b"</body></html>")],
                allowed=(0, 1, 3))


@kind("mhtml-nested-1000", fast=True)
def _(d: Path) -> Case:
    head, tail = [], []
    for i in range(1000):
        head.append(f'Content-Type: multipart/related; boundary="b{i}"\n\n--b{i}\n')
        tail.append(f"\n--b{i}--\n")
    body = ("MIME-Version: 1.0\n" + "".join(head) + "Content-Type: text/html\n\n<p>x</p>" + "".join(reversed(tail)))
    return Case(["extract", _write(d / "nested.mht", body.encode())])


@kind("mhtml-huge-image")
def _(d: Path) -> Case:
    page = _fixture("v2021-clean.mht")
    image = b"Content-Type: image/png\nContent-Transfer-Encoding: base64\n\n" + b"QUFB" * (40 << 20 // 4) + b"\n"
    boundary = page.split(b'boundary="', 1)[1].split(b'"', 1)[0] if b'boundary="' in page else b"x"
    page = page.replace(b"--" + boundary + b"--", b"--" + boundary + b"\n" + image + b"--" + boundary + b"--", 1)
    return Case(["extract", _write(d / "image.mht", page)], allowed=(0, 1, 3))


@kind("text-200mb")
def _(d: Path) -> Case:
    path = d / "huge.txt"
    with open(path, "wb") as handle:
        _repeat(handle, _clean_text().encode(), 200 << 20)
    return Case(["extract", path])


@kind("text-one-20mb-line")
def _(d: Path) -> Case:
    return Case(["extract", _write(d / "line.txt", "一、总体情况".encode() + b"7" * (20 << 20))], allowed=(0, 1, 3))


def _pipe_rows(rows: int) -> bytes:
    head = _clean_text().split("（三）")[0] if "（三）" in _clean_text() else ""
    row = "| 一、本年新收政府信息公开申请数量 | 1 | 2 | 3 | 4 | 5 | 6 | 21 |\n"
    return (head + "三、收到和处理政府信息公开申请情况\n\n" + row * rows).encode()


@kind("md-pipe-rows-10000")
def _(d: Path) -> Case:
    return Case(["extract", _write(d / "pipes10k.md", _pipe_rows(10_000))], allowed=(0, 1))


@kind("md-pipe-rows-20000")
def _(d: Path) -> Case:
    # 160,000 cells: over the document cells limit, refused at once (it took 333 s when quadratic)
    return Case(["extract", _write(d / "pipes20k.md", _pipe_rows(20_000))], allowed=(3,))


@kind("md-pipe-rows-2000", fast=True)
def _(d: Path) -> Case:
    return Case(["extract", _write(d / "pipes2k.md", _pipe_rows(2_000))], allowed=(0, 1))


@kind("text-5000-digit-cell", fast=True)
def _(d: Path) -> Case:
    text = _clean_text()
    line = next(ln for ln in text.splitlines() if "\t" in ln and any(c.isdigit() for c in ln))
    cells = line.split("\t")
    cells[-1] = "9" * 5000
    return Case(["extract", _write(d / "digits.txt", text.replace(line, "\t".join(cells), 1).encode())],
                allowed=(0, 1))


@kind("text-glued-10000-digits", fast=True)
def _(d: Path) -> Case:
    text = _clean_text() + "\n一、本年新收政府信息公开申请数量 " + "1" * 10_000 + "\n"
    return Case(["extract", _write(d / "glued.txt", text.encode())], allowed=(0, 1))


@kind("text-nul-bytes", fast=True)
def _(d: Path) -> Case:
    data = _clean_text().encode()
    return Case(["extract", _write(d / "nul.txt", b"\x00".join(data[i:i + 50] for i in range(0, len(data), 50)))])


@kind("text-bad-utf8", fast=True)
def _(d: Path) -> Case:
    data = bytearray(_clean_text().encode())
    rng = random.Random(1)
    for _ in range(200):
        data[rng.randrange(len(data))] = rng.choice([0x80, 0xC0, 0xFF, 0xFE])
    return Case(["extract", _write(d / "bad-utf8.txt", bytes(data))], allowed=(0, 1, 3))


@kind("text-utf16-no-bom", fast=True)
def _(d: Path) -> Case:
    return Case(["extract", _write(d / "utf16.txt", _clean_text().encode("utf-16-le"))], allowed=(0, 1, 3))


@kind("text-million-headings")
def _(d: Path) -> Case:
    return Case(["extract", _write(d / "headings.txt", "一、总体情况\n".encode() * 1_000_000)], allowed=(0, 1, 3))


@kind("pdf-self-form", fast=True)
def _(d: Path) -> Case:
    form = b"0 0 m 10 10 l S /F Do /F Do"
    objects = _page_objects(b"/F Do /F Do", b"/XObject << /F 5 0 R >>", [
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 100 100] /Resources << /XObject << /F 5 0 R >> >> "
        b"/Length %d >>\nstream\n" % len(form) + form + b"\nendstream"])
    return Case(["extract", _write(d / "selfform.pdf", _pdf(objects))])


@kind("pdf-form-chain", fast=True)
def _(d: Path) -> Case:
    n = 400
    extra = []
    for i in range(n):  # form i draws form i+1 (object 5+i)
        ref = b"/XObject << /F %d 0 R >>" % (6 + i) if i + 1 < n else b""
        content = b"0 0 m 10 10 l S /F Do /F Do" if i + 1 < n else b"0 0 m 10 10 l S"
        extra.append(b"<< /Type /XObject /Subtype /Form /BBox [0 0 100 100] /Resources << " + ref
                     + b" >> /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    return Case(["extract", _write(d / "chain.pdf", _pdf(_page_objects(b"/F Do", b"/XObject << /F 5 0 R >>",
                                                                         extra)))])


@kind("pdf-inflates-to-1gb")
def _(d: Path) -> Case:
    deflater = zlib.compressobj(9)
    chunk = b"0 0 m 1 1 l S\n" * 65536
    parts = [deflater.compress(chunk) for _ in range((1 << 30) // len(chunk))] + [deflater.flush()]
    stream = b"".join(parts)
    objects = _page_objects(b"")
    objects[3] = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"
    return Case(["extract", _write(d / "inflate.pdf", _pdf(objects))])


def _blank_pages(n: int) -> bytes:
    """A PDF of ``n`` blank pages sharing one empty content stream."""
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(n))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n,
               b"<< /Length 0 >>\nstream\n\nendstream"]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"] * n
    return _pdf(objects)


@kind("pdf-100k-pages", fast=True)
def _(d: Path) -> Case:
    return Case(["extract", _write(d / "pages.pdf", _blank_pages(100_000))])


@kind("pdf-1500-blank-pages")
def _(d: Path) -> Case:
    return Case(["extract", _write(d / "blank.pdf", _blank_pages(1500))])


@kind("pdf-many-objects", fast=True)
def _(d: Path) -> Case:
    content = b"0 0 m 1 0 l S\n" * 300_000
    return Case(["extract", _write(d / "objects.pdf", _pdf(_page_objects(content)))])


@kind("pdf-2m-paths-compressed", fast=True)
def _(d: Path) -> Case:
    """2.4 million short paths in a few hundred KB: refused before pdfium loads the page."""
    content = zlib.compress(b"0 0 m 1 0 l S\n" * 2_400_000, 9)
    objects = _page_objects(b"")
    objects[3] = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream"
    return Case(["extract", _write(d / "paths.pdf", _pdf(objects))])


@kind("pdf-broken-xref", fast=True)
def _(d: Path) -> Case:
    data = bytearray(_fixture("v2021-clean.pdf"))
    at = data.rfind(b"startxref")
    data[at + 10:at + 16] = b"999999"
    xref = data.find(b"\nxref")
    if xref > 0:
        data[xref + 1:xref + 60] = bytes(random.Random(2).randrange(48, 58) for _ in range(59))
    return Case(["extract", _write(d / "xref.pdf", bytes(data))], allowed=(0, 1, 3))


@kind("pdf-truncated", fast=True)
def _(d: Path) -> Case:
    data = _fixture("v2021-clean.pdf")
    return Case(["extract", _write(d / "truncated.pdf", data[:len(data) // 3])], allowed=(0, 1, 3))


@kind("pdf-javascript-launch-embedded", fast=True)
def _(d: Path) -> Case:
    content = b"BT /F1 12 Tf 50 700 Td (Annual report text that is not a report at all, sorry) Tj ET"
    objects = _page_objects(content, b"/Font << /F1 5 0 R >>", [
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /S /JavaScript /JS (app.alert\\('x'\\); while\\(true\\){}) >>",
        b"<< /S /Launch /F (/bin/sh) /Win << /F (cmd.exe) >> >>",
        b"<< /Type /EmbeddedFile /Length 4 >>\nstream\nMZ\x90\x00\nendstream",
        b"<< /Names [(evil.exe) << /Type /Filespec /F (evil.exe) /EF << /F 8 0 R >> >>] >>",
    ])
    objects[0] = (b"<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R /AA << /O 7 0 R >> "
                  b"/Names << /EmbeddedFiles 9 0 R /JavaScript << /Names [(a) 6 0 R] >> >> >>")
    return Case(["extract", _write(d / "active.pdf", _pdf(objects))])


@kind("pdf-cid-no-tounicode", fast=True)
def _(d: Path) -> Case:
    from generate import cid_font_pdf

    return Case(["extract", "--ocr", "never", _write(d / "cid.pdf", cid_font_pdf())])  # the text layer's own verdict


@kind("pdf-empty", fast=True)
def _(d: Path) -> Case:
    return Case(["extract", _write(d / "empty.pdf", b"")], note="the file is empty")


@kind("docx-empty", fast=True)
def _(d: Path) -> Case:
    return Case(["extract", _write(d / "empty.docx", b"")])


@kind("input-dev-zero", fast=True)
def _(d: Path) -> Case:
    return Case(["extract", "/dev/zero"])


@kind("input-dev-null", fast=True)
def _(d: Path) -> Case:
    return Case(["extract", "/dev/null"])


@kind("input-sparse-10gb", fast=True)
def _(d: Path) -> Case:
    path = d / "sparse.txt"
    with open(path, "wb") as handle:
        handle.truncate(10 << 30)
    return Case(["extract", path])


@kind("input-fifo", fast=True)
def _(d: Path) -> Case:
    path = d / "fifo.txt"
    if not path.exists():
        os.mkfifo(path)
    return Case(["extract", path])


def _result(d: Path, change) -> Path:
    """A result JSON of the clean text fixture, changed by ``change(data)``."""
    out = subprocess.run([sys.executable, "-m", "report_extract", "extract", str(FIXTURES / "v2021-clean.txt")],
                         capture_output=True, check=True).stdout
    data = json.loads(out)
    change(data)
    path = d / f"result-{len(list(d.glob('result-*.json')))}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@kind("check-result-dotted-key", fast=True)
def _(d: Path) -> Case:
    return Case(["check", _result(d, lambda data: data["tables"]["proactive"].update({"rules.x": {"issued": 1}}))])


@kind("check-result-short-ocr-box", fast=True)
def _(d: Path) -> Case:
    def change(data):
        next(iter(data["provenance"].values()))["ocr"] = {"confidence": 0.5, "box": [3]}
    return Case(["check", _result(d, change)])


@kind("check-result-fifo", fast=True)
def _(d: Path) -> Case:
    path = d / "result-fifo.json"
    if not path.exists():
        os.mkfifo(path)
    return Case(["check", path])


@kind("compare-result-dev-zero", fast=True)
def _(d: Path) -> Case:
    link = d / "zero.json"
    if not link.exists():
        link.symlink_to("/dev/zero")
    return Case(["compare", FIXTURES / "v2021-clean.txt", link])


@kind("check-escape-sequences-and-markup", fast=True)
def _(d: Path) -> Case:
    text = _clean_text().replace("（三）不予公开", "（三）不予公开\x1b]0;PWNED\x07\u202e", 1)
    return Case(["check", _write(d / "[final]a[b]c.txt", text.encode())], allowed=(0, 1), note="escaped")


@kind("output-suffix-not-written", fast=True)
def _(d: Path) -> Case:
    return Case(["extract", FIXTURES / "v2021-clean.txt", "-o", d / "out.xlsx"], allowed=(2,))


@kind("output-dash-is-stdout", fast=True)
def _(d: Path) -> Case:
    return Case(["extract", FIXTURES / "v2021-clean.txt", "-o", "-"], allowed=(0,))


@kind("input-directory", fast=True)
def _(d: Path) -> Case:
    return Case(["extract", d])


@kind("input-symlink-loop", fast=True)
def _(d: Path) -> Case:
    a, b = d / "loop-a.txt", d / "loop-b.txt"
    for link, target in ((a, b), (b, a)):
        if not link.is_symlink():
            link.symlink_to(target)
    return Case(["extract", a])


@kind("stdin-closed", fast=True)
def _(d: Path) -> Case:
    return Case(["extract", "-"], stdin="closed")


@kind("stdin-dev-zero")
def _(d: Path) -> Case:
    return Case(["extract", "-"], stdin="/dev/zero")


@kind("name-non-utf8-with-o", fast=True)
def _(d: Path) -> Case:
    path = Path(os.fsdecode(bytes(d) + b"/r\xff\xfe.txt"))
    shutil.copy(FIXTURES / "v2021-clean.txt", path)
    return Case(["extract", path, "-o", d / "out-nonutf8.json"], allowed=(0,))


@kind("name-control-characters", fast=True)
def _(d: Path) -> Case:
    path = d / "r\x1b[31m\x07\nfake.txt"
    path.write_bytes(b"")
    return Case(["extract", path], note="escaped")


@kind("output-under-a-file", fast=True)
def _(d: Path) -> Case:
    (d / "afile").write_text("x")
    return Case(["extract", FIXTURES / "v2021-clean.txt", "-o", d / "afile" / "out.json"], allowed=(2,))


@kind("output-read-only", fast=True)
def _(d: Path) -> Case:
    return Case(["extract", FIXTURES / "v2021-clean.txt", "-o", "/proc/version/out.json"], allowed=(2, 4))


@kind("stdout-dev-full", fast=True)
def _(d: Path) -> Case:
    return Case(["extract", FIXTURES / "v2021-clean.txt"], allowed=(4,), stdout="/dev/full")


@kind("stdout-closed", fast=True)
def _(d: Path) -> Case:
    return Case(["extract", FIXTURES / "v2021-clean.txt"], allowed=(4,), stdout="closed")


@kind("batch-output-is-a-file", fast=True)
def _(d: Path) -> Case:
    (d / "afile2").write_text("x")
    return Case(["batch", FIXTURES / "v2021-clean.txt", "-o", d / "afile2"], allowed=(2,))


@kind("batch-hostile-archive")
def _(d: Path) -> Case:
    archive = d / "archive"
    if archive.exists():
        shutil.rmtree(archive)
    archive.mkdir()
    shutil.copy(FIXTURES / "v2021-clean.txt", archive / "good.txt")
    shutil.copy(FIXTURES / "v2021-clean.txt", Path(os.fsdecode(bytes(archive) + b"/bad\xffname.txt")))
    (archive / "loop.txt").symlink_to(archive / "loop2.txt")
    (archive / "loop2.txt").symlink_to(archive / "loop.txt")
    (archive / "README.md").write_text("# notes\nnothing to see\n")
    os.mkfifo(archive / "fifo.txt")
    form = b"0 0 m 10 10 l S /F Do /F Do"
    (archive / "selfform.pdf").write_bytes(_pdf(_page_objects(b"/F Do /F Do", b"/XObject << /F 5 0 R >>", [
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 100 100] /Resources << /XObject << /F 5 0 R >> >> "
        b"/Length %d >>\nstream\n" % len(form) + form + b"\nendstream"])))
    return Case(["batch", archive, "-o", d / "archive-out", "--timeout", "30", "--force"], allowed=(3,))


# --- running ------------------------------------------------------------------------------------
@dataclass
class Result:
    name: str
    exit: int | None
    seconds: float
    peak_mb: float
    outcome: str
    detail: str = ""
    extra: dict = field(default_factory=dict)


# Started through a small launcher: it sets the cap and its own session (killed whole at the
# timeout), closes the descriptors the kind closes, then runs the command as its child and writes
# that child's peak memory (wait4) to a file. Measured there, the peak is the command's own: a
# child forked from this process would count this process's memory too.
LAUNCHER = """
import os, resource, signal, sys
limit = int(sys.argv[1]) << 20
resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
os.setsid()
for fd in filter(None, sys.argv[2].split(",")):
    os.close(int(fd))
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[4], sys.argv[4:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[3], "w") as handle:
    handle.write(str(usage.ru_maxrss))
code = os.waitstatus_to_exitcode(status)
if code < 0:
    signal.signal(-code, signal.SIG_DFL)
    os.kill(os.getpid(), -code)
sys.exit(code)
"""


def run_case(name: str, case: Case, timeout: float, cap_mb: int) -> Result:
    command = [sys.executable, "-m", "report_extract", *map(os.fsdecode, map(str, case.args))]
    stdin = subprocess.DEVNULL
    opened = []
    if isinstance(case.stdin, str) and case.stdin != "closed":
        stdin = open(case.stdin, "rb")
        opened.append(stdin)
    stdout = subprocess.PIPE
    if case.stdout == "/dev/full":
        stdout = open("/dev/full", "wb")
        opened.append(stdout)
    closing = ",".join(str(fd) for fd, how in ((0, case.stdin), (1, case.stdout)) if how == "closed")
    peak_file = tempfile.NamedTemporaryFile(prefix="hostile-peak-", delete=False)
    peak_file.close()
    start = time.monotonic()
    process = subprocess.Popen([sys.executable, "-c", LAUNCHER, str(cap_mb), closing, peak_file.name, *command],
                               stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, cwd=ROOT)
    out_chunks, err_chunks = [], []
    import threading

    def drain(stream, into):
        for chunk in iter(lambda: stream.read(65536), b""):
            into.append(chunk)

    threads = [threading.Thread(target=drain, args=(process.stderr, err_chunks), daemon=True)]
    if process.stdout:
        threads.append(threading.Thread(target=drain, args=(process.stdout, out_chunks), daemon=True))
    for thread in threads:
        thread.start()
    hung = False
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - start > timeout:
            hung = True
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            pid, status, usage = os.wait4(process.pid, 0)
            break
        time.sleep(0.02)
    seconds = time.monotonic() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    for thread in threads:
        thread.join(timeout=5)
    for handle in opened:
        handle.close()
    stdout_bytes, stderr_bytes = b"".join(out_chunks), b"".join(err_chunks)
    try:
        peak = int(Path(peak_file.name).read_text() or usage.ru_maxrss) / 1024
    except (OSError, ValueError):
        peak = usage.ru_maxrss / 1024  # killed at the timeout: the launcher's own count
    os.unlink(peak_file.name)
    code = process.returncode
    outcome, detail = _classify(case, code, stdout_bytes, stderr_bytes, hung, peak, seconds)
    return Result(name, None if hung else code, seconds, peak, outcome, detail)


def _classify(case: Case, code: int, out: bytes, err: bytes, hung: bool, peak: float, seconds: float):
    text = err.decode("utf-8", "replace")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    first = lines[0] if lines else ""
    if hung:
        return "HANG", first
    if "Traceback" in text:
        return "TRACEBACK", text.strip().splitlines()[-1][:150]
    if code < 0:
        return "CRASH", f"signal {-code}"
    if "internal error" in text or "内部错误" in text:
        return "BUG", first
    if peak > GOAL_MB:
        return "OVER-MEMORY", first
    if seconds > GOAL_SECONDS:
        return "SLOW", first
    if code not in case.allowed:
        return "UNEXPECTED", first
    if "/etc/passwd" in case.note and b"root:" in out:
        return "UNEXPECTED", "external entity expanded"
    if case.note == "escaped" and (any(ch in text for ch in "\x1b\x07\u202e")
                                   or any(ch.encode() in out for ch in "\x1b\x07\u202e")):
        return "UNEXPECTED", "control characters printed raw"
    if case.args and case.args[0] in ("check", "compare") and code in (0, 1):
        return "read", first  # a view for a person, not JSON
    if case.args and case.args[0] == "batch":
        return ("refused" if code == 3 else "usage" if code == 2 else "read"), (lines[-1][:150] if lines else "")
    if code == 3:
        return ("refused" if len(lines) == 1 else "NOISY"), first
    if code in (2, 4):
        return ("usage" if code == 2 else "output") if len(lines) == 1 else "NOISY", first
    if code in (0, 1):
        if case.stdout is None and not any(a == "-o" for a in map(str, case.args)):
            try:
                json.loads(out)
            except ValueError:
                return "UNEXPECTED", "stdout is not JSON"
        return "read", first
    return "UNEXPECTED", first


# --- mutation fuzz ------------------------------------------------------------------------------
TOKENS = [b"|", b"\t", b"\n", b"<table>", b"<tr>", b"<td colspan=\"999\">", b"</td>", b"<td rowspan=\"9999\">",
          b"9" * 40, b"0" * 500, "一、总体情况".encode(), "（七）总计".encode(), "申请人情况".encode(), b"\x00", b"\xff\xfe",
          b"<!DOCTYPE x [<!ENTITY a \"b\">]>", b"&a;", b"/", "——".encode(), b"<br>", b"<p>", b"%PDF-1.4",
          b"obj", b"endobj", b"stream\n", b"endstream", b"/FlateDecode", b"<<", b">>", b"Do", b"--boundary",
          b"Content-Type: multipart/related; boundary=\"z\"\n\n--z\n", b"-1", b"1e309", b"NaN", "１２３".encode()]


def mutate(rng: random.Random, data: bytes) -> bytes:
    data = bytearray(data)
    for _ in range(rng.choice([1, 1, 2, 3, 5, 10])):
        if not data:
            data += rng.choice(TOKENS)
            continue
        at = rng.randrange(len(data))
        op = rng.randrange(8)
        if op == 0:
            data[at] ^= 1 << rng.randrange(8)
        elif op == 1:
            data[at:at] = rng.choice(TOKENS)
        elif op == 2:
            del data[at:at + rng.randint(1, 400)]
        elif op == 3:
            piece = data[at:at + rng.randint(1, 300)]
            data[at:at] = piece * rng.randint(2, 50)
        elif op == 4:
            data[at] = rng.randrange(256)
        elif op == 5:
            del data[at:]
        elif op == 6:
            other = rng.randrange(len(data))
            data[at:at] = data[other:other + rng.randint(1, 2000)]
        else:
            data[at:at + 1] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    return bytes(data)


def mutants(seed: int, count: int, images: bool = False, names: tuple[str, ...] | None = None):
    """(name, bytes): fixtures mutated; DOCX mutated inside its document.xml half of the time, an
    OFD twin inside one of its parts (so the XML parser, not only the zip reader, sees the damage). ``images``: the committed scans
    instead (JPG, TIFF, image-only PDF, and the zip that carries a report's JPG pages), each read
    by OCR: seconds a mutation. ``names``: only the fixtures of these names (a mutation found once
    made again from the fixtures there were then: a fixture added later changes every choice)."""
    rng = random.Random(seed)
    if images:
        from report_extract import pages

        scans = FIXTURES / "scans"
        sources = sorted(p for p in scans.iterdir() if p.suffix in (".jpg", ".tif", ".pdf"))
        originals = {p: p.read_bytes() for p in sources}
        bundle = scans / "v2019-clean-300-p[1-3].zip"
        originals[bundle] = pages.read_group([str(p) for p in sorted(scans.glob("v2019-clean-300-p*.jpg"))])
        sources.append(bundle)
    else:
        sources = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".txt", ".md", ".html", ".mht", ".docx", ".pdf"))
        sources += sorted(p for p in (FIXTURES / "ofd").glob("*.ofd") if "scanned" not in p.name)  # no OCR here
        originals = {p: p.read_bytes() for p in sources}
    if names is not None:
        sources = [p for p in sources if p.name in names]
    for i in range(count):
        path = rng.choice(sources)
        data = originals[path]
        if path.suffix in (".docx", ".ofd") and rng.random() < 0.5:
            source = zipfile.ZipFile(io.BytesIO(data))
            buffer = io.BytesIO()
            target = "word/document.xml" if path.suffix == ".docx" else rng.choice(source.namelist())
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
                for info in source.infolist():
                    body = source.read(info)
                    out.writestr(info.filename, mutate(rng, body) if info.filename == target else body)
            yield f"mut-{i:05d}-{path.name}", buffer.getvalue()
        else:
            yield f"mut-{i:05d}-{path.name}", mutate(rng, data)


def _read_in_child(name: str, data: bytes, write_fd: int) -> None:
    """In the forked child: read ``data`` as the CLI does, send back an exit code and a message."""
    from report_extract.errors import ReportError
    from report_extract.pipeline import extract
    from report_extract.writers import render

    try:
        report = extract(name, data)
        render([report], "json")
        outcome = (0, "")
    except ReportError as exc:
        outcome = (3, exc.reason)
    except MemoryError:
        outcome = (3, "MemoryError")
    except BaseException:  # noqa: B036 - what the campaign looks for
        import traceback

        outcome = (70, traceback.format_exc()[-400:])
    os.write(write_fd, json.dumps(outcome).encode()[:60000])


def _preload() -> None:
    """Import every reader once in this process, so each forked child starts with them loaded."""
    import report_extract.pipeline  # noqa: F401
    import report_extract.readers.docx  # noqa: F401
    import report_extract.readers.html  # noqa: F401
    import report_extract.readers.pdf  # noqa: F401
    import report_extract.readers.text  # noqa: F401
    import report_extract.writers  # noqa: F401


def run_mutation(name: str, data: bytes, timeout: float, cap_mb: int) -> Result:
    read_fd, write_fd = os.pipe()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        try:
            limit = cap_mb << 20
            resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
            _read_in_child(name, data, write_fd)
        finally:
            os._exit(0)
    os.close(write_fd)
    hung = False
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() - start > timeout:
            hung = True
            os.kill(pid, signal.SIGKILL)
            _, status, usage = os.wait4(pid, 0)
            break
        time.sleep(0.005)
    seconds = time.monotonic() - start
    with os.fdopen(read_fd, "rb") as pipe:
        payload = pipe.read()
    peak = usage.ru_maxrss / 1024
    code = os.waitstatus_to_exitcode(status)
    if hung:
        return Result(name, None, seconds, peak, "HANG")
    if code < 0 or not payload:
        return Result(name, code, seconds, peak, "CRASH", f"status {code}")
    exit_code, message = json.loads(payload)
    if exit_code == 70:
        return Result(name, 70, seconds, peak, "TRACEBACK", message.strip().splitlines()[-1][:150])
    if message == "MemoryError" or peak > GOAL_MB:
        return Result(name, exit_code, seconds, peak, "OVER-MEMORY", message[:150])
    if seconds > GOAL_SECONDS:
        return Result(name, exit_code, seconds, peak, "SLOW", message[:150])
    return Result(name, exit_code, seconds, peak, "refused" if exit_code == 3 else "read", message[:150])


# --- the campaign -------------------------------------------------------------------------------
def campaign(names: list[str], mutations: int, seed: int, timeout: float, cap_mb: int, workdir: Path,
             echo=print, images: bool = False) -> list[Result]:
    results = []
    for name in names:
        maker, _ = KINDS[name]
        folder = workdir / name
        folder.mkdir(parents=True, exist_ok=True)
        try:
            case = maker(folder)
        except OSError as exc:
            echo(f"{name:34} skipped ({exc})")
            continue
        result = run_case(name, case, timeout, cap_mb)
        results.append(result)
        echo(_row(result))
    mutated: list[Result] = []
    if mutations:
        _preload()
    for name, data in mutants(seed, mutations, images):
        result = run_mutation(name, data, timeout, cap_mb)
        mutated.append(result)
        if len(mutated) % 250 == 0:
            print(f"  … {len(mutated)} of {mutations} mutations", file=sys.stderr, flush=True)
        if result.outcome in FAILURES:
            echo(_row(result))
    if mutated:
        results.append(_mutation_summary(mutated))
        echo(_row(results[-1]))
    return results + [r for r in mutated if r.outcome in FAILURES]


def _mutation_summary(mutated: list[Result]) -> Result:
    outcomes: dict[str, int] = {}
    for r in mutated:
        outcomes[r.outcome] = outcomes.get(r.outcome, 0) + 1
    worst_seconds = max(r.seconds for r in mutated)
    worst_peak = max(r.peak_mb for r in mutated)
    detail = ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
    failed = sum(v for k, v in outcomes.items() if k in FAILURES)
    return Result(f"mutations ×{len(mutated)}", None, worst_seconds, worst_peak,
                  "FAILED" if failed else "ok", detail, {"outcomes": outcomes, "count": len(mutated)})


def _row(r: Result) -> str:
    code = "-" if r.exit is None else str(r.exit)
    return f"{r.name:34} {code:>4} {r.seconds:8.2f} {r.peak_mb:9.1f}  {r.outcome:11} {r.detail[:200]}"


def totals(results: list[Result]) -> dict:
    kinds = [r for r in results if not r.name.startswith(("mutations", "mut-"))]
    summary = next((r for r in results if r.name.startswith("mutations")), None)
    out = {"kinds": len(kinds), "kinds_failed": sum(r.outcome in FAILURES for r in kinds),
           "max_seconds": round(max((r.seconds for r in results), default=0), 2),
           "max_peak_mb": round(max((r.peak_mb for r in results), default=0), 1)}
    for label in FAILURES:
        out[label.lower()] = sum(r.outcome == label for r in kinds)
    if summary:
        out["mutations"] = summary.extra["count"]
        out["mutation_outcomes"] = summary.extra["outcomes"]
        for label in FAILURES:
            out[label.lower()] += summary.extra["outcomes"].get(label, 0)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kinds", default="", help="comma-separated kinds (default: all)")
    parser.add_argument("--fast", action="store_true", help="only the kinds with small inputs (the tests' subset)")
    parser.add_argument("--mutations", type=int, default=3000)
    parser.add_argument("--images", action="store_true",
                        help="mutate the committed scans (read by OCR, seconds each) instead of the text fixtures")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--timeout", type=float, default=GOAL_SECONDS * 2)
    parser.add_argument("--cap-mb", type=int, default=CAP_MB)
    parser.add_argument("--workdir", type=Path, default=None, help="keep the generated inputs here")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--list", action="store_true", help="list the kinds and exit")
    args = parser.parse_args()
    if args.list:
        print("\n".join(f"{name}{' (fast)' if fast else ''}" for name, (_, fast) in KINDS.items()))
        return 0
    names = [n for n in args.kinds.split(",") if n] or [n for n, (_, fast) in KINDS.items() if fast or not args.fast]
    names = [] if names == ["none"] else names
    unknown = [n for n in names if n not in KINDS]
    if unknown:
        parser.error(f"unknown kinds: {', '.join(unknown)} (see --list)")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="report-extract-hostile-"))
    print(f"{'kind':34} {'exit':>4} {'seconds':>8} {'peak MB':>9}  {'outcome':11} detail")
    try:
        results = campaign(names, args.mutations, args.seed, args.timeout, args.cap_mb, workdir, images=args.images)
    finally:
        if args.workdir is None:
            _remove(workdir)
    summary = totals(results)
    print(f"\ntotals: {json.dumps(summary, ensure_ascii=False)}")
    if args.json:
        args.json.write_text(json.dumps({"totals": summary, "results": [r.__dict__ for r in results]},
                                        ensure_ascii=False, indent=2), encoding="utf-8")
    return 1 if any(summary[label.lower()] for label in FAILURES) else 0


def _remove(folder: Path) -> None:
    for path in folder.rglob("*"):  # FIFOs and links first: rmtree copes, this is belt and braces
        try:
            if stat.S_ISFIFO(path.lstat().st_mode):
                path.unlink()
        except OSError:
            pass
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
