import datetime

import pytest
from django.urls import reverse

from assignments.models import Assignment, AssignmentMode
from assignments.selectors import coverage_for_user
from assignments.services import assignment_create
from tests.assignments.conftest import make_cadre
from tests.factories import EnterpriseFactory, LiaisonPersonFactory

pytestmark = pytest.mark.django_db


def test_the_office_links_a_cadre_through_the_form(client, people, cadres, firms):
    client.force_login(people.office)
    options = client.get(reverse("assignments:search-cadres"), {"cadre_q": "孙"}).content.decode()
    assert cadres.chief.name in options and cadres.ting.name not in options
    response = client.post(
        reverse("assignments:create"),
        {
            "cadre": cadres.chief.pk,
            "target_kind": "enterprise",
            "enterprise": firms.east[0].pk,
            "start_date": "2026-03-01",
            "mode": AssignmentMode.ONE_TO_ONE,
            "is_primary": "on",
        },
    )
    assert response.status_code == 302
    link = Assignment.objects.get()
    assert (link.cadre, link.enterprise, link.term_end) == (
        cadres.chief,
        firms.east[0],
        datetime.date(2029, 3, 1),
    )


def test_form_errors_are_shown_next_to_the_fields(client, people, cadres, firms):
    client.force_login(people.office)
    for firm in firms.east[:2]:
        assignment_create(actor=people.office, cadre=cadres.deputy, enterprise=firm)
    response = client.post(
        reverse("assignments:create"),
        {
            "cadre": cadres.deputy.pk,
            "target_kind": "enterprise",
            "enterprise": firms.east[2].pk,
            "start_date": "2026-03-01",
            "mode": AssignmentMode.ONE_TO_ONE,
        },
    )
    assert response.status_code == 422
    assert "县处级副职" in str(response.context["form"].errors["enterprise"])
    # Missing and foreign choices are errors, not 500s.
    response = client.post(
        reverse("assignments:create"), {"target_kind": "project", "start_date": "x"}
    )
    assert response.status_code == 422
    assert {"cadre", "project", "start_date", "mode"} <= set(response.context["form"].errors)


def test_a_county_office_cannot_pick_a_cadre_of_another_county(client, people, cadres, firms):
    client.force_login(people.east_office)
    options = client.get(reverse("assignments:search-cadres"), {"cadre_q": "郑"}).content.decode()
    assert cadres.west.name not in options
    response = client.post(
        reverse("assignments:create"),
        {
            "cadre": cadres.west.pk,
            "target_kind": "enterprise",
            "enterprise": firms.east[0].pk,
            "start_date": "2026-03-01",
            "mode": AssignmentMode.ONE_TO_ONE,
        },
    )
    assert response.status_code == 422
    assert "cadre" in response.context["form"].errors
    assert not Assignment.objects.exists()


def test_ending_a_link_from_the_list(client, people, cadres, firms):
    link = assignment_create(
        actor=people.office,
        cadre=cadres.chief,
        enterprise=firms.east[0],
        start_date=datetime.date(2025, 1, 1),
    )
    client.force_login(people.office)
    response = client.post(
        reverse("assignments:end", args=[link.pk]), {"ended_on": "", "reason": ""}
    )
    assert response.status_code == 422
    response = client.post(
        reverse("assignments:end", args=[link.pk]), {"ended_on": "2026-01-10", "reason": "调岗"}
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.ended_on == datetime.date(2026, 1, 10)
    listed = client.get(reverse("assignments:list")).context["page"].object_list
    assert link not in listed
    assert (
        link
        in client.get(reverse("assignments:list"), {"status": "ended"}).context["page"].object_list
    )


def test_my_enterprises_shows_the_liaison_persons_in_constant_queries(
    client, people, cadres, regions, django_assert_max_num_queries
):
    firms = [EnterpriseFactory(region=regions.east) for _ in range(2)]
    for firm in firms:
        LiaisonPersonFactory(enterprise=firm, name=f"联络{firm.pk}")
        assignment_create(actor=people.office, cadre=cadres.ting, enterprise=firm)
    client.force_login(cadres.ting.user)
    with django_assert_max_num_queries(10) as small:
        response = client.get(reverse("assignments:mine"))
    html = response.content.decode()
    assert all(f"联络{f.pk}" in html for f in firms)
    more = [EnterpriseFactory(region=regions.east) for _ in range(2)]
    for firm in more:
        LiaisonPersonFactory(enterprise=firm)
        assignment_create(actor=people.office, cadre=cadres.ting, enterprise=firm)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("assignments:mine"))


