"""The sharing panel's user search names the accounts of the searcher's area: only those who may
grant (the office shares, a leader delegates) search at all."""

import pytest
from django.urls import reverse

from org.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
GRANTING_ROLES = {Role.LIAISON_OFFICE, Role.ADMIN, Role.LEADER}


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_only_who_may_grant_finds_the_areas_accounts(client, regions, role):
    UserFactory(username="colleague", full_name="张同事", region=regions.east_town)
    searcher = UserFactory(username=f"searcher-{role}", roles=[role], region=regions.east)
    client.force_login(searcher)
    response = client.get(reverse("issues:search-grantees"), {"grantee_q": "同事"})
    found = "张同事" in response.content.decode()
    assert found is (role in GRANTING_ROLES), role
    # An empty search lists the area to who may grant, and to nobody else.
    listed = "colleague" in client.get(reverse("issues:search-grantees")).content.decode()
    assert listed is (role in GRANTING_ROLES), role
