import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conventions.models import AmendmentChange, Convention
from conventions.search import SOURCES, build_search_documents, fold, refresh_search_documents
from tests.factories import (
    AmendmentFactory,
    AttachmentFactory,
    AxisFactory,
    CommitmentFactory,
    ConventionFactory,
    PartnerFactory,
    ReviewFactory,
    SignatoryFactory,
    StatementFactory,
    TargetFactory,
)
from tests.lists import listed

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search and GIN index only"
)


@pytest.fixture
def amf_convention(unml):
    amf = PartnerFactory(
        name="Association des maires de France et des présidents d'intercommunalité",
        acronym="AMF",
    )
    return ConventionFactory(
        title="Convention cadre nationale entre l'AMF et l'UNML", parties=[amf, unml]
    )


@pytest.fixture
def police_convention(unml):
    academy = PartnerFactory(name="Académie de police", acronym="")
    return ConventionFactory(
        title="Convention de partenariat pour l'égalité des chances", parties=[academy, unml]
    )


def titles(queryset):
    return sorted(convention.title for convention in queryset)


@pytest.mark.embedded
def test_fold_removes_case_accents_and_ligatures():
    assert fold("Académie de POLICE, Œuvre d\u2019Été") == "academie de police, oeuvre d'ete"


@pytest.mark.embedded
@pytest.mark.parametrize("text", ["Academie", "académie", "ACADÉMIE", "academie police"])
def test_search_ignores_accents_and_case(text, police_convention, amf_convention):
    assert titles(Convention.objects.search(text)) == [police_convention.title]


@pytest.mark.embedded
def test_maires_finds_the_amf_convention_through_its_partner_name(
    amf_convention, police_convention
):
    assert titles(Convention.objects.search("maires")) == [amf_convention.title]


@pytest.mark.embedded
def test_every_word_must_match(amf_convention, police_convention):
    assert titles(Convention.objects.search("maires UNML")) == [amf_convention.title]
    assert not Convention.objects.search("maires académie").exists()


@on_postgresql
def test_french_stemming_matches_other_forms_of_a_word(amf_convention):
    assert titles(Convention.objects.search("maire")) == [amf_convention.title]
    assert titles(Convention.objects.search("nationales")) == [amf_convention.title]


@pytest.mark.embedded
def test_search_document_holds_the_text_of_the_convention_and_its_parts(amf_convention):
    axis = AxisFactory(
        convention=amf_convention, title="Insertion des jeunes", description="Repérage des NEET"
    )
    CommitmentFactory(axis=axis, text="Organiser des forums de l'emploi")
    SignatoryFactory(convention=amf_convention, name="David Lisnard", title="Président de l'AMF")
    Convention.objects.filter(pk=amf_convention.pk).update(summary="Résumé du partenariat")
    refresh_search_documents([amf_convention.pk])
    document = Convention.objects.get(pk=amf_convention.pk).search_document
    for text in [
        amf_convention.reference,
        "convention cadre nationale",
        "resume du partenariat",
        "insertion des jeunes",
        "reperage des neet",
        "forums de l'emploi",
        "david lisnard",
        "president de l'amf",
        "association des maires de france",
        "unml",
    ]:
        assert fold(text) in document


def search_titles(text):
    return titles(Convention.objects.search(text))


@pytest.mark.embedded
def test_adding_and_removing_parts_updates_the_document(amf_convention):
    axis = AxisFactory(convention=amf_convention, title="Mobilité durable")
    assert search_titles("mobilité") == [amf_convention.title]
    commitment = CommitmentFactory(axis=axis, text="Ouvrir un guichet numérique")
    signatory = SignatoryFactory(convention=amf_convention, name="Stéphane Valli")
    assert search_titles("guichet") == search_titles("valli") == [amf_convention.title]
    commitment.delete()
    signatory.delete()
    axis.delete()
    assert search_titles("guichet") == search_titles("valli") == search_titles("mobilite") == []


