import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from assignments.models import Assignment, AssignmentMode
from assignments.services import AssignmentError, assignment_create, assignment_end

pytestmark = pytest.mark.django_db

MANY = AssignmentMode.MANY_TO_ONE


def link(actor, cadre, target, **kwargs):
    key = "enterprise" if target.__class__.__name__ == "Enterprise" else "project"
    return assignment_create(actor=actor, cadre=cadre, **{key: target}, **kwargs)


def refused(actor, cadre, target, **kwargs) -> str:
    with pytest.raises(AssignmentError) as info:
        link(actor, cadre, target, **kwargs)
    return " ".join(info.value.messages)


def test_a_department_level_cadre_serves_at_most_four_enterprises(people, cadres, firms):
    for firm in firms.east[:4]:
        link(people.office, cadres.ting, firm)
    message = refused(people.office, cadres.ting, firms.east[4])
    assert "厅级" in message and "4" in message and cadres.ting.name in message
    assert Assignment.objects.filter(cadre=cadres.ting).count() == 4


def test_project_quota_is_separate_from_the_enterprise_quota(people, cadres, firms, projects):
    for project in projects[:3]:
        link(people.office, cadres.ting, project)
    assert "3" in refused(people.office, cadres.ting, projects[3])
    link(people.office, cadres.ting, firms.east[0])  # enterprises still free


def test_a_deputy_serves_two_enterprises_and_one_project(people, cadres, firms, projects):
    link(people.office, cadres.deputy, firms.east[0])
    link(people.office, cadres.deputy, firms.east[1])
    refused(people.office, cadres.deputy, firms.east[2])
    link(people.office, cadres.deputy, projects[0])
    refused(people.office, cadres.deputy, projects[1])


def test_section_chiefs_in_economic_departments_count_enterprises_or_projects(
    people, cadres, firms, projects
):
    link(people.office, cadres.chief, firms.east[0])
    link(people.office, cadres.chief, projects[0])
    with translation.override("en"):
        message = refused(people.office, cadres.chief, firms.east[1])
    assert "enterprise(s) or project(s) in all" in message and "2" in message


def test_many_to_one_only_for_the_ranks_the_policy_allows(people, cadres, firms):
    firm = firms.east[0]
    link(people.office, cadres.chief, firm, mode=MANY)
    link(people.office, cadres.chief2, firm, mode=MANY, is_primary=False)
    # A deputy may not work many-to-one, and a section chief outside an economic department
    # has no rule that allows it either.
    assert "一对一" in refused(people.office, cadres.deputy, firm, mode=MANY, is_primary=False)
    assert refused(people.office, cadres.func_chief, firm, mode=MANY, is_primary=False)
    assert Assignment.objects.filter(enterprise=firm).count() == 2


def test_a_one_to_one_link_excludes_other_cadres(people, cadres, firms):
    firm = firms.east[0]
    link(people.office, cadres.deputy, firm)
    message = refused(people.office, cadres.chief, firm, mode=MANY, is_primary=False)
    assert cadres.deputy.name in message
    # And a one-to-one link cannot join a target that already has cadres.
    other = firms.east[1]
    link(people.office, cadres.chief, other, mode=MANY)
    assert refused(people.office, cadres.head, other, is_primary=False)


def test_only_one_primary_contact(people, cadres, firms):
    firm = firms.east[0]
    link(people.office, cadres.chief, firm, mode=MANY)
    message = refused(people.office, cadres.chief2, firm, mode=MANY, is_primary=True)
    assert cadres.chief.name in message


def test_qingdao_refuses_a_second_leader_naming_the_first(people, cadres, firms, use_policy):
    use_policy("qingdao")
    firm = firms.east[0]
    # Qingdao sets no many-to-one rule, so make the first link many-to-one through the
    # database and check the leader rule on its own.
    Assignment.objects.create(
        cadre=cadres.ting,
        enterprise=firm,
        start_date=datetime.date(2026, 1, 1),
        term_end=datetime.date(2029, 1, 1),
        mode=MANY,
    )
    message = refused(people.office, cadres.ting2, firm, mode=MANY, is_primary=False)
    assert cadres.ting.name in message and "领导" in message


def test_qingdao_leaders_link_one_or_two_enterprises(people, cadres, firms, use_policy):
    use_policy("qingdao")
    link(people.office, cadres.ting, firms.east[0])
    link(people.office, cadres.ting, firms.east[1])
    assert "2" in refused(people.office, cadres.ting, firms.east[2])


