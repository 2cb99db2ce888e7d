"""French typography filters (conventions/typography.py), a builtin library of every template.

{{ day|long_date }}                       1er mars 2021
{{ start.year|year_range:end.year }}      2021, 2021–2023
{{ count|count:"axe" }}                   0 axe, 1 axe, 2 axes ({{ n|count:"travail,travaux" }})
convention{{ count|fr_plural }}           French rule: 0 and 1 singular
{{ value|number }} {{ value|amount }}     850 000, 850 000 €
{{ text|french_spacing }}                 non-breaking spaces before ; ! ? : € and in numbers
{{ partner|named:"avec" }}                avec l’AMF (sigle, or name)
{{ partner|fully_named:"pour" }}          pour l’Union nationale des Missions Locales
"""

from django import template

from .. import typography

register = template.Library()

register.filter("long_date", typography.long_date)
register.filter("year_range", typography.year_range)
register.filter("number", typography.number, is_safe=True)
register.filter("amount", typography.amount, is_safe=True)
register.filter("french_spacing", typography.french_spacing, is_safe=True)


@register.filter
def count(value, words: str) -> str:
    singular, _, plural = words.partition(",")
    return typography.count_label(value, singular, plural or None)


@register.filter(is_safe=False)
def fr_plural(value, suffixes: str = "s") -> str:
    """Like Django's `pluralize` ("s", "es", "al,aux"), with 0 in the singular."""
    if "," in suffixes:
        singular, _, plural = suffixes.partition(",")
    else:
        singular, plural = "", suffixes
    if hasattr(value, "__len__") and not isinstance(value, str):
        value = len(value)
    return plural if typography.is_plural(value) else singular


@register.filter
def named(partner, preposition: str = "") -> str:
    return partner.in_sentence(preposition) if partner else ""


@register.filter
def fully_named(partner, preposition: str = "") -> str:
    return partner.in_sentence(preposition, full=True) if partner else ""
