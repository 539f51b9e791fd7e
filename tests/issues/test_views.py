import pytest
from django.urls import reverse

from issues.models import Category, Ticket
from issues.workflow import State
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def land(regions):
    return DepartmentFactory(name="市自然资源和规划局", region=regions.city)


@pytest.fixture
def handler(land, regions):
    return UserFactory(
        username="handler", roles=["department"], region=regions.city, department=land
    )


def submit(client, enterprise, **extra):
    data = {
        "enterprise": enterprise.pk,
        "category": Category.objects.get(code="land").pk,
        "title": "扩建用地",
        "description": "缺少用地指标",
        "urgency": "normal",
        **extra,
    }
    return client.post(reverse("issues:create"), data)


def act(client, ticket, action, **data):
    return client.post(reverse("issues:act", args=[ticket.pk]), {"action": action, **data})


def test_the_path_through_the_pages(client, people, companies, land, handler):
    client.force_login(people.east_enterprise)
    form = client.get(reverse("issues:create")).content.decode()
    assert companies.east.name in form  # its only enterprise, chosen for it
    response = submit(client, companies.east)
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and ticket.source == "enterprise"

    client.force_login(people.office)
    assert act(client, ticket, "assign").status_code == 422  # no department chosen
    assert act(client, ticket, "assign", department=land.pk, note="请办理").status_code == 302
    slip = client.get(reverse("issues:slip", args=[ticket.pk])).content.decode()
    assert land.name in slip and ticket.number in slip

    client.force_login(handler)
    assert ticket in client.get(reverse("issues:list")).context["page"].object_list
    assert act(client, ticket, "reply", note="已办").status_code == 422  # not acknowledged
    act(client, ticket, "acknowledge")
    act(client, ticket, "reply", note="已协调解决")

    client.force_login(people.east_enterprise)
    detail = client.get(reverse("issues:detail", args=[ticket.pk])).content.decode()
    assert "已协调解决" in detail
    act(client, ticket, "confirm", rating="5", satisfied="yes", note="满意")
    ticket.refresh_from_db()
    assert ticket.state == State.CLOSED and ticket.rating == 5
    timeline = client.get(reverse("issues:detail", args=[ticket.pk])).context["ticket"].events.all()
    assert [e.to_state for e in timeline] == [
        "submitted",
        "assigned",
        "in_progress",
        "replied",
        "closed",
    ]


def test_bad_input_is_refused_clearly(client, people, companies):
    client.force_login(people.east_enterprise)
    response = submit(client, companies.east, title="", description="")
    assert response.status_code == 422
    assert {"title", "description"} <= set(response.context["form"].errors)
    response = submit(client, companies.west)  # not its enterprise
    assert response.status_code == 422 and "enterprise" in response.context["form"].errors
    assert not Ticket.objects.exists()
    client.force_login(people.office)
    response = client.get(reverse("issues:list"), {"state": "nope", "category": "x"})
    assert response.status_code == 200 and {"state", "category"} <= set(
        response.context["form"].errors
    )


ROLES = [
    "superuser",
    "admin",
    "office",
    "east_office",
    "cadre",
    "department",
    "special_group",
    "leader",
    "point",
    "east_enterprise",
    "west_enterprise",
    "no_role",
]
SEES = {"superuser", "admin", "office", "east_office", "leader", "east_enterprise"}
SUBMITS = {
    "superuser",
    "admin",
    "office",
    "east_office",
    # The cadre here serves no enterprise, so it has none to report for (a serving cadre's
    # reports are in test_permissions.py).
    "east_enterprise",
    "west_enterprise",
}


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, people, companies, role):
    client.force_login(people.east_enterprise)
    submit(client, companies.east)
    ticket = Ticket.objects.get()
    client.force_login(getattr(people, role))
    listed = set(client.get(reverse("issues:list")).context["page"].object_list)
    assert listed == ({ticket} if role in SEES else set())
    for name in ("issues:detail", "issues:slip"):
        response = client.get(reverse(name, args=[ticket.pk]))
        expected = 404 if role not in SEES or name == "issues:slip" else 200
        assert response.status_code == expected, (name, role)
    response = act(client, ticket, "decline", note="x", confirm="on")
    if role in {"superuser", "admin", "office", "east_office"}:
        assert response.status_code == 302
    else:
        assert response.status_code in ({404} if role not in SEES else {422})
        assert Ticket.objects.get().state == State.SUBMITTED
    assert client.get(reverse("issues:create")).status_code == (200 if role in SUBMITS else 403)


