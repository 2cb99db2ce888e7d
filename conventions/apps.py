from django.apps import AppConfig


class ConventionsConfig(AppConfig):
    name = "conventions"
    verbose_name = "Conventions"

    def ready(self):
        # Connect the receivers that keep the search text current and raise the version.
        from . import page_cache, search, versioning  # noqa: F401
