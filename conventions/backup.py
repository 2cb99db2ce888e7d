"""Back up every record of the application and its uploaded files in one archive, and restore it.

`manage.py backup_data <archive>` and `manage.py restore_data <archive>` (docs/deployment.md):
a portable, application-level copy, which any database Django supports can take back (PostgreSQL
or the embedded SQLite), next to the server-level `pg_dump`.

The archive is a zip file:
- `manifest.json`: format version, date, the migrations the data was written under, the number
  of rows of each table, the SHA-256 of every other member;
- `data.jsonl`: every row of every table, one a line (Django's JSON Lines serialisation, dates
  to the microsecond), each with its primary key: users, groups and their permissions, partners,
  conventions and everything hanging off them, the many-to-many link tables, the change history,
  the reminder preferences, the admin's log;
- `media/<name>`: the uploaded files the rows name (attachments, logos).

Left out: the sessions and sign-in attempts (the state of one server, not of the registry) and
the content types and permissions, which `migrate` creates: rows pointing to them name them by
their natural key ("add_convention", "conventions", "convention"), since their ids may differ
from one database to another.

Restoring loads the rows as they were saved, in one transaction: all of them or none. Rows are
saved "raw", as by `loaddata`: no `save()` method runs, and the receivers that write ignore raw
saves (search document, version, change history: conventions/search.py,
conventions/versioning.py, simple_history), so a convention comes back with the very version and
search document it had; the others only renew the cached pages' token (page_cache.py). Link
rows are rows of their own table rather than `.set()` calls, so no many-to-many signal fires
either (simple_history would record a change). The sequences are then moved past the restored
ids, the row counts checked against the manifest, and the files written to the storage.
"""

import datetime
import hashlib
import io
import json
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.cache import cache
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.utils import validate_file_name
from django.core.management.color import no_style
from django.core.serializers import jsonl
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone, translation

FORMAT = 1
MANIFEST = "manifest.json"
DATA = "data.jsonl"
MEDIA = "media/"

# The state of a server rather than of the registry: sign-ins and sign-in attempts.
EXCLUDED_APPS = {"contenttypes", "sessions", "axes"}
# Created by `migrate`, named by their natural key in the rows that point to them.
EXCLUDED_MODELS = {"auth.permission"}
BY_NATURAL_KEY = (ContentType, Permission)
# Rows `migrate` creates itself (the roles, accounts/roles.py): a database holding only these is
# empty; the archive's own roles replace them.
CREATED_BY_MIGRATE = {"auth.group", "auth.group_permissions"}

CHUNK_SIZE = 2000
WRITE_BUFFER = 1024 * 1024


class BackupError(Exception):
    """A backup or a restore that cannot be done; the message, in French, says why."""


def backed_up_models() -> list[type[models.Model]]:
    """Every table the archive holds, the many-to-many link tables included."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in EXCLUDED_APPS
        and model._meta.label_lower not in EXCLUDED_MODELS
        and model._meta.managed
        and not model._meta.proxy
    ]


def applied_migrations(models_: list[type[models.Model]]) -> list[str]:
    labels = {model._meta.app_label for model in models_}
    applied = MigrationRecorder(connection).applied_migrations()
    return sorted(f"{app}.{name}" for app, name in applied if app in labels)


def _file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.FileField) and f.storage is default_storage
    ]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# Writing ------------------------------------------------------------------------------------


class _Encoder(DjangoJSONEncoder):
    """Dates and times to the microsecond (DjangoJSONEncoder keeps milliseconds only)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class _Serializer(jsonl.Serializer):
    """One row a line, its foreign keys as ids, except to content types and permissions
    (natural keys). Many-to-many links are rows of their link table, not lists in the row."""

    def handle_field(self, obj, field):
        # A generated column is computed again by the database from the restored row.
        if not field.generated:
            super().handle_field(obj, field)

    def handle_fk_field(self, obj, field):
        if issubclass(field.related_model, BY_NATURAL_KEY):
            related = getattr(obj, field.name)
            self._current[field.name] = related.natural_key() if related else None
        else:
            self._current[field.name] = self._value_from_field(obj, field)

    def handle_m2m_field(self, obj, field):
        pass


