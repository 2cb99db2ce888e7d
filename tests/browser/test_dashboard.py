import datetime

import pytest

from tests.factories import ConventionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_year_bars_are_drawn_in_proportion_to_their_counts(page, reader, sign_in):
    counts = {2018: 1, 2019: 4, 2020: 10}
    for year, count in counts.items():
        ConventionFactory.create_batch(count, signed_on=datetime.date(year, 3, 1))
    sign_in(reader)
    widths = page.locator(".year-chart rect.year-bar").evaluate_all(
        "bars => bars.map(bar => bar.getBoundingClientRect().width)"
    )
    assert len(widths) == 3
    largest = widths[-1]
    assert largest > 100
    for width, count in zip(widths, counts.values(), strict=True):
        assert width == pytest.approx(largest * count / 10, abs=1)


def test_search_from_the_dashboard(page, live_server, reader, sign_in):
    ConventionFactory(title="Convention avec la Fédération des artisans")
    ConventionFactory(title="Autre convention")
    sign_in(reader)
    page.get_by_role("searchbox", name="Rechercher une convention").fill("artisans")
    page.get_by_role("button", name="Rechercher", exact=True).click()
    page.wait_for_url("**/conventions/?q=artisans*")
    assert page.get_by_role("link", name="Convention avec la Fédération des artisans").is_visible()
