"""An id that is no id of the model is a missing object on every admin page, never a 500.

The history pages (Django's and simple_history's, with a version) looked the id up unchecked:
/admin/org/region/abc/history/ crashed on every admin of the site. Walks every registered admin,
for a county administrator and for the city level.
"""

import logging

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tests.factories import UserFactory

from .admin_cases import CASES, World

pytestmark = pytest.mark.django_db
BAD_IDS = ["abc", "1.5", "%00", "__"]


def _url(model, view, *args):
    opts = model._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)
    except NoReverseMatch:
        return None


@pytest.mark.parametrize("region", ["east", "city"])
def test_every_admin_page_answers_a_bad_id_as_missing(region, regions, caplog):
    caplog.set_level(logging.CRITICAL, logger="django.request")
    world = World(regions)
    user = UserFactory(
        username=f"{region}-admin", roles=["admin"], region=getattr(regions, region), is_staff=True
    )
    user.user_permissions.add(*Permission.objects.all())
    client = Client(raise_request_exception=False)
    client.force_login(user)
    wrong = []
    for model in admin.site._registry:
        pages = [
            _url(model, view, bad) for view in ("change", "delete", "history") for bad in BAD_IDS
        ]
        inside = world.get(model._meta.label, "in")
        pages.append(_url(model, "simple_history", inside.pk, "abc"))
        pages.append(_url(model, "simple_history", "abc", "1"))
        for url in filter(None, pages):
            response = client.get(url)
            missing = response.status_code in (403, 404) or (
                response.status_code == 302 and response.url == reverse("admin:index")
            )
            if not missing:
                wrong.append((model._meta.label, url, response.status_code))
    assert not wrong, wrong
    assert len(CASES) >= len(admin.site._registry)
