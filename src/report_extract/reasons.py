"""Every reason an input, an output or a command can fail for: its code, and its wording in English
and in Chinese, both made from the same facts.

The failures' twin of ``problems`` and ``messages_zh``: a failure is made from a code and facts
(``ReportError("pdf_encrypted", path)``, ``limits.PAGES.check(n, "pdf_pages", path, count=n)``,
``OutputError("read_only", output=…)``), the facts being values (counts, sizes, a page number, a
library's own message), and ``word`` turns them into the English sentence (the ``error`` column of
``summary.csv``, ``str()`` of the exception) and the Chinese one (stderr, ``check``, the dashboard's
原因, ``error_zh``). Neither text is read back or edited; a code is never renamed (``error_code``).
Unlike a problem's Chinese, which quotes the report's tables (``messages_zh.Context``), a reason's two
sentences need nothing but the facts, so they stand side by side, one entry a code.

A few facts are worded alike in every reason that has them:

- ``member``: the page image of a zip or a bundle the reason is about, said first;
- ``limit`` (with ``most``, ``unit``, ``env``, ``option``): the limit it is over, said last, with
  how to raise it (``limits.Limit.error``);
- ``env``/``option`` alone: how to raise a limit (``{how}``, ``{how_zh}``);
- ``errno``/``strerror``: the system's error (``{oserror}``, ``{oserror_zh}``);
- ``attribute`` (with ``part``, ``object``): an attribute of an OFD part or of one of its objects
  (``{at}``, ``{at_zh}``); ``ref`` (with ``page``, ``image``): what a reference of an OFD is to
  (``{what}``, ``{what_zh}``).

Imports nothing of the package; ``errors`` (whose ``Failure`` every failure is) imports it.
"""

from __future__ import annotations

import errno as errnos
from typing import Callable


def _blank_pages(f: dict) -> tuple[str, str]:
    if f["count"] == 1:
        return "a blank page: nothing is printed on it", "是一张空白页，上面没有印任何内容"
    return f"{f['count']} blank pages: nothing is printed on them", f"是 {f['count']} 张空白页，上面没有印任何内容"


def _too_large(f: dict) -> tuple[str, str]:
    if f.get("page"):
        where, where_zh = (f"page {f['page']} is {f['width']}×{f['height']} pixels",
                           f"第 {f['page']} 页为 {f['width']}×{f['height']} 像素")
    else:
        where, where_zh = "the image is too large", "图片过大"
    return (f"{where}, above the limit of {f['most']:,} pixels (a decompression bomb?); scale it down, or {f['how']}",
            f"{where_zh}，超过 {f['most']:,} 像素的上限（解压炸弹？）；请缩小图片，或{f['how_zh']}")


def _timed_out(f: dict) -> tuple[str, str]:
    pages, pages_zh = (f", {f['pages']} pages read by OCR", f"，已用文字识别（OCR）读了 {f['pages']} 页") \
        if f.get("pages") else ("", "")
    return (f"timed out after {f['seconds']:g} s{pages} (the worker was stopped)",
            f"超时：{f['seconds']:g} 秒后仍未读完{pages_zh}（已停止该工作进程）")


def a_or_an(word: str) -> str:
    """The word after its article, as the name of a format is read out: an OFD, an MHTML, a PDF."""
    return f"{'an' if word[:1] in 'AEFHILMNORSXaeiou' else 'a'} {word}"


def _misnamed(f: dict) -> tuple[str, str]:
    en, zh = _FORMATS[f["promised"]]
    return (f"named like {a_or_an(en)} file, but its content is not one (it looks like {f['kind']})",
            f"文件名像{zh}文件，内容却不是（看起来是 {f['kind']}）")


def _not_regular(f: dict) -> tuple[str, str]:
    en, zh = _KINDS[f["kind"]]
    return f"not a regular file ({en}); only files are read", f"不是普通文件（{zh}），只读取普通文件"


def _refused(f: dict) -> tuple[str, str]:
    en, zh = _KINDS[f["kind"]]
    return f"cannot write {f['output']}: it is {en}", f"无法写入 {f['output']}：它是{zh}"


def _suffix_not_written(f: dict) -> tuple[str, str]:
    *most, last = f["suffixes"]
    return (f"-o {f['output']}: report-extract does not write {f['suffix']} files; use a name ending in "
            f"{', '.join(most)} or {last}, or give the format with -f",
            f"-o {f['output']}：report-extract 不写 {f['suffix']} 文件；请用以 {'、'.join(most)} 或 {last} 结尾的文件名，"
            "或用 -f 指定格式")


