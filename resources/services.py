"""Reading an uploaded file's text so that the library's search finds what it says."""

import logging
import re

import docx
import pptx
from pypdf import PdfReader

from resources.files import check_office_package
from resources.models import Resource

logger = logging.getLogger(__name__)

# A 400-page report is about a million characters; past this, a file adds
# little to search but weight to every query.
MAX_TEXT_CHARACTERS = 1_000_000
MAX_PDF_PAGES = 1_000
# PostgreSQL text cannot hold NUL, and the rest of the control characters are noise;
# the private-use characters are kept out because search snippets use two as markers.
UNWANTED_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000-\uf8ff]")


def extract_text(resource_id):
    """Store the text of the resource's file for search, and refresh its search vector.

    Safe to repeat. If the file was replaced while this one was being read,
    the text is not stored: the task for the new file stores its own.
    """
    resource = Resource.objects.filter(pk=resource_id).first()
    if resource is None:
        return
    text = read_text(resource) if resource.file else ""
    stored = Resource.objects.filter(pk=resource.pk, file=resource.file.name)
    if stored.update(body_text=text):
        stored.update_search_vector()


def read_text(resource):
    """The text of the resource's file, or nothing if the file cannot be read."""
    readers = {
        Resource.FileType.PDF: pdf_text,
        Resource.FileType.DOCX: word_text,
        Resource.FileType.PPTX: powerpoint_text,
    }
    try:
        with resource.file.open("rb") as file:
            text = readers[resource.file_type](file)
    except Exception:
        # The file was checked on upload, but a parser can still fail on it; the
        # resource stays findable by its title and summary.
        logger.warning("Could not read the text of resource %s", resource.pk, exc_info=True)
        return ""
    return clean(text)


def pdf_text(file):
    reader = PdfReader(file)
    if reader.is_encrypted:
        reader.decrypt("")
    return "\n".join(page.extract_text() for page in reader.pages[:MAX_PDF_PAGES])


def word_text(file):
    check_office_package(file, Resource.FileType.DOCX)
    document = docx.Document(file)
    lines = [paragraph.text for paragraph in document.paragraphs]
    lines += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(lines)


def powerpoint_text(file):
    check_office_package(file, Resource.FileType.PPTX)
    lines = []
    for slide in pptx.Presentation(file).slides:
        lines += [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        if slide.has_notes_slide:
            lines.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(lines)


def clean(text):
    text = UNWANTED_CHARACTERS.sub(" ", text)
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"\s*\n\s*", "\n", text)
    return text.strip()[:MAX_TEXT_CHARACTERS]
