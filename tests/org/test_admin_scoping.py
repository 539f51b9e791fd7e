"""The admin is scoped like the portal: a walk over every ModelAdmin registered on the site.

A county administrator (staff, every model permission, role admin, region 潍城区) sees and opens
only its own subtree's rows, picks only its own subtree's objects in every form (inlines too),
and changes the city's reference data not at all.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.forms import MultiWidget, SelectMultiple
from django.forms.models import model_to_dict
from django.urls import reverse

from org.admin_scoping import unscoped_admins
from tests.factories import UserFactory

from .admin_cases import CASES, CITY_ONLY, REFERENCE, SCOPED, World

pytestmark = pytest.mark.django_db

REGISTERED = sorted(model._meta.label for model in admin.site._registry)


def url(obj_or_model, view: str, *args) -> str:
    opts = obj_or_model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def snapshot(obj):
    fresh = type(obj)._default_manager.filter(pk=obj.pk).first()
    return None if fresh is None else model_to_dict(fresh)


@pytest.fixture
def world(regions):
    return World(regions)


@pytest.fixture
def county_admin(regions):
    user = UserFactory(username="east-admin", roles=["admin"], region=regions.east, is_staff=True)
    user.user_permissions.add(*Permission.objects.all())
    return user


@pytest.fixture
def city_admin(regions):
    user = UserFactory(username="city-admin", roles=["admin"], region=regions.city, is_staff=True)
    user.user_permissions.add(*Permission.objects.all())
    return user


def test_every_registered_admin_has_a_case_and_uses_the_mixin():
    missing = sorted(set(REGISTERED) - set(CASES))
    assert not missing, (
        f"Registered in the admin without a scoping case: {missing}. Add an entry to "
        "tests/org/admin_cases.py::CASES with an in-scope and an out-of-scope factory."
    )
    assert unscoped_admins() == [], "These admins skip org.admin_scoping.ScopedAdminMixin"


def _case(label):
    if label not in CASES:
        pytest.fail(
            f"{label} is registered in the admin but has no entry in "
            "tests/org/admin_cases.py::CASES: give it an in-scope and an out-of-scope factory."
        )
    return CASES[label]


def _not_found(response) -> bool:
    """Django's admin answers an object outside the queryset like a missing one: a redirect to
    the admin index with "does not exist", or a 404."""
    if response.status_code == 404:
        return True
    return response.status_code == 302 and response.url == reverse("admin:index")


@pytest.mark.parametrize("label", REGISTERED)
def test_a_county_admin_sees_and_opens_only_its_own_subtree(label, client, world, county_admin):
    kind, _make = _case(label)
    inside, outside = world.get(label, "in"), world.get(label, "out")
    client.force_login(county_admin)
    response = client.get(url(inside, "changelist"), {"all": ""})
    assert response.status_code == 200
    listed = {obj.pk for obj in response.context["cl"].queryset}

    if kind == REFERENCE:
        assert inside.pk in listed
        page = client.get(url(inside, "change", inside.pk))
        assert page.status_code == 200 and page.context["has_change_permission"] is False
        before = snapshot(inside)
        assert client.post(url(inside, "change", inside.pk), {}).status_code == 403
        assert client.post(url(inside, "delete", inside.pk), {"post": "yes"}).status_code == 403
        assert client.get(url(inside, "add")).status_code == 403
        assert snapshot(inside) == before
        return

    if kind == SCOPED:
        assert inside.pk in listed, f"{label}: the county's own row is not listed"
        assert client.get(url(inside, "change", inside.pk)).status_code == 200
    assert outside.pk not in listed, f"{label}: another county's row is listed"

    before = snapshot(outside)
    for method, view, data in [
        ("get", "change", None),
        ("get", "history", None),
        ("get", "delete", None),
        ("post", "change", {}),
        ("post", "delete", {"post": "yes"}),
    ]:
        response = getattr(client, method)(url(outside, view, outside.pk), data)
        if response.status_code == 403:
            # A read-only admin refuses the action before looking the row up: the same answer
            # as for the county's own row, so nothing tells that the row exists.
            own = getattr(client, method)(url(inside, view, inside.pk), data)
            assert own.status_code == 403, f"{label}: {method} {view} tells rows apart"
            continue
        assert _not_found(response), f"{label}: {method} {view} of another county's row"
    # The "view on site" shortcut answers another county's row as a missing one.
    content_type = ContentType.objects.get_for_model(type(outside))
    shortcut = reverse("admin:view_on_site", args=[content_type.pk, outside.pk])
    assert client.get(shortcut).status_code == 404, f"{label}: view on site confirms the row"
    # A bulk action picks only from the scoped list.
    client.post(
        url(outside, "changelist"),
        {"action": "delete_selected", "_selected_action": [outside.pk], "post": "yes"},
    )
    assert snapshot(outside) == before, f"{label}: another county's row was changed"
    model_admin = admin.site._registry[type(outside)]
    if hasattr(model_admin, "history_form_view") and hasattr(type(outside), "history"):
        record = outside.history.first()
        if record is not None:
            version = url(outside, "simple_history", outside.pk, record.history_id)
            assert client.get(version).status_code == 404


def _forms(response):
    """The main form and every inline form (with the empty one) of an admin page."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.extend(inline.formset.forms)
        forms.append(inline.formset.empty_form)
    return forms


