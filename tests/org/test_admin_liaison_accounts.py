"""A county administrator manages the accounts of its enterprises' liaison persons: those
accounts have no region, their enterprise places them (enterprises.permissions.liaison_accounts_q).
An account with a region is placed by its region: being named liaison person of a county's
enterprise must not hand it to that county's administrator (who could then reset its password,
move it into its county, or give it its roles)."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories import EnterpriseFactory, LiaisonPersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _not_found(response) -> bool:
    return response.status_code == 404 or (
        response.status_code == 302 and response.url == reverse("admin:index")
    )


def test_a_regional_account_is_not_placed_by_an_enterprise(client, regions):
    county_admin = UserFactory(
        username="east-admin", roles=["admin"], region=regions.east, is_staff=True
    )
    county_admin.user_permissions.add(*Permission.objects.all())
    enterprise = EnterpriseFactory(name="潍城机械", region=regions.east_town)
    west_official = UserFactory(
        username="west-office", roles=["liaison_office"], region=regions.west
    )
    enterprise_account = UserFactory(username="ent-account", roles=["enterprise"])
    LiaisonPersonFactory(enterprise=enterprise, user=west_official, slot=1)
    LiaisonPersonFactory(enterprise=enterprise, user=enterprise_account, slot=2)
    client.force_login(county_admin)
    listed = {u.pk for u in client.get(reverse("admin:org_user_changelist")).context["cl"].queryset}
    assert enterprise_account.pk in listed  # the enterprise places it
    assert west_official.pk not in listed  # its region does
    assert _not_found(client.get(reverse("admin:org_user_change", args=[west_official.pk])))
    response = client.post(
        reverse("admin:auth_user_password_change", args=[west_official.pk]),
        {"password1": "Another-horse-43", "password2": "Another-horse-43"},
    )
    assert _not_found(response)
    west_official.refresh_from_db()
    assert not west_official.check_password("Another-horse-43")
