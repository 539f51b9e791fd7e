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
