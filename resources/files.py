"""What an uploaded file really is, told from its content and never from its name.

A sniffer alone can be fooled by a file that is valid as two types at once,
so each accepted file is also opened the way its type says: a PDF with pypdf,
a Word or PowerPoint file as a ZIP package with capped entries and size and
the main part its type requires (``resources.documents``).
"""

import unicodedata

import filetype
from pypdf import PdfReader

from resources.documents import (
    DAMAGED,
    MAX_ENTRY_BYTES,
    MAX_PACKAGE_BYTES,
    MAX_PACKAGE_ENTRIES,
    NOT_ACCEPTED,
    PASSWORD_PROTECTED,
    TOO_LARGE_INSIDE,
    UnsupportedFile,
    check_office_package,
)
from resources.models import FILE_CONTENT_TYPES, Resource

__all__ = [
    "MAX_ENTRY_BYTES",
    "MAX_PACKAGE_BYTES",
    "MAX_PACKAGE_ENTRIES",
    "TOO_LARGE_INSIDE",
    "UnsupportedFile",
    "identify",
    "uploaded_as",
]

FileType = Resource.FileType
SNIFFED_TYPES = {content_type: file_type for file_type, content_type in FILE_CONTENT_TYPES.items()}


def identify(file):
    """The file's ``Resource.FileType``, checked by sniffing and by opening it."""
    file.seek(0)
    head = file.read(8192)
    file.seek(0)
    guess = filetype.guess(head)
    file_type = SNIFFED_TYPES.get(guess.mime if guess else None)
    if file_type is None:
        raise UnsupportedFile(NOT_ACCEPTED)
    try:
        if file_type == FileType.PDF:
            check_pdf(file)
        else:
            check_office_package(file, file_type)
    finally:
        file.seek(0)
    return file_type


def check_pdf(file):
    try:
        reader = PdfReader(file)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnsupportedFile(PASSWORD_PROTECTED)
        if not len(reader.pages):
            raise UnsupportedFile(DAMAGED)
    except UnsupportedFile:
        raise
    except Exception as error:
        # A damaged or hostile PDF can make the parser raise almost anything:
        # it is the uploader's problem to fix, not a server error.
        raise UnsupportedFile(DAMAGED) from error


def uploaded_as(filename):
    """The uploader's name for the file, to show in the admin: without control or
    formatting characters (a right-to-left mark would show ``.exe`` as ``.pdf``)."""
    kept = "".join(c for c in filename if unicodedata.category(c) not in {"Cc", "Cf", "Cs"})
    return kept.strip()[:255]
