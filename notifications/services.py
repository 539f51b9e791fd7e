"""One send() for every channel: in-app (the bell), e-mail and group-bot webhooks.

send() writes the in-app notifications in one INSERT and hands e-mail and webhooks to Celery
after the transaction commits: a slow mail server or a bot that is down never blocks (or
breaks) the request or sweep that caused the notice.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
import urllib.request
from collections.abc import Iterable

from django.db import transaction

from .models import ChannelPreference, Delivery, Notification, Webhook


def send(
    *,
    recipients: Iterable,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    webhooks: Iterable[Webhook] = (),
) -> list[Notification]:
    """Notify users (in-app, and by e-mail unless they opted out) and post to group bots."""
    users = {u.pk: u for u in recipients if u is not None and u.is_active}
    notes = Notification.objects.bulk_create(
        [
            Notification(recipient_id=pk, kind=kind, title=title[:200], body=body, url=url)
            for pk in users
        ]
    )
    opted_out = set(
        ChannelPreference.objects.filter(user_id__in=list(users), email=False).values_list(
            "user_id", flat=True
        )
    )
    emails = [u.email for pk, u in users.items() if u.email and pk not in opted_out]
    hooks = [w.pk for w in webhooks if w.is_active]
    if emails or hooks:
        from .tasks import deliver_email, deliver_webhook

        def dispatch():
            if emails:
                deliver_email.delay(emails, title, f"{body}\n\n{url}".strip())
            for hook in hooks:
                deliver_webhook.delay(hook, f"{title}\n{body}".strip())

        transaction.on_commit(dispatch)
    return notes


def notify_many(messages: list[dict]) -> int:
    """Many in-app notifications at once (the sweep): one INSERT for all of them."""
    Notification.objects.bulk_create([Notification(**m) for m in messages], batch_size=1000)
    return len(messages)


def signed_url(webhook: Webhook, *, now_ms: int | None = None) -> str:
    """DingTalk's signature: HMAC-SHA256 of "timestamp\\nsecret", base64, in the query."""
    if webhook.kind != Webhook.Kind.DINGTALK or not webhook.secret:
        return webhook.url
    timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(
        webhook.secret.encode(), f"{timestamp}\n{webhook.secret}".encode(), hashlib.sha256
    ).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    separator = "&" if "?" in webhook.url else "?"
    return f"{webhook.url}{separator}timestamp={timestamp}&sign={sign}"


def post_webhook(webhook: Webhook, text: str, *, timeout: float = 5.0) -> None:
    """Post a text message; raises on a network error or a refusal (the task retries)."""
    payload = json.dumps({"msgtype": "text", "text": {"content": text}}).encode()
    request = urllib.request.Request(  # noqa: S310 - an https/http URL the admin configured
        signed_url(webhook), data=payload, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        answer = json.loads(response.read() or b"{}")
    # Both bots answer {"errcode": 0, ...} on success.
    if answer.get("errcode", 0) != 0:
        raise RuntimeError(f"bot refused the message: {answer}")
    Delivery.objects.create(channel=Delivery.Channel.WEBHOOK, target=webhook.name, ok=True)


def fan_out(messages: list[dict], *, department_texts: dict[int, str] | None = None) -> None:
    """After a bulk notify_many(): one e-mail per recipient (a digest of its notices, unless it
    opted out) and one message per department group bot, all sent by Celery after commit."""
    from django.contrib.auth import get_user_model

    by_user: dict[int, list[str]] = {}
    for message in messages:
        by_user.setdefault(message["recipient_id"], []).append(message["title"])
    opted_out = set(
        ChannelPreference.objects.filter(user_id__in=list(by_user), email=False).values_list(
            "user_id", flat=True
        )
    )
    addresses = dict(
        get_user_model()
        .objects.filter(pk__in=[pk for pk in by_user if pk not in opted_out], is_active=True)
        .exclude(email="")
        .values_list("pk", "email")
    )
    texts = department_texts or {}
    hooks = list(
        Webhook.objects.filter(department_id__in=list(texts), is_active=True).values_list(
            "pk", "department_id"
        )
    )
    if not addresses and not hooks:
        return
    from .tasks import deliver_email, deliver_webhook

    def dispatch():
        for pk, email in addresses.items():
            titles = by_user[pk]
            deliver_email.delay(
                [email], titles[0] if len(titles) == 1 else titles[0] + " …", "\n".join(titles)
            )
        for hook_id, department_id in hooks:
            deliver_webhook.delay(hook_id, texts[department_id])

    transaction.on_commit(dispatch)
