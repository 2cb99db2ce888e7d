"""conventions.widgets.FastSelect writes the HTML Django's Select writes through its templates."""

import re

import pytest
from django import forms

from conventions.widgets import FastSelect

CHOICES = [
    ("", "Tous les partenaires"),
    ("amf", "Association des maires de France (AMF)"),
    ("u2p", 'Union des entreprises de proximité "U2P" & <associés>'),
    (7, "Sept"),
]
GROUPED = [("", "Aucun"), ("Régions", [("idf", "Île-de-France"), ("reunion", "La Réunion")])]


def normalized(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("choices", [CHOICES, GROUPED])
@pytest.mark.parametrize("value", [None, "", "u2p", 7, "reunion", "inconnu"])
def test_the_same_html_as_djangos_select(choices, value):
    attrs = {"class": "form-select is-invalid", "id": "id_partenaire", "aria-describedby": "x"}
    ours = FastSelect(attrs=attrs, choices=choices).render("partenaire", value)
    django = forms.Select(attrs=attrs, choices=choices).render("partenaire", value)
    assert normalized(ours) == normalized(django)


@pytest.mark.django_db
def test_the_list_filters_use_it(reader_client):
    html = reader_client.get("/conventions/", {"statut": "in_force"}).content.decode()
    assert '<option value="in_force" selected>En vigueur</option>' in html
