import datetime
import re
import unicodedata
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from PIL import Image

from accounts.roles import ADMINISTRATOR, EDITOR, READER, sync_roles
from conventions.enums import ConventionKind
from partners.enums import PartnerKind
from partners.models import Contact, KeyFigure, Partner
from tests.factories import (
    ContactFactory,
    ConventionFactory,
    KeyFigureFactory,
    PartnerFactory,
    TerritoryFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("partners:partner_list")
CREATE_URL = reverse("partners:partner_create")


def detail_url(partner):
    return reverse("partners:partner_detail", kwargs={"slug": partner.slug})


def update_url(partner):
    return reverse("partners:partner_update", kwargs={"slug": partner.slug})


def page_text(response) -> str:
    """The decoded page, spaces of every kind (French thousands separators) made plain."""
    html = response.content.decode()
    assert "INVALID_TEMPLATE_VARIABLE" not in html
    return "".join(" " if unicodedata.category(c) == "Zs" else c for c in html)


def in_force_convention(*partners, **kwargs):
    today = timezone.localdate()
    return ConventionFactory(
        parties=list(partners),
        signed_on=today - datetime.timedelta(days=365),
        duration_months=36,
        **kwargs,
    )


def expired_convention(*partners, **kwargs):
    return ConventionFactory(
        parties=list(partners), signed_on=datetime.date(2015, 3, 1), duration_months=12, **kwargs
    )


@pytest.fixture
def login_as(client):
    def sign_in(role):
        user = get_user_model().objects.create_user(username=f"agent-{role}")
        user.groups.add(sync_roles()[role])
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def reader_client(login_as):
    return login_as(READER)


@pytest.fixture
def editor_client(login_as):
    return login_as(EDITOR)


def management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def partner_data(**overrides):
    data = {
        "name": "Association des maires de France",
        "acronym": "AMF",
        "kind": PartnerKind.ELECTED_OFFICIALS,
        "territory": "",
        "description": "Elle fédère les maires.\n\nDepuis 1907.",
        "website": "www.amf.asso.fr",
        "founded_year": "1907",
        **management("key_figures"),
        **management("contacts"),
    }
    data.update(overrides)
    return data


def renaming_data(*, figure, kept, removed) -> dict:
    """The edit page of partner "AN" posted to rename it "Nouveau nom", relabel its key figure
    `figure` "antennes" (12), keep its contact "Reste" (`kept`) and delete "Part" (`removed`)."""
    return partner_data(
        name="Nouveau nom",
        acronym="AN",
        website="",
        founded_year="",
        **management("key_figures", total=1, initial=1),
        **{
            "key_figures-0-id": str(figure.pk),
            "key_figures-0-label": "antennes",
            "key_figures-0-value": "12",
        },
        **management("contacts", total=2, initial=2),
        **{
            "contacts-0-id": str(kept.pk),
            "contacts-0-name": "Reste",
            "contacts-1-id": str(removed.pk),
            "contacts-1-name": "Part",
            "contacts-1-DELETE": "on",
        },
    )


# Access -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["list", "detail", "create", "update"])
def test_anonymous_visitor_is_sent_to_the_login_page(client, name):
    partner = PartnerFactory()
    url = {
        "list": LIST_URL,
        "detail": detail_url(partner),
        "create": CREATE_URL,
        "update": update_url(partner),
    }[name]
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/compte/connexion/?next=")


def test_reader_can_read_but_gets_403_on_edit_pages(reader_client):
    partner = PartnerFactory()
    assert reader_client.get(LIST_URL).status_code == 200
    assert reader_client.get(detail_url(partner)).status_code == 200
    assert reader_client.get(CREATE_URL).status_code == 403
    assert reader_client.get(update_url(partner)).status_code == 403
    assert reader_client.post(CREATE_URL, partner_data()).status_code == 403
    assert not Partner.objects.filter(acronym="AMF").exists()


def test_reader_sees_no_create_or_edit_button(reader_client):
    partner = PartnerFactory()
    assert "Nouveau partenaire" not in page_text(reader_client.get(LIST_URL))
    assert update_url(partner) not in page_text(reader_client.get(detail_url(partner)))


@pytest.mark.parametrize("role", [EDITOR, ADMINISTRATOR])
def test_editor_and_admin_see_the_buttons_and_open_the_forms(login_as, role):
    client = login_as(role)
    partner = PartnerFactory()
    assert f'href="{CREATE_URL}"' in page_text(client.get(LIST_URL))
    assert f'href="{update_url(partner)}"' in page_text(client.get(detail_url(partner)))
    assert client.get(CREATE_URL).status_code == 200
    assert client.get(update_url(partner)).status_code == 200


def test_superuser_opens_every_page(admin_client):
    partner = PartnerFactory()
    for url in (LIST_URL, detail_url(partner), CREATE_URL, update_url(partner)):
        page_text(admin_client.get(url))


def test_unknown_partner_is_a_404(reader_client):
    assert reader_client.get("/partenaires/inconnu/").status_code == 404


# List -------------------------------------------------------------------------------------------


@pytest.mark.embedded
def test_list_shows_each_partner_with_its_counts(reader_client):
    region = TerritoryFactory(name="Bretagne")
    amf = PartnerFactory(name="Association des maires de France", acronym="AMF", territory=region)
    unml = PartnerFactory(name="Union nationale des Missions Locales", acronym="UNML")
    in_force_convention(amf, unml)
    in_force_convention(amf, unml)
    expired_convention(amf, unml)
    ConventionFactory(parties=[amf], signed_on=None, duration_months=None)  # a draft
    PartnerFactory(name="Sans convention", acronym="")

    response = reader_client.get(LIST_URL)

    text = page_text(response)
    rows = {p.acronym or p.name: p for p in response.context["partners"]}
    assert (rows["AMF"].conventions_count, rows["AMF"].in_force_count) == (4, 2)
    assert (rows["UNML"].conventions_count, rows["UNML"].in_force_count) == (3, 2)
    assert (rows["Sans convention"].conventions_count, rows["Sans convention"].in_force_count) == (
        0,
        0,
    )
    assert f'<a href="{detail_url(amf)}">Association des maires de France</a>' in text
    assert "Bretagne" in text
    assert "Association d'élus" in text or "Association d&#x27;élus" in text
    assert "<strong>3</strong> partenaires trouvés" in text


def test_search_matches_name_acronym_and_description_ignoring_case(reader_client):
    amf = PartnerFactory(name="Association des maires de France", acronym="AMF")
    u2p = PartnerFactory(name="Union des entreprises de proximité", acronym="U2P")
    cnml = PartnerFactory(
        name="Conseil national", acronym="CNML", description="Instance placée auprès des MAIRES."
    )

    def found(query):
        response = reader_client.get(LIST_URL, {"q": query})
        page_text(response)
        return set(response.context["partners"])

    assert found("maires") == {amf, cnml}
    assert found("u2p") == {u2p}
    assert found("union proximité") == {u2p}
    assert found("introuvable") == set()
    assert "Aucun partenaire ne correspond" in page_text(
        reader_client.get(LIST_URL, {"q": "introuvable"})
    )


@pytest.mark.embedded
@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("Academie", "Académie de police"),
        ("académie", "Académie de police"),
        ("ACADÉMIE POLICE", "Académie de police"),
        ("federation", "Fédération nationale des Œuvres laïques"),
        ("oeuvres", "Fédération nationale des Œuvres laïques"),
        ("ministere du travail", "Ministère du Travail, du Plein emploi et de l\u2019Insertion"),
        ("l'insertion", "Ministère du Travail, du Plein emploi et de l\u2019Insertion"),
    ],
)
def test_search_ignores_accents_and_case(reader_client, query, name):
    PartnerFactory(name="Académie de police", acronym="")
    PartnerFactory(name="Fédération nationale des Œuvres laïques", acronym="")
    PartnerFactory(name="Ministère du Travail, du Plein emploi et de l\u2019Insertion", acronym="")
    PartnerFactory(name="Autre organisation")
    response = reader_client.get(LIST_URL, {"q": query})
    assert [partner.name for partner in response.context["partners"]] == [name]


