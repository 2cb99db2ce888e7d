"""Generated test data: a realistic national network of conventions, fast (`generate_data`).

`generate_network()` creates the regions, about 450 Missions Locales, 15 regional associations,
national partners and the UNML (reused when they exist), then `count` conventions: national
conventions (some with a declination deadline) in renewal chains, their local and regional
declinations, and local or regional conventions of the Missions Locales and regional
associations, also in renewal chains. Each has its parties and signatories, 3 to 6 axes of 2 to
5 actions, and, depending on its dates, amendments, reviews, quantified targets with yearly
results, audiences, themes and territories.

Speed: rows are written with `bulk_create`, one transaction per batch of conventions, and every
derived field is computed here (reference, effective and end dates) rather than by `save()`. The
search documents are built by `conventions.search.build_search_documents` after each batch and
stored with one UPDATE per batch. No signal fires and no history row is written: the historical
tables stay empty for generated data (the change history of a generated convention is empty).

Deterministic: everything comes from `random.Random(seed)` and the fixed `REFERENCE_DATE`; the
same seed on an empty database gives the same rows. Only `created_at` / `updated_at` record the
real time of the run, as they do for any row.
"""

import datetime
import operator
import queue
import random
import re
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model

from conventions.typography import ascii_slug
from partners.enums import PartnerKind, TerritoryKind
from partners.models import Partner, Territory

from . import demo
from .dates import add_months
from .enums import (
    CommitmentStatus,
    ConventionKind,
    PartyRole,
    ReviewKind,
    Scope,
    TerminationMethod,
)
from .models import (
    Amendment,
    Audience,
    Axis,
    Commitment,
    Convention,
    Party,
    Review,
    Signatory,
    Target,
    TargetResult,
    Theme,
)
from .models.convention import last_day_in_force
from .search import build_search_documents
from .services import DECLINATION_SCOPES, DECLINATION_TITLE_SUFFIX

# "Today" for the generated data: statuses, reviews and results are drawn as seen on this day.
REFERENCE_DATE = datetime.date(2026, 9, 1)
FIRST_YEAR = 2000
BATCH_SIZE = 2000
# Share of the conventions that are national (the rest: declinations and local conventions).
NATIONAL_SHARE = 0.04
# Share of the non-national conventions that are declinations of a national one.
DECLINATION_SHARE = 0.55

# The values of a generated action, in this order.
COMMITMENT_FIELDS = ("convention", "axis", "position", "text", "bearer", "status", "due_on", "note")

# Reference data --------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    """Names separated by spaces, an article staying with its name: "Le Mans Laval"."""
    names: list[str] = []
    for word in text.split():
        if names and names[-1] in ("Le", "La", "Les", "Da"):
            names[-1] = f"{names[-1]} {word}"
        else:
            names.append(word)
    return names


# The 13 metropolitan regions: slug, name, official code, a few towns with a Mission Locale.
REGIONS = (
    (
        "auvergne-rhone-alpes",
        "Auvergne-Rhône-Alpes",
        "84",
        "AURA",
        "Lyon Grenoble Saint-Étienne Clermont-Ferrand Annecy Chambéry Valence Roanne Villeurbanne "
        "Vénissieux Bourg-en-Bresse Montluçon Aurillac Le Puy-en-Velay Vichy Annemasse",
    ),
    (
        "bourgogne-franche-comte",
        "Bourgogne-Franche-Comté",
        "27",
        "BFC",
        "Dijon Besançon Belfort Chalon-sur-Saône Nevers Auxerre Mâcon Montbéliard Sens Dole",
    ),
    (
        "bretagne",
        "Bretagne",
        "53",
        "Bretagne",
        "Rennes Brest Quimper Lorient Vannes Saint-Brieuc Saint-Malo Lannion Morlaix Fougères",
    ),
    (
        "centre-val-de-loire",
        "Centre-Val de Loire",
        "24",
        "CVL",
        "Orléans Tours Bourges Blois Chartres Châteauroux Dreux Vierzon Montargis",
    ),
    ("corse", "Corse", "94", "Corse", "Ajaccio Bastia Porto-Vecchio Corte"),
    (
        "grand-est",
        "Grand Est",
        "44",
        "Grand Est",
        "Strasbourg Reims Metz Nancy Mulhouse Colmar Troyes Charleville-Mézières Épinal Thionville "
        "Châlons-en-Champagne Haguenau Saint-Dié-des-Vosges Forbach",
    ),
    (
        "hauts-de-france",
        "Hauts-de-France",
        "32",
        "HDF",
        "Lille Amiens Roubaix Tourcoing Dunkerque Calais Valenciennes Beauvais Arras Lens Douai "
        "Saint-Quentin Boulogne-sur-Mer Maubeuge Compiègne Soissons",
    ),
    (
        "ile-de-france",
        "Île-de-France",
        "11",
        "IDF",
        "Paris Saint-Denis Montreuil Argenteuil Créteil Nanterre Versailles Évry Cergy Meaux "
        "Aubervilliers Sarcelles Melun Mantes-la-Jolie Bobigny Champigny-sur-Marne",
    ),
    (
        "normandie",
        "Normandie",
        "28",
        "Normandie",
        "Rouen Caen Le Havre Cherbourg Évreux Dieppe Alençon Lisieux Saint-Lô Elbeuf",
    ),
    (
        "nouvelle-aquitaine",
        "Nouvelle-Aquitaine",
        "75",
        "NA",
        "Bordeaux Limoges Poitiers Pau La Rochelle Angoulême Niort Bayonne Périgueux Agen "
        "Mont-de-Marsan Brive-la-Gaillarde Guéret Libourne",
    ),
    (
        "occitanie",
        "Occitanie",
        "76",
        "Occitanie",
        "Toulouse Montpellier Nîmes Perpignan Béziers Narbonne Albi Carcassonne Montauban Tarbes "
        "Rodez Alès Sète Castres Auch Cahors",
    ),
    (
        "pays-de-la-loire",
        "Pays de la Loire",
        "52",
        "PDL",
        "Nantes Angers Le Mans Saint-Nazaire La Roche-sur-Yon Cholet Laval Saumur Challans",
    ),
    (
        "provence-alpes-cote-d-azur",
        "Provence-Alpes-Côte d'Azur",
        "93",
        "PACA",
        "Marseille Nice Toulon Aix-en-Provence Avignon Cannes Antibes Fréjus Gap Digne-les-Bains "
        "Arles Martigues Draguignan Salon-de-Provence",
    ),
)
OVERSEAS_TOWNS = {
    "guadeloupe": "Pointe-à-Pitre Basse-Terre Les Abymes Le Moule",
    "martinique": "Fort-de-France Le Lamentin Le Robert",
    "guyane": "Cayenne Kourou Saint-Laurent-du-Maroni",
    "la-reunion": "Saint-Denis Saint-Pierre Saint-Paul Le Port Saint-Benoît Saint-André",
    "mayotte": "Mamoudzou Koungou",
    "saint-martin": "Marigot",
}
# Regional associations: the 13 metropolitan regions and these two overseas ones.
OVERSEAS_ASSOCIATIONS = (("guadeloupe", "Guadeloupe"), ("la-reunion", "Réunion"))
MISSIONS_LOCALES = 450
ML_PATTERNS = (
    "Mission Locale de {town}",
    "Mission Locale du Pays de {town}",
    "Mission Locale de l'agglomération de {town}",
    "Mission Locale du bassin d'emploi de {town}",
    "Mission Locale {town} Nord",
    "Mission Locale {town} Sud",
    "Mission Locale {town} Est",
    "Mission Locale {town} Ouest",
)

