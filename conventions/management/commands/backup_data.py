from django.core.management.base import BaseCommand, CommandError

from conventions.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Écrit dans une archive zip toutes les données de l'application (comptes, rôles, "
        "partenaires, conventions, historique, préférences de rappel) et les fichiers déposés. "
        "Voir docs/deployment.md, « Sauvegardes »."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "archive", help="chemin de l'archive à créer (.zip) ; il ne doit pas exister"
        )

    def handle(self, *args, archive, **options):
        try:
            report = backup(archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        for name in report.missing_files:
            self.stderr.write(
                self.style.WARNING(f"Fichier introuvable dans le stockage, non sauvegardé : {name}")
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Sauvegarde écrite dans {report.path} : {report.rows} lignes, "
                f"{report.files} fichiers."
            )
        )