def test_the_enterprise_sees_who_serves_it_and_nothing_else(client, people, cadres, companies):
    assignment_create(
        actor=people.office, cadre=cadres.deputy, enterprise=companies.east, note="内部备注"
    )
    client.force_login(people.east_enterprise)
    html = client.get(reverse("enterprises:detail", args=[companies.east.pk])).content.decode()
    assert cadres.deputy.name in html and cadres.deputy.department.name in html
    assert "内部备注" not in html
    assert client.get("/api/v1/assignments/").json()["results"] == []


def coverage_totals_add_up(coverage):
    for rows, total in (
        (coverage.by_region, coverage.enterprises),
        (coverage.by_category, coverage.enterprises),
    ):
        assert sum(r.total for r in rows) == total.total
        assert sum(r.covered for r in rows) == total.covered
    for rows in (coverage.cadres_by_region, coverage.cadres_by_rank, coverage.cadres_by_department):
        for attr in ("cadres", "linked", "enterprises", "projects", "under", "over"):
            assert sum(getattr(r, attr) for r in rows) == getattr(coverage.cadres, attr)


def test_coverage_counts_add_up_and_flag_quotas(people, cadres, firms, projects, use_policy):
    assignment_create(actor=people.office, cadre=cadres.ting, enterprise=firms.east[0])
    assignment_create(actor=people.office, cadre=cadres.ting, project=projects[0])
    # Under Weifang a senior cadre is short until it serves its quota (王厅 serves 1 of 4
    # enterprises and 1 of 3 projects), and a section chief of an economic department with
    # nothing is under the 1–2 minimum; a section chief of a functional department has no rule.
    coverage = coverage_for_user(people.office)
    coverage_totals_add_up(coverage)
    assert coverage.enterprises.total == 8 and coverage.enterprises.covered == 1
    assert coverage.projects.total == 5 and coverage.projects.covered == 1
    assert coverage.cadres.cadres == 8
    assert coverage.cadres.under == 7  # everyone but the functional section chief
    # Under Tongxiang leaders and middle-level department staff need three enterprises.
    use_policy("tongxiang")
    coverage = coverage_for_user(people.office)
    assert coverage.cadres.under == 8
    coverage_totals_add_up(coverage)
    # A county office sees its county only.
    east = coverage_for_user(people.east_office)
    assert east.enterprises.total == 6
    assert {r.label for r in east.by_region} == {"城关街道"}
    coverage_totals_add_up(east)


def test_over_quota_shows_when_a_policy_tightens(people, cadres, firms, use_policy):
    for firm in firms.east[:3]:
        assignment_create(actor=people.office, cadre=cadres.ting, enterprise=firm)
    use_policy("qingdao")  # leaders 1–2 enterprises
    assert coverage_for_user(people.office).cadres.over == 1


def test_coverage_page_runs_in_constant_queries(
    client, people, regions, depts, django_assert_max_num_queries
):
    client.force_login(people.office)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("assignments:coverage"))
    for i in range(15):
        cadre = make_cadre(f"新干部{i}", "county_deputy", regions.east, depts.east_econ)
        firm = EnterpriseFactory(region=regions.east_town)
        assignment_create(actor=people.office, cadre=cadre, enterprise=firm)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("assignments:coverage"))
    assert response.context["coverage"].enterprises.covered == 15


