"""French typography, in one place: dates, year ranges, plurals, spaces, amounts, articles.

The template filters of conventions/templatetags/typography.py (a builtin library: no `{% load %}`
needed) call these functions; pages, PDF, e-mails and exports use the same ones.
"""

import datetime
import re
import unicodedata
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

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

NBSP = "\u00a0"  # before « : », « € », « % », inside numbers
NNBSP = "\u202f"  # narrow, before « ; », « ! », « ? »
APOSTROPHE = "\u2019"


# Dates -------------------------------------------------------------------------------------


def long_date(day: datetime.date | None) -> str:
    """ "1er mars 2021", "5 janvier 2026"; an aware datetime is shown in local time."""
    if not day:
        return ""
    if isinstance(day, datetime.datetime) and timezone.is_aware(day):
        day = timezone.localtime(day)
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def year_range(start: int | None, end: int | None) -> str:
    """ "2021" when both years are the same, "2021–2023" (en dash) otherwise."""
    if start is None or end is None or start == end:
        return str(start if start is not None else end or "")
    return f"{start}\u2013{end}"


# Plurals -----------------------------------------------------------------------------------


def is_plural(count) -> bool:
    """French rule: 0 and 1 take the singular ("0 axe", "1 action", "2 actions")."""
    try:
        return abs(Decimal(str(count))) >= 2
    except ArithmeticError:
        return False


def count_label(count, singular: str, plural: str | None = None) -> str:
    """ "0 axe", "1 action", "2 actions", "3 travaux" (count_label(3, "travail", "travaux"))."""
    word = (plural or f"{singular}s") if is_plural(count) else singular
    return f"{number(count)}{NBSP}{word}"


# Numbers, amounts, spaces ------------------------------------------------------------------


def number(value, decimals: int | None = None) -> str:
    """ "850 000", "66,50", "1 234,56": French separators, non-breaking; by default no decimals
    for a whole number, two otherwise (what `|floatformat:"-2g"` wrote)."""
    if value is None or value == "":
        return ""
    value = Decimal(str(value))
    if decimals is None:
        decimals = 0 if value == value.to_integral() else 2
    return f"{value:,.{decimals}f}".replace(",", NBSP).replace(".", ",")


def amount(value) -> str:
    """ "850 000 €", "1 234,50 €": cents in full when there are any."""
    if value is None or value == "":
        return ""
    value = Decimal(str(value))
    return f"{number(value)}{NBSP}€"


_SPACE = r"[ \t\u00a0\u202f]"
_THOUSANDS = re.compile(r"(?<![\d,.])\d{1,3}(?: \d{3})+(?!\d)")


def french_spacing(text: str) -> str:
    """Non-breaking spaces where French typography wants them, in a text that already has its
    spaces: narrow before ; ! ?, plain before : € % and inside « », numbers "850 000" kept whole.
    A text without a space before the sign ("https://", "10:30") is left as it is."""
    if not text:
        return text
    text = re.sub(rf"{_SPACE}+(?=[;!?])", NNBSP, text)
    text = re.sub(rf"{_SPACE}+(?=[:€%»])", NBSP, text)
    text = re.sub(rf"(?<=«){_SPACE}+", NBSP, text)
    text = re.sub(rf"(?<=n°){_SPACE}+(?=\d)", NBSP, text)
    return _THOUSANDS.sub(lambda m: m.group().replace(" ", NBSP), text)


# Organisation names in a sentence ----------------------------------------------------------

# de + le -> du, de + les -> des, à + le -> au, à + les -> aux.
CONTRACTIONS = {
    ("de", "le"): "du",
    ("de", "les"): "des",
    ("à", "le"): "au",
    ("à", "les"): "aux",
}
VOWELS = "aeiouyàâäéèêëîïôöùûüÿœæ"


def with_article(name: str, article: str = "", preposition: str = "") -> str:
    """The name as a sentence says it: with_article("AMF", "l’", "avec") -> "avec l’AMF",
    ("DGOM", "la", "de") -> "de la DGOM", ("Service militaire adapté", "le", "de") ->
    "du Service militaire adapté", ("France Travail", "", "à") -> "à France Travail",
    ("Action Logement", "", "de") -> "d’Action Logement"."""
    article = article.strip().replace("'", APOSTROPHE)
    preposition = preposition.strip()
    key = (preposition.lower(), article)
    if key in CONTRACTIONS:
        contracted = CONTRACTIONS[key]
        if preposition[:1].isupper():
            contracted = contracted.capitalize()
        return f"{contracted} {name}"
    if article.endswith(APOSTROPHE):
        phrase = f"{article}{name}"
    else:
        phrase = " ".join(filter(None, [article, name]))
    if preposition.lower() == "de" and not article and name[:1].lower() in VOWELS:
        return f"{preposition[0]}{APOSTROPHE}{name}"
    return " ".join(filter(None, [preposition, phrase]))


# File names and slugs ----------------------------------------------------------------------

LIGATURES = str.maketrans({"Œ": "Oe", "œ": "oe", "Æ": "Ae", "æ": "ae", "ß": "ss"})


def ascii_slug(text: str) -> str:
    """ "Œuvre d’Orient" -> "oeuvre-d-orient": ligatures spelt out (slugify drops them) and an
    apostrophe separating words, as it does in French."""
    text = (text or "").translate(LIGATURES).replace("'", " ").replace(APOSTROPHE, " ")
    return slugify(unicodedata.normalize("NFKD", text))