def test_links_stay_within_the_assigners_area(people, cadres, firms):
    # The county office may link its own cadres to its own enterprises …
    link(people.east_office, cadres.chief, firms.east[0])
    # … but not a cadre of another county, nor an enterprise of another county.
    with translation.override("en"):
        assert "not in your area" in refused(people.east_office, cadres.west, firms.east[1])
        assert "not in your area" in refused(people.east_office, cadres.deputy, firms.west[0])
    # The city office may link a city cadre to a county enterprise.
    link(people.office, cadres.head, firms.west[0])


def test_inactive_cadres_and_enterprises_cannot_be_linked(people, cadres, firms):
    cadres.deputy.is_active = False
    cadres.deputy.save()
    refused(people.office, cadres.deputy, firms.east[0])
    firms.east[1].is_active = False
    firms.east[1].save()
    refused(people.office, cadres.chief, firms.east[1])


def test_roles_that_do_not_manage_links_are_refused(people, cadres, firms):
    for user in (people.leader, people.department, people.cadre, people.east_enterprise):
        refused(user, cadres.chief, firms.east[0])
    assert not Assignment.objects.exists()


def test_the_same_pair_cannot_be_linked_twice(people, cadres, firms):
    link(people.office, cadres.ting, firms.east[0])
    assert "已" in refused(people.office, cadres.ting, firms.east[0])


def test_the_database_refuses_what_the_rules_refuse(people, cadres, firms, projects):
    day = datetime.date(2026, 1, 1)
    later = datetime.date(2029, 1, 1)
    Assignment.objects.create(
        cadre=cadres.ting, enterprise=firms.east[0], start_date=day, term_end=later
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            cadre=cadres.ting, enterprise=firms.east[0], start_date=day, term_end=later
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(cadre=cadres.ting, start_date=day, term_end=later)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            cadre=cadres.ting,
            enterprise=firms.east[1],
            project=projects[0],
            start_date=day,
            term_end=later,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            cadre=cadres.ting, enterprise=firms.east[2], start_date=later, term_end=day
        )


def test_the_default_term_is_three_years(people, cadres, firms):
    assignment = link(
        people.office, cadres.ting, firms.east[0], start_date=datetime.date(2026, 3, 1)
    )
    assert assignment.term_end == datetime.date(2029, 3, 1)
    with translation.override("en"):
        message = refused(
            people.office,
            cadres.ting,
            firms.east[1],
            start_date=datetime.date(2026, 3, 1),
            term_end=datetime.date(2026, 2, 1),
        )
    assert "after the start date" in message


def test_ending_keeps_the_link_and_frees_the_quota(people, cadres, firms):
    links = [
        link(people.office, cadres.deputy, f, start_date=datetime.date(2025, 1, 1))
        for f in firms.east[:2]
    ]
    refused(people.office, cadres.deputy, firms.east[2])
    assignment_end(actor=people.office, assignment=links[0], reason="企业迁出")
    links[0].refresh_from_db()
    assert links[0].ended_on is not None and links[0].end_reason == "企业迁出"
    assert links[0].history.first().history_user == people.office
    link(people.office, cadres.deputy, firms.east[2])
    assert Assignment.objects.filter(cadre=cadres.deputy).count() == 3  # nothing deleted
    # The ended pair may be linked again later.
    assignment_end(actor=people.office, assignment=links[1])
    link(people.office, cadres.deputy, firms.east[0])


def test_ending_is_checked(people, cadres, firms):
    assignment = link(
        people.office, cadres.deputy, firms.east[0], start_date=datetime.date(2025, 6, 1)
    )
    with pytest.raises(AssignmentError):
        assignment_end(
            actor=people.office, assignment=assignment, ended_on=datetime.date(2025, 5, 1)
        )
    with pytest.raises(AssignmentError):
        assignment_end(
            actor=people.office, assignment=assignment, ended_on=datetime.date(2099, 1, 1)
        )
    with pytest.raises(AssignmentError):
        assignment_end(actor=people.leader, assignment=assignment)
    assignment_end(actor=people.office, assignment=assignment)
    with pytest.raises(AssignmentError):
        assignment_end(actor=people.office, assignment=assignment)


def test_the_one_to_one_refusal_does_not_count_other_areas_cadres(people, cadres, firms):
    firm = firms.east[1]
    link(people.office, cadres.chief2, firm, mode=MANY)  # a city cadre: outside the county
    link(people.office, cadres.chief, firm, mode=MANY, is_primary=False)
    with translation.override("en"):
        message = refused(people.east_office, cadres.deputy, firm, is_primary=False)
    assert message == f"{firm.name} already has a cadre: a further link must be many-to-one."
