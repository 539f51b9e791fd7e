"""The admin changes an existing link through the rule book, like every other path."""

import pytest
from django.urls import reverse

from assignments.models import AssignmentMode
from assignments.services import assignment_create

pytestmark = pytest.mark.django_db

MANY = AssignmentMode.MANY_TO_ONE


def test_the_admin_cannot_make_a_second_primary_contact(client, people, cadres, firms):
    firm = firms.east[0]
    assignment_create(actor=people.office, cadre=cadres.chief, enterprise=firm, mode=MANY)
    second = assignment_create(
        actor=people.office, cadre=cadres.chief2, enterprise=firm, mode=MANY, is_primary=False
    )
    client.force_login(people.superuser)
    url = reverse("admin:assignments_assignment_change", args=[second.pk])
    response = client.post(url, {"is_primary": "on", "note": "改为主联系人"})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert cadres.chief.name in str(errors["is_primary"])
    second.refresh_from_db()
    assert second.is_primary is False and second.note == ""
    # A note alone is a change the rules allow.
    response = client.post(url, {"note": "每月走访"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.note == "每月走访" and second.is_primary is False
    assert second.history.latest("history_date").history_user == people.superuser


def test_the_admin_cannot_change_the_primary_contact_of_an_ended_link(
    client, people, cadres, firms
):
    from assignments.services import assignment_end

    link = assignment_create(
        actor=people.office, cadre=cadres.chief, enterprise=firms.east[0], is_primary=False
    )
    assignment_end(actor=people.office, assignment=link)
    client.force_login(people.superuser)
    url = reverse("admin:assignments_assignment_change", args=[link.pk])
    response = client.post(url, {"is_primary": "on"})
    assert response.status_code == 200
    assert "is_primary" in response.context["adminform"].form.errors
    link.refresh_from_db()
    assert link.is_primary is False
