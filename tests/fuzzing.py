"""Random submissions for the fuzz tests (tests/test_fuzz_forms.py, tests/test_fuzz_filters.py).

What is drawn: any Unicode text (surrogates aside: HTTP cannot carry them), NUL bytes, very long
strings, numbers out of range or malformed, impossible or far-away dates, ids that do not exist,
empty and repeated values, absurd formset management forms.

What every answer must satisfy: never a crash (the test client re-raises the view's exception,
with its traceback); a refused submission shows the page again with every error message, in
French, and leaves the database exactly as it was; an accepted one redirects.

Each example runs in a savepoint rolled back at its end (`example`), so that every example
starts from the state the test's fixtures built, whatever the previous one saved.

The pages take a tenth of a second or more each: the tests post a few dozen examples through
each page, and thousands more through the forms and filters on their own (`check_form`), within
the suite's time. `FUZZ_SCALE=10 pytest tests/test_fuzz_*.py` runs ten times as many.
"""

import contextlib
import datetime
import os
import re
from collections.abc import Iterator

from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import connection, transaction
from django.forms import BaseForm, BaseFormSet
from django.http import QueryDict
from django.test import Client
from django.utils.html import escape
from django_filters import FilterSet
from hypothesis import event
from hypothesis import strategies as st

from conventions.forms import FIRST_DATE, LAST_DATE, ConventionForms

# How many times the examples each test states to run (the profile of tests/conftest.py makes
# them the same on every run).
SCALE = int(os.environ.get("FUZZ_SCALE", "1"))


def examples(count: int) -> int:
    return count * SCALE


NUL = "\x00"
# What a form says of a NUL byte (PostgreSQL stores none), in French.
NUL_MESSAGE = str(ProhibitNullCharactersValidator.message)

# Text -------------------------------------------------------------------------------------------

# Any code point a browser can send: every category but the surrogates.
CHARACTERS = st.characters(exclude_categories=["Cs"])
any_text = st.text(CHARACTERS, max_size=30)
nul_text = st.builds(lambda a, b: f"{a}{NUL}{b}", st.text(CHARACTERS, max_size=8), any_text)
long_text = st.builds(
    lambda piece, count: piece * count,
    st.sampled_from(["a", "é", "😀", " ", NUL, "<b>", "\r\n", "‮"]),
    st.integers(min_value=151, max_value=12_000),
)


def valid_text(max_size: int) -> st.SearchStrategy[str]:
    """Text a form accepts: no NUL byte, not blank, within `max_size` once stripped."""
    return (
        st.text(st.characters(exclude_categories=["Cs"], exclude_characters=NUL), max_size=30)
        .map(lambda text: f"{text} x"[:max_size] if not text.strip() else text[:max_size])
        .filter(lambda text: text.strip())
    )


# Numbers, dates, ids ----------------------------------------------------------------------------

NUMBER_EDGES = [
    "0",
    "-0",
    "-1",
    "1.5",
    "1,5",
    "32767",
    "32768",
    "65536",
    "2147483648",
    "-2147483649",
    "9223372036854775808",
    "99999999999999999999999999999",
    "1e309",
    "-1e309",
    "1E5",
    "NaN",
    "Infinity",
    "-inf",
    "0x1F",
    "1_000",
    " 7 ",
    "١٢٣",
    "½",
    "9" * 5000,
]
numbers = st.one_of(
    st.sampled_from(NUMBER_EDGES),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
)

DATE_EDGES = [
    "31/02/2026",
    "2026-13-01",
    "2026-02-30",
    "2025-02-29",
    "29/02/2025",
    "2026-00-10",
    "0000-01-01",
    "0001-01-01",
    "1899-12-31",
    "9999-12-31",
    "10000-01-01",
    "-2026-01-01",
    "2026-1-1",
    "01/01/2026",
    "2026/01/01",
    "2026-01-01T00:00",
    "aujourd'hui",
]
dates = st.one_of(
    st.sampled_from(DATE_EDGES),
    st.dates().map(datetime.date.isoformat),
    st.dates().map(lambda day: day.strftime("%d/%m/%Y")),
)

