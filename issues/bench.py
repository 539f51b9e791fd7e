"""Benchmark scenarios of the problem tickets (see org.benchmarking)."""

from django.db import transaction
from django.db.models import Q

from org.benchmarking import get_in_turn, scenario

from .models import Category, Ticket
from .sweep import sweep
from .workflow import CLOCK_STATES


class _Rollback(Exception):
    pass


@scenario(
    "escalation sweep (150,000 tickets, 5,000 overdue)", target_ms=3000, max_queries=200, runs=5
)
def escalation_sweep(client):
    overdue = Ticket.objects.filter(state__in=list(CLOCK_STATES), overdue_notified=False).count()
    assert overdue >= 5000, f"the bench database holds {overdue} unnoticed overdue tickets"

    def run():
        # Each run meets the same 5,000 overdue tickets: its changes are rolled back.
        try:
            with transaction.atomic():
                counts = sweep().counts
                assert counts.get("overdue", 0) >= 5000, counts
                raise _Rollback
        except _Rollback:
            pass

    return run


@scenario("problem board: office, filtered, page of 50", target_ms=50, max_queries=12)
def problem_board(client):
    from django.urls import reverse

    from org.models import User

    client.force_login(User.objects.get(username="office"))
    url = reverse("issues:list")
    params = [{}, {"state": "open", "deadline": "overdue"}, {"q": "用地", "state": "closed"}]
    return get_in_turn(client, url, params)


@scenario("problem board: searches matching 3,500-7,000 tickets", target_ms=50, max_queries=12)
def problem_board_search(client):
    """Harder than a live city's searches: the seeded titles repeat a few dozen phrases, so a
    four-character phrase matches thousands of tickets, all of which are read to be counted."""
    from django.urls import reverse

    from org.models import User

    client.force_login(User.objects.get(username="office"))
    url = reverse("issues:list")
    land = Category.objects.get(code="land").pk
    params = [{"q": "审批进度"}, {"q": "SQ2025", "category": land}, {"q": "贷款"}]
    for p in params:
        found = Ticket.objects.filter(Q(title__contains=p["q"]) | Q(number__startswith=p["q"]))
        if "category" in p:
            found = found.filter(category=p["category"])
        assert found.count() >= 3500, (p, found.count())
    return get_in_turn(client, url, params)


@scenario("problem detail with its timeline", target_ms=50, max_queries=15)
def problem_detail(client):
    import random

    from django.urls import reverse

    from org.models import User

    client.force_login(User.objects.get(username="office"))
    ids = list(Ticket.objects.order_by("-pk").values_list("pk", flat=True)[:3000])
    rng = random.Random(2)  # noqa: S311

    def run():
        response = client.get(reverse("issues:detail", args=[rng.choice(ids)]))
        assert response.status_code == 200
        return response

    return run


def _office_and_first_group(client):
    from org.models import User

    from .models import SpecialGroup

    client.force_login(User.objects.get(username="office"))
    group = SpecialGroup.objects.filter(is_active=True).order_by("pk").first()
    assert group is not None, "the bench database has no special group"
    return group


@scenario("special groups: queues and next meetings", target_ms=80, max_queries=20)
def group_page(client):
    from django.urls import reverse

    _office_and_first_group(client)
    return get_in_turn(client, reverse("issues:groups"), [{}])


@scenario("special group: the problems waiting, page of 50", target_ms=50, max_queries=12)
def group_waiting(client):
    from django.urls import reverse

    group = _office_and_first_group(client)
    url = reverse("issues:group-waiting", args=[group.pk])
    return get_in_turn(client, url, [{}, {"page": 2}])
