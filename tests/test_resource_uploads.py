"""Uploads to the library: only real PDF, Word and PowerPoint files, within the size limit,
their text read for search."""

import io
import zipfile

import docx
import pptx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from resources import services
from resources.files import MAX_PACKAGE_ENTRIES
from resources.forms import ResourceForm
from resources.models import Resource
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
    assert [path.name for path in stored_files(media_root)] == ["upload.pdf"]


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
    assert services.clean("Work\x00force \ue000plan\ue001 \n\n next") == "Work force plan\nnext"
