"""Benchmark scenarios of the enterprise registry (see org.benchmarking)."""

import random

from django.urls import reverse

from org.benchmarking import get_in_turn, scenario
from org.models import Region, User

from .models import Enterprise


def _office():
    return User.objects.get(username="office")


@scenario("enterprise list: search + filter, page of 50", target_ms=50, max_queries=12)
def enterprise_list_search(client):
    client.force_login(_office())
    county = Region.objects.filter(level=Region.Level.COUNTY).order_by("code").first()
    url = reverse("enterprises:list")
    params = [
        {"q": "有限公司", "category": "industrial"},
        {"q": "机械", "region": county.pk},
        {"q": "华", "tag": "high_tech", "page": 2},
    ]
    return get_in_turn(client, url, params)


@scenario("enterprise list: whole city, page 200", target_ms=50, max_queries=12)
def enterprise_list_deep_page(client):
    client.force_login(_office())
    url = reverse("enterprises:list")

    def run():
        response = client.get(url, {"page": 200})
        assert response.status_code == 200
        return response

    return run


@scenario("enterprise detail", target_ms=50, max_queries=12)
def enterprise_detail(client):
    client.force_login(_office())
    ids = list(Enterprise.objects.values_list("pk", flat=True)[:5000])
    rng = random.Random(1)  # noqa: S311

    def run():
        response = client.get(reverse("enterprises:detail", args=[rng.choice(ids)]))
        assert response.status_code == 200
        return response

    return run
