"""Uploads to the library: only real PDF, Word and PowerPoint files, within the size limit,
stored under a name the server chooses, their text read for search within time and
memory limits."""

import io
import re
import zipfile

import docx
import pptx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from resources import documents, services
from resources.files import MAX_ENTRY_BYTES, MAX_PACKAGE_BYTES, MAX_PACKAGE_ENTRIES
from resources.forms import ResourceForm
from resources.models import Resource
from resources.tasks import extract_resource_text
from tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db

HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
WINDOWS_EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 500


def pdf_bytes(text):
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def docx_bytes(text):
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pptx_bytes(text):
    presentation = pptx.Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[1])
    slide.shapes.title.text = text
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(media_root):
    return [path for path in media_root.rglob("*") if path.is_file()]


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def form_with(file):
    data = {
        "title": "Supervision in practice",
        "slug": "supervision-in-practice",
        "kind": Resource.Kind.GUIDANCE,
        "summary": "How Trusts give clinical supervision time.",
        "published_on": "2021-06-01",
        "author_organisation": "Health Education England",
        "is_published": "on",
    }
    return ResourceForm(data, {"file": file})


def post_to_admin(client, file):
    return client.post(
        reverse("admin:resources_resource_add"),
        {
            "title": "Supervision in practice",
            "slug": "supervision-in-practice",
            "kind": Resource.Kind.GUIDANCE,
            "summary": "How Trusts give clinical supervision time.",
            "published_on": "2021-06-01",
            "author_organisation": "Health Education England",
            "url": "",
            "is_published": "on",
            "file": file,
            "_save": "Save",
        },
    )


@pytest.mark.parametrize(
    "content", [HTML_PAGE, WINDOWS_EXECUTABLE], ids=["html page", "windows executable"]
)
def test_file_renamed_to_pdf_is_refused_in_the_admin_and_nothing_is_stored(
    admin_client, media_root, content
):
    response = post_to_admin(admin_client, upload("report.pdf", content))

    assert response.status_code == 200
    assert "The selected file must be a PDF, a Word document (.docx) or a PowerPoint file" in (
        response.content.decode()
    )
    assert not Resource.objects.exists()
    assert stored_files(media_root) == []


def test_file_over_the_size_limit_is_refused_with_the_limit_in_the_message(settings):
    settings.RESOURCE_UPLOAD_MAX_BYTES = 1024
    form = form_with(upload("report.pdf", pdf_bytes("Workforce planning " * 200)))

    assert not form.is_valid()
    assert form.errors["file"][0].startswith("The selected file must be smaller than 1 KB")


def test_zip_that_is_not_an_office_file_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    form = form_with(upload("report.docx", buffer.getvalue()))

    assert not form.is_valid()
    assert "must be a PDF, a Word document" in form.errors["file"][0]


def test_word_file_packed_with_too_many_entries_is_refused():
    buffer = io.BytesIO(docx_bytes("Supervision"))
    with zipfile.ZipFile(buffer, "a") as archive:
        for number in range(MAX_PACKAGE_ENTRIES):
            archive.writestr(f"word/media/padding{number}.xml", "")
    form = form_with(upload("report.docx", buffer.getvalue()))

    assert not form.is_valid()
    assert form.errors["file"] == ["The selected file unpacks to more than the library can take"]


def test_truncated_pdf_is_refused_as_damaged():
    form = form_with(upload("report.pdf", pdf_bytes("Supervision")[:400]))

    assert not form.is_valid()
    assert form.errors["file"][0].startswith("The selected file could not be opened")


def test_password_protected_pdf_is_refused():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes("Supervision"))))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    form = form_with(upload("report.pdf", buffer.getvalue()))

    assert not form.is_valid()
    assert form.errors["file"][0].startswith("The selected file is protected by a password")


@pytest.mark.parametrize(
    ("name", "content", "file_type"),
    [
        ("anything.bin", pdf_bytes("Supervision"), Resource.FileType.PDF),
        ("notes.docx", docx_bytes("Supervision"), Resource.FileType.DOCX),
        ("slides.pptx", pptx_bytes("Supervision"), Resource.FileType.PPTX),
    ],
    ids=["pdf", "docx", "pptx"],
)
def test_real_file_is_accepted_and_typed_by_its_content(name, content, file_type):
    form = form_with(upload(name, content))

    assert form.is_valid(), form.errors
    resource = form.save()
    assert (resource.file_type, resource.file_size) == (file_type, len(content))


