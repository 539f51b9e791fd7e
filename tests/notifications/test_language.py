"""Each person reads a notice in their own language: in-app, by e-mail, from the ticket steps
and from the escalation sweep alike; group bots get the portal's default language."""

import datetime

import pytest
from django.core import mail
from django.utils.translation import gettext

from issues.models import Ticket
from issues.services import ticket_assign
from issues.sweep import sweep
from notifications.models import Notification
from notifications.services import send
from tests.factories import DepartmentFactory, UserFactory, submit_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager():
    from liaison.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def handlers(regions):
    """Two people of one department: one reads English, the other Chinese."""
    land = DepartmentFactory(name="市自然资源和规划局", region=regions.city)
    common = {"roles": ["department"], "region": regions.city, "department": land}
    english = UserFactory(username="en", email="en@example.gov.cn", language="en", **common)
    chinese = UserFactory(username="zh", email="zh@example.gov.cn", **common)
    return land, english, chinese


def title_of(user, kind):
    return Notification.objects.get(recipient=user, kind=kind).title


def test_one_step_notifies_each_person_in_their_language_in_app_and_by_email(
    people, companies, handlers, eager, django_capture_on_commit_callbacks
):
    land, english, chinese = handlers
    ticket = submit_ticket(people.east_enterprise, companies.east)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_assign(actor=people.office, ticket=ticket, department=land)
    head = f"{ticket.number} {ticket.title}"
    assert title_of(english, "ticket.assigned") == f"New assignment slip: {head}"
    assert title_of(chinese, "ticket.assigned") == f"新交办单：{head}"
    assert Notification.objects.get(recipient=english, kind="ticket.assigned").body.startswith(
        "Acknowledge by"
    )
    subjects = {tuple(m.to): m.subject for m in mail.outbox}
    assert subjects[("en@example.gov.cn",)] == f"New assignment slip: {head}"
    assert subjects[("zh@example.gov.cn",)] == f"新交办单：{head}"


def test_send_renders_each_language_once_and_plain_strings_unchanged(people, handlers):
    _land, english, chinese = handlers
    calls = []

    def title():
        calls.append(1)
        return gettext("Supervision notice: %(number)s %(title)s") % {"number": "1", "title": "x"}

    send(recipients=[english, chinese, people.office], kind="t", title=title)
    assert len(calls) == 2  # English and Chinese, not once per person
    assert title_of(english, "t") == "Supervision notice: 1 x"
    assert title_of(people.office, "t").startswith("督办")
    send(recipients=[english], kind="plain", title="督办提醒")
    assert title_of(english, "plain") == "督办提醒"


def test_the_sweep_writes_each_recipient_in_their_language(people, companies, handlers):
    land, english, chinese = handlers
    ticket = ticket_assign(
        actor=people.office,
        ticket=submit_ticket(people.east_enterprise, companies.east),
        department=land,
    )
    Ticket.objects.filter(pk=ticket.pk).update(
        acknowledge_by=datetime.date(2026, 3, 2), due_date=datetime.date(2026, 3, 20)
    )
    sweep(now=datetime.datetime(2026, 3, 4, 9, tzinfo=datetime.UTC))
    assert title_of(english, "ticket.ack_late") == f"Please acknowledge {ticket.number}: 用地"
    assert title_of(chinese, "ticket.ack_late").startswith("请")
    assert (
        "acknowledged" in Notification.objects.get(recipient=english, kind="ticket.ack_late").body
    )