def test_kind_filter_keeps_its_state_in_the_url(reader_client):
    state = PartnerFactory(name="Ministère du Travail", kind=PartnerKind.STATE)
    PartnerFactory(name="Association Réussir", kind=PartnerKind.ASSOCIATION)

    response = reader_client.get(LIST_URL, {"kind": PartnerKind.STATE})

    assert list(response.context["partners"]) == [state]
    assert '<option value="state" selected>' in page_text(response)


def test_unknown_kind_is_ignored_rather_than_an_error(reader_client):
    PartnerFactory.create_batch(2)
    response = reader_client.get(LIST_URL, {"kind": "inconnu"})
    assert response.status_code == 200
    assert len(response.context["partners"]) == 2


def test_list_is_paginated_by_twenty_and_pages_keep_the_filters(reader_client):
    PartnerFactory.create_batch(21, kind=PartnerKind.COMPANY)
    PartnerFactory(kind=PartnerKind.STATE)

    first = reader_client.get(LIST_URL, {"kind": PartnerKind.COMPANY})
    text = page_text(first)
    assert len(first.context["partners"]) == 20
    assert "<strong>21</strong> partenaires trouvés" in text
    assert 'href="?kind=company&amp;page=2"' in text
    second = reader_client.get(LIST_URL, {"kind": PartnerKind.COMPANY, "page": 2})
    assert len(second.context["partners"]) == 1


