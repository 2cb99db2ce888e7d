from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.formats import number_format
from simple_history.models import HistoricalRecords

from conventions.typography import ascii_slug, with_article
from conventions.uploads import LOGO_HELP_TEXT, logo_upload_to, validate_logo

from .enums import Article, PartnerKind, TerritoryKind


class TerritoryQuerySet(models.QuerySet):
    def with_usage(self):
        """Annotate `conventions_count`, `partners_count` and `children_count`: the conventions
        that apply to the territory, the partners working in it, the territories within it."""
        from conventions.models.taxonomy import count_of

        through = self.model.convention_set.through
        return self.annotate(
            conventions_count=count_of(through.objects.all(), "territory"),
            partners_count=count_of(Partner.objects.all(), "territory"),
            children_count=count_of(Territory.objects.all(), "parent"),
        )


class Territory(models.Model):
    """A place a partner works in or a convention applies to (national, region, overseas...)."""

    name = models.CharField("nom", max_length=150, unique=True)
    slug = models.SlugField("identifiant", max_length=160, unique=True)
    kind = models.CharField("type", max_length=20, choices=TerritoryKind.choices)
    code = models.CharField("code officiel", max_length=10, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="territoire parent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    history = HistoricalRecords()

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = "territoire"
        verbose_name_plural = "territoires"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = ascii_slug(self.name)
        super().save(*args, **kwargs)


class Partner(models.Model):
    """An organisation that signs conventions with the network (the UNML included)."""

    name = models.CharField("nom", max_length=255, unique=True)
    acronym = models.CharField("sigle", max_length=30, blank=True)
    article = models.CharField(
        "article",
        max_length=3,
        choices=Article.choices,
        blank=True,
        default=Article.NONE,
        help_text="Celui qu’une phrase met devant le nom : « avec l’AMF », « de la DGOM ».",
    )
    slug = models.SlugField("identifiant", max_length=80, unique=True)
    kind = models.CharField("type", max_length=30, choices=PartnerKind.choices)
    description = models.TextField("présentation", blank=True)
    website = models.URLField("site internet", blank=True)
    founded_year = models.PositiveSmallIntegerField("année de création", null=True, blank=True)
    territory = models.ForeignKey(
        Territory,
        verbose_name="territoire",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partners",
        help_text="Région d'une association régionale, ressort d'une Mission Locale.",
    )
    # Stored under a random name, shown only through the partner_logo view (conventions/uploads.py).
    logo = models.ImageField(
        "logo",
        upload_to=logo_upload_to,
        validators=[validate_logo],
        blank=True,
        help_text=LOGO_HELP_TEXT,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "partenaire"
        verbose_name_plural = "partenaires"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(founded_year__isnull=True)
                | Q(founded_year__gte=1800, founded_year__lte=2100),
                name="partner_founded_year_plausible",
                violation_error_message=(
                    "L'année de création doit être comprise entre 1800 et 2100."
                ),
            ),
        ]

    def __str__(self):
        return self.short_name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.unique_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("partners:partner_detail", args=[self.slug])

    def get_logo_url(self):
        return reverse("partners:partner_logo", args=[self.slug])

    def unique_slug(self) -> str:
        """The acronym (or name) as a slug, numbered when another partner already has it."""
        base = ascii_slug(self.acronym or self.name)[:70] or "partenaire"
        taken = set(
            Partner.objects.filter(slug__startswith=base)
            .exclude(pk=self.pk)
            .values_list("slug", flat=True)
        )
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        return slug

    @property
    def short_name(self):
        return self.acronym or self.name

    def in_sentence(self, preposition: str = "", *, full: bool = False) -> str:
        """ "avec l’AMF", "de la DGOM", "du Service militaire adapté" (full: the name, not the
        acronym): conventions/typography.py contracts de + le, à + les..."""
        return with_article(self.name if full else self.short_name, self.article, preposition)


class KeyFigure(models.Model):
    """A figure a partner publishes about itself ("plus de 34 000 adhérents" in a given year)."""

    partner = models.ForeignKey(
        Partner, verbose_name="partenaire", on_delete=models.CASCADE, related_name="key_figures"
    )
    label = models.CharField("libellé", max_length=150)
    value = models.DecimalField("valeur", max_digits=14, decimal_places=2)
    unit = models.CharField("unité", max_length=50, blank=True)
    is_minimum = models.BooleanField(
        "valeur plancher", default=False, help_text="Cocher pour « plus de … »."
    )
    year = models.PositiveSmallIntegerField("année", null=True, blank=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "chiffre clé"
        verbose_name_plural = "chiffres clés"
        ordering = ["partner", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="keyfigure_value_not_negative",
                violation_error_message="Un chiffre clé ne peut pas être négatif.",
            ),
        ]

    def __str__(self):
        return f"{self.label} : {self.display_value}"

    @property
    def display_value(self) -> str:
        """The value in French, without useless decimals: "34 000", "66,5"."""
        return number_format(self.value.normalize(), use_l10n=True, force_grouping=True)


class Contact(models.Model):
    partner = models.ForeignKey(
        Partner, verbose_name="partenaire", on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField("nom", max_length=150)
    role = models.CharField("fonction", max_length=200, blank=True)
    email = models.EmailField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    is_press_contact = models.BooleanField("contact presse", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "contact"
        verbose_name_plural = "contacts"
        ordering = ["partner", "name"]

    def __str__(self):
        return self.name
