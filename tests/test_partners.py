import pytest

from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_partner_slug_comes_from_the_acronym_and_stays_unique():
    first = PartnerFactory(name="Union des entreprises de proximité", acronym="U2P", slug="")
    second = PartnerFactory(name="U2P Bretagne", acronym="U2P", slug="")
    assert (first.slug, second.slug) == ("u2p", "u2p-2")
    first.save()
    assert first.slug == "u2p"
