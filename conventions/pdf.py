"""PDF exports: the convention summary ("fiche convention") and dossiers, drawn by WeasyPrint.

Resources. The HTML is given the base URL https://pdf.invalid/ (a name reserved never to
resolve), so `{% static %}` and media URLs become https://pdf.invalid/static/... and
https://pdf.invalid/media/... . WeasyPrint fetches every resource through `StorageUrlFetcher`,
which serves those two prefixes from the staticfiles finders or storage and from the media
storage, reading them through Django, and refuses anything else: other hosts, file:// paths,
data: URLs (nothing of ours needs them, so nothing is lost by refusing them), paths that climb
out with "..". A refused resource is left out of the PDF and logged by WeasyPrint; the PDF is
still produced.

Large dossiers. Over DOSSIER_SYNC_LIMIT conventions the request loads the conventions and
renders the HTML (all the database work, in the request's transaction and connection), then a
background thread only runs WeasyPrint, about 0.1 s a page, and writes the PDF to the media
storage under DOSSIERS_DIR, where any gunicorn worker can find it. The user is sent to a page
that refreshes itself (meta refresh, no script) until the PDF is ready, then downloads it.
Chosen over streaming (a PDF cannot be sent before its last page is laid out) and over a task
queue (no broker to run for a few dossiers a day). A worker stopped mid-way leaves the job
pending: after DOSSIER_TIMEOUT it is reported as failed and the user is asked to start again.
The files are named by random UUIDs, only their owner can download them through the view, and
they are deleted after DOSSIER_LIFETIME.
"""

import datetime
import functools
import io
import json
import logging
import mimetypes
import posixpath
import re
import threading
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone
from fontTools.ttLib import TTFont
from text_unidecode import unidecode
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .enums import Status
from .models import Convention
from .typography import NNBSP, ascii_slug, french_spacing

logger = logging.getLogger(__name__)

PDF_HOST = "pdf.invalid"
BASE_URL = f"https://{PDF_HOST}/"

# Above this many conventions a dossier is drawn in the background (about 0.1 s a page).
DOSSIER_SYNC_LIMIT = 20
DOSSIERS_DIR = "dossiers-pdf"
# A dossier still not ready after this long is reported as failed (its worker was stopped).
DOSSIER_TIMEOUT = datetime.timedelta(minutes=10)
DOSSIER_LIFETIME = datetime.timedelta(days=1)


# Resources ---------------------------------------------------------------------------------


class RefusedUrl(ValueError):
    """WeasyPrint asked for a resource outside the static and media storages."""


def storage_name(path: str) -> str:
    """The storage name of a URL path below a prefix; refuses climbing out of it."""
    name = posixpath.normpath(path)
    if not path or "\\" in path or "\x00" in path or name.startswith(("/", "..")) or name == ".":
        raise RefusedUrl(f"Chemin refusé : {path!r}")
    return name


def read_static(name: str) -> bytes:
    # The finders first (development, tests: the sources), then the collected files (production,
    # where the names carry the manifest's hash and only the storage knows them).
    path = finders.find(name)
    if path:
        with open(path, "rb") as file:
            return file.read()
    if staticfiles_storage.exists(name):
        with staticfiles_storage.open(name) as file:
            return file.read()
    raise FileNotFoundError(f"Fichier statique introuvable : {name}")


def read_media(name: str) -> bytes:
    with default_storage.open(name) as file:
        return file.read()


class StorageUrlFetcher(URLFetcher):
    """Serves WeasyPrint the project's static and media files, and nothing else."""

    def __init__(self):
        super().__init__(allowed_protocols=("https",))

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme != "https" or parts.netloc != PDF_HOST:
            raise RefusedUrl(f"Ressource refusée (hors des fichiers du site) : {url[:200]}")
        path = unquote(parts.path)
        sources = ((settings.STATIC_URL, read_static), (settings.MEDIA_URL, read_media))
        for prefix, read in sources:
            prefix = "/" + prefix.lstrip("/")
            if path.startswith(prefix):
                name = storage_name(path.removeprefix(prefix))
                content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    url, body=read(name), headers={"Content-Type": content_type}
                )
        raise RefusedUrl(f"Ressource refusée (ni statique ni média) : {url[:200]}")


