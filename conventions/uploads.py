"""Files uploaded by staff: the attachments of conventions and the logos of partners.

What is accepted. An attachment is a PDF, PNG, JPEG, DOCX or ODT file; a logo is a PNG or JPEG
image. The declared extension and the bytes must agree: the kind is read from the file's first
bytes (its "magic number", or for DOCX and ODT the members of the zip archive), never from the
name or the content type the browser sends. Anything else (an HTML or SVG page, a program
renamed .pdf, a PNG named .pdf) is refused with a French message on the field. The rules are the
model fields' validators, so the admin and the staff forms both apply them.

Where files are stored. Under a random name (`<uuid4 hex>.<extension>`): the name the user's
computer gave the file never reaches the disk, and a storage name cannot be guessed.

How they are served. Never from a public URL: only through views that check the reader's
permissions (`private_file_response`), with the content type of the kind read from the bytes,
`X-Content-Type-Options: nosniff` and a Content-Disposition Django writes safely (RFC 6266 and
5987). The PDF exports read logos straight from the storage (conventions/pdf.py).
"""

import math
import posixpath
import unicodedata
import uuid
import zipfile
import zlib
from collections.abc import Callable, Collection
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.formats import number_format

MEGABYTE = 1024 * 1024
LOGO_MAX_SIZE = 2 * MEGABYTE
# Enough for every signature below.
HEAD_SIZE = 16


@dataclass(frozen=True)
class FileKind:
    label: str
    extensions: tuple[str, ...]  # the first one is the extension given to stored files
    content_type: str

    @property
    def extension(self) -> str:
        return self.extensions[0]


