"""The guards of a zip package (DOCX, OFD), from its directory before anything is unzipped.

zipfile never unpacks more than a member's declared size, so the declared sizes bound the work:
too many members, too many bytes in all, or an XML part too large to parse are refused before a
byte is inflated. Nothing here opens a member.
"""

from __future__ import annotations

import zipfile
from io import BytesIO

from .. import limits
from ..errors import ReportError


def check_archive(data: bytes, name: str, what: str = "DOCX") -> list[zipfile.ZipInfo]:
    """The members of a zip package (``what``: DOCX, OFD, whose reasons they are), refused as a zip
    bomb from its directory: too many members, too many bytes in all, an XML part too large to parse."""
    ofd = what == "OFD"
    try:
        members = zipfile.ZipFile(BytesIO(data)).infolist()
    except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError) as exc:
        raise ReportError("damaged_ofd_zip" if ofd else "damaged_docx_zip", name, detail=str(exc)) from None
    limits.ZIP_MEMBERS.check(len(members), "ofd_members" if ofd else "docx_members", name, count=len(members))
    total = sum(m.file_size for m in members)
    limits.UNZIPPED_SIZE.check(total, "ofd_unzipped" if ofd else "docx_unzipped", name, mb=limits.mb(total))
    for member in members:
        if member.filename.lower().endswith((".xml", ".rels")):
            limits.XML_PART_SIZE.check(member.file_size, "ofd_part" if ofd else "docx_part", name,
                                       part=member.filename, mb=limits.mb(member.file_size))
    return members