def test_list_query_count_does_not_grow_with_partners(reader_client):
    territory = TerritoryFactory()

    def queries_with(count):
        while Partner.objects.filter(territory=territory).count() < count:
            in_force_convention(PartnerFactory(territory=territory), PartnerFactory())
        with CaptureQueriesContext(connection) as queries:
            response = reader_client.get(LIST_URL, {"q": "organisation"})
        page_text(response)
        return len(queries)

    assert queries_with(5) == queries_with(50)


# Partner page -----------------------------------------------------------------------------------


@pytest.mark.embedded
def test_partner_page_shows_identity_figures_contacts_and_conventions(reader_client):
    region = TerritoryFactory(name="Île-de-France")
    amf = PartnerFactory(
        name="Association des maires de France",
        acronym="AMF",
        kind=PartnerKind.ELECTED_OFFICIALS,
        territory=region,
        website="https://www.amf.asso.fr",
        founded_year=1907,
        description="Premier paragraphe.\n\nSecond paragraphe.",
    )
    unml = PartnerFactory(name="Union nationale des Missions Locales", acronym="UNML")
    KeyFigureFactory(partner=amf, label="adhérents", value=34000, is_minimum=True, year=2024)
    KeyFigureFactory(
        partner=amf, label="des communes", value=Decimal("66.50"), unit="%", is_minimum=False
    )
    ContactFactory(
        partner=amf,
        name="Marie Presse",
        email="presse@amf.asso.fr",
        phone="01 44 18 14 14",
        is_press_contact=True,
    )
    current = in_force_convention(
        amf, unml, title="Convention cadre AMF", kind=ConventionKind.NATIONAL_FRAMEWORK
    )
    old = expired_convention(amf, unml, title="Ancienne convention")

    text = page_text(reader_client.get(detail_url(amf)))

    assert "Association des maires de France" in text
    assert "Île-de-France" in text
    assert "1907" in text
    assert 'href="https://www.amf.asso.fr"' in text
    assert "<p>Premier paragraphe.</p>" in text
    assert "plus de <strong>34 000</strong> adhérents (2024)" in text
    assert "<strong>66,5 %</strong> des communes" in text
    assert 'href="mailto:presse@amf.asso.fr"' in text
    assert 'href="tel:0144181414"' in text
    assert "Contact presse" in text
    assert reverse("conventions:convention_detail", kwargs={"pk": current.pk}) in text
    assert '<span class="badge status-badge status-in_force">En vigueur</span>' in text
    assert '<span class="badge status-badge status-expired">Échue</span>' in text
    assert "Convention cadre nationale" in text
    assert "1er mars 2015" in text
    assert date_format(old.end_on, "j F Y") in text
    assert f'<a href="{detail_url(unml)}">UNML</a>' in text


