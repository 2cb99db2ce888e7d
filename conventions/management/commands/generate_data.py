import time

from django.core.management.base import BaseCommand, CommandError

from conventions.generate import (
    BATCH_SIZE,
    REFERENCE_DATE,
    format_number,
    generate_network,
    has_data,
    reset_data,
)


class Command(BaseCommand):
    help = (
        "Génère un réseau national réaliste de conventions de test (benchmarks) : régions, "
        "environ 450 Missions Locales, 15 associations régionales, partenaires nationaux, "
        "l'UNML, puis N conventions nationales, déclinaisons, renouvellements, avenants, axes, "
        "actions, signataires et bilans. Même graine, mêmes données (date de référence "
        f"{REFERENCE_DATE:%d/%m/%Y}). Insertion par lots, sans historique des modifications. "
        "Refuse de s'exécuter si la base contient déjà des partenaires ou des conventions, "
        "sauf avec --append (ajoute aux données existantes, en réutilisant les partenaires de "
        "même nom) ou --reset (SUPPRIME d'abord TOUS les partenaires, territoires, publics, "
        "thématiques et conventions, générés ou non, et leur historique ; les comptes "
        "utilisateurs sont conservés)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--conventions",
            type=int,
            default=1000,
            help="Nombre de conventions à créer (1000 par défaut).",
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="Graine du générateur (2026 par défaut)."
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"Conventions écrites par transaction ({BATCH_SIZE} par défaut).",
        )
        existing = parser.add_mutually_exclusive_group()
        existing.add_argument(
            "--append",
            action="store_true",
            help="Ajouter aux données existantes.",
        )
        existing.add_argument(
            "--reset",
            action="store_true",
            help=(
                "Supprimer d'abord tous les partenaires, territoires, publics, thématiques et "
                "conventions (et leur historique), puis générer."
            ),
        )

    def handle(self, *args, conventions, seed, batch_size, append, reset, **options):
        if conventions < 1:
            raise CommandError("--conventions doit être un nombre entier positif.")
        if batch_size < 1:
            raise CommandError("--batch-size doit être un nombre entier positif.")
        if has_data() and not (append or reset):
            raise CommandError(
                "La base contient déjà des partenaires ou des conventions. Relancez avec "
                "--append pour y ajouter les données générées, ou avec --reset pour tout "
                "supprimer avant de générer."
            )
        started = time.monotonic()
        if reset:
            reset_data()
            self.stdout.write("Partenaires, territoires et conventions supprimés.")

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"{format_number(done)} / {format_number(total)} conventions…")

        report = generate_network(
            count=conventions, seed=seed, batch_size=batch_size, progress=progress
        )
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Données générées en {elapsed:.0f} s :"))
        for line in report.lines():
            self.stdout.write(f"  {line}")
