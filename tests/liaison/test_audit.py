import pytest
from django.urls import reverse

from enterprises.models import Enterprise

pytestmark = pytest.mark.django_db


def test_an_admin_change_is_recorded_with_who_and_what(client, people, companies):
    client.force_login(people.superuser)
    url = reverse("admin:enterprises_enterprise_change", args=[companies.east.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "name": "潍城机械集团有限公司",
            "region": companies.east.region_id,
            "tags": [],
            "liaison_persons-TOTAL_FORMS": "0",
            "liaison_persons-INITIAL_FORMS": "0",
        }
    )
    # Keep the existing liaison person untouched: post it back as the initial form.
    person = companies.east.liaison_persons.get()
    data.update(
        {
            "liaison_persons-TOTAL_FORMS": "1",
            "liaison_persons-INITIAL_FORMS": "1",
            "liaison_persons-0-id": person.pk,
            "liaison_persons-0-enterprise": companies.east.pk,
            "liaison_persons-0-slot": 1,
            "liaison_persons-0-name": person.name,
            "liaison_persons-0-phone": person.phone,
            "liaison_persons-0-is_active": "on",
        }
    )
    data["is_active"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = Enterprise.history.filter(id=companies.east.pk).latest("history_date")
    assert latest.history_user == people.superuser
    assert latest.name == "潍城机械集团有限公司"
    delta = latest.diff_against(latest.prev_record) if latest.prev_record else None
    assert delta is None or "name" in delta.changed_fields


def test_history_cannot_be_reverted_from_the_admin(client, people, companies):
    from django.conf import settings

    assert settings.SIMPLE_HISTORY_REVERT_DISABLED is True
    companies.east.name = "改名"
    companies.east.save()
    record = companies.east.history.earliest("history_date")
    client.force_login(people.superuser)
    url = reverse(
        "admin:enterprises_enterprise_simple_history",
        args=[companies.east.pk, record.history_id],
    )
    client.post(url, {"name": "潍城机械有限公司"})
    companies.east.refresh_from_db()
    assert companies.east.name == "改名"


def test_the_database_refuses_a_third_active_liaison_person(companies):
    from django.db import IntegrityError, transaction

    from tests.factories import LiaisonPersonFactory

    LiaisonPersonFactory(enterprise=companies.east, slot=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        LiaisonPersonFactory(enterprise=companies.east, slot=2)


def test_the_database_refuses_a_restriction_without_reason(companies):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Enterprise.objects.filter(pk=companies.east.pk).update(integrity_restricted=True)


def test_the_admin_lists_only_the_staff_members_area(client, people, companies, regions):
    east_admin = people.east_office
    east_admin.is_staff = True
    east_admin.save()
    from django.contrib.auth.models import Permission

    east_admin.user_permissions.add(*Permission.objects.filter(codename__in=["view_enterprise"]))
    client.force_login(east_admin)
    response = client.get(reverse("admin:enterprises_enterprise_changelist"))
    assert response.status_code == 200
    shown = {e.name for e in response.context["cl"].result_list}
    assert shown == {companies.east.name}
    url = reverse("admin:enterprises_enterprise_change", args=[companies.west.pk])
    # Django answers a record outside the queryset like a missing one: back to the list.
    assert client.get(url).status_code == 302
