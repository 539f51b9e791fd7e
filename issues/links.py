"""One-click rating links: signed, bound to the reply they rate, and expiring.

The token carries the ticket id and the time of the reply, so a link stops working when the
ticket is reopened and replied again (a new link is sent), and after the rating window.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "issues.rating-link"


def rating_token(ticket) -> str:
    stamp = int(ticket.replied_at.timestamp()) if ticket.replied_at else 0
    return signing.TimestampSigner(salt=SALT).sign(f"{ticket.pk}:{stamp}")


def rating_url(ticket) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(
        "issues:rate-link", args=[rating_token(ticket)]
    )


def ticket_for_token(token: str):
    """The ticket the token rates, or None when it is forged, expired or superseded."""
    from .models import Ticket

    try:
        value = signing.TimestampSigner(salt=SALT).unsign(
            token, max_age=settings.RATING_WINDOW_DAYS * 24 * 3600
        )
        pk, stamp = (int(part) for part in value.split(":"))
    except (signing.BadSignature, ValueError):
        return None
    ticket = Ticket.objects.filter(pk=pk).select_related("enterprise").first()
    if ticket is None or ticket.replied_at is None or int(ticket.replied_at.timestamp()) != stamp:
        return None
    return ticket