@pytest.mark.parametrize("label", REGISTERED)
def test_every_relation_choice_of_every_admin_form_is_scoped(label, client, world, county_admin):
    """Foreign keys and many-to-many fields, in forms and inlines, offer (and so accept) only
    objects in the county's scope."""
    kind, _make = _case(label)
    if kind == CITY_ONLY:
        return
    inside = world.get(label, "in")
    client.force_login(county_admin)
    pages = [client.get(url(inside, "change", inside.pk))]
    add = client.get(url(inside, "add"))
    if add.status_code == 200:
        pages.append(add)
    for page in pages:
        assert page.status_code == 200
        for form in _forms(page):
            for name, field in form.fields.items():
                queryset = getattr(field, "queryset", None)
                if queryset is None or name == form._meta.model._meta.pk.name:
                    continue  # an inline row's own id is not a choice
                related = queryset.model._meta.label
                if related == "auth.Permission":
                    continue  # tested below: only what the actor holds
                if related == "auth.Group":
                    if name == "groups":
                        held = set(county_admin.groups.values_list("pk", flat=True))
                        assert set(queryset.values_list("pk", flat=True)) <= held
                    continue
                related_kind = _case(related)[0]
                if related_kind == REFERENCE:
                    continue
                outside, own = world.get(related, "out"), world.get(related, "in")
                allowed = set(queryset.values_list("pk", flat=True))
                assert outside.pk not in allowed, (
                    f"{label}: field {form.prefix or ''}{name} offers another county's {related}"
                )
                if related_kind == SCOPED:
                    assert own.pk in allowed, (
                        f"{label}: field {name} does not offer the county's own {related}"
                    )


def post_data(response) -> dict:
    """What the browser would post back, unchanged, for the page's forms (inlines included)."""
    data = {}
    for form in _forms(response)[:1]:
        _add(data, form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management[name].html_name] = management[name].value()
        for form in formset.forms:
            _add(data, form)
    return data


def _add(data, form):
    for name, field in form.fields.items():
        if field.disabled:
            continue
        bound = form[name]
        value = bound.value()
        widget = field.widget
        widget = getattr(widget, "widget", widget)  # the related-object wrapper
        if isinstance(widget, MultiWidget):
            for i, part in enumerate(widget.decompress(value)):
                data[f"{bound.html_name}_{i}"] = "" if part is None else _text(part)
        elif isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            # A browser posts only the options it was offered.
            values = [_text(v) for v in value]
            if getattr(field, "queryset", None) is not None:
                offered = {str(pk) for pk in field.queryset.values_list("pk", flat=True)}
                values = [v for v in values if v in offered]
            data[bound.html_name] = values
        else:
            data[bound.html_name] = "" if value is None else _text(value)


def _text(value):
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


