from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords

from ..typography import ascii_slug


def count_of(queryset: models.QuerySet, field: str) -> Coalesce:
    """The number of rows of `queryset` whose `field` is the outer row: a subquery per count,
    so that several counts do not multiply each other as joins would."""
    counted = (
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)


class LabelQuerySet(models.QuerySet):
    def with_usage(self):
        """Annotate `conventions_count`: the conventions that carry the label."""
        through = self.model.convention_set.through
        field = self.model._meta.model_name
        return self.annotate(conventions_count=count_of(through.objects.all(), field))


class Label(models.Model):
    """A named tag a convention can carry (an audience, a theme)."""

    name = models.CharField("nom", max_length=150, unique=True)
    slug = models.SlugField("identifiant", max_length=160, unique=True)

    objects = LabelQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = ascii_slug(self.name)
        super().save(*args, **kwargs)


class Audience(Label):
    history = HistoricalRecords()

    class Meta(Label.Meta):
        verbose_name = "public cible"
        verbose_name_plural = "publics cibles"


class Theme(Label):
    history = HistoricalRecords()

    class Meta(Label.Meta):
        verbose_name = "thématique"
        verbose_name_plural = "thématiques"
