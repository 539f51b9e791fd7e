"""WCAG 2.1 AA in a real browser: axe-core over every page of every role's menu.

Every demo account (one per role, plus a county's liaison office) logs in, in Chinese and in
English, on a desktop and on a 390-pixel phone, and axe-core (vendored in
static/vendor/axe-core, added to the page from the portal's own static files as the CSP allows)
checks its home page and every page its menu links to. In Chinese on the phone (the portal's
usual reader) it goes one step further: the pages the buttons of those pages open (forms,
imports, call-backs...) and one page of each kind their tables link to (a ticket, an enterprise).
A serious or critical violation fails the test with the page, the rule and the elements. The
demo data (``seed_demo``) gives the pages real content: long tables that scroll, a board full of
problems, the coverage figures.
"""

import re
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.management import call_command
from django.templatetags.static import static
from playwright.sync_api import expect

from org.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from org.roles import Role

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser

LANGUAGES = ["zh-hans", "en"]
VIEWPORTS = {
    "desktop": {"viewport": DESKTOP},
    "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True, "device_scale_factor": 2},
}
BLOCKING = ("serious", "critical")
# The pages of a role: its menu's links and its user menu's (the Django admin has its own look).
MENU_LINKS = """() => [...new Set(
    [...document.querySelectorAll("#mainnav a[href^='/']")]
      .map(a => a.getAttribute("href"))
      .filter(href => !href.startsWith("/admin/"))
)]"""
# What a page leads to: its buttons, and the links of its tables (a ticket, an enterprise...).
NEXT_LINKS = """() => [...new Set(
    [...document.querySelectorAll("main a.btn[href^='/'], main table a[href^='/']")]
      .map(a => a.getAttribute("href").split("?")[0])
      .filter(href => !href.startsWith("/admin/") && !href.endsWith(".xlsx"))
)]"""
AXE_RUN = """async () => {
    const result = await axe.run(document, {resultTypes: ["violations"]});
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
    }));
}"""


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", "--scale", "demo", verbosity=0)
    return SimpleNamespace(url=live_server.url)


def open_as(new_page, base, username, language, viewport):
    page = new_page(**VIEWPORTS[viewport])
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}]
    )
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(base + "/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    return page


def axe_violations(page, base):
    page.wait_for_load_state("networkidle")  # htmx's late parts (the bell's badge) are in
    page.add_script_tag(url=base + static("vendor/axe-core/axe.min.js"))
    return [v for v in page.evaluate(AXE_RUN) if v["impact"] in BLOCKING]


def next_pages(page, base, paths):
    """The pages that `paths` lead to, one of each kind (/issues/12/ stands for every ticket)."""
    kinds = {re.sub(r"\d+", "0", path) for path in paths}
    found = []
    for path in paths:
        page.goto(base + path)
        for target in page.evaluate(NEXT_LINKS):
            kind = re.sub(r"\d+", "0", target)
            if kind not in kinds:
                kinds.add(kind)
                found.append(target)
    return found


def test_every_role_is_audited():
    """The accounts walked below hold every role of the portal."""
    assert {role for _username, role, *_rest in DEMO_ACCOUNTS} == set(Role)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_of_every_role_passes_axe(demo, new_page, language, viewport):
    deep = (language, viewport) == ("zh-hans", "phone")
    failures = []
    audited = 0
    for username, *_rest in DEMO_ACCOUNTS:
        page = open_as(new_page, demo.url, username, language, viewport)
        paths = ["/", *(p for p in page.evaluate(MENU_LINKS) if p != "/")]
        if deep:
            paths += next_pages(page, demo.url, paths)
        for path in paths:
            response = page.goto(demo.url + path)
            assert response.status == 200, f"{username} {path}: {response.status}"
            audited += 1
            failures += [
                f"{username} {path}: {v['id']} ({v['impact']}) {v['help']}: {v['nodes']}"
                for v in axe_violations(page, demo.url)
            ]
        page.context.close()
    assert audited >= 4 * len(DEMO_ACCOUNTS)
    assert not failures, "\n".join(failures)


def test_a_scrolling_table_is_reached_and_scrolled_with_the_keyboard(demo, new_page):
    """On a phone the coverage tables are wider than the screen: Tab reaches each one, named
    after its heading, and the arrow keys scroll it."""
    page = open_as(new_page, demo.url, "office", "en", "phone")
    page.goto(demo.url + "/assignments/coverage/")
    region = page.get_by_role("region", name="Enterprises by region")
    expect(region).to_have_attribute("tabindex", "0")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('aria-label')") == (
            "Enterprises by region"
        ):
            break
    expect(region).to_be_focused()
    assert region.evaluate("el => el.scrollLeft") == 0
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("el => el.scrollLeft > 0", arg=region.element_handle())

    # On a desktop the same table fits: no needless stop for the keyboard.
    desktop = open_as(new_page, demo.url, "office", "en", "desktop")
    desktop.goto(demo.url + "/assignments/coverage/")
    expect(desktop.locator("#by-region")).to_be_visible()
    expect(desktop.get_by_role("region", name="Enterprises by region")).to_have_count(0)


# The width the selected choice of each visible select needs, and the width it has.
SELECT_FITS = """() => [...document.querySelectorAll("main select")]
  .filter(s => s.offsetParent !== null)
  .map(s => {
    const style = getComputedStyle(s);
    const ctx = document.createElement("canvas").getContext("2d");
    ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const text = s.selectedOptions.length ? s.selectedOptions[0].text : "";
    const room = s.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return {name: s.name, text, need: Math.ceil(ctx.measureText(text).width), room};
  })"""
STACK_LABELS = """() => [...document.querySelectorAll(".table-responsive-stack td[data-label]")]
  .slice(0, 20).map(td => getComputedStyle(td, "::before").content)"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_phone_filters_show_whole_labels_and_the_languages_colon(demo, new_page, language):
    page = open_as(new_page, demo.url, "office", language, "phone")
    for path in ["/issues/", "/assignments/", "/enterprises/"]:
        page.goto(demo.url + path)
        cut = [s for s in page.evaluate(SELECT_FITS) if s["need"] > s["room"]]
        assert not cut, f"{path}: {cut}"
    page.goto(demo.url + "/issues/")
    labels = page.evaluate(STACK_LABELS)
    assert labels
    colon = "：" if language == "zh-hans" else ": "
    assert all(label.endswith(f'{colon}"') for label in labels), labels
    if language == "en":
        assert not any("：" in label for label in labels)


def test_the_enterprise_home_page_leads_to_reporting_and_to_its_problems(demo, new_page):
    page = open_as(new_page, demo.url, "enterprise", "zh-hans", "phone")
    report = page.get_by_role("link", name="反映诉求")
    expect(report).to_be_visible()
    box = report.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], "the main button is above the fold"
    open_problems = page.locator("#my-open-problems")
    count = int(re.search(r"\d+", open_problems.inner_text()).group())
    open_problems.click()
    expect(page).to_have_url(re.compile(r"/issues/\?state=open$"))
    expect(page.locator("#result-count")).to_contain_text(str(count))
    page.go_back()
    page.get_by_role("link", name="反映诉求").click()
    expect(page).to_have_url(re.compile(r"/issues/new/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("反映诉求")