@pytest.mark.parametrize("label", REGISTERED)
def test_a_foreign_id_posted_in_a_form_is_refused_and_changes_nothing(
    label, client, world, county_admin
):
    kind, _make = _case(label)
    if kind != SCOPED:
        return
    inside = world.get(label, "in")
    model_admin = admin.site._registry[type(inside)]
    client.force_login(county_admin)
    change = url(inside, "change", inside.pk)
    page = client.get(change)
    if not page.context["has_change_permission"]:
        return  # read-only (tickets, notices, logs): the previous tests cover what it shows
    form = page.context["adminform"].form
    relations = {
        name: field.queryset.model._meta.label
        for name, field in form.fields.items()
        if getattr(field, "queryset", None) is not None
        and field.queryset.model._meta.label in CASES
        and CASES[field.queryset.model._meta.label][0] == SCOPED
    }
    if not relations:
        return
    data = post_data(page)
    before = snapshot(inside)
    for name, related in relations.items():
        outside = world.get(related, "out")
        forged = dict(data)
        many = isinstance(data.get(name), list)
        forged[name] = [str(outside.pk)] if many else str(outside.pk)
        response = client.post(change, forged)
        assert response.status_code == 200, f"{label}.{name}: a foreign {related} was accepted"
        errors = response.context["adminform"].form.errors
        assert name in errors, f"{label}.{name}: no form error for a foreign {related}"
        assert snapshot(inside) == before
    # The same data, unforged, saves: the refusal above is the foreign id's, not the data's.
    response = client.post(change, data)
    assert response.status_code == 302, (
        label,
        response.context and response.context["adminform"].form.errors,
        model_admin,
    )


def test_a_foreign_account_cannot_be_attached_as_liaison_person_through_the_inline(
    client, world, county_admin
):
    enterprise = world.get("enterprises.Enterprise", "in")
    foreign_account = world.get("org.User", "out")
    client.force_login(county_admin)
    change = url(enterprise, "change", enterprise.pk)
    data = post_data(client.get(change))
    prefix = "liaison_persons"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-enterprise": str(enterprise.pk),
            f"{prefix}-0-slot": "1",
            f"{prefix}-0-name": "张三",
            f"{prefix}-0-phone": "13800000000",
            f"{prefix}-0-user": str(foreign_account.pk),
            f"{prefix}-0-is_active": "on",
        }
    )
    response = client.post(change, data)
    assert response.status_code == 200
    assert "user" in response.context["inline_admin_formsets"][0].formset.forms[0].errors
    assert not enterprise.liaison_persons.exists()


# The city level keeps the admin -----------------------------------------------------------


@pytest.mark.parametrize("label", REGISTERED)
def test_the_city_level_sees_both_counties(label, client, world, city_admin):
    kind, _make = _case(label)
    inside, outside = world.get(label, "in"), world.get(label, "out")
    client.force_login(city_admin)
    response = client.get(url(inside, "changelist"), {"all": ""})
    listed = {obj.pk for obj in response.context["cl"].queryset}
    assert {inside.pk, outside.pk} <= listed
    page = client.get(url(outside, "change", outside.pk))
    assert page.status_code == 200
    if kind == REFERENCE:
        assert page.context["has_change_permission"] is True


def test_the_city_level_edits_reference_data(client, world, city_admin):
    from issues.models import Category

    category = world.get("issues.Category")
    client.force_login(city_admin)
    response = client.post(
        url(category, "change", category.pk),
        {"code": category.code, "name": "用地保障", "order": 5},
    )
    assert response.status_code == 302
    assert Category.objects.get(pk=category.pk).name == "用地保障"


# Escalation ---------------------------------------------------------------------------------


def _user_form(client, user):
    page = client.get(url(user, "change", user.pk))
    assert page.status_code == 200
    return post_data(page)


def test_a_county_admin_cannot_make_anyone_a_superuser(client, world, county_admin):
    colleague = world.get("org.User", "in")
    client.force_login(county_admin)
    for target in (colleague, county_admin):
        data = _user_form(client, target)
        data["is_superuser"] = "on"
        response = client.post(url(target, "change", target.pk), data)
        assert response.status_code == 302
        target.refresh_from_db()
        assert target.is_superuser is False


