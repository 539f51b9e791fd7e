"""The liaison office links a cadre to an enterprise in a real browser; the cadre then finds it.

Typing in the search boxes makes htmx fill the selects; the quota of a county deputy is refused
next to the enterprise field and writes nothing; the cadre's "my enterprises" page shows the
enterprise's liaison person, on a desktop and on a phone.
"""

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from assignments.models import Assignment
from assignments.services import assignment_create
from org.models import Department
from tests.assignments.conftest import make_cadre
from tests.factories import (
    PASSWORD,
    DepartmentFactory,
    EnterpriseFactory,
    LiaisonPersonFactory,
)

pytestmark = pytest.mark.browser

ASSIGNMENTS = "包靠联系"  # msgid "Assignments"
MINE = "我联系的企业和项目"  # msgid "My enterprises and projects"
LINK_BUTTON = "确定包靠"  # msgid "Link"
LOG_OUT = "退出登录"  # msgid "Log out"


def log_in(page, username, password=PASSWORD):
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").click()


def nav_link(page, name):
    return page.locator("#mainnav").get_by_role("link", name=name, exact=True)


@pytest.fixture
def links(regions, people):
    """Two cadres whose names share 孙, a county deputy already at the top of the quota, and
    enterprises whose names share 精密 (the first with a liaison person)."""
    econ = DepartmentFactory(
        name="潍城区商务局", region=regions.east, kind=Department.Kind.ECONOMIC
    )
    func = DepartmentFactory(name="市生态环境局", region=regions.city)
    chief = make_cadre("孙科", "section_chief", regions.east, econ)
    other = make_cadre("孙启", "county_head", regions.city, func)
    deputy = make_cadre("钱副", "county_deputy", regions.east, econ)
    target = EnterpriseFactory(name="潍城精密机械有限公司", region=regions.east_town)
    sibling = EnterpriseFactory(name="潍城精密铸造有限公司", region=regions.east_town)
    served = [
        EnterpriseFactory(name=f"潍城化工{i}有限公司", region=regions.east_town) for i in (1, 2)
    ]
    third = EnterpriseFactory(name="潍城纺织有限公司", region=regions.east_town)
    liaison = LiaisonPersonFactory(
        enterprise=target, name="刘联络", phone="13912345678", position="办公室主任"
    )
    for firm in served:
        assignment_create(actor=people.office, cadre=deputy, enterprise=firm)
    return SimpleNamespace(
        chief=chief,
        other=other,
        deputy=deputy,
        target=target,
        sibling=sibling,
        served=served,
        third=third,
        liaison=liaison,
    )


def search_and_pick(page, box, select, text, value, expected_count):
    """Type in a search box, wait for htmx to fill the select, then choose one option."""
    with page.expect_response(re.compile(r"/assignments/search/")) as searched:
        page.locator(box).press_sequentially(text)
    assert searched.value.request.headers.get("hx-request") == "true"
    # Results, not counting the "choose one of the results" placeholder.
    options = page.locator(f"{select} option:not([disabled])")
    expect(options).to_have_count(expected_count)
    page.select_option(select, str(value))
    expect(page.locator(select)).to_have_value(str(value))