# Text ----------------------------------------------------------------------------------------

# The faces static/pdf/print.css embeds. A character they lack would be drawn in whatever font the
# server has (another look), or as a box when none has it (emoji): the text is made to fit them.
PDF_FONTS = (
    "vendor/source-sans-3/source-sans-3-latin-400-normal.woff",
    "vendor/source-sans-3/source-sans-3-latin-400-italic.woff",
    "vendor/source-sans-3/source-sans-3-latin-700-normal.woff",
)
# Characters the fonts lack with a drawable stand-in; other letters are transliterated ("Ł" ->
# "L"), other symbols and emoji left out.
SUBSTITUTES = {
    "\u202f": "\u00a0",  # narrow no-break space (before ; ! ?): a no-break space
    "\u2009": " ",
    "\u200a": " ",
    "\u2011": "-",  # non-breaking hyphen
    "→": "->",
    "←": "<-",
    "⇒": "=>",
    "↔": "<->",
}


@functools.cache
def drawable_characters() -> frozenset[str]:
    """The characters every embedded face draws."""
    faces = []
    for name in PDF_FONTS:
        font = TTFont(io.BytesIO(read_static(name)))
        faces.append(set(font.getBestCmap()))
    return frozenset(map(chr, set.intersection(*faces)))


def _drawable(character: str, drawable: frozenset[str]) -> str:
    if character in SUBSTITUTES:
        return SUBSTITUTES[character]
    decomposed = unicodedata.normalize("NFKD", character)
    if decomposed != character and all(c in drawable for c in decomposed):
        return decomposed
    if unicodedata.category(character)[0] in "LN":
        ascii_form = unidecode(character)
        if ascii_form and all(c in drawable for c in ascii_form):
            return ascii_form
    return ""


def drawable_text(text: str) -> str:
    """`text` with only characters the embedded fonts draw: "🎉 Fête ✓ → ★" -> " Fête  -> "."""
    drawable = drawable_characters()
    text = unicodedata.normalize("NFC", text)
    if all(c in drawable or c in "\n\r\t" for c in text):
        return text
    return "".join(c if c in drawable or c in "\n\r\t" else _drawable(c, drawable) for c in text)


_TAG = re.compile(r"(<[^>]*>)")


def typeset(html: str) -> str:
    """The document's text with French spacing (conventions/typography.py), and every character
    drawable by the embedded fonts. Markup is ASCII: only texts and attribute values change."""
    parts = _TAG.split(drawable_text(html))
    parts[::2] = [french_spacing(part) for part in parts[::2]]
    # The narrow no-break space is not in the fonts: a no-break space stands for it.
    return "".join(parts).replace(NNBSP, SUBSTITUTES[NNBSP])


def render_pdf(html: str) -> bytes:
    html = typeset(html)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StorageUrlFetcher()).write_pdf()


# Summary and dossiers ----------------------------------------------------------------------


def summary_filename(convention: Convention) -> str:
    """convention-<reference>-<slug>.pdf, ASCII only: safe in any header and any file system."""
    slug = ascii_slug(convention.title)[:80].rstrip("-")
    return f"convention-{'-'.join(filter(None, [convention.reference, slug]))}.pdf"


def summary_html(convention: Convention) -> str:
    return render_to_string(
        "conventions/pdf/convention_summary.html",
        {"convention": convention, "generated_on": timezone.localdate()},
    )


def render_summary(convention: Convention) -> bytes:
    """The summary of one convention loaded with the convention page's queryset."""
    return render_pdf(summary_html(convention))


@dataclass(frozen=True, kw_only=True)
class DossierCover:
    title: str
    subtitle: str = ""
    criteria: tuple[tuple[str, str], ...] = ()
    logo_url: str = ""


