"""OFD (GB/T 33190): each OFD twin of a fixture PDF (tests/fixtures/ofd_writer.py writes them from
the PDFs' own text, paths and scan) gives its PDF's result; what real files do differently (no
namespace, CTM, PageBlocks, templates, references in the wrong place) reads the same; hostile
packages end in one clear line, fast; an independent OFD reader (ofdkit) reads every twin as we do."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import time
import zipfile

import pytest
from lxml import etree

import report_extract
from conftest import FIXTURES, ROOT, codes
from ofd_writer import TWINS, Image, Page, Path, Style, Text, package
from report_extract.errors import ReportError
from report_extract.readers import ofd, ofd_page

OFD = FIXTURES / "ofd"
MM = 72 / 25.4


def _without_source(report) -> dict:
    """A report's data but for its source, and the problems' ids: an id is a digest of its input's
    bytes too (problems.problem_id), so twins' ids differ where all else is the same."""
    data = report.model_dump(mode="json")
    data.pop("source")
    for made in data["problems"]:
        assert len(made.pop("id")) == 16
    return data


# --- the twins -------------------------------------------------------------------------------------
# problem codes each twin's PDF raises (the OFD must raise the same, and no other)
TWIN_CODES = {
    "v2021-clean.ofd": set(),  # ruled; pages 2 and 4 set their text in points through a CTM
    "v2021-review-total.ofd": {"review_total"},  # ruled, all of a page's rules one path of subpaths
    "v2021-clean.h-rules.ofd": set(),  # horizontal rules only; no namespace prefix, widths in a DrawParam
    "v2021-outcome-sum.three-line.ofd": {"balance", "outcome_sum"},  # top and bottom rules; PageBlocks
    "v2021-repeat-header.ofd": set(),  # a table over 5 pages, its header repeated
    "pagebreak-rep6.h-rules.ofd": set(),  # a table without verticals cut by a page break
}


@pytest.mark.parametrize("name", sorted(TWIN_CODES))
def test_an_ofd_twin_gives_exactly_its_pdfs_tables_values_sections_and_problems(name):
    ofd_report = report_extract.extract(OFD / name)
    pdf_report = report_extract.extract(FIXTURES / TWINS[name][0])
    assert _without_source(ofd_report) == _without_source(pdf_report)
    assert (ofd_report.source.format, ofd_report.source.pages) == ("ofd", pdf_report.source.pages)
    assert ofd_report.source.ocr_pages is None
    assert codes(ofd_report) == TWIN_CODES[name]
    flat = ofd_report.flat()
    assert len(flat) == 200 and None not in flat.values()
    assert flat["applications.new_received.total"] == (440 if name.startswith("pagebreak") else 644)


def test_an_image_only_page_is_read_by_ocr_as_the_same_page_of_a_scanned_pdf():
    pytest.importorskip("rapidocr")
    report = report_extract.extract(OFD / "v2021-clean-page3-scanned.ofd")
    pdf = report_extract.extract(FIXTURES / "scans" / "v2021-clean-page3-scanned.pdf")
    assert (report.source.format, report.source.pages, report.source.ocr_pages) == ("ofd", 4, [3])
    assert _without_source(report) == _without_source(pdf)
    assert report.flat() == report_extract.extract(FIXTURES / "v2021-clean.pdf").flat()
    assert {p.page for p in report.provenance.values() if p.ocr is not None} == {3}


def _scan_only() -> bytes:
    """One page that is only the scanned page 3 of the scanned PDF twin."""
    scanned = zipfile.ZipFile(OFD / "v2021-clean-page3-scanned.ofd")
    jpeg = next(scanned.read(n) for n in scanned.namelist() if n.endswith(".jpeg"))
    return package([Page(215.9, 279.4, images=[Image(jpeg, "JPEG", (0, 0, 215.9, 279.4))])])


def test_an_ofd_of_scans_with_ocr_never_says_to_read_it_by_ocr():
    with pytest.raises(ReportError) as error:
        report_extract.extract("scan.ofd", _scan_only(), ocr="never")
    assert error.value.reason == "the OFD has no text layer (a scanned report?); run with --ocr auto to read it by OCR"


