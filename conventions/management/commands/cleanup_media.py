"""List the stored files no row names (an attachment's file, a partner's logo) and, with
--delete, remove them. Only the upload folders are read: other stored files (PDFs being built)
are not rows' files. Files younger than --older-than minutes are left alone: their row may not
be committed yet."""

import datetime
import posixpath

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

from conventions.stored_files import UPLOAD_DIRS, named_files

DEFAULT_MIN_AGE_MINUTES = 60


def stored_names(storage, folder: str):
    """Every file under `folder`, recursively (none if the folder does not exist)."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield posixpath.join(folder, name)
    for directory in directories:
        yield from stored_names(storage, posixpath.join(folder, directory))


class Command(BaseCommand):
    help = (
        "Signale les fichiers stockés qu'aucune pièce jointe ni logo ne référence ; "
        "--delete les supprime."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete", action="store_true", help="Supprimer les fichiers orphelins trouvés."
        )
        parser.add_argument(
            "--older-than",
            type=int,
            default=DEFAULT_MIN_AGE_MINUTES,
            metavar="MINUTES",
            help="Ne retenir que les fichiers plus anciens (par défaut : 60 minutes).",
        )

    def handle(self, *args, delete: bool, older_than: int, **options):
        storage = default_storage
        named = named_files()
        limit = timezone.now() - datetime.timedelta(minutes=older_than)
        orphans = [
            name
            for folder in UPLOAD_DIRS
            for name in sorted(stored_names(storage, folder))
            if name not in named and storage.get_modified_time(name) <= limit
        ]
        for name in orphans:
            if delete:
                storage.delete(name)
            self.stdout.write(f"{name}{' : supprimé' if delete else ''}")
        count = len(orphans)
        plural = "s" if count > 1 else ""
        if delete:
            summary = f"{count} fichier{plural} orphelin{plural} supprimé{plural}."
        elif count:
            summary = (
                f"{count} fichier{plural} orphelin{plural} trouvé{plural} : "
                "relancez avec --delete pour les supprimer."
            )
        else:
            summary = "Aucun fichier orphelin."
        self.stdout.write(summary)
