"""What an applicant may attach: a few document types, recognised by their content (never
by the name or the browser's word for it), of a bounded size and number.

An upload is refused with a message naming the file and the rule it breaks; nothing of a
refused file is stored. Office files (.docx, .xlsx, .odt, .ods) are zip archives: they are
recognised by their directory (the parts a Word or Excel file has), which is read without
unpacking any member, so a zip bomb costs nothing here.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _

#: Bytes per file and files per application (settings override the defaults).
MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 20
#: Suffix → the content type stored, in the order the help text names them.
TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
ZIP_MAX_ENTRIES = 5000


class UploadRefused(ValueError):
    pass


def max_bytes() -> int:
    return int(getattr(settings, "GRANTS_ATTACHMENT_MAX_BYTES", MAX_BYTES))


def _sniff(content: bytes) -> str | None:
    """The suffix the content is, or None."""
    if content.startswith(b"%PDF-"):
        return ".pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return ".png"
    if content.startswith(b"\xff\xd8\xff"):
        return ".jpg"
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                infos = archive.infolist()
                if len(infos) > ZIP_MAX_ENTRIES:
                    return None
                names = {i.filename for i in infos}
                if "mimetype" in names:
                    kind = archive.read("mimetype")[:100]
                    if kind == b"application/vnd.oasis.opendocument.text":
                        return ".odt"
                    if kind == b"application/vnd.oasis.opendocument.spreadsheet":
                        return ".ods"
                    return None
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError):
            return None
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return ".docx"
            if "xl/workbook.xml" in names:
                return ".xlsx"
    return None


def check(upload, *, already: int = 0) -> tuple[bytes, str]:
    """(content, content type) of an acceptable upload, else UploadRefused."""
    name = PurePath(getattr(upload, "name", "") or "").name[:200] or "?"
    if already >= MAX_FILES:
        raise UploadRefused(_("An application holds at most %(n)s attachments.") % {"n": MAX_FILES})
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise UploadRefused(
            _("%(name)s is larger than %(mb)s MB.") % {"name": name, "mb": limit // 2**20}
        )
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise UploadRefused(
            _("%(name)s is larger than %(mb)s MB.") % {"name": name, "mb": limit // 2**20}
        )
    if not content:
        raise UploadRefused(_("%(name)s is empty.") % {"name": name})
    suffix = PurePath(name).suffix.lower()
    if suffix not in TYPES:
        raise UploadRefused(
            _("%(name)s: only PDF, Word, Excel, OpenDocument, PNG and JPEG files are accepted.")
            % {"name": name}
        )
    found = _sniff(content)
    if found is None or TYPES[found] != TYPES[suffix]:
        raise UploadRefused(
            _("%(name)s is not the %(suffix)s file its name says it is.")
            % {"name": name, "suffix": suffix}
        )
    return content, TYPES[suffix]