def _no_page_images(f: dict) -> tuple[str, str]:
    return f"{a_or_an(f['kind'])} file has no page images", f"{f['kind']} 文件没有页面图片"


def _ofd_image_undecodable(f: dict) -> tuple[str, str]:
    fmt, fmt_zh = (f["format"], f["format"]) if f.get("format") else ("unknown format", "格式不明")
    return (f"an OFD whose page {f['page']} image {f['part']} ({fmt}) cannot be decoded ({f['detail']})",
            f"OFD 文件第 {f['page']} 页的图片 {f['part']}（{fmt_zh}）无法解码（{f['detail']}）")


def _interrupted(f: dict) -> tuple[str, str]:
    if f.get("signal"):
        return f"interrupted by {f['signal']}", f"被 {f['signal']} 信号中断"
    return "interrupted", "已中断"


def _batch_interrupted(f: dict) -> tuple[str, str]:
    en, zh = _interrupted(f)
    return (f"{en}: {f['done']} inputs finished and kept in {f['outdir']}; run the same command again to go on",
            f"{zh}：已完成的 {f['done']} 个输入保存在 {f['outdir']}；再次运行同一命令即可接着处理")


_FORMATS = {"pdf": ("PDF", " PDF "), "ofd": ("OFD", " OFD "), "docx": ("DOCX", " DOCX "), "doc": ("Word .doc/.wps", " Word .doc/.wps "),
            "image": ("PNG/JPEG/TIFF image", " PNG/JPEG/TIFF 图片")}
_KINDS = {"fifo": ("a FIFO (named pipe)", "命名管道（FIFO）"), "char": ("a character device", "字符设备"),
          "block": ("a block device", "块设备"), "socket": ("a socket", "套接字"), "folder": ("a folder, not a file", "文件夹，不是文件"),
          "other": ("not a regular file", "非普通文件")}