@pytest.mark.embedded
def test_renaming_a_partner_refreshes_its_conventions(amf_convention, police_convention):
    academy = police_convention.parties.get(partner__name="Académie de police").partner
    academy.name = "École nationale supérieure de la police"
    academy.save()
    assert search_titles("ecole superieure") == [police_convention.title]
    assert search_titles("academie") == []


@pytest.mark.embedded
def test_editing_the_convention_refreshes_its_document(amf_convention):
    amf_convention.title = "Accord renouvelé avec les élus locaux"
    amf_convention.save()
    assert amf_convention.search_document.startswith(fold(amf_convention.reference))
    assert search_titles("elus locaux") == [amf_convention.title]


def test_refresh_costs_one_read_per_source_and_one_update_per_convention():
    conventions = ConventionFactory.create_batch(3)
    with CaptureQueriesContext(connection) as queries:
        refresh_search_documents([c.pk for c in conventions])
    updates = [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert (len(queries), len(updates)) == (len(SOURCES) + 3, 3)


def test_deleting_a_convention_does_not_refresh_it_once_per_child(amf_convention):
    for _ in range(5):
        CommitmentFactory(axis=AxisFactory(convention=amf_convention))
    with CaptureQueriesContext(connection) as queries:
        amf_convention.delete()
    assert not [
        q
        for q in queries.captured_queries
        if q["sql"].startswith("UPDATE") and "search_document" in q["sql"]
    ]


def test_build_search_documents_of_nothing_is_free():
    with CaptureQueriesContext(connection) as queries:
        assert build_search_documents([]) == {}
    assert len(queries) == 0


@on_postgresql
def test_search_orders_by_relevance(unml):
    once = ConventionFactory(title="Convention pluriannuelle", parties=[unml, PartnerFactory()])
    CommitmentFactory(axis=AxisFactory(convention=once), text="Associer les maires")
    often = ConventionFactory(title="Les maires et les Missions Locales", parties=[unml])
    AxisFactory(convention=often, title="Maires et jeunes", description="Réunir les maires")
    assert list(Convention.objects.search("maires").by_relevance("maires")) == [often, once]


@on_postgresql
def test_the_list_ranks_a_search_with_few_matches(reader_client, unml):
    once = ConventionFactory(title="Convention pluriannuelle", parties=[unml, PartnerFactory()])
    CommitmentFactory(axis=AxisFactory(convention=once), text="Associer les maires")
    often = ConventionFactory(title="Les maires et les Missions Locales", parties=[unml])
    AxisFactory(convention=often, title="Maires et jeunes", description="Réunir les maires")
    response = reader_client.get("/conventions/", {"q": "maires"})
    assert list(listed(response)) == [often, once]
    assert response.context["ranked"]
    assert "2 conventions" in response.content.decode()


@pytest.fixture
def mobility(unml):
    """Three conventions matching "mobilite", signed in 2019, 2021 and 2023."""
    for year in (2019, 2021, 2023):
        ConventionFactory(
            title=f"Mobilité des jeunes {year}",
            parties=[unml],
            signed_on=datetime.date(year, 3, 1),
        )


@pytest.mark.embedded
def test_a_search_matching_too_many_to_rank_shows_the_latest_first_and_stops_counting(
    reader_client, mobility, monkeypatch
):
    monkeypatch.setattr("conventions.filters.COUNTED_MATCHES", 2)
    monkeypatch.setattr("conventions.filters.RANKED_MATCHES", 1)
    response = reader_client.get("/conventions/", {"q": "mobilite"})
    html = response.content.decode()
    assert not response.context["ranked"]
    assert "Plus de 2 conventions" in html
    assert "les plus récemment signées d'abord" in html
    assert [c.title for c in listed(response)] == [
        "Mobilité des jeunes 2023",
        "Mobilité des jeunes 2021",
    ]
    by_title = reader_client.get("/conventions/", {"q": "mobilite", "tri": "intitule"})
    assert "les plus récemment signées" not in by_title.content.decode()


@pytest.mark.embedded
def test_a_search_counted_but_too_broad_to_rank_shows_every_page_latest_first(
    reader_client, mobility, monkeypatch
):
    monkeypatch.setattr("conventions.filters.RANKED_MATCHES", 2)
    response = reader_client.get("/conventions/", {"q": "mobilite"})
    html = response.content.decode()
    assert not response.context["ranked"]
    assert "3 conventions" in html and "Plus de" not in html
    assert "Les plus récemment signées sont affichées d'abord." in html
    assert "pour les classer par pertinence" in html
    assert [c.title[-4:] for c in listed(response)] == ["2023", "2021", "2019"]
    by_title = reader_client.get("/conventions/", {"q": "mobilite", "tri": "intitule"})
    assert "pour les classer par pertinence" not in by_title.content.decode()


@on_postgresql
def test_postgresql_search_uses_the_gin_index(amf_convention, police_convention):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = Convention.objects.search("maires").explain()
    assert "convention_search_idx" in plan


@on_postgresql
def test_postgresql_search_configuration_ignores_accents():
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('french_unaccent', 'Académie des élèves')::text")
        assert cursor.fetchone()[0] == "'academ':1 'elev':3"


@pytest.mark.embedded
@pytest.mark.parametrize("text", ["Saint-Nazaire", "saint-nazaire", "Nazaire", "saint nazaire"])
def test_a_hyphenated_name_is_found_whole_or_by_its_parts(text, unml):
    mission = PartnerFactory(name="Mission Locale de l'agglomération de Saint-Nazaire")
    ConventionFactory(title="Accueil des jeunes", parties=[mission, unml])
    ConventionFactory(title="Convention avec Saint-Étienne Métropole", parties=[unml])
    assert titles(Convention.objects.search(text)) == ["Accueil des jeunes"]


@on_postgresql
def test_a_hyphenated_word_is_searched_as_one_indexed_word_not_a_phrase():
    """A phrase would have every candidate's vector read again (docs/performance.md)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT websearch_to_tsquery('french_unaccent_query', %s)::text,"
            " to_tsvector('french_unaccent', %s)::text",
            ["Saint-Nazaire", "Saint-Nazaire"],
        )
        assert cursor.fetchone() == ("'saint-nazair'", "'nazair':3 'saint':2 'saint-nazair':1")


@on_postgresql
def test_the_search_vector_is_kept_in_the_row():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute"
            " WHERE attrelid = 'conventions_convention'::regclass AND attname = 'search_vector'"
        )
        assert cursor.fetchone() == ("m",)


@pytest.mark.embedded
def test_the_search_document_stays_out_of_the_change_history(amf_convention):
    AxisFactory(convention=amf_convention, title="Nouvel axe")
    amf_convention.refresh_from_db()
    amf_convention.save()
    fields = {field.name for field in Convention.history.model._meta.fields}
    assert "search_document" not in fields
    assert amf_convention.history.count() == 2


@pytest.mark.embedded
@pytest.mark.parametrize("ranked_matches", [200, 2])
def test_a_search_counts_its_matches_once_and_reads_no_status(
    reader_client, mobility, monkeypatch, ranked_matches
):
    monkeypatch.setattr("conventions.filters.RANKED_MATCHES", ranked_matches)
    with CaptureQueriesContext(connection) as queries:
        response = reader_client.get("/conventions/", {"q": "mobilite"})
    assert "3 conventions" in response.content.decode()
    assert response.context["ranked"] == (ranked_matches == 200)
    # The search counts its matches once, for the count shown and the choice of an order; the
    # count and the page's ids need no status: the rows compute it from their dates.
    sqls = [q["sql"] for q in queries.captured_queries]
    assert len([sql for sql in sqls if "COUNT(" in sql.upper()]) == 1
    assert not [sql for sql in sqls if "CASE WHEN" in sql]


# Every text the convention page shows is found ----------------------------------------------


def _set_fields(**fields):
    def write(convention):
        for name, value in fields.items():
            setattr(convention, name, value)
        convention.save()

    return write


def _amendment_with_new_text(convention):
    amendment = AmendmentFactory(convention=convention, summary="Ajout d'un volet numérique")
    AmendmentChange.objects.create(
        amendment=amendment,
        field="objectives",
        old_value="Accompagner les jeunes",
        new_value="Accompagner les jeunes vers les métiers du numérique et de la cybersécurité",
    )


# (what the user types, how the text is written on the convention's page)
TEXT_KINDS = {
    "follow_up": (
        "comite trimestriel",
        _set_fields(follow_up="Un comité trimestriel réunit les parties."),
    ),
    "communication": (
        "communique commun",
        _set_fields(communication="Un communiqué commun annonce la signature."),
    ),
    "on_behalf_of": (
        "ministre du travail",
        lambda c: SignatoryFactory(convention=c, on_behalf_of="Le ministre du Travail"),
    ),
    "review_summary": (
        "bilan tres positif",
        lambda c: ReviewFactory(convention=c, summary="Un bilan très positif."),
    ),
    "review_decisions": (
        "elargir aux quartiers",
        lambda c: ReviewFactory(convention=c, decisions="Élargir aux quartiers prioritaires."),
    ),
    "review_participants": (
        "martine aubry",
        lambda c: ReviewFactory(convention=c, participants="Martine Aubry, Jean Dupont"),
    ),
    "amendment_summary": ("volet numerique", _amendment_with_new_text),
    "amendment_text": ("cybersecurite", _amendment_with_new_text),
    "statement_text": (
        "perspectives inedites",
        lambda c: StatementFactory(convention=c, text="Des perspectives inédites."),
    ),
    "statement_person": (
        "clemence dupre",
        lambda c: StatementFactory(convention=c, person="Clémence Dupré", role="Directrice"),
    ),
    "target": (
        "apprentis accompagnes",
        lambda c: TargetFactory(convention=c, label="apprentis accompagnés"),
    ),
    "attachment_title": (
        "dossier de presse",
        lambda c: AttachmentFactory(convention=c, title="Dossier de presse"),
    ),
    "reference": ("", lambda c: None),
}


@pytest.mark.embedded
@pytest.mark.parametrize("kind", TEXT_KINDS)
def test_every_text_of_the_convention_page_is_found(kind, amf_convention, police_convention):
    text, write = TEXT_KINDS[kind]
    write(amf_convention)
    text = text or amf_convention.reference
    assert search_titles(text) == [amf_convention.title]


@pytest.mark.embedded
@pytest.mark.parametrize("text", ["850000", "850 000", "850 000 €", "850\u00a0000\u00a0€"])
def test_an_amount_is_found_with_or_without_spaces_and_euro_sign(
    text, amf_convention, police_convention
):
    amf_convention.amount = 850000
    amf_convention.save()
    police_convention.amount = 85000
    police_convention.save()
    assert search_titles(text) == [amf_convention.title]


@pytest.mark.embedded
def test_changing_or_removing_a_related_text_refreshes_the_document(amf_convention):
    review = ReviewFactory(convention=amf_convention, decisions="Recruter un chargé de mission")
    statement = StatementFactory(convention=amf_convention, text="Une alliance historique.")
    attachment = AttachmentFactory(convention=amf_convention, title="Annexe financière")
    _amendment_with_new_text(amf_convention)
    assert (
        search_titles("charge de mission")
        == search_titles("alliance historique")
        == [amf_convention.title]
    )
    review.decisions = "Reporter le recrutement"
    review.save()
    statement.delete()
    attachment.delete()
    AmendmentChange.objects.get().delete()
    assert search_titles("charge de mission") == search_titles("alliance historique") == []
    assert search_titles("annexe financiere") == search_titles("cybersecurite") == []
    assert search_titles("reporter le recrutement") == [amf_convention.title]


@pytest.mark.embedded
def test_renaming_a_quoted_organisation_refreshes_its_conventions(amf_convention):
    ministry = PartnerFactory(name="Ministère des Armées", acronym="")
    StatementFactory(convention=amf_convention, organisation=ministry)
    ministry.name = "Ministère des Armées et des Anciens combattants"
    ministry.save()
    assert search_titles("anciens combattants") == [amf_convention.title]
