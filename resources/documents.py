"""What is inside a PDF, Word or PowerPoint file: the package checks and the text.

Plain Python with no Django, so that the text can be read in a child process bounded
in time and memory (``read_text_bounded``, run as ``python -m resources.documents``):
a file that parses slowly or swells in memory costs its child, never the web or
worker process, and a child past its limits is killed and reads nothing.

Office files are ZIP packages. The checks cap what any reader can unpack: the
number of entries, each entry's size and their total. Their text is read by
streaming the XML (lxml's parser feeding a small target, which keeps only the
text), so a report's 10 MB of XML costs about a second and a few MB.
"""

import io
import posixpath
import re
import resource
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from lxml import etree

PDF, DOCX, PPTX = "pdf", "docx", "pptx"

# Far above any real report or slide deck, far below a ZIP bomb: a report's images
# are stored packed already, and its XML is a few MB.
MAX_PACKAGE_ENTRIES = 5_000
MAX_ENTRY_BYTES = 25 * 1024 * 1024
MAX_PACKAGE_BYTES = 50 * 1024 * 1024
# [Content_Types].xml is read while the upload waits; a real one is a few KB.
MAX_CONTENT_TYPES_BYTES = 1024 * 1024

# A 400-page report is about a million characters; past this, a file adds little to
# search but weight to every query.
MAX_TEXT_CHARACTERS = 1_000_000
MAX_PDF_PAGES = 1_000

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

# Office packages: the content type of the main part that makes a file a Word
# document or a PowerPoint presentation.
MAIN_PART_TYPES = {
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DRAWING = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
PRESENTATION = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
# Tabs and line breaks inside a paragraph read as a space.
BREAKS = {f"{WORD}tab", f"{WORD}br", f"{WORD}cr", f"{DRAWING}br"}
# A text box is written twice, once for new readers and once as a fallback for old ones.
FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"

# PostgreSQL text cannot hold NUL, and the rest of the control characters are noise;
# the private-use characters are kept out because search snippets use two as markers.
UNWANTED_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000-\uf8ff]")


class UnsupportedFile(ValueError):
    """The file is not one the library takes; the message says why, for the uploader."""


class UnreadableText(Exception):
    """The file's text could not be read within the limits; the message says what happened."""


# The package checks --------------------------------------------------------------


def open_office_package(file):
    """The file as a ZIP package, refused if it holds too many entries or unpacks too large.

    ``zipfile`` never reads past an entry's declared size, so capping the declared
    sizes caps what any later reader can unpack.
    """
    try:
        package = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError) as error:
        raise UnsupportedFile(DAMAGED) from error
    entries = package.infolist()
    if (
        len(entries) > MAX_PACKAGE_ENTRIES
        or any(entry.file_size > MAX_ENTRY_BYTES for entry in entries)
        or sum(entry.file_size for entry in entries) > MAX_PACKAGE_BYTES
    ):
        package.close()
        raise UnsupportedFile(TOO_LARGE_INSIDE)
    return package


def main_part(package, file_type):
    """The name of the package's main part (``word/document.xml``), as
    ``[Content_Types].xml`` names it; refused if it names none or the package lacks it."""
    try:
        if package.getinfo("[Content_Types].xml").file_size > MAX_CONTENT_TYPES_BYTES:
            raise UnsupportedFile(TOO_LARGE_INSIDE)
        content_types = ElementTree.fromstring(package.read("[Content_Types].xml"))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile) as error:
        raise UnsupportedFile(NOT_ACCEPTED) from error
    names = set(package.namelist())
    for override in content_types.iter(f"{CONTENT_TYPES}Override"):
        part = override.get("PartName", "").lstrip("/")
        if override.get("ContentType") == MAIN_PART_TYPES[file_type] and part in names:
            return part
    raise UnsupportedFile(NOT_ACCEPTED)


def check_office_package(file, file_type):
    """A Word or PowerPoint package within the caps, naming its main part and holding it."""
    file.seek(0)
    with open_office_package(file) as package:
        main_part(package, file_type)
    file.seek(0)


# Reading the text ----------------------------------------------------------------


class _Paragraphs:
    """An lxml parser target keeping only the text of ``text`` elements, a line per
    ``paragraph``, up to MAX_TEXT_CHARACTERS; everything else is dropped as it streams."""

    def __init__(self, paragraph, text, lines, skip=()):
        self.paragraph, self.text, self.skip = paragraph, text, {FALLBACK, *skip}
        self.lines, self.line, self.in_text, self.skipping = lines, [], 0, 0
        self.size = sum(len(line) for line in lines)

    def start(self, tag, attributes):
        if tag in self.skip:
            self.skipping += 1
        elif tag == self.text:
            self.in_text += 1
        elif tag in BREAKS and not self.skipping:
            self.line.append(" ")

    def end(self, tag):
        if tag in self.skip:
            self.skipping -= 1
        elif tag == self.text:
            self.in_text -= 1
        elif tag == self.paragraph and not self.skipping and self.line:
            self.lines.append("".join(self.line))
            self.size += 1
            self.line = []

    def data(self, text):
        # self.size counts the line in hand too, so that one endless paragraph stops as well.
        if self.in_text and not self.skipping and self.size < MAX_TEXT_CHARACTERS:
            self.line.append(text)
            self.size += len(text)

    def close(self):
        return self.lines


