import re

import pytest

from conventions.models import Convention

pytestmark = pytest.mark.django_db(transaction=True)

AMF_TITLE = "Convention cadre nationale entre l'AMF et l'UNML"


def load_conventions() -> Convention:
    """The demo data when it is there; otherwise the AMF convention built with factories."""
    try:
        from conventions.demo import load_demo_data
    except ImportError:
        from tests.factories import ConventionFactory, PartnerFactory

        amf = PartnerFactory(
            name="Association des maires de France et des présidents d'intercommunalité",
            acronym="AMF",
        )
        unml = PartnerFactory(name="Union nationale des Missions Locales", acronym="UNML")
        ConventionFactory(title=AMF_TITLE, parties=[amf, unml])
        ConventionFactory(title="Convention avec l'Académie de police")
    else:
        load_demo_data()
    return Convention.objects.get(title=AMF_TITLE)


def test_search_maires_and_open_the_amf_convention(page, live_server, reader, sign_in):
    amf = load_conventions()
    sign_in(reader)
    page.get_by_role("link", name="Conventions", exact=True).click()
    page.get_by_role("searchbox", name="Rechercher").fill("maires")
    page.get_by_role("button", name="Rechercher", exact=True).click()
    page.wait_for_url("**/conventions/?q=maires*")
    assert re.search(r"\b1 convention\b", page.get_by_role("heading", level=2).first.inner_text())
    page.get_by_role("link", name=AMF_TITLE).click()
    page.wait_for_url(f"{live_server.url}/conventions/{amf.pk}/")


def test_dashboard_and_list_have_no_serious_accessibility_violation(
    page, live_server, reader, sign_in, axe_violations
):
    load_conventions()
    sign_in(reader)
    assert axe_violations() == []
    page.goto(f"{live_server.url}/conventions/?q=convention&tri=intitule")
    assert axe_violations() == []
    page.goto(f"{live_server.url}/conventions/?statut=nimporte&fin_dans=-3")
    assert axe_violations() == []
