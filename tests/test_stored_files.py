"""Stored files follow their rows: deleted once the deletion is committed, never before."""

from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from conventions.models import Attachment
from tests.factories import AttachmentFactory, ConventionFactory, PartnerFactory
from tests.test_partner_pages import partner_data, update_url
from tests.test_uploads import image_bytes

pytestmark = pytest.mark.django_db


def admin_delete_url(obj):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[obj.pk])


@pytest.fixture
def amf_with_logo():
    partner = PartnerFactory(name="Association des maires de France", acronym="AMF")
    partner.logo.save("logo.png", ContentFile(image_bytes("PNG")))
    return partner


def logo_page_data(partner, **overrides):
    return partner_data(name=partner.name, acronym=partner.acronym, **overrides)


def test_deleting_an_attachment_in_the_admin_deletes_its_file_on_commit(
    admin_client, django_capture_on_commit_callbacks
):
    attachment = AttachmentFactory()
    name = attachment.file.name
    with django_capture_on_commit_callbacks() as callbacks:
        admin_client.post(admin_delete_url(attachment), {"post": "yes"})
    assert not Attachment.objects.exists()
    assert default_storage.exists(name)  # not before the commit
    for callback in callbacks:
        callback()
    assert not default_storage.exists(name)


def test_deleting_a_convention_deletes_its_attachments_files(
    admin_client, django_capture_on_commit_callbacks
):
    convention = ConventionFactory()
    names = [AttachmentFactory(convention=convention).file.name for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(admin_delete_url(convention), {"post": "yes"})
    assert response.status_code == 302
    assert not [name for name in names if default_storage.exists(name)]


def test_a_deletion_rolled_back_keeps_the_file(django_capture_on_commit_callbacks):
    attachment = AttachmentFactory()
    name = attachment.file.name
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        attachment.convention.delete()
        raise RuntimeError("rolled back")
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert default_storage.exists(name)


def test_a_file_another_row_still_names_is_kept(django_capture_on_commit_callbacks):
    attachment = AttachmentFactory()
    copy = AttachmentFactory(convention=ConventionFactory(), file=attachment.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        attachment.delete()
    assert default_storage.exists(copy.file.name)


def test_removing_a_logo_on_the_partner_page_deletes_its_file(
    editor_client, amf_with_logo, django_capture_on_commit_callbacks
):
    name = amf_with_logo.logo.name
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            update_url(amf_with_logo), logo_page_data(amf_with_logo, **{"logo-clear": "on"})
        )
    assert response.status_code == 302
    amf_with_logo.refresh_from_db()
    assert not amf_with_logo.logo
    assert not default_storage.exists(name)


def test_replacing_a_logo_deletes_the_former_file(
    editor_client, amf_with_logo, django_capture_on_commit_callbacks
):
    former = amf_with_logo.logo.name
    new_logo = SimpleUploadedFile("nouveau.jpg", image_bytes("JPEG"), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            update_url(amf_with_logo), logo_page_data(amf_with_logo, logo=new_logo)
        )
    assert response.status_code == 302
    amf_with_logo.refresh_from_db()
    assert default_storage.exists(amf_with_logo.logo.name)
    assert not default_storage.exists(former)


def test_saving_a_partner_without_touching_its_logo_keeps_the_file(
    editor_client, amf_with_logo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(update_url(amf_with_logo), logo_page_data(amf_with_logo))
    assert default_storage.exists(amf_with_logo.logo.name)


def test_deleting_a_partner_in_the_admin_deletes_its_logo(
    admin_client, amf_with_logo, django_capture_on_commit_callbacks
):
    name = amf_with_logo.logo.name
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(admin_delete_url(amf_with_logo), {"post": "yes"})
    assert response.status_code == 302
    assert not default_storage.exists(name)


# The command that finds files no row names --------------------------------------------------


@pytest.fixture
def orphans():
    """A leftover attachment and logo (their rows gone without them), and a PDF being built."""
    names = [
        default_storage.save("conventions/attachments/2020/orphelin.pdf", ContentFile(b"%PDF")),
        default_storage.save("partners/logos/orphelin.png", ContentFile(image_bytes("PNG"))),
    ]
    yield names
    for name in names:
        default_storage.delete(name)


def run_cleanup(*args) -> str:
    out = StringIO()
    call_command("cleanup_media", "--older-than=0", *args, stdout=out)
    return out.getvalue()


def test_cleanup_media_reports_orphan_files_and_deletes_nothing(orphans, amf_with_logo):
    attachment = AttachmentFactory()

    report = run_cleanup()

    for name in orphans:
        assert name in report
        assert default_storage.exists(name)
    assert attachment.file.name not in report
    assert amf_with_logo.logo.name not in report
    assert "--delete" in report


def test_cleanup_media_delete_removes_only_the_orphans(orphans, amf_with_logo):
    attachment = AttachmentFactory()
    pdf_job = default_storage.save("dossiers-pdf/en-cours.pdf", ContentFile(b"%PDF"))

    report = run_cleanup("--delete")

    assert not [name for name in orphans if default_storage.exists(name)]
    assert "supprimé" in report
    assert default_storage.exists(attachment.file.name)
    assert default_storage.exists(amf_with_logo.logo.name)
    assert default_storage.exists(pdf_job)  # outside the upload folders
    default_storage.delete(pdf_job)


def test_cleanup_media_leaves_files_younger_than_the_limit(orphans):
    call_command("cleanup_media", "--delete", stdout=StringIO())
    assert all(default_storage.exists(name) for name in orphans)
