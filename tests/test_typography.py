"""French typography: dates, year ranges, plurals, non-breaking spaces, amounts, articles."""

import datetime
import io
import unicodedata
from decimal import Decimal

import pytest
from django.template import engines
from django.urls import reverse
from pypdf import PdfReader

from conventions import pdf
from conventions.demo import AMF_TITLE, load_demo_data
from conventions.models import Convention, Theme
from conventions.typography import (
    NBSP,
    NNBSP,
    amount,
    ascii_slug,
    count_label,
    french_spacing,
    long_date,
    number,
    with_article,
    year_range,
)
from partners.enums import Article
from partners.models import Partner
from tests.factories import ConventionFactory, PartnerFactory, PartyFactory, SignatoryFactory
from tests.test_pdf import pdf_text, summary_url


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


# Dates and years ----------------------------------------------------------------------------


def test_first_of_the_month_is_written_1er():
    assert long_date(datetime.date(2021, 3, 1)) == "1er mars 2021"
    assert long_date(datetime.date(2026, 1, 5)) == "5 janvier 2026"
    assert long_date(None) == ""


def test_long_date_is_a_filter_of_every_template():
    assert render("{{ day|long_date }}", day=datetime.date(2021, 8, 1)) == "1er août 2021"


def test_a_period_within_one_year_is_that_year_else_an_en_dash_range():
    assert year_range(2021, 2021) == "2021"
    assert year_range(2021, 2023) == "2021\u20132023"
    assert render("{{ a|year_range:b }}", a=2021, b=2023) == "2021\u20132023"


def test_convention_period_shows_one_year_or_a_range():
    one_year = Convention(
        effective_on=datetime.date(2021, 1, 1), period_end=datetime.date(2021, 12, 31)
    )
    several = Convention(
        effective_on=datetime.date(2021, 1, 1), period_end=datetime.date(2023, 12, 31)
    )
    assert one_year.duration_label == "2021"
    assert several.duration_label == "2021\u20132023"


# Plurals ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 axe"), (1, "1 axe"), (2, "2 axes"), (1.5, "1,50 axe"), (12, "12 axes")],
)
def test_zero_and_one_take_the_singular(count, expected):
    assert count_label(count, "axe") == expected.replace(" ", NBSP)


def test_count_filter_takes_an_irregular_plural():
    assert render('{{ n|count:"travail,travaux" }}', n=3) == f"3{NBSP}travaux"
    assert render('{{ n|count:"action" }}', n=0) == f"0{NBSP}action"


def test_fr_plural_filter_follows_the_french_rule():
    source = "{{ n }} convention{{ n|fr_plural }} signée{{ n|fr_plural }}"
    assert render(source, n=0) == "0 convention signée"
    assert render(source, n=1) == "1 convention signée"
    assert render(source, n=2) == "2 conventions signées"
    assert render('trava{{ n|fr_plural:"il,ux" }}', n=2) == "travaux"


# Numbers and spaces -------------------------------------------------------------------------


def test_numbers_and_amounts_keep_their_groups_together():
    assert number(850000) == f"850{NBSP}000"
    assert number(Decimal("66.5")) == "66,50"
    assert number(Decimal("66.5"), 1) == "66,5"
    assert amount(Decimal("850000.00")) == f"850{NBSP}000{NBSP}€"
    assert amount(Decimal("1234.5")) == f"1{NBSP}234,50{NBSP}€"
    assert render("{{ v|amount }}", v=None) == ""


def test_french_spacing_puts_non_breaking_spaces_before_double_signs():
    text = "Objectif : 150 000 jeunes ; pourquoi ? Bravo ! « Oui » 20 % n° 3, 12 €"
    assert french_spacing(text) == (
        f"Objectif{NBSP}: 150{NBSP}000 jeunes{NNBSP}; pourquoi{NNBSP}? Bravo{NNBSP}! "
        f"«{NBSP}Oui{NBSP}» 20{NBSP}% n°{NBSP}3, 12{NBSP}€"
    )