# --- the format as files in the wild write it --------------------------------------------------------
def _page_reader(xml: str, params: dict | None = None):
    layer = etree.fromstring(f'<Layer xmlns="http://www.ofdspec.org/2016">{xml}</Layer>')
    return ofd_page.PageReader(100.0, params or {}, "Page_0/Content.xml", "t.ofd").read([layer])


def test_text_codes_are_placed_by_boundary_ctm_and_deltas():
    drawn = _page_reader('<TextObject ID="1" Boundary="10 20 50 10" CTM="0.5 0 0 0.5 0 0" Font="1" Size="8">'
                         '<TextCode X="0" Y="8" DeltaX="g 9999999999 8">一二三</TextCode>'
                         '<TextCode>4</TextCode></TextObject>')
    origins = [(round(c[0] / MM, 3), round(100 - c[1] / MM - 0.14 * 4, 3), c[4]) for c in drawn.chars]
    # the CTM halves the object: 8 mm type is 4 mm on the page, each 8 mm step (g: repeated, never
    # past the text) 4 mm; the baseline is at 20 + 0.5·8 mm; a TextCode without X goes on after the
    # last character
    assert origins == [(10.0, 24.0, "一"), (14.0, 24.0, "二"), (18.0, 24.0, "三"), (22.0, 24.0, "4")]
    assert [round((c[3] - c[1]) / MM, 3) for c in drawn.chars] == [4.0] * 4  # em boxes of the type size
    assert drawn.bad == 0 and drawn.counted == 3  # one object, two TextCodes


def _unit(content: str):
    return etree.fromstring(f'<CompositeGraphicUnit xmlns="http://www.ofdspec.org/2016" ID="7" Width="100" '
                            f'Height="100"><Content>{content}</Content></CompositeGraphicUnit>')


def test_a_composite_object_draws_its_unit_through_its_ctm_and_boundary():
    """Some producers put every line of a page in a CompositeGraphicUnit of the resources."""
    unit = _unit('<TextObject ID="1" Boundary="10 10 50 10" Font="1" Size="8"><TextCode X="0" Y="8">表一</TextCode>'
                 '</TextObject>')
    layer = etree.fromstring('<Layer xmlns="http://www.ofdspec.org/2016"><CompositeObject ID="3" ResourceID="7" '
                             'Boundary="20 30 50 50" CTM="0.5 0 0 0.5 0 0"/></Layer>')
    drawn = ofd_page.PageReader(100.0, {}, "Page_0/Content.xml", "t.ofd", {"7": unit}).read([layer])
    # the unit's baseline origin (10, 18), halved by the CTM, moved to the Boundary: (25, 39) on the page
    assert [(round(c[0] / MM, 3), round(100 - c[1] / MM - 0.14 * 4, 3), c[4]) for c in drawn.chars] == [
        (25.0, 39.0, "表"), (29.0, 39.0, "一")]


def test_a_composite_unit_that_draws_itself_is_refused_in_one_line():
    unit = _unit('<CompositeObject ID="2" ResourceID="7" Boundary="0 0 1 1"/>')
    layer = etree.fromstring('<Layer xmlns="http://www.ofdspec.org/2016"><CompositeObject ID="3" ResourceID="7" '
                             'Boundary="0 0 1 1"/></Layer>')
    with pytest.raises(ReportError, match=r"an OFD page \(Page_0/Content.xml\) with PageBlocks or CompositeObjects "
                                          r"nested more than 200 deep \(a unit that draws itself\?\): over the nesting depth limit"):
        ofd_page.PageReader(100.0, {}, "Page_0/Content.xml", "t.ofd", {"7": unit}).read([layer])


