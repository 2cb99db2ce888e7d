import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.formats import date_format

from conventions.backup import BackupError, restore


def when(created_at: str) -> str:
    """ "2026-05-29T08:30:00+00:00" -> "29 mai 2026 à 10:30" (local time)."""
    try:
        moment = timezone.localtime(datetime.datetime.fromisoformat(created_at))
    except ValueError:
        return created_at or "date inconnue"
    return date_format(moment, r"j F Y \à H:i")


class Command(BaseCommand):
    help = (
        "Restaure une archive écrite par backup_data : toutes les données en une transaction "
        "(tout ou rien), puis les fichiers déposés. Refuse une base qui contient déjà des "
        "données, sauf avec --replace. Voir docs/deployment.md, « Sauvegardes »."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="chemin de l'archive écrite par backup_data")
        parser.add_argument(
            "--replace",
            action="store_true",
            help=(
                "efface d'abord toutes les données de l'application (et les sessions : chacun "
                "devra se reconnecter) pour les remplacer par celles de l'archive"
            ),
        )

    def handle(self, *args, archive, replace, **options):
        try:
            report = restore(archive, replace=replace)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Sauvegarde du {when(report.created_at)} restaurée : {report.rows} lignes, "
                f"{report.files} fichiers. Les nombres de lignes correspondent au manifeste."
            )
        )
