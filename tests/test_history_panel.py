"""The history panel of the convention and partner pages: a long text's change told word by word,
the latest entries shown and the others folded."""

import re

import pytest
from django.urls import reverse

from accounts.roles import EDITOR
from conventions.history import convention_history
from partners.history import word_diff
from tests.factories import ConventionFactory, PartnerFactory
from tests.test_change_history import history_of, person, signed_in

pytestmark = pytest.mark.django_db

LONG = (
    "La Mission Locale accompagne les jeunes de 16 à 25 ans vers l'emploi et la formation, "
    "en lien avec les employeurs du territoire, les services de l'État et les collectivités, "
    "et rend compte chaque année au comité de suivi des actions menées et des résultats obtenus "
    "auprès des jeunes accompagnés dans le cadre de la présente convention de partenariat."
)
CHANGED = LONG.replace("chaque année", "chaque semestre")


@pytest.fixture
def bruno(db):
    return person("bruno", "Bruno", "Petit", role=EDITOR)


def test_word_diff_keeps_a_few_words_around_a_change_and_elides_the_rest():
    old = "un deux trois quatre cinq six sept huit neuf dix onze douze"
    new = "un deux trois quatre cinq six sept huit neuf dix ONZE douze"

    assert word_diff(old, new) == [
        ("gap", "…"),
        ("same", "huit neuf dix"),
        ("del", "onze"),
        ("ins", "ONZE"),
        ("same", "douze"),
    ]


def test_word_diff_of_two_distant_changes_elides_between_them():
    words = [f"mot{i}" for i in range(30)]
    new = [*words]
    new[2], new[27] = "début", "fin"

    assert word_diff(" ".join(words), " ".join(new)) == [
        ("same", "mot0 mot1"),
        ("del", "mot2"),
        ("ins", "début"),
        ("same", "mot3 mot4 mot5"),
        ("gap", "…"),
        ("same", "mot24 mot25 mot26"),
        ("del", "mot27"),
        ("ins", "fin"),
        ("same", "mot28 mot29"),
    ]


def test_word_diff_says_when_only_spaces_or_line_breaks_changed():
    assert word_diff("un deux\ntrois", "un  deux trois") == [
        ("note", "espaces ou retours à la ligne modifiés")
    ]


@pytest.mark.embedded
def test_a_change_near_the_end_of_a_long_text_shows_the_words_that_changed(bruno):
    convention = ConventionFactory(objectives=LONG)
    convention.objectives = CHANGED
    convention.save()

    history = history_of(
        signed_in(bruno), reverse("conventions:convention_detail", args=[convention.pk])
    )

    assert "Objectifs :" in history
    assert "<del" in history and ">année</del>" in history
    assert "<ins" in history and ">semestre</ins>" in history
    assert "rend compte chaque" in history  # the words around it
    assert "…" in history
    assert "→" not in history.split("Objectifs :")[1].split("</li>")[0]


def test_a_partner_description_change_is_told_word_by_word(bruno):
    partner = PartnerFactory(description=LONG)
    partner.description = CHANGED
    partner.save()

    history = history_of(signed_in(bruno), reverse("partners:partner_detail", args=[partner.slug]))

    assert ">année</del>" in history
    assert ">semestre</ins>" in history


def test_a_short_change_keeps_its_before_and_after(bruno):
    convention = ConventionFactory(title="Convention avec l'AMF")
    convention.title = "Convention avec l'ADF"
    convention.save()

    history = history_of(
        signed_in(bruno), reverse("conventions:convention_detail", args=[convention.pk])
    )

    assert "Intitulé : Convention avec l&#x27;AMF → Convention avec l&#x27;ADF" in history


def entries_outside_and_inside_details(history: str) -> tuple[int, int, str]:
    before, details = history.split("<details", 1)
    return before.count('class="history-entry'), details.count('class="history-entry'), details


def test_convention_history_shows_the_last_five_and_folds_the_others(bruno):
    convention = ConventionFactory(summary="")
    for number in range(1, 8):
        convention.summary = f"Résumé n° {number}"
        convention.save()

    history = history_of(
        signed_in(bruno), reverse("conventions:convention_detail", args=[convention.pk])
    )

    shown, folded, details = entries_outside_and_inside_details(history)
    total = shown + folded
    assert shown == 5
    assert total == len(convention_history(convention)) >= 8  # created, then changed 7 times
    assert re.search(rf"<summary[^>]*>\s*Voir tout l.historique \({total}\)", details)
    assert "Résumé n° 7" in history.split("<details", 1)[0]  # the newest first, unfolded
    assert "Création" in details


def test_partner_history_shows_the_last_five_and_folds_the_others(bruno):
    partner = PartnerFactory(description="")
    for number in range(1, 7):
        partner.description = f"Présentation n° {number}"
        partner.save()

    history = history_of(signed_in(bruno), reverse("partners:partner_detail", args=[partner.slug]))

    shown, folded, details = entries_outside_and_inside_details(history)
    assert (shown, folded) == (5, 2)
    assert re.search(r"<summary[^>]*>\s*Voir tout l.historique \(7\)", details)


def test_a_history_longer_than_the_panel_holds_says_it_shows_the_latest(bruno):
    partner = PartnerFactory(description="")
    for number in range(1, 15):
        partner.description = f"Présentation n° {number}"
        partner.save()

    history = history_of(signed_in(bruno), reverse("partners:partner_detail", args=[partner.slug]))

    shown, folded, details = entries_outside_and_inside_details(history)
    assert shown + folded == 10
    assert re.search(r"<summary[^>]*>\s*Voir les 10 dernières modifications", details)


def test_a_short_history_is_not_folded(bruno):
    partner = PartnerFactory(description="")
    partner.description = "Présentation"
    partner.save()

    history = history_of(signed_in(bruno), reverse("partners:partner_detail", args=[partner.slug]))

    assert history.count('class="history-entry') == 2
    assert "<details" not in history.split("</section>")[0]
