"""Benchmark scenarios of the problem tickets (see org.benchmarking)."""

from django.db import transaction

from org.benchmarking import scenario

from .models import Ticket
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
    state = {"i": 0}

    def run():
        state["i"] += 1
        response = client.get(url, params[state["i"] % len(params)])
        assert response.status_code == 200
        return response

    return run


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