# Name, acronym, kind, role as a party.
K, R = PartnerKind, PartyRole
NATIONAL_PARTNERS = (
    ("Ministère du Travail et de l'Emploi", "", K.STATE, R.STATE),
    ("Délégation générale à l'emploi et à la formation professionnelle", "DGEFP", K.STATE, R.STATE),
    ("Direction générale des outre-mer", "DGOM", K.STATE, R.STATE),
    ("Ministère de l'Éducation nationale", "", K.STATE, R.STATE),
    ("Ministère des Armées", "", K.STATE, R.STATE),
    ("Ministère de l'Intérieur", "", K.STATE, R.STATE),
    ("Direction de la protection judiciaire de la jeunesse", "DPJJ", K.STATE, R.STATE),
    ("Agence nationale de la cohésion des territoires", "ANCT", K.PUBLIC_OPERATOR, R.FUNDER),
    ("France Travail", "", K.PUBLIC_OPERATOR, R.PARTNER),
    ("Agence de services et de paiement", "ASP", K.PUBLIC_OPERATOR, R.FUNDER),
    ("Caisse nationale des allocations familiales", "CNAF", K.PUBLIC_OPERATOR, R.FUNDER),
    ("Caisse nationale de l'Assurance Maladie", "CNAM", K.PUBLIC_OPERATOR, R.PARTNER),
    (
        "Agence nationale pour la formation professionnelle des adultes",
        "AFPA",
        K.PUBLIC_OPERATOR,
        R.PARTNER,
    ),
    ("Établissement pour l'insertion dans l'emploi", "EPIDE", K.PUBLIC_OPERATOR, R.PARTNER),
    ("Service militaire adapté", "SMA", K.PUBLIC_OPERATOR, R.PARTNER),
    ("Banque des Territoires", "", K.PUBLIC_OPERATOR, R.FUNDER),
    ("Agence de la transition écologique", "ADEME", K.PUBLIC_OPERATOR, R.FUNDER),
    ("Académie de police", "", K.PUBLIC_OPERATOR, R.PARTNER),
    (
        "Association des maires de France et des présidents d'intercommunalité",
        "AMF",
        K.ELECTED_OFFICIALS,
        R.PARTNER,
    ),
    ("Régions de France", "", K.ELECTED_OFFICIALS, R.PARTNER),
    ("Départements de France", "", K.ELECTED_OFFICIALS, R.PARTNER),
    ("Intercommunalités de France", "", K.ELECTED_OFFICIALS, R.PARTNER),
    ("Association des petites villes de France", "APVF", K.ELECTED_OFFICIALS, R.PARTNER),
    ("Villes de France", "", K.ELECTED_OFFICIALS, R.PARTNER),
    ("Union des entreprises de proximité", "U2P", K.EMPLOYERS, R.PARTNER),
    ("Mouvement des entreprises de France", "MEDEF", K.EMPLOYERS, R.PARTNER),
    ("Confédération des petites et moyennes entreprises", "CPME", K.EMPLOYERS, R.PARTNER),
    ("Fédération française du bâtiment", "FFB", K.EMPLOYERS, R.PARTNER),
    ("Union des industries et métiers de la métallurgie", "UIMM", K.EMPLOYERS, R.PARTNER),
    ("CCI France", "", K.EMPLOYERS, R.PARTNER),
    ("Chambre de métiers et de l'artisanat France", "CMA France", K.EMPLOYERS, R.PARTNER),
    ("Conseil national des Missions Locales", "CNML", K.ADVISORY_BODY, R.PARTNER),
    ("Conseil d'orientation des politiques de jeunesse", "COJ", K.ADVISORY_BODY, R.PARTNER),
    ("Fondation Apprentis d'Auteuil", "", K.ASSOCIATION, R.PARTNER),
    ("Croix-Rouge française", "", K.ASSOCIATION, R.PARTNER),
    ("Fédération des acteurs de la solidarité", "FAS", K.ASSOCIATION, R.PARTNER),
    ("Unis-Cité", "", K.ASSOCIATION, R.PARTNER),
    ("Wimoov", "", K.ASSOCIATION, R.PARTNER),
    ("Action Logement", "", K.OTHER, R.FUNDER),
    ("La Poste", "", K.COMPANY, R.PARTNER),
    ("SNCF", "", K.COMPANY, R.PARTNER),
    ("Orange", "", K.COMPANY, R.PARTNER),
    ("EDF", "", K.COMPANY, R.PARTNER),
    ("Groupe Adecco", "", K.COMPANY, R.PARTNER),
)
del K, R

