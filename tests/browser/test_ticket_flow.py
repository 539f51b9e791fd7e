"""The main flow of a problem ticket in the browser: the enterprise reports it, the office
assigns it, the department acknowledges and replies, the enterprise rates it."""

import re

import pytest
from playwright.sync_api import expect

from issues.models import Ticket, Urgency
from issues.services import ticket_acknowledge, ticket_assign
from issues.workflow import State
from tests.factories import PASSWORD, DepartmentFactory, UserFactory, submit_ticket

pytestmark = pytest.mark.browser


def log_in(page, base, username):
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(base + "/")


def log_out(page):
    page.click("#user-menu")
    page.get_by_role("button", name="退出登录").click()


def do(page, action_label, note=None, rating=None):
    form = page.locator("#ticket-actions form").filter(
        has=page.get_by_role("button", name=action_label)
    )
    if rating is not None:
        form.get_by_label(f"{rating} ★", exact=True).check()
    if note is not None:
        form.locator("textarea").fill(note)
    form.get_by_role("button", name=action_label).click()


def test_enterprise_office_department_and_rating(live_server, page, people, companies, regions):
    land = DepartmentFactory(name="市自然资源和规划局", region=regions.city)
    UserFactory(username="handler", roles=["department"], region=regions.city, department=land)
    base = live_server.url

    # The enterprise reports a problem; its only enterprise is chosen for it.
    log_in(page, base, "entuser")
    page.goto(base + "/issues/")
    page.click("#new-ticket")
    page.select_option("#id_category", label="用地")
    page.fill("#id_title", "扩建缺少用地指标")
    page.fill("#id_description", "二期扩建需要新增用地 30 亩。")
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".alert-success")).to_contain_text("已受理登记")
    expect(page.locator("#ticket-state")).to_have_text("已提交")
    ticket = Ticket.objects.get()
    log_out(page)

    # The office assigns it to the department with a deadline.
    log_in(page, base, "office")
    page.goto(f"{base}/issues/{ticket.pk}/")
    assign = page.locator("#ticket-actions form").filter(
        has=page.get_by_role("button", name="交办部门")
    )
    assign.locator("select[name=department]").select_option(label=land.label)  # with its region
    assign.locator("textarea").fill("请五个工作日内办结")
    assign.get_by_role("button", name="交办部门").click()
    expect(page.locator("#ticket-state")).to_have_text("已交办，待签收")
    log_out(page)

    # The department cannot reply before it acknowledges; then it replies.
    log_in(page, base, "handler")
    page.goto(base + "/issues/")
    page.get_by_role("link", name=ticket.number).click()
    expect(page.get_by_role("button", name="答复办理结果")).to_have_count(0)
    do(page, "签收")
    expect(page.locator("#ticket-state")).to_have_text("办理中")
    do(page, "答复办理结果", "已协调新增用地指标，下月挂牌。")
    expect(page.locator("#ticket-state")).to_have_text("已答复，待评价")
    log_out(page)

    # The enterprise sees the outcome and rates it.
    log_in(page, base, "entuser")
    page.goto(f"{base}/issues/{ticket.pk}/")
    expect(page.locator("#ticket-outcome")).to_contain_text("新增用地指标")
    do(page, "确认并评价", "很满意", rating=5)
    expect(page.locator("#ticket-state")).to_have_text("已办结")
    expect(page.locator("#timeline li")).to_have_count(5)
    ticket.refresh_from_db()
    assert ticket.state == State.CLOSED and ticket.rating == 5
    assert page.url.endswith(f"/issues/{ticket.pk}/")
    assert re.search(r"5 / 5", page.content())


