"""Every ticket action of the registry (issues/actions.py), through the pages: the button is
offered where the action is possible, its label names the transition it performs, and bad
input is refused next to its field with nothing written."""

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from issues import services
from issues.actions import REGISTRY
from issues.models import Ticket, Urgency
from issues.workflow import TABLE, Action, State
from tests.factories import DepartmentFactory, UserFactory, submit_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(people, regions):
    land = DepartmentFactory(name="市自然资源和规划局", region=regions.city)
    handler = UserFactory(
        username="handler", roles=["department"], region=regions.city, department=land
    )
    head = UserFactory(
        username="head",
        roles=["department"],
        region=regions.city,
        department=land,
        is_department_head=True,
    )
    return SimpleNamespace(land=land, handler=handler, head=head, **vars(people))


def _new(staff, companies, urgency=Urgency.NORMAL, title="扩建缺少用地指标"):
    return submit_ticket(staff.east_enterprise, companies.east, title=title, urgency=urgency)


def _assigned(staff, companies, **kw):
    return services.ticket_assign(
        actor=staff.office, ticket=_new(staff, companies, **kw), department=staff.land
    )


def _in_progress(staff, companies, **kw):
    return services.ticket_acknowledge(
        actor=staff.handler, ticket=_assigned(staff, companies, **kw)
    )


def _replied(staff, companies):
    return services.ticket_reply(
        actor=staff.handler, ticket=_in_progress(staff, companies), outcome="已协调"
    )


def _reopened_and_replied(staff, companies):
    ticket = services.ticket_rate(
        actor=staff.east_enterprise,
        ticket=_replied(staff, companies),
        rating=2,
        satisfied=False,
        comment="没解决",
    )
    return services.ticket_reply(actor=staff.handler, ticket=ticket, outcome="再次协调")


def _signoff(staff, companies):
    return services.ticket_submit_reply(
        actor=staff.handler,
        ticket=_in_progress(staff, companies, urgency=Urgency.URGENT),
        outcome="初稿",
    )


def _with_duplicate(staff, companies):
    _new(staff, companies, title="用地指标不足")
    return _new(staff, companies)


def _info_requested(staff, companies):
    return services.ticket_request_info(
        actor=staff.handler, ticket=_in_progress(staff, companies), question="请补充规划图"
    )


def _extension_asked(staff, companies):
    return services.ticket_request_extension(
        actor=staff.handler, ticket=_in_progress(staff, companies), working_days=5, reason="协调中"
    )


def _escalated(staff, companies):
    """Escalated by the department while no special group covers its category."""
    return services.ticket_escalate(
        actor=staff.handler, ticket=_in_progress(staff, companies), note="需要多部门协调"
    )


def _other_category(staff):
    from issues.models import Category

    return Category.objects.exclude(code="land").order_by("order", "code").first().pk