def test_paths_give_the_rules_a_pdf_path_gives():
    drawn = _page_reader(
        # a grid drawn as one path: its four straight sides, as four rules
        '<PathObject ID="1" Boundary="10 10 100 20" LineWidth="0.2">'
        '<AbbreviatedData>M 0 0 L 100 0 L 100 20 L 0 20 C</AbbreviatedData></PathObject>'
        # a diagonal (a header cell's slash) is no rule; a curve is none
        '<PathObject ID="2" Boundary="0 0 30 30"><AbbreviatedData>M 0 0 L 30 30 B 1 1 2 2 3 3</AbbreviatedData>'
        '</PathObject>'
        # a thin dark bar (filled, not stroked) is one rule along its middle; a white one, and a
        # large filled box (a cell's background), are none
        '<PathObject ID="3" Boundary="10 50 100 1" Stroke="false" Fill="true"><FillColor Value="0 0 0"/>'
        '<AbbreviatedData>M 0 0 L 100 0 L 100 1 L 0 1 C</AbbreviatedData></PathObject>'
        '<PathObject ID="4" Boundary="10 60 100 1" Stroke="false" Fill="true"><FillColor Value="255 255 255"/>'
        '<AbbreviatedData>M 0 0 L 100 0 L 100 1 L 0 1 C</AbbreviatedData></PathObject>'
        '<PathObject ID="5" Boundary="10 70 100 20" Stroke="false" Fill="true">'
        '<AbbreviatedData>M 0 0 L 100 0 L 100 20 L 0 20 C</AbbreviatedData></PathObject>'
        # an invisible object is not drawn; a width from a DrawParam
        '<PathObject ID="6" Boundary="0 0 1 1" Visible="false"><AbbreviatedData>M 0 5 L 90 5</AbbreviatedData>'
        '</PathObject><PathObject ID="7" Boundary="0 94 50 2" DrawParam="9"><AbbreviatedData>M 0 1 L 50 1'
        '</AbbreviatedData></PathObject>', params={"9": etree.fromstring('<DrawParam ID="9" LineWidth="2"/>')})

    def mm(rules):
        return sorted(tuple(round(v / MM, 2) for v in rule) for rule in rules)

    assert mm(drawn.horizontal) == [(5.0, -1.0, 51.0), (49.5, 10.0, 110.0), (70.0, 9.9, 110.1),
                                    (90.0, 9.9, 110.1)]  # (y, x0, x1), y up from the page's foot
    assert mm(drawn.vertical) == [(10.0, 69.9, 90.1), (110.0, 69.9, 90.1)]


def _line(y: float, text: str) -> Text:
    """A line of 4 mm characters from the left margin, at baseline ``y`` (mm from the top)."""
    return Text(20, y, 4, text, [4.0] * (len(text) - 1))


TEMPLATE_LINE = "本页模板中的一行正文，供读者核对模板里的文字也读出。"
PAGE_LINE = "本页自己的一行正文，写在模板里那行文字之上。"


def test_pageblocks_draw_params_and_templates_are_read_like_the_page_itself():
    pages = [Page(210, 297, texts=[_line(40, PAGE_LINE)], template="body")]
    data = package(pages, Style(page_block=True, draw_param=True), templates={"body": Page(210, 297, [_line(150, TEMPLATE_LINE)])})
    assert [b.text for b in ofd.read(data, "t.ofd").blocks] == [PAGE_LINE, TEMPLATE_LINE]


