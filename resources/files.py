"""What an uploaded file really is, told from its content and never from its name.

A sniffer alone can be fooled by a file that is valid as two types at once,
so each accepted file is also opened the way its type says: a PDF with pypdf,
a Word or PowerPoint file as a ZIP package with capped entries and size and
the main part its type requires.
"""

import zipfile
from xml.etree import ElementTree

import filetype
from pypdf import PdfReader

from resources.models import FILE_CONTENT_TYPES, Resource

FileType = Resource.FileType

# Office packages: the content type of the main part that makes a file a Word
# document or a PowerPoint presentation.
MAIN_PART_TYPES = {
    FileType.DOCX: (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    ),
    FileType.PPTX: (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
    ),
}
SNIFFED_TYPES = {content_type: file_type for file_type, content_type in FILE_CONTENT_TYPES.items()}
CONTENT_TYPES_NAMESPACE = "{http://schemas.openxmlformats.org/package/2006/content-types}"

# Far above any real report or slide deck, far below a ZIP bomb.
MAX_PACKAGE_ENTRIES = 5_000
MAX_PACKAGE_BYTES = 256 * 1024 * 1024

NOT_ACCEPTED = (
    "The selected file must be a PDF, a Word document (.docx) or a PowerPoint file (.pptx)"
)
DAMAGED = (
    "The selected file could not be opened: it may be damaged. Save it again and upload the copy"
)
PASSWORD_PROTECTED = (
    "The selected file is protected by a password. Upload a copy without a password"
)
TOO_LARGE_INSIDE = "The selected file unpacks to more than the library can take"


class UnsupportedFile(ValueError):
    """The file is not one the library takes; the message says why, for the uploader."""


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


def open_office_package(file):
    """The file as a ZIP package, refused if it holds too many entries or unpacks too large.

    ``zipfile`` never reads past an entry's declared size, so capping the
    declared sizes caps what any later reader can unpack.
    """
    try:
        package = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError) as error:
        raise UnsupportedFile(DAMAGED) from error
    entries = package.infolist()
    if (
        len(entries) > MAX_PACKAGE_ENTRIES
        or sum(entry.file_size for entry in entries) > MAX_PACKAGE_BYTES
    ):
        package.close()
        raise UnsupportedFile(TOO_LARGE_INSIDE)
    return package


def check_office_package(file, file_type):
    """A Word or PowerPoint package names its main part in ``[Content_Types].xml``, and holds it.

    Extraction checks again before parsing: the file may have come by another way than the form.
    """
    file.seek(0)
    with open_office_package(file) as package:
        try:
            content_types = ElementTree.fromstring(package.read("[Content_Types].xml"))
        except (KeyError, ElementTree.ParseError, zipfile.BadZipFile) as error:
            raise UnsupportedFile(NOT_ACCEPTED) from error
        names = set(package.namelist())
        main_parts = [
            override.get("PartName", "").lstrip("/")
            for override in content_types.iter(f"{CONTENT_TYPES_NAMESPACE}Override")
            if override.get("ContentType") == MAIN_PART_TYPES[file_type]
        ]
        if not any(part in names for part in main_parts):
            raise UnsupportedFile(NOT_ACCEPTED)
    file.seek(0)