class _MemberWriter:
    """The text stream the serialiser writes to: UTF-8 into an archive member, hashed."""

    def __init__(self, member):
        self.member = member
        self.sha256 = hashlib.sha256()
        self.buffer: list[bytes] = []
        self.size = 0

    def write(self, text: str) -> None:
        data = text.encode()
        self.buffer.append(data)
        self.size += len(data)
        if self.size >= WRITE_BUFFER:
            self.flush()

    def flush(self) -> None:
        data = b"".join(self.buffer)
        self.sha256.update(data)
        self.member.write(data)
        self.buffer, self.size = [], 0


def _rows(model: type[models.Model]):
    related = [
        f.name + ("__content_type" if f.related_model is Permission else "")
        for f in model._meta.concrete_fields
        if f.is_relation and issubclass(f.related_model, BY_NATURAL_KEY)
    ]
    queryset = model._base_manager.select_related(*related).order_by("pk")
    return queryset.iterator(chunk_size=CHUNK_SIZE)


def _one_snapshot() -> None:
    """Make the transaction just started read one consistent state of the database.

    PostgreSQL reads each statement's own snapshot by default: a row written between two tables'
    reads could point to a row the archive lacks. SQLite's transaction reads one state already.
    Called first thing in a new transaction (SET TRANSACTION must precede any query).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


@dataclass
class BackupReport:
    path: Path
    rows: int
    files: int
    missing_files: list[str] = field(default_factory=list)


def _write_archive(archive: zipfile.ZipFile) -> BackupReport:
    models_ = backed_up_models()
    counts: dict[str, int] = {}
    files: dict[str, str] = {}
    missing: list[str] = []

    def rows():
        for model in models_:
            count = 0
            for row in _rows(model):
                count += 1
                yield row
            counts[model._meta.label] = count

    new_transaction = not connection.in_atomic_block
    with transaction.atomic():
        if new_transaction:
            _one_snapshot()
        with archive.open(DATA, "w", force_zip64=True) as member:
            stream = _MemberWriter(member)
            _Serializer().serialize(rows(), stream=stream, cls=_Encoder)
            stream.flush()
        names = {
            name
            for model in models_
            for f in _file_fields(model)
            for name in model._base_manager.exclude(**{f.attname: ""}).values_list(
                f.attname, flat=True
            )
            if name
        }
        for name in sorted(names):
            try:
                with default_storage.open(name, "rb") as file:
                    data = file.read()
            except OSError:  # FileNotFoundError included: the row outlived its file
                missing.append(name)
                continue
            archive.writestr(MEDIA + name, data)
            files[name] = _sha256(data)
        manifest = {
            "format": FORMAT,
            "application": "Conventions UNML",
            "created_at": timezone.now().isoformat(),
            "database": connection.vendor,
            "migrations": applied_migrations(models_),
            "counts": counts,
            "data_sha256": stream.sha256.hexdigest(),
            "files": files,
            "missing_files": missing,
        }
    archive.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
    return BackupReport(
        path=Path(), rows=sum(counts.values()), files=len(files), missing_files=missing
    )


def backup(path: str | Path) -> BackupReport:
    """Write every row and uploaded file to a new zip archive at `path`.

    The archive is written under a temporary name and renamed once complete: a backup that
    fails midway never leaves a partial archive under the name asked for. An existing archive
    is never overwritten.
    """
    path = Path(path)
    if path.exists():
        raise BackupError(
            f"Le fichier {path} existe déjà : choisissez un autre nom "
            "(une sauvegarde n'en écrase jamais une autre)."
        )
    if not path.parent.is_dir():
        raise BackupError(f"Le dossier {path.parent} n'existe pas : créez-le d'abord.")
    partial = path.with_name(f".{path.name}.partielle")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            report = _write_archive(archive)
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    report.path = path
    return report


# Reading ------------------------------------------------------------------------------------

# Raised by zipfile and zlib on a truncated or altered archive.
UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, OSError, UnicodeDecodeError)


def _damaged(path: Path, detail: str = "") -> BackupError:
    detail = f" ({detail})" if detail else ""
    return BackupError(
        f"L'archive {path} est illisible ou abîmée{detail} : elle est peut-être incomplète "
        "(copie interrompue) ou altérée. Rien n'a été modifié ; utilisez une autre sauvegarde."
    )


def _read_manifest(archive: zipfile.ZipFile, path: Path) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise BackupError(
            f"{path} n'est pas une sauvegarde de l'application (pas de {MANIFEST}). "
            "Rien n'a été modifié."
        ) from None
    except (*UNREADABLE, ValueError) as error:
        raise _damaged(path, "manifeste illisible") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise BackupError(
            f"Format de sauvegarde {found!r} non pris en charge (cette version lit le format "
            f"{FORMAT}). Rien n'a été modifié."
        )
    return manifest


def _check_same_schema(manifest: dict, models_: list[type[models.Model]]) -> None:
    archived, current = set(manifest.get("migrations", [])), set(applied_migrations(models_))
    if archived == current:
        return
    only_archive = ", ".join(sorted(archived - current)[:5]) or "aucune"
    only_here = ", ".join(sorted(current - archived)[:5]) or "aucune"
    raise BackupError(
        "Cette archive a été faite avec une autre version de la structure de la base "
        f"(migrations de l'archive absentes ici : {only_archive} ; migrations d'ici absentes "
        f"de l'archive : {only_here}). Restaurez-la avec la version de l'application qui l'a "
        "produite (même `migrate`), puis mettez l'application à jour. Rien n'a été modifié."
    )


def _check_members(archive: zipfile.ZipFile, manifest: dict, path: Path) -> None:
    """Read every member once, before anything is changed: checksums and file names."""
    try:
        digest = hashlib.sha256()
        with archive.open(DATA) as member:
            while chunk := member.read(WRITE_BUFFER):
                digest.update(chunk)
        if digest.hexdigest() != manifest.get("data_sha256"):
            raise _damaged(path, "les données ne correspondent pas à leur empreinte")
        for name, sha256 in manifest.get("files", {}).items():
            try:
                validate_file_name(name, allow_relative_path=True)
            except SuspiciousFileOperation:
                raise _damaged(path, f"nom de fichier refusé : {name}") from None
            if _sha256(archive.read(MEDIA + name)) != sha256:
                raise _damaged(path, f"le fichier {name} ne correspond pas à son empreinte")
    except KeyError as error:
        raise _damaged(path, f"élément manquant : {error.args[0]}") from error
    except UNREADABLE as error:
        raise _damaged(path) from error


def _non_empty_tables(models_: list[type[models.Model]]) -> list[str]:
    with translation.override(settings.LANGUAGE_CODE):
        return [
            f"{model._meta.verbose_name_plural} : {model._base_manager.count()}"
            for model in models_
            if model._meta.label_lower not in CREATED_BY_MIGRATE and model._base_manager.exists()
        ]


def _empty(models_: list[type[models.Model]]) -> None:
    tables = [model._meta.db_table for model in models_]
    if connection.vendor == "postgresql":
        # PostgreSQL refuses to truncate a table with foreign-key checks still pending in the
        # transaction (deferred constraints): run them first.
        connection.check_constraints()
    with connection.cursor() as cursor:
        for sql in connection.ops.sql_flush(no_style(), tables):
            cursor.execute(sql)


def _load(archive: zipfile.ZipFile, models_: list[type[models.Model]]) -> Counter:
    allowed = set(models_)
    loaded: Counter = Counter()
    with archive.open(DATA) as member, connection.constraint_checks_disabled():
        lines = io.TextIOWrapper(member, encoding="utf-8")
        for item in serializers.deserialize("jsonl", lines, handle_forward_references=False):
            model = type(item.object)
            if model not in allowed:
                raise BackupError(
                    f"L'archive contient des lignes d'une table qui ne se restaure pas "
                    f"({model._meta.label}). Rien n'a été modifié."
                )
            # save_base(raw=True): neither save() nor the receivers change what was saved.
            item.save(force_insert=True)
            loaded[model._meta.label] += 1
    # Foreign keys are checked at the end, once every row is in (deferred constraints).
    connection.check_constraints(table_names=[model._meta.db_table for model in models_])
    return loaded


def _check_counts(manifest: dict, models_: list[type[models.Model]], loaded: Counter) -> None:
    expected = manifest.get("counts", {})
    labels = {model._meta.label for model in models_}
    if set(expected) != labels:
        missing = ", ".join(sorted(labels - set(expected))[:5]) or "aucune"
        unknown = ", ".join(sorted(set(expected) - labels)[:5]) or "aucune"
        raise BackupError(
            f"L'archive ne décrit pas les mêmes tables que cette installation (absentes de "
            f"l'archive : {missing} ; inconnues ici : {unknown}). Rien n'a été modifié."
        )
    for model in models_:
        label = model._meta.label
        in_base = model._base_manager.count()
        if not expected[label] == loaded[label] == in_base:
            raise BackupError(
                f"Nombre de lignes inattendu pour {label} : {expected[label]} dans le "
                f"manifeste, {loaded[label]} lues, {in_base} en base. Rien n'a été modifié."
            )


def _restore_files(archive: zipfile.ZipFile, manifest: dict) -> int:
    files = manifest.get("files", {})
    for name in sorted(files):
        data = archive.read(MEDIA + name)
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as existing:
                if existing.read() == data:
                    continue
            default_storage.delete(name)
        try:
            saved = default_storage.save(name, ContentFile(data))
        except OSError as error:
            raise BackupError(
                f"Le fichier {name} n'a pas pu être écrit ({error}) : la restauration a été "
                "annulée, la base n'a pas été modifiée."
            ) from error
        if saved != name:
            raise BackupError(
                f"Le fichier {name} n'a pas pu être rétabli sous son nom (enregistré sous "
                f"{saved}) : la restauration a été annulée, la base n'a pas été modifiée."
            )
    return len(files)


def _reset_sequences(models_: list[type[models.Model]]) -> None:
    # Rows came with their ids: the next row created must take the one after the largest.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models_):
            cursor.execute(sql)


@dataclass
class RestoreReport:
    rows: int
    files: int
    created_at: str


def restore(path: str | Path, *, replace: bool = False) -> RestoreReport:
    """Load the archive at `path` into the database and the storage, all or nothing.

    The database must hold no data but the roles `migrate` creates, unless `replace`: then
    every table the archive holds is emptied first, and the sessions deleted (everyone signs in
    again). The archive is read and checked in full before anything changes; the rows are
    loaded in one transaction, which a failure anywhere rolls back. Files are written last:
    they are copies of the archive's, written under their own names, and a file the restored
    rows no longer name is left where it was.
    """
    path = Path(path)
    models_ = backed_up_models()
    # Content types are named by natural key: read them afresh, not from an earlier database.
    ContentType.objects.clear_cache()
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BackupError(f"L'archive {path} est introuvable.") from None
    except UNREADABLE as error:
        raise _damaged(path) from error
    with archive:
        manifest = _read_manifest(archive, path)
        _check_same_schema(manifest, models_)
        _check_members(archive, manifest, path)
        try:
            with transaction.atomic():
                if not replace and (filled := _non_empty_tables(models_)):
                    shown = ", ".join(filled[:4]) + ("…" if len(filled) > 4 else "")
                    raise BackupError(
                        f"La base de données n'est pas vide ({shown}) : la "
                        "restauration effacerait ces données. Relancez avec --replace pour les "
                        "remplacer par celles de l'archive, ou restaurez dans une base neuve "
                        "(après `migrate`). Rien n'a été modifié."
                    )
                _empty(models_)
                if replace and apps.is_installed("django.contrib.sessions"):
                    from django.contrib.sessions.models import Session

                    Session.objects.all().delete()
                loaded = _load(archive, models_)
                _check_counts(manifest, models_, loaded)
                files = _restore_files(archive, manifest)
                # Last: a sequence change survives a rollback (PostgreSQL).
                _reset_sequences(models_)
                # Cached figures and sessions belonged to the data just replaced.
                transaction.on_commit(cache.clear)
        except BackupError:
            raise
        except (DeserializationError, DatabaseError, ValidationError, ValueError) as error:
            raise BackupError(
                f"La restauration a échoué et a été annulée. Rien n'a été modifié. Cause : {error}"
            ) from error
        except UNREADABLE as error:
            raise _damaged(path) from error
    return RestoreReport(
        rows=sum(loaded.values()), files=files, created_at=manifest.get("created_at", "")
    )