def test_a_county_admin_cannot_give_a_role_or_permission_it_does_not_hold(client, world, regions):
    actor = UserFactory(username="east-admin2", roles=["admin"], region=regions.east, is_staff=True)
    actor.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user"])
    )
    colleague = world.get("org.User", "in")
    client.force_login(actor)
    change = url(colleague, "change", colleague.pk)
    data = _user_form(client, colleague)
    leader = Group.objects.get(name="leader")
    foreign_perm = Permission.objects.get(codename="delete_group")
    for name, value in (("groups", leader.pk), ("user_permissions", foreign_perm.pk)):
        forged = {**data, name: [str(value)]}
        response = client.post(change, forged)
        assert response.status_code == 200
        assert name in response.context["adminform"].form.errors
    assert not colleague.groups.filter(pk=leader.pk).exists()
    assert not colleague.user_permissions.exists()
    # What it holds it may give.
    held = Permission.objects.get(codename="view_user")
    admin_role = Group.objects.get(name="admin")
    response = client.post(
        change, {**data, "groups": [str(admin_role.pk)], "user_permissions": [str(held.pk)]}
    )
    assert response.status_code == 302
    # The role it does not hold (cadre) stays: it can neither give nor take it.
    assert set(colleague.groups.values_list("name", flat=True)) == {"admin", "cadre"}
    assert set(colleague.user_permissions.all()) == {held}


def test_a_county_admin_cannot_set_a_region_above_or_beside_its_own(
    client, world, regions, county_admin
):
    colleague = world.get("org.User", "in")
    client.force_login(county_admin)
    change = url(colleague, "change", colleague.pk)
    data = _user_form(client, colleague)
    for region in (regions.city, regions.west, regions.west_town):
        response = client.post(change, {**data, "region": str(region.pk)})
        assert response.status_code == 200
        assert "region" in response.context["adminform"].form.errors
    for region in (regions.east, regions.east_town):
        assert client.post(change, {**data, "region": str(region.pk)}).status_code == 302
    colleague.refresh_from_db()
    assert colleague.region == regions.east_town
    # Nor create an account without a region (it would sit above every county).
    response = client.post(
        url(colleague, "add"),
        {
            "username": "newbie",
            "usable_password": "true",
            "password1": "Correct-horse-42",
            "password2": "Correct-horse-42",
            "region": "",
        },
    )
    assert response.status_code == 200
    assert "region" in response.context["adminform"].form.errors


def test_a_county_admin_cannot_edit_a_user_above_it(client, regions, county_admin, city_admin):
    root = UserFactory(username="root2", is_superuser=True, is_staff=True, region=regions.east)
    stronger = UserFactory(username="east-leader", roles=["leader"], region=regions.east)
    stronger.user_permissions.add(Permission.objects.get(codename="view_user"))
    county_admin.user_permissions.remove(Permission.objects.get(codename="view_user"))
    client.force_login(county_admin)
    for above in (city_admin, root):
        assert _not_found(client.get(url(above, "change", above.pk)))
        assert _not_found(client.get(reverse("admin:auth_user_password_change", args=[above.pk])))
    # An account of its own county holding a permission it lacks: shown, never changed.
    page = client.get(url(stronger, "change", stronger.pk))
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    password = client.post(
        reverse("admin:auth_user_password_change", args=[stronger.pk]),
        {"password1": "Another-horse-43", "password2": "Another-horse-43"},
    )
    assert password.status_code == 403
    stronger.refresh_from_db()
    assert stronger.check_password("Correct-horse-42")