# action: (build the ticket in a state where it is offered, who acts, valid input)
SCENARIOS = {
    Action.ASSIGN: (_new, "office", lambda s: {"department": s.land.pk, "working_days": "5"}),
    Action.REPORT: (_new, "office", lambda s: {"leader": s.leader.pk, "note": "涉及三个部门"}),
    Action.PASS_UP: (_new, "east_office", lambda s: {"note": "需市级协调"}),
    Action.RECLASSIFY: (_new, "office", lambda s: {"category": _other_category(s)}),
    Action.TO_MEETING: (_escalated, "office", lambda s: {"note": "无专项小组"}),
    Action.DECLINE: (_new, "office", lambda s: {"note": "属于司法程序", "confirm": "on"}),
    Action.MERGE: (_with_duplicate, "office", None),  # the suggested duplicate, chosen
    Action.ACKNOWLEDGE: (_assigned, "handler", lambda s: {}),
    Action.RETURN: (_assigned, "handler", lambda s: {"note": "不属于本部门职责"}),
    Action.REQUEST_INFO: (_in_progress, "handler", lambda s: {"note": "请补充规划图"}),
    Action.PROVIDE_INFO: (_info_requested, "east_enterprise", lambda s: {"note": "已上传"}),
    Action.REPLY: (_in_progress, "handler", lambda s: {"note": "已协调解决"}),
    Action.SUBMIT_REPLY: (
        lambda s, c: _in_progress(s, c, urgency=Urgency.URGENT),
        "handler",
        lambda s: {"note": "初稿"},
    ),
    Action.REQUEST_EXTENSION: (
        _in_progress,
        "handler",
        lambda s: {"working_days": "5", "note": "协调中"},
    ),
    Action.DECIDE_EXTENSION: (_extension_asked, "office", lambda s: {"decision": "yes"}),
    Action.SIGN_OFF: (_signoff, "head", lambda s: {}),
    Action.SEND_BACK: (_signoff, "head", lambda s: {"note": "补充依据"}),
    Action.ESCALATE: (_in_progress, "handler", lambda s: {"note": "需要多部门协调"}),
    Action.CONFIRM: (_replied, "east_enterprise", lambda s: {"rating": "4"}),
    Action.REOPEN: (_replied, "east_enterprise", lambda s: {"rating": "2", "note": "没解决"}),
    Action.REWORK: (
        _reopened_and_replied,
        "east_enterprise",
        lambda s: {"rating": "1", "note": "仍未解决"},
    ),
    Action.WITHDRAW: (_new, "east_enterprise", lambda s: {"note": "已自行解决", "confirm": "on"}),
}


def test_every_registry_entry_has_a_scenario():
    assert set(SCENARIOS) == set(REGISTRY)


def _button(html: str, action: str) -> str:
    """The label of the submit button of the action's form on the page, or ''."""
    form = re.search(rf'<form[^>]*data-action="{action}".*?</form>', html, re.S)
    if form is None:
        return ""
    button = re.search(r'<button class="btn[^"]*" type="submit">([^<]*)</button>', form.group(0))
    return button.group(1).strip() if button else ""


@pytest.mark.parametrize("action", list(SCENARIOS), ids=str)
def test_each_button_performs_the_transition_its_label_names(client, staff, companies, action):
    build, who, data = SCENARIOS[action]
    ticket = build(staff, companies)
    source = ticket.state
    client.force_login(getattr(staff, who))
    url = reverse("issues:detail", args=[ticket.pk])
    html = client.get(url).content.decode()
    label = str(Action(action).label)
    assert _button(html, action) == label
    if data is None:  # merge: the likely duplicate is offered, not filled in
        form = client.get(url).context["action_forms"]
        merge = next(f for e, f in form if e.action == Action.MERGE)
        (number, _label), *_ = merge.fields["suggested"].choices
        assert 'name="into" value=' not in html
        payload = {"suggested": number}
    else:
        payload = data(staff)
    before = ticket.events.count()
    response = client.post(reverse("issues:act", args=[ticket.pk]), {"action": action, **payload})
    assert response.status_code == 302, response.content.decode()[:2000]
    ticket.refresh_from_db()
    event = ticket.events.order_by("created_at", "pk").last()
    assert ticket.events.count() == before + 1
    assert event.action == action and event.from_state == source
    assert ticket.state == event.to_state == TABLE[(source, action)].target
    client.force_login(staff.office)
    timeline = client.get(url).content.decode()
    assert label in timeline.split('id="timeline"')[1]


def test_urgency_decides_between_reply_and_submit_for_sign_off(client, staff, companies):
    normal = _in_progress(staff, companies)
    urgent = _in_progress(staff, companies, urgency=Urgency.URGENT)
    client.force_login(staff.handler)
    offered = {
        t.pk: {e.action for e, _f in client.get(t.get_absolute_url()).context["action_forms"]}
        for t in (normal, urgent)
    }
    assert Action.REPLY in offered[normal.pk] and Action.SUBMIT_REPLY not in offered[normal.pk]
    assert Action.SUBMIT_REPLY in offered[urgent.pk] and Action.REPLY not in offered[urgent.pk]
    # Posting the other one anyway is refused; the state does not move.
    response = client.post(
        reverse("issues:act", args=[normal.pk]), {"action": "submit_reply", "note": "x"}
    )
    assert response.status_code == 422
    normal.refresh_from_db()
    assert normal.state == State.IN_PROGRESS