def _stream_paragraphs(package, part, lines, *, paragraph, text, skip=()):
    """Add the part's paragraphs to ``lines``; stop reading once the text is long enough."""
    target = _Paragraphs(paragraph, text, lines, skip)
    parser = etree.XMLParser(target=target, resolve_entities=False, no_network=True)
    with package.open(part) as stream:
        while target.size < MAX_TEXT_CHARACTERS and (chunk := stream.read(64 * 1024)):
            parser.feed(chunk)
    if target.size < MAX_TEXT_CHARACTERS:
        parser.close()


def _related(package, part, relationship):
    """The parts ``part`` names in its relationships of type ``relationship``, in order,
    by their ids (``rId7``)."""
    folder, name = posixpath.split(part)
    relationships = posixpath.join(folder, "_rels", f"{name}.rels")
    if relationships not in package.namelist():
        return {}
    related = {}
    for item in ElementTree.fromstring(package.read(relationships)).iter(
        f"{RELATIONSHIPS}Relationship"
    ):
        if item.get("Type") == f"{OFFICE_RELATIONSHIPS}/{relationship}":
            target = item.get("Target", "")
            if target.startswith("/"):
                related[item.get("Id")] = target.lstrip("/")
            else:
                related[item.get("Id")] = posixpath.normpath(posixpath.join(folder, target))
    return related


def word_text(file):
    """The document's paragraphs, tables' and text boxes' included, in order."""
    with open_office_package(file) as package:
        lines = []
        _stream_paragraphs(
            package, main_part(package, DOCX), lines, paragraph=f"{WORD}p", text=f"{WORD}t"
        )
    return "\n".join(lines)


def powerpoint_text(file):
    """Each slide's text, then its speaker notes, in the order of the slides."""
    with open_office_package(file) as package:
        presentation = main_part(package, PPTX)
        slides = _related(package, presentation, "slide")
        names = set(package.namelist())
        order = [
            slides[item.get(f"{{{OFFICE_RELATIONSHIPS}}}id")]
            for item in ElementTree.fromstring(package.read(presentation)).iter(
                f"{PRESENTATION}sldId"
            )
            if slides.get(item.get(f"{{{OFFICE_RELATIONSHIPS}}}id")) in names
        ]
        lines = []
        for slide in order:
            _stream_paragraphs(package, slide, lines, paragraph=f"{DRAWING}p", text=f"{DRAWING}t")
            for notes in _related(package, slide, "notesSlide").values():
                if notes in names:
                    # The notes page also shows the slide's number: a field, left out.
                    _stream_paragraphs(
                        package,
                        notes,
                        lines,
                        paragraph=f"{DRAWING}p",
                        text=f"{DRAWING}t",
                        skip={f"{DRAWING}fld"},
                    )
    return "\n".join(lines)


def pdf_text(file):
    from pypdf import PdfReader  # only here: it alone takes 40 MB of the child's memory

    reader = PdfReader(file)
    if reader.is_encrypted:
        reader.decrypt("")
    lines, size = [], 0
    for page in reader.pages[:MAX_PDF_PAGES]:
        text = page.extract_text()
        lines.append(text)
        size += len(text)
        if size > MAX_TEXT_CHARACTERS:
            break
    return "\n".join(lines)


READERS = {PDF: pdf_text, DOCX: word_text, PPTX: powerpoint_text}


def clean(text):
    text = UNWANTED_CHARACTERS.sub(" ", text)
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"\s*\n\s*", "\n", text)
    return text.strip()[:MAX_TEXT_CHARACTERS]


def read_text(content, file_type):
    """The text of a file's ``content`` (bytes), here and now, with no limits: for the child."""
    return clean(READERS[file_type](io.BytesIO(content)))


# The child process ---------------------------------------------------------------


def read_text_bounded(content, file_type, *, seconds, memory_bytes):
    """The text of ``content``, read in a child process that may take ``seconds`` (by the
    clock, and of CPU) and ``memory_bytes`` of address space; ``UnreadableText`` if it
    cannot, the child then killed."""
    try:
        child = subprocess.run(
            [
                sys.executable,
                "-m",
                "resources.documents",
                file_type,
                str(memory_bytes),
                str(max(1, round(seconds))),
            ],
            input=content,
            capture_output=True,
            timeout=seconds,
            cwd=Path(__file__).resolve().parent.parent,
            env={"PATH": "", "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8"},
        )
    except subprocess.TimeoutExpired as error:
        raise UnreadableText(f"took longer than {seconds} seconds") from error
    if child.returncode:
        reason = child.stderr.decode(errors="replace").strip().splitlines()[-1:] or [
            f"ended by signal {-child.returncode}" if child.returncode < 0 else "failed"
        ]
        raise UnreadableText(reason[0][:300])
    return child.stdout.decode()


def _child(file_type, memory_bytes, cpu_seconds):
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    try:
        text = read_text(sys.stdin.buffer.read(), file_type)
    except MemoryError:
        sys.stderr.write(f"needed more than {memory_bytes // (1024 * 1024)} MB\n")
        return 3
    except Exception as error:
        # A damaged or hostile file can make a parser raise almost anything.
        sys.stderr.write(f"{type(error).__name__}: {error}\n")
        return 2
    sys.stdout.buffer.write(text.encode())
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
