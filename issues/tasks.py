from celery import shared_task

from .sweep import sweep


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def escalation_sweep() -> dict:
    """Thin: the work, and its idempotence, are in issues.sweep."""
    return sweep().counts


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def meeting_rhythm() -> dict:
    """Thin: drafting, reminders and missed-meeting flags are in issues.rhythm."""
    from .rhythm import meeting_rhythm as run

    return run().counts
