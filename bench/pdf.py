"""Benchmark of the PDF exports: `.venv/bin/python bench/pdf.py [--runs 15]`.

Sets Django up itself (config.settings.base, DEBUG off) on a throwaway SQLite database,
/tmp/conventions-unml-bench-pdf.sqlite3, recreated on every run: migrations, the demo data, then
generated conventions for the dossier. BENCH_DATABASE_URL points it at another database instead;
the benchmark writes into it, so give it one you can throw away.

Measured in one process, medians of --runs runs, project and raw runs interleaved:
- the AMF summary through the project's code: the whole request (middleware, session, queries,
  templates, WeasyPrint with StorageUrlFetcher) through Django's test client;
- raw WeasyPrint on the same HTML, resources served from memory by the simplest fetcher;
- the same two for a dossier of at least 40 pages (generated conventions, under the
  background threshold, so the request returns the PDF itself).
"""

import argparse
import datetime
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_PATH = Path("/tmp/conventions-unml-bench-pdf.sqlite3")
SUMMARY_TARGET_SECONDS = 0.6
SUMMARY_TARGET_RATIO = 1.2
DOSSIER_TARGET_SECONDS = 5.0
DOSSIER_MIN_PAGES = 40


def setup_django() -> None:
    if "BENCH_DATABASE_URL" in os.environ:
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    else:
        DB_PATH.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{DB_PATH}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    # WhiteNoise notes that nothing was collected: the fetcher reads the sources (finders).
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    import django
    from django.conf import settings

    django.setup()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def generate_dossier_conventions(partner, count: int) -> None:
    """`count` conventions with `partner`, each of four axes of four long actions (3 pages)."""
    from conventions.enums import ConventionKind
    from conventions.models import Axis, Commitment, Convention, Party, Signatory
    from partners.models import Partner

    unml = Partner.objects.get(slug="unml")
    sentence = (
        "Les parties mobilisent leurs réseaux territoriaux pour faire connaître les Missions "
        "Locales aux élus, aux employeurs et aux jeunes, et partagent leurs données chaque année. "
    )
    for number in range(1, count + 1):
        convention = Convention.objects.create(
            title=f"Convention de coopération n° {number} : emploi des jeunes et élus locaux",
            kind=ConventionKind.PARTNERSHIP,
            signed_on=datetime.date(2024, 1, number),
            signed_at="Paris",
            duration_months=36,
            notice_months=2,
            preamble=sentence * 6,
            objectives=sentence * 4,
            follow_up=sentence,
        )
        Party.objects.create(convention=convention, partner=unml, position=1)
        Party.objects.create(convention=convention, partner=partner, position=2)
        for axis_number in range(1, 5):
            axis = Axis.objects.create(
                convention=convention, number=axis_number, title=f"Axe de travail {axis_number}"
            )
            for position in range(1, 5):
                Commitment.objects.create(
                    convention=convention,
                    axis=axis,
                    position=position,
                    text=sentence * 2,
                    bearer=partner if position % 2 else None,
                )
        for position, (who, name) in enumerate([(unml, "Stéphane Valli"), (partner, "A. B.")]):
            Signatory.objects.create(
                convention=convention,
                partner=who,
                name=name,
                title="Président",
                position=position,
            )


class MemoryFetcher:
    """Raw WeasyPrint's resources: every file the page needs, read once, served from memory."""

    def __init__(self, html: str):
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        from conventions.pdf import BASE_URL, StorageUrlFetcher

        self.base_url = BASE_URL
        responses = {}
        storage_fetcher = StorageUrlFetcher()

        def record(url):
            response = storage_fetcher(url)
            responses[url] = (response.read(), response.content_type)
            return serve(url)

        def serve(url):
            body, content_type = responses[url]
            return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})

        class Fetcher(URLFetcher):
            def __init__(self, fetch):
                super().__init__()
                self.fetch = fetch

        HTML(string=html, base_url=BASE_URL, url_fetcher=Fetcher(record)).render()
        self.fetcher = Fetcher(serve)

    def render(self, html: str) -> tuple[bytes, int]:
        from weasyprint import HTML

        document = HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher).render()
        return document.write_pdf(), len(document.pages)


def timed(function) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def compare(label: str, client, url: str, html: str, runs: int) -> dict:
    raw = MemoryFetcher(html)
    project_times, raw_times = [], []
    for run in range(runs + 2):  # Two warm-up runs of each, not counted.
        project_seconds, response = timed(lambda: client.get(url))
        assert response.status_code == 200, response.status_code
        assert response["Content-Type"] == "application/pdf"
        raw_seconds, (_, pages) = timed(lambda: raw.render(html))
        if run >= 2:
            project_times.append(project_seconds)
            raw_times.append(raw_seconds)
    project = statistics.median(project_times)
    raw_median = statistics.median(raw_times)
    print(
        f"{label}: {pages} pages | project {project:.3f} s | raw WeasyPrint {raw_median:.3f} s "
        f"| ratio {project / raw_median:.2f}x (medians of {runs} runs)"
    )
    return {"pages": pages, "project": project, "raw": raw_median}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    setup_django()
    import weasyprint
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from accounts.roles import READER, sync_roles
    from conventions import demo, pdf
    from conventions.models import Convention
    from conventions.views.pdf import dossier_order
    from partners.models import Partner

    demo.load_demo_data()
    amf = Partner.objects.get(slug="amf")
    generate_dossier_conventions(amf, count=9)

    user = get_user_model().objects.create_user(username="banc-essai", password="x")
    user.groups.add(sync_roles()[READER])
    client = Client()
    client.force_login(user)

    print(
        f"Python {sys.version.split()[0]}, WeasyPrint {weasyprint.__version__}, "
        f"database {connection.vendor}, {os.cpu_count()} CPU"
    )
    convention = Convention.objects.for_detail().get(title=demo.AMF_TITLE)
    summary = compare(
        "AMF summary",
        client,
        reverse("conventions:convention_pdf", args=[convention.pk]),
        pdf.summary_html(convention),
        args.runs,
    )
    conventions = list(dossier_order(Convention.objects.for_detail().for_partner(amf)))
    assert len(conventions) <= pdf.DOSSIER_SYNC_LIMIT
    cover = pdf.DossierCover(title=f"Conventions avec {amf.short_name}", subtitle=amf.name)
    dossier = compare(
        f"AMF dossier ({len(conventions)} conventions)",
        client,
        reverse("conventions:partner_dossier", args=[amf.slug]),
        pdf.dossier_html(conventions, cover=cover),
        max(3, args.runs // 3),
    )

    failures = []
    if summary["project"] > SUMMARY_TARGET_SECONDS:
        failures.append(f"summary over {SUMMARY_TARGET_SECONDS} s")
    if summary["project"] > SUMMARY_TARGET_RATIO * summary["raw"]:
        failures.append(f"summary over {SUMMARY_TARGET_RATIO}x raw WeasyPrint")
    if dossier["pages"] < DOSSIER_MIN_PAGES:
        failures.append(f"dossier under {DOSSIER_MIN_PAGES} pages")
    if dossier["project"] > DOSSIER_TARGET_SECONDS:
        failures.append(f"dossier over {DOSSIER_TARGET_SECONDS} s")
    print("Targets: " + ("all met" if not failures else "MISSED: " + "; ".join(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
