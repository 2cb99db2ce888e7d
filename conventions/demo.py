"""Demo data: the six conventions of the source documents, their partners and reference data.

Every fact comes from the five source documents (press releases and the AMF framework text),
summarised in our own words. Where the documents are silent, the field stays empty, except two
dates that the summaries flag as assumptions: the signature of the AMF convention (a demo value)
and that of the SMA accord-cadre (the day it was announced).

`load_demo_data()` is idempotent: reference data is looked up by slug, conventions by title, and a
convention is created with all of its children only when no convention has its title yet. A second
run therefore saves nothing, so it writes no history row either.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from django.db import models, transaction

from partners.enums import PartnerKind, TerritoryKind
from partners.models import Contact, KeyFigure, Partner, Territory

from .dates import add_months
from .enums import ConventionKind, PartyRole, Scope
from .models import (
    Audience,
    Axis,
    Commitment,
    Convention,
    Party,
    Signatory,
    Statement,
    Target,
    Theme,
)

D = datetime.date
M = TypeVar("M", bound=models.Model)


# Shapes of the data ----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class TerritoryData:
    slug: str
    name: str
    kind: str
    code: str = ""
    parent: str | None = None


@dataclass(frozen=True, kw_only=True)
class LabelData:
    slug: str
    name: str


@dataclass(frozen=True, kw_only=True)
class FigureData:
    label: str
    value: Decimal
    unit: str = ""
    is_minimum: bool = False
    year: int | None = None


@dataclass(frozen=True, kw_only=True)
class ContactData:
    name: str
    role: str = ""
    email: str = ""
    phone: str = ""
    is_press_contact: bool = True


@dataclass(frozen=True, kw_only=True)
class PartnerData:
    slug: str
    name: str
    acronym: str = ""
    article: str = ""  # "l’", "le", "la", "les": partners/enums.py Article
    kind: str
    description: str
    founded_year: int | None = None
    website: str = ""
    figures: tuple[FigureData, ...] = ()
    contacts: tuple[ContactData, ...] = ()
    territory: str = ""  # territory slug: a Mission Locale's, in its region


@dataclass(frozen=True, kw_only=True)
class PartyData:
    partner: str  # partner slug
    role: str = PartyRole.PARTNER


@dataclass(frozen=True, kw_only=True)
class SignatoryData:
    partner: str
    name: str
    title: str


@dataclass(frozen=True, kw_only=True)
class ActionData:
    text: str
    bearer: str | None = None  # partner slug; None for a joint commitment
    due_on: datetime.date | None = None


@dataclass(frozen=True, kw_only=True)
class AxisData:
    title: str
    description: str = ""
    actions: tuple[ActionData, ...] = ()


@dataclass(frozen=True, kw_only=True)
class StatementData:
    organisation: str
    person: str
    role: str
    text: str


@dataclass(frozen=True, kw_only=True)
class TargetData:
    label: str
    value: Decimal
    unit: str = ""
    year: int | None = None


@dataclass(frozen=True, kw_only=True)
class ConventionData:
    title: str
    kind: str
    scope: str = Scope.NATIONAL
    summary: str
    preamble: str = ""
    objectives: str = ""
    signed_on: datetime.date | None = None
    signed_at: str = ""
    effective_on: datetime.date | None = None
    duration_months: int | None = None
    period_end: datetime.date | None = None
    notice_months: int | None = None
    follow_up: str = ""
    review_every_months: int | None = None
    communication: str = ""
    declination_deadline: datetime.date | None = None
    parties: tuple[PartyData, ...]
    signatories: tuple[SignatoryData, ...] = ()
    axes: tuple[AxisData, ...] = ()
    # Commitments that belong to the convention as a whole, not to an axis.
    commitments: tuple[ActionData, ...] = ()
    statements: tuple[StatementData, ...] = ()
    targets: tuple[TargetData, ...] = ()
    audiences: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    territories: tuple[str, ...] = ()


# Reference data --------------------------------------------------------------------------------

NATIONAL = "france-entiere"
OVERSEAS = ("guadeloupe", "guyane", "la-reunion", "martinique", "mayotte", "saint-martin")

TERRITORIES: tuple[TerritoryData, ...] = (
    TerritoryData(slug=NATIONAL, name="France entière", kind=TerritoryKind.NATIONAL),
    TerritoryData(
        slug="guadeloupe",
        name="Guadeloupe",
        kind=TerritoryKind.OVERSEAS,
        code="971",
        parent=NATIONAL,
    ),
    TerritoryData(
        slug="martinique",
        name="Martinique",
        kind=TerritoryKind.OVERSEAS,
        code="972",
        parent=NATIONAL,
    ),
    TerritoryData(
        slug="guyane", name="Guyane", kind=TerritoryKind.OVERSEAS, code="973", parent=NATIONAL
    ),
    TerritoryData(
        slug="la-reunion",
        name="La Réunion",
        kind=TerritoryKind.OVERSEAS,
        code="974",
        parent=NATIONAL,
    ),
    TerritoryData(
        slug="mayotte", name="Mayotte", kind=TerritoryKind.OVERSEAS, code="976", parent=NATIONAL
    ),
    TerritoryData(
        slug="saint-martin",
        name="Saint-Martin",
        kind=TerritoryKind.OVERSEAS,
        code="978",
        parent=NATIONAL,
    ),
    # The 13 metropolitan regions: a Mission Locale is recorded in its region, which the
    # tables of declinations count by.
    *(
        TerritoryData(slug=slug, name=name, kind=TerritoryKind.REGION, code=code, parent=NATIONAL)
        for slug, name, code in (
            ("auvergne-rhone-alpes", "Auvergne-Rhône-Alpes", "84"),
            ("bourgogne-franche-comte", "Bourgogne-Franche-Comté", "27"),
            ("bretagne", "Bretagne", "53"),
            ("centre-val-de-loire", "Centre-Val de Loire", "24"),
            ("corse", "Corse", "94"),
            ("grand-est", "Grand Est", "44"),
            ("hauts-de-france", "Hauts-de-France", "32"),
            ("ile-de-france", "Île-de-France", "11"),
            ("normandie", "Normandie", "28"),
            ("nouvelle-aquitaine", "Nouvelle-Aquitaine", "75"),
            ("occitanie", "Occitanie", "76"),
            ("pays-de-la-loire", "Pays de la Loire", "52"),
            ("provence-alpes-cote-d-azur", "Provence-Alpes-Côte d'Azur", "93"),
        )
    ),
)

AUDIENCES: tuple[LabelData, ...] = (
    LabelData(slug="jeunes-16-25-ans", name="Jeunes de 16 à 25 ans"),
    LabelData(slug="jeunes-demandeurs-emploi", name="Jeunes demandeurs d'emploi"),
    LabelData(slug="jeunes-quartiers-prioritaires", name="Jeunes des quartiers prioritaires (ZUS)"),
    LabelData(slug="employeurs", name="Employeurs"),
    LabelData(slug="entreprises-de-proximite", name="Entreprises de proximité (TPE-PME)"),
    LabelData(slug="elus-locaux", name="Élus locaux"),
    LabelData(slug="communes-intercommunalites", name="Communes et intercommunalités"),
    LabelData(slug="professionnels-missions-locales", name="Professionnels des Missions Locales"),
    LabelData(slug="partenaires-insertion", name="Partenaires de l'insertion"),
)

THEMES: tuple[LabelData, ...] = (
    LabelData(slug="recrutement", name="Recrutement"),
    LabelData(slug="decouverte-des-metiers", name="Découverte des métiers"),
    LabelData(slug="orientation", name="Orientation des jeunes"),
    LabelData(slug="mixite-des-metiers", name="Mixité des métiers"),
    LabelData(slug="egalite-professionnelle", name="Égalité professionnelle"),
    LabelData(slug="egalite-femmes-hommes", name="Égalité entre les femmes et les hommes"),
    LabelData(slug="lutte-discriminations", name="Lutte contre les discriminations"),
    LabelData(slug="transition-ecologique", name="Transition écologique"),
    LabelData(slug="transition-numerique", name="Transition numérique"),
    LabelData(slug="intelligence-artificielle", name="Intelligence artificielle"),
    LabelData(slug="acces-offres-emploi", name="Accès aux offres d'emploi"),
    LabelData(slug="metiers-en-tension", name="Métiers en tension"),
    LabelData(slug="mobilite", name="Mobilité"),
    LabelData(slug="logement", name="Logement"),
    LabelData(slug="sante", name="Santé"),
    LabelData(slug="decrochage-scolaire", name="Décrochage scolaire"),
    LabelData(slug="aller-vers", name="Aller-vers"),
    LabelData(slug="creation-entreprise", name="Création et reprise d'entreprise"),
    LabelData(slug="contrat-engagement-jeune", name="Contrat d'engagement jeune (CEJ)"),
    LabelData(slug="gouvernance-emploi", name="Gouvernance du service public de l'emploi"),
    LabelData(slug="outre-mer", name="Outre-mer"),
)


# Partners --------------------------------------------------------------------------------------

UNML, ACADEMIE, U2P, DGOM, SMA = "unml", "academie-de-police", "u2p", "dgom", "sma"
POLE_EMPLOI, CNML, ETAT_EMPLOI, AMF = "pole-emploi", "cnml", "etat-emploi", "amf"

PARTNERS: tuple[PartnerData, ...] = (
    PartnerData(
        slug=UNML,
        name="Union nationale des Missions Locales",
        article="l’",
        acronym="UNML",
        kind=PartnerKind.NETWORK_HEAD,
        founded_year=2003,
        website="https://www.unml.info/",
        description=(
            "Association loi 1901 fondée en 2003, l'UNML anime le réseau des Missions Locales et "
            "le représente au niveau national face aux acteurs publics, économiques et sociaux. "
            "Elle tient aussi le rôle d'organisation d'employeurs de la branche professionnelle "
            "des Missions Locales.\n\n"
            "Présidées par des élus locaux et regroupées en "
            "associations régionales, les Missions Locales couvrent l'Hexagone comme les "
            "outre-mer. Elles accompagnent chaque année plus d'un million de jeunes, surtout de "
            "16 à 25 ans, vers l'insertion en tenant compte de l'ensemble de leurs besoins. "
            "Membres du service public de l'emploi, elles sont opératrices du conseil en "
            "évolution professionnelle (article L.6111-6 du code du travail) : accès ouvert à "
            "tous les jeunes, parcours construits avec eux à partir de leurs projets, "
            "mobilisation des acteurs et dispositifs de leur territoire pour sécuriser ces "
            "parcours."
        ),
        figures=(
            FigureData(label="Missions Locales dans le réseau", value=Decimal(440), year=2025),
            FigureData(
                label="Missions Locales (présentation de la convention cadre avec l'AMF)",
                value=Decimal(436),
            ),
            FigureData(label="associations régionales des Missions Locales", value=Decimal(15)),
            FigureData(label="lieux d'accueil", value=Decimal(6000), year=2024),
            FigureData(label="lieux d'accueil", value=Decimal(6800), year=2025),
            FigureData(
                label="salariés de la branche professionnelle",
                value=Decimal(15000),
                is_minimum=True,
                year=2025,
            ),
            FigureData(
                label="jeunes accompagnés chaque année",
                value=Decimal(1_100_000),
                is_minimum=True,
                year=2025,
            ),
        ),
        contacts=(
            ContactData(
                name="Edith Le Gourrier",
                role="Directrice du pôle Communication et Événementiel",
                email="elegourrier@unml.info",
                phone="06 35 82 20 46",
            ),
        ),
    ),
    PartnerData(
        slug=ACADEMIE,
        name="Académie de police",
        article="l’",
        kind=PartnerKind.STATE,
        description=(
            "Direction de la police nationale chargée de recruter et de former les policiers, "
            "qu'elle suit ensuite tout au long de leur carrière. Ses agents travaillent au nom "
            "de la transmission, de l'innovation, de l'exigence et du professionnalisme, en "
            "améliorant sans cesse leurs outils et méthodes au service de la sécurité des "
            "citoyens.\n\n"
            "Pour le recrutement, elle conduit la politique de communication avec "
            "le Sicop, noue des partenariats et coordonne plus de 600 agents qui font connaître "
            "les métiers de la police dans tout le pays."
        ),
        figures=(
            FigureData(
                label="agents chargés de promouvoir les métiers de la police",
                value=Decimal(600),
                is_minimum=True,
                year=2024,
            ),
        ),
        contacts=(
            ContactData(
                name="État-major, division communication",
                role="Service de communication de l'Académie de police",
                email="academie-comm@interieur.gouv.fr",
                phone="01 60 37 10 42",
            ),
        ),
    ),
    PartnerData(
        slug=U2P,
        name="Union des entreprises de proximité",
        article="l’",
        acronym="U2P",
        kind=PartnerKind.EMPLOYERS,
        description=(
            "Organisation d'employeurs des entreprises de proximité : artisanat, commerce de "
            "proximité et professions libérales. Elle parle au nom de 3,4 millions de TPE-PME, "
            "soit deux entreprises françaises sur trois, et rassemble 125 organisations "
            "professionnelles nationales ainsi que 115 U2P territoriales. Partenaire social, "
            "elle est souvent sollicitée par le gouvernement et prend part aux négociations "
            "nationales entre syndicats de salariés et organisations patronales."
        ),
        figures=(
            FigureData(label="TPE-PME représentées", value=Decimal(3_400_000), year=2025),
            FigureData(
                label="part des entreprises françaises représentées (deux tiers)",
                value=Decimal("66.67"),
                unit="%",
                year=2025,
            ),
            FigureData(
                label="organisations professionnelles nationales fédérées",
                value=Decimal(125),
                year=2025,
            ),
            FigureData(label="U2P territoriales", value=Decimal(115), year=2025),
        ),
        contacts=(
            ContactData(
                name="Jean-Côme Delerue",
                role="Contact presse",
                email="jcdelerue@u2p-france.fr",
                phone="06 77 64 40 78",
            ),
        ),
    ),
    PartnerData(
        slug=DGOM,
        name="Direction générale des outre-mer",
        article="la",
        acronym="DGOM",
        kind=PartnerKind.STATE,
        description=(
            "Administration de l'État compétente pour les outre-mer. Elle entretient des liens "
            "étroits avec plusieurs opérateurs, parmi lesquels le Service militaire adapté "
            "(SMA), l'Agence de l'outre-mer pour la mobilité (LADOM) et des acteurs du "
            "micro-crédit."
        ),
        contacts=(
            ContactData(
                name="Benjamin Sayag",
                role=(
                    "Conseiller communication et presse, cabinet de M. Philippe Vigier (service "
                    "presse)"
                ),
                email="mompresse@outre-mer.gouv.fr",
                phone="01 53 69 26 74",
            ),
        ),
    ),
    PartnerData(
        slug=SMA,
        name="Service militaire adapté",
        article="le",
        acronym="SMA",
        kind=PartnerKind.STATE,
        description=(
            "Dispositif militaire d'insertion présent outre-mer au travers de ses régiments "
            "(RSMA), vers lesquels les Missions Locales orientent des jeunes. C'est l'un des "
            "opérateurs proches de la Direction générale des outre-mer."
        ),
    ),
    PartnerData(
        slug=POLE_EMPLOI,
        name="Pôle emploi",
        kind=PartnerKind.PUBLIC_OPERATOR,
        description=(
            "Opérateur du service public de l'emploi, signataire en 2010 de l'accord de "
            "partenariat renforcé avec l'État et le Conseil national des missions locales. Pôle "
            "emploi est devenu France Travail le 1er janvier 2024."
        ),
    ),
    PartnerData(
        slug=CNML,
        name="Conseil national des missions locales",
        article="le",
        acronym="CNML",
        kind=PartnerKind.ADVISORY_BODY,
        description=(
            "Instance nationale du réseau des missions locales, présidée en 2010 par Bernard "
            "Perrut, qui l'a engagée dans l'accord de partenariat renforcé conclu avec l'État et "
            "Pôle emploi."
        ),
    ),
    PartnerData(
        slug=ETAT_EMPLOI,
        name="Secrétariat d'État chargé de l'emploi",
        article="le",
        kind=PartnerKind.STATE,
        description=(
            "Représente l'État dans l'accord de partenariat renforcé de 2010 avec Pôle emploi et "
            "le CNML ; le secrétaire d'État chargé de l'emploi était alors Laurent Wauquiez."
        ),
    ),
    PartnerData(
        slug=AMF,
        name="Association des maires de France et des présidents d'intercommunalité",
        article="l’",
        acronym="AMF",
        kind=PartnerKind.ELECTED_OFFICIALS,
        founded_year=1907,
        description=(
            "Fondée en 1907 et reconnue d'utilité publique depuis 1933, l'AMF réunit la "
            "quasi-totalité des maires et des présidents d'intercommunalité, ce qui fait sa "
            "représentativité auprès des pouvoirs publics. Pluraliste et indépendante de tout "
            "intérêt privé, elle défend les communes et leurs intercommunalités, la libre "
            "administration et la décentralisation, et porte la voix des élus partout où se "
            "décide l'avenir du bloc communal.\n\n"
            "Elle apporte à ses adhérents une expertise "
            "juridique et technique sur toutes les compétences communales, des conseils sur "
            "mesure, des outils pour éclairer leurs décisions et s'informer, des rencontres, "
            "webinaires et conférences de presse thématiques, et des formations qui complètent "
            "celles des associations départementales de maires. Son réseau territorial compte "
            "102 associations départementales, en métropole comme outre-mer."
        ),
        figures=(
            FigureData(label="adhérents", value=Decimal(34000), is_minimum=True),
            FigureData(label="associations départementales de maires", value=Decimal(102)),
        ),
    ),
    # Missions Locales that decline the national agreements, each in its region.
    *(
        PartnerData(
            slug=slug,
            name=name,
            kind=PartnerKind.MISSION_LOCALE,
            territory=territory,
            description=(
                "Mission Locale : accueil, information, orientation et accompagnement des "
                "jeunes de 16 à 25 ans vers l'emploi et la formation."
            ),
        )
        for slug, name, territory in (
            ("mission-locale-de-paris", "Mission Locale de Paris", "ile-de-france"),
            ("mission-locale-de-lyon", "Mission Locale de Lyon", "auvergne-rhone-alpes"),
            ("mission-locale-de-cayenne", "Mission Locale de Cayenne", "guyane"),
            ("mission-locale-de-saint-denis", "Mission Locale de Saint-Denis", "la-reunion"),
        )
    ),
)


# Conventions -----------------------------------------------------------------------------------

ACADEMIE_TITLE = "Convention de partenariat entre l'Académie de police et l'UNML"
U2P_TITLE = "Convention nationale de partenariat entre l'UNML et l'U2P"
DGOM_TITLE = "Convention pluriannuelle de partenariat 2023-2025 entre l'UNML et la DGOM"
SMA_TITLE = "Accord-cadre 2023-2025 entre l'UNML et le SMA"
EMPLOI_2010_TITLE = "Accord de partenariat renforcé entre l'État, Pôle emploi et le CNML"
AMF_TITLE = "Convention cadre nationale entre l'AMF et l'UNML"

# The AMF text carries no signature date: a demo value, stated in the convention's summary.
AMF_DEMO_SIGNED_ON = D(2024, 12, 10)
# The SMA press release gives no signature date: we record the day it was announced.
SMA_SIGNED_ON = D(2023, 9, 21)

CONVENTIONS: tuple[ConventionData, ...] = (
    ConventionData(
        title=ACADEMIE_TITLE,
        kind=ConventionKind.PARTNERSHIP,
        summary=(
            "Convention nationale qui associe l'Académie de police et le réseau des 440 Missions "
            "Locales à la stratégie de recrutement de la police nationale, afin d'ouvrir ses "
            "emplois aux jeunes accompagnés par les Missions Locales. Signée à Paris le 29 mai "
            "2024 et annoncée par un communiqué commun le 3 juin 2024. Le communiqué ne fixe "
            "aucune durée : la convention est enregistrée sans date de fin."
        ),
        objectives=(
            "1. Mieux informer les jeunes sur les métiers et les recrutements de la police "
            "nationale, par exemple en tenant ensemble des stands dans les salons des "
            "métiers.\n2. Présenter aux recruteurs de la police les services des Missions "
            "Locales qui aident à repérer les jeunes désireux d'y entrer.\n3. Faire connaître "
            "les métiers et les recrutements de la police aux professionnels des Missions "
            "Locales."
        ),
        signed_on=D(2024, 5, 29),
        signed_at="Paris",
        parties=(
            PartyData(partner=ACADEMIE, role=PartyRole.PARTNER),
            PartyData(partner=UNML, role=PartyRole.NETWORK),
        ),
        signatories=(
            SignatoryData(
                partner=ACADEMIE,
                name="Philippe Lutz",
                title="Directeur des services actifs de l'Académie de police",
            ),
            SignatoryData(
                partner=UNML,
                name="Thierry Marty",
                title="Vice-président de l'UNML en charge des partenariats économiques",
            ),
        ),
        axes=(
            AxisData(
                title="Informer les jeunes sur les métiers et les recrutements de la police",
                description="Entre autres par une présence dans les salons des métiers.",
                actions=(
                    ActionData(
                        text=(
                            "Valoriser les métiers de la police auprès des jeunes en organisant "
                            "leur rencontre avec les recruteurs de la police nationale."
                        ),
                        bearer=UNML,
                    ),
                    ActionData(
                        text="Envoyer ses recruteurs à la rencontre des candidats.",
                        bearer=ACADEMIE,
                    ),
                ),
            ),
            AxisData(
                title=(
                    "Faire découvrir aux recruteurs de la police les services des Missions Locales"
                ),
                description=(
                    "Notamment ceux qui permettent de repérer les jeunes qui souhaitent entrer "
                    "dans la police."
                ),
                actions=(
                    ActionData(
                        text=(
                            "Convaincre ses recruteurs de l'intérêt de prendre part aux actions "
                            "des Missions Locales."
                        ),
                        bearer=ACADEMIE,
                    ),
                    ActionData(
                        text=(
                            "Faire connaître ce que les Missions Locales proposent pour aider au "
                            "recrutement."
                        ),
                        bearer=ACADEMIE,
                    ),
                ),
            ),
            AxisData(
                title=(
                    "Faire connaître les métiers et les recrutements de la police aux "
                    "professionnels des Missions Locales"
                ),
            ),
        ),
        statements=(
            StatementData(
                organisation=UNML,
                person="Thierry Marty",
                role="Vice-président de l'UNML en charge des partenariats économiques",
                text=(
                    "Propos résumés : les débouchés de la police nationale parlent vraiment aux "
                    "jeunes. Grâce au maillage national des Missions Locales, la convention doit "
                    "garantir à chacun d'eux la même qualité d'information sur l'ensemble des "
                    "métiers de la police."
                ),
            ),
            StatementData(
                organisation=ACADEMIE,
                person="Philippe Lutz",
                role="Directeur des services actifs de l'Académie de police",
                text=(
                    "Propos résumés : rendre la police nationale plus visible et plus attirante "
                    "est décisif pour son recrutement. Des partenariats comme celui-ci, adossés "
                    "à un réseau de proximité qui a fait ses preuves, rapprochent la police des "
                    "jeunes et permettent de leur montrer la variété de ses métiers. Il en "
                    "attend des effets rapides : des jeunes, diplômés ou non, pourront découvrir "
                    "tout ce que la police offre, des métiers passionnants qui ne cessent "
                    "d'évoluer."
                ),
            ),
        ),
        audiences=("jeunes-16-25-ans", "professionnels-missions-locales"),
        themes=("recrutement", "decouverte-des-metiers"),
        territories=(NATIONAL,),
    ),
    ConventionData(
        title=U2P_TITLE,
        kind=ConventionKind.PARTNERSHIP,
        summary=(
            "Convention nationale signée à Paris le mercredi 21 mai 2025 pour trois ans. Elle "
            "doit ouvrir plus largement l'emploi aux jeunes tout en aidant les entreprises de "
            "proximité à recruter, et lance une collaboration structurée entre les deux réseaux."
        ),
        preamble=(
            "Le chômage repart à la hausse et de nombreux secteurs et territoires peinent "
            "toujours à recruter. Le partenariat cherche à installer durablement les jeunes dans "
            "l'emploi, par la découverte des métiers et par un accompagnement qui les aide à "
            "garder leur poste. En miroir, il doit permettre aux entreprises de proximité, pour "
            "qui chaque embauche et l'accueil d'un salarié pèsent lourd, de recruter dans la "
            "durée.\n\n"
            "Sa mise en œuvre tiendra compte, autant que possible, d'enjeux de société "
            "comme la mixité des métiers et l'égalité professionnelle, et des transitions que "
            "vivent les entreprises : écologique, numérique et usage de l'intelligence "
            "artificielle."
        ),
        objectives=(
            "1. Rapprocher les U2P régionales et départementales des associations régionales des "
            "Missions Locales et des Missions Locales.\n2. Faire découvrir les métiers avec les "
            "organisations professionnelles du champ de l'U2P.\n3. Orienter les jeunes vers les "
            "emplois de l'économie de proximité, à court, moyen ou long terme."
        ),
        signed_on=D(2025, 5, 21),
        signed_at="Paris",
        duration_months=36,
        parties=(
            PartyData(partner=UNML, role=PartyRole.NETWORK),
            PartyData(partner=U2P, role=PartyRole.PARTNER),
        ),
        signatories=(
            SignatoryData(
                partner=UNML,
                name="Françoise Raynaud",
                title="Vice-présidente de l'Union nationale des Missions Locales",
            ),
            SignatoryData(partner=U2P, name="Michel Picon", title="Président de l'U2P"),
        ),
        axes=(
            AxisData(
                title=(
                    "Rapprocher les U2P de région et de département des associations régionales "
                    "des Missions Locales et des Missions Locales"
                ),
                actions=(
                    ActionData(text="Faire mieux connaître chacun des deux réseaux à l'autre."),
                    ActionData(
                        text=(
                            "Aider les professionnels des Missions Locales à mieux connaître le "
                            "tissu économique et les besoins des chefs d'entreprise de proximité."
                        )
                    ),
                ),
            ),
            AxisData(
                title=(
                    "Favoriser la découverte des métiers avec les organisations professionnelles "
                    "du champ de l'U2P"
                ),
                actions=(
                    ActionData(
                        text="Sensibiliser les jeunes à la diversité des métiers du champ de l'U2P."
                    ),
                    ActionData(
                        text=(
                            "Aider les professionnels des Missions Locales à mieux cerner les "
                            "particularités et les contraintes de ces métiers."
                        )
                    ),
                ),
            ),
            AxisData(
                title="Orienter les jeunes vers les emplois de l'économie de proximité",
                actions=(
                    ActionData(
                        text=(
                            "Diriger des jeunes vers des postes des entreprises de proximité à "
                            "pourvoir à court, moyen ou long terme."
                        )
                    ),
                ),
            ),
        ),
        statements=(
            StatementData(
                organisation=UNML,
                person="Françoise Raynaud",
                role="Vice-présidente de l'Union nationale des Missions Locales",
                text=(
                    "Propos résumés : le contexte économique est dur et les jeunes en subissent "
                    "les effets. Le partenariat donnera un cadre au travail commun, et les "
                    "Missions Locales tiendront leur part, en particulier grâce à leurs "
                    "conseillers chargés des relations avec les entreprises, qui connaissent à "
                    "la fois les jeunes qu'ils suivent et les attentes des employeurs de leur "
                    "bassin d'emploi."
                ),
            ),
            StatementData(
                organisation=U2P,
                person="Michel Picon",
                role="Président de l'U2P",
                text=(
                    "Propos résumés : l'insertion des jeunes doit être une priorité dans la "
                    "période actuelle. Il appelle les U2P territoriales et les organisations "
                    "professionnelles adhérentes à travailler avec les Missions Locales pour "
                    "aider les entreprises de proximité à recruter et traduire en actes leur "
                    "engagement pour l'insertion professionnelle des jeunes."
                ),
            ),
        ),
        audiences=(
            "jeunes-16-25-ans",
            "entreprises-de-proximite",
            "employeurs",
            "professionnels-missions-locales",
        ),
        themes=(
            "recrutement",
            "decouverte-des-metiers",
            "orientation",
            "mixite-des-metiers",
            "egalite-professionnelle",
            "transition-ecologique",
            "transition-numerique",
            "intelligence-artificielle",
        ),
        territories=(NATIONAL,),
    ),
    ConventionData(
        title=DGOM_TITLE,
        kind=ConventionKind.MULTI_YEAR,
        summary=(
            "Convention pluriannuelle pour la période 2023-2025, signée le 18 juillet 2023 et "
            "annoncée par un communiqué du 21 septembre 2023. Elle concerne les jeunes de 16 à "
            "25 ans en demande d'insertion, les entreprises et les territoires ultramarins : "
            "Guadeloupe, Guyane, La Réunion, Martinique, Mayotte et Saint-Martin. Le communiqué "
            "ne précise ni le lieu de signature ni les signataires."
        ),
        preamble=(
            "La DGOM et l'UNML veulent intensifier leur coopération au profit des jeunes "
            "ultramarins de 16 à 25 ans en recherche d'insertion, des entreprises et des "
            "territoires d'outre-mer. Le texte, construit en commun, conclut une série de "
            "concertations entre la DGOM, les 12 Missions Locales ultramarines et leurs "
            "associations régionales. Il complète les politiques publiques que le ministère du "
            "Travail, du Plein emploi et de l'Insertion soutient en faveur du réseau des "
            "Missions Locales."
        ),
        objectives=(
            "Trois axes opérationnels servent une même ambition pour les jeunes des départements "
            "et régions d'outre-mer. Les travaux préparatoires ont en outre fait ressortir des "
            "sujets prioritaires que la DGOM et la Commission ultramarine de l'UNML doivent "
            "traiter rapidement, pour trouver et mettre en œuvre des réponses au bénéfice de la "
            "jeunesse ultramarine."
        ),
        signed_on=D(2023, 7, 18),
        effective_on=D(2023, 1, 1),
        period_end=D(2025, 12, 31),
        parties=(
            PartyData(partner=UNML, role=PartyRole.NETWORK),
            PartyData(partner=DGOM, role=PartyRole.STATE),
        ),
        axes=(
            AxisData(
                title="Instaurer un vrai travail en commun entre la DGOM et l'UNML",
                actions=(
                    ActionData(
                        text="Participer aux instances et aux rencontres organisées par l'UNML."
                    ),
                    ActionData(
                        text=(
                            "Mettre sur pied des groupes de travail techniques sur les domaines "
                            "d'intervention des Missions Locales."
                        )
                    ),
                ),
            ),
            AxisData(
                title=(
                    "Renforcer les liens entre les Missions Locales ultramarines et les "
                    "opérateurs proches de la DGOM"
                ),
                description=(
                    "Par exemple le Service militaire adapté (SMA), l'Agence de l'outre-mer pour "
                    "la mobilité (LADOM) ou les acteurs du micro-crédit."
                ),
                actions=(
                    ActionData(
                        text=(
                            "Rapprocher les Missions Locales ultramarines des opérateurs avec "
                            "lesquels la DGOM entretient des liens privilégiés, comme le SMA ou "
                            "LADOM."
                        )
                    ),
                    ActionData(
                        text=(
                            "Travailler avec les acteurs du micro-crédit pour encourager la "
                            "création et la reprise d'entreprises."
                        )
                    ),
                ),
            ),
            AxisData(
                title=(
                    "Mieux connaître ensemble les territoires, les publics visés et les relais "
                    "locaux pour s'appuyer l'un sur l'autre"
                ),
            ),
        ),
        commitments=(
            ActionData(
                text=(
                    "Avec la Commission ultramarine de l'UNML, identifier puis mettre en œuvre "
                    "des solutions sur les sujets prioritaires repérés pendant la concertation."
                )
            ),
        ),
        audiences=("jeunes-16-25-ans", "employeurs"),
        themes=("outre-mer", "mobilite", "creation-entreprise"),
        territories=OVERSEAS,
    ),
    ConventionData(
        title=SMA_TITLE,
        kind=ConventionKind.FRAMEWORK_AGREEMENT,
        summary=(
            "Accord-cadre national pour la période 2023-2025, annoncé avec la convention "
            "UNML-DGOM par le communiqué du 21 septembre 2023. Il confirme la coopération déjà "
            "engagée entre le réseau des Missions Locales et les RSMA, les régiments du SMA, et "
            "doit être décliné localement dans les trois mois. Hypothèse : le communiqué ne "
            "donne pas la date exacte de signature, enregistrée ici au 21 septembre 2023, jour "
            "de l'annonce ; l'échéance des déclinaisons locales (21 décembre 2023) en découle."
        ),
        objectives=(
            "Mieux repérer les jeunes et les orienter vers les RSMA ; mieux échanger les "
            "informations sur le suivi des jeunes en Contrat d'engagement jeune (CEJ) ; décliner "
            "l'accord localement dans un délai de trois mois."
        ),
        signed_on=SMA_SIGNED_ON,
        effective_on=D(2023, 1, 1),
        period_end=D(2025, 12, 31),
        declination_deadline=add_months(SMA_SIGNED_ON, 3),
        parties=(
            PartyData(partner=UNML, role=PartyRole.NETWORK),
            PartyData(partner=SMA, role=PartyRole.PARTNER),
        ),
        commitments=(
            ActionData(
                text=(
                    "Renforcer le repérage des jeunes et leur orientation vers les régiments du "
                    "SMA (RSMA)."
                )
            ),
            ActionData(
                text=(
                    "Améliorer l'échange d'informations sur le suivi des jeunes bénéficiaires du "
                    "Contrat d'engagement jeune (CEJ)."
                )
            ),
            ActionData(
                text="Signer les déclinaisons locales de l'accord-cadre dans les trois mois.",
                due_on=add_months(SMA_SIGNED_ON, 3),
            ),
        ),
        audiences=("jeunes-16-25-ans",),
        themes=("outre-mer", "orientation", "contrat-engagement-jeune"),
    ),
    ConventionData(
        title=EMPLOI_2010_TITLE,
        kind=ConventionKind.REINFORCED_PARTNERSHIP,
        summary=(
            "Accord signé à Paris le matin du 26 janvier 2010 par le secrétaire d'État chargé de "
            "l'emploi, le directeur général de Pôle emploi et le président du CNML, pour une "
            "démarche de progrès de cinq ans (2010-2014). Il renouvelle la coopération entre les "
            "deux réseaux engagée en 2001 ; ce premier partenariat n'est pas enregistré ici, ses "
            "dates n'étant pas connues. Objectif affiché : 150 000 jeunes suivis en 2010."
        ),
        preamble=(
            "L'accord prolonge le partenariat que les deux réseaux mènent depuis 2001 pour "
            "accompagner les jeunes demandeurs d'emploi, et lui ouvre de nouvelles perspectives. "
            "Les signataires s'engagent ensemble pour l'insertion professionnelle des jeunes sur "
            "le terrain et à rendre leurs offres de service plus complémentaires. Le texte doit "
            "aussi mieux coordonner les politiques territoriales et tirer parti des synergies "
            "entre ces deux opérateurs du service public de l'emploi, jusqu'aux initiatives "
            "locales pour l'emploi des jeunes."
        ),
        objectives=(
            "Poser un cadre d'intervention pour chacun des trois niveaux territoriaux (local, "
            "régional, national) ; bâtir dans chaque région une stratégie de partenariat "
            "renforcé ; viser en priorité les employeurs, les jeunes et les partenaires ; "
            "permettre aux jeunes demandeurs d'emploi de cumuler l'accompagnement d'une mission "
            "locale et les prestations de Pôle emploi."
        ),
        signed_on=D(2010, 1, 26),
        signed_at="Paris",
        effective_on=D(2010, 1, 1),
        period_end=D(2014, 12, 31),
        parties=(
            PartyData(partner=ETAT_EMPLOI, role=PartyRole.STATE),
            PartyData(partner=POLE_EMPLOI, role=PartyRole.PARTNER),
            PartyData(partner=CNML, role=PartyRole.NETWORK),
        ),
        signatories=(
            SignatoryData(
                partner=ETAT_EMPLOI,
                name="Laurent Wauquiez",
                title="Secrétaire d'État chargé de l'emploi",
            ),
            SignatoryData(
                partner=POLE_EMPLOI,
                name="Christian Charpy",
                title="Directeur général de Pôle emploi",
            ),
            SignatoryData(
                partner=CNML,
                name="Bernard Perrut",
                title="Président du Conseil national des missions locales (CNML)",
            ),
        ),
        commitments=(
            ActionData(
                text=(
                    "Définir un cadre d'intervention adapté à chaque niveau territorial : local, "
                    "régional et national."
                )
            ),
            ActionData(
                text=(
                    "Négocier dans chaque région une convention de partenariat renforcé, à "
                    "partir d'un diagnostic partagé."
                )
            ),
            ActionData(
                text=(
                    "Permettre aux jeunes demandeurs d'emploi de combiner l'accompagnement d'une "
                    "mission locale, mené pour le compte de Pôle emploi, et les prestations de "
                    "Pôle emploi."
                )
            ),
            ActionData(
                text=(
                    "Construire des plans d'actions communs en s'appuyant sur les actions déjà "
                    "menées ensemble."
                )
            ),
            ActionData(text="Mettre en synergie l'accès des jeunes aux offres d'emploi."),
            ActionData(
                text="Articuler l'action des missions locales avec les plates-formes de vocation."
            ),
            ActionData(
                text=(
                    "Coordonner le partenariat avec les dispositifs en faveur de l'emploi des "
                    "jeunes, en particulier ceux des zones urbaines sensibles (ZUS)."
                )
            ),
            ActionData(
                text=(
                    "Lutter contre les discriminations et promouvoir l'égalité entre les femmes "
                    "et les hommes."
                )
            ),
        ),
        targets=(
            TargetData(
                label="Jeunes suivis en 2010",
                value=Decimal(150_000),
                unit="jeunes",
                year=2010,
            ),
        ),
        audiences=(
            "jeunes-demandeurs-emploi",
            "jeunes-quartiers-prioritaires",
            "employeurs",
            "partenaires-insertion",
        ),
        themes=("acces-offres-emploi", "lutte-discriminations", "egalite-femmes-hommes"),
        territories=(NATIONAL,),
    ),
    ConventionData(
        title=AMF_TITLE,
        kind=ConventionKind.NATIONAL_FRAMEWORK,
        summary=(
            "Cadre national de coopération entre l'AMF et l'UNML, en vigueur dès sa signature "
            "pour trois ans. Toute modification de ses conditions d'exécution, décidée d'un "
            "commun accord, passe par un avenant. Chaque partie peut mettre fin à la convention, "
            "ou à un avenant, avant son terme, avec un préavis de deux mois courant à partir de "
            "l'envoi d'une lettre recommandée avec accusé de réception. Le texte ne porte pas de "
            "date : la date de signature enregistrée (10 décembre 2024) est une valeur de "
            "démonstration."
        ),
        preamble=(
            "Les maires sont attachés aux Missions Locales : présidées par des représentants des "
            "collectivités, elles rendent aux jeunes et aux entreprises un service public de "
            "proximité. Grâce à l'implication des élus, elles conduisent une politique "
            "territoriale qui ouvre aux jeunes l'emploi et l'autonomie, bâtie à partir de leurs "
            "projets et en prise directe avec la réalité des bassins d'emploi.\n\n"
            "Le Réseau pour "
            "l'Emploi et ses comités territoriaux pour l'emploi prolongent une coopération "
            "ancienne entre communes, intercommunalités et Missions Locales pour accompagner les "
            "jeunes dans tous les territoires. La convention consacre et améliore les "
            "coopérations déjà menées localement, et rapproche les réseaux des deux associations."
        ),
        objectives=(
            "1. Rappeler les cadres de coopération qui existent déjà.\n2. Afficher des ambitions "
            "partagées pour insérer les jeunes et soutenir les employeurs.\n3. Approfondir la "
            "réflexion sur la place et le rôle des élus locaux dans le réseau des Missions "
            "Locales.\n4. Consolider le rapprochement entre les deux réseaux."
        ),
        signed_on=AMF_DEMO_SIGNED_ON,
        duration_months=36,
        notice_months=2,
        follow_up=(
            "Un bilan d'étape des actions de coopération est présenté lors des rencontres "
            "nationales annuelles de chacune des deux associations ; entre-temps, les équipes "
            "des deux associations suivent régulièrement l'avancement."
        ),
        review_every_months=12,
        communication=(
            "Les signataires mettent leurs outils et canaux de communication, nationaux comme "
            "locaux (sites, réseaux sociaux, lettres d'information, magazines, séminaires, "
            "congrès, assises, webinaires, commissions…), au service de ce cadre de coopération, "
            "en priorité auprès de leurs réseaux territoriaux : associations départementales de "
            "maires, associations régionales des Missions Locales et Missions Locales."
        ),
        parties=(
            PartyData(partner=UNML, role=PartyRole.NETWORK),
            PartyData(partner=AMF, role=PartyRole.PARTNER),
        ),
        signatories=(
            SignatoryData(
                partner=AMF,
                name="David Lisnard",
                title=(
                    "Président de l'Association des maires de France et des présidents "
                    "d'intercommunalité"
                ),
            ),
            SignatoryData(
                partner=UNML,
                name="Stéphane Valli",
                title="Président de l'Union nationale des Missions Locales",
            ),
        ),
        axes=(
            AxisData(
                title=(
                    "Agir pour l'accompagnement des jeunes vers l'emploi et celui des "
                    "employeurs, pour une insertion réussie dans tous les territoires"
                ),
                actions=(
                    ActionData(
                        text=(
                            "Expliquer aux collectivités la place qu'elles peuvent prendre, en "
                            "partenaires, dans l'insertion et l'orientation des jeunes."
                        )
                    ),
                    ActionData(
                        text=(
                            "Soutenir les actions contre le décrochage scolaire et les démarches "
                            "d'aller-vers, au plus près des lieux de vie des jeunes."
                        )
                    ),
                    ActionData(
                        text=(
                            "Sensibiliser aux freins périphériques (mobilité, logement, santé) "
                            "pour faciliter l'accès des jeunes à l'emploi ou à une activité."
                        )
                    ),
                ),
            ),
            AxisData(
                title=(
                    "Partager l'expertise de chaque partie pour nourrir une réflexion commune "
                    "sur les enjeux partagés"
                ),
                actions=(
                    ActionData(
                        text=(
                            "Échanger, dans les deux sens, les connaissances produites par "
                            "chacun (données, études…)."
                        )
                    ),
                    ActionData(
                        text=(
                            "Diffuser l'information sur les dispositifs locaux destinés aux jeunes."
                        )
                    ),
                    ActionData(
                        text=(
                            "Grâce au réseau de l'AMF, aider les Missions Locales à mieux saisir "
                            "les besoins des entreprises, pour y répondre et contribuer au "
                            "développement des territoires."
                        ),
                        bearer=AMF,
                    ),
                    ActionData(
                        text=(
                            "Aider tous les professionnels des Missions Locales à mieux "
                            "connaître les secteurs qui peinent à recruter, avec le concours des "
                            "communes et intercommunalités."
                        )
                    ),
                    ActionData(
                        text=(
                            "Aider les adhérents et le réseau de l'AMF à mieux cerner les "
                            "particularités des jeunes suivis en Mission Locale."
                        )
                    ),
                ),
            ),
            AxisData(
                title=(
                    "Défendre ensemble des positions qui favorisent l'engagement des élus locaux "
                    "dans les politiques d'emploi et d'insertion"
                ),
                actions=(
                    ActionData(
                        text=(
                            "Plaider pour une place reconnue et accrue des élus du bloc communal "
                            "(maires, présidents d'intercommunalité) dans la gouvernance du "
                            "réseau et du service public de l'emploi, surtout lorsqu'ils "
                            "président une Mission Locale."
                        )
                    ),
                    ActionData(
                        text=(
                            "Soutenir la création, au niveau local, d'instances de gouvernance "
                            "du réseau pour l'emploi réunies autour des élus du bloc communal "
                            "engagés dans une Mission Locale."
                        )
                    ),
                    ActionData(
                        text=(
                            "Réaffirmer ensemble l'attachement au financement pluraliste des "
                            "Missions Locales, à leur enracinement local et à la prise en charge "
                            "globale des jeunes."
                        )
                    ),
                ),
            ),
            AxisData(
                title="Faire vivre et faire connaître le partenariat",
                actions=(
                    ActionData(
                        text=(
                            "Faire circuler, dans chacun des deux réseaux, les coordonnées des "
                            "acteurs locaux impliqués."
                        )
                    ),
                    ActionData(
                        text=(
                            "Faire intervenir des représentants de chaque structure dans les "
                            "instances et événements de l'autre réseau, par exemple les "
                            "commissions et groupes de travail thématiques de l'AMF et les "
                            "Rencontres nationales de l'UNML."
                        )
                    ),
                    ActionData(
                        text=(
                            "Organiser chaque année une rencontre entre les équipes des deux "
                            "associations pour dresser le bilan du partenariat."
                        )
                    ),
                    ActionData(
                        text=(
                            "Encourager la déclinaison locale de la convention en accompagnant "
                            "les adhérents de chaque association dans sa mise en œuvre."
                        )
                    ),
                ),
            ),
        ),
        audiences=(
            "elus-locaux",
            "communes-intercommunalites",
            "jeunes-16-25-ans",
            "employeurs",
            "professionnels-missions-locales",
        ),
        themes=(
            "decrochage-scolaire",
            "aller-vers",
            "mobilite",
            "logement",
            "sante",
            "metiers-en-tension",
            "gouvernance-emploi",
        ),
        territories=(NATIONAL,),
    ),
)


# Loader ----------------------------------------------------------------------------------------


@dataclass
class Tally:
    """How many objects of one kind a run created, and how many were already there."""

    singular: str
    plural: str
    feminine: bool = False
    created: int = 0
    existing: int = 0

    def count(self, *, created: bool) -> None:
        if created:
            self.created += 1
        else:
            self.existing += 1

    def __str__(self) -> str:
        ending = "e" if self.feminine else ""
        noun = self.singular if self.created == 1 else self.plural
        made = f"créé{ending}" + ("" if self.created == 1 else "s")
        there = f"présent{ending}" + ("" if self.existing == 1 else "s")
        return f"{self.created} {noun} {made}, {self.existing} déjà {there}"


@dataclass
class LoadReport:
    territories: Tally = field(default_factory=lambda: Tally("territoire", "territoires"))
    audiences: Tally = field(default_factory=lambda: Tally("public cible", "publics cibles"))
    themes: Tally = field(default_factory=lambda: Tally("thématique", "thématiques", True))
    partners: Tally = field(default_factory=lambda: Tally("partenaire", "partenaires"))
    key_figures: Tally = field(default_factory=lambda: Tally("chiffre clé", "chiffres clés"))
    contacts: Tally = field(default_factory=lambda: Tally("contact", "contacts"))
    conventions: Tally = field(default_factory=lambda: Tally("convention", "conventions", True))

    def lines(self) -> list[str]:
        return [
            str(tally)
            for tally in (
                self.territories,
                self.audiences,
                self.themes,
                self.partners,
                self.key_figures,
                self.contacts,
                self.conventions,
            )
        ]


def _get_or_create(model: type[M], tally: Tally, *, lookup: dict, values: dict) -> M:
    """Return the row matching `lookup`; create it (validated) from `values` if missing.

    An existing row is never saved again, so it keeps its values and gets no history row.
    """
    instance = model._default_manager.filter(**lookup).first()
    if instance is not None:
        tally.count(created=False)
        return instance
    instance = model(**lookup, **values)
    instance.full_clean()
    instance.save()
    tally.count(created=True)
    return instance


def _create(model: type[M], *, exclude: tuple[str, ...] = (), **values) -> M:
    instance = model(**values)
    instance.full_clean(exclude=list(exclude))
    instance.save()
    return instance


def _create_convention(
    data: ConventionData,
    *,
    partners: dict[str, Partner],
    territories: dict[str, Territory],
    audiences: dict[str, Audience],
    themes: dict[str, Theme],
) -> Convention:
    convention = _create(
        Convention,
        # Attributed by Convention.save() from the signature year.
        exclude=("reference",),
        title=data.title,
        kind=data.kind,
        scope=data.scope,
        summary=data.summary,
        preamble=data.preamble,
        objectives=data.objectives,
        signed_on=data.signed_on,
        signed_at=data.signed_at,
        effective_on=data.effective_on,
        duration_months=data.duration_months,
        period_end=data.period_end,
        notice_months=data.notice_months,
        follow_up=data.follow_up,
        review_every_months=data.review_every_months,
        communication=data.communication,
        declination_deadline=data.declination_deadline,
    )
    convention.validate_party_count(len(data.parties))
    for position, party in enumerate(data.parties, start=1):
        _create(
            Party,
            convention=convention,
            partner=partners[party.partner],
            role=party.role,
            position=position,
        )
    for position, signatory in enumerate(data.signatories, start=1):
        _create(
            Signatory,
            convention=convention,
            partner=partners[signatory.partner],
            name=signatory.name,
            title=signatory.title,
            signed_on=data.signed_on,
            position=position,
        )
    for number, axis_data in enumerate(data.axes, start=1):
        axis = _create(
            Axis,
            convention=convention,
            number=number,
            title=axis_data.title,
            description=axis_data.description,
        )
        _create_commitments(convention, axis_data.actions, axis=axis, partners=partners)
    _create_commitments(convention, data.commitments, axis=None, partners=partners)
    for position, statement in enumerate(data.statements, start=1):
        _create(
            Statement,
            convention=convention,
            person=statement.person,
            role=statement.role,
            organisation=partners[statement.organisation],
            text=statement.text,
            position=position,
        )
    for target in data.targets:
        _create(
            Target,
            convention=convention,
            label=target.label,
            value=target.value,
            unit=target.unit,
            year=target.year,
        )
    convention.audiences.set([audiences[slug] for slug in data.audiences])
    convention.themes.set([themes[slug] for slug in data.themes])
    convention.territories.set([territories[slug] for slug in data.territories])
    return convention


def _create_commitments(
    convention: Convention,
    actions: tuple[ActionData, ...],
    *,
    axis: Axis | None,
    partners: dict[str, Partner],
) -> None:
    for position, action in enumerate(actions, start=1):
        _create(
            Commitment,
            convention=convention,
            axis=axis,
            position=position,
            text=action.text,
            bearer=partners[action.bearer] if action.bearer else None,
            due_on=action.due_on,
        )


@transaction.atomic
def load_demo_data() -> LoadReport:
    """Load the demo partners, reference data and conventions; skip whatever already exists.

    Reference data and partners are matched on their slug, key figures on (partner, label, year),
    contacts on (partner, name), conventions on their title. A convention is created with all
    of its children at once, or not at all, so running this twice changes nothing.
    """
    report = LoadReport()

    territories: dict[str, Territory] = {}
    for item in TERRITORIES:
        territories[item.slug] = _get_or_create(
            Territory,
            report.territories,
            lookup={"slug": item.slug},
            values={
                "name": item.name,
                "kind": item.kind,
                "code": item.code,
                "parent": territories[item.parent] if item.parent else None,
            },
        )
    audiences = {
        item.slug: _get_or_create(
            Audience, report.audiences, lookup={"slug": item.slug}, values={"name": item.name}
        )
        for item in AUDIENCES
    }
    themes = {
        item.slug: _get_or_create(
            Theme, report.themes, lookup={"slug": item.slug}, values={"name": item.name}
        )
        for item in THEMES
    }

    partners: dict[str, Partner] = {}
    for item in PARTNERS:
        partner = _get_or_create(
            Partner,
            report.partners,
            lookup={"slug": item.slug},
            values={
                "name": item.name,
                "acronym": item.acronym,
                "article": item.article,
                "kind": item.kind,
                "description": item.description,
                "founded_year": item.founded_year,
                "website": item.website,
                "territory": territories[item.territory] if item.territory else None,
            },
        )
        partners[item.slug] = partner
        for position, figure in enumerate(item.figures, start=1):
            _get_or_create(
                KeyFigure,
                report.key_figures,
                lookup={"partner": partner, "label": figure.label, "year": figure.year},
                values={
                    "value": figure.value,
                    "unit": figure.unit,
                    "is_minimum": figure.is_minimum,
                    "position": position,
                },
            )
        for contact in item.contacts:
            _get_or_create(
                Contact,
                report.contacts,
                lookup={"partner": partner, "name": contact.name},
                values={
                    "role": contact.role,
                    "email": contact.email,
                    "phone": contact.phone,
                    "is_press_contact": contact.is_press_contact,
                },
            )

    for data in CONVENTIONS:
        if Convention.objects.filter(title=data.title).exists():
            report.conventions.count(created=False)
            continue
        _create_convention(
            data, partners=partners, territories=territories, audiences=audiences, themes=themes
        )
        report.conventions.count(created=True)
    return report
