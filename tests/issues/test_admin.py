"""The category admin says which categories no active special group takes."""

import pytest
from django.urls import reverse

from issues.models import Category, SpecialGroup

pytestmark = pytest.mark.django_db


def test_the_category_list_warns_of_categories_without_an_active_group(client, people, regions):
    land = Category.objects.get(code="land")
    group = SpecialGroup.objects.create(name="要素保障专班", region=regions.city)
    group.categories.add(land)
    dormant = SpecialGroup.objects.create(name="停用专班", region=regions.city, is_active=False)
    others = Category.objects.exclude(pk=land.pk)
    dormant.categories.add(*others)
    client.force_login(people.superuser)
    response = client.get(reverse("admin:issues_category_changelist"))
    assert response.status_code == 200
    rows = {c.pk: c._has_active_group for c in response.context["cl"].result_list}
    assert rows[land.pk] is True
    assert not any(rows[c.pk] for c in others)
    warnings = [str(m) for m in response.context["messages"]]
    assert len(warnings) == 1
    assert land.name not in warnings[0]
    assert all(c.name in warnings[0] for c in others[:20])

    group.categories.add(*others)
    response = client.get(reverse("admin:issues_category_changelist"))
    assert not list(response.context["messages"])


def test_supervision_notices_are_neither_made_nor_deleted_in_the_admin(rf, people):
    from django.contrib import admin

    from issues.models import SupervisionNotice

    model_admin = admin.site._registry[SupervisionNotice]
    request = rf.get("/admin/")
    request.user = people.superuser
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
