"""Uploaded files: what is accepted (kind read from the bytes, size), where it is stored (random
names), who may read it (views that check permissions, no public media URL), and the editors'
form on the convention page (issue: safe uploads)."""

import io
import re
import zipfile

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from conventions import uploads
from conventions.enums import AttachmentKind
from conventions.models import Attachment, Convention
from partners.models import Partner
from tests.factories import AttachmentFactory, ConventionFactory, PartnerFactory
from tests.test_convention_form import page
from tests.test_partner_pages import CREATE_URL, partner_data

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def random_attachment_name(extension: str) -> str:
    return rf"conventions/attachments/\d{{4}}/[0-9a-f]{{32}}\.{extension}"


# Files as a user's computer holds them ----------------------------------------------------------


def pdf_bytes(size: int = 0) -> bytes:
    body = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n"
    return body + b"%" * max(0, size - len(body) - 6) + b"%%EOF\n"


def image_bytes(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 4), "navy").save(buffer, format=fmt)
    return buffer.getvalue()


def zip_bytes(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            stored = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=stored)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return zip_bytes(
        ("[Content_Types].xml", b"<Types/>"),
        ("_rels/.rels", b"<Relationships/>"),
        ("word/document.xml", b"<w:document/>"),
    )


def odt_bytes(mimetype: bytes = b"application/vnd.oasis.opendocument.text") -> bytes:
    return zip_bytes(("mimetype", mimetype), ("content.xml", b"<office:document-content/>"))


HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    # The browser's content type is never trusted: send a misleading one.
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def attachment_errors(name: str, data: bytes) -> list[str]:
    """The messages the model's validation gives the file field (admin and staff form alike)."""
    attachment = Attachment(title="Pièce", kind=AttachmentKind.ANNEX, file=upload(name, data))
    try:
        attachment.full_clean(exclude=["convention"])
    except ValidationError as error:
        return error.message_dict.get("file", [])
    return []


# 1. What an attachment may be -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("convention-signee.pdf", pdf_bytes()),
        ("photo.png", image_bytes("PNG")),
        ("photo.jpg", image_bytes("JPEG")),
        ("Photo de la signature.JPEG", image_bytes("JPEG")),
        ("annexe.docx", docx_bytes()),
        ("annexe.odt", odt_bytes()),
    ],
    ids=["pdf", "png", "jpg", "jpeg-uppercase", "docx", "odt"],
)
def test_attachment_accepts_pdf_png_jpeg_docx_and_odt(name, data):
    assert attachment_errors(name, data) == []


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "programme.exe",
            EXE,
            "Format refusé (« .exe ») : une pièce jointe doit être un fichier "
            "PDF, PNG, JPEG, DOCX ou ODT.",
        ),
        ("page.html", HTML, "Format refusé (« .html »)"),
        ("dessin.svg", SVG, "Format refusé (« .svg »)"),
        ("sans-extension", pdf_bytes(), "Format refusé (sans extension)"),
        (
            "convention.pdf",
            EXE,
            "Le contenu de ce fichier n'est pas celui d'un fichier PDF, PNG, JPEG, DOCX ou ODT : "
            "il est refusé.",
        ),
        ("convention.pdf", HTML, "n'est pas celui d'un fichier"),
        ("logo.png", SVG, "n'est pas celui d'un fichier"),
        ("archive.docx", zip_bytes(("notes.txt", b"bonjour")), "n'est pas celui d'un fichier"),
        (
            "tableau.odt",
            odt_bytes(b"application/vnd.oasis.opendocument.spreadsheet"),
            "n'est pas celui d'un fichier",
        ),
        ("abime.docx", b"PK\x03\x04 pas une archive", "n'est pas celui d'un fichier"),
        (
            "convention.pdf",
            image_bytes("PNG"),
            "Ce fichier porte l'extension « .pdf » mais contient un fichier PNG : vérifiez que "
            "vous déposez le bon fichier.",
        ),
        ("annexe.odt", docx_bytes(), "porte l'extension « .odt » mais contient un fichier DOCX"),
    ],
    ids=[
        "exe",
        "html",
        "svg",
        "no-extension",
        "exe-renamed-pdf",
        "html-renamed-pdf",
        "svg-renamed-png",
        "zip-renamed-docx",
        "ods-renamed-odt",
        "broken-zip",
        "png-named-pdf",
        "docx-named-odt",
    ],
)
def test_attachment_extension_and_content_must_agree(name, data, message):
    errors = attachment_errors(name, data)
    assert len(errors) == 1
    assert message in errors[0]


