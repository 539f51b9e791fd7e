"""The admin's autocomplete endpoint, whatever app_label/model_name/field_name it is given.

Django's view takes any model of any app and any of its field names, reverse relations included
(Region.enterprises, Ticket.duplicates…): for those it crashed (500). Walks every model and every
field name: never a 5xx; a field that is not a forward relation is refused like any other bad
combination (403); a forward one answers through the related model's admin scope.
"""

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.db.models import Field
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

from .admin_cases import World

pytestmark = pytest.mark.django_db


def test_every_field_name_of_every_model_is_answered_without_an_error(regions, quiet_log):
    world = World(regions)
    for label in ("org.Region", "org.Department", "enterprises.Enterprise", "org.User"):
        world.get(label, "in"), world.get(label, "out")
    user = UserFactory(username="east-admin", roles=["admin"], region=regions.east, is_staff=True)
    user.user_permissions.add(*Permission.objects.all())
    client = Client(raise_request_exception=False)
    client.force_login(user)
    answered, crashed = {}, []
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields(include_hidden=True):
            response = client.get(
                reverse("admin:autocomplete"),
                {
                    "app_label": model._meta.app_label,
                    "model_name": model._meta.model_name,
                    "field_name": field.name,
                    "term": "",
                },
            )
            if response.status_code >= 500:
                crashed.append(f"{model._meta.label}.{field.name}")
            forward = isinstance(field, Field) and field.is_relation
            if not forward:
                assert response.status_code == 403, (model._meta.label, field.name)
            answered[(model._meta.label, field.name)] = response
    assert not crashed, crashed
    # The walk reached answers, and they hold the scope.
    enterprise = answered[("issues.Ticket", "enterprise")]
    offered = {item["id"] for item in enterprise.json()["results"]}
    inside = world.get("enterprises.Enterprise", "in")
    outside = world.get("enterprises.Enterprise", "out")
    assert str(inside.pk) in offered and str(outside.pk) not in offered


@pytest.fixture
def quiet_log(caplog):
    import logging

    caplog.set_level(logging.CRITICAL, logger="django.request")
    caplog.set_level(logging.CRITICAL, logger="django.security")
