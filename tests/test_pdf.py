"""PDF exports: the convention summary, partner and selection dossiers, the resource fetcher."""

import datetime
import io
import re
import unicodedata

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from accounts.roles import READER
from conventions import pdf
from conventions.demo import AMF_TITLE, EMPLOI_2010_TITLE, load_demo_data
from conventions.models import Convention
from partners.models import Partner
from tests.factories import (
    AxisFactory,
    CommitmentFactory,
    ConventionFactory,
    PartnerFactory,
    SignatoryFactory,
    UserFactory,
    role_user,
)

pytestmark = pytest.mark.django_db

INVALID = "INVALID_TEMPLATE_VARIABLE"


def pdf_pages(response) -> list[str]:
    """The text of each page, whitespace collapsed (lines wrap anywhere), ligatures unfolded."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    return [
        " ".join(unicodedata.normalize("NFKC", page.extract_text()).split())
        for page in reader.pages
    ]


def pdf_text(response) -> str:
    return " ".join(pdf_pages(response))


def summary_url(convention) -> str:
    return reverse("conventions:convention_pdf", args=[convention.pk])


@pytest.fixture
def demo(db):
    load_demo_data()


# The summary --------------------------------------------------------------------------------


def test_amf_summary_holds_axes_signatories_duration_and_notice(reader_client, demo):
    convention = Convention.objects.get(title=AMF_TITLE)

    text = pdf_text(reader_client.get(summary_url(convention)))

    assert AMF_TITLE in text
    assert "Convention cadre nationale" in text
    for number in range(1, 5):
        assert f"Axe {number} :" in text
    assert "Axe 5 :" not in text
    assert "David Lisnard" in text
    assert (
        "Président de l'Association des maires de France et des présidents d'intercommunalité"
        in text
    )
    assert "Stéphane Valli" in text
    assert "Président de l'Union nationale des Missions Locales" in text
    assert "Durée 3 ans" in text
    assert "Date de fin 9 décembre 2027" in text
    assert "2 mois, à donner au plus tard le 9 octobre 2027" in text
    # Actions are numbered within their axis, each with the party that bears it.
    assert all(f"2.{n}" in text for n in range(1, 6))
    assert "2.6" not in text
    assert (
        "Grâce au réseau de l'AMF, aider les Missions Locales à mieux saisir les besoins des "
        "entreprises, pour y répondre et contribuer au développement des territoires. "
        "Porté par : Association des maires de France et des présidents d'intercommunalité"
    ) in text


def test_2010_agreement_summary_names_its_three_parties_and_its_period(reader_client, demo):
    convention = Convention.objects.get(title=EMPLOI_2010_TITLE)

    text = pdf_text(reader_client.get(summary_url(convention)))

    for party in ("Secrétariat d'État chargé de l'emploi", "Pôle emploi", "(CNML)"):
        assert party in text
    for signatory in ("Laurent Wauquiez", "Christian Charpy", "Bernard Perrut"):
        assert signatory in text
    assert "Période 2010–2014" in text
    assert "Date de fin 31 décembre 2014" in text
    assert "150 000 jeunes" in text
    assert "signée le 26 janvier 2010" in text.lower() or "le 26 janvier 2010 à Paris" in text


def test_signature_block_shows_the_delegation(reader_client):
    convention = ConventionFactory()
    SignatoryFactory(
        convention=convention,
        name="Claire Martin",
        title="Directrice générale",
        on_behalf_of="le ministre du Travail",
        signed_on=datetime.date(2024, 1, 15),
    )

    text = pdf_text(reader_client.get(summary_url(convention)))

    assert "pour le ministre du Travail, par délégation" in text
    assert "Claire Martin Directrice générale Signé le 15 janvier 2024" in text


def test_long_convention_paginates_with_header_and_footer_on_every_page(reader_client):
    convention = ConventionFactory(title="Convention au long cours")
    long_text = "Les parties conduisent ensemble une action de terrain auprès des jeunes. " * 6
    for number in range(1, 13):
        axis = AxisFactory(convention=convention, number=number, title=f"Axe long n° {number}")
        for position in range(6):
            CommitmentFactory(axis=axis, position=position, text=long_text)

    pages = pdf_pages(reader_client.get(summary_url(convention)))

    assert len(pages) > 2
    for number, page in enumerate(pages, start=1):
        assert f"page {number} / {len(pages)}" in page
        assert "document généré le" in page
    # The running header repeats the reference and title from page 2 only.
    assert f"{convention.reference} · Convention au long cours" not in pages[0]
    for page in pages[1:]:
        assert f"{convention.reference} · Convention au long cours" in page
    assert all(f"Axe {n} : Axe long n° {n}" in " ".join(pages) for n in range(1, 13))


def test_party_logo_is_embedded(reader_client):
    buffer = io.BytesIO()
    Image.new("RGB", (120, 60), "navy").save(buffer, format="PNG")
    partner = PartnerFactory()
    partner.logo.save("logo.png", ContentFile(buffer.getvalue()))
    convention = ConventionFactory(parties=[partner, PartnerFactory()])

    response = reader_client.get(summary_url(convention))

    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    assert len(reader.pages[0].images) == 1


def test_summary_queries_do_not_grow_with_axes_and_commitments(reader_client):
    def count_queries(convention) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert reader_client.get(summary_url(convention)).status_code == 200
        return len(queries)

    small = ConventionFactory()
    CommitmentFactory(axis=AxisFactory(convention=small))
    large = ConventionFactory()
    for _ in range(4):
        axis = AxisFactory(convention=large)
        CommitmentFactory.create_batch(3, axis=axis)
        SignatoryFactory(convention=large)

    assert count_queries(large) == count_queries(small)


def test_file_name_is_safe_for_a_title_with_accents_and_quotes(reader_client):
    convention = ConventionFactory(title='L\'école « des métiers » "2025" : Île-de-France')

    response = reader_client.get(summary_url(convention))

    assert response["Content-Disposition"] == (
        f'attachment; filename="convention-{convention.reference}'
        '-l-ecole-des-metiers-2025-ile-de-france.pdf"'
    )


# Permissions ------------------------------------------------------------------------------


def test_reader_can_export_a_summary(reader_client):
    response = reader_client.get(summary_url(ConventionFactory()))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_user_without_role_cannot_export(client):
    client.force_login(UserFactory())
    convention = ConventionFactory()

    assert client.get(summary_url(convention)).status_code == 403
    assert client.get(reverse("conventions:selection_pdf")).status_code == 403
    slug = convention.parties.first().partner.slug
    assert client.get(reverse("conventions:partner_dossier", args=[slug])).status_code == 403


def test_anonymous_user_is_sent_to_the_login_page(client):
    response = client.get(summary_url(ConventionFactory()))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["conventions:dossier_status", "conventions:dossier_download"])
def test_dossier_pages_need_the_read_permission(client, name):
    job = pdf.start_dossier_job(html="<p>Dossier</p>", filename="d.pdf", count=21, user_id=0)
    pdf.wait_for_dossier_jobs(timeout=30)
    url = reverse(name, kwargs={"job": job.id})

    assert client.get(url)["Location"].startswith(reverse("login"))
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(role_user("lecteur-curieux", READER))
    assert client.get(url).status_code == 404  # Someone else's dossier.


def test_convention_page_links_to_its_pdf(reader_client):
    convention = ConventionFactory()

    html = reader_client.get(reverse("conventions:convention_detail", args=[convention.pk]))

    assert f'href="{summary_url(convention)}"' in html.content.decode()


# The fetcher ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "https://example.org/logo.png",
        "http://127.0.0.1:5432/",
        "http://pdf.invalid/static/pdf/print.css",
        "https://pdf.invalid/static/../../../../etc/passwd",
        "https://pdf.invalid/static/%2e%2e/%2e%2e/config/settings/base.py",
        "https://pdf.invalid/media/../config/settings/base.py",
        "https://pdf.invalid/etc/passwd",
        "data:text/plain,bonjour",
    ],
)
def test_fetcher_refuses_everything_but_static_and_media_files(url):
    with pytest.raises((pdf.RefusedUrl, ValueError)):
        pdf.StorageUrlFetcher()(url)


def test_fetcher_serves_static_and_media_files():
    fetcher = pdf.StorageUrlFetcher()
    stylesheet = fetcher(f"{pdf.BASE_URL}static/pdf/print.css")
    name = default_storage.save("partners/logos/essai.png", ContentFile(b"\x89PNG"))
    media = fetcher(f"{pdf.BASE_URL}media/{name}")

    assert stylesheet.content_type == "text/css"
    assert b"@page" in stylesheet.read()
    assert media.read() == b"\x89PNG"


def test_pdf_leaves_out_an_image_outside_the_storages(tmp_path):
    image = tmp_path / "image.png"
    Image.new("RGB", (40, 40), "red").save(image)
    html = f'<p>Texte</p><img src="{image.as_uri()}"><img src="https://example.org/x.png">'

    reader = PdfReader(io.BytesIO(pdf.render_pdf(html)))

    assert "Texte" in reader.pages[0].extract_text()
    assert len(reader.pages[0].images) == 0


# Dossiers ---------------------------------------------------------------------------------


def test_partner_dossier_has_a_cover_a_table_of_contents_and_each_summary(reader_client, demo):
    amf = Partner.objects.get(slug="amf")
    titles = list(Convention.objects.for_partner(amf).values_list("title", flat=True))
    ConventionFactory(title="Convention sans l'AMF")

    response = reader_client.get(reverse("conventions:partner_dossier", args=[amf.slug]))

    pages = pdf_pages(response)
    assert "Conventions avec l’AMF" in pages[0]
    assert "Sommaire" in pages[1]
    for title in titles:
        assert title in pages[1]
        assert any(page.startswith(title) or f" {title} " in page for page in pages[2:])
    assert "Convention sans l'AMF" not in " ".join(pages)
    # The table of contents gives the page where the summary starts.
    assert re.search(r"Convention cadre nationale entre l'AMF et l'UNML \.*\s*3\b", pages[1])
    assert response["Content-Disposition"].startswith('attachment; filename="dossier-amf-')


def test_selection_dossier_follows_the_list_filters(reader_client):
    ConventionFactory(title="Convention en vigueur", signed_on=datetime.date(2024, 1, 1))
    ConventionFactory(title="Convention échue", signed_on=datetime.date(2015, 1, 1))

    response = reader_client.get(reverse("conventions:selection_pdf"), {"statut": "in_force"})

    text = pdf_text(response)
    assert "Sélection de conventions" in text
    assert "Statut En vigueur" in text
    assert "Convention en vigueur" in text
    assert "Convention échue" not in text


def test_selection_with_invalid_filters_shows_the_list(reader_client):
    response = reader_client.get(reverse("conventions:selection_pdf"), {"signee_de": "abc"})

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('conventions:convention_list')}?signee_de=abc"


def test_list_links_to_the_selection_dossier_with_its_filters(reader_client):
    ConventionFactory()

    html = reader_client.get(reverse("conventions:convention_list"), {"statut": "in_force"})

    assert f'href="{reverse("conventions:selection_pdf")}?statut=in_force"' in html.content.decode()


def test_large_dossier_is_prepared_in_the_background(reader_client, client):
    ConventionFactory.create_batch(pdf.DOSSIER_SYNC_LIMIT + 1)

    response = reader_client.get(reverse("conventions:selection_pdf"))
    pdf.wait_for_dossier_jobs(timeout=120)

    assert response.status_code == 302
    status = reader_client.get(response["Location"])
    html = status.content.decode()
    assert "Le dossier est prêt" in html
    assert INVALID not in html
    download_url = re.search(r'href="([^"]+/telecharger/)"', html)[1]
    assert f'content="0; url={download_url}"' in html
    pages = pdf_pages(reader_client.get(download_url))
    assert len(pages) > pdf.DOSSIER_SYNC_LIMIT
    # Another user cannot fetch someone else's dossier.
    client.force_login(role_user("autre-lecteur", READER))
    assert client.get(download_url).status_code == 404


def test_pending_dossier_page_refreshes_itself(reader_client, monkeypatch):
    monkeypatch.setattr(pdf, "_draw_dossier", lambda job_id, html: None)
    ConventionFactory.create_batch(pdf.DOSSIER_SYNC_LIMIT + 1)

    response = reader_client.get(reverse("conventions:selection_pdf"), follow=True)
    pdf.wait_for_dossier_jobs(timeout=10)

    html = response.content.decode()
    assert "Le dossier est en préparation" in html
    assert '<meta http-equiv="refresh" content="3">' in html
    assert INVALID not in html


@pytest.mark.embedded
def test_reader_downloads_a_summary_pdf(reader_client):
    convention = ConventionFactory(title="Convention de l'école à l'entreprise")
    SignatoryFactory(convention=convention, name="Élodie Œuvray", title="Présidente")

    text = pdf_text(reader_client.get(summary_url(convention)))

    assert "Convention de l'école à l'entreprise" in text
    assert "Élodie Œuvray Présidente" in text
