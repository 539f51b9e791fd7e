"""Values of a form that the user may not pick are kept, never silently dropped.

The admin offers in every relation only what the user's scope holds (org.admin_scoping). An
object of the county may already hold values outside it: a city official sits in a county's
special group. The browser posts back only what it was offered, so without care a county
administrator who renames the group would remove the city official from it without seeing it.
Walks every many-to-many field of every admin form.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import IntegrityError, models, transaction
from django.urls import reverse

from tests.factories import UserFactory

from .admin_cases import CASES, SCOPED, World
from .test_admin_scoping import post_data

pytestmark = pytest.mark.django_db


def _many_to_many_fields():
    for model in admin.site._registry:
        label = model._meta.label
        if label not in CASES or CASES[label][0] != SCOPED:
            continue
        for field in model._meta.get_fields():
            if not isinstance(field, models.ManyToManyField):
                continue
            related = field.remote_field.model._meta.label
            if related in CASES and CASES[related][0] == SCOPED:
                yield label, field.name


@pytest.fixture
def county_admin(regions):
    user = UserFactory(username="east-admin", roles=["admin"], region=regions.east, is_staff=True)
    user.user_permissions.add(*Permission.objects.all())
    return user


@pytest.mark.parametrize(("label", "name"), sorted(_many_to_many_fields()))
def test_a_value_outside_the_scope_survives_a_save(label, name, client, regions, county_admin):
    world = World(regions)
    inside = world.get(label, "in")
    field = type(inside)._meta.get_field(name)
    related = field.remote_field.model._meta.label
    foreign, own = world.get(related, "out"), world.get(related, "in")
    getattr(inside, name).add(foreign, own)
    opts = inside._meta
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[inside.pk])
    client.force_login(county_admin)
    page = client.get(change)
    if (
        not page.context["has_change_permission"]
        or name not in page.context["adminform"].form.fields
    ):
        return  # read-only here: nothing is posted back
    data = post_data(page)
    assert str(foreign.pk) not in data.get(name, [])  # not offered, so not posted back
    data[name] = [v for v in data.get(name, []) if v != str(own.pk)]  # the user removes its own
    response = client.post(change, data)
    assert response.status_code == 302, (
        response.context and response.context["adminform"].form.errors
    )
    kept = set(getattr(type(inside).objects.get(pk=inside.pk), name).values_list("pk", flat=True))
    assert foreign.pk in kept, f"{label}.{name}: a value outside the scope was dropped"
    assert own.pk not in kept, f"{label}.{name}: the user's own change was not saved"


def _foreign_keys():
    for model in admin.site._registry:
        label = model._meta.label
        if label not in CASES or CASES[label][0] != SCOPED:
            continue
        for field in model._meta.get_fields():
            if not isinstance(field, models.ForeignKey) or not field.editable:
                continue
            related = field.remote_field.model._meta.label
            if related in CASES and CASES[related][0] == SCOPED:
                yield label, field.name


@pytest.mark.parametrize(("label", "name"), sorted(_foreign_keys()))
def test_a_relation_outside_the_scope_survives_a_save(
    label, name, client, rf, regions, county_admin
):
    """The object's current value is shown (it is part of the object, as the list shows it)
    and posted back unchanged; it is not a choice for any other object."""
    world = World(regions)
    inside = world.get(label, "in")
    field = type(inside)._meta.get_field(name)
    related = field.remote_field.model._meta.label
    foreign = world.get(related, "out")
    try:
        with transaction.atomic():
            type(inside).objects.filter(pk=inside.pk).update(**{name: foreign})
    except IntegrityError:
        return  # the model's constraints forbid the value (a link's target, a meeting's group)
    opts = inside._meta
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[inside.pk])
    client.force_login(county_admin)
    page = client.get(change)
    if page.status_code != 200:
        return  # the foreign value takes the object out of the scope (its region, say)
    form = page.context["adminform"].form
    if not page.context["has_change_permission"] or name not in form.fields:
        return  # read-only here: nothing is posted back
    rendered = str(form[name])
    assert f'value="{foreign.pk}" selected' in rendered, f"{label}.{name}: the value is not shown"
    data = post_data(page)
    response = client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    saved = type(inside).objects.get(pk=inside.pk)
    assert getattr(saved, field.attname) == foreign.pk, f"{label}.{name}: the value was dropped"
    # It is this object's value, not a choice for another object of the county (unless the
    # link itself brought it into the scope: the account of a county's liaison person).
    request = rf.get("/")
    request.user = county_admin
    related_admin = admin.site._registry[type(foreign)]
    now_in_scope = related_admin.get_queryset(request).filter(pk=foreign.pk).exists()
    add = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    if not now_in_scope and add.status_code == 200 and name in add.context["adminform"].form.fields:
        offered = add.context["adminform"].form.fields[name].queryset
        assert not offered.filter(pk=foreign.pk).exists()