# code -> (English, Chinese): a str.format template over the facts, or one function giving both
REASONS: dict[str, tuple[str, str] | Callable[[dict], tuple[str, str]]] = {
    # --- an input as a file (guard, pipeline) ---
    "no_such_file": ("no such file", "文件不存在"),
    "no_such_path": ("no such file or folder", "文件或文件夹不存在"),
    "is_a_directory": ("is a directory, not a file", "是文件夹，不是文件"),
    "permission_denied": ("permission denied", "没有读取权限"),
    "link_loop": ("a symbolic link loop", "符号链接形成循环"),
    "cannot_read": ("cannot be read ({oserror})", "无法读取（{oserror_zh}）"),
    "not_regular": _not_regular,
    "stdin_closed": ("standard input is closed", "标准输入已关闭"),
    "stdin_unreadable": ("standard input cannot be read ({oserror})", "无法读取标准输入（{oserror_zh}）"),
    "size": ("{mb:,.1f} MB", "大小为 {mb:,.1f} MB"),
    "more_than": ("more than {mb:,.1f} MB", "大于 {mb:,.1f} MB"),
    "grew": ("more than {mb:,.1f} MB (the file grew while read)", "大于 {mb:,.1f} MB（文件在读取时变大）"),
    "page_images_size": ("{count} page images of {mb:,.1f} MB", "{count} 张页面图片共 {mb:,.1f} MB"),
    "empty": ("the file is empty", "文件是空的"),
    "not_a_report": ("not a government information-disclosure annual report: no report title, numbered sections "
                     "or template tables found",
                     "不是政府信息公开工作年度报告：没有找到报告标题、编号的各部分或模板中的统计表"),
    "document_cells": ("a document of {count:,} table cells", "文档共有 {count:,} 个表格单元格"),
    "document_blocks": ("a document of {count:,} paragraphs and table rows", "文档共有 {count:,} 个段落和表格行"),
    # --- formats (readers) ---
    "damaged_zip": ("a damaged or truncated zip file ({detail})", "zip 压缩包已损坏或不完整（{detail}）"),
    "damaged_docx_zip": ("a damaged or truncated DOCX (zip) file ({detail})", "DOCX 文件（zip）已损坏或不完整（{detail}）"),
    "zip_not_word": ("a zip archive that is not a Word document", "是 zip 压缩包，不是 Word 文档"),
    "zip_unknown": ("a zip archive that is neither a Word document, an OFD document nor the page images of a report",
                    "是 zip 压缩包，既不是 Word 文档、OFD 文档，也不是一份报告的页面图片"),
    "damaged_ofd_zip": ("a damaged or truncated OFD (zip) file ({detail})", "OFD 文件（zip）已损坏或不完整（{detail}）"),
    "zip_not_ofd": ("a zip archive without OFD.xml: not an OFD document", "是 zip 压缩包，其中没有 OFD.xml，不是 OFD 文档"),
    "misnamed": _misnamed,
    "image_needs_ocr": ("an image: it can only be read by OCR, and --ocr never was given",
                        "是图片，只能用文字识别（OCR）读取，但指定了 --ocr never"),
    "pages_need_ocr": ("page images: they can only be read by OCR, and --ocr never was given",
                       "是页面图片，只能用文字识别（OCR）读取，但指定了 --ocr never"),
    "unsupported": ("{kind} files are not supported", "不支持 {kind} 文件"),
    "binary": ("a binary file, not text", "是二进制文件，不是文本"),
    "not_text": ("not text in UTF-8, UTF-16 or GB18030", "不是 UTF-8、UTF-16 或 GB18030 编码的文本"),
    "text_lines": ("a text of {count:,} lines", "文本共有 {count:,} 行"),
    "damaged_docx": ("a damaged or truncated DOCX file ({detail})", "DOCX 文件已损坏或不完整（{detail}）"),
    "docx_unparsable": ("a DOCX file that cannot be parsed ({detail})", "DOCX 文件无法解析（{detail}）"),
    "docx_cells": ("a DOCX of {count:,} table cells", "DOCX 文件共有 {count:,} 个表格单元格"),
    "docx_members": ("a DOCX (zip) of {count:,} members", "DOCX 文件（zip）共有 {count:,} 个成员"),
    "docx_unzipped": ("a DOCX (zip) that unzips to {mb:,.1f} MB", "DOCX 文件（zip）解压后为 {mb:,.1f} MB"),
    "docx_part": ("a DOCX whose {part} unzips to {mb:,.1f} MB", "DOCX 文件中的 {part} 解压后为 {mb:,.1f} MB"),
    "ofd_members": ("an OFD (zip) of {count:,} members", "OFD 文件（zip）共有 {count:,} 个成员"),
    "ofd_unzipped": ("an OFD (zip) that unzips to {mb:,.1f} MB", "OFD 文件（zip）解压后为 {mb:,.1f} MB"),
    "ofd_part": ("an OFD whose {part} unzips to {mb:,.1f} MB", "OFD 文件中的 {part} 解压后为 {mb:,.1f} MB"),
    "doc_needs_libreoffice": ("a legacy Word .doc/.wps file, which needs LibreOffice to convert: install it "
                              "(apt-get install libreoffice-writer-nogui) or convert the file to DOCX or PDF yourself "
                              "(soffice --headless --convert-to docx FILE)",
                              "是旧版 Word .doc/.wps 文件，需要 LibreOffice 转换：请安装 LibreOffice（apt-get install "
                              "libreoffice-writer-nogui），或自行把文件转换为 DOCX 或 PDF（soffice --headless "
                              "--convert-to docx FILE）"),
    "libreoffice_missing": ("LibreOffice is not installed", "没有安装 LibreOffice"),
    "doc_timeout": ("LibreOffice did not convert the .doc file within {seconds} s",
                    "LibreOffice 在 {seconds} 秒内没有完成 .doc 文件的转换"),
    "doc_unconverted": ("LibreOffice could not convert the .doc/.wps file (damaged or not a Word file)",
                        "LibreOffice 无法转换这个 .doc/.wps 文件（文件已损坏，或不是 Word 文件）"),
    "html_no_text": ("a web page with no text", "网页中没有文字"),
    "html_empty": ("an empty web page", "网页是空的"),
    "html_unparsable": ("a web page that cannot be parsed ({detail})", "网页无法解析（{detail}）"),
    "html_too_deep": ("a web page nested more than 256 elements deep (libxml2's bound): the rest of the page cannot "
                      "be read", "网页元素嵌套超过 256 层（libxml2 的上限），其余部分无法读取"),
    "html_cells": ("a web page of {count:,} table cells", "网页共有 {count:,} 个表格单元格"),
    "table_cells": ("a table of {count:,} cells after its row and column spans",
                    "一个表格展开合并单元格后共有 {count:,} 格"),
    "mhtml_parts": ("an MHTML file with {count:,} multipart containers", "MHTML 文件有 {count:,} 层多部分容器"),
    "mhtml_nested": ("an MHTML file nested too deeply", "MHTML 文件嵌套过深"),
    "mhtml_no_html": ("an MHTML file without an HTML part", "MHTML 文件中没有 HTML 部分"),
    "pdf_encrypted": ("an encrypted PDF that needs a password; remove the password (e.g. qpdf --decrypt) and try again",
                      "PDF 已加密，需要密码；请先去掉密码（例如 qpdf --decrypt）再试"),
    "pdf_damaged": ("a damaged or truncated PDF file ({detail})", "PDF 文件已损坏或不完整（{detail}）"),
    "pdf_unopenable": ("a PDF that cannot be opened ({detail})", "PDF 文件无法打开（{detail}）"),
    "pdf_damaged_page": ("a damaged PDF: page {page} cannot be read ({detail})",
                         "PDF 文件已损坏：第 {page} 页无法读取（{detail}）"),
    "pdf_no_pages": ("a PDF with no pages", "PDF 文件没有页面"),
    "pdf_pages": ("a PDF of {count:,} pages", "PDF 文件共有 {count:,} 页"),
    "pdf_ocr_no_text": ("the PDF has no text layer, and OCR found no text on its pages (blank pages?)",
                        "PDF 没有文字层，文字识别（OCR）也没有在页面上找到文字（空白页？）"),
    "pdf_no_unicode": ("the PDF's fonts have no Unicode mapping, so its text cannot be read (only OCR could: run "
                       "with --ocr auto)", "PDF 的字体没有 Unicode 映射，文字无法读取（只能用文字识别：请加 --ocr auto 运行）"),
    "pdf_no_text_layer": ("the PDF has no text layer (a scanned report?); run with --ocr auto to read it by OCR",
                          "PDF 没有文字层（扫描件？）；请加 --ocr auto 运行，用文字识别（OCR）读取"),
    "pdf_stream": ("a PDF stream that inflates to more than {mb:,.1f} MB", "PDF 中有一个数据流解压后大于 {mb:,.1f} MB"),
    "pdf_paths": ("a PDF page that paints more than {count:,} paths", "PDF 中有一页绘制的路径多于 {count:,} 条"),
    "pdf_page_objects": ("a PDF page of more than {count:,} drawing objects", "PDF 中有一页的绘图对象多于 {count:,} 个"),
    "pdf_form_recursive": ("a PDF form XObject that draws itself (a recursive drawing pdfium would expand without "
                           "end)", "PDF 中有一个表单对象（form XObject）绘制它自己（pdfium 会无休止地展开这种递归绘制）"),
    "pdf_form_objects": ("a PDF form XObject that expands to more than {count:,} objects",
                         "PDF 中有一个表单对象（form XObject）展开后多于 {count:,} 个对象"),
    "pdf_forms_nested": ("PDF form XObjects nested too deeply", "PDF 表单对象（form XObject）嵌套过深"),
    "pdf_no_such_page": ("the PDF has no page {page}", "PDF 文件没有第 {page} 页"),
    "pdf_page_unrendered": ("a damaged PDF: page {page} cannot be rendered ({detail})",
                            "PDF 文件已损坏：第 {page} 页无法渲染（{detail}）"),
    "no_page_images_in": _no_page_images,
    "ofd_ocr_no_text": ("the OFD has no text layer, and OCR found no text on its pages (blank pages?)",
                        "OFD 没有文字层，文字识别（OCR）也没有在页面上找到文字（空白页？）"),
    "ofd_no_unicode": ("the OFD's fonts have no Unicode mapping, so its text cannot be read (only OCR could: run "
                       "with --ocr auto)", "OFD 的字体没有 Unicode 映射，文字无法读取（只能用文字识别：请加 --ocr auto 运行）"),
    "ofd_no_text_layer": ("the OFD has no text layer (a scanned report?); run with --ocr auto to read it by OCR",
                          "OFD 没有文字层（扫描件？）；请加 --ocr auto 运行，用文字识别（OCR）读取"),
    # --- OFD packages (readers.ofd, readers.ofd_page) ---
    "ofd_member_outside": ("an OFD (zip) with a member named outside the package ({entry!r})",
                           "OFD 文件（zip）中有成员的名称指向包外（{entry!r}）"),
    "ofd_no_doc_root": ("an OFD whose OFD.xml names no document (DocBody/DocRoot)",
                        "OFD 文件的 OFD.xml 没有指明文档（DocBody/DocRoot）"),
    "ofd_ref_empty": ("an OFD whose {what} is not named (an empty reference in {base})",
                      "OFD 文件中的{what_zh}没有给出名称（{base} 中的引用为空）"),
    "ofd_ref_outside": ("an OFD whose {what} ({location}) points outside the package",
                        "OFD 文件中的{what_zh}（{location}）指向包外"),
    "ofd_ref_missing": ("an OFD whose {what} ({location}, named in {base}) is missing from the package",
                        "OFD 文件缺少{what_zh}（{location}，{base} 中引用）"),
    "ofd_parts_read": ("an OFD whose parts, read as its pages refer to them, come to more than {mb:,.1f} MB",
                       "OFD 文件按页面的引用读取的部件合计大于 {mb:,.1f} MB"),
    "ofd_part_unzip": ("an OFD whose {part} cannot be unzipped ({detail})", "OFD 文件中的 {part} 无法解压（{detail}）"),
    "ofd_dtd": ("an OFD whose {part} declares a DTD (entities are refused: an OFD never needs one)",
                "OFD 文件中的 {part} 声明了 DTD（不接受实体：OFD 从不需要 DTD）"),
    "ofd_not_xml": ("an OFD whose {part} is not well-formed XML ({detail})",
                    "OFD 文件中的 {part} 不是格式正确的 XML（{detail}）"),
    "ofd_unparsable": ("an OFD whose {part} cannot be parsed ({detail})", "OFD 文件中的 {part} 无法解析（{detail}）"),
    "ofd_no_pages": ("an OFD whose document lists no pages", "OFD 文件的文档没有列出任何页面"),
    "ofd_pages": ("an OFD of {count:,} pages", "OFD 文件共有 {count:,} 页"),
    "ofd_box_no_area": ("an OFD whose page box in {part} has no area ({value})",
                        "OFD 文件中 {part} 的页面框面积为零（{value}）"),
    "ofd_not_numbers": ("an OFD whose {at} is not a list of numbers ({value!r})",
                        "OFD 文件的 {at_zh} 不是一列数字（{value!r}）"),
    "ofd_not_finite": ("an OFD whose {at} holds a number that is not finite ({value!r})",
                       "OFD 文件的 {at_zh} 含有非有限的数（{value!r}）"),
    "ofd_not_box": ("an OFD whose {at} is not four numbers ({value!r})", "OFD 文件的 {at_zh} 不是四个数（{value!r}）"),
    "ofd_not_offsets": ("an OFD whose {at} is not a list of offsets ({value!r})",
                        "OFD 文件的 {at_zh} 不是一列间距（{value!r}）"),
    "ofd_offset_not_finite": ("an OFD whose {at} holds an offset that is not finite",
                              "OFD 文件的 {at_zh} 含有非有限的间距"),
    "ofd_not_ctm": ("an OFD whose {at} is not six numbers", "OFD 文件的 {at_zh} 不是六个数"),
    "ofd_nested": ("an OFD page ({part}) with PageBlocks or CompositeObjects nested more than {depth} deep (a unit "
                   "that draws itself?)",
                   "OFD 文件中有一页（{part}）的 PageBlock 或 CompositeObject 嵌套超过 {depth} 层（某个复合图元绘制了它自己？）"),
    "ofd_page_objects": ("an OFD page ({part}) of more than {count:,} drawing objects",
                         "OFD 文件中有一页（{part}）的绘图对象多于 {count:,} 个"),
    "ofd_page_pixels": ("page {page} of the OFD, {width}×{height} pixels at {dpi} dpi",
                        "OFD 文件第 {page} 页按 {dpi} dpi 为 {width}×{height} 像素"),
    "ofd_image_unheld": ("an OFD whose page {page} draws image {image}, which no resource file holds",
                         "OFD 文件第 {page} 页绘制的图片 {image} 不在任何资源文件中"),
    "ofd_image_pixels": ("page {page}'s image {part}, {width}×{height} pixels", "第 {page} 页的图片 {part} 为 {width}×{height} 像素"),
    "ofd_image_undecodable": _ofd_image_undecodable,
    # --- scans and images (OCR) ---
    "ocr_missing": ("OCR is not installed; install it with: {hint}", "没有安装文字识别（OCR）组件；安装命令：{hint}"),
    "images_need_ocr": ("reading images needs OCR; install it with: {hint}",
                        "读取图片需要文字识别（OCR）组件；安装命令：{hint}"),
    "ocr_models_missing": ("the OCR models are missing from the rapidocr package ({models}); reinstall it with: "
                           "{hint} (report-extract never downloads models)",
                           "rapidocr 包中缺少文字识别模型（{models}）；请重新安装：{hint}（report-extract 从不下载模型）"),
    "blank_pages": _blank_pages,
    "ocr_no_text": ("OCR found no text in the image (a picture with no report in it?)",
                    "文字识别（OCR）没有在图片中找到文字（图片里没有报告？）"),
    "images_zip_damaged": ("a damaged zip of page images ({detail})", "页面图片的 zip 压缩包已损坏（{detail}）"),
    "page_images_count": ("{count} page images; report-extract reads at most {most} pages ({how})",
                          "共 {count} 张页面图片，report-extract 最多读取 {most} 页（{how_zh}）"),
    "page_images_unzipped": ("page images of {mb:,.1f} MB unzipped", "页面图片解压后共 {mb:,.1f} MB"),
    "zip_member_unreadable": ("{name} in the zip cannot be unzipped ({detail})", "zip 压缩包中的 {name} 无法解压（{detail}）"),
    "no_such_page_image": ("no page {page} among {count} page images", "{count} 张页面图片中没有第 {page} 页"),
    "image_no_page": ("the image has no page {page}", "图片没有第 {page} 页"),
    "page_image_unzipped": ("a page image of {mb:,.1f} MB unzipped", "一张页面图片解压后为 {mb:,.1f} MB"),
    "page_image_absent": ("{name} is not in the zip of page images", "页面图片的 zip 压缩包中没有 {name}"),
    "image_header": ("a damaged image file (its header cannot be read)", "图片文件已损坏（无法读取文件头）"),
    "image_damaged": ("a damaged image file ({detail})", "图片文件已损坏（{detail}）"),
    "image_page_unreadable": ("a damaged image: page {page} cannot be read ({detail})",
                              "图片已损坏：第 {page} 页无法读取（{detail}）"),
    "image_pages": ("an image with more than {most} pages; report-extract reads at most {most} ({how})",
                    "图片超过 {most} 页，report-extract 最多读取 {most} 页（{how_zh}）"),
    "image_too_large": _too_large,
    "image_undecodable": ("a damaged or truncated image: page {page} cannot be decoded ({detail})",
                          "图片已损坏或不完整：第 {page} 页无法解码（{detail}）"),
    "image_too_small": ("page {page} is a {width}×{height} pixel image, too small to be a page",
                        "第 {page} 页是 {width}×{height} 像素的图片，太小，不像一页文件"),
    # --- reading processes and workers ---
    "memory": ("reading it needed more memory", "读取它需要更多内存"),
    "nested": ("nested too deeply to read", "嵌套过深，无法读取"),
    "still_reading": ("still reading after {seconds:g} s (stopped)", "读取 {seconds:g} 秒后仍未完成（已停止）"),
    "reader_killed": ("the reading process was stopped ({signal}), most likely over the memory limit of "
                      "{memory_mb:,} MB ({how})",
                      "读取进程被终止（{signal}），很可能超出了 {memory_mb:,} MB 的内存上限（{how_zh}）"),
    "reader_ended": ("the reading process ended unexpectedly (exit code {code})", "读取进程意外退出（退出码 {code}）"),
    "internal": ("internal error ({detail})", "内部错误（{detail}），请报告此问题"),
    "internal_reading": ("internal error while reading ({detail}); please report it",
                         "读取时发生内部错误（{detail}），请报告此问题"),
    "timed_out": _timed_out,
    "worker_crashed": ("the worker crashed ({signal}) while reading this file (over its memory limit of {memory_mb:,} "
                       "MB? {how})",
                       "读取此文件时工作进程崩溃（{signal}）（超出了 {memory_mb:,} MB 的内存上限？{how_zh}）"),
    "worker_ended": ("the worker stopped unexpectedly (exit code {code}) while reading this file",
                     "读取此文件时工作进程意外退出（退出码 {code}）"),
    "too_large_to_send": ("larger than the {mb} MiB sent to cluster workers (raise REPORT_EXTRACT_MAX_SEND_MB, or use "
                          "--shared-fs when workers can read the archive)",
                          "大于发给集群工作进程的上限 {mb} MiB（可用 REPORT_EXTRACT_MAX_SEND_MB=N 提高；工作进程能读取"
                          "存档时，也可用 --shared-fs）"),
    "workers_died": ("{count} cluster workers died while reading this file (KilledWorker)",
                     "读取此文件时有 {count} 个集群工作进程死亡（KilledWorker）"),
    "cluster_failed": ("the cluster could not run this input ({detail})", "集群无法处理此输入（{detail}）"),
    # --- outputs (files, outputs, the batch's folder) ---
    "write_failed": ("cannot write {output} ({oserror})", "无法写入 {output}（{oserror_zh}）"),
    "refused": _refused,
    "suffix_not_written": _suffix_not_written,
    "under_a_file": ("cannot write {output}: {ancestor} is a file, not a folder",
                     "无法写入 {output}：{ancestor} 是文件，不是文件夹"),
    "folder_unwritable": ("cannot write {output}: {ancestor} is not writable", "无法写入 {output}：{ancestor} 不可写"),
    "read_only": ("cannot write {output}: the file is read-only", "无法写入 {output}：文件是只读的"),
    "mkdir_failed": ("cannot create the folder {output} ({oserror})", "无法创建文件夹 {output}（{oserror_zh}）"),
    "into_unwritable": ("cannot write into {output}: the folder is not writable", "无法写入 {output}：文件夹不可写"),
    "stdout_closed": ("cannot write the output: standard output is closed (use -o FILE)",
                      "无法输出：标准输出已关闭（请用 -o FILE）"),
    "stdout_failed": ("cannot write to standard output ({oserror})", "无法写入标准输出（{oserror_zh}）"),
    "database_failed": ("cannot write {output} ({detail})", "无法写入 {output}（{detail}）"),
    "result_outside": ("its result would be written outside the output folder, at {target} (a symbolic link inside "
                       "the output folder points elsewhere)",
                       "它的结果会写到输出文件夹之外的 {target}（输出文件夹中有符号链接指向别处）"),
    "output_busy": ("another batch is writing into {outdir}; run one batch at a time on an output folder",
                    "另一个批处理正在写入 {outdir}；一个输出文件夹同时只能运行一个批处理"),
    "output_folder_failed": ("cannot write into {outdir} ({oserror}); what is finished is kept: make room and run the "
                             "same command again",
                             "无法写入 {outdir}（{oserror_zh}）；已完成的结果已保留：腾出空间后再次运行同一命令即可"),
    # --- the command line and the cluster ---
    "ocr_mode": ("ocr must be one of {modes}, not {given!r}", "ocr 只能是 {modes} 之一，不能是 {given!r}"),
    "no_page_images": ("extract_pages() needs the paths of one report's page images; none were given",
                       "extract_pages() 需要一份报告各页图片的路径，但一个也没有给出"),
    "not_a_result": ("not a result of report-extract ({detail})", "不是 report-extract 的结果文件（{detail}）"),
    "inputs_unread": ("{failed} of {total} inputs could not be read", "{total} 个输入中有 {failed} 个无法读取"),
    "batch_into_file": ("-o {outdir}: is a file; batch writes into a folder (give a folder name)",
                        "-o {outdir} 是文件；batch 写入文件夹（请给出文件夹名）"),
    "xlsx_needs_openpyxl": ("--xlsx needs openpyxl: pip install 'report-extract[xlsx]'",
                            "--xlsx 需要 openpyxl：pip install 'report-extract[xlsx]'"),
    "shared_fs_alone": ("--shared-fs goes with --scheduler", "--shared-fs 须与 --scheduler 一起使用"),
    "bodies_unreadable": ("--bodies {file}: cannot be read as a UTF-8 CSV ({detail})",
                          "--bodies {file} 无法作为 UTF-8 CSV 读取（{detail}）"),
    "interrupted": _interrupted,
    "batch_interrupted": _batch_interrupted,
    "needs_dask": ("--scheduler needs Dask distributed: pip install 'report-extract[dask]'",
                   "--scheduler 需要 Dask distributed：pip install 'report-extract[dask]'"),
    "local_count": ("--scheduler {scheduler}: say how many local workers, e.g. local:2",
                    "--scheduler {scheduler}：请写明本机工作进程数，例如 local:2"),
    "local_too_many": ("--scheduler {scheduler}: at most local:{most} on this machine (one worker a core, each with up "
                       "to {memory_mb:,} MB: more only compete for them)",
                       "--scheduler {scheduler}：本机最多 local:{most}（每个核一个工作进程，每个最多用 {memory_mb:,} MB；"
                       "再多只会互相争抢）"),
    "scheduler_unusable": ("cannot use the Dask scheduler at {scheduler} ({detail})",
                           "无法使用 {scheduler} 的 Dask 调度器（{detail}）"),
    "no_workers_yet": ("no Dask worker has joined {scheduler} yet; the batch starts when one does (dask worker "
                       "{address})", "还没有 Dask 工作进程加入 {scheduler}；有工作进程加入后批处理即开始（dask worker {address}）"),
    "scheduler_lost": ("lost the Dask scheduler at {scheduler}; the results so far are kept in {outdir}: run the same "
                       "command again to go on",
                       "与 {scheduler} 的 Dask 调度器失去联系；已有的结果保留在 {outdir}：再次运行同一命令即可接着处理"),
}

