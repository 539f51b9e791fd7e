"""A notice may carry a one-click link meant for its recipient alone: the rating link lets whoever
holds it rate the reply as the enterprise, without signing in. The admin's log of notices shows
who was told what and when, never that link (nor the text that carries it): an administrator,
county or city, would otherwise rate the departments' work in the enterprises' stead."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from issues.links import rating_token
from issues.services import ticket_acknowledge, ticket_assign, ticket_reply
from notifications.models import Notification
from tests.factories import DepartmentFactory, UserFactory, submit_ticket

pytestmark = pytest.mark.django_db


def test_no_admin_page_shows_a_recipients_one_click_link(client, people, companies, regions):
    land = DepartmentFactory(name="市自然资源和规划局", region=regions.city)
    handler = UserFactory(roles=["department"], region=regions.city, department=land)
    ticket = submit_ticket(people.east_enterprise, companies.east)
    ticket = ticket_assign(actor=people.office, ticket=ticket, department=land)
    ticket = ticket_acknowledge(actor=handler, ticket=ticket)
    ticket = ticket_reply(actor=handler, ticket=ticket, outcome="已办")
    token = rating_token(ticket)
    notice = Notification.objects.get(recipient=people.east_enterprise, kind="ticket.replied")
    assert token in notice.body  # the recipient's own copy carries it
    for region in (regions.east, regions.city):
        admin_user = UserFactory(roles=["admin"], region=region, is_staff=True)
        admin_user.user_permissions.add(*Permission.objects.all())
        client.force_login(admin_user)
        pages = [
            client.get(reverse("admin:notifications_notification_changelist")),
            client.get(reverse("admin:notifications_notification_change", args=[notice.pk])),
        ]
        assert pages[1].status_code == 200  # the notice itself is in the log
        for page in pages:
            assert token not in page.content.decode(), region.name
