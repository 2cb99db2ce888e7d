from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import create_demo_accounts


class Command(BaseCommand):
    help = "Crée un compte de démonstration par rôle (développement local uniquement)."

    def handle(self, *args, **options):
        try:
            results = create_demo_accounts()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        self.stdout.write("Comptes de démonstration (usage local uniquement) :")
        for account, created in results:
            state = "créé" if created else "déjà présent"
            self.stdout.write(
                f"  {account.role:<15} identifiant : {account.username:<8} "
                f"mot de passe : {account.password}  ({state})"
            )
