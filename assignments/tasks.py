from celery import shared_task

from .terms import sweep_terms


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def terms_sweep() -> dict:
    """Thin: the work, and its idempotence, are in assignments.terms."""
    return sweep_terms().counts
