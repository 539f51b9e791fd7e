"""Terms of the links: only current links count, a link past its term is ended by the nightly
sweep (set-based, idempotent, history kept) after a reminder 30 days before; one primary
contact per enterprise in the database; the presets' minimums as the seeds say."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from assignments.models import Assignment
from assignments.rules import RuleBook
from assignments.selectors import (
    cadres_serving,
    coverage_for_user,
    my_assignments,
    my_link_counts,
    uncovered_enterprises,
)
from assignments.services import AssignmentError, assignment_create
from assignments.tasks import terms_sweep
from assignments.terms import REMIND_DAYS, sweep_terms
from notifications.models import Notification
from tests.assignments.conftest import make_cadre

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    return TODAY


def old_link(cadre, enterprise, *, start=datetime.date(2019, 3, 1), term_end=None, **extra):
    """A link made years ago (before the term rules), written straight to the table."""
    return Assignment.objects.create(
        cadre=cadre,
        enterprise=enterprise,
        start_date=start,
        term_end=term_end or datetime.date(2020, 3, 1),
        **extra,
    )


def test_a_link_dated_wholly_in_the_past_is_refused(people, cadres, firms):
    with pytest.raises(AssignmentError) as refused:
        assignment_create(
            actor=people.office,
            cadre=cadres.ting,
            enterprise=firms.east[0],
            start_date=datetime.date(2019, 1, 1),
            term_end=datetime.date(2020, 1, 1),
        )
    assert "2020-01-01" in refused.value.message_dict["term_end"][0]
    assert not Assignment.objects.exists()
    # A link that started in the past and is still in its term is fine.
    link = assignment_create(
        actor=people.office,
        cadre=cadres.ting,
        enterprise=firms.east[0],
        start_date=datetime.date(2024, 1, 1),
    )
    assert link.term_end == datetime.date(2027, 1, 1)


def test_a_link_past_its_term_counts_nowhere_even_before_the_sweep(people, cadres, firms):
    cadre_user = cadres.deputy.user
    lapsed = old_link(cadres.deputy, firms.east[0])
    assert lapsed.ended_on is None
    # Coverage: the enterprise has no cadre, and the cadre serves nothing.
    coverage = coverage_for_user(people.office)
    assert coverage.enterprises.covered == 0
    assert coverage.cadres.linked == 0 and coverage.cadres.enterprises == 0
    assert firms.east[0] in uncovered_enterprises(user=people.office)
    # The cadre's page and the enterprise's page.
    assert my_assignments(user=cadre_user) == []
    assert my_link_counts(user=cadre_user) == {"enterprises": 0, "projects": 0}
    assert cadres_serving(enterprise_ids=[firms.east[0].pk]) == {}
    # The problems: the cadre neither sees the enterprise's tickets nor reports for it.
    from issues.models import Source
    from issues.permissions import submittable_enterprises, tickets_for_user
    from tests.factories import submit_ticket

    ticket = submit_ticket(people.office, firms.east[0], source=Source.OFFICE)
    assert not tickets_for_user(cadre_user).filter(pk=ticket.pk).exists()
    assert not submittable_enterprises(cadre_user).filter(pk=firms.east[0].pk).exists()
    # The rule book: the lapsed link takes no quota (副县级 may serve 2 enterprises).
    book = RuleBook(actor=people.office).load(cadre_ids=[cadres.deputy.pk])
    assert book.counts[cadres.deputy.pk].enterprises == 0
    # The same pair may be linked again at once: the lapsed link is ended first.
    renewed = assignment_create(actor=people.office, cadre=cadres.deputy, enterprise=firms.east[0])
    lapsed.refresh_from_db()
    assert lapsed.ended_on == datetime.date(2020, 3, 1)
    assert renewed.is_active and coverage_for_user(people.office).enterprises.covered == 1


def test_the_sweep_ends_links_past_their_term_once_and_keeps_them(people, cadres, firms):
    lapsed = [old_link(cadres.ting, firm) for firm in firms.east[:3]]
    last_day = old_link(cadres.head, firms.east[3], start=TODAY.replace(year=2023), term_end=TODAY)
    current = assignment_create(actor=people.office, cadre=cadres.ting2, enterprise=firms.east[4])

    assert sweep_terms().counts["ended"] == 3
    for link in lapsed:
        link.refresh_from_db()
        assert link.ended_on == link.term_end == datetime.date(2020, 3, 1)
        assert link.end_reason == "任期届满"
        assert link.history.first().ended_on == link.ended_on  # the audit trail has the end
    for link in (last_day, current):  # a term runs to the end of its last day
        link.refresh_from_db()
        assert link.ended_on is None
    assert Assignment.objects.count() == 5  # never deleted

    history = Assignment.history.count()
    assert sweep_terms().counts == {"ended": 0, "reminded": 0}  # idempotent
    assert Assignment.history.count() == history


def test_the_sweep_ends_in_a_fixed_number_of_queries(
    people, cadres, firms, django_assert_max_num_queries
):
    for firm in firms.east:
        old_link(cadres.ting, firm)
    with django_assert_max_num_queries(8):
        assert sweep_terms().counts["ended"] == 6


def test_the_cadre_and_the_nearest_office_are_reminded_once(people, cadres, firms):
    soon = old_link(
        cadres.deputy,
        firms.east[0],
        start=TODAY.replace(year=2023),
        term_end=TODAY + datetime.timedelta(days=REMIND_DAYS - 10),
    )
    later = old_link(
        cadres.deputy,
        firms.east[1],
        start=TODAY.replace(year=2024),
        term_end=TODAY + datetime.timedelta(days=REMIND_DAYS + 1),
        is_primary=True,
    )
    assert sweep_terms().counts["reminded"] == 1
    notices = Notification.objects.filter(kind="assignment_term")
    # The east county's office (the enterprise is in one of its towns), not the city's too.
    assert {n.recipient for n in notices} == {cadres.deputy.user, people.east_office}
    assert all(firms.east[0].name in n.title and str(soon.term_end) in n.title for n in notices)
    soon.refresh_from_db()
    later.refresh_from_db()
    assert soon.reminder_sent_on == TODAY and later.reminder_sent_on is None

    assert sweep_terms().counts["reminded"] == 0  # once per link
    assert Notification.objects.filter(kind="assignment_term").count() == 2


def test_the_task_runs_the_sweep_and_beat_runs_it_nightly(people, cadres, firms):
    old_link(cadres.ting, firms.east[0])
    assert terms_sweep.apply().get() == {"ended": 1, "reminded": 0}
    task = PeriodicTask.objects.get(task="assignments.tasks.terms_sweep")
    assert task.enabled and task.crontab.hour == "1" and task.interval is None


def test_the_database_holds_one_primary_contact_per_enterprise(cadres, firms):
    ended = old_link(
        cadres.ting, firms.east[0], is_primary=True, ended_on=datetime.date(2020, 3, 1)
    )
    first = old_link(cadres.ting2, firms.east[0], term_end=datetime.date(2027, 1, 1))
    assert ended.is_primary and first.is_primary  # an ended primary does not count
    with pytest.raises(IntegrityError), transaction.atomic():
        old_link(cadres.head, firms.east[0], term_end=datetime.date(2027, 1, 1))
    # A second, non-primary contact is fine; so is a primary of another enterprise.
    old_link(cadres.head, firms.east[0], term_end=datetime.date(2027, 1, 1), is_primary=False)
    old_link(cadres.head, firms.east[1], term_end=datetime.date(2027, 1, 1))


def rank_row(coverage, name):
    return next(row for row in coverage.cadres_by_rank if row.label == name)


def test_weifang_senior_ranks_are_short_until_they_serve_their_quota(
    people, cadres, firms, projects
):
    # 李厅 (厅级) serves nothing; 王厅 serves 4 enterprises but 2 of its 3 projects: both short.
    for firm in firms.east[:4]:
        assignment_create(actor=people.office, cadre=cadres.ting, enterprise=firm)
    for project in projects[:2]:
        assignment_create(actor=people.office, cadre=cadres.ting, project=project)
    ting = rank_row(coverage_for_user(people.office), "厅级")
    assert ting.cadres == 2 and ting.under == 2 and ting.over == 0
    # With its third project 王厅 serves its quota; 李厅 is still short.
    assignment_create(actor=people.office, cadre=cadres.ting, project=projects[2])
    ting = rank_row(coverage_for_user(people.office), "厅级")
    assert ting.under == 1 and ting.over == 0


def test_tongxiang_minimum_is_for_leaders_and_department_staff_only(
    people, regions, cadres, firms, use_policy
):
    use_policy("tongxiang")
    # A town cadre with no department and a junior rank has no minimum under Tongxiang.
    town = make_cadre("冯镇", "section_deputy", regions.east_town)
    other = make_cadre("陈员", "other", regions.east)
    coverage = coverage_for_user(people.office)
    assert coverage.cadres.cadres == 10
    assert coverage.cadres.under == 8  # the eight leaders and department staff of the fixture
    junior = {row.label: row for row in coverage.cadres_by_rank}
    assert junior[town.rank.name].under == 0 and junior[other.rank.name].under == 0
    # A leader with three enterprises is no longer short.
    for firm in firms.east[:3]:
        assignment_create(actor=people.office, cadre=cadres.ting, enterprise=firm)
    assert coverage_for_user(people.office).cadres.under == 7


def test_the_list_shows_a_lapsed_link_among_the_ended_ones(client, people, cadres, firms):
    old_link(cadres.deputy, firms.east[0])
    client.force_login(people.office)
    url = reverse("assignments:list")
    assert firms.east[0].name not in client.get(url).content.decode()  # not among the active
    page = client.get(url, {"status": "ended"}).content.decode()
    assert firms.east[0].name in page
    assert "结束于 2020-03-01" in page and f"{url}{Assignment.objects.get().pk}/end/" not in page
