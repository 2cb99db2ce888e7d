from django.db import models


class PartnerKind(models.TextChoices):
    NETWORK_HEAD = "network_head", "Tête de réseau des Missions Locales"
    REGIONAL_ASSOCIATION = "regional_association", "Association régionale des Missions Locales"
    MISSION_LOCALE = "mission_locale", "Mission Locale"
    STATE = "state", "État, ministère ou service de l'État"
    PUBLIC_OPERATOR = "public_operator", "Opérateur public"
    ELECTED_OFFICIALS = "elected_officials", "Association d'élus"
    EMPLOYERS = "employers", "Organisation professionnelle ou d'employeurs"
    ADVISORY_BODY = "advisory_body", "Instance consultative"
    ASSOCIATION = "association", "Association"
    COMPANY = "company", "Entreprise"
    OTHER = "other", "Autre"


class TerritoryKind(models.TextChoices):
    NATIONAL = "national", "National"
    REGION = "region", "Région"
    DEPARTMENT = "department", "Département"
    OVERSEAS = "overseas", "Outre-mer"
    LOCAL = "local", "Bassin d'emploi ou commune"


class Article(models.TextChoices):
    """The article a sentence puts before the organisation's name: « avec l’AMF »."""

    ELIDED = "l’", "l’ (l’AMF, l’Union nationale…)"
    MASCULINE = "le", "le (le Service militaire adapté)"
    FEMININE = "la", "la (la DGOM)"
    PLURAL = "les", "les (les Entreprises…)"
    NONE = "", "aucun (France Travail)"
