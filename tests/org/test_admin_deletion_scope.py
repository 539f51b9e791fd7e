"""The admin's delete confirmation names nothing outside the user's area, and deletes nothing there.

Django's confirmation page (and the bulk "delete selected" action's) lists every object the
deletion would take along or that protects the object, each by its name, whoever may see it.
Objects of the county link to objects of other counties (a county department leads a ticket of
another county's enterprise, a county cadre serves an enterprise of another county, another
county's bot posts for a county department): a county administrator opening the delete page of
its own object must not read those names, nor delete what lies outside its area.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories import DepartmentFactory, EnterpriseFactory, UserFactory

from .admin_cases import World

pytestmark = pytest.mark.django_db

FOREIGN = "青州外县"  # every name of the other county's objects carries it


def _links(world, regions):
    """(own object whose deletion reaches across, the foreign object it reaches) per kind of
    cross-county link."""
    from assignments.models import Assignment
    from issues.models import Category, Source, Ticket
    from notifications.models import Webhook

    foreign_enterprise = EnterpriseFactory(name=f"{FOREIGN}企业", region=regions.west)
    department = world.get("org.Department", "in")
    ticket = Ticket.objects.create(
        number="T-W-00001",
        enterprise=foreign_enterprise,
        source=Source.ENTERPRISE,
        category=Category.objects.get(code="land"),
        title=f"{FOREIGN}用地",
        description="指标",
        lead_department=department,
    )
    cadre = world.get("org.Cadre", "in")
    link = Assignment.objects.create(
        cadre=cadre,
        enterprise=foreign_enterprise,
        start_date=datetime.date(2026, 1, 5),
        term_end=datetime.date(2029, 1, 5),
    )
    bot_department = DepartmentFactory(name="城关局", region=regions.east_town)
    bot = Webhook.objects.create(
        name=f"{FOREIGN}群机器人",
        kind=Webhook.Kind.WECOM,
        url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=y",
        region=regions.west,
        department=bot_department,
    )
    return [(department, ticket), (cadre, link), (bot_department, bot)]


@pytest.fixture
def county_admin(regions):
    user = UserFactory(username="east-admin", roles=["admin"], region=regions.east, is_staff=True)
    user.user_permissions.add(*Permission.objects.all())
    return user


def _changelist(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")


def _delete(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])


def test_the_delete_pages_name_nothing_of_another_county(client, regions, county_admin):
    links = _links(World(regions), regions)
    client.force_login(county_admin)
    for own, foreign in links:
        label = own._meta.label
        for response in (
            client.get(_delete(own)),
            client.post(
                _changelist(own), {"action": "delete_selected", "_selected_action": [own.pk]}
            ),
        ):
            assert response.status_code == 200, label
            body = response.content.decode()
            assert FOREIGN not in body, f"{label}: the delete page names {foreign._meta.label}"
            # Nor links to it (its id in the admin's URL would confirm it).
            opts = foreign._meta
            foreign_url = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_change", args=[foreign.pk]
            )
            assert foreign_url not in body, label


def test_a_deletion_reaching_into_another_county_is_refused(client, regions, county_admin):
    links = _links(World(regions), regions)
    client.force_login(county_admin)
    for own, foreign in links:
        label = own._meta.label
        client.post(_delete(own), {"post": "yes"})
        client.post(
            _changelist(own),
            {"action": "delete_selected", "_selected_action": [own.pk], "post": "yes"},
        )
        assert type(own).objects.filter(pk=own.pk).exists(), label
        assert type(foreign).objects.filter(pk=foreign.pk).exists(), (
            f"{label}: deleting it deleted another county's {foreign._meta.label}"
        )


def test_a_deletion_within_the_county_still_works(client, regions, county_admin):
    from notifications.models import Webhook

    world = World(regions)
    department = world.get("org.Department", "in")
    own_bot = Webhook.objects.create(
        name="城关群机器人",
        kind=Webhook.Kind.WECOM,
        url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=z",
        region=regions.east_town,
        department=department,
    )
    client.force_login(county_admin)
    page = client.get(_delete(department))
    assert page.status_code == 200
    # The county's own objects are still named (and linked) on the page.
    assert "城关群机器人" in page.content.decode()
    assert not page.context["perms_lacking"] and not page.context["protected"]
    response = client.post(_delete(department), {"post": "yes"})
    assert response.status_code == 302
    assert not type(department).objects.filter(pk=department.pk).exists()
    assert not Webhook.objects.filter(pk=own_bot.pk).exists()


def test_every_scoped_admin_uses_the_scoped_deletion_listing():
    """The listing is the mixin's; an admin that overrides it must keep the scope."""
    from org.admin_scoping import ScopedAdminMixin

    for model, model_admin in admin.site._registry.items():
        method = type(model_admin).get_deleted_objects
        assert method is ScopedAdminMixin.get_deleted_objects, model._meta.label