def test_the_office_links_a_cadre_and_the_cadre_finds_the_enterprise(
    live_server, page, phone_page, people, links, tmp_path
):
    page.goto(live_server.url + "/")
    log_in(page, "office")
    nav_link(page, ASSIGNMENTS).click()
    expect(page).to_have_url(re.compile(r"/assignments/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(ASSIGNMENTS)
    expect(page.locator("#assignment-table tbody tr")).to_have_count(2)  # the deputy's links

    # The link form: search the cadre and the enterprise, keep the defaults, link.
    page.click("#new-link")
    expect(page).to_have_url(re.compile(r"/assignments/new/$"))
    expect(page.locator("#id_target_kind_0")).to_be_checked()  # an enterprise
    expect(page.locator("#enterprise_q")).to_be_visible()
    expect(page.locator("#project_q")).to_be_hidden()
    search_and_pick(page, "#cadre_q", "#id_cadre", "孙", links.chief.pk, 2)
    cadre_option = page.locator(f"#id_cadre option[value='{links.chief.pk}']")
    expect(cadre_option).to_have_text("孙科 · 正科级 · 潍城区商务局")
    expect(page.locator("#id_cadre")).to_contain_text("孙启")
    search_and_pick(page, "#enterprise_q", "#id_enterprise", "精密", links.target.pk, 2)
    expect(page.locator("#id_enterprise")).to_contain_text("潍城精密铸造有限公司")
    page.get_by_role("button", name=LINK_BUTTON).click()

    expect(page).to_have_url(re.compile(r"/assignments/$"))
    expect(page.locator(".alert-success")).to_contain_text(
        "已安排 孙科 包靠联系 潍城精密机械有限公司。"
    )
    row = page.locator("#assignment-table tbody tr").filter(has_text="孙科")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("潍城精密机械有限公司")
    expect(row).to_contain_text("正科级")
    expect(page.locator("#assignment-table tbody tr")).to_have_count(3)
    link = Assignment.objects.get(cadre=links.chief)
    assert (link.enterprise, link.ended_on, link.created_by) == (links.target, None, people.office)

    # A county deputy already serves two enterprises: a third is refused, nothing is written.
    page.click("#new-link")
    search_and_pick(page, "#cadre_q", "#id_cadre", "钱", links.deputy.pk, 1)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        search_and_pick(page, "#enterprise_q", "#id_enterprise", "纺织", links.third.pk, 1)
        page.get_by_role("button", name=LINK_BUTTON).click()
    assert posted.value.status == 422
    expect(page).to_have_url(re.compile(r"/assignments/new/$"))
    error = page.locator("#id_enterprise ~ .invalid-feedback")
    expect(error).to_be_visible()
    expect(error).to_contain_text("县处级副职")
    expect(error).to_contain_text("最多联系 2 家企业")
    expect(page.locator("#id_enterprise")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator(".alert-success")).to_have_count(0)
    assert set(
        Assignment.objects.filter(cadre=links.deputy).values_list("enterprise", flat=True)
    ) == {firm.pk for firm in links.served}
    assert not Assignment.objects.filter(enterprise=links.third).exists()
    assert Assignment.objects.count() == 3

    # Log out through the user menu, and in again as the cadre just linked.
    page.click("#user-menu")
    page.get_by_role("button", name=LOG_OUT).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    log_in(page, "u-孙科")
    expect(page.get_by_role("heading", level=1)).to_contain_text("欢迎您")
    expect(nav_link(page, ASSIGNMENTS)).to_have_count(0)
    nav_link(page, MINE).click()
    expect(page).to_have_url(re.compile(r"/assignments/mine/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(MINE)
    cards = page.locator("#my-enterprises .card")
    expect(cards).to_have_count(1)
    card = cards.first
    expect(card.get_by_role("link", name="潍城精密机械有限公司")).to_be_visible()
    expect(card).to_contain_text("刘联络")
    expect(card).to_contain_text("办公室主任")
    expect(card.get_by_role("link", name="13912345678")).to_have_attribute(
        "href", "tel:13912345678"
    )
    expect(page.locator("main")).not_to_contain_text("潍城化工")  # the deputy's

    # The same page on a phone: nothing sticks out sideways.
    phone = phone_page
    phone.goto(live_server.url + "/")
    log_in(phone, "u-孙科")
    phone.locator("button.navbar-toggler").click()
    nav_link(phone, MINE).click()
    expect(phone).to_have_url(re.compile(r"/assignments/mine/$"))
    phone_card = phone.locator("#my-enterprises .card")
    expect(phone_card).to_contain_text("刘联络")
    expect(phone_card.get_by_role("link", name="13912345678")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot = tmp_path / "phone-mine.png"
    phone.screenshot(path=shot, full_page=True)
    assert shot.stat().st_size > 0


def test_enter_in_a_search_box_searches_and_an_error_keeps_the_choices(
    live_server, page, people, links
):
    page.goto(live_server.url + "/assignments/new/")
    log_in(page, "office")
    expect(page).to_have_url(re.compile(r"/assignments/new/$"))
    page.locator("#cadre_q").fill("钱")
    with page.expect_response(re.compile(r"/assignments/search/cadres/")):
        page.locator("#cadre_q").press("Enter")
    # Still on the form, nothing submitted, the results are there.
    expect(page).to_have_url(re.compile(r"/assignments/new/$"))
    expect(page.locator(".invalid-feedback")).to_have_count(0)
    page.select_option("#id_cadre", str(links.deputy.pk))
    page.locator("#enterprise_q").fill("纺织")
    with page.expect_response(re.compile(r"/assignments/search/enterprises/")):
        page.locator("#enterprise_q").press("Enter")
    page.select_option("#id_enterprise", str(links.third.pk))
    page.get_by_role("button", name="确定包靠").click()
    # The quota error, with the cadre and the enterprise still chosen.
    expect(page.locator("#id_enterprise ~ .invalid-feedback")).to_contain_text("县处级副职")
    expect(page.locator("#id_cadre")).to_have_value(str(links.deputy.pk))
    expect(page.locator("#id_enterprise")).to_have_value(str(links.third.pk))