def test_sign_off_by_the_head_and_a_second_dissatisfaction(
    live_server, page, people, companies, regions
):
    """An urgent reply goes to the department head; the enterprise, twice dissatisfied, sends
    the ticket up to the special group (never a confirmation)."""
    land = DepartmentFactory(name="市自然资源和规划局", region=regions.city)
    handler = UserFactory(
        username="handler", roles=["department"], region=regions.city, department=land
    )
    UserFactory(
        username="head",
        roles=["department"],
        region=regions.city,
        department=land,
        is_department_head=True,
    )
    ticket = submit_ticket(
        people.east_enterprise, companies.east, title="用电增容", urgency=Urgency.URGENT
    )
    ticket = ticket_assign(actor=people.office, ticket=ticket, department=land)
    ticket_acknowledge(actor=handler, ticket=ticket)
    base = live_server.url
    url = f"{base}/issues/{ticket.pk}/"

    def reply_and_sign_off(outcome):
        log_in(page, base, "handler")
        page.goto(url)
        expect(page.get_by_role("button", name="答复办理结果")).to_have_count(0)
        do(page, "提交答复待审签", outcome)
        expect(page.locator("#ticket-state")).to_have_text("答复待负责人审签")
        log_out(page)
        log_in(page, base, "head")
        page.goto(base + "/issues/")
        page.get_by_role("link", name="待签发").click()
        page.get_by_role("link", name=ticket.number).click()
        do(page, "审签答复")
        expect(page.locator("#ticket-state")).to_have_text("已答复，待评价")
        log_out(page)

    reply_and_sign_off("已协调供电公司，本周内增容。")
    log_in(page, base, "entuser")
    page.goto(url)
    # No default score: without one nothing happens, and the field says why.
    do(page, "不满意，重新办理", "仍未通电")
    expect(page.locator("#id_reopen_rating_error")).to_be_visible()
    expect(page.locator("#ticket-state")).to_have_text("已答复，待评价")
    do(page, "不满意，重新办理", "仍未通电", rating=2)
    expect(page.locator("#ticket-state")).to_have_text("办理中")
    expect(page.locator("#ticket-rating")).to_contain_text("2 / 5")
    log_out(page)

    reply_and_sign_off("已增容，请确认。")
    log_in(page, base, "entuser")
    page.goto(url)
    expect(page.get_by_role("button", name="不满意，重新办理")).to_have_count(0)
    do(page, "再次不满意，提级重办", "电压仍不稳定", rating=1)
    expect(page.locator("#ticket-state")).to_have_text("专项小组研究中")
    expect(page.locator("#timeline")).to_contain_text("再次不满意，提级重办")
    expect(page.locator("#timeline")).not_to_contain_text("确认并评价")
    ticket.refresh_from_db()
    assert ticket.state == State.ESCALATED and ticket.rating == 1


def test_a_report_goes_to_the_named_leader_who_has_it_assigned(
    live_server, page, people, companies, regions
):
    """The office reports a cross-department matter to one named city leader; the report has
    a deadline; only that leader acts on it, and has it assigned to a department."""
    land = DepartmentFactory(name="市自然资源和规划局", region=regions.city)
    other_leader = UserFactory(
        username="leader2", full_name="李副市长", roles=["leader"], region=regions.city
    )
    people.leader.full_name = "王副市长"
    people.leader.save()
    ticket = submit_ticket(people.east_enterprise, companies.east, title="跨部门用地与环评")
    base = live_server.url

    log_in(page, base, "office")
    page.goto(f"{base}/issues/{ticket.pk}/")
    report = page.locator("#ticket-actions form").filter(
        has=page.get_by_role("button", name="呈报市级领导")
    )
    report.locator("select[name=leader]").select_option(label="王副市长")
    report.locator("textarea").fill("涉及规划、环评两个部门，需市级领导统筹")
    report.get_by_role("button", name="呈报市级领导").click()
    expect(page.locator("#ticket-state")).to_have_text("已呈报市级领导")
    ticket.refresh_from_db()
    assert ticket.reported_to == people.leader and ticket.report_due is not None
    # The printed report (呈报单) names the leader and the date the answer is due.
    page.goto(f"{base}/issues/{ticket.pk}/slip/")
    expect(page.locator("#slip-leader")).to_have_text("王副市长")
    expect(page.locator("#slip-report-due")).to_have_text(ticket.report_due.isoformat())
    page.goto(f"{base}/issues/{ticket.pk}/")
    log_out(page)

    # Another leader of the city cannot act on a report that is not before it.
    log_in(page, base, other_leader.username)
    page.goto(f"{base}/issues/{ticket.pk}/")
    expect(page.get_by_role("button", name="交办部门")).to_have_count(0)
    log_out(page)

    # The named leader is told, opens the report and has it assigned to a department.
    log_in(page, base, "leader")
    page.goto(base + "/notifications/")
    page.get_by_role("link", name=re.compile(ticket.number)).first.click()
    assign = page.locator("#ticket-actions form").filter(
        has=page.get_by_role("button", name="交办部门")
    )
    assign.locator("select[name=department]").select_option(label=land.label)
    assign.locator("textarea").fill("请市自然资源和规划局牵头办理")
    assign.get_by_role("button", name="交办部门").click()
    expect(page.locator("#ticket-state")).to_have_text("已交办，待签收")
    ticket.refresh_from_db()
    assert ticket.state == State.ASSIGNED and ticket.lead_department == land
    assert ticket.events.filter(action="assign", actor=people.leader).exists()
