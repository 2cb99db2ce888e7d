"""Dates in long French form, for the pages that show hundreds of them."""

import datetime

from django import template

from .. import typography

register = template.Library()

# "1er mars 2021", "5 janvier 2026": also a builtin filter (templatetags/typography.py). Cheaper
# than `|date:"j F Y"` and its format and translation lookups (a tenth of a millisecond a date).
long_date = register.filter("long_date", typography.long_date)


@register.filter
def partial_date(day: datetime.date | None, precision: str = "day") -> str:
    """ "12 juin 2018", or "juin 2018" or "2018" when only the month or the year is known
    (a DatePrecision: the date is then the first day of that month or year)."""
    if not day:
        return ""
    if precision == "year":
        return str(day.year)
    if precision == "month":
        return f"{typography.MONTHS[day.month - 1]} {day.year}"
    return long_date(day)


@register.filter
def on_partial_date(day: datetime.date | None, precision: str = "day") -> str:
    """ "le 12 juin 2018", "en juin 2018", "en 2018": after "signée"."""
    if not day:
        return ""
    return f"{'le' if precision in ('day', '') else 'en'} {partial_date(day, precision)}"
