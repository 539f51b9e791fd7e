"""The meetings' rhythm: groups meet on their cadence, the standing meeting monthly; beat drafts
the next meeting with the queue as its agenda, reminds the members the working day before, and
flags a meeting whose date passed without minutes."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from issues.meetings import meeting_close, meeting_plan
from issues.models import Category, Meeting, SpecialGroup
from issues.rhythm import meeting_rhythm
from issues.services import TicketError, ticket_acknowledge, ticket_assign, ticket_escalate
from notifications.models import Notification
from tests.factories import DepartmentFactory, UserFactory, submit_ticket

pytestmark = pytest.mark.django_db
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
# Tuesday 1 December 2026; December 2026 has no public holiday.
TUESDAY = datetime.date(2026, 12, 1)


def at(day: datetime.date, hour: int = 9):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI), tick=False
    )


@pytest.fixture
def setting(people, companies, regions):
    land = DepartmentFactory(name="市自然资源和规划局", region=regions.city)
    handler = UserFactory(
        username="handler", roles=["department"], region=regions.city, department=land
    )
    member = UserFactory(username="member", roles=["special_group"], region=regions.city)
    chair = UserFactory(username="chair", roles=["special_group"], region=regions.city)
    group = SpecialGroup.objects.create(
        name="要素保障专项小组", region=regions.city, leader=chair, cadence="weekly"
    )
    group.members.add(member)
    group.categories.add(Category.objects.get(code="land"))

    def escalated(category="land"):
        ticket = submit_ticket(people.east_enterprise, companies.east, category=category)
        ticket = ticket_assign(actor=people.office, ticket=ticket, department=land)
        ticket = ticket_acknowledge(actor=handler, ticket=ticket)
        return ticket_escalate(actor=handler, ticket=ticket, note="跨部门")

    return group, member, chair, escalated


def test_beat_drafts_the_next_meeting_with_the_queue_and_reminds_the_members(people, setting):
    group, member, chair, escalated = setting
    member.language = "en"
    member.save(update_fields=["language"])
    with at(TUESDAY):
        waiting = escalated()
        result = meeting_rhythm()
    meeting = group.meetings.get()
    # Tomorrow (Wednesday) at the earliest, with what waits as its agenda.
    assert meeting.held_on == datetime.date(2026, 12, 2)
    assert meeting.drafted and meeting.status == Meeting.Status.PLANNED
    assert [i.ticket_id for i in meeting.items.all()] == [waiting.pk]
    # The city's standing meeting is drafted too.
    assert Meeting.objects.filter(kind=Meeting.Kind.STANDING, region=group.region).count() == 1
    # Wednesday is the next working day: the members and the leader are reminded now, once.
    assert result.reminded == 2
    reminded = set(
        Notification.objects.filter(kind="meeting.reminder").values_list("recipient", flat=True)
    )
    assert {member.pk, chair.pk, people.office.pk} <= reminded
    assert people.east_office.pk not in reminded  # a county office sits in no city meeting
    # Each in the recipient's language.
    notes = Notification.objects.filter(kind="meeting.reminder")
    assert notes.get(recipient=member).body == "1 problem is on the agenda."
    assert notes.get(recipient=chair).body == "议程上有 1 件诉求。"
    with at(TUESDAY, hour=15):
        again = meeting_rhythm()
    assert again.counts == {"drafted": 0, "added_items": 0, "reminded": 0, "missed": 0}
    assert Notification.objects.filter(kind="meeting.reminder").count() == len(reminded)


def test_the_next_meeting_follows_the_cadence_and_the_agenda_takes_in_new_problems(setting):
    group, member, chair, escalated = setting
    with at(TUESDAY):
        first = escalated()
        meeting_rhythm()
    meeting = group.meetings.get()
    with at(datetime.date(2026, 12, 2), hour=8):
        later = escalated()
        result = meeting_rhythm()
    assert result.added_items == 1
    assert set(meeting.items.values_list("ticket_id", flat=True)) == {first.pk, later.pk}
    with at(datetime.date(2026, 12, 2), hour=17):
        meeting_close(actor=chair, meeting=meeting, minutes="研究了两件")
        meeting_rhythm()
    nxt = group.meetings.get(status=Meeting.Status.PLANNED)
    assert nxt.held_on == datetime.date(2026, 12, 9)  # a week after the last
    group.cadence = SpecialGroup.Cadence.BIWEEKLY
    group.save()
    nxt.delete()
    with at(datetime.date(2026, 12, 3)):
        meeting_rhythm()
    assert group.meetings.get(status=Meeting.Status.PLANNED).held_on == datetime.date(2026, 12, 16)


def test_the_standing_meeting_is_monthly(people, setting):
    with at(TUESDAY):
        meeting_rhythm()
    standing = Meeting.objects.get(kind=Meeting.Kind.STANDING)
    assert standing.held_on == datetime.date(2026, 12, 2)
    with at(datetime.date(2026, 12, 2), hour=17):
        meeting_close(actor=people.office, meeting=standing, minutes="本月无联企事项")
        meeting_rhythm()
    nxt = Meeting.objects.get(kind=Meeting.Kind.STANDING, status=Meeting.Status.PLANNED)
    # A month after 2 December 2026 is Saturday 2 January 2027: the next working day.
    assert nxt.held_on == datetime.date(2027, 1, 4)


def test_a_meeting_without_minutes_is_flagged_to_the_office_once(people, setting):
    group, member, chair, escalated = setting
    with at(TUESDAY):
        escalated()
        meeting_rhythm()
    meeting = group.meetings.get()
    with at(datetime.date(2026, 12, 3)):  # the day after: not yet a working day late
        assert meeting_rhythm().missed == 0
    with at(datetime.date(2026, 12, 4)):
        assert meeting_rhythm().missed == 2  # the group's and the standing meeting
        assert meeting_rhythm().missed == 0
    meeting.refresh_from_db()
    assert meeting.is_missed
    flags = Notification.objects.filter(kind="meeting.missed", recipient=people.office)
    assert flags.count() == 2
    assert meeting.get_absolute_url() in set(flags.values_list("url", flat=True))
    # No new meeting is drafted over a missed one: the office holds or closes it first.
    assert group.meetings.filter(status=Meeting.Status.PLANNED).count() == 1


def test_a_meeting_is_not_planned_in_the_past_nor_closed_empty_without_a_note(people, setting):
    group, member, chair, escalated = setting
    with at(TUESDAY), translation.override("en"):
        with pytest.raises(TicketError, match="past"):
            meeting_plan(actor=chair, held_on=datetime.date(2026, 11, 30), group=group)
        assert not group.meetings.exists()
        empty = meeting_plan(actor=chair, held_on=TUESDAY, group=group)
        assert not empty.items.exists()
        with pytest.raises(TicketError, match="agenda is empty"):
            meeting_close(actor=chair, meeting=empty, minutes="  ")
        empty.refresh_from_db()
        assert empty.status == Meeting.Status.PLANNED
        meeting_close(actor=chair, meeting=empty, minutes="无待议事项，取消本次会议")
        empty.refresh_from_db()
        assert empty.status == Meeting.Status.HELD


def test_the_groups_page_links_each_count_to_the_problems_waiting(client, people, setting):
    group, member, chair, escalated = setting
    with at(TUESDAY):
        first, second = escalated(), escalated()
        escalated("labour")  # another group's category
        meeting_rhythm()
        client.force_login(member)
        page = client.get(reverse("issues:groups")).content.decode()
        link = reverse("issues:group-waiting", args=[group.pk])
        assert f'href="{link}"' in page
        assert "2026-12-02" in page  # the next meeting
        listing = client.get(link)
        assert listing.status_code == 200
        assert list(listing.context["page"]) == [first, second]
        assert listing.context["page"].paginator.count == 2
        assert first.number in listing.content.decode()
        # The standing meeting's list is the office's.
        assert client.get(reverse("issues:standing-waiting")).status_code == 404
        client.force_login(people.office)
        assert client.get(reverse("issues:standing-waiting")).status_code == 200
        # A group the user does not belong to is not found, nor is one that does not exist.
        outsider = UserFactory(username="outsider", roles=["special_group"], region=group.region)
        client.force_login(outsider)
        assert client.get(link).status_code == 404
        missing = reverse("issues:group-waiting", args=[group.pk + 100])
        assert client.get(missing).status_code == 404


def test_the_waiting_list_reads_in_constant_queries(
    client, people, setting, django_assert_max_num_queries
):
    group, member, chair, escalated = setting
    with at(TUESDAY):
        client.force_login(member)
        link = reverse("issues:group-waiting", args=[group.pk])
        escalated()
        with django_assert_max_num_queries(12) as few:
            client.get(link)
        for _ in range(6):
            escalated()
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(link)


def test_a_held_meeting_keeps_its_minutes(people, setting):
    group, member, chair, escalated = setting
    with at(TUESDAY), translation.override("en"):
        meeting = meeting_plan(actor=chair, held_on=TUESDAY, group=group)
        meeting_close(actor=chair, meeting=meeting, minutes="无待议事项")
        with pytest.raises(TicketError, match="closed"):
            meeting_close(actor=chair, meeting=meeting, minutes="改写的纪要")
    meeting.refresh_from_db()
    assert meeting.minutes == "无待议事项"
