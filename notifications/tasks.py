import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

from .models import Delivery, Webhook
from .services import post_webhook

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=6,
)
def deliver_email(addresses: list[str], subject: str, text: str) -> int:
    sent = send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, addresses, fail_silently=False)
    Delivery.objects.create(
        channel=Delivery.Channel.EMAIL, target=", ".join(addresses)[:300], ok=bool(sent)
    )
    return sent


@shared_task(bind=True, acks_late=True, max_retries=6)
def deliver_webhook(self, webhook_id: int, text: str) -> bool:
    webhook = Webhook.objects.filter(pk=webhook_id, is_active=True).first()
    if webhook is None:
        return False
    try:
        post_webhook(webhook, text)
    except Exception as exc:  # network errors and bot refusals are retried, then logged
        Delivery.objects.create(
            channel=Delivery.Channel.WEBHOOK, target=webhook.name, ok=False, detail=str(exc)[:2000]
        )
        logger.warning("webhook %s failed: %s", webhook.name, exc)
        raise self.retry(exc=exc, countdown=min(600, 30 * 2**self.request.retries)) from exc
    return True
