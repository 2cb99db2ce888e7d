"""The demo data as an admin sees it: every demo record opens in the admin.

Marked `embedded`: `make test` also runs it on a fresh SQLite database, so the default set-up of
`make run` (SQLite + demo data + admin) cannot rot unnoticed.
"""

import pytest
from django.contrib import admin
from django.urls import reverse

from conventions.demo import load_demo_data
from conventions.models import Convention

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def test_every_demo_record_opens_in_the_admin(admin_client):
    load_demo_data()
    opened = 0
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = admin_client.get(changelist)
        assert response.status_code == 200, changelist
        for obj in model_admin.get_queryset(None).all()[:25]:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            response = admin_client.get(url)
            assert response.status_code == 200, url
            assert b"INVALID_TEMPLATE_VARIABLE" not in response.content, url
            opened += 1
    assert opened > 100  # partners, conventions and all their rows


def test_demo_conventions_show_their_derived_status_in_the_admin(admin_client):
    load_demo_data()
    response = admin_client.get(reverse("admin:conventions_convention_changelist"))
    content = response.content.decode()
    for convention in Convention.objects.all():
        assert convention.reference in content
    # The 2010 agreement ended in 2014; the Académie de police convention has no end date.
    for label in ("Échue", "En vigueur"):
        assert label in content