TOPICS = (
    ("l'accès des jeunes à l'emploi", "emploi des jeunes"),
    ("la découverte des métiers", "découverte des métiers"),
    ("la mixité des métiers", "mixité des métiers"),
    ("l'égalité professionnelle entre les femmes et les hommes", "égalité professionnelle"),
    ("la mobilité des jeunes", "mobilité"),
    ("l'accès au logement des jeunes", "logement"),
    ("la santé des jeunes", "santé"),
    ("la transition écologique et les métiers verts", "transition écologique"),
    ("l'inclusion numérique", "inclusion numérique"),
    ("l'intelligence artificielle au service de l'accompagnement", "intelligence artificielle"),
    ("l'apprentissage et l'alternance", "apprentissage"),
    ("la lutte contre le décrochage scolaire", "décrochage scolaire"),
    ("le contrat d'engagement jeune", "contrat d'engagement jeune"),
    ("les métiers en tension", "métiers en tension"),
    ("la création d'entreprise par les jeunes", "création d'entreprise"),
    ("l'aller-vers les jeunes invisibles", "aller-vers"),
    ("l'engagement citoyen et le service civique", "service civique"),
    ("la prévention de la délinquance", "prévention"),
    ("les jeunes des quartiers prioritaires", "quartiers prioritaires"),
    ("les jeunes ultramarins", "outre-mer"),
)
AXES = (
    "Information et orientation des jeunes",
    "Découverte des métiers et immersion en entreprise",
    "Accès à l'emploi et au recrutement",
    "Formation et professionnalisation des conseillers",
    "Levée des freins périphériques à l'emploi",
    "Mobilisation des employeurs",
    "Communication et valorisation du partenariat",
    "Partage de données et évaluation",
    "Gouvernance et animation territoriale",
    "Accompagnement renforcé des publics fragiles",
    "Égalité des chances et lutte contre les discriminations",
    "Innovation et expérimentation",
)
ACTIONS = (
    "Organiser {n} journées de découverte des métiers par an",
    "Diffuser les offres d'emploi et d'alternance auprès des conseillers",
    "Former les conseillers à {topic}",
    "Désigner un référent dans chaque structure",
    "Mettre en place un comité de suivi commun",
    "Co-construire un guide pratique sur {topic}",
    "Proposer {n} immersions professionnelles aux jeunes accompagnés",
    "Partager chaque année les données d'activité",
    "Relayer les campagnes de recrutement",
    "Animer des ateliers collectifs sur {topic}",
    "Organiser un job dating régional",
    "Financer des aides à la mobilité",
    "Mobiliser le réseau des entreprises adhérentes",
    "Évaluer l'impact des actions conduites",
    "Valoriser les parcours réussis dans les supports de communication",
    "Identifier les jeunes éloignés de l'emploi sur le territoire",
)
TARGETS = (
    ("jeunes accompagnés", "jeunes", (500, 150000)),
    ("immersions professionnelles", "immersions", (50, 20000)),
    ("entrées en alternance", "contrats", (20, 10000)),
    ("conseillers formés", "conseillers", (10, 3000)),
    ("entreprises mobilisées", "entreprises", (10, 5000)),
)
FIRST_NAMES = (
    ("Marie", True),
    ("Nathalie", True),
    ("Isabelle", True),
    ("Sophie", True),
    ("Claire", True),
    ("Camille", True),
    ("Julie", True),
    ("Sandrine", True),
    ("Aurélie", True),
    ("Hélène", True),
    ("Fatima", True),
    ("Anne", True),
    ("Jean", False),
    ("Pierre", False),
    ("Philippe", False),
    ("Nicolas", False),
    ("Stéphane", False),
    ("Christophe", False),
    ("Laurent", False),
    ("Thomas", False),
    ("Karim", False),
    ("François", False),
    ("Olivier", False),
    ("Éric", False),
)
LAST_NAMES = _words(
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
    "Lefebvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Mercier "
    "Dupont Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc Guérin "
    "Muller Henry Roussel Nicolas Perrin Morin Mathieu Clément Gauthier Dumont Lopez Fontaine "
    "Chevalier Robin Benali Nguyen Da Silva Diallo Hoarau Payet Jean-Baptiste"
)
EVENTS = (
    "Congrès de l'UNML",
    "Salon des maires et des collectivités locales",
    "Rencontres nationales des Missions Locales",
    "Assemblée générale de l'UNML",
    "Semaine de l'industrie",
    "Forum de l'emploi des jeunes",
)
REVIEW_SUMMARIES = (
    "Point d'étape sur les actions engagées ; la dynamique est jugée satisfaisante.",
    "Bilan annuel : les objectifs sont en partie atteints, deux actions sont à relancer.",
    "Les partenaires constatent un retard sur la communication commune.",
    "Présentation des chiffres de l'année et des témoignages de jeunes accompagnés.",
)


# What a run did --------------------------------------------------------------------------------


@dataclass
class GenerationReport:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, label: str, number: int) -> None:
        self.counts[label] = self.counts.get(label, 0) + number

    def lines(self) -> list[str]:
        return [f"{label} : {format_number(n)}" for label, n in self.counts.items()]


def format_number(number: int) -> str:
    """12000 -> "12 000", as the French messages write numbers."""
    return f"{number:,}".replace(",", " ")


# Existing data ---------------------------------------------------------------------------------


def has_data() -> bool:
    return Convention.objects.exists() or Partner.objects.exists()


