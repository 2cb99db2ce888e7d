from django.db import models
from simple_history.models import HistoricalRecords

from ..typography import ascii_slug


class Label(models.Model):
    """A named tag a convention can carry (an audience, a theme)."""

    name = models.CharField("nom", max_length=150, unique=True)
    slug = models.SlugField("identifiant", max_length=160, unique=True)

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
