"""conventions.widgets write the HTML of Django's widgets without their templates: FastSelect
for the list's filter panel, FastTextarea and the date input for the convention page's
follow-up forms, one per action."""

import datetime
import re

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.functional import lazy
from django.utils.safestring import mark_safe

from conventions.forms import DateInput
from conventions.views.follow_up import CommitmentFollowUpForm
from conventions.widgets import FastSelect, FastTextarea
from tests.factories import CommitmentFactory, TerritoryFactory, ThemeFactory

CHOICES = [
    ("", "Tous les partenaires"),
    ("amf", "Association des maires de France (AMF)"),
    ("u2p", 'Union des entreprises de proximité "U2P" & <associés>'),
    (7, "Sept"),
]
GROUPED = [("", "Aucun"), ("Régions", [("idf", "Île-de-France"), ("reunion", "La Réunion")])]
# Labels as forms give them: lazy translations, HTML already safe; a value chosen twice.
LABELS = [
    (None, lazy(lambda: "Sans « type »", str)()),
    ("safe", mark_safe("<b>Déjà sûr</b>")),
    ("u2p", "Premier"),
    ("u2p", "Doublon"),
]

ATTRS = {
    "class": "form-control is-invalid",
    "id": "id_suivi-1-note",
    "aria-describedby": "x",
    "required": True,
    "disabled": False,
    "data-note": 'a "b" & <c>',
}


def normalized(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("choices", [CHOICES, GROUPED, LABELS])
@pytest.mark.parametrize("value", [None, "", "u2p", 7, "reunion", "inconnu"])
def test_the_same_html_as_djangos_select(choices, value):
    ours = FastSelect(attrs=ATTRS, choices=choices).render("partenaire", value)
    django = forms.Select(attrs=ATTRS, choices=choices).render("partenaire", value)
    assert normalized(ours) == normalized(django)


@pytest.mark.django_db
def test_the_list_filters_use_it(reader_client, amf, unml):
    criteria = {"statut": "in_force", "partenaire": amf.slug}
    html = reader_client.get("/conventions/", criteria).content.decode()
    assert '<option value="in_force" selected>En vigueur</option>' in html
    # The partners' options, read as tuples (filters.partner_choices), in name order.
    select = re.search(r'<select name="partenaire".*?</select>', html, re.S).group()
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)
    assert options == [
        ("", "", "Tous les partenaires"),
        (amf.slug, " selected", "Association des maires de France (AMF)"),
        (unml.slug, "", f"{unml.name} ({unml.acronym})" if unml.acronym else unml.name),
    ]


def options_of(html: str, name: str) -> list[tuple[str, str, str]]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group()
    return re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)


@pytest.mark.django_db
def test_the_panels_selects_each_read_their_options_once_as_tuples(reader_client, unml):
    """filters.slug_choices and widgets.ReadOnce: the options Django's model choice fields
    would offer, one query per select, not one more to decide on `required`."""
    south = TerritoryFactory(name="Provence-Alpes-Côte d'Azur", kind="region")
    north = TerritoryFactory(name="Hauts-de-France", kind="region")
    department = TerritoryFactory(name="Nord", kind="department")
    theme = ThemeFactory(name="Mobilité")
    with CaptureQueriesContext(connection) as queries:
        html = reader_client.get("/conventions/", {"territoire": north.slug}).content.decode()
    assert options_of(html, "territoire") == [
        ("", "", "Tous"),
        (north.slug, " selected", "Hauts-de-France"),
        (department.slug, "", "Nord"),
        (south.slug, "", "Provence-Alpes-Côte d&#x27;Azur"),
    ]
    assert options_of(html, "region_declinaison") == [
        ("", " selected", "Toutes"),
        ("non-renseignee", "", "Région non renseignée"),
        (north.slug, "", "Hauts-de-France"),
        (south.slug, "", "Provence-Alpes-Côte d&#x27;Azur"),
    ]
    assert options_of(html, "thematique") == [
        ("", " selected", "Toutes"),
        (theme.slug, "", "Mobilité"),
    ]
    sql = [query["sql"] for query in queries]
    assert not [statement for statement in sql if statement.startswith("DECLARE")]
    tables = ["partners_partner", "partners_territory", "conventions_theme", "conventions_audience"]
    reads = {table: sum(f'FROM "{table}"' in statement for statement in sql) for table in tables}
    # Territories: the one chosen, checked; then the options of both selects of them.
    assert list(reads.values()) == [1, 3, 1, 1]


@pytest.mark.django_db
def test_the_same_html_for_a_model_choice(amf, unml):
    def rendered(widget):
        field = forms.ModelChoiceField(queryset=amf.__class__.objects.order_by("name"))
        field.widget = widget
        field.widget.choices = field.choices
        return normalized(widget.render("partenaire", amf.pk, attrs={"id": "id_partenaire"}))

    assert rendered(FastSelect()) == rendered(forms.Select())
    assert f'<option value="{amf.pk}" selected>' in rendered(FastSelect())


class DjangoDateInput(forms.DateInput):
    input_type = "date"


@pytest.mark.parametrize("value", [None, "", datetime.date(2025, 3, 1), "2025-13-01", '"<x>"'])
def test_date_input_writes_the_html_of_djangos(value):
    ours = DateInput(attrs=ATTRS).render("echeance", value)
    django = DjangoDateInput(attrs=ATTRS, format="%Y-%m-%d").render("echeance", value)
    assert ours == django


@pytest.mark.parametrize("value", [None, "", 'Fait.\nReste : <b>le bilan</b> & "l\'envoi"'])
def test_textarea_writes_the_html_of_djangos(value):
    ours = FastTextarea(attrs=ATTRS).render("note", value)
    assert ours == forms.Textarea(attrs=ATTRS).render("note", value)


@pytest.mark.django_db
@pytest.mark.parametrize("data", [None, {"suivi-{pk}-status": "inconnu", "suivi-{pk}-note": "<x>"}])
def test_follow_up_form_writes_the_html_of_djangos_widgets(data):
    commitment = CommitmentFactory(due_on=datetime.date(2025, 6, 30), note="Avancée & suivie")
    if data:
        data = {key.format(pk=commitment.pk): value for key, value in data.items()}
    form = CommitmentFollowUpForm(data, instance=commitment)
    django_widgets = {
        "status": forms.Select(choices=form.fields["status"].choices),
        "due_on": DjangoDateInput(format="%Y-%m-%d"),
        "note": forms.Textarea(attrs={"rows": 2}),
    }
    for name, widget in django_widgets.items():
        field = form[name]
        assert normalized(field) == normalized(field.as_widget(widget=widget))
    if data:
        assert 'aria-invalid="true"' in str(form["status"])
