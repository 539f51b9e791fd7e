"""Benchmark scenarios of the assignments (see org.benchmarking)."""

from django.db.models import Count
from django.urls import reverse

from org.benchmarking import get_in_turn, scenario
from org.models import Cadre, User


@scenario("my enterprises (a cadre's links)", target_ms=50, max_queries=12)
def my_enterprises(client):
    busiest = (
        Cadre.objects.annotate(n=Count("assignments"))
        .order_by("-n", "pk")
        .values_list("user_id", flat=True)
        .first()
    )
    client.force_login(User.objects.get(pk=busiest))
    url = reverse("assignments:mine")

    def run():
        response = client.get(url)
        assert response.status_code == 200
        return response

    return run


@scenario("coverage (all 21,000 enterprises, 15,000 cadres)", target_ms=150, max_queries=15)
def coverage(client):
    client.force_login(User.objects.get(username="office"))
    url = reverse("assignments:coverage")

    def run():
        response = client.get(url)
        assert response.status_code == 200
        return response

    return run


@scenario("assignment list: filtered, page of 50", target_ms=50, max_queries=12)
def assignment_list(client):
    client.force_login(User.objects.get(username="office"))
    url = reverse("assignments:list")
    params = [{}, {"kind": "enterprise", "category": "industrial"}, {"q": "机械"}]
    return get_in_turn(client, url, params)
