"""Dates in long French form, for the pages that show hundreds of them."""

import datetime

from django import template

register = template.Library()

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


@register.filter
def long_date(day: datetime.date | None) -> str:
    """ "5 janvier 2026": what `|date:"j F Y"` writes in French, without its format and
    translation lookups, which cost a tenth of a millisecond per date (50 rows, 100 dates)."""
    if not day:
        return ""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
