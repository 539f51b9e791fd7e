import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from issues.meetings import meeting_close, meeting_decide, meeting_plan, queue
from issues.models import AgendaItem, Category, Source, SpecialGroup, Ticket
from issues.services import (
    TicketError,
    ticket_acknowledge,
    ticket_assign,
    ticket_escalate,
    ticket_submit,
)
from issues.workflow import State
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db
# A meeting is planned for today or later (never in the past).
DAY = timezone.localdate() + datetime.timedelta(days=7)


@pytest.fixture
def setting(people, companies, regions):
    land = DepartmentFactory(name="市自然资源和规划局", region=regions.city)
    handler = UserFactory(
        username="handler", roles=["department"], region=regions.city, department=land
    )
    member = UserFactory(username="member", roles=["special_group"], region=regions.city)
    outsider = UserFactory(username="outsider", roles=["special_group"], region=regions.city)
    group = SpecialGroup.objects.create(name="要素保障专项小组", region=regions.city, leader=member)
    group.categories.add(Category.objects.get(code="land"))

    def escalated(category="land"):
        ticket = ticket_submit(
            actor=people.east_enterprise,
            enterprise=companies.east,
            category=Category.objects.get(code=category),
            title="难题",
            description="部门解决不了",
            source=Source.ENTERPRISE,
        )
        ticket = ticket_assign(actor=people.office, ticket=ticket, department=land)
        ticket = ticket_acknowledge(actor=handler, ticket=ticket)
        return ticket_escalate(actor=handler, ticket=ticket, note="跨部门")

    return land, member, outsider, group, escalated


def test_the_agenda_is_the_groups_queue(people, setting):
    land, member, outsider, group, escalated = setting
    mine, other = escalated("land"), escalated("labour")
    meeting = meeting_plan(actor=member, held_on=DAY, group=group)
    assert [i.ticket for i in meeting.items.all()] == [mine]
    assert other not in queue(group=group, region=group.region)
    # A ticket on a planned agenda is not offered to a second meeting.
    assert not meeting_plan(actor=member, held_on=DAY, group=group).items.exists()
    with pytest.raises(TicketError):
        meeting_plan(actor=outsider, held_on=DAY, group=group)


def test_decisions_go_through_the_workflow(people, setting):
    land, member, outsider, group, escalated = setting
    resolved, assigned, onward, left = (escalated() for _ in range(4))
    meeting = meeting_plan(actor=member, held_on=DAY, group=group)
    items = {i.ticket_id: i for i in meeting.items.all()}
    with pytest.raises(TicketError):
        meeting_decide(actor=outsider, item=items[resolved.pk], decision="resolve", note="x")
    with pytest.raises(TicketError):
        meeting_decide(actor=member, item=items[resolved.pk], decision="resolve", note="")
    meeting_decide(actor=member, item=items[resolved.pk], decision="resolve", note="统筹调剂指标")
    meeting_decide(
        actor=member, item=items[assigned.pk], decision="assign", department=land, working_days=5
    )
    meeting_decide(actor=member, item=items[onward.pk], decision="escalate", note="提交常务会")
    states = dict(Ticket.objects.values_list("pk", "state"))
    assert states[resolved.pk] == State.REPLIED
    assert Ticket.objects.get(pk=resolved.pk).outcome == "统筹调剂指标"
    assert states[assigned.pk] == State.ASSIGNED
    assert states[onward.pk] == State.MEETING
    meeting_close(actor=member, meeting=meeting, minutes="研究了四件诉求")
    assert AgendaItem.objects.get(meeting=meeting, ticket=left).decision == "deferred"
    assert left in queue(group=group, region=group.region)  # back for the next meeting
    with pytest.raises(TicketError):
        meeting_decide(actor=member, item=items[left.pk], decision="resolve", note="晚了")

    # The standing meeting takes what the group sent on, and cannot send it further.
    standing = meeting_plan(actor=people.office, held_on=DAY, region=people.office.region)
    item = standing.items.get()
    assert item.ticket == onward
    with pytest.raises(TicketError):
        meeting_decide(actor=people.office, item=item, decision="escalate")
    meeting_decide(actor=people.office, item=item, decision="resolve", note="常务会议决定")
    assert Ticket.objects.get(pk=onward.pk).state == State.REPLIED


def test_pages_are_for_the_group_the_office_and_the_leaders(client, people, setting):
    land, member, outsider, group, escalated = setting
    escalated()
    client.force_login(member)
    assert client.get(reverse("issues:groups")).status_code == 200
    response = client.post(
        reverse("issues:groups"), {"group": group.pk, "held_on": DAY.isoformat()}
    )
    meeting = group.meetings.get()
    assert response.status_code == 302
    item = meeting.items.get()
    response = client.post(
        reverse("issues:meeting", args=[meeting.pk]),
        {"item": item.pk, "decision": "resolve", "note": ""},
    )
    assert response.status_code == 422
    client.post(
        reverse("issues:meeting", args=[meeting.pk]),
        {"item": item.pk, "decision": "resolve", "note": "已解决"},
    )
    assert Ticket.objects.get(pk=item.ticket_id).state == State.REPLIED
    client.force_login(people.leader)
    assert client.get(reverse("issues:meeting", args=[meeting.pk])).status_code == 200
    for user in (outsider, people.department, people.east_enterprise):
        client.force_login(user)
        assert client.get(reverse("issues:meeting", args=[meeting.pk])).status_code == 404
    client.force_login(people.east_enterprise)
    assert client.get(reverse("issues:groups")).status_code == 403