@override_settings(ATTACHMENT_MAX_SIZE=1 * MB)
def test_attachment_over_the_size_cap_is_refused_with_the_cap_in_mo():
    assert attachment_errors("petit.pdf", pdf_bytes(MB)) == []
    assert attachment_errors("gros.pdf", pdf_bytes(MB + MB // 2)) == [
        "Ce fichier pèse 1,5 Mo : une pièce jointe ne peut pas dépasser 1 Mo."
    ]


def test_attachment_size_cap_defaults_to_20_mo_and_is_told_next_to_the_field(settings):
    assert settings.ATTACHMENT_MAX_SIZE == 20 * MB
    assert uploads.attachment_help_text() == "PDF, PNG, JPEG, DOCX ou ODT, 20 Mo au plus."


def test_admin_applies_the_same_rules(admin_client):
    convention = ConventionFactory()
    response = admin_client.post(
        reverse("admin:conventions_attachment_add"),
        {
            "convention": convention.pk,
            "title": "Convention signée",
            "kind": AttachmentKind.SIGNED_COPY,
            "file": upload("convention.pdf", EXE),
        },
    )
    assert response.status_code == 200
    assert "n&#x27;est pas celui d&#x27;un fichier PDF" in page(response)
    assert not Attachment.objects.exists()


# Logos ------------------------------------------------------------------------------------------


def logo_errors(name: str, data: bytes) -> list[str]:
    partner = PartnerFactory.build(slug="amf", logo=upload(name, data))
    try:
        partner.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return error.message_dict.get("logo", [])
    return []


def test_logo_is_a_png_or_jpeg_image_of_at_most_2_mo():
    assert logo_errors("logo.png", image_bytes("PNG")) == []
    assert logo_errors("logo.jpg", image_bytes("JPEG")) == []
    assert logo_errors("logo.gif", image_bytes("GIF")) == [
        "Format refusé (« .gif ») : un logo doit être un fichier PNG ou JPEG."
    ]
    assert logo_errors("logo.svg", SVG) == [
        "Format refusé (« .svg ») : un logo doit être un fichier PNG ou JPEG."
    ]
    assert "n'est pas celui d'un fichier PNG ou JPEG" in logo_errors("logo.png", SVG)[0]
    assert "mais contient un fichier PNG" in logo_errors("logo.jpg", image_bytes("PNG"))[0]
    big = image_bytes("PNG") + b"\0" * (2 * MB)
    assert logo_errors("logo.png", big) == [
        "Ce fichier pèse 2,1 Mo : un logo ne peut pas dépasser 2 Mo."
    ]


def test_svg_logo_is_refused_on_the_partner_form(editor_client):
    logo = SimpleUploadedFile("logo.svg", SVG, content_type="image/svg+xml")
    response = editor_client.post(CREATE_URL, partner_data(logo=logo))

    content = page(response)
    assert response.status_code == 200
    assert "Ce fichier n&#x27;est pas une image PNG ou JPEG lisible" in content
    assert 'id="id_logo_error"' in content
    assert not Partner.objects.exists()


# 2. Random storage names ------------------------------------------------------------------------


def test_stored_names_are_random_whatever_the_user_named_the_file():
    first = AttachmentFactory(file=ContentFile(pdf_bytes(), name="../../Mon fichier.PDF"))
    second = AttachmentFactory(file=ContentFile(image_bytes("JPEG"), name="photo.jpeg"))
    partner = PartnerFactory()
    partner.logo.save("<script>.png", ContentFile(image_bytes("PNG")))

    assert re.fullmatch(random_attachment_name("pdf"), first.file.name)
    assert re.fullmatch(random_attachment_name("jpg"), second.file.name)
    assert re.fullmatch(r"partners/logos/[0-9a-f]{32}\.png", partner.logo.name)
    assert first.file.name != AttachmentFactory(file=ContentFile(pdf_bytes(), "a.pdf")).file.name


# 3. Served only to signed-in readers, through views ---------------------------------------------


def download_url(attachment) -> str:
    return reverse(
        "conventions:attachment_download", args=[attachment.convention_id, attachment.pk]
    )


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_reader_downloads_an_attachment_named_after_its_title(reader_client):
    attachment = AttachmentFactory(
        title="Convention signée (PDF)", file=ContentFile(pdf_bytes(), "scan.pdf")
    )

    response = reader_client.get(download_url(attachment))

    assert response.status_code == 200
    assert body(response) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    # Non-ASCII: RFC 5987's encoded form, which every browser reads.
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Convention%20sign%C3%A9e%20%28PDF%29.pdf"
    )
    assert "private" in response["Cache-Control"]


