"""The home page of an enterprise: reporting a problem comes first, then its own problems."""

import pytest
from django.urls import reverse

from issues.models import Ticket
from issues.workflow import State
from tests.factories import submit_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def east_tickets(people, companies):
    """Three problems of the east enterprise (one replied, one closed) and one of the west's."""
    made = [submit_ticket(people.east_enterprise, companies.east, title=f"东{i}") for i in range(4)]
    Ticket.objects.filter(pk=made[1].pk).update(state=State.REPLIED)
    Ticket.objects.filter(pk=made[2].pk).update(state=State.CLOSED)
    submit_ticket(people.west_enterprise, companies.west, title="西")
    return made


def home(client, user, language="zh-hans"):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client.get(reverse("home"))


def test_the_enterprise_home_leads_with_reporting_a_problem(client, people, east_tickets):
    response = home(client, people.east_enterprise)
    html = response.content.decode()
    assert f'href="{reverse("issues:create")}" id="report-problem"' in html
    assert "反映诉求" in html
    # Its own open work only: submitted and replied are open, closed is not, the west's is
    # not its own.
    assert response.context["problems"]["open"] == 2
    assert response.context["problems"]["to_rate"] == 1
    assert "2 件诉求正在办理" in html
    assert "1 件答复待您评价" in html
    assert f'href="{reverse("issues:list")}?state=open" id="my-open-problems"' in html
    assert f'href="{reverse("issues:list")}?state=replied" id="my-problems-to-rate"' in html


def test_the_links_lead_to_exactly_those_problems(client, people, east_tickets):
    problems = home(client, people.east_enterprise).context["problems"]
    board = client.get(problems["open_url"]).context["page"]
    assert board.paginator.count == problems["open"]
    to_rate = client.get(problems["to_rate_url"]).context["page"]
    assert [t.pk for t in to_rate.object_list] == [east_tickets[1].pk]


def test_english_counts_are_plural_aware(client, people, east_tickets):
    html = home(client, people.east_enterprise, "en").content.decode()
    assert "Report a problem" in html
    assert "2 problems in progress" in html
    assert "1 reply awaiting your rating" in html


def test_other_roles_have_no_enterprise_panel(client, people, east_tickets):
    response = home(client, people.office)
    assert "problems" not in response.context
    assert 'id="report-problem"' not in response.content.decode()
