"""What a user does in a real browser: log in, switch language, search, import, phone, scope.

Each test starts from one URL and then only types and clicks; the assertions are on what the
page shows (Chinese, the portal's default language) and, for the import, on the database.
"""

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from enterprises.models import Enterprise
from tests.factories import PASSWORD, make_credit_code

pytestmark = pytest.mark.browser

BAD_CREDIT_CODE = "91350100M000100Y44"  # wrong check character


def log_in(page, username, password=PASSWORD):
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").click()


def nav_link(page, name):
    return page.locator("#mainnav").get_by_role("link", name=name, exact=True)


def test_log_in_lands_on_the_chinese_home_page(live_server, page, people):
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("登录")

    # A wrong password: the translated error, and the user stays on the login page.
    log_in(page, "office", "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("请输入一个正确的")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("#id_username")).to_have_value("office")
    expect(page.locator("#id_password")).to_have_value("")

    log_in(page, "office")
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"欢迎您，{people.office.get_display_name()}"
    )
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(nav_link(page, "企业")).to_be_visible()
    expect(nav_link(page, "导入")).to_be_visible()
    expect(page.locator("#user-menu")).to_contain_text(people.office.get_display_name())


def test_the_footer_switches_language_and_back(live_server, page, people):
    page.goto(live_server.url + "/")
    log_in(page, "office")
    expect(nav_link(page, "企业")).to_be_visible()

    # Choosing a language submits the footer form (static/js/portal.js) and reloads the page.
    page.select_option("#language-select", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    expect(nav_link(page, "Enterprises")).to_be_visible()
    expect(page.locator("#language-select")).to_have_value("en")

    # The choice sticks while browsing.
    nav_link(page, "Enterprises").click()
    expect(page).to_have_url(re.compile(r"/enterprises/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Enterprises")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # And back to Chinese, on the same page.
    page.select_option("#language-select", "zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page).to_have_url(re.compile(r"/enterprises/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("企业")
    expect(nav_link(page, "企业")).to_be_visible()


def test_search_an_enterprise_and_open_it(live_server, page, people, companies):
    page.goto(live_server.url + "/")
    log_in(page, "office")
    nav_link(page, "企业").click()
    expect(page).to_have_url(re.compile(r"/enterprises/$"))
    results = page.locator("#results")
    expect(page.locator("#result-count")).to_have_text("共 2 家企业")
    expect(results).to_contain_text("青州食品有限公司")

    # htmx swaps #results in place: a marker set on the window survives the search.
    page.evaluate("window.__noReload = true")
    search = page.locator("input[name=q]")
    search.click()
    search.press_sequentially("机械")
    # The button, not Enter: Enter fires both "submit" and "search", two requests whose
    # second swap could replace the result link while it is being clicked.
    with page.expect_response(lambda r: "q=%E6%9C%BA%E6%A2%B0" in r.url) as searched:
        page.locator("#enterprise-filters").get_by_role("button", name="搜索").click()
    assert searched.value.request.headers.get("hx-request") == "true"
    expect(page.locator("#result-count")).to_have_text("共 1 家企业")
    expect(results.get_by_role("link", name="潍城机械有限公司")).to_be_visible()
    expect(results).not_to_contain_text("青州食品有限公司")
    expect(page).to_have_url(re.compile(r"[?&]q=%E6%9C%BA%E6%A2%B0"))  # hx-push-url
    assert page.evaluate("window.__noReload") is True

    results.get_by_role("link", name="潍城机械有限公司").click()
    expect(page).to_have_url(re.compile(rf"/enterprises/{companies.east.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("潍城机械有限公司")
    expect(page.locator("dd.credit-code")).to_have_text(companies.east.credit_code)
    expect(page.locator("main")).to_contain_text("潍城区 · 城关街道")


def test_import_with_one_bad_row_imports_nothing_then_the_fixed_file_imports(
    live_server, page, people, regions, tmp_path
):
    good_code = make_credit_code(801)
    fixed_code = make_credit_code(802)
    page.goto(live_server.url + "/")
    log_in(page, "office")
    nav_link(page, "导入").click()
    expect(page).to_have_url(re.compile(r"/enterprises/import/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("导入企业")

    with page.expect_download() as download_info:
        page.click("#template-link")
    template = tmp_path / "template.xlsx"
    download_info.value.save_as(template)
    workbook = load_workbook(template)
    sheet = workbook.active
    assert sheet.cell(row=1, column=1).value == "企业名称*"
    assert sheet.cell(row=1, column=2).value == "统一社会信用代码*"
    sheet.append(["浏览器导入一有限公司", good_code, "370702", "规模以上工业企业"])
    sheet.append(["浏览器导入二有限公司", BAD_CREDIT_CODE, "370702", "规模以上工业企业"])
    upload = tmp_path / "enterprises.xlsx"
    workbook.save(upload)

    submit = page.locator("main form[enctype] button[type=submit]")
    page.set_input_files("input[name=file]", upload)
    submit.click()
    expect(page.locator("#import-failed")).to_contain_text("未导入任何数据")
    problem = page.locator("#import-problems tbody tr").filter(has_text="统一社会信用代码")
    expect(problem).to_have_count(1)
    expect(problem.locator("td").nth(0)).to_have_text("3")
    expect(problem.locator("td").nth(1)).to_have_text("统一社会信用代码")
    expect(page.locator("#import-problems tbody tr")).to_have_count(1)
    assert not Enterprise.objects.filter(credit_code=good_code).exists()
    assert not Enterprise.objects.filter(name__startswith="浏览器导入").exists()

    # Fix the bad row and upload the same file again.
    sheet.cell(row=3, column=2, value=fixed_code)
    workbook.save(upload)
    page.set_input_files("input[name=file]", upload)
    submit.click()
    expect(page.locator(".alert-success")).to_contain_text("导入完成：新增 2 家")
    expect(page.locator("#import-failed")).to_have_count(0)
    assert Enterprise.objects.get(credit_code=good_code).name == "浏览器导入一有限公司"
    assert Enterprise.objects.get(credit_code=fixed_code).region == regions.east


def test_enterprise_user_on_a_phone_sees_only_its_enterprise(
    live_server, phone_page, people, companies, tmp_path
):
    page = phone_page
    page.goto(live_server.url + "/")
    log_in(page, "entuser")
    expect(page.get_by_role("heading", level=1)).to_contain_text("欢迎您")

    # The menu is folded behind the toggler on a phone.
    toggler = page.locator("button.navbar-toggler")
    expect(toggler).to_be_visible()
    my_enterprise = nav_link(page, "我的企业")
    expect(my_enterprise).to_be_hidden()
    toggler.click()
    expect(my_enterprise).to_be_visible()
    expect(nav_link(page, "首页")).to_be_visible()
    expect(nav_link(page, "导入")).to_have_count(0)
    my_enterprise.click()

    expect(page).to_have_url(re.compile(r"/enterprises/$"))
    expect(page.locator("#result-count")).to_have_text("共 1 家企业")
    expect(page.locator("#results").get_by_role("link", name="潍城机械有限公司")).to_be_visible()
    expect(page.locator("#results")).not_to_contain_text("青州食品有限公司")
    # Nothing sticks out sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    shot = tmp_path / "phone-list.png"
    page.screenshot(path=shot, full_page=True)
    assert shot.stat().st_size > 0


def test_an_enterprise_outside_the_users_area_is_a_404(live_server, page, people, companies):
    detail = f"/enterprises/{companies.west.pk}/"
    page.goto(live_server.url + detail)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    with page.expect_response(lambda r: r.url == live_server.url + detail) as response:
        log_in(page, "eastoffice")
    assert response.value.status == 404
    expect(page.locator("main")).to_contain_text("该页面不存在")
    expect(page.locator("main")).to_contain_text("不在您的管辖范围内")
    expect(page.locator("body")).not_to_contain_text("青州食品有限公司")

    # The user's own county is there; the other county's enterprise is not even listed.
    page.get_by_role("link", name="返回首页").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("欢迎您")
    nav_link(page, "企业").click()
    expect(page.locator("#result-count")).to_have_text("共 1 家企业")
    expect(page.locator("#results")).to_contain_text("潍城机械有限公司")
    expect(page.locator("#results")).not_to_contain_text("青州食品有限公司")