def dossier_html(conventions: Iterable[Convention], *, cover: DossierCover) -> str:
    conventions = list(conventions)
    in_force = sum(1 for c in conventions if c.current_status == Status.IN_FORCE)
    return render_to_string(
        "conventions/pdf/dossier.html",
        {
            "conventions": conventions,
            "cover": cover,
            "in_force_count": in_force,
            "generated_on": timezone.localdate(),
        },
    )


# Dossiers drawn in the background ---------------------------------------------------------


class DossierState:
    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


@dataclass(frozen=True, kw_only=True)
class DossierJob:
    id: uuid.UUID
    user_id: int
    filename: str
    count: int
    started_at: datetime.datetime
    state: str

    @property
    def pdf_name(self) -> str:
        return job_file(self.id, "pdf")


def job_file(job_id: uuid.UUID, extension: str) -> str:
    return f"{DOSSIERS_DIR}/{job_id}.{extension}"


_threads: list[threading.Thread] = []


def start_dossier_job(*, html: str, filename: str, count: int, user_id: int) -> DossierJob:
    """Draw the dossier in a background thread; its state is read back with `dossier_job()`.

    Files of the job, in the media storage: <id>.json (who asked, what, when), then <id>.pdf
    and <id>.ready once the PDF is fully written, or <id>.failed.
    """
    purge_old_dossiers()
    job = DossierJob(
        id=uuid.uuid4(),
        user_id=user_id,
        filename=filename,
        count=count,
        started_at=timezone.now(),
        state=DossierState.PENDING,
    )
    meta = {
        "user_id": user_id,
        "filename": filename,
        "count": count,
        "started_at": job.started_at.isoformat(),
    }
    default_storage.save(job_file(job.id, "json"), ContentFile(json.dumps(meta).encode()))
    thread = threading.Thread(
        target=_draw_dossier, args=(job.id, html), name=f"dossier-{job.id}", daemon=True
    )
    _threads[:] = [t for t in _threads if t.is_alive()]
    _threads.append(thread)
    thread.start()
    return job


def _draw_dossier(job_id: uuid.UUID, html: str) -> None:
    try:
        pdf = render_pdf(html)
        default_storage.save(job_file(job_id, "pdf"), ContentFile(pdf))
        default_storage.save(job_file(job_id, "ready"), ContentFile(b""))
    except Exception:
        logger.exception("Échec de la préparation du dossier PDF %s", job_id)
        default_storage.save(job_file(job_id, "failed"), ContentFile(b""))


def wait_for_dossier_jobs(timeout: float | None = None) -> None:
    """Join the dossier threads of this process (tests and the benchmark)."""
    for thread in list(_threads):
        thread.join(timeout)


def dossier_job(job_id: uuid.UUID, *, user_id: int) -> DossierJob | None:
    """The job if it exists and belongs to `user_id`, with its current state."""
    try:
        with default_storage.open(job_file(job_id, "json")) as file:
            meta = json.loads(file.read())
    except FileNotFoundError:
        return None
    if meta["user_id"] != user_id:
        return None
    started_at = datetime.datetime.fromisoformat(meta["started_at"])
    if default_storage.exists(job_file(job_id, "ready")):
        state = DossierState.READY
    elif (
        default_storage.exists(job_file(job_id, "failed"))
        or timezone.now() - started_at > DOSSIER_TIMEOUT
    ):
        state = DossierState.FAILED
    else:
        state = DossierState.PENDING
    return DossierJob(
        id=job_id,
        user_id=user_id,
        filename=meta["filename"],
        count=meta["count"],
        started_at=started_at,
        state=state,
    )


def open_dossier(job: DossierJob):
    return default_storage.open(job.pdf_name)


def purge_old_dossiers() -> None:
    """Delete the files of dossiers started more than DOSSIER_LIFETIME ago."""
    try:
        _, files = default_storage.listdir(DOSSIERS_DIR)
    except FileNotFoundError:
        return
    limit = timezone.now() - DOSSIER_LIFETIME
    for name in files:
        path = f"{DOSSIERS_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
        except FileNotFoundError:
            pass  # Deleted meanwhile by another worker.
