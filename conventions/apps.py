from django.apps import AppConfig


class ConventionsConfig(AppConfig):
    name = "conventions"
    verbose_name = "Conventions"

    def ready(self):
        from . import search  # noqa: F401  (connects the receivers that keep search text current)
