"""Dates in long French form, for the pages that show hundreds of them."""

from django import template

from .. import typography

register = template.Library()

# "1er mars 2021", "5 janvier 2026": also a builtin filter (templatetags/typography.py). Cheaper
# than `|date:"j F Y"` and its format and translation lookups (a tenth of a millisecond a date).
long_date = register.filter("long_date", typography.long_date)
