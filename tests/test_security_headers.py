"""Every page tells the browser what it may load and how it may be embedded or linked from."""

import pytest
from django.urls import reverse

from tests.test_access import PAGES

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    directives = (d.split() for d in response["Content-Security-Policy"].split(";"))
    return {name: sources for name, *sources in directives}


# Uploaded files are served with a stricter policy of their own (conventions/uploads.py): even
# opened on their own, they may load and run nothing.
UPLOADED_FILES = {"conventions:attachment_download", "partners:partner_logo"}


def assert_headers(response):
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def assert_protected(response):
    assert_headers(response)
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]  # no inline script, no eval
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert not any("'unsafe-inline'" in sources for sources in directives.values())


@pytest.mark.parametrize(("name", "kwargs", "need"), PAGES, ids=[p[0] for p in PAGES])
def test_every_staff_page_carries_the_security_headers(
    editor_client, convention, name, kwargs, need
):
    response = editor_client.get(reverse(name, kwargs=kwargs(convention)))

    assert response.status_code == 200
    if name in UPLOADED_FILES:
        assert_headers(response)
        assert policy(response) == {"default-src": ["'none'"], "sandbox": []}
    else:
        assert_protected(response)


def test_sign_in_page_carries_the_security_headers(client):
    assert_protected(client.get(reverse("login")))


def test_admin_pages_carry_the_security_headers(admin_client, convention):
    for url in [
        reverse("admin:index"),
        reverse("admin:conventions_convention_change", args=[convention.pk]),
        reverse("admin:conventions_convention_history", args=[convention.pk]),
    ]:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert_protected(response)


def test_only_the_admin_history_paginator_style_is_allowed_inline(admin_client, convention):
    """django-simple-history's history list writes one style attribute: only it is allowed."""
    url = reverse("admin:conventions_convention_history", args=[convention.pk])
    response = admin_client.get(url)

    assert 'class="paginator" style="border-top: 0"' in response.content.decode()
    assert policy(response)["style-src-attr"] == [
        "'unsafe-hashes'",
        "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='",  # of "border-top: 0"
    ]