def test_french_spacing_leaves_addresses_times_and_years_alone():
    text = "https://www.unml.info/?a=1 à 10:30, en 2021 100 jeunes"
    assert french_spacing(text) == text


# Articles -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "article", "preposition", "expected"),
    [
        ("Union nationale", "l’", "pour", "pour l’Union nationale"),
        ("AMF", "l’", "avec", "avec l’AMF"),
        ("DGOM", "la", "de", "de la DGOM"),
        ("Service militaire adapté", "le", "de", "du Service militaire adapté"),
        ("Entreprises du voyage", "les", "de", "des Entreprises du voyage"),
        ("CNML", "le", "à", "au CNML"),
        ("Missions Locales", "les", "à", "aux Missions Locales"),
        ("France Travail", "", "avec", "avec France Travail"),
        ("Action Logement", "", "de", "d’Action Logement"),
        ("SMA", "le", "Pour", "Pour le SMA"),
        ("SMA", "le", "De", "Du SMA"),
        ("AMF", "l’", "", "l’AMF"),
    ],
)  # fmt: skip
def test_organisation_names_take_their_article_and_contractions(
    name, article, preposition, expected
):
    assert with_article(name, article, preposition) == expected


@pytest.mark.django_db
def test_partner_is_named_by_its_acronym_or_in_full():
    sma = PartnerFactory(name="Service militaire adapté", acronym="SMA", article=Article.MASCULINE)
    assert render('{{ p|named:"avec" }}', p=sma) == "avec le SMA"
    assert render('{{ p|fully_named:"de" }}', p=sma) == "du Service militaire adapté"


@pytest.mark.django_db
def test_editor_sets_the_article_in_the_partner_form(editor_client):
    partner = PartnerFactory(name="Direction générale des outre-mer", acronym="DGOM")
    url = reverse("partners:partner_update", args=[partner.slug])
    page = editor_client.get(url)
    assert 'name="article"' in page.content.decode()
    data = {
        "name": partner.name,
        "acronym": "DGOM",
        "article": "la",
        "kind": partner.kind,
        "territory": "",
        "description": "",
        "website": "",
        "founded_year": "",
        "key_figures-TOTAL_FORMS": "0",
        "key_figures-INITIAL_FORMS": "0",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
    }
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    partner.refresh_from_db()
    assert partner.in_sentence("de") == "de la DGOM"
    assert partner.history.first().article == "la"


@pytest.mark.django_db
def test_demo_partners_have_their_article():
    load_demo_data()
    named = {p.acronym or p.name: p.in_sentence("de") for p in Partner.objects.all()}
    assert named["AMF"] == "de l’AMF"
    assert named["DGOM"] == "de la DGOM"
    assert named["SMA"] == "du SMA"
    assert named["Pôle emploi"] == "de Pôle emploi"


# Applied: the convention page, the PDF, the e-mails -----------------------------------------


@pytest.fixture
def convention_with_the_sma(db):
    convention = ConventionFactory(
        signed_on=datetime.date(2021, 3, 1),
        effective_on=datetime.date(2021, 3, 1),
        amount=Decimal("850000"),
    )
    sma = PartnerFactory(name="Service militaire adapté", acronym="SMA", article=Article.MASCULINE)
    PartyFactory(convention=convention, partner=sma)
    SignatoryFactory(convention=convention, partner=sma, name="Général Martin")
    return convention


@pytest.mark.django_db
def test_convention_page_writes_french_dates_amounts_and_articles(
    reader_client, convention_with_the_sma
):
    page = reader_client.get(
        reverse("conventions:convention_detail", args=[convention_with_the_sma.pk])
    )
    content = page.content.decode()
    assert "1er mars 2021" in content
    assert f"850{NBSP}000{NBSP}€" in content
    assert "pour le Service militaire adapté" in content


@pytest.mark.django_db
def test_pdf_writes_french_dates_amounts_and_articles(reader_client, convention_with_the_sma):
    text = pdf_text(reader_client.get(summary_url(convention_with_the_sma)))
    assert "le 1er mars 2021" in text
    assert "850 000 €" in text  # the PDF text extraction reads non-breaking spaces as spaces
    assert "Pour le Service militaire adapté" in text