def test_a_city_admin_edits_a_role_only_with_permissions_it_holds(client, regions):
    actor = UserFactory(username="city-admin2", roles=["admin"], region=regions.city, is_staff=True)
    actor.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_group", "change_group"])
    )
    role = Group.objects.get(name="leader")
    kept = Permission.objects.get(codename="delete_group")
    role.permissions.add(kept)
    client.force_login(actor)
    change = url(role, "change", role.pk)
    page = client.get(change)
    offered = set(page.context["adminform"].form.fields["permissions"].queryset)
    assert offered == set(Permission.objects.filter(codename__in=["view_group", "change_group"]))
    add = Permission.objects.get(codename="add_group")
    response = client.post(change, {"name": role.name, "permissions": [str(add.pk)]})
    assert response.status_code == 200
    assert "permissions" in response.context["adminform"].form.errors
    held = Permission.objects.get(codename="view_group")
    response = client.post(change, {"name": role.name, "permissions": [str(held.pk)]})
    assert response.status_code == 302
    # The permission it does not hold stays: it can neither give nor take it.
    assert set(role.permissions.all()) == {held, kept}


def test_an_admin_registered_without_the_mixin_is_named():
    from django.contrib.admin import AdminSite, ModelAdmin

    from org.admin_scoping import ScopedAdminMixin, check_every_admin_is_scoped
    from org.models import Rank, Region

    site = AdminSite(name="probe")
    site.register(Region, ModelAdmin)
    site.register(Rank, type("RankAdmin", (ScopedAdminMixin, ModelAdmin), {}))
    assert unscoped_admins(site) == ["org.Region"]
    assert check_every_admin_is_scoped(None) == []  # the project's own site is clean


def test_an_admin_that_says_no_scope_shows_nothing_below_the_city(rf, regions, county_admin):
    from django.contrib.admin import AdminSite, ModelAdmin

    from org.admin_scoping import ScopedAdminMixin
    from org.models import Department
    from tests.factories import DepartmentFactory

    DepartmentFactory(region=regions.east)
    site = AdminSite(name="probe")
    site.register(Department, type("ForgetfulAdmin", (ScopedAdminMixin, ModelAdmin), {}))
    request = rf.get("/")
    request.user = county_admin
    assert not site._registry[Department].get_queryset(request).exists()


def test_actions_that_ignore_the_selection_are_the_city_levels(rf, world, county_admin, city_admin):
    from axes.models import AccessAttempt
    from django_celery_beat.models import PeriodicTask

    def actions(model, user):
        request = rf.get("/")
        request.user = user
        return set(admin.site._registry[model].get_actions(request))

    assert "cleanup_expired_attempts" not in actions(AccessAttempt, county_admin)
    assert "delete_selected" in actions(AccessAttempt, county_admin)
    assert "cleanup_expired_attempts" in actions(AccessAttempt, city_admin)
    # Reference data: no action at all below the city level (celery beat's "run tasks" …).
    assert actions(PeriodicTask, county_admin) == set()
    assert "run_tasks" in actions(PeriodicTask, city_admin)


def test_a_county_admin_cannot_create_a_region_outside_its_subtree(client, regions, county_admin):
    from org.models import Region

    client.force_login(county_admin)
    add = reverse("admin:org_region_add")
    for parent in ("", str(regions.city.pk), str(regions.west.pk)):
        response = client.post(
            add, {"name": "新区", "code": "370799", "level": 2, "parent": parent}
        )
        assert response.status_code == 200
        assert "parent" in response.context["adminform"].form.errors
    assert not Region.objects.filter(code="370799").exists()
    response = client.post(
        add, {"name": "新街道", "code": "370702002", "level": 3, "parent": regions.east.pk}
    )
    assert response.status_code == 302
    assert Region.objects.get(code="370702002").parent == regions.east