PDF = FileKind("PDF", ("pdf",), "application/pdf")
PNG = FileKind("PNG", ("png",), "image/png")
JPEG = FileKind("JPEG", ("jpg", "jpeg"), "image/jpeg")
DOCX = FileKind(
    "DOCX",
    ("docx",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
ODT = FileKind("ODT", ("odt",), "application/vnd.oasis.opendocument.text")

ATTACHMENT_KINDS = (PDF, PNG, JPEG, DOCX, ODT)
LOGO_KINDS = (PNG, JPEG)

ODT_MIMETYPE = ODT.content_type.encode()


# Reading the kind from the bytes ------------------------------------------------------------


def _zip_kind(file) -> FileKind | None:
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            # ODF: the first member is "mimetype", stored as is, holding the document's type.
            first = members[0] if members else None
            if (
                first
                and first.filename == "mimetype"
                and first.file_size <= len(ODT_MIMETYPE)
                and archive.read(first) == ODT_MIMETYPE
            ):
                return ODT
            names = {member.filename for member in members}
            if {"[Content_Types].xml", "word/document.xml"} <= names:
                return DOCX
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError):
        pass
    except (NotImplementedError, RuntimeError, ValueError):
        pass  # An unknown compression method, an encrypted member: none of ours.
    return None


def sniff(file) -> FileKind | None:
    """The kind of `file` read from its bytes (None when it is none of ours); `file` is a
    seekable file object, left at its start."""
    file.seek(0)
    head = file.read(HEAD_SIZE)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        try:
            return _zip_kind(file)
        finally:
            file.seek(0)
    return None


def extension_of(name: str) -> str:
    return posixpath.splitext(name or "")[1].lstrip(".").lower()


def kind_for_extension(extension: str, kinds: Collection[FileKind]) -> FileKind | None:
    return next((kind for kind in kinds if extension in kind.extensions), None)


# Validation ---------------------------------------------------------------------------------


def megabytes(size: int, *, rounded_up: bool = False) -> str:
    """A size in Mo, in French, to a tenth: "20", "2,5"; `rounded_up`, so that a file just over
    the cap does not read as the cap itself."""
    value = (math.ceil if rounded_up else round)(size * 10 / MEGABYTE) / 10
    return number_format(value, decimal_pos=0 if value == int(value) else 1, use_l10n=True)


def _labels(kinds: Collection[FileKind]) -> str:
    labels = [kind.label for kind in kinds]
    return f"{', '.join(labels[:-1])} ou {labels[-1]}" if len(labels) > 1 else labels[0]


def _validate(value, *, kinds: Collection[FileKind], max_size: int, what: str) -> None:
    # A file already stored was checked when it was uploaded: only a new upload is read.
    if not value or getattr(value, "_committed", True):
        return
    accepted = _labels(kinds)
    if value.size > max_size:
        raise ValidationError(
            f"Ce fichier pèse {megabytes(value.size, rounded_up=True)} Mo : {what} ne peut "
            f"pas dépasser {megabytes(max_size)} Mo.",
            code="file_too_large",
        )
    extension = extension_of(value.name)
    declared = kind_for_extension(extension, kinds)
    if declared is None:
        shown = f"« .{extension} »" if extension else "sans extension"
        raise ValidationError(
            f"Format refusé ({shown}) : {what} doit être un fichier {accepted}.",
            code="file_extension",
        )
    actual = sniff(value.file)
    if actual is None:
        raise ValidationError(
            f"Le contenu de ce fichier n'est pas celui d'un fichier {accepted} : il est refusé. "
            f"Enregistrez le document au format {accepted}, puis déposez-le à nouveau.",
            code="file_content",
        )
    if actual != declared:
        raise ValidationError(
            f"Ce fichier porte l'extension « .{extension} » mais contient un fichier "
            f"{actual.label} : vérifiez que vous déposez le bon fichier.",
            code="file_mismatch",
        )


def validate_attachment(value) -> None:
    """An attachment: PDF, PNG, JPEG, DOCX or ODT, extension and content agreeing, at most
    ATTACHMENT_MAX_SIZE bytes."""
    _validate(
        value,
        kinds=ATTACHMENT_KINDS,
        max_size=settings.ATTACHMENT_MAX_SIZE,
        what="une pièce jointe",
    )


def validate_logo(value) -> None:
    """A logo: a PNG or JPEG image, extension and content agreeing, at most LOGO_MAX_SIZE."""
    _validate(value, kinds=LOGO_KINDS, max_size=LOGO_MAX_SIZE, what="un logo")


ATTACHMENT_HELP_TEXT = "PDF, PNG, JPEG, DOCX ou ODT."
LOGO_HELP_TEXT = f"Image PNG ou JPEG, {megabytes(LOGO_MAX_SIZE)} Mo au plus."
LOGO_INVALID_IMAGE_MESSAGE = (
    "Ce fichier n'est pas une image PNG ou JPEG lisible : enregistrez le logo dans l'un de "
    "ces formats, puis déposez-le à nouveau."
)


def attachment_help_text() -> str:
    """What the file field of an attachment accepts, with the size cap the settings give."""
    return f"PDF, PNG, JPEG, DOCX ou ODT, {megabytes(settings.ATTACHMENT_MAX_SIZE)} Mo au plus."


# Storage names ------------------------------------------------------------------------------


def _random_name(directory: str, filename: str, kinds: Collection[FileKind]) -> str:
    kind = kind_for_extension(extension_of(filename), kinds)
    # Validation refuses other extensions; a file saved without it is kept but never typed.
    extension = kind.extension if kind else "bin"
    return f"{directory}/{uuid.uuid4().hex}.{extension}"


# Where uploads are stored; the cleanup_media command looks for orphan files under them only.
ATTACHMENTS_DIR = "conventions/attachments"
LOGOS_DIR = "partners/logos"


def attachment_upload_to(instance, filename: str) -> str:
    """conventions/attachments/<year>/<random>.<extension>."""
    year = timezone.localdate().year
    return _random_name(f"{ATTACHMENTS_DIR}/{year}", filename, ATTACHMENT_KINDS)


def logo_upload_to(instance, filename: str) -> str:
    """partners/logos/<random>.<extension>."""
    return _random_name(LOGOS_DIR, filename, LOGO_KINDS)


# Serving ------------------------------------------------------------------------------------


def safe_filename(stem: str, extension: str, *, default: str) -> str:
    """A download name from `stem` (a title): no control character, no path separator, no
    character a file system refuses; Django quotes it in the header (RFC 6266 and 5987)."""
    cleaned = "".join(
        " " if unicodedata.category(c).startswith(("C", "Z")) or c in '\\/:*?"<>|' else c
        for c in unicodedata.normalize("NFC", stem)
    )
    cleaned = " ".join(cleaned.split())[:120].strip(" .") or default
    return f"{cleaned}.{extension}"


def private_file_response(
    name: str,
    *,
    stem: str,
    default_stem: str,
    kinds: Collection[FileKind],
    as_attachment: bool,
) -> FileResponse:
    """The stored file `name` for a reader the view has let in.

    Its content type is that of the kind read from its bytes. A file of none of `kinds` (stored
    before these rules, or by a script) is sent as an opaque download, or not at all when it
    was to be shown in the page (404).
    """
    try:
        file = default_storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404("Fichier introuvable.") from None
    kind = sniff(file)
    if kind not in kinds:
        if not as_attachment:
            file.close()
            raise Http404("Fichier d'un format non accepté.")
        content_type, extension = "application/octet-stream", extension_of(name) or "bin"
    else:
        content_type, extension = kind.content_type, kind.extension
    response = FileResponse(
        file,
        as_attachment=as_attachment,
        filename=safe_filename(stem, extension, default=default_stem),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Even opened on its own, the file may not run scripts nor load anything.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    patch_cache_control(response, private=True)
    return response


# Form widgets -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServedFile:
    """The current file as a file input shows it: a link to the view that serves it."""

    url: str
    label: str

    def __str__(self):
        return self.label


class ServedFileInputMixin:
    """A file input whose "Actuellement" link leads to the view serving the file (which checks
    the reader's permissions), never to the file's storage URL nor with its storage name."""

    def __init__(self, attrs=None, *, served_by: Callable[[object], str], label: str):
        super().__init__(attrs)
        self.served_by = served_by
        self.label = label

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"]:
            context["widget"]["value"] = ServedFile(url=self.served_by(value), label=self.label)
        return context


class ServedClearableFileInput(ServedFileInputMixin, forms.ClearableFileInput):
    pass


class AdminServedFileWidget(ServedFileInputMixin, AdminFileWidget):
    pass
