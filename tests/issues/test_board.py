"""The problems board: its search, filters, pages and query counts, on whichever database the
suite runs (PostgreSQL in CI, where the search reads the grams index)."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from issues.models import Source, Ticket
from issues.services import ticket_assign
from tests.factories import DepartmentFactory, EnterpriseFactory, UserFactory, submit_ticket

pytestmark = pytest.mark.django_db

TITLES = [
    "临时用地审批",
    "扩建用地指标",
    "环评审批进度慢",
    "招工难",
    "Wi-Fi 覆盖差",
    "电费 100% 上涨",
    "O'Brien 的 \\ 报告",
    "先批审批后",
]


@pytest.fixture
def tickets(people, companies):
    made = {}
    for title in TITLES:
        made[title] = office_ticket(people, companies.east, title)
    return made


def office_ticket(people, enterprise, title):
    return submit_ticket(people.office, enterprise, title=title, source=Source.OFFICE)


def listed(client, **params):
    page = client.get(reverse("issues:list"), params).context["page"]
    return {t.title for t in page.object_list}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("用地", {"临时用地审批", "扩建用地指标"}),  # two characters: the index answers alone
        ("审批", {"临时用地审批", "环评审批进度慢", "先批审批后"}),
        ("用地审批", {"临时用地审批"}),  # longer: every pair, then the exact text
        ("审批审", set()),  # "先批审批后" holds both pairs, 审批 and 批审, not the text
        ("招", {"招工难"}),  # one character
        ("wi-fi", {"Wi-Fi 覆盖差"}),  # case ignored, and '-' is no operator
        ("100%", {"电费 100% 上涨"}),  # '%' is a character, not a wildcard
        ("0%", {"电费 100% 上涨"}),
        ("O'Brien", {"O'Brien 的 \\ 报告"}),  # a quote cannot break the query
        ("\\", {"O'Brien 的 \\ 报告"}),
        ("& | ! :", set()),  # tsquery operators are plain text here
        ("潍城机械", set(TITLES)),  # the enterprise's name
        ("食品", set()),  # another enterprise's name
    ],
)
def test_the_board_search_finds_text_anywhere_in_a_title(client, people, tickets, q, expected):
    client.force_login(people.office)
    assert listed(client, q=q) == expected


def test_the_board_finds_a_ticket_by_its_number(client, people, tickets):
    client.force_login(people.office)
    ticket = tickets["招工难"]
    assert listed(client, q=ticket.number) == {"招工难"}
    assert listed(client, q=ticket.number.lower()) == {"招工难"}
    assert listed(client, q=ticket.number[:6]) == set(TITLES)  # SQ2026: this year's


def test_the_search_sees_a_renamed_title_at_once(client, people, tickets):
    """The grams are computed by the database on every write, bulk updates included."""
    client.force_login(people.office)
    Ticket.objects.filter(pk=tickets["招工难"].pk).update(title="招聘技工难")
    assert listed(client, q="技工") == {"招聘技工难"}
    assert listed(client, q="招工") == set()


def test_the_search_stays_within_scope(client, people, companies, tickets):
    client.force_login(people.west_enterprise)
    assert listed(client, q="用地") == set()
    assert listed(client, q=tickets["招工难"].number) == set()
    client.force_login(people.east_enterprise)
    assert listed(client, q="用地") == {"临时用地审批", "扩建用地指标"}


def test_pages_hold_every_ticket_once_newest_first(client, people, companies, settings):
    for i in range(53):
        office_ticket(people, companies.east, f"问题{i:02d}")
    client.force_login(people.office)
    first = client.get(reverse("issues:list")).context["page"]
    second = client.get(reverse("issues:list"), {"page": 2}).context["page"]
    assert first.paginator.count == 53 and first.paginator.num_pages == 2
    numbers = [t.number for t in first.object_list] + [t.number for t in second.object_list]
    assert numbers == list(
        Ticket.objects.order_by("-created_at", "-pk").values_list("number", flat=True)
    )
    # A search counts its matches and picks its page in one pass: the same pages.
    for params in ({}, {"q": "问题"}):

        def page(number, params=params):
            return client.get(reverse("issues:list"), {**params, "page": number}).context["page"]

        last = page(2)
        assert [t.title for t in last.object_list] == ["问题02", "问题01", "问题00"]
        assert last.paginator.count == 53 and last.has_previous() and not last.has_next()
        assert page(9).number == 2 and page(-3).number == 2  # out of range: the last page
        assert page("abc").number == 1
    nothing = client.get(reverse("issues:list"), {"q": "没有这个"}).context["page"]
    assert nothing.paginator.count == 0 and list(nothing.object_list) == []


def test_a_co_handling_department_sees_its_ticket_once(client, people, companies, regions):
    lead = DepartmentFactory(name="市自然资源和规划局", region=regions.city)
    helper = DepartmentFactory(name="市生态环境局", region=regions.city)
    staff = UserFactory(
        username="eco", roles=["department"], region=regions.city, department=helper
    )
    ticket = office_ticket(people, companies.east, "用地与环评")
    ticket_assign(actor=people.office, ticket=ticket, department=lead, co_departments=[helper])
    client.force_login(staff)
    page = client.get(reverse("issues:list")).context["page"]
    assert [t.pk for t in page.object_list] == [ticket.pk] and page.paginator.count == 1
    assert client.get(reverse("issues:detail", args=[ticket.pk])).status_code == 200


def test_the_board_costs_the_same_queries_for_5_or_60_tickets(
    client, people, regions, django_assert_max_num_queries
):
    departments = [DepartmentFactory(name=f"部门{i}", region=regions.city) for i in range(3)]

    def add(n):
        for i in range(n):
            firm = EnterpriseFactory(region=regions.east_town)
            ticket = office_ticket(people, firm, f"用地问题{i}")
            ticket_assign(actor=people.office, ticket=ticket, department=departments[i % 3])

    client.force_login(people.office)
    params = {"q": "用地", "state": "open"}
    add(5)
    with django_assert_max_num_queries(12) as few:
        assert client.get(reverse("issues:list"), params).status_code == 200
    add(55)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("issues:list"), params)
    assert response.context["page"].paginator.count == 60
    assert len(response.context["page"].object_list) == 50


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the grams index is PostgreSQL's")
@pytest.mark.parametrize("q", ["用地", "用地审批", "SQ2026"])
def test_the_search_can_read_an_index_for_every_arm(people, tickets, q):
    """The query's conditions match the indexes, the enterprise's name included (a few rows
    are always scanned, so the planner is told not to)."""
    from issues.selectors import ticket_list

    queryset = ticket_list(user=people.office, q=q)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert "issues_ticket_title_grams" in plan
    assert "enterprises_enterprise_name_grams" in plan
    assert "Seq Scan" not in plan, plan


def test_the_office_triage_view_holds_what_waits_for_it(client, people, companies, regions):
    land = DepartmentFactory(name="市自然资源和规划局", region=regions.city)
    office_ticket(people, companies.east, "新收到的")
    assigned = office_ticket(people, companies.east, "已交办的")
    ticket_assign(actor=people.office, ticket=assigned, department=land)
    client.force_login(people.office)
    response = client.get(reverse("issues:list"), {"state": "triage"})
    assert {t.title for t in response.context["page"].object_list} == {"新收到的"}
    views = response.context["shortcuts"]
    assert [active for _label, _query, active in views].count(True) == 1
    assert any(active and query == "state=triage" for _label, query, active in views)
    assert 'aria-current="page" href="?state=triage"' in response.content.decode()


def test_a_department_inbox_puts_open_work_first_by_deadline(client, people, companies, regions):
    import datetime

    land = DepartmentFactory(name="市自然资源和规划局", region=regions.city)
    staff = UserFactory(username="h", roles=["department"], region=regions.city, department=land)
    today = timezone.localdate()
    for title, due, state in [
        ("早已办结", today - datetime.timedelta(days=30), "closed"),
        ("远期", today + datetime.timedelta(days=20), "in_progress"),
        ("近期", today + datetime.timedelta(days=2), "assigned"),
        ("逾期", today - datetime.timedelta(days=3), "in_progress"),
    ]:
        ticket = office_ticket(people, companies.east, title)
        Ticket.objects.filter(pk=ticket.pk).update(lead_department=land, due_date=due, state=state)
    client.force_login(staff)
    page = client.get(reverse("issues:list")).context["page"]
    assert [t.title for t in page.object_list] == ["逾期", "近期", "远期", "早已办结"]


def test_open_problems_are_called_in_progress_not_enter(client, people, companies):
    """'Open' is also the home page's button (进入); the board's filter says 进行中."""
    client.force_login(people.east_enterprise)
    page = client.get(reverse("issues:list")).content.decode()
    assert 'href="?state=open">进行中</a>' in page
    assert '<option value="open">进行中</option>' in page
    assert "进入" not in page


@pytest.mark.parametrize(
    ("title", "q"),
    [
        ("ΟΔΟΣ ΑΘΗΝΑΣ", "ΟΔΟΣ"),  # Python lower-cases a final Σ to ς, PostgreSQL to σ
        ("İstanbul port", "İstanbul"),  # Python makes İ two characters
        ("İstanbul port", "İ"),
        ("Wi-Fi 覆盖差", "WI-FI"),
    ],
)
def test_the_search_folds_case_alike_in_python_and_in_the_database(
    client, people, companies, title, q
):
    office_ticket(people, companies.east, title)
    client.force_login(people.office)
    assert listed(client, q=q) == {title}


def test_a_page_number_beyond_any_count_shows_the_last_page(client, people, tickets):
    client.force_login(people.office)
    for q in ("", "用地"):
        response = client.get(reverse("issues:list"), {"q": q, "page": "9" * 25})
        assert response.status_code == 200 and response.context["page"].number == 1