def test_key_figure_without_decimals_minimum_or_year_reads_plainly(reader_client):
    figure = KeyFigureFactory(label="salariés", value=Decimal("1250.00"), is_minimum=False)
    KeyFigureFactory(
        partner=figure.partner, label="de croissance", value=Decimal("2.75"), unit="%", year=2025
    )
    text = page_text(reader_client.get(detail_url(figure.partner)))
    assert '<li class="key-figure"><strong>1 250</strong> salariés</li>' in text
    assert "plus de <strong>2,75 %</strong> de croissance (2025)" in text


def test_logo_is_shown_with_an_alternative_text(reader_client):
    partner = PartnerFactory(acronym="AMF")
    partner.logo = SimpleUploadedFile("logo.png", b"not-checked-here", content_type="image/png")
    partner.save()
    text = page_text(reader_client.get(detail_url(partner)))
    assert f'src="{partner.get_logo_url()}" alt="Logo AMF"' in text
    # Through the view that checks permissions, never the public media URL.
    assert partner.logo.url not in text


def test_partner_page_query_count_does_not_grow_with_conventions(reader_client):
    def queries_for(count):
        partner = PartnerFactory()
        KeyFigureFactory.create_batch(2, partner=partner)
        ContactFactory.create_batch(2, partner=partner)
        for _ in range(count):
            in_force_convention(partner, PartnerFactory(), PartnerFactory())
        with CaptureQueriesContext(connection) as queries:
            response = reader_client.get(detail_url(partner))
        assert len(response.context["conventions"]) == count
        page_text(response)
        return len(queries)

    assert queries_for(1) == queries_for(10)


def test_edit_page_query_count_does_not_grow_with_contacts_and_figures(editor_client):
    def queries_for(count):
        partner = PartnerFactory(territory=TerritoryFactory())
        KeyFigureFactory.create_batch(count, partner=partner)
        ContactFactory.create_batch(count, partner=partner)
        with CaptureQueriesContext(connection) as queries:
            response = editor_client.get(update_url(partner))
        assert response.status_code == 200
        page_text(response)
        return len(queries)

    assert queries_for(1) == queries_for(10)


# Create and edit --------------------------------------------------------------------------------


@pytest.mark.embedded
def test_editor_creates_a_partner_with_figures_and_contacts(editor_client):
    data = partner_data(
        **management("key_figures", total=1),
        **{
            "key_figures-0-label": "adhérents",
            "key_figures-0-value": "34000",
            "key_figures-0-is_minimum": "on",
            "key_figures-0-year": "2024",
        },
        **management("contacts", total=2),
        **{
            "contacts-0-name": "Marie Presse",
            "contacts-0-email": "presse@amf.asso.fr",
            "contacts-0-is_press_contact": "on",
            "contacts-1-name": "Paul Direction",
            "contacts-1-phone": "01 02 03 04 05",
        },
    )

    response = editor_client.post(CREATE_URL, data, follow=True)

    amf = Partner.objects.get(acronym="AMF")
    assert amf.slug == "amf"
    assert amf.website == "https://www.amf.asso.fr"
    assert response.redirect_chain == [(detail_url(amf), 302)]
    text = page_text(response)
    assert "Le partenaire « Association des maires de France » a été créé." in text
    assert "plus de <strong>34 000</strong> adhérents (2024)" in text
    assert [(c.name, c.is_press_contact) for c in amf.contacts.order_by("name")] == [
        ("Marie Presse", True),
        ("Paul Direction", False),
    ]
    assert amf.key_figures.get().is_minimum


def test_editor_updates_a_partner_and_removes_a_contact(editor_client):
    partner = PartnerFactory(name="Ancien nom", acronym="AN", kind=PartnerKind.ASSOCIATION)
    kept = ContactFactory(partner=partner, name="Reste")
    removed = ContactFactory(partner=partner, name="Part")
    figure = KeyFigureFactory(partner=partner, value=10)
    data = renaming_data(figure=figure, kept=kept, removed=removed)

    response = editor_client.post(update_url(partner), data)

    assert response.status_code == 302
    assert response.url == detail_url(partner)
    partner.refresh_from_db()
    assert (partner.name, partner.slug, partner.founded_year) == ("Nouveau nom", "an", None)
    assert list(partner.contacts.values_list("name", flat=True)) == ["Reste"]
    figure.refresh_from_db()
    assert (figure.label, figure.value) == ("antennes", Decimal(12))