def test_list_filters_and_paginates_in_constant_queries(
    client, people, cadres, firms, projects, django_assert_max_num_queries
):
    for firm in firms.east[:2]:
        assignment_create(actor=people.office, cadre=cadres.deputy, enterprise=firm)
    assignment_create(actor=people.office, cadre=cadres.ting, project=projects[0])
    client.force_login(people.office)
    url = reverse("assignments:list")
    client.get(reverse("home"))  # the first request after log-in also renews the session
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.context["page"].paginator.count == 3
    assert client.get(url, {"kind": "project"}).context["page"].paginator.count == 1
    assert client.get(url, {"rank": cadres.deputy.rank_id}).context["page"].paginator.count == 2
    assert client.get(url, {"q": "潍城企业1"}).context["page"].paginator.count == 1
    bad = client.get(url, {"rank": "x", "status": "nope"})
    assert bad.status_code == 200 and {"rank", "status"} <= set(bad.context["form"].errors)


def test_the_admin_goes_through_the_same_rules(client, people, cadres, firms):
    for firm in firms.east[:2]:
        assignment_create(actor=people.office, cadre=cadres.deputy, enterprise=firm)
    client.force_login(people.superuser)
    response = client.post(
        reverse("admin:assignments_assignment_add"),
        {
            "cadre": cadres.deputy.pk,
            "enterprise": firms.east[2].pk,
            "start_date": "2026-03-01",
            "mode": AssignmentMode.ONE_TO_ONE,
            "is_primary": "on",
        },
    )
    assert response.status_code == 200
    assert "县处级副职" in str(response.context["adminform"].form.errors)
    response = client.post(
        reverse("admin:assignments_assignment_add"),
        {
            "cadre": cadres.ting.pk,
            "enterprise": firms.east[2].pk,
            "start_date": "2026-03-01",
            "mode": AssignmentMode.ONE_TO_ONE,
            "is_primary": "on",
        },
    )
    assert response.status_code == 302
    assert Assignment.objects.get(cadre=cadres.ting).term_end == datetime.date(2029, 3, 1)


def test_the_api_creates_through_the_rules_and_hides_other_areas(client, people, cadres, firms):
    client.force_login(people.east_office)
    response = client.post(
        "/api/v1/assignments/",
        {"cadre": cadres.deputy.pk, "enterprise": firms.east[0].pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    response = client.post(
        "/api/v1/assignments/",
        {"cadre": cadres.west.pk, "enterprise": firms.east[1].pk},
        content_type="application/json",
    )
    assert response.status_code == 400 and "cadre" in response.json()
    for firm in firms.east[1:2]:
        client.post(
            "/api/v1/assignments/",
            {"cadre": cadres.deputy.pk, "enterprise": firm.pk},
            content_type="application/json",
        )
    response = client.post(
        "/api/v1/assignments/",
        {"cadre": cadres.deputy.pk, "enterprise": firms.east[2].pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "县处级副职" in str(response.json())
    link = Assignment.objects.filter(cadre=cadres.deputy).first()
    response = client.post(
        f"/api/v1/assignments/{link.pk}/end/", {"reason": "调整"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["ended_on"]
    client.force_login(people.leader)
    assert (
        client.post("/api/v1/assignments/", {}, content_type="application/json").status_code == 403
    )


def test_the_form_keeps_the_choices_after_an_error_and_prefills_from_the_enterprise(
    client, people, cadres, firms
):
    for firm in firms.east[:2]:
        assignment_create(actor=people.office, cadre=cadres.deputy, enterprise=firm)
    client.force_login(people.office)
    response = client.post(
        reverse("assignments:create"),
        {
            "cadre": cadres.deputy.pk,
            "target_kind": "enterprise",
            "enterprise": firms.east[2].pk,
            "start_date": "2026-03-01",
            "mode": AssignmentMode.ONE_TO_ONE,
        },
    )
    html = response.content.decode()
    assert f'<option value="{cadres.deputy.pk}" selected>' in html
    assert f'<option value="{firms.east[2].pk}" selected>' in html
    # The enterprise page's button opens the form with that enterprise chosen.
    html = client.get(
        reverse("assignments:create"), {"enterprise": firms.east[3].pk}
    ).content.decode()
    assert f'<option value="{firms.east[3].pk}" selected>' in html
    # An id from outside the area is not shown.
    html = client.get(reverse("assignments:create"), {"enterprise": 999999}).content.decode()
    assert 'value="999999"' not in html
