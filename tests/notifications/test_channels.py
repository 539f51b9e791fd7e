import base64
import hashlib
import hmac
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import ChannelPreference, Delivery, Notification, Webhook
from notifications.services import send, signed_url
from notifications.tasks import deliver_email, deliver_webhook

pytestmark = pytest.mark.django_db


class Bot(BaseHTTPRequestHandler):
    """A group bot on the loopback: records what it receives, answers like WeCom/DingTalk."""

    received: list = []
    answer = {"errcode": 0, "errmsg": "ok"}

    def do_POST(self):  # noqa: N802 - http.server's naming
        length = int(self.headers["Content-Length"])
        Bot.received.append((self.path, json.loads(self.rfile.read(length))))
        body = json.dumps(Bot.answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def bot():
    Bot.received = []
    Bot.answer = {"errcode": 0, "errmsg": "ok"}
    server = HTTPServer(("127.0.0.1", 0), Bot)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_send_writes_in_app_notices_and_emails_after_commit(
    people, django_capture_on_commit_callbacks, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from liaison.celery import app

    app.conf.task_always_eager = True
    people.office.email = "office@example.gov.cn"
    people.office.save()
    people.leader.email = "leader@example.gov.cn"
    people.leader.save()
    ChannelPreference.objects.create(user=people.leader, email=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            send(
                recipients=[people.office, people.leader],
                kind="test",
                title="督办提醒",
                body="请尽快办理",
                url="/issues/1/",
            )
    finally:
        app.conf.task_always_eager = False
    assert Notification.objects.filter(kind="test").count() == 2
    assert [m.to for m in mail.outbox] == [["office@example.gov.cn"]]
    assert Delivery.objects.filter(channel="email", ok=True).count() == 1


def test_the_bell_counts_unread_and_marks_read(client, people):
    send(recipients=[people.office], kind="t", title="一")
    send(recipients=[people.office], kind="t", title="二")
    send(recipients=[people.leader], kind="t", title="别人的")
    client.force_login(people.office)
    assert ">2<" in client.get(reverse("notifications:badge")).content.decode()
    other = Notification.objects.get(recipient=people.leader)
    client.post(reverse("notifications:read"), {"id": other.pk})  # not the user's own
    assert Notification.objects.get(pk=other.pk).read_at is None
    client.post(reverse("notifications:read"), {})
    assert "badge" not in client.get(reverse("notifications:badge")).content.decode()
    assert not Notification.objects.filter(recipient=people.office, read_at=None).exists()


@pytest.mark.parametrize("bad_id", ["²", "١٢x", "abc", "-1", "0", "9" * 30, "1.5"])
def test_a_notice_number_that_is_not_one_marks_nothing(client, people, bad_id):
    send(recipients=[people.office], kind="t", title="一")
    client.force_login(people.office)
    response = client.post(reverse("notifications:read"), {"id": bad_id})
    assert response.status_code == 400
    assert "未做任何标记" in response.content.decode()
    assert Notification.objects.get(recipient=people.office).read_at is None


@pytest.mark.parametrize(
    ("target", "lands_on"),
    [
        ("/enterprises/", "/enterprises/"),
        ("enterprises", "/notifications/"),  # a bare word is not a view name to reverse
        ("//evil.example/", "/notifications/"),
        ("https://evil.example/", "/notifications/"),
        ("", "/notifications/"),
    ],
)
def test_mark_read_goes_back_only_to_a_path_of_the_site(client, people, target, lands_on):
    client.force_login(people.office)
    response = client.post(reverse("notifications:read"), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == lands_on


def test_opening_the_preferences_writes_nothing(client, people):
    client.force_login(people.office)
    assert client.get(reverse("notifications:preferences")).status_code == 200
    assert not ChannelPreference.objects.exists()


def test_preferences_are_saved(client, people):
    client.force_login(people.office)
    client.post(reverse("notifications:preferences"), {})
    assert ChannelPreference.objects.get(user=people.office).email is False


def test_a_wecom_bot_receives_a_text_message(bot, regions):
    hook = Webhook.objects.create(
        name="国土群", kind="wecom", url=f"{bot}/cgi-bin/webhook/send?key=k", region=regions.city
    )
    assert deliver_webhook.apply(args=[hook.pk, "第一行\n第二行"]).get() is True
    path, payload = Bot.received[0]
    assert path == "/cgi-bin/webhook/send?key=k"
    assert payload == {"msgtype": "text", "text": {"content": "第一行\n第二行"}}


def test_a_dingtalk_bot_gets_a_signed_url(bot, regions):
    hook = Webhook.objects.create(
        name="钉钉群",
        kind="dingtalk",
        url=f"{bot}/robot/send?access_token=t",
        secret="SEC123",
        region=regions.city,
    )
    url = signed_url(hook, now_ms=1700000000000)
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    expected = base64.b64encode(
        hmac.new(b"SEC123", b"1700000000000\nSEC123", hashlib.sha256).digest()
    ).decode()
    assert query == {"access_token": "t", "timestamp": "1700000000000", "sign": expected}
    deliver_webhook.apply(args=[hook.pk, "测试"]).get()
    assert "sign=" in Bot.received[0][0]


def test_a_refusing_or_missing_bot_is_logged_and_retried(bot, regions):
    Bot.answer = {"errcode": 310000, "errmsg": "sign not match"}
    hook = Webhook.objects.create(name="坏群", kind="wecom", url=f"{bot}/send", region=regions.city)
    # Run eagerly, the task retries at once: the first try and six retries, each logged.
    result = deliver_webhook.apply(args=[hook.pk, "x"])
    assert result.state == "FAILURE"
    failures = Delivery.objects.filter(channel="webhook", ok=False, target="坏群")
    assert failures.count() == 7
    assert "310000" in failures.first().detail
    down = Webhook.objects.create(
        name="断线", kind="wecom", url="http://127.0.0.1:9/send", region=regions.city
    )
    assert deliver_webhook.apply(args=[down.pk, "x"]).state == "FAILURE"
    assert Delivery.objects.filter(target="断线", ok=False).count() == 7


def test_email_task_sends(settings):
    assert deliver_email.apply(args=[["a@example.gov.cn"], "主题", "正文"]).get() == 1
    assert mail.outbox[0].subject == "主题"