def test_invalid_form_shows_french_errors_next_to_fields_and_saves_nothing(editor_client):
    data = partner_data(
        name="",
        founded_year="1500",
        description="Texte saisi à conserver",
        **management("key_figures", total=1),
        **{"key_figures-0-label": "antennes", "key_figures-0-value": "-3"},
        **management("contacts", total=1),
        **{"contacts-0-name": "Marie Presse", "contacts-0-email": "pas-une-adresse"},
    )

    response = editor_client.post(CREATE_URL, data)

    assert response.status_code == 200
    assert not Partner.objects.exists()
    assert not Contact.objects.exists() and not KeyFigure.objects.exists()
    text = page_text(response)
    assert "Le partenaire n'a pas été enregistré" in text or "n&#x27;a pas été enregistré" in text
    assert (
        '<div class="invalid-feedback" id="id_name_error">Ce champ est obligatoire.</div>' in text
    )
    assert (
        '<div class="invalid-feedback" id="id_founded_year_error">'
        "L'année de création doit être comprise entre 1800 et 2100.</div>"
    ) in text.replace("&#x27;", "'")
    assert (
        '<div class="invalid-feedback" id="id_contacts-0-email_error">'
        "Saisissez une adresse de courriel valide.</div>"
    ) in text
    assert 'aria-describedby="id_contacts-0-email_error"' in text
    assert 'class="form-control is-invalid"' in text
    assert '<a href="#id_founded_year">' in text
    assert "Contact n° 1, courriel : Saisissez une adresse de courriel valide." in text
    # Nothing typed is lost.
    assert "Texte saisi à conserver</textarea>" in text
    assert 'value="pas-une-adresse"' in text
    assert 'value="Marie Presse"' in text
    assert 'value="antennes"' in text
    assert 'value="1907"' not in text and 'value="1500"' in text


def test_a_second_partner_with_the_same_name_is_refused_in_french(editor_client):
    PartnerFactory(name="Association des maires de France", acronym="AMF")
    response = editor_client.post(CREATE_URL, partner_data())
    assert response.status_code == 200
    assert "Un objet Partenaire avec ce champ Nom existe déjà." in page_text(response)
    assert Partner.objects.count() == 1


def test_partner_with_an_existing_acronym_gets_a_numbered_slug(editor_client):
    PartnerFactory(name="AMF Bretagne", acronym="AMF")
    response = editor_client.post(CREATE_URL, partner_data())
    assert response.status_code == 302
    assert Partner.objects.get(name="Association des maires de France").slug == "amf-2"


@pytest.mark.embedded
def test_edit_form_lists_existing_rows_and_an_empty_row_template(editor_client):
    partner = PartnerFactory()
    ContactFactory(partner=partner, name="Marie Presse")
    text = page_text(editor_client.get(update_url(partner)))
    assert 'data-formset-prefix="contacts"' in text
    assert 'value="Marie Presse"' in text
    assert 'name="contacts-__prefix__-name"' in text
    assert 'js/formsets.js" defer>' in text
    assert "onclick" not in text


def test_editor_uploads_a_logo(editor_client):
    png = BytesIO()
    Image.new("RGB", (4, 4), "navy").save(png, format="PNG")
    logo = SimpleUploadedFile("logo-amf.png", png.getvalue(), content_type="image/png")

    response = editor_client.post(CREATE_URL, {**partner_data(), "logo": logo})

    assert response.status_code == 302
    # Stored under a random name: the name given by the user's computer never reaches the disk.
    assert re.fullmatch(r"partners/logos/[0-9a-f]{32}\.png", Partner.objects.get().logo.name)


def test_a_file_that_is_not_an_image_is_refused_as_logo(editor_client):
    logo = SimpleUploadedFile("logo.png", b"pas une image", content_type="image/png")
    response = editor_client.post(CREATE_URL, {**partner_data(), "logo": logo})
    assert response.status_code == 200
    assert 'id="id_logo_error"' in page_text(response)
    assert not Partner.objects.exists()
