"""One send() for every channel: in-app (the bell), e-mail and group-bot webhooks.

send() writes the in-app notifications in one INSERT and hands e-mail and webhooks to Celery
after the transaction commits: a slow mail server or a bot that is down never blocks (or
breaks) the request or sweep that caused the notice.

Each person reads a notice in their own language (User.language, kept by the language
switch): texts are built once per language among the recipients, under that language. Group
bots have no language of their own and get the portal's default language (Chinese).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from django.utils import translation

from .models import ChannelPreference, Delivery, Notification, Webhook

# A notice's text: a string (a lazy translation is rendered per language too), or a function
# that builds it with gettext and is called once per language, under that language.
Text = str | Callable[[], str]


def language_of(user) -> str:
    """The language `user` reads notices in."""
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


class Texts:
    """A notice's title and body, rendered at most once per language."""

    def __init__(self, title: Text, body: Text = ""):
        self.title, self.body = title, body
        self._rendered: dict[str, tuple[str, str]] = {}

    def __call__(self, language: str) -> tuple[str, str]:
        if language not in self._rendered:
            with translation.override(language):
                self._rendered[language] = (_render(self.title)[:200], _render(self.body))
        return self._rendered[language]


def _render(text: Text) -> str:
    return str(text() if callable(text) else text)


def send(
    *,
    recipients: Iterable,
    kind: str,
    title: Text,
    body: Text = "",
    url: str = "",
    webhooks: Iterable[Webhook] = (),
) -> list[Notification]:
    """Notify users (in-app, and by e-mail unless they opted out) and post to group bots,
    each user in their language (see Text)."""
    users = {u.pk: u for u in recipients if u is not None and u.is_active}
    texts = Texts(title, body)
    notes = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=pk,
                kind=kind,
                title=texts(language_of(u))[0],
                body=texts(language_of(u))[1],
                url=url,
            )
            for pk, u in users.items()
        ]
    )
    opted_out = set(
        ChannelPreference.objects.filter(user_id__in=list(users), email=False).values_list(
            "user_id", flat=True
        )
    )
    emails: dict[str, list[str]] = {}
    for pk, u in users.items():
        if u.email and pk not in opted_out:
            emails.setdefault(language_of(u), []).append(u.email)
    mails = [(addresses, *texts(language)) for language, addresses in emails.items()]
    hooks = [w.pk for w in webhooks if w.is_active]
    bot_title, bot_body = texts(settings.LANGUAGE_CODE) if hooks else ("", "")
    if mails or hooks:
        from .tasks import deliver_email, deliver_webhook

        def dispatch():
            for addresses, subject, text in mails:
                deliver_email.delay(addresses, subject, f"{text}\n\n{url}".strip())
            for hook in hooks:
                deliver_webhook.delay(hook, f"{bot_title}\n{bot_body}".strip())

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