def _rewrite(data: bytes, rename=None, replace=None, drop=()) -> bytes:
    """The package with members renamed (old -> new name, or a ZipInfo-level raw name), replaced or dropped."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in drop:
                continue
            content = (replace or {}).get(info.filename, source.read(info))
            target.writestr((rename or {}).get(info.filename, info.filename), content)
    return out.getvalue()


def test_references_and_names_as_producers_get_them_wrong_still_read():
    data = package([Page(210, 297, texts=[_line(40, PAGE_LINE)])], Style(prefixed=False))
    body = zipfile.ZipFile(io.BytesIO(data))
    document = body.read("Doc_0/Document.xml").decode()
    page = body.read("Doc_0/Pages/Page_0/Content.xml").decode()
    wild = _rewrite(data, rename={"OFD.xml": "ofd.xml", "Doc_0/Pages/Page_0/Content.xml": "Doc_0/Pages/页_0/content.XML"},
                    replace={
                        # no namespace at all, the page named from the package root with backslashes
                        "Doc_0/Document.xml": document.replace(' xmlns="http://www.ofdspec.org/2016"', "").replace(
                            'BaseLoc="Pages/Page_0/Content.xml"', 'BaseLoc="\\Doc_0\\Pages\\页_0\\Content.xml"'),
                        "Doc_0/Pages/Page_0/Content.xml": page.encode("gb18030").replace(
                            b'<?xml version="1.0" encoding="UTF-8"?>', b"")})  # GBK, undeclared
    assert [b.text for b in ofd.read(wild, "t.ofd").blocks] == [PAGE_LINE]
    # a resource file the document names but the package lacks is passed over, as readers do
    assert [b.text for b in ofd.read(_rewrite(data, drop=("Doc_0/PublicRes.xml",)), "t.ofd").blocks] == [PAGE_LINE]


# --- hostile packages: one clear line, fast ----------------------------------------------------------
def _small() -> bytes:
    return package([Page(210, 297, texts=[_line(40, "正文" + PAGE_LINE)], paths=[Path([([(20, 50), (120, 50)], False)])])])


def _million_objects() -> bytes:
    objects = '<ofd:PathObject ID="9" Boundary="0 0 1 1"/>' * 1_000_000
    return _rewrite(_small(), replace={"Doc_0/Pages/Page_0/Content.xml": (
        '<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer ID="8">'
        + objects + "</ofd:Layer></ofd:Content></ofd:Page>").encode()})


def _entities(kind: str) -> bytes:
    page = zipfile.ZipFile(io.BytesIO(_small())).read("Doc_0/Pages/Page_0/Content.xml").decode()
    body = page.split("?>", 1)[1]
    if kind == "laughs":
        dtd = '<!DOCTYPE ofd:Page [<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">' + "".join(
            f'<!ENTITY {chr(98 + k)} "{("&" + chr(97 + k) + ";") * 10}">' for k in range(9)) + "]>"
        body = body.replace(">正文<", ">&j;<")
    else:
        dtd = '<!DOCTYPE ofd:Page [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
        body = body.replace(">正文<", ">&secret;<")
    return _rewrite(_small(), replace={"Doc_0/Pages/Page_0/Content.xml": (dtd + body).encode()})


HOSTILE = {
    "zip bomb": (lambda: _rewrite(_small(), replace={"Doc_0/Pages/Page_0/Content.xml": b" " * (65 << 20)}),
                 "an OFD whose Doc_0/Pages/Page_0/Content.xml unzips to 65.0 MB: over the XML part size limit of 64 MB"),
    "member outside the package": (
        lambda: _rewrite(_small(), rename={"Doc_0/Pages/Page_0/Content.xml": "../../Content.xml"}),
        "an OFD (zip) with a member named outside the package ('../../Content.xml')"),
    "reference outside the package": (
        lambda: _rewrite(_small(), replace={"OFD.xml": zipfile.ZipFile(io.BytesIO(_small())).read("OFD.xml").replace(
            b"Doc_0/Document.xml", b"../../../etc/passwd")}),
        "an OFD whose document (DocRoot) (../../../etc/passwd) points outside the package"),
    "billion laughs": (lambda: _entities("laughs"), "an OFD whose Doc_0/Pages/Page_0/Content.xml declares a DTD "
                                                    "(entities are refused: an OFD never needs one)"),
    "external entity": (lambda: _entities("file"), "an OFD whose Doc_0/Pages/Page_0/Content.xml declares a DTD "
                                                   "(entities are refused: an OFD never needs one)"),
    "missing Document.xml": (lambda: _rewrite(_small(), drop=("Doc_0/Document.xml",)),
                             "an OFD whose document (DocRoot) (Doc_0/Document.xml, named in OFD.xml) is missing "
                             "from the package"),
    "a million objects on a page": (_million_objects, "an OFD page (Doc_0/Pages/Page_0/Content.xml) of more than "
                                                      "200,000 drawing objects: over the page objects limit"),
    "a page that is not XML": (lambda: _rewrite(_small(), replace={"Doc_0/Pages/Page_0/Content.xml": b"<ofd:Page"}),
                               "an OFD whose Doc_0/Pages/Page_0/Content.xml is not well-formed XML"),
    "a box that is not numbers": (
        lambda: _rewrite(_small(), replace={"Doc_0/Pages/Page_0/Content.xml": zipfile.ZipFile(io.BytesIO(_small())).read(
            "Doc_0/Pages/Page_0/Content.xml").replace(b'Boundary="20', b'Boundary="nan')}),
        "an OFD whose Boundary of Doc_0/Pages/Page_0/Content.xml object 4 holds a number that is not finite"),
    "no OFD.xml": (lambda: _rewrite(_small(), drop=("OFD.xml",)), "a zip archive without OFD.xml: not an OFD document"),
    "a scanned page whose image is damaged": (
        lambda: _rewrite(_scan_only(), replace={"Doc_0/Res/Image_4.jpeg": b"\xff\xd8\xff" + b"\x00" * 64}),
        "an OFD whose page 1 image Doc_0/Res/Image_4.jpeg (JPEG) cannot be decoded"),
}


# the code of each (reasons.REASONS), and the Chinese of two of them
HOSTILE_CODES = {"zip bomb": "ofd_part", "member outside the package": "ofd_member_outside",
                 "reference outside the package": "ofd_ref_outside", "billion laughs": "ofd_dtd",
                 "external entity": "ofd_dtd", "missing Document.xml": "ofd_ref_missing",
                 "a million objects on a page": "ofd_page_objects", "a page that is not XML": "ofd_not_xml",
                 "a box that is not numbers": "ofd_not_finite", "no OFD.xml": "zip_not_ofd",
                 "a scanned page whose image is damaged": "ofd_image_undecodable"}
HOSTILE_ZH = {
    "zip bomb": "OFD 文件中的 Doc_0/Pages/Page_0/Content.xml 解压后为 65.0 MB，超过 XML 部件大小上限 64 MB（可用 "
                "REPORT_EXTRACT_MAX_XML_MB=N 提高）",
    "a box that is not numbers": "OFD 文件的 Doc_0/Pages/Page_0/Content.xml 中对象 4 的 Boundary 含有非有限的数"
                                 "（'nan 36 96 5.2'）"}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_hostile_or_damaged_ofd_is_one_clear_line_fast(kind):
    make, reason = HOSTILE[kind]
    data = make()
    started = time.monotonic()
    with pytest.raises(ReportError) as error:
        report_extract.extract("hostile.ofd", data)
    assert time.monotonic() - started < 5
    message = str(error.value)
    assert "\n" not in message and reason in message, message
    assert error.value.code == HOSTILE_CODES[kind]
    assert error.value.reason_zh == HOSTILE_ZH.get(kind, error.value.reason_zh) and "\n" not in error.value.reason_zh
    assert "root:" not in message  # nothing of /etc/passwd was read


def test_a_damaged_ofd_is_exit_3_with_one_line_on_the_command_line(tmp_path):
    path = tmp_path / "bad.ofd"
    path.write_bytes(_rewrite(_small(), drop=("Doc_0/Document.xml",)))
    done = subprocess.run([sys.executable, "-m", "report_extract", "extract", str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 3 and done.stdout == ""
    assert done.stderr == f"report-extract: {path}：OFD 文件缺少文档（DocRoot）（Doc_0/Document.xml，OFD.xml 中引用）\n"


def test_an_ofd_is_known_by_its_content_whatever_its_name():
    data = (OFD / "v2021-clean.ofd").read_bytes()
    assert report_extract.extract("download.bin", data).source.format == "ofd"
    with pytest.raises(ReportError, match=r"named like a PDF file, but its content is not one \(it looks like ofd\)"):
        report_extract.extract("report.pdf", data)
    with pytest.raises(ReportError, match=r"named like an OFD file, but its content is not one \(it looks like text\)"):
        report_extract.extract("report.ofd", b"not a package")


# --- an archive of OFDs ----------------------------------------------------------------------------
def test_batch_reads_the_ofd_files_of_an_archive(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    for name in ("v2021-clean.ofd", "v2021-review-total.ofd"):
        (archive / name).write_bytes((OFD / name).read_bytes())
    (archive / "broken.ofd").write_bytes(_rewrite(_small(), drop=("Doc_0/Document.xml",)))
    (archive / "bundle.zip").write_bytes(b"PK")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "report_extract", "batch", str(archive), "-o", str(out), "--html"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 3
    assert ("共 3 个输入：读取 2 个（1 个报告有错误；1 个与另一文件是同一报告，未采用），不是年度报告 0 个，"
            "无法读取 1 个；") in done.stderr  # the two twins are one body and year
    assert done.stderr.splitlines()[-1] == "report-extract: 未读取（report-extract 不读取的格式）：1 个 .zip"
    with open(out / "summary.csv", encoding="utf-8-sig", newline="") as handle:
        rows = {row["path"].rsplit("/", 1)[-1]: row for row in csv.DictReader(handle)}
    assert {k: (r["status"], r["errors"]) for k, r in rows.items()} == {
        "broken.ofd": ("failed", ""), "v2021-clean.ofd": ("ok", "0"), "v2021-review-total.ofd": ("problems", "1")}
    assert (rows["broken.ofd"]["error"], rows["broken.ofd"]["error_code"], rows["broken.ofd"]["error_zh"]) == (
        "an OFD whose document (DocRoot) (Doc_0/Document.xml, named in OFD.xml) is missing from the package",
        "ofd_ref_missing", "OFD 文件缺少文档（DocRoot）（Doc_0/Document.xml，OFD.xml 中引用）")
    with open(out / "wide.csv", encoding="utf-8-sig", newline="") as handle:
        wide = {row["path"].rsplit("/", 1)[-1]: row for row in csv.DictReader(handle)}
    assert wide["v2021-clean.ofd"]["applications.new_received.total"] == "644"
    assert "v2021-clean.ofd" in (out / "index.html").read_text(encoding="utf-8")


# --- an independent reader ---------------------------------------------------------------------------
def test_ofdkit_reads_every_ofd_twin_with_the_pdfs_pages_text_and_positions():
    """ofdkit (a reader of its own, pure Python, in the test extra) finds in each twin the PDF's
    pages, page sizes and characters, each run where pdfium puts its first character."""
    ofdkit = pytest.importorskip("ofdkit")
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    for name, (source, _) in TWINS.items():
        pdf = pdfium.PdfDocument(str(FIXTURES / source))
        with ofdkit.open(str(OFD / name)) as document:
            assert len(document.pages) == len(pdf), name
            for page, pdf_page in zip(document.pages, pdf):
                width, height = pdf_page.get_size()
                assert [round(v, 2) for v in page.box] == [0, 0, round(width / MM, 2), round(height / MM, 2)]
                textpage = pdf_page.get_textpage()
                wanted, origins = [], []
                x, y = ctypes.c_double(), ctypes.c_double()
                for i in range(textpage.count_chars()):
                    ch = textpage.get_text_range(i, 1)
                    if not ch.isspace() and not raw.FPDFText_IsGenerated(textpage, i):
                        wanted.append(ch)
                        raw.FPDFText_GetCharOrigin(textpage, i, x, y)
                        origins.append((x.value / MM, (height - y.value) / MM))
                got = [ch for run in page.runs for ch in run.text if not ch.isspace()]
                assert sorted(got) == sorted(wanted), name
                assert all(any(abs(r.x - ox) < 0.01 and abs(r.y - oy) < 0.01 for ox, oy in origins)
                           for r in page.runs), name
        pdf.close()


def test_a_text_code_that_jumps_a_column_gap_gives_two_numbers_not_one():
    """One TextCode for a row's cells, DeltaX jumping the gap between them (12, then 345 30 mm on):
    each character's box is its glyph's, not the jump, so the two cells stay two numbers."""
    from report_extract.text_lines import lines

    drawn = _page_reader('<TextObject ID="1" Boundary="0 0 100 20" Font="1" Size="3.5">'
                         '<TextCode X="10" Y="10" DeltaX="1.9 30 1.9 g 2 1.9">12345</TextCode></TextObject>')
    assert [round((c[2] - c[0]) / MM, 2) for c in drawn.chars] == [1.75] * 5  # half an em each, the jump too
    assert lines(drawn.chars)[0].text == "12 345"
