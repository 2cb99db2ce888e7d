"""backup_data and restore_data: every row and file comes back exactly, or nothing moves."""

import datetime
import hashlib
import io
import json
import zipfile

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from PIL import Image

from accounts.demo import create_demo_accounts
from accounts.models import ReminderKind, ReminderPreferences, SentReminder, new_calendar_token
from conventions import demo
from conventions.backup import DATA, MANIFEST
from conventions.demo import load_demo_data
from conventions.models import Attachment, Convention, Theme
from partners.models import Partner
from tests.factories import AttachmentFactory, ConventionFactory, PartnerFactory, UserFactory

pytestmark = pytest.mark.embedded

ATTACHMENT_BYTES = b"%PDF-1.7\n% Convention signee, scan de demonstration\n%%EOF\n"
NOT_EMPTY = "La base de données n'est pas vide"
NOTHING_CHANGED = "Rien n'a été modifié"
SNAPSHOT_APPS = ("auth", "admin", "partners", "conventions", "accounts")


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 2), (31, 58, 104)).save(out, format="PNG")
    return out.getvalue()


def populate() -> dict[str, bytes]:
    """The demo registry and accounts, and a row in every kind of table the tests compare:
    a convention edited twice (version 3), history with its many-to-many rows, an attachment
    and a logo, reminder preferences, a sent reminder, a direct permission, an admin log."""
    load_demo_data()
    create_demo_accounts()
    amf = Convention.objects.get(title=demo.AMF_TITLE)
    editor = UserFactory(username="editrice.sauvegarde", first_name="Élise")
    editor.user_permissions.add(Permission.objects.get(codename="delete_review"))

    amf.summary += " Suivi renforcé en 2026."
    amf.save()
    amf.themes.add(Theme.objects.create(name="Sauvegarde des données"))
    axis = amf.axes.get(number=1)
    axis.title += " (révisé)"
    axis.save()

    attachment = AttachmentFactory(
        convention=amf, file=ContentFile(ATTACHMENT_BYTES, name="convention-signee.pdf")
    )
    unml = Partner.objects.get(slug="unml")
    unml.logo.save("logo-unml.png", ContentFile(png_bytes()))

    ReminderPreferences.objects.create(
        user=editor, is_subscribed=True, ending_months=3, calendar_token=new_calendar_token()
    )
    SentReminder.objects.create(
        user=editor, convention=amf, kind=ReminderKind.ENDING, due_on=datetime.date(2027, 12, 9)
    )
    LogEntry.objects.create(
        user=editor,
        content_type=ContentType.objects.get_for_model(Convention),
        object_id=str(amf.pk),
        object_repr=amf.title,
        action_flag=CHANGE,
        change_message="[]",
    )
    return {attachment.file.name: ATTACHMENT_BYTES, unml.logo.name: unml.logo.read()}


def snapshot() -> dict[str, list[tuple]]:
    """Every concrete field of every row of the compared apps, ordered by primary key.

    Content types and permissions are created by `migrate`, and may get other ids in another
    database: a row pointing to one shows its natural key, and permissions are listed by it.
    """
    natural = {
        ContentType: {ct.pk: ct.natural_key() for ct in ContentType.objects.all()},
        Permission: {
            p.pk: p.natural_key() for p in Permission.objects.select_related("content_type")
        },
    }
    tables = {}
    for label in SNAPSHOT_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            fields = model._meta.concrete_fields
            rows = model._base_manager.order_by("pk").values_list(*[f.attname for f in fields])
            rows = [
                tuple(
                    natural[f.related_model][value]
                    if f.is_relation and f.related_model in natural and value is not None
                    else value
                    for f, value in zip(fields, row, strict=True)
                )
                for row in rows
            ]
            if model is Permission:
                rows = sorted(row[1:] for row in rows)  # without its id
            tables[model._meta.label] = rows
    return tables


def stored(names) -> dict[str, bytes]:
    result = {}
    for name in names:
        with default_storage.open(name, "rb") as file:
            result[name] = file.read()
    return result


def backup(tmp_path, name="sauvegarde.zip"):
    path = tmp_path / name
    out = io.StringIO()
    call_command("backup_data", str(path), stdout=out)
    assert "Sauvegarde écrite dans" in out.getvalue()
    return path


def restore(path, *args):
    out = io.StringIO()
    call_command("restore_data", str(path), *args, stdout=out)
    return out.getvalue()