# action: the fields that must be reported when the form comes back empty
REQUIRED = {
    Action.ASSIGN: {"department"},
    Action.REPORT: {"leader", "note"},
    Action.PASS_UP: {"note"},
    Action.RECLASSIFY: {"category"},
    Action.DECLINE: {"note", "confirm"},
    Action.MERGE: {"into"},
    Action.RETURN: {"note"},
    Action.REQUEST_INFO: {"note"},
    Action.PROVIDE_INFO: {"note"},
    Action.REPLY: {"note"},
    Action.SUBMIT_REPLY: {"note"},
    Action.REQUEST_EXTENSION: {"working_days", "note"},
    Action.DECIDE_EXTENSION: {"decision"},
    Action.SEND_BACK: {"note"},
    Action.CONFIRM: {"rating"},
    Action.REOPEN: {"rating", "note"},
    Action.REWORK: {"rating", "note"},
    Action.WITHDRAW: {"note", "confirm"},
}


@pytest.mark.parametrize("action", list(REQUIRED), ids=str)
def test_missing_input_is_named_next_to_its_field_and_nothing_is_written(
    client, staff, companies, action
):
    build, who, _data = SCENARIOS[action]
    ticket = build(staff, companies)
    state, events = ticket.state, ticket.events.count()
    client.force_login(getattr(staff, who))
    response = client.post(reverse("issues:act", args=[ticket.pk]), {"action": action})
    assert response.status_code == 422
    form = next(f for e, f in response.context["action_forms"] if e.action == action)
    assert set(form.errors) == REQUIRED[action]
    html = response.content.decode()
    for name in REQUIRED[action]:
        assert f'id="id_{action}_{name}_error"' in html  # shown next to the field
    ticket.refresh_from_db()
    assert ticket.state == state and ticket.events.count() == events


@pytest.mark.parametrize("days", ["-3", "0", "999", "²", "abc", "1" * 30])
def test_working_days_out_of_range_say_which_field_and_the_range(client, staff, companies, days):
    ticket = _new(staff, companies)
    client.force_login(staff.office)
    response = client.post(
        reverse("issues:act", args=[ticket.pk]),
        {"action": "assign", "department": staff.land.pk, "working_days": days},
    )
    assert response.status_code == 422
    html = response.content.decode()
    with translation.override(response.context["LANGUAGE_CODE"]):
        error = str(response.context["action_forms"][0][1].errors["working_days"][0])
    assert "1" in error and "120" in error
    assert escape(error) in html
    # The chosen department stays chosen.
    assert re.search(rf'<option value="{staff.land.pk}" selected>', html)
    assert Ticket.objects.get(pk=ticket.pk).state == State.SUBMITTED


@pytest.mark.parametrize(
    "field,value",
    [("department", "abc"), ("department", "²"), ("department", "9" * 30), ("department", "-1")],
)
def test_a_department_that_is_no_choice_is_refused(client, staff, companies, field, value):
    ticket = _new(staff, companies)
    client.force_login(staff.office)
    response = client.post(
        reverse("issues:act", args=[ticket.pk]), {"action": "assign", field: value}
    )
    assert response.status_code == 422
    assert field in response.context["action_forms"][0][1].errors
    assert Ticket.objects.get(pk=ticket.pk).state == State.SUBMITTED


def test_an_unknown_action_is_refused(client, staff, companies):
    ticket = _new(staff, companies)
    client.force_login(staff.office)
    response = client.post(reverse("issues:act", args=[ticket.pk]), {"action": "²"})
    assert response.status_code == 422
    assert Ticket.objects.get(pk=ticket.pk).state == State.SUBMITTED


def test_the_assignment_says_where_and_by_when(client, staff, companies):
    ticket = _new(staff, companies)
    client.force_login(staff.office)
    response = client.post(
        reverse("issues:act", args=[ticket.pk]),
        {"action": "assign", "department": staff.land.pk, "working_days": "5"},
        follow=True,
    )
    ticket.refresh_from_db()
    html = response.content.decode()
    due = ticket.due_date.isoformat()
    success = html.split('class="alert alert-success')[1].split("</div>")[0]
    assert ticket.number in success and staff.land.name in success and due in success
    timeline = html.split('id="timeline"')[1]
    assert staff.land.name in timeline and due in timeline


