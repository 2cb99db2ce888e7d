from django.core.management.base import BaseCommand

from conventions.demo import load_demo_data


class Command(BaseCommand):
    help = (
        "Charge les partenaires et les six conventions de démonstration ; "
        "ce qui existe déjà n'est pas modifié."
    )

    def handle(self, *args, **options):
        report = load_demo_data()
        self.stdout.write("Données de démonstration :")
        for line in report.lines():
            self.stdout.write(f"  {line}")
