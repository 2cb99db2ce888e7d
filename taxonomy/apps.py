from django.apps import AppConfig


class TaxonomyConfig(AppConfig):
    """The staff pages of the reference lists (territories, themes, audiences): views only,
    the models stay in partners/ and conventions/."""

    name = "taxonomy"
    verbose_name = "Référentiels"