@pytest.mark.parametrize(
    "content",
    [
        pdf_bytes("Reflective practice groups for ward staff"),
        docx_bytes("Reflective practice groups for ward staff"),
        pptx_bytes("Reflective practice groups for ward staff"),
    ],
    ids=["pdf", "docx", "pptx"],
)
def test_admin_upload_is_stored_and_its_text_read_for_search(
    admin_client, media_root, django_capture_on_commit_callbacks, content
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_to_admin(admin_client, upload("upload.pdf", content))

    assert response.status_code == 302
    resource = Resource.objects.get()
    assert "Reflective practice groups for ward staff" in resource.body_text
    assert [path.suffix for path in stored_files(media_root)] == [f".{resource.file_type}"]


def test_text_is_read_only_after_the_upload_commits(
    admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_to_admin(admin_client, upload("upload.pdf", pdf_bytes("Reflective practice")))

    assert Resource.objects.get().body_text == ""
    assert len(callbacks) == 1


def test_editing_without_a_new_file_does_not_read_the_text_again(
    admin_client, django_capture_on_commit_callbacks
):
    resource = ResourceFactory(
        file=SimpleUploadedFile("a.pdf", pdf_bytes("Reflective practice")),
        file_type=Resource.FileType.PDF,
        file_size=1,
        body_text="Text read earlier",
    )
    change = reverse("admin:resources_resource_change", args=[resource.pk])
    data = admin_client.get(change).context["adminform"].form.initial

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client.post(
            change,
            {
                **{name: data[name] for name in ("title", "slug", "kind", "author_organisation")},
                "summary": "A new summary.",
                "published_on": "2020-01-01",
                "url": "",
                "is_published": "on",
                "_save": "Save",
            },
        )

    assert response.status_code == 302
    assert callbacks == []


def test_clearing_the_file_forgets_its_type_size_and_text():
    resource = ResourceFactory(
        file=SimpleUploadedFile("a.pdf", pdf_bytes("Reflective practice")),
        file_type=Resource.FileType.PDF,
        file_size=1,
        body_text="Reflective practice",
    )
    form = ResourceForm(
        {
            "title": resource.title,
            "slug": resource.slug,
            "kind": resource.kind,
            "summary": resource.summary,
            "published_on": "2020-01-01",
            "author_organisation": resource.author_organisation,
            "file-clear": "on",
        },
        instance=resource,
    )

    assert form.is_valid(), form.errors
    form.save()
    resource.refresh_from_db()
    assert (resource.file.name, resource.file_type, resource.file_size, resource.body_text) == (
        "",
        "",
        None,
        "",
    )


def test_text_of_a_file_replaced_meanwhile_is_not_stored(monkeypatch):
    resource = ResourceFactory(
        file=SimpleUploadedFile("old.pdf", pdf_bytes("Old text")),
        file_type=Resource.FileType.PDF,
        file_size=1,
    )

    def read_then_see_the_file_replaced(resource):
        Resource.objects.filter(pk=resource.pk).update(file="resources/2021/new.pdf")
        return "Old text"

    monkeypatch.setattr(services, "read_text", read_then_see_the_file_replaced)
    services.extract_text(resource.pk)

    assert Resource.objects.get(pk=resource.pk).body_text == ""


def test_file_that_cannot_be_read_leaves_the_resource_findable_by_its_summary():
    resource = ResourceFactory(
        file=SimpleUploadedFile("broken.pdf", b"%PDF-1.7 not really"),
        file_type=Resource.FileType.PDF,
        file_size=1,
        body_text="stale",
    )

    services.extract_text(resource.pk)

    assert Resource.objects.get(pk=resource.pk).body_text == ""


def test_extracted_text_keeps_out_nul_and_the_snippet_markers():
    assert documents.clean("Work\x00force \ue000plan\ue001 \n\n next") == "Work force plan\nnext"


# Stored under a name the server chooses ------------------------------------------


def test_upload_is_stored_under_a_made_up_name_with_the_extension_of_its_content(
    admin_client, media_root
):
    response = post_to_admin(admin_client, upload("report\u202efdp.exe", pdf_bytes("Supervision")))

    assert response.status_code == 302
    resource = Resource.objects.get()
    [stored] = stored_files(media_root)
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", stored.name)
    assert resource.file.name == f"resources/{timezone.localdate():%Y}/{stored.name}"


def test_the_admin_shows_the_name_it_was_uploaded_as_without_its_right_to_left_mark(
    admin_client,
):
    post_to_admin(admin_client, upload("report\u202efdp.exe", pdf_bytes("Supervision")))
    resource = Resource.objects.get()

    page = admin_client.get(reverse("admin:resources_resource_change", args=[resource.pk]))

    assert resource.uploaded_as == "reportfdp.exe"
    assert "uploaded as “reportfdp.exe”" in page.content.decode()


# Unpacking and reading within limits ---------------------------------------------


def xml_heavy_docx(paragraphs, text="Workforce planning for ward staff "):
    """A real Word file whose document.xml is swollen with ``paragraphs`` paragraphs: the
    XML packs about 200 to 1."""
    source = zipfile.ZipFile(io.BytesIO(docx_bytes("Opening paragraph")))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        for entry in source.infolist():
            content = source.read(entry.filename)
            if entry.filename == "word/document.xml":
                paragraph = f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>".encode()
                content = content.replace(b"<w:body>", b"<w:body>" + paragraph * paragraphs, 1)
            package.writestr(entry.filename, content)
    return buffer.getvalue()


def unpacked_size(content):
    return sum(entry.file_size for entry in zipfile.ZipFile(io.BytesIO(content)).infolist())


def test_xml_heavy_word_file_under_1_mb_is_read_within_the_limits(
    admin_client, django_capture_on_commit_callbacks
):
    content = xml_heavy_docx(350_000)
    assert len(content) < 1024 * 1024 and unpacked_size(content) > 20 * 1024 * 1024

    with django_capture_on_commit_callbacks(execute=True):
        response = post_to_admin(admin_client, upload("report.docx", content))

    assert response.status_code == 302
    text = Resource.objects.get().body_text
    assert text.startswith("Workforce planning for ward staff\n")
    assert 900_000 < len(text) <= documents.MAX_TEXT_CHARACTERS


def test_word_file_with_an_entry_unpacking_past_its_cap_is_refused(media_root):
    buffer = io.BytesIO(docx_bytes("Supervision"))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/media/padding.xml", b" " * (MAX_ENTRY_BYTES + 1))
    assert len(buffer.getvalue()) < 1024 * 1024

    form = form_with(upload("report.docx", buffer.getvalue()))

    assert not form.is_valid()
    assert form.errors["file"] == ["The selected file unpacks to more than the library can take"]


def test_word_file_unpacking_past_the_total_cap_is_refused():
    buffer = io.BytesIO(docx_bytes("Supervision"))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as package:
        for number in range(MAX_PACKAGE_BYTES // MAX_ENTRY_BYTES + 1):
            package.writestr(f"word/media/padding{number}.xml", b" " * MAX_ENTRY_BYTES)

    form = form_with(upload("report.docx", buffer.getvalue()))

    assert not form.is_valid()
    assert form.errors["file"] == ["The selected file unpacks to more than the library can take"]


def test_reading_past_the_time_limit_stores_no_text_and_the_upload_stands(
    admin_client, django_capture_on_commit_callbacks, settings, caplog
):
    settings.RESOURCE_EXTRACTION_SECONDS = 0.2
    # 20 MB of XML holding no text: read to its end, it takes seconds.
    content = xml_heavy_docx(600_000, text="")

    with django_capture_on_commit_callbacks(execute=True):
        response = post_to_admin(admin_client, upload("report.docx", content))

    assert response.status_code == 302
    resource = Resource.objects.get()
    assert (resource.file_type, resource.body_text) == (Resource.FileType.DOCX, "")
    assert f"Could not read the text of resource {resource.pk}: took longer than 0.2" in caplog.text


def test_reading_past_the_memory_limit_stores_no_text_and_the_upload_stands(
    admin_client, django_capture_on_commit_callbacks, settings, caplog
):
    # Enough for Python to start and take the file in, not for the PDF reader (pypdf alone
    # maps about 60 MB).
    settings.RESOURCE_EXTRACTION_MEMORY_MB = 48

    with django_capture_on_commit_callbacks(execute=True):
        response = post_to_admin(admin_client, upload("report.pdf", pdf_bytes("Supervision")))

    assert response.status_code == 302
    resource = Resource.objects.get()
    assert (resource.file_type, resource.body_text) == (Resource.FileType.PDF, "")
    assert f"Could not read the text of resource {resource.pk}" in caplog.text


def test_the_same_file_is_read_within_the_default_limits(
    admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_to_admin(admin_client, upload("report.pdf", pdf_bytes("Supervision")))

    assert Resource.objects.get().body_text == "Supervision"


def test_the_extraction_task_has_time_limits_beyond_its_childs(settings):
    assert (extract_resource_text.soft_time_limit, extract_resource_text.time_limit) == (
        settings.RESOURCE_EXTRACTION_SECONDS + 30,
        settings.RESOURCE_EXTRACTION_SECONDS + 60,
    )


def test_word_text_keeps_tables_in_place_and_text_boxes_once():
    document = docx.Document()
    document.add_paragraph("Before the table")
    document.add_table(rows=1, cols=2).rows[0].cells[1].text = "In a cell"
    document.add_paragraph("After the table")
    buffer = io.BytesIO()
    document.save(buffer)

    assert documents.read_text(buffer.getvalue(), "docx") == (
        "Before the table\nIn a cell\nAfter the table"
    )


def test_powerpoint_text_reads_slides_in_order_with_their_notes_and_no_slide_numbers():
    presentation = pptx.Presentation()
    for title, notes in (("First slide", "Say hello"), ("Second slide", "Say goodbye")):
        slide = presentation.slides.add_slide(presentation.slide_layouts[1])
        slide.shapes.title.text = title
        slide.notes_slide.notes_text_frame.text = notes
    buffer = io.BytesIO()
    presentation.save(buffer)

    assert documents.read_text(buffer.getvalue(), "pptx") == (
        "First slide\nSay hello\nSecond slide\nSay goodbye"
    )
