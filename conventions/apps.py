from django.apps import AppConfig


class ConventionsConfig(AppConfig):
    name = "conventions"
    verbose_name = "Conventions"

    def ready(self):
        # Connect the receivers that keep the search text current, raise the version and
        # delete the files of deleted rows.
        from . import page_cache, search, stored_files, versioning  # noqa: F401
