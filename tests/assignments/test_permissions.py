"""Every role against every assignment view, export and API endpoint."""

import pytest
from django.urls import reverse

from assignments.services import assignment_create

pytestmark = pytest.mark.django_db

MANAGERS = {"superuser", "admin", "office", "east_office"}
WATCHERS = MANAGERS | {"leader"}
ROLES = [
    "superuser",
    "admin",
    "office",
    "east_office",
    "cadre",
    "department",
    "special_group",
    "leader",
    "point",
    "east_enterprise",
    "no_role",
]

PAGES = {
    "assignments:list": WATCHERS,
    "assignments:export": WATCHERS,
    "assignments:coverage": WATCHERS,
    "assignments:uncovered": WATCHERS,
    "assignments:create": MANAGERS,
    "assignments:import": MANAGERS,
    "assignments:import-template": MANAGERS,
    "assignments:search-cadres": MANAGERS,
    "assignments:search-enterprises": MANAGERS,
    "assignments:search-projects": MANAGERS,
    "assignments:mine": {"cadre"},
}


@pytest.fixture
def links(people, cadres, firms, regions):
    # The people.cadre account is a cadre too: give it a Cadre row with a link.
    from org.models import Rank
    from tests.factories import CadreFactory

    own = CadreFactory(
        user=people.cadre, name="本人", rank=Rank.objects.get(code="ting"), region=regions.east
    )
    return {
        "east": assignment_create(
            actor=people.office, cadre=cadres.deputy, enterprise=firms.east[0]
        ),
        "west": assignment_create(actor=people.office, cadre=cadres.west, enterprise=firms.west[0]),
        "own": assignment_create(actor=people.office, cadre=own, enterprise=firms.east[1]),
    }


# What each role sees in the list and the API.
VISIBLE = {
    "superuser": {"east", "west", "own"},
    "admin": {"east", "west", "own"},
    "office": {"east", "west", "own"},
    "leader": {"east", "west", "own"},
    "east_office": {"east", "own"},
    "cadre": {"own"},
    "department": set(),
    "special_group": set(),
    "point": set(),
    "east_enterprise": set(),
    "no_role": set(),
}


@pytest.mark.parametrize("role", ROLES)
def test_pages(client, people, links, role):
    client.force_login(getattr(people, role))
    for name, allowed in PAGES.items():
        response = client.get(reverse(name))
        assert response.status_code == (200 if role in allowed else 403), (name, role)


@pytest.mark.parametrize("role", ROLES)
def test_lists_exports_and_api_show_the_same_links(client, people, links, role):
    client.force_login(getattr(people, role))
    expected = {links[k].pk for k in VISIBLE[role]}
    api = client.get("/api/v1/assignments/").json()["results"]
    assert {row["id"] for row in api} == expected
    for key, link in links.items():
        response = client.get(f"/api/v1/assignments/{link.pk}/")
        assert response.status_code == (200 if key in VISIBLE[role] else 404)
    if role in WATCHERS:
        listed = {a.pk for a in client.get(reverse("assignments:list")).context["page"].object_list}
        assert listed == expected


@pytest.mark.parametrize("role", ROLES)
def test_ending_a_link(client, people, links, role):
    client.force_login(getattr(people, role))
    for key, link in links.items():
        response = client.get(reverse("assignments:end", args=[link.pk]))
        if role in MANAGERS and key in VISIBLE[role]:
            assert response.status_code == 200
        elif key in VISIBLE[role]:
            assert response.status_code == 403
        else:
            assert response.status_code == 404  # never confirms a link outside the area