# each limit of limits.ALL (by its key): its name and unit in Chinese (a test checks every one is here)
LIMITS_ZH = {
    "input size": ("输入文件大小", "MB"), "text size": ("文本大小", "MB"), "unzipped size": ("解压后大小", "MB"),
    "XML part size": ("XML 部件大小", "MB"), "zip member count": ("压缩包成员数", "个"),
    "table cells": ("表格单元格数", "格"), "document cells": ("文档单元格数", "格"),
    "document blocks": ("文档段落和表格行数", "个"), "cell span": ("单元格跨行跨列数", "行或列"),
    "nesting depth": ("嵌套层数", "层"), "page count": ("页数", "页"), "image page count": ("图片页数", "页"),
    "image pixels": ("图片像素数", "像素"), "stream size": ("数据流大小", "MB"), "page objects": ("页面绘图对象数", "个"),
    "number digits": ("数字位数", "位"), "memory": ("内存", "MB"), "time": ("时间", "秒"),
}

# what a reference of an OFD is to (``ref``), in both languages: formatted with ``page`` and ``image``
_OFD_REFS = {"document": ("document (DocRoot)", "文档（DocRoot）"), "template": ("template page", "模板页"),
             "resource": ("resource file", "资源文件"), "page": ("page {page}", "第 {page} 页"),
             "image": ("image {image} (page {page})", "第 {page} 页的图片 {image}")}