def test_download_name_cannot_break_the_header_nor_climb_directories(reader_client):
    attachment = AttachmentFactory(
        title='../../etc/"passwd"\r\nSet-Cookie: x=1',
        file=ContentFile(image_bytes("PNG"), "x.png"),
    )
    response = reader_client.get(download_url(attachment))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == (
        'attachment; filename="etc passwd Set-Cookie x=1.png"'
    )
    assert "Set-Cookie" not in response.headers


def test_a_stored_file_of_no_accepted_kind_is_never_served_as_a_page(reader_client):
    # Written by a script, without the checks: sent as an opaque download, never as HTML.
    attachment = AttachmentFactory(title="Page", file=ContentFile(HTML, "page.html"))
    response = reader_client.get(download_url(attachment))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_attachment_is_reached_only_through_its_own_convention(reader_client):
    attachment = AttachmentFactory()
    other = ConventionFactory()
    url = reverse("conventions:attachment_download", args=[other.pk, attachment.pk])
    assert reader_client.get(url).status_code == 404


def test_anonymous_visitor_is_sent_to_sign_in_for_files(client):
    attachment = AttachmentFactory()
    partner = PartnerFactory()
    partner.logo.save("logo.png", ContentFile(image_bytes("PNG")))
    for url in (download_url(attachment), partner.get_logo_url()):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_media_files_have_no_public_url(reader_client):
    attachment = AttachmentFactory()
    assert reader_client.get(attachment.file.url).status_code == 404


def test_logo_is_shown_inline_as_an_image(reader_client):
    partner = PartnerFactory(acronym="AMF")
    partner.logo.save("logo.jpg", ContentFile(image_bytes("JPEG")))

    response = reader_client.get(partner.get_logo_url())

    assert response.status_code == 200
    assert body(response) == image_bytes("JPEG")
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'inline; filename="logo-{partner.slug}.jpg"'


def test_logo_of_another_kind_or_missing_is_not_shown(reader_client):
    svg_partner, no_logo = PartnerFactory(), PartnerFactory()
    svg_partner.logo.save("logo.png", ContentFile(SVG))  # by a script, without the checks
    assert reader_client.get(svg_partner.get_logo_url()).status_code == 404
    assert reader_client.get(no_logo.get_logo_url()).status_code == 404


def test_file_inputs_link_the_current_file_through_the_views(admin_client):
    attachment = AttachmentFactory()
    partner = PartnerFactory()
    partner.logo.save("logo.png", ContentFile(image_bytes("PNG")))
    pages = [
        (reverse("admin:conventions_attachment_change", args=[attachment.pk]), attachment),
        (reverse("admin:partners_partner_change", args=[partner.pk]), partner),
        (reverse("partners:partner_update", args=[partner.slug]), partner),
    ]
    for url, obj in pages:
        content = page(admin_client.get(url))
        served = download_url(obj) if obj is attachment else partner.get_logo_url()
        assert f'href="{served}"' in content, url
        assert (obj.file if obj is attachment else obj.logo).name not in content, url


# 4. Editors add and remove attachments from the convention page ----------------------------------


def detail_url(convention) -> str:
    return reverse("conventions:convention_detail", args=[convention.pk])


def create_url(convention) -> str:
    return reverse("conventions:attachment_create", args=[convention.pk])


def attachment_data(name: str, data: bytes, **fields) -> dict:
    return {
        "piece-title": "Convention signée",
        "piece-kind": AttachmentKind.SIGNED_COPY,
        "piece-file": upload(name, data),
        **fields,
    }