@pytest.mark.django_db
def test_demo_amf_pdf_signs_for_the_amf_with_its_article(reader_client):
    load_demo_data()
    text = pdf_text(reader_client.get(summary_url(Convention.objects.get(title=AMF_TITLE))))
    assert "Pour l’Union nationale des Missions Locales" in text
    assert "Pour l’Association des maires de France" in text


@pytest.mark.django_db
def test_counts_of_zero_and_one_are_singular_on_the_pages(editor_client):
    convention = ConventionFactory()
    page = editor_client.get(reverse("conventions:convention_renew", args=[convention.pk]))
    text = page.content.decode()
    assert "0 axe et 0 action, avec leur porteur" in text
    assert "0 objectif chiffré," in text


@pytest.mark.django_db
def test_partner_dossier_without_conventions_counts_zero_in_the_singular(reader_client):
    sma = PartnerFactory(name="Service militaire adapté", acronym="SMA", article=Article.MASCULINE)
    text = pdf_text(reader_client.get(reverse("conventions:partner_dossier", args=[sma.slug])))
    assert "Conventions avec le SMA" in text
    assert "0 convention " in f"{text} "


# PDF: only what the embedded fonts draw ----------------------------------------------------


def pdf_fonts(content: bytes) -> set[str]:
    """The base names of every font the PDF draws with ("ABCDEF+SourceSans3-Regular")."""
    fonts = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


@pytest.mark.django_db
def test_pdf_draws_emoji_and_symbols_with_the_embedded_font_or_leaves_them_out(reader_client):
    convention = ConventionFactory(
        title="🎉 Fête de l’emploi ✓ → ★",
        summary="Objectif atteint ✓ ; Łódź → Paris ! 👍🏽 Ça marche ? \U0001d518",  # a fraktur U
    )
    response = reader_client.get(summary_url(convention))
    content = b"".join(response.streaming_content)

    fonts = pdf_fonts(content)
    assert fonts
    assert all(font.split("+")[-1].startswith("Source-Sans-3") for font in fonts), fonts
    text = " ".join(
        " ".join(unicodedata.normalize("NFKC", page.extract_text()).split())
        for page in PdfReader(io.BytesIO(content)).pages
    )
    assert "Fête de l’emploi" in text
    assert "Lódź -> Paris" in text  # Ł is not in the fonts: transliterated, so is the arrow
    for symbol in ("🎉", "✓", "★", "👍", "\ufffd"):
        assert symbol not in text


def test_text_is_made_of_characters_the_fonts_draw():
    assert (
        pdf.drawable_text("Œuvre « ok » 850\u202f000\u00a0€ ﬁn")
        == "Œuvre « ok » 850\u00a0000\u00a0€ fin"
    )
    assert pdf.drawable_text("🎉 Fête ✓") == " Fête "


# Slugs and file names ----------------------------------------------------------------------


def test_slugs_spell_out_ligatures():
    assert ascii_slug("Œuvre d’Orient") == "oeuvre-d-orient"
    assert ascii_slug("Cæcilia & l'Æther") == "caecilia-l-aether"


@pytest.mark.django_db
def test_partner_and_theme_slugs_spell_out_ligatures():
    partner = PartnerFactory(name="Œuvres sociales de l’Æther", acronym="")
    assert partner.slug == "oeuvres-sociales-de-l-aether"
    assert Theme.objects.create(name="Œnologie").slug == "oenologie"


@pytest.mark.django_db
def test_pdf_file_names_spell_out_ligatures(reader_client):
    convention = ConventionFactory(title="Œuvre commune des cœurs")
    response = reader_client.get(summary_url(convention))
    assert response["Content-Disposition"].endswith(
        f'filename="convention-{convention.reference}-oeuvre-commune-des-coeurs.pdf"'
    )
    partner = PartnerFactory(name="Cœur de ville", acronym="")
    dossier = reader_client.get(reverse("conventions:partner_dossier", args=[partner.slug]))
    assert 'filename="dossier-coeur-de-ville-' in dossier["Content-Disposition"]