def rewrite(path, target, *, data=None, manifest=None):
    """A copy of the archive at `path` with its data or manifest replaced."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as copy:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == DATA and data is not None:
                content = data(content)
            if item.filename == MANIFEST and manifest is not None:
                content = json.dumps(manifest(json.loads(content))).encode()
            copy.writestr(item, content)
    return target


@pytest.fixture
def populated(db):
    """A small registry, for the rules that need rows and files but not the whole demo."""
    editor = UserFactory(username="editrice.sauvegarde")
    ReminderPreferences.objects.create(user=editor, calendar_token=new_calendar_token())
    convention = ConventionFactory(title="Convention cadre nationale entre l'AMF et l'UNML")
    convention.themes.add(Theme.objects.create(name="Sauvegarde des données"))
    convention.save()
    attachment = AttachmentFactory(
        convention=convention, file=ContentFile(ATTACHMENT_BYTES, name="signee.pdf")
    )
    partner = convention.partners.first()
    partner.logo.save("logo.png", ContentFile(png_bytes()))
    return {attachment.file.name: ATTACHMENT_BYTES, partner.logo.name: partner.logo.read()}


# The round trip --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_restore_into_a_new_database_gives_back_every_row_and_file(tmp_path):
    files = populate()
    before = snapshot()
    amf = Convention.objects.get(title=demo.AMF_TITLE)
    version, search_document = amf.version, amf.search_document
    assert version > 1 and "suivi renforce en 2026" in search_document
    for label in (
        "auth.User_user_permissions",
        "auth.User_groups",
        "auth.Group_permissions",
        "admin.LogEntry",
        "conventions.HistoricalConvention_themes",
        "conventions.Attachment",
        "accounts.ReminderPreferences",
        "accounts.HistoricalReminderPreferences",
        "accounts.SentReminder",
    ):
        assert before[label], label
    path = backup(tmp_path)

    # A new server: `migrate` made the content types, permissions and roles, nothing else.
    call_command("flush", interactive=False)
    for name in files:
        default_storage.delete(name)
    assert not Convention.objects.exists() and not Partner.objects.exists()

    assert "Les nombres de lignes correspondent au manifeste" in restore(path)

    assert snapshot() == before
    assert stored(files) == files
    # Neither save() nor a receiver ran on the loaded rows: derived values are those dumped.
    amf = Convention.objects.get(pk=amf.pk)
    assert (amf.version, amf.search_document) == (version, search_document)
    # The sequences start after the restored ids: new rows and their history can be written.
    convention = ConventionFactory(parties=[PartnerFactory(), Partner.objects.get(slug="amf")])
    assert convention.pk > amf.pk
    assert convention.history.count() == 1
    UserFactory(username="nouvelle.personne")


def test_the_manifest_counts_the_rows_and_lists_the_files(populated, tmp_path):
    path = backup(tmp_path)
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read(MANIFEST))
        media = {name for name in archive.namelist() if name.startswith("media/")}
        assert {name.removeprefix("media/") for name in media} == set(populated)
        assert {name: archive.read(f"media/{name}") for name in populated} == populated
    assert manifest["format"] == 1
    assert manifest["counts"]["conventions.Convention"] == 1
    assert manifest["counts"]["conventions.Attachment"] == 1
    # Created, its themes changed, saved again.
    assert manifest["counts"]["conventions.HistoricalConvention"] == 3
    assert manifest["counts"]["conventions.Convention_themes"] == 1
    assert manifest["counts"]["accounts.ReminderPreferences"] == 1
    assert set(manifest["files"]) == set(populated)
    # Server state stays out of the archive.
    assert not {"sessions.Session", "contenttypes.ContentType", "auth.Permission"} & set(
        manifest["counts"]
    )


def test_backup_never_overwrites_an_archive(populated, tmp_path):
    path = backup(tmp_path)
    original = path.read_bytes()
    with pytest.raises(CommandError, match="existe déjà"):
        call_command("backup_data", str(path))
    assert path.read_bytes() == original


# Refusals --------------------------------------------------------------------------------------


def test_restore_refuses_a_database_holding_data_without_replace(populated, tmp_path):
    path = backup(tmp_path)
    Partner.objects.update(description="Changé après la sauvegarde")
    before = snapshot()

    with pytest.raises(CommandError, match=NOT_EMPTY) as error:
        restore(path)

    assert "--replace" in str(error.value) and NOTHING_CHANGED in str(error.value)
    assert snapshot() == before


def test_restore_with_replace_puts_back_the_backed_up_state_and_signs_everyone_out(
    populated, tmp_path, client
):
    before = snapshot()
    path = backup(tmp_path)
    convention = Convention.objects.get()
    convention.title = "Modifiée après la sauvegarde"
    convention.save()
    Attachment.objects.all().delete()
    PartnerFactory(name="Partenaire ajouté après la sauvegarde")
    client.force_login(UserFactory(username="connectee"))
    assert Session.objects.exists()

    restore(path, "--replace")

    assert snapshot() == before
    assert not Session.objects.exists()


def test_a_truncated_archive_is_refused_in_french_and_changes_nothing(populated, tmp_path):
    path = backup(tmp_path)
    truncated = tmp_path / "tronquee.zip"
    truncated.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    before = snapshot()

    with pytest.raises(CommandError, match="illisible ou abîmée") as error:
        restore(truncated, "--replace")

    assert NOTHING_CHANGED in str(error.value)
    assert snapshot() == before


def test_altered_data_is_refused_before_anything_changes(populated, tmp_path):
    path = backup(tmp_path)
    altered = rewrite(
        path,
        tmp_path / "alteree.zip",
        data=lambda content: content.replace(b"AMF et l'UNML", b"AMF et l'UNMl"),
    )
    before = snapshot()

    with pytest.raises(CommandError, match="ne correspondent pas à leur empreinte"):
        restore(altered, "--replace")

    assert snapshot() == before


def test_a_row_failing_at_the_end_of_the_load_rolls_everything_back(populated, tmp_path):
    path = backup(tmp_path)

    def duplicate_last_row(content: bytes) -> bytes:
        lines = content.splitlines(keepends=True)
        return b"".join([*lines, lines[-1]])

    def with_checksum(manifest):
        with zipfile.ZipFile(path) as archive:
            manifest["data_sha256"] = hashlib.sha256(
                duplicate_last_row(archive.read(DATA))
            ).hexdigest()
        return manifest

    broken = rewrite(
        path, tmp_path / "doublon.zip", data=duplicate_last_row, manifest=with_checksum
    )
    Partner.objects.update(description="Changé après la sauvegarde")
    before = snapshot()

    with pytest.raises(CommandError, match="a échoué et a été annulée") as error:
        restore(broken, "--replace")

    assert NOTHING_CHANGED in str(error.value)
    assert snapshot() == before