def test_destructive_steps_look_different_and_ask_for_confirmation(client, staff, companies):
    ticket = _new(staff, companies)
    client.force_login(staff.office)
    html = client.get(ticket.get_absolute_url()).content.decode()
    for action in ("decline", "merge"):
        form = re.search(rf'<form[^>]*data-action="{action}".*?</form>', html, re.S).group(0)
        assert "btn-outline-danger" in form
    assign = re.search(r'<form[^>]*data-action="assign".*?</form>', html, re.S).group(0)
    assert "btn-primary" in assign
    decline = re.search(r'<form[^>]*data-action="decline".*?</form>', html, re.S).group(0)
    assert 'type="checkbox" name="confirm"' in decline
    # Without the tick nothing happens, whatever the reason says.
    client.post(reverse("issues:act", args=[ticket.pk]), {"action": "decline", "note": "x"})
    assert Ticket.objects.get(pk=ticket.pk).state == State.SUBMITTED


def test_an_unrelated_ticket_is_not_suggested_for_merging(client, staff, companies):
    other = submit_ticket(staff.east_enterprise, companies.east, title="招工难", category="labour")
    ticket = _new(staff, companies)
    client.force_login(staff.office)
    response = client.get(ticket.get_absolute_url())
    merge = next(f for e, f in response.context["action_forms"] if e.action == Action.MERGE)
    assert merge.duplicates == []
    assert other.number not in response.content.decode()


def test_a_cadres_report_is_shown_as_the_cadres(client, staff, companies, regions):
    from issues.models import Source

    ticket = submit_ticket(staff.office, companies.east, source=Source.CADRE)
    Ticket.objects.filter(pk=ticket.pk).update(submitted_by=staff.cadre)
    ticket.events.update(actor=staff.cadre)
    client.force_login(staff.office)
    html = client.get(ticket.get_absolute_url()).content.decode()
    first = html.split('id="timeline"')[1].split("</li>")[0]
    name = staff.cadre.get_display_name()
    assert "干部" in first and name in first
    assert "联络办" not in first
    source = html.split('id="ticket-source">')[1].split("</dd>")[0]
    assert "干部" in source and name in source


def test_uploads_appear_on_the_timeline(client, staff, companies):
    from django.core.files.uploadedfile import SimpleUploadedFile

    ticket = _new(staff, companies)
    client.force_login(staff.east_enterprise)
    from tests.org import files

    pdf = SimpleUploadedFile("规划图.pdf", files.pdf())
    client.post(reverse("issues:attach", args=[ticket.pk]), {"file": pdf})
    timeline = client.get(ticket.get_absolute_url()).content.decode().split('id="timeline"')[1]
    assert "规划图.pdf" in timeline
    assert staff.east_enterprise.get_display_name() in timeline


def test_an_overdue_ticket_says_so_on_its_page(client, staff, companies):
    import datetime

    from django.utils import timezone

    ticket = _in_progress(staff, companies)
    Ticket.objects.filter(pk=ticket.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=10)
    )
    client.force_login(staff.handler)
    response = client.get(ticket.get_absolute_url())
    assert response.context["overdue_days"] >= 5
    assert 'id="ticket-overdue"' in response.content.decode()


def test_the_enterprise_never_sees_the_internal_slip(client, staff, companies):
    ticket = _assigned(staff, companies)
    client.force_login(staff.east_enterprise)
    assert (
        reverse("issues:slip", args=[ticket.pk])
        not in client.get(ticket.get_absolute_url()).content.decode()
    )
    assert client.get(reverse("issues:slip", args=[ticket.pk])).status_code == 404
    client.force_login(staff.office)
    slip = client.get(reverse("issues:slip", args=[ticket.pk]))
    assert slip.status_code == 200 and "css/slip.css" in slip.content.decode()
    from django.contrib.staticfiles import finders

    with open(finders.find("css/slip.css"), encoding="utf-8") as css:
        assert "size: A4" in css.read()
