"""Signing in and staying signed in: lockout after repeated failures, sessions that end when
idle, a new session key at each sign-in, a logout that deletes the session, password rules."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import LAST_ACTIVITY_KEY
from accounts.roles import ADMINISTRATOR, READER
from tests.factories import role_user

pytestmark = pytest.mark.django_db

PASSWORD = "motdepasse-de-test"  # tests/factories.py
LOGIN = "/compte/connexion/"
LOCKED_TITLE = "Connexion temporairement bloquée"
WRONG = "Identifiant ou mot de passe incorrect"
# Django's French translation: no-break spaces inside the quotes, a typographic apostrophe.
SIMILAR_TO_USERNAME = (
    "Le mot de passe est trop semblable au champ «\u00a0nom d\u2019utilisateur\u00a0»."
)


@pytest.fixture(autouse=True)
def _security_settings(settings):
    # The documented defaults, whatever the local environment sets.
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
    settings.SESSION_IDLE_TIMEOUT = datetime.timedelta(hours=2)
    settings.SESSION_ACTIVITY_WRITE_INTERVAL = datetime.timedelta(minutes=5)


@pytest.fixture
def lea(db):
    return role_user("lea.lecture", READER)


def sign_in(client, password, username="lea.lecture", url=LOGIN, **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


def fail(client, times, **extra):
    return [sign_in(client, "pas-le-bon", **extra).status_code for _ in range(times)]


def is_signed_in(client) -> bool:
    return SESSION_KEY in client.session


def move_failures_back(minutes, seconds=0):
    delta = datetime.timedelta(minutes=minutes, seconds=seconds)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - delta)


# Lockout after repeated failures (django-axes) ------------------------------------------------


def test_sixth_attempt_is_refused_even_with_the_right_password(client, lea):
    failures = [sign_in(client, "pas-le-bon") for _ in range(5)]
    assert WRONG in failures[0].content.decode()
    assert [r.status_code for r in failures] == [200] * 4 + [429]
    response = sign_in(client, PASSWORD)
    assert response.status_code == 429
    assert LOCKED_TITLE in response.content.decode()
    assert not is_signed_in(client)


def test_fifth_failure_locks_with_a_calm_french_page(client, lea):
    assert fail(client, 4) == [200] * 4
    response = sign_in(client, "pas-le-bon")
    assert response.status_code == 429
    content = response.content.decode()
    assert LOCKED_TITLE in content
    assert "refusé 5 fois de suite pour l'identifiant « lea.lecture »" in content
    assert "ce compte est verrouillé pendant 15 minutes" in content
    unlock = timezone.localtime(AccessAttempt.objects.get().attempt_time)
    unlock += datetime.timedelta(minutes=15)
    assert f"Vous pourrez vous connecter à nouveau à partir de {unlock:%H:%M}." in content
    assert 'href="/compte/connexion/"' in content
    for leak in ("Traceback", "Account locked", "AxesBackend"):
        assert leak not in content


def test_right_password_works_again_after_the_cool_off(client, lea):
    fail(client, 5)
    move_failures_back(minutes=14)
    response = sign_in(client, PASSWORD)
    assert response.status_code == 429
    assert "verrouillé pendant 1 minute " in response.content.decode()

    move_failures_back(minutes=1, seconds=1)
    response = sign_in(client, PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("conventions:dashboard")
    assert is_signed_in(client)


def test_a_try_during_the_lockout_does_not_extend_it(client, lea):
    fail(client, 5)
    move_failures_back(minutes=10)
    assert sign_in(client, "pas-le-bon").status_code == 429
    move_failures_back(minutes=5, seconds=1)
    assert sign_in(client, PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_the_failures(client, lea):
    fail(client, 4)
    assert sign_in(client, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.exists()
    client.post(reverse("logout"))
    assert fail(client, 4) == [200] * 4
    assert sign_in(client, PASSWORD).status_code == 302


def test_an_attacker_elsewhere_cannot_lock_a_colleague_out(client, lea):
    assert fail(client, 5, REMOTE_ADDR="203.0.113.66")[-1] == 429
    # From another address, the same username signs in.
    response = sign_in(Client(), PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(client, lea):
    # Outside production the address is the connection's own, whatever the headers say.
    codes = [
        sign_in(client, "pas-le-bon", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code
        for n in range(5)
    ]
    assert codes[-1] == 429
    response = sign_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert response.status_code == 429


def test_admin_sign_in_is_locked_out_too(client, admin_user):
    url = reverse("admin:login")
    codes = [sign_in(client, "faux", username=admin_user.username, url=url) for _ in range(5)]
    assert [r.status_code for r in codes] == [200] * 4 + [429]
    response = sign_in(client, PASSWORD, username=admin_user.username, url=url)
    assert response.status_code == 429
    assert LOCKED_TITLE in response.content.decode()
    assert not is_signed_in(client)


def test_an_administrator_lifts_a_lockout_from_the_admin(client, lea):
    fail(client, 5)
    administrator = role_user("alice.admin", ADMINISTRATOR)
    administrator.is_staff = True
    administrator.save()
    admin = Client()
    admin.force_login(administrator)
    changelist = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200
    assert "lea.lecture" in changelist.content.decode()

    attempt = AccessAttempt.objects.get()
    delete_url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert admin.post(delete_url, {"post": "yes"}).status_code == 302
    assert sign_in(client, PASSWORD).status_code == 302


# Session keys and logout ------------------------------------------------------------------------


def test_signing_in_gives_a_new_session_key(client, lea):
    before = client.session.session_key  # an anonymous session, as a visitor may have
    assert sign_in(client, PASSWORD).status_code == 302
    after = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not SessionStore().exists(before)
    assert SessionStore(after).get(SESSION_KEY) == str(lea.pk)


def test_logout_is_a_post_that_deletes_the_session(client, lea):
    client.force_login(lea)
    key = client.session.session_key
    assert client.get(reverse("logout")).status_code == 405  # a link or an image cannot sign out
    assert SessionStore().exists(key)

    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert not SessionStore().exists(key)

    replayed = Client()
    replayed.cookies[django_settings.SESSION_COOKIE_NAME] = key
    response = replayed.get(reverse("conventions:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_the_logout_button_posts_a_form(client, lea):
    client.force_login(lea)
    content = client.get(reverse("conventions:dashboard")).content.decode()
    form_start = content.index(f'<form method="post" action="{reverse("logout")}">')
    form = content[form_start : content.index("</form>", form_start)]
    assert 'name="csrfmiddlewaretoken"' in form
    assert "Se déconnecter" in form


# Sessions end after two hours without activity ------------------------------------------------


def set_last_activity(client, ago: datetime.timedelta) -> str:
    session = client.session
    session[LAST_ACTIVITY_KEY] = int((timezone.now() - ago).timestamp())
    session.save()
    return session.session_key


def test_an_idle_session_is_sent_to_the_login_page(client, lea):
    client.force_login(lea)
    key = set_last_activity(client, datetime.timedelta(hours=2, seconds=1))
    response = client.get(reverse("conventions:convention_list"))
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next=/conventions/"
    assert not SessionStore().exists(key)

    page = client.get(response.url)
    assert "Votre session a pris fin après 2 heures sans activité" in page.content.decode()


def test_an_active_session_stays_signed_in(client, lea):
    client.force_login(lea)
    set_last_activity(client, datetime.timedelta(hours=1, minutes=59))
    response = client.get(reverse("conventions:convention_list"))
    assert response.status_code == 200
    # The visit counts as activity: two hours later, still signed in.
    last = client.session[LAST_ACTIVITY_KEY]
    assert abs(last - timezone.now().timestamp()) < 60


def session_writes(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [
        q["sql"]
        for q in queries
        if "django_session" in q["sql"] and q["sql"].startswith(("UPDATE", "INSERT"))
    ]


def test_activity_is_written_once_every_few_minutes_not_on_every_request(client, lea):
    client.force_login(lea)
    url = reverse("conventions:convention_list")
    set_last_activity(client, datetime.timedelta(minutes=4))
    assert session_writes(client, url) == []
    assert session_writes(client, url) == []

    set_last_activity(client, datetime.timedelta(minutes=5, seconds=1))
    assert len(session_writes(client, url)) == 1
    assert session_writes(client, url) == []


# Password rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("motdepasse", "Ce mot de passe est trop courant."),
        ("12345678", "Ce mot de passe est entièrement numérique."),
        ("claire.dupont", SIMILAR_TO_USERNAME),
        ("Cl4ire", "Ce mot de passe est trop court. Il doit contenir au minimum 8 caractères."),
    ],
)
def test_a_weak_password_is_refused_in_french_when_creating_an_account(
    admin_client, password, message
):
    response = admin_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "claire.dupont",
            "usable_password": "true",
            "password1": password,
            "password2": password,
        },
    )
    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors["password2"]
    assert message in response.content.decode().replace("&#x27;", "'")


def test_a_weak_password_is_refused_in_french_when_an_administrator_changes_it(admin_client, lea):
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[lea.pk]),
        {"usable_password": "true", "password1": "lea.lecture1", "password2": "lea.lecture1"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["password2"]
    assert SIMILAR_TO_USERNAME in errors
    lea.refresh_from_db()
    assert lea.check_password(PASSWORD)
