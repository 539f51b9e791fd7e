import pytest
from django.urls import reverse

from issues.models import CallBack
from issues.services import (
    TicketError,
    callback_record,
    callback_sample,
    ticket_decline,
    ticket_withdraw,
)
from tests.factories import submit_ticket

pytestmark = pytest.mark.django_db


def ticket(people, companies):
    return submit_ticket(people.east_enterprise, companies.east)


def test_withdrawals_come_first_and_called_back_tickets_leave_the_sample(people, companies):
    withdrawn = ticket_withdraw(
        actor=people.east_enterprise, ticket=ticket(people, companies), reason="已自行解决"
    )
    open_one = ticket(people, companies)
    sample = list(callback_sample(user=people.office, size=5, seed=1))
    assert sample == [withdrawn]  # declined tickets are not "closed"; open ones are not called
    assert open_one not in sample
    callback_record(actor=people.office, ticket=withdrawn, confirmed=False, note="被迫撤单")
    assert not callback_sample(user=people.office, size=5).exists()
    assert CallBack.objects.get().confirmed is False


def test_only_the_office_records_and_only_finished_tickets(people, companies):
    open_one = ticket(people, companies)
    with pytest.raises(TicketError):
        callback_record(actor=people.office, ticket=open_one, confirmed=True)
    declined = ticket_decline(actor=people.office, ticket=ticket(people, companies), reason="x")
    with pytest.raises(TicketError):
        callback_record(actor=people.leader, ticket=declined, confirmed=True)


def test_the_page(client, people, companies):
    withdrawn = ticket_withdraw(
        actor=people.east_enterprise, ticket=ticket(people, companies), reason="已自行解决"
    )
    client.force_login(people.office)
    page = client.get(reverse("issues:callbacks"))
    assert withdrawn.number in page.content.decode()
    assert client.post(reverse("issues:callbacks"), {"ticket": withdrawn.pk}).status_code == 422
    response = client.post(
        reverse("issues:callbacks"), {"ticket": withdrawn.pk, "confirmed": "yes", "note": "确认"}
    )
    assert response.status_code == 302 and CallBack.objects.get().confirmed
    client.force_login(people.east_enterprise)
    assert client.get(reverse("issues:callbacks")).status_code == 403