def test_the_office_sees_likely_duplicates_and_standard_reasons(client, people, companies):
    client.force_login(people.east_enterprise)
    submit(client, companies.east)
    submit(client, companies.east, title="再次反映用地")
    first, second = Ticket.objects.order_by("pk")
    client.force_login(people.office)
    html = client.get(reverse("issues:detail", args=[second.pk])).content.decode()
    assert first.number in html and "不属于政府职责" in html
    act(client, second, "merge", into=first.number)
    second.refresh_from_db()
    assert second.state == State.MERGED and second.merged_into == first


def test_bulk_assign(client, people, companies, land):
    client.force_login(people.east_enterprise)
    for _ in range(3):
        submit(client, companies.east)
    ids = list(Ticket.objects.values_list("pk", flat=True))
    client.force_login(people.east_enterprise)
    assert (
        client.post(
            reverse("issues:bulk-assign"), {"ticket": ids, "department": land.pk}
        ).status_code
        == 403
    )
    client.force_login(people.office)
    response = client.post(reverse("issues:bulk-assign"), {"ticket": ids[:2], "department": ""})
    assert response.status_code == 302 and not Ticket.objects.filter(state="assigned").exists()
    client.post(reverse("issues:bulk-assign"), {"ticket": ids[:2], "department": land.pk})
    assert set(Ticket.objects.filter(state="assigned").values_list("pk", flat=True)) == set(ids[:2])
    # Assigned ones cannot be assigned again; the refusal is reported, nothing else changes.
    client.post(reverse("issues:bulk-assign"), {"ticket": ids, "department": land.pk})
    assert Ticket.objects.filter(state="assigned").count() == 3


def test_a_cross_department_matter_is_reported_to_a_leader(client, people, companies, land):
    client.force_login(people.east_enterprise)
    submit(client, companies.east)
    ticket = Ticket.objects.get()
    client.force_login(people.office)
    act(client, ticket, "report", leader=people.leader.pk, note="涉及自然资源、住建、环保三个部门")
    ticket.refresh_from_db()
    assert ticket.reported_to == people.leader and ticket.report_due
    report = client.get(reverse("issues:slip", args=[ticket.pk])).content.decode()
    assert "呈报单" in report and "三个部门" in report
    assert people.leader.get_display_name() in report.split('id="slip-leader"')[1]
    assert ticket.report_due.isoformat() in report.split('id="slip-report-due"')[1]
    client.force_login(people.leader)
    actions = client.get(reverse("issues:detail", args=[ticket.pk])).context["actions"]
    assert {a.value for a in actions} == {"assign", "escalate"}
    act(client, ticket, "assign", department=land.pk, note="请市自然资源和规划局牵头")
    ticket.refresh_from_db()
    assert ticket.state == State.ASSIGNED and ticket.lead_department == land


def test_a_merge_target_outside_the_scope_is_no_ticket(client, people, companies):
    client.force_login(people.west_enterprise)
    submit(client, companies.west)
    client.force_login(people.east_enterprise)
    submit(client, companies.east)
    west, east = Ticket.objects.order_by("pk")
    client.force_login(people.east_office)  # sees its county's tickets, not the west's
    response = act(client, east, "merge", into=west.number)
    assert response.status_code == 422
    assert "没有该编号的诉求" in response.content.decode()
    assert Ticket.objects.get(pk=east.pk).state == State.SUBMITTED
