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
from . import a_or_an


def check_archive(data: bytes, name: str, what: str = "DOCX") -> list[zipfile.ZipInfo]:
    """The members of a zip package (``what``: DOCX, OFD, for the messages), refused as a zip bomb
    from its directory: too many members, too many bytes in all, an XML part too large to parse."""
    try:
        members = zipfile.ZipFile(BytesIO(data)).infolist()
    except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError) as exc:
        raise ReportError(f"a damaged or truncated {what} (zip) file ({exc})", name) from None
    limits.ZIP_MEMBERS.check(len(members), f"{a_or_an(what)} (zip) of {len(members):,} members", name)
    total = sum(m.file_size for m in members)
    limits.UNZIPPED_SIZE.check(total, f"{a_or_an(what)} (zip) that unzips to {limits.megabytes(total)}", name)
    for member in members:
        if member.filename.lower().endswith((".xml", ".rels")):
            limits.XML_PART_SIZE.check(member.file_size, f"{a_or_an(what)} whose {member.filename} unzips to "
                                                         f"{limits.megabytes(member.file_size)}", name)
    return members
