import argparse
import datetime

from django.core.management.base import BaseCommand

from accounts.reminders import send_reminders


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"« {value} » n'est pas une date AAAA-MM-JJ.") from error


class Command(BaseCommand):
    help = (
        "Envoie à chaque utilisateur abonné un courriel récapitulant ses nouvelles échéances "
        "(à lancer chaque jour ; un même rappel n'est jamais envoyé deux fois)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=iso_date,
            default=None,
            help="Jour à considérer comme aujourd'hui (AAAA-MM-JJ), pour les essais.",
        )

    def handle(self, *args, **options):
        count = send_reminders(on=options["date"])
        self.stdout.write(f"Rappels : {count} courriel(s) envoyé(s).")
