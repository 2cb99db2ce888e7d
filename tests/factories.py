import datetime

import factory
from django.contrib.auth import get_user_model

from accounts.roles import sync_roles
from conventions.enums import ConventionKind, Scope
from conventions.models import Amendment, Axis, Commitment, Convention, Party, Signatory
from partners.enums import PartnerKind
from partners.models import Partner


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"agent{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("motdepasse-de-test")


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Organisation partenaire {n}")
    acronym = factory.Sequence(lambda n: f"OP{n}")
    kind = PartnerKind.ASSOCIATION


class ConventionFactory(factory.django.DjangoModelFactory):
    """A signed national convention of three years, in force from 1 January 2024."""

    class Meta:
        model = Convention
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Convention de partenariat n° {n}")
    kind = ConventionKind.PARTNERSHIP
    scope = Scope.NATIONAL
    signed_on = datetime.date(2024, 1, 1)
    duration_months = 36
    notice_months = 2

    @factory.post_generation
    def parties(self, create, extracted, **kwargs):
        if not create:
            return
        partners = extracted if extracted is not None else [PartnerFactory(), PartnerFactory()]
        for position, partner in enumerate(partners, start=1):
            Party.objects.create(convention=self, partner=partner, position=position)


class AxisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Axis

    convention = factory.SubFactory(ConventionFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Axe de coopération {n}")


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    axis = factory.SubFactory(AxisFactory)
    convention = factory.SelfAttribute("axis.convention")
    text = factory.Sequence(lambda n: f"Action commune numéro {n}")


class SignatoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signatory

    convention = factory.SubFactory(ConventionFactory)
    partner = factory.LazyAttribute(lambda s: s.convention.parties.first().partner)
    name = factory.Sequence(lambda n: f"Signataire {n}")
    title = "Président"


class AmendmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Amendment

    convention = factory.SubFactory(ConventionFactory)
    signed_on = datetime.date(2025, 1, 1)
    summary = "Modification des modalités de suivi"


# Factories for the admin tests: one per model the admin registers. -----------------------------


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "partners.Territory"

    name = factory.Sequence(lambda n: f"Territoire {n}")
    kind = "region"


class KeyFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "partners.KeyFigure"

    partner = factory.SubFactory(PartnerFactory)
    label = "adhérents"
    value = 34000
    is_minimum = True


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "partners.Contact"

    partner = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.LazyAttribute(lambda c: f"contact{c.partner.pk}@example.org")


class AudienceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "conventions.Audience"

    name = factory.Sequence(lambda n: f"Public {n}")


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "conventions.Theme"

    name = factory.Sequence(lambda n: f"Thématique {n}")


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    convention = factory.SubFactory(ConventionFactory)
    partner = factory.SubFactory(PartnerFactory)
    position = 3


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "conventions.Target"

    convention = factory.SubFactory(ConventionFactory)
    label = "jeunes suivis"
    value = 150000
    year = 2025


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "conventions.Review"

    convention = factory.SubFactory(ConventionFactory)
    held_on = datetime.date(2025, 1, 15)
    kind = "steering_committee"
    summary = "Point d'étape sur les actions engagées"


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "conventions.Attachment"

    convention = factory.SubFactory(ConventionFactory)
    title = "Convention signée"
    kind = "signed_copy"
    file = factory.django.FileField(filename="convention-signee.pdf", data=b"%PDF-1.4\n")


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "conventions.Statement"

    convention = factory.SubFactory(ConventionFactory)
    person = factory.Sequence(lambda n: f"Personne {n}")
    role = "Présidente"
    text = "Ce partenariat ouvre de nouvelles perspectives aux jeunes."


# Factories for the dashboard, list and export tests. ------------------------------------------


class RoleUserFactory(UserFactory):
    """A staff member holding one role of accounts/roles.py: RoleUserFactory(role=READER)."""

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(sync_roles()[extracted])


def role_user(username: str, role: str):
    """A staff member named after `username`, holding one role of accounts/roles.py."""
    user = UserFactory(username=username, first_name="Élise", last_name=username.title())
    user.groups.add(sync_roles()[role])
    return get_user_model().objects.get(pk=user.pk)  # fresh permission cache