ids = st.one_of(
    st.integers(min_value=-(2**63) - 1, max_value=2**64).map(str),
    st.sampled_from(
        ["0", "-1", "1.0", "1e3", "99999999999999999999999999", "None", "null", "²", "١٢"]
    ),
)

# Anything, in any field: the strategies above, or the key sent several times.
garbage = st.one_of(st.just(""), any_text, nul_text, long_text, numbers, dates, ids)
values = st.one_of(garbage, st.lists(garbage, min_size=2, max_size=4))


@st.composite
def mutated(draw, data: dict, *, fields=(), max_changes: int = 4) -> tuple[dict, list[str]]:
    """`data` with up to `max_changes` of its keys (or of `fields`) given random values or left
    out, and maybe a key nobody expects; also the keys changed."""
    data = dict(data)
    names = sorted({*data, *fields, "csrfmiddlewaretoken"})
    changed = draw(st.lists(st.sampled_from(names), max_size=max_changes, unique=True))
    for name in changed:
        if draw(st.integers(min_value=0, max_value=9)) == 0:
            data.pop(name, None)
        else:
            data[name] = draw(values)
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        data[draw(any_text)] = draw(values)
        changed.append("?")
    return data, changed


def management_forms(prefixes) -> st.SearchStrategy[dict]:
    """Absurd management forms for the formsets `prefixes`."""
    keys = [f"{p}-{k}" for p in prefixes for k in ("TOTAL_FORMS", "INITIAL_FORMS", "MAX_NUM_FORMS")]
    counts = st.one_of(
        st.sampled_from(["-1", "0", "1001", "2147483648", "9" * 30, "abc", "", NUL, "1.5"]),
        st.integers(min_value=0, max_value=3000).map(str),
    )
    return st.dictionaries(st.sampled_from(keys), counts, min_size=1, max_size=3)


# Every example on its own ----------------------------------------------------------------------


@contextlib.contextmanager
def example(client: Client) -> Iterator[dict[str, str]]:
    """Roll back whatever the example writes, and forget the messages it left in the client
    and the pages it left in the cache.

    Gives the database's fingerprint as the example starts (`database_state`): the same for
    every example of a test, so it is read once, by the first.
    """
    cache.clear()
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)
    try:
        with transaction.atomic():
            if not hasattr(client, "initial_state"):
                client.initial_state = database_state()
            yield client.initial_state
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies


def fuzz_client(user) -> Client:
    """A client signed in as `user`; a view's exception reaches the test with its traceback."""
    client = Client(raise_request_exception=True)
    client.force_login(user)
    return client


# What the database holds -----------------------------------------------------------------------

FUZZED_APPS = ("accounts", "conventions", "partners")