@pytest.mark.parametrize("label", REGISTERED)
def test_a_changelist_costs_the_same_queries_for_more_rows(label, client, world, county_admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    kind, make = _case(label)
    if kind != SCOPED:
        return
    world.get(label, "in")
    client.force_login(county_admin)
    changelist = url(world.get(label, "in"), "changelist")
    client.get(changelist)  # the session's first request renews it

    def cost():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(changelist).status_code == 200
        return len(queries)

    before = cost()
    for _i in range(3):
        make(World(world.regions), "in")  # new parents too (enterprises, accounts…)
    assert cost() == before, f"{label}: the changelist's queries grow with its rows"


@pytest.mark.parametrize("label", REGISTERED)
def test_a_foreign_id_posted_in_an_add_form_is_refused(label, client, world, county_admin):
    """Whatever else the add form lacks, a foreign id is refused as an invalid choice, and
    nothing is created."""
    kind, _make = _case(label)
    if kind != SCOPED:
        return
    model = type(world.get(label, "in"))
    client.force_login(county_admin)
    add = url(model, "add")
    page = client.get(add)
    if page.status_code == 403:
        return  # nothing is added here (tickets, logs…)
    form = page.context["adminform"].form
    data = post_data(page)
    count = model._default_manager.count()
    for name, field in form.fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is None or _case(queryset.model._meta.label)[0] != SCOPED:
            continue
        outside = world.get(queryset.model._meta.label, "out")
        many = isinstance(field.widget, SelectMultiple) or isinstance(
            getattr(field.widget, "widget", None), SelectMultiple
        )
        response = client.post(add, {**data, name: [str(outside.pk)] if many else str(outside.pk)})
        assert response.status_code == 200, f"{label}.{name}: a foreign id was accepted"
        codes = [e.code for e in response.context["adminform"].form.errors.as_data().get(name, [])]
        assert "invalid_choice" in codes or "invalid_pk_value" in codes, (label, name, codes)
        assert model._default_manager.count() == count


def _autocomplete_fields():
    for model, model_admin in admin.site._registry.items():
        for name in model_admin.autocomplete_fields:
            yield model, name
        for inline in model_admin.inlines:
            for name in inline.autocomplete_fields:
                yield inline.model, name


@pytest.mark.parametrize(
    ("model", "name"),
    sorted(_autocomplete_fields(), key=lambda pair: (pair[0]._meta.label, pair[1])),
    ids=lambda value: value if isinstance(value, str) else value._meta.label,
)
def test_every_autocomplete_offers_only_the_scope(model, name, client, world, county_admin):
    related = model._meta.get_field(name).remote_field.model._meta.label
    if _case(related)[0] != SCOPED:
        return
    inside, outside = world.get(related, "in"), world.get(related, "out")
    client.force_login(county_admin)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": model._meta.app_label,
            "model_name": model._meta.model_name,
            "field_name": name,
            "term": "",
        },
    )
    assert response.status_code == 200
    offered = {item["id"] for item in response.json()["results"]}
    assert str(inside.pk) in offered and str(outside.pk) not in offered


def test_reference_lists_are_not_editable_below_the_city(client, world, county_admin):
    from org.models import Rank

    rank = world.get("org.Rank")
    client.force_login(county_admin)
    changelist = url(rank, "changelist")
    assert client.get(changelist).context["cl"].formset is None
    response = client.post(
        changelist,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(rank.pk),
            "form-0-order": "1",
            "_save": "Save",
        },
    )
    assert response.status_code == 403
    assert Rank.objects.get(pk=rank.pk).order == rank.order


def test_a_county_admin_cannot_bulk_delete_an_account_holding_more(client, regions, county_admin):
    stronger = UserFactory(username="east-strong", region=regions.east)
    stronger.user_permissions.add(Permission.objects.get(codename="view_user"))
    county_admin.user_permissions.remove(Permission.objects.get(codename="view_user"))
    client.force_login(county_admin)
    response = client.post(
        url(stronger, "changelist"),
        {"action": "delete_selected", "_selected_action": [stronger.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert type(stronger).objects.filter(pk=stronger.pk).exists()


def test_view_on_site_leads_to_the_own_areas_pages_only(client, world, county_admin):
    from enterprises.models import Enterprise

    client.force_login(county_admin)
    content_type = ContentType.objects.get_for_model(Enterprise)
    inside = world.get("enterprises.Enterprise", "in")
    outside = world.get("enterprises.Enterprise", "out")

    def shortcut(pk):
        return client.get(reverse("admin:view_on_site", args=[content_type.pk, pk]))

    own = shortcut(inside.pk)
    assert own.status_code == 302 and own.url.endswith(inside.get_absolute_url())
    missing = Enterprise.objects.order_by("-pk").first().pk + 1000
    assert shortcut(outside.pk).status_code == shortcut(missing).status_code == 404
    assert shortcut("abc").status_code == 404