def stored_names() -> set[str]:
    names = set()
    try:
        years, _ = default_storage.listdir("conventions/attachments")
    except FileNotFoundError:
        return names
    for year in years:
        _, files = default_storage.listdir(f"conventions/attachments/{year}")
        names |= {f"{year}/{name}" for name in files}
    return names


def test_convention_page_offers_the_upload_form_to_editors_only(editor_client):
    convention = ConventionFactory()
    content = page(editor_client.get(detail_url(convention)))
    assert f'action="{create_url(convention)}"' in content
    assert 'enctype="multipart/form-data"' in content
    assert 'accept=".pdf,.png,.jpg,.jpeg,.docx,.odt"' in content


def test_editor_adds_a_pdf_from_the_convention_page(editor_client, editor):
    convention = ConventionFactory()
    version = Convention.objects.get(pk=convention.pk).version

    response = editor_client.post(
        create_url(convention), attachment_data("Scan du 12 mars.pdf", pdf_bytes())
    )

    assert response.status_code == 302
    assert response["Location"] == f"{detail_url(convention)}#pieces-jointes"
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["La pièce jointe « Convention signée » est ajoutée."]
    attachment = convention.attachments.get()
    assert re.fullmatch(random_attachment_name("pdf"), attachment.file.name)
    assert default_storage.open(attachment.file.name).read() == pdf_bytes()
    assert attachment.history.get().history_user == editor
    assert Convention.objects.get(pk=convention.pk).version == version + 1
    assert f'href="{download_url(attachment)}"' in page(editor_client.get(detail_url(convention)))


def test_a_bad_file_is_refused_next_to_the_field_and_nothing_is_saved(editor_client):
    convention = ConventionFactory()
    before = stored_names()

    response = editor_client.post(create_url(convention), attachment_data("convention.pdf", EXE))

    content = page(response)
    assert response.status_code == 200
    assert 'id="id_piece-file_error"' in content
    assert "Le contenu de ce fichier n&#x27;est pas celui d&#x27;un fichier PDF" in content
    assert "La pièce jointe n'a pas été ajoutée" in content
    assert not Attachment.objects.exists()
    assert stored_names() == before


def test_reader_cannot_add_nor_remove_attachments(reader_client):
    attachment = AttachmentFactory()
    convention = attachment.convention
    delete = reverse("conventions:attachment_delete", args=[convention.pk, attachment.pk])

    response = reader_client.post(create_url(convention), attachment_data("a.pdf", pdf_bytes()))
    assert response.status_code == 403
    assert reader_client.post(delete).status_code == 403
    assert list(convention.attachments.all()) == [attachment]
    assert "Ajouter une pièce jointe" not in page(reader_client.get(detail_url(convention)))


def test_editor_removes_an_attachment_and_its_file(
    editor_client, editor, django_capture_on_commit_callbacks
):
    attachment = AttachmentFactory(title="Annexe financière")
    convention, name = attachment.convention, attachment.file.name
    delete = reverse("conventions:attachment_delete", args=[convention.pk, attachment.pk])
    assert "Supprimer cette pièce jointe ?" in page(editor_client.get(delete))

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(delete)

    assert response["Location"] == f"{detail_url(convention)}#pieces-jointes"
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["La pièce jointe « Annexe financière » a été supprimée."]
    assert not convention.attachments.exists()
    assert not default_storage.exists(name)
    assert Attachment.history.filter(history_type="-").get().history_user == editor


def test_attachment_pages_queries_do_not_grow_with_the_conventions_attachments(
    editor_client,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count_queries(convention) -> list[int]:
        attachment = convention.attachments.first()
        delete = reverse("conventions:attachment_delete", args=[convention.pk, attachment.pk])
        counts = []
        for url in (create_url(convention), delete, download_url(attachment)):
            with CaptureQueriesContext(connection) as queries:
                assert editor_client.get(url).status_code == 200
            counts.append(len(queries))
        return counts

    small = AttachmentFactory().convention
    large = AttachmentFactory().convention
    AttachmentFactory.create_batch(8, convention=large)
    assert count_queries(large) == count_queries(small)