def database_state() -> dict[str, str]:
    """A fingerprint of every row of the project's tables (history and links included), in one
    query: equal fingerprints, same rows."""
    tables = sorted(
        {
            model._meta.db_table
            for app in FUZZED_APPS
            for model in apps.get_app_config(app).get_models(include_auto_created=True)
        }
    )
    quote = connection.ops.quote_name
    columns = ", ".join(
        f"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {quote(n)} t)"
        for n in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")
        return dict(zip(tables, cursor.fetchone(), strict=True))


def assert_unchanged(before: dict[str, str]) -> None:
    after = database_state()
    changed = [table for table in before if before[table] != after[table]]
    assert not changed, f"A refused submission wrote to {changed}"


# What the page says ----------------------------------------------------------------------------

# Django's own messages as they read when not translated.
ENGLISH = re.compile(
    r"This field|Enter a (valid|whole|number)|Select a valid|Ensure (this|that)|"
    r"Null characters|Please (submit|correct)|is not one of the available|already exists|"
    r"Upload a valid|The submitted (file|data)|No file was|ManagementForm data|"
    r"(is|are) required|must be (a|an|unique)|is invalid|cannot be null|could not be"
)
INVALID_VARIABLE = "INVALID_TEMPLATE_VARIABLE"


def form_errors(form: BaseForm) -> list[str]:
    messages = [message for errors in form.errors.values() for message in errors]
    nested = getattr(form, "commitments", None)
    return messages + (formset_errors(nested) if nested is not None else [])


def formset_errors(formset: BaseFormSet) -> list[str]:
    messages = list(formset.non_form_errors())
    for form in formset.forms:
        if not (formset.can_delete and formset._should_delete_form(form)):
            messages += form_errors(form)
    return messages


def page_context(response) -> dict:
    """The context the view rendered its template with (the first one rendered)."""
    context = response.context
    return (context[0] if isinstance(context, list) else context).flatten()


def page_errors(context: dict) -> list[str]:
    """Every error message of the forms and formsets the page was rendered with."""
    found, messages = set(), []
    values = list(context.values())
    for value in values:
        if id(value) in found:
            continue
        found.add(id(value))
        if isinstance(value, dict):
            values += value.values()
        elif isinstance(value, ConventionForms):
            messages += form_errors(value.form)
            for formset in value.formsets.values():
                messages += formset_errors(formset)
        elif isinstance(value, BaseFormSet) and value.is_bound:
            messages += formset_errors(value)
        elif isinstance(value, FilterSet) and value.is_bound:
            messages += form_errors(value.form)
        elif isinstance(value, BaseForm) and value.is_bound:
            messages += form_errors(value)
    return messages


def content_of(response) -> str:
    content = response.content.decode()
    assert INVALID_VARIABLE not in content
    assert not ENGLISH.search(content), ENGLISH.search(content)
    return content


def assert_shown_in_french(response, messages: list[str]) -> None:
    """Each message is on the page, and in French."""
    content = content_of(response)
    for message in messages:
        assert not ENGLISH.search(message), message
        assert escape(message) in content, f"Not shown: {message!r}"


# Forms on their own: many more values for the time a page takes --------------------------------


def as_submitted(data: dict) -> QueryDict:
    """`data` as a request carries it: a list is a key sent several times."""
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return query


def assert_storable(cleaned_data: dict) -> None:
    """What a form accepts, the database and the date arithmetic take: no NUL byte, no date
    outside the years a staff form accepts."""
    for name, value in cleaned_data.items():
        if isinstance(value, str):
            assert NUL not in value, name
        elif isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            assert FIRST_DATE <= value <= LAST_DATE, (name, value)


def check_form(form: BaseForm | BaseFormSet, save=None) -> bool:
    """Validate `form`: never a crash; refused, with messages in French; accepted, values that
    `save(form)` (in a savepoint rolled back) stores, or refuses with a ValidationError."""
    valid = form.is_valid()
    messages = formset_errors(form) if isinstance(form, BaseFormSet) else form_errors(form)
    for message in messages:
        assert not ENGLISH.search(message), message
    if not valid:
        event("refused")
        assert messages, "Refused without a word."
        return False
    event("accepted")
    for cleaned_data in form.cleaned_data if isinstance(form, BaseFormSet) else [form.cleaned_data]:
        assert_storable(cleaned_data)
    if save is not None:
        with transaction.atomic():
            try:
                save(form)
            except ValidationError as error:
                for message in error.messages:
                    assert not ENGLISH.search(message), message
            transaction.set_rollback(True)
    return True


def assert_refused(response, before: dict[str, str], *, status: int = 200) -> list[str]:
    """The form is shown again with its errors, in French, and nothing was written."""
    event("refused")
    assert response.status_code == status, response.status_code
    context = page_context(response)
    messages = page_errors(context) + list(context.get("errors") or [])
    messages = [getattr(m, "message", m) for m in messages]
    assert messages, "The submission was refused without a word."
    assert_shown_in_french(response, messages)
    assert_unchanged(before)
    return messages