def flushed_models() -> list:
    """Every table `reset_data()` empties: the partners and conventions apps (historical and
    many-to-many tables included) and the reminders sent about conventions."""
    models = [
        model
        for label in ("partners", "conventions")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    return [*models, apps.get_model("accounts", "SentReminder")]


def reset_data() -> None:
    """Delete every partner, territory, label and convention (and their history): TRUNCATE on
    PostgreSQL, in seconds even for 100 000 conventions. Users and roles are kept."""
    tables = [model._meta.db_table for model in flushed_models()]
    statements = connection.ops.sql_flush(
        no_style(), tables, reset_sequences=True, allow_cascade=True
    )
    deferred = connection.vendor == "postgresql" and connection.in_atomic_block
    if deferred:
        # Inside a transaction that inserted rows (a test), PostgreSQL refuses to TRUNCATE
        # tables whose deferred foreign key checks are pending: run them first.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    connection.ops.execute_sql_flush(statements)
    if deferred:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


# The generator ---------------------------------------------------------------------------------


@dataclass
class NationalInfo:
    """What a declination needs to know of its national convention."""

    convention: Convention
    partners: list[tuple[Partner, str]]
    audiences: list
    themes: list


class Generator:
    def __init__(self, *, seed: int, batch_size: int, report: GenerationReport, progress):
        self.rng = random.Random(seed)
        self.batch_size = batch_size
        self.report = report
        self.progress = progress
        self.references = self._existing_reference_numbers()
        self.batch: list[dict] = []
        self.copy = connection.vendor == "postgresql"
        self.search_writer: SearchDocumentWriter | None = None
        self.created = 0

    # Reference data ----------------------------------------------------------------------------

    def create_reference_data(self) -> None:
        rng = self.rng
        territories = {t.slug: t for t in Territory.objects.all()}
        new = []

        def territory(slug, name, kind, code="", parent=None):
            if slug not in territories:
                obj = Territory(slug=slug, name=name, kind=kind, code=code, parent=parent)
                territories[slug] = obj
                new.append(obj)
            return territories[slug]

        for data in demo.TERRITORIES:  # France entière and the overseas territories
            if data.parent is None:
                territory(data.slug, data.name, data.kind, data.code)
        national = territories[demo.NATIONAL]
        created_territories = len(new)
        Territory.objects.bulk_create(new)  # the parent of the others, saved first
        new.clear()
        for data in demo.TERRITORIES:
            if data.parent is not None:
                territory(data.slug, data.name, data.kind, data.code, national)
        for slug, name, code, _, _ in REGIONS:
            territory(slug, name, TerritoryKind.REGION, code, national)
        Territory.objects.bulk_create(new)
        self.report.add("territoires créés", created_territories + len(new))
        self.national_territory = national

        self.audiences = self._labels(Audience, demo.AUDIENCES)
        self.themes = self._labels(Theme, demo.THEMES)

        existing = {p.name: p for p in Partner.objects.all()}
        by_acronym = {p.acronym: p for p in existing.values() if p.acronym}
        slugs = set(Partner.objects.values_list("slug", flat=True))
        created = []
        completed = []

        def partner(name, acronym, kind, territory=None, slug=None):
            found = existing.get(name) or (by_acronym.get(acronym) if acronym else None)
            if found is not None:
                if territory is not None and found.territory_id is None and found.pk:
                    # Recorded without its territory: the declinations it signs would be
                    # counted under « Région non renseignée ».
                    found.territory = territory
                    completed.append(found)
                return found
            base = slug or ascii_slug(acronym or name)[:70]
            unique, number = base, 1
            while unique in slugs:
                number += 1
                unique = f"{base}-{number}"
            slugs.add(unique)
            obj = Partner(name=name, acronym=acronym, slug=unique, kind=kind, territory=territory)
            existing[name] = obj
            created.append(obj)
            return obj

        self.unml = Partner.objects.filter(kind=PartnerKind.NETWORK_HEAD).order_by("pk").first()
        if self.unml is None:
            self.unml = partner(
                "Union nationale des Missions Locales", "UNML", PartnerKind.NETWORK_HEAD
            )
        self.nationals = [
            (partner(name, acronym, kind), role) for name, acronym, kind, role in NATIONAL_PARTNERS
        ]

        regions = [(territories[slug], _words(towns)) for slug, _, _, _, towns in REGIONS]
        regions += [(territories[slug], _words(towns)) for slug, towns in OVERSEAS_TOWNS.items()]
        self.associations = []
        for slug, _, _, short, _ in REGIONS:
            self.associations.append(
                partner(
                    f"Association régionale des Missions Locales {territories[slug].name}",
                    f"ARML {short}",
                    PartnerKind.REGIONAL_ASSOCIATION,
                    territories[slug],
                )
            )
        for slug, short in OVERSEAS_ASSOCIATIONS:
            self.associations.append(
                partner(
                    f"Association régionale des Missions Locales {territories[slug].name}",
                    f"ARML {short}",
                    PartnerKind.REGIONAL_ASSOCIATION,
                    territories[slug],
                )
            )

        # Missions Locales, spread over the regions in proportion to their towns.
        candidates = [
            (ML_PATTERNS[0].format(town=town), region)
            for region, towns in regions
            for town in towns
        ]
        extra = [
            (pattern.format(town=town), region)
            for region, towns in regions
            for town in towns
            for pattern in ML_PATTERNS[1:]
        ]
        rng.shuffle(extra)
        # A name once only (Saint-Denis is in Île-de-France and at La Réunion).
        unique = dict(reversed(candidates + extra))
        names = list(dict.fromkeys(name for name, _ in candidates + extra))
        self.missions_locales = [
            partner(name, "", PartnerKind.MISSION_LOCALE, unique[name])
            for name in names[:MISSIONS_LOCALES]
        ]
        for obj in created:
            obj.founded_year = (
                rng.randint(1982, 2015)
                if obj.kind
                in (
                    PartnerKind.MISSION_LOCALE,
                    PartnerKind.REGIONAL_ASSOCIATION,
                )
                else None
            )
        Partner.objects.bulk_create(created, batch_size=self.batch_size)
        Partner.objects.bulk_update(completed, ["territory"], batch_size=self.batch_size)
        self.report.add("partenaires créés", len(created))
        self.decliners = self.missions_locales + self.associations

    def _labels(self, model, data) -> list:
        existing = list(model.objects.order_by("pk"))
        slugs = {label.slug for label in existing}
        names = {label.name for label in existing}
        new = [
            model(slug=d.slug, name=d.name)
            for d in data
            if d.slug not in slugs and d.name not in names
        ]
        model.objects.bulk_create(new)
        return existing + new

    # References --------------------------------------------------------------------------------

    @staticmethod
    def _existing_reference_numbers() -> dict[int, int]:
        last: dict[int, int] = defaultdict(int)
        pattern = re.compile(r"^CONV-(\d{4})-(\d+)$")
        for reference in Convention.objects.values_list("reference", flat=True).iterator():
            match = pattern.match(reference)
            if match:
                year, number = int(match[1]), int(match[2])
                last[year] = max(last[year], number)
        return last

    def next_reference(self, signed_on: datetime.date | None) -> str:
        """What Convention.next_reference() would give, a draft counting in REFERENCE_DATE's
        year, without a query per convention."""
        year = (signed_on or REFERENCE_DATE).year
        self.references[year] += 1
        return f"CONV-{year}-{self.references[year]:03d}"

    # Conventions -------------------------------------------------------------------------------

    def run(self, count: int) -> None:
        self.total = count
        national_count = min(count, max(3, round(count * NATIONAL_SHARE)))
        self.national_infos: list[NationalInfo] = []
        made = 0
        while made < national_count:
            partners = [(self.unml, PartyRole.NETWORK), *self._national_counterparts()]
            made += self._chain(
                limit=national_count - made,
                partners=partners,
                scope=Scope.NATIONAL,
                territories=[self.national_territory],
            )
        self.flush()

        declinable = [info for info in self.national_infos if info.convention.signed_on]
        declined: dict[int, set] = defaultdict(set)
        remaining = count - made
        declination_count = round(remaining * DECLINATION_SHARE) if declinable else 0
        for _ in range(declination_count):
            info = self.rng.choice(declinable)
            taken = declined[id(info)]
            if len(taken) >= len(self.decliners):
                continue
            partner = self.rng.choice(self.decliners)
            while partner.name in taken:
                partner = self.rng.choice(self.decliners)
            taken.add(partner.name)
            self._declination(info, partner)
            made += 1
        while made < count:
            local = self.rng.choice(self.decliners)
            partners = [
                (local, PartyRole.NETWORK),
                *self._national_counterparts(maximum=2),
            ]
            made += self._chain(
                limit=count - made,
                partners=partners,
                scope=DECLINATION_SCOPES[local.kind],
                territories=[local.territory],
            )
        self.flush()

    def _national_counterparts(self, maximum: int = 2) -> list[tuple[Partner, str]]:
        number = 1 if self.rng.random() < 0.75 else self.rng.randint(2, maximum)
        return self.rng.sample(self.nationals, number)

    def _chain(self, *, limit, partners, scope, territories) -> int:
        """A convention and its renewals (1 to 4 in all, at most `limit`); return their number."""
        rng = self.rng
        length = min(limit, rng.choices((1, 2, 3, 4), weights=(60, 25, 10, 5))[0])
        # A "convention cadre nationale" is national only.
        national_weight = 12 if scope == Scope.NATIONAL else 0
        kind = rng.choices(
            list(ConventionKind.values), weights=(40, national_weight, 12, 8, 15, 8, 5)
        )[0]
        topic, topic_short = rng.choice(TOPICS)
        title = self._title(kind, partners, topic_short)
        texts = self._texts(partners, topic)
        audiences = rng.sample(self.audiences, min(len(self.audiences), rng.randint(1, 3)))
        themes = rng.sample(self.themes, min(len(self.themes), rng.randint(1, 3)))
        duration = rng.choice((12, 24, 36, 36, 36, 48, 60))
        # More conventions in recent years than in 2000, so that many are in force.
        first, last = datetime.date(FIRST_YEAR, 1, 1), add_months(REFERENCE_DATE, -6)
        start = first + datetime.timedelta(
            days=int(rng.triangular(0, (last - first).days, (last - first).days))
        )
        predecessor = None
        for index in range(length):
            last = index == length - 1
            convention = self._convention(
                title=title,
                kind=kind,
                scope=scope,
                texts=texts,
                effective_on=start,
                duration=duration,
                last=last,
                partners=partners,
            )
            entry = self._entry(
                convention, partners, audiences=audiences, themes=themes, territories=territories
            )
            entry["predecessor"] = predecessor
            entry["level"] = index
            if scope == Scope.NATIONAL:
                self.national_infos.append(
                    NationalInfo(
                        convention=convention,
                        partners=partners,
                        audiences=audiences,
                        themes=themes,
                    )
                )
            predecessor = convention
            self._add(entry)
            if convention.end_on is None or convention.signed_on is None:
                return index + 1
            start = convention.end_on + datetime.timedelta(days=1)
            if start > add_months(REFERENCE_DATE, 3) or convention.terminated_on:
                return index + 1
        return length

    def _declination(self, info: NationalInfo, partner: Partner) -> None:
        rng = self.rng
        parent = info.convention
        suffix = DECLINATION_TITLE_SUFFIX.format(partner=partner.short_name)
        title_length = Convention._meta.get_field("title").max_length - len(suffix)
        # The local party, then the national convention's parties not of the network.
        partners = [(partner, PartyRole.NETWORK)] + [
            (p, role) for p, role in info.partners if role != PartyRole.NETWORK
        ]
        signed_on = parent.signed_on + datetime.timedelta(days=rng.randint(15, 420))
        draft = signed_on > REFERENCE_DATE or rng.random() < 0.12
        convention = Convention(
            title=f"{parent.title[:title_length]}{suffix}",
            kind=parent.kind,
            scope=DECLINATION_SCOPES[partner.kind],
            summary=parent.summary,
            objectives=parent.objectives,
            parent=parent,
            notice_months=parent.notice_months,
            review_every_months=parent.review_every_months,
        )
        if draft:
            convention.duration_months = 36
        else:
            convention.signed_on = signed_on
            convention.effective_on = signed_on
            convention.signed_at = partner.territory.name if partner.territory else ""
            if parent.end_on and parent.end_on >= signed_on:
                convention.period_end = parent.end_on
            else:
                convention.duration_months = 36
        self._finish(convention)
        entry = self._entry(
            convention,
            partners,
            audiences=info.audiences,
            themes=info.themes,
            territories=[partner.territory] if partner.territory else [],
        )
        entry["predecessor"] = None
        entry["level"] = 0
        self._add(entry)

    def _title(self, kind, partners, topic_short) -> str:
        label = "Convention" if kind == ConventionKind.OTHER else ConventionKind(kind).label
        first = partners[0][0]
        others = " et ".join(p.short_name for p, _ in partners[1:])
        if first.kind == PartnerKind.MISSION_LOCALE:
            between = f"la {first.name}"
        else:
            between = f"l'{first.short_name}"
        return f"{label} entre {between} et {others} : {topic_short}"[:255]

    def _texts(self, partners, topic) -> dict[str, str]:
        rng = self.rng
        names = ", ".join(p.name for p, _ in partners)
        summary = (
            f"Les parties ({names}) s'engagent à agir ensemble pour {topic}, "
            "au bénéfice des jeunes de 16 à 25 ans accompagnés par les Missions Locales."
        )
        objectives = " ".join(
            rng.sample(
                (
                    f"Améliorer {topic} sur l'ensemble du territoire.",
                    "Rapprocher les jeunes des entreprises qui recrutent.",
                    "Outiller les conseillers des Missions Locales.",
                    "Partager les informations utiles au suivi des parcours.",
                    "Faire connaître les dispositifs de chaque partenaire.",
                    "Mesurer chaque année les résultats obtenus.",
                ),
                3,
            )
        )
        preamble = (
            "Considérant la mission de service public des Missions Locales pour l'insertion "
            "professionnelle et sociale des jeunes, les parties conviennent de ce qui suit."
            if rng.random() < 0.5
            else ""
        )
        return {"summary": summary, "objectives": objectives, "preamble": preamble}

    def _convention(
        self, *, title, kind, scope, texts, effective_on, duration, last, partners
    ) -> Convention:
        rng = self.rng
        convention = Convention(
            title=title,
            kind=kind,
            scope=scope,
            notice_months=rng.choice((None, 1, 2, 2, 3, 6)),
            tacit_renewal=rng.random() < 0.2,
            review_every_months=rng.choice((None, 6, 12, 12)),
            follow_up="Un comité de suivi réunit les parties au moins une fois par an.",
            communication="Chaque partie peut faire état du partenariat dans sa communication.",
            amount=(
                Decimal(rng.randint(10, 2000) * 1000) if kind == ConventionKind.FINANCIAL else None
            ),
            **texts,
        )
        roll = rng.random()
        if last and roll < 0.08:
            # A draft: no signature; some already know their duration.
            convention.duration_months = duration if rng.random() < 0.7 else None
        elif last and roll < 0.11:
            # Signed, not yet in force: takes effect on the next 1 January.
            convention.signed_on = _random_day(
                rng, REFERENCE_DATE - datetime.timedelta(days=120), REFERENCE_DATE
            )
            convention.effective_on = datetime.date(REFERENCE_DATE.year + 1, 1, 1)
            convention.duration_months = duration
        else:
            convention.effective_on = effective_on
            signed_on = effective_on - datetime.timedelta(days=rng.choice((0, 0, 0, 7, 30, 60)))
            convention.signed_on = min(
                max(datetime.date(FIRST_YEAR, 1, 1), signed_on), REFERENCE_DATE
            )
            if rng.random() < 0.25:
                # An explicit period ("2023-2025") instead of a duration.
                years = max(1, duration // 12)
                convention.period_end = datetime.date(effective_on.year + years - 1, 12, 31)
                if convention.period_end < effective_on:
                    convention.period_end = datetime.date(effective_on.year, 12, 31)
            elif rng.random() < 0.03:
                pass  # open-ended: neither duration nor period
            else:
                convention.duration_months = duration
        if convention.signed_on:
            convention.signed_at = rng.choice(("Paris", "Paris", "Lyon", "Marseille", "Lille"))
            if rng.random() < 0.2:
                convention.event = rng.choice(EVENTS)
        if scope == Scope.NATIONAL and convention.effective_on and rng.random() < 0.6:
            convention.declination_deadline = add_months(
                convention.effective_on, rng.choice((3, 6, 12))
            )
        self._finish(convention, partners=partners, may_terminate=last)
        return convention

    def _finish(self, convention, *, partners=(), may_terminate=False) -> None:
        """Amendments, termination and the derived fields, as save() would set them."""
        rng = self.rng
        if convention.signed_on and not convention.effective_on:
            convention.effective_on = convention.signed_on
        convention.end_on = convention.derive_end_on()  # unsaved: no amendment query
        convention.reference = self.next_reference(convention.signed_on)
        convention._amendments = []
        started = convention.effective_on and convention.effective_on <= REFERENCE_DATE
        if convention.signed_on and started and rng.random() < 0.2:
            horizon = min(convention.end_on or REFERENCE_DATE, REFERENCE_DATE)
            day = convention.effective_on
            for number in range(1, rng.randint(1, 3) + 1):
                if day >= horizon:
                    break
                day = _random_day(rng, day + datetime.timedelta(days=1), horizon)
                moves = convention.end_on is not None and rng.random() < 0.5
                new_end_on = add_months(convention.end_on, rng.choice((6, 12))) if moves else None
                convention._amendments.append(
                    Amendment(
                        convention=convention,
                        number=number,
                        signed_on=day,
                        summary=(
                            f"Prolongation de la convention jusqu'au {new_end_on:%d/%m/%Y}."
                            if moves
                            else "Ajout d'une action et mise à jour des modalités de suivi."
                        ),
                        new_end_on=new_end_on,
                        recorded_at=_moment(day),
                    )
                )
                if moves:
                    convention.end_on = new_end_on
        if may_terminate and convention.signed_on and started and partners and rng.random() < 0.05:
            last_day = min(convention.end_on or REFERENCE_DATE, REFERENCE_DATE)
            first_day = max(convention.signed_on, convention.effective_on)
            if first_day <= last_day:
                convention.terminated_on = _random_day(rng, first_day, last_day)
                convention.terminated_by = rng.choice(partners)[0]
                convention.termination_method = rng.choice(TerminationMethod.values)
                notice = add_months(convention.terminated_on, -(convention.notice_months or 2))
                if notice >= convention.signed_on:
                    convention.termination_notice_sent_on = notice
        convention.term_end_on = convention.end_on
        convention.end_on = last_day_in_force(convention.term_end_on, convention.terminated_on)

    def _entry(self, convention, partners, *, audiences, themes, territories) -> dict:
        """The convention and every row hanging off it, not yet saved."""
        rng = self.rng
        parties = [
            Party(convention=convention, partner=partner, role=role, position=position)
            for position, (partner, role) in enumerate(partners, start=1)
        ]
        signatories = []
        if convention.signed_on:
            for position, (partner, _) in enumerate(partners, start=1):
                first, feminine = rng.choice(FIRST_NAMES)
                signatories.append(
                    Signatory(
                        convention=convention,
                        partner=partner,
                        name=f"{first} {rng.choice(LAST_NAMES)}",
                        title=_signatory_title(partner, feminine, rng),
                        signed_on=convention.signed_on,
                        on_behalf_of=(
                            f"Pour le président de {partner.short_name}"
                            if rng.random() < 0.05
                            else ""
                        ),
                        position=position,
                    )
                )
        start = convention.effective_on or REFERENCE_DATE
        end = convention.end_on or add_months(start, 36)
        axes, commitments = [], []
        for number, axis_title in enumerate(rng.sample(AXES, rng.randint(3, 6)), start=1):
            axis = Axis(convention=convention, number=number, title=axis_title)
            axes.append(axis)
            for position in range(1, rng.randint(2, 5) + 1):
                due_on = _random_day(rng, start, end) if rng.random() < 0.7 else None
                # The most numerous rows: plain values (see COMMITMENT_FIELDS), not models.
                commitments.append(
                    (
                        convention,
                        axis,
                        position,
                        rng.choice(ACTIONS).format(
                            n=rng.choice((2, 3, 5, 10, 20)), topic=rng.choice(TOPICS)[1]
                        ),
                        rng.choice(partners)[0] if rng.random() < 0.7 else None,
                        _commitment_status(convention, due_on, rng),
                        due_on,
                        "",
                    )
                )
        reviews = self._reviews(convention)
        targets, results = [], []
        if rng.random() < 0.25:
            label, unit, (low, high) = rng.choice(TARGETS)
            value = Decimal(rng.randint(low, high))
            target = Target(
                convention=convention,
                label=f"Nombre de {label}",
                value=value,
                unit=unit,
                year=end.year if rng.random() < 0.5 else None,
            )
            targets.append(target)
            if convention.signed_on and convention.effective_on <= REFERENCE_DATE:
                last_year = min(end.year, REFERENCE_DATE.year - 1)
                for year in range(convention.effective_on.year, last_year + 1):
                    share = Decimal(rng.randint(40, 120)) / 100
                    results.append(
                        TargetResult(target=target, year=year, value=(value * share).quantize(1))
                    )
        return {
            "convention": convention,
            "parties": parties,
            "signatories": signatories,
            "axes": axes,
            "commitments": commitments,
            "reviews": reviews,
            "targets": targets,
            "results": results,
            "amendments": convention._amendments,
            "audiences": audiences,
            "themes": themes,
            "territories": territories,
        }

    def _reviews(self, convention) -> list[Review]:
        rng = self.rng
        if not convention.signed_on or convention.effective_on > REFERENCE_DATE:
            return []
        first = max(convention.signed_on, convention.effective_on)
        last = min(
            convention.end_on or REFERENCE_DATE,
            convention.terminated_on or REFERENCE_DATE,
            REFERENCE_DATE,
        )
        every = convention.review_every_months or 12
        reviews, day = [], add_months(first, every)
        while day <= last and len(reviews) < 6:
            if rng.random() < 0.8:  # now and then a review is skipped
                reviews.append(
                    Review(
                        convention=convention,
                        held_on=day,
                        kind=rng.choice(ReviewKind.values),
                        participants="Représentants de chaque partie signataire.",
                        summary=rng.choice(REVIEW_SUMMARIES),
                    )
                )
            day = add_months(day, every)
        if reviews and rng.random() < 0.5:
            reviews[-1].next_review_on = add_months(reviews[-1].held_on, every)
        return reviews

    # Writing -----------------------------------------------------------------------------------

    def _add(self, entry: dict) -> None:
        self.batch.append(entry)
        if len(self.batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        batch, self.batch = self.batch, []
        ids = []
        with transaction.atomic():
            self._write(batch)
            ids = [entry["convention"].pk for entry in batch]
            if self.search_writer is None:
                store_search_documents(ids)
        if self.search_writer is not None:
            self.search_writer.put(ids)  # committed: the writer's connection sees them
        self.created += len(batch)
        self.progress(self.created, self.total)

    def _write(self, batch: list[dict]) -> None:
        levels = defaultdict(list)
        for entry in batch:
            levels[entry["level"]].append(entry)
        # Renewals after the conventions they renew, so that their predecessor has a key.
        for level in sorted(levels):
            conventions = []
            for entry in levels[level]:
                convention = entry["convention"]
                convention.predecessor = entry["predecessor"]
                conventions.append(convention)
            Convention.objects.bulk_create(conventions, batch_size=self.batch_size)
        self.report.add("conventions", len(batch))

        def rows(key):
            return [row for entry in batch for row in entry[key]]

        def insert(model, objects, label=None, *, keys=False):
            if keys or not self.copy:
                # Their keys are needed by the rows that follow: bulk_create returns them.
                model.objects.bulk_create(objects, batch_size=self.batch_size)
            else:
                copy_rows(model, objects)
            if label:
                self.report.add(label, len(objects))

        insert(Axis, rows("axes"), "axes", keys=True)
        insert(Target, rows("targets"), "objectifs chiffrés", keys=True)
        insert(Party, rows("parties"), "parties")
        insert(Signatory, rows("signatories"), "signataires")
        commitments = rows("commitments")
        if self.copy:
            copy_values(Commitment, COMMITMENT_FIELDS, commitments)
        else:
            insert(
                Commitment,
                [
                    Commitment(**dict(zip(COMMITMENT_FIELDS, values, strict=True)))
                    for values in commitments
                ],
            )
        self.report.add("actions et engagements", len(commitments))
        insert(Amendment, rows("amendments"), "avenants")
        insert(Review, rows("reviews"), "bilans de suivi")
        insert(TargetResult, rows("results"), "valeurs atteintes")
        for name, key in (
            ("audiences", "audience_id"),
            ("themes", "theme_id"),
            ("territories", "territory_id"),
        ):
            through = getattr(Convention, name).through
            links = [(entry["convention"].pk, label.pk) for entry in batch for label in entry[name]]
            if self.copy:
                copy_values(through, ("convention_id", key), links)
            else:
                insert(through, [through(convention_id=c, **{key: k}) for c, k in links])


def copy_rows(model, objects: list) -> None:
    """Insert unsaved `objects` with PostgreSQL's COPY: the rows bulk_create would insert,
    several times faster for the hundreds of thousands of actions. Foreign keys are read from
    the related objects, saved by then (as bulk_create's _prepare_related_fields_for_save does).
    """
    if not objects:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    getters = []
    for f in fields:
        if f.is_relation:
            getters.append(_foreign_key_getter(f))
        else:
            getters.append(operator.attrgetter(f.attname))
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for obj in objects:
            copy.write_row([get(obj) for get in getters])


def copy_values(model, field_names: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert `rows` of plain values in `field_names`' order with COPY; a saved model
    instance stands for its key."""
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in field_names]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([v.pk if isinstance(v, Model) else v for v in row])


def _foreign_key_getter(f):
    attname, name = f.attname, f.name

    def get(obj):
        value = obj.__dict__.get(attname)
        if value is None:
            related = obj._state.fields_cache.get(name)
            value = related.pk if related is not None else None
        return value

    return get


class SearchDocumentWriter:
    """A thread, with its own database connection, storing the search documents of the
    batches put in its queue, one transaction each."""

    def __init__(self):
        self.queue: queue.Queue = queue.Queue()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="search-documents", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            while (ids := self.queue.get()) is not None:
                if self.error is None:
                    with transaction.atomic():
                        store_search_documents(ids)
        except BaseException as error:  # raised again in the main thread
            self.error = error
        finally:
            connection.close()  # this thread's connection

    def put(self, ids: list[int]) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(ids)

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


def store_search_documents(convention_ids: list[int]) -> None:
    """Build the search documents with conventions.search and store them in one UPDATE."""
    documents = build_search_documents(convention_ids)
    if not documents:
        return
    if connection.vendor == "postgresql":
        table = Convention._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS c SET search_document = d.document "
                "FROM unnest(%s::bigint[], %s::text[]) AS d(id, document) WHERE c.id = d.id",
                [list(documents), list(documents.values())],
            )
    else:
        Convention.objects.bulk_update(
            [Convention(pk=pk, search_document=doc) for pk, doc in documents.items()],
            ["search_document"],
            batch_size=500,
        )


# Helpers ---------------------------------------------------------------------------------------


def _random_day(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    if last <= first:
        return first
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def _moment(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


def _signatory_title(partner: Partner, feminine: bool, rng: random.Random) -> str:
    president = "Présidente" if feminine else "Président"
    director = "Directrice" if feminine else "Directeur"
    if partner.kind == PartnerKind.MISSION_LOCALE:
        return f"{rng.choice((president, director))} de la {partner.name}"
    if partner.kind == PartnerKind.STATE:
        return f"{director} général{'e' if feminine else ''}, {partner.short_name}"
    if partner.kind in (PartnerKind.PUBLIC_OPERATOR, PartnerKind.COMPANY):
        return f"{director} général{'e' if feminine else ''} de {partner.short_name}"
    return f"{president} de {partner.short_name}"


def _commitment_status(convention, due_on, rng) -> str:
    if convention.signed_on is None:
        return CommitmentStatus.PLANNED
    if convention.end_on and convention.end_on < REFERENCE_DATE:
        return rng.choices(
            (CommitmentStatus.DONE, CommitmentStatus.DROPPED, CommitmentStatus.IN_PROGRESS),
            weights=(75, 15, 10),
        )[0]
    if due_on and due_on < REFERENCE_DATE:
        return rng.choices(
            (CommitmentStatus.DONE, CommitmentStatus.IN_PROGRESS, CommitmentStatus.PLANNED),
            weights=(60, 30, 10),
        )[0]
    return rng.choices(
        (CommitmentStatus.PLANNED, CommitmentStatus.IN_PROGRESS, CommitmentStatus.DONE),
        weights=(50, 40, 10),
    )[0]


def generate_network(
    *,
    count: int,
    seed: int,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> GenerationReport:
    """Create the reference data, then `count` conventions (see the module docstring)."""
    report = GenerationReport()
    generator = Generator(seed=seed, batch_size=batch_size, report=report, progress=progress)
    with transaction.atomic():
        generator.create_reference_data()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Batches are committed one by one: their search documents can be written by a second
        # connection while the next batch is generated (PostgreSQL computes the tsvectors of
        # the GIN index meanwhile, on the other core).
        generator.search_writer = SearchDocumentWriter()
    try:
        generator.run(count)
    finally:
        if generator.search_writer is not None:
            generator.search_writer.close()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Fresh planner statistics for the benchmarks and, outside a transaction (VACUUM
            # cannot run in one), the visibility map that lets counts read the indexes only.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
    return report