# the system's errors as a person reads them (by errno); any other: the system's own words
_OS_ERRORS = {errnos.ENOSPC: ("no space left on the device", "磁盘空间已满"),
              errnos.EDQUOT: (None, "超出磁盘配额"), errnos.EROFS: (None, "文件系统是只读的"),
              errnos.EACCES: (None, "没有权限"), errnos.EPERM: (None, "不允许的操作"),
              errnos.EIO: (None, "输入输出错误"), errnos.ENOENT: (None, "文件或文件夹不存在"),
              errnos.ELOOP: ("a symbolic link loop", "符号链接形成循环"), errnos.ENAMETOOLONG: (None, "文件名过长"),
              errnos.EISDIR: (None, "是文件夹"), errnos.ENOTDIR: (None, "路径中有一段不是文件夹"),
              errnos.EBADF: (None, "文件描述符无效"), errnos.EMFILE: (None, "打开的文件过多"),
              errnos.EBUSY: (None, "设备或资源忙"), errnos.ENXIO: (None, "没有这个设备或地址")}


def _derived(facts: dict) -> dict:
    """The facts worded alike everywhere: how to raise a limit, the system's error, where in an OFD."""
    more = dict(facts)
    if "env" in facts:
        way = f"{facts['option']} or " if facts.get("option") else ""
        way_zh = f"{facts['option']} 或 " if facts.get("option") else ""
        more["how"] = f"raise it with {way}{facts['env']}=N"
        more["how_zh"] = f"可用 {way_zh}{facts['env']}=N 提高"
    if "errno" in facts or "strerror" in facts:
        said = facts.get("strerror") or "an error of the system"
        en, zh = _OS_ERRORS.get(facts.get("errno"), (None, None))
        more["oserror"] = en or said
        more["oserror_zh"] = zh or f"系统错误：{said}"
    if "attribute" in facts:
        part, at = facts["part"], facts.get("object")
        more["at"] = f"{facts['attribute']} of {part}" + (f" object {at}" if at is not None else "")
        more["at_zh"] = f"{part} 中" + (f"对象 {at} 的 " if at is not None else "的 ") + f"{facts['attribute']}"
    if "ref" in facts:
        more["what"], more["what_zh"] = (text.format(**facts) for text in _OFD_REFS[facts["ref"]])
    return more


def word(code: str, facts: dict) -> tuple[str, str]:
    """The English and the Chinese sentence of a failure of ``code`` (a KeyError for a code that is
    not in REASONS: every failure is registered)."""
    wording = REASONS[code]
    more = _derived(facts)
    en, zh = wording(more) if callable(wording) else (wording[0].format(**more), wording[1].format(**more))
    if facts.get("limit"):
        name, unit = LIMITS_ZH[facts["limit"]]
        unit_en = " MB" if facts["unit"] == "MB" else f" {facts['unit']}"
        unit_zh = " MB" if facts["unit"] == "MB" else f" {unit}"
        en = f"{en}: over the {facts['limit']} limit of {facts['most']:,}{unit_en} ({more['how']})"
        space = " " if name[0].isascii() else ""  # 超过 XML 部件大小上限, 超过页数上限
        zh = f"{zh}，超过{space}{name}上限 {facts['most']:,}{unit_zh}（{more['how_zh']}）"
    if facts.get("member"):
        en, zh = f"{facts['member']}: {en}", f"{facts['member']}：{zh}"
    return en, zh


def chinese(code: str, **facts) -> str:
    """The Chinese sentence of ``code`` (a command's own line on stderr: usage, interruption)."""
    return word(code, facts)[1]
