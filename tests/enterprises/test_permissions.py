"""The permission matrix of the registry: every role against every enterprise page, export and
API endpoint. Outside the scope is a 404, never a 403 that confirms the record exists."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db

EAST = "潍城机械有限公司"
WEST = "青州食品有限公司"

# role fixture name -> the enterprises it may see
MATRIX = {
    "superuser": {EAST, WEST},
    "admin": {EAST, WEST},
    "office": {EAST, WEST},
    "east_office": {EAST},
    "cadre": {EAST},
    "department": {EAST, WEST},
    "special_group": {EAST, WEST},
    "leader": {EAST, WEST},
    "point": {EAST, WEST},
    "east_enterprise": {EAST},
    "west_enterprise": {WEST},
    "no_role": set(),
}
CAN_IMPORT = {"superuser", "admin", "office", "east_office"}


@pytest.mark.parametrize("role", sorted(MATRIX))
def test_list_detail_export_and_api_agree_on_the_scope(client, people, companies, role):
    client.force_login(getattr(people, role))
    expected = MATRIX[role]

    listed = {e.name for e in client.get(reverse("enterprises:list")).context["page"].object_list}
    assert listed == expected

    for company in (companies.east, companies.west):
        response = client.get(reverse("enterprises:detail", args=[company.pk]))
        assert response.status_code == (200 if company.name in expected else 404)

    sheet = load_workbook(io.BytesIO(client.get(reverse("enterprises:export")).content)).active
    exported = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert exported == expected

    api = client.get("/api/v1/enterprises/").json()
    assert {row["name"] for row in api["results"]} == expected
    for company in (companies.east, companies.west):
        response = client.get(f"/api/v1/enterprises/{company.pk}/")
        assert response.status_code == (200 if company.name in expected else 404)


@pytest.mark.parametrize("role", sorted(MATRIX))
def test_only_registry_editors_may_import(client, people, role):
    client.force_login(getattr(people, role))
    for url in (reverse("enterprises:import"), reverse("enterprises:import-template")):
        assert client.get(url).status_code == (200 if role in CAN_IMPORT else 403)


def test_guessing_ids_reveals_nothing(client, people, companies):
    client.force_login(people.east_enterprise)
    for pk in range(max(1, companies.west.pk - 5), companies.west.pk + 50):
        if pk == companies.east.pk:
            continue
        response = client.get(reverse("enterprises:detail", args=[pk]))
        assert response.status_code == 404
        assert WEST not in response.content.decode()


def test_anonymous_api_is_refused(client, companies):
    assert client.get("/api/v1/enterprises/").status_code == 403
