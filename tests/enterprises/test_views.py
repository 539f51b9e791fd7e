import pytest
from django.urls import reverse

from enterprises.models import Enterprise
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def names(response):
    return [e.name for e in response.context["page"].object_list]


def test_list_searches_by_name_and_by_credit_code(client, people, companies):
    client.force_login(people.office)
    response = client.get(reverse("enterprises:list"), {"q": "机械"})
    assert names(response) == ["潍城机械有限公司"]
    response = client.get(reverse("enterprises:list"), {"q": companies.west.credit_code[:10]})
    assert "青州食品有限公司" in names(response)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("械", ["潍城机械有限公司"]),  # one character
        ("城机械", ["潍城机械有限公司"]),  # three: every pair, then the text itself
        ("有限公司", ["Weifang Acme 有限公司", "潍城机械有限公司", "青州食品有限公司"]),
        ("acme", ["Weifang Acme 有限公司"]),  # Latin letters, any case
        ("机有", []),  # each character is there, never side by side
    ],
)
def test_the_name_search_finds_any_part_of_a_name(client, regions, people, companies, q, expected):
    EnterpriseFactory(name="Weifang Acme 有限公司", region=regions.west)
    client.force_login(people.office)
    assert sorted(names(client.get(reverse("enterprises:list"), {"q": q}))) == expected


def test_a_renamed_enterprise_is_found_by_its_new_name(client, people, companies):
    Enterprise.objects.filter(pk=companies.east.pk).update(name="潍城精工有限公司")
    client.force_login(people.office)
    assert names(client.get(reverse("enterprises:list"), {"q": "精工"})) == ["潍城精工有限公司"]
    assert names(client.get(reverse("enterprises:list"), {"q": "机械"})) == []


def test_list_filters_by_region_subtree_category_and_tag(client, regions, people, companies):
    from enterprises.models import EnterpriseTag

    companies.west.category = "trade"
    companies.west.save()
    companies.east.tags.add(EnterpriseTag.objects.get(code="high_tech"))
    client.force_login(people.office)
    url = reverse("enterprises:list")
    # The county filter includes its towns.
    assert names(client.get(url, {"region": regions.east.pk})) == ["潍城机械有限公司"]
    assert names(client.get(url, {"category": "trade"})) == ["青州食品有限公司"]
    assert names(client.get(url, {"tag": "high_tech"})) == ["潍城机械有限公司"]


def test_bad_filter_values_show_errors_not_a_500(client, people, companies):
    client.force_login(people.office)
    response = client.get(reverse("enterprises:list"), {"region": "abc", "category": "nope"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"region", "category"}
    # The filters that failed are ignored, so the list is the unfiltered one.
    assert len(names(response)) == 2


def test_a_region_outside_the_users_area_is_not_a_valid_filter(client, regions, people, companies):
    client.force_login(people.east_office)
    response = client.get(reverse("enterprises:list"), {"region": regions.west.pk})
    assert "region" in response.context["form"].errors
    assert names(response) == ["潍城机械有限公司"]


def test_list_paginates_in_the_database_with_constant_queries(
    client, regions, people, django_assert_max_num_queries
):
    EnterpriseFactory.create_batch(120, region=regions.east)
    client.force_login(people.office)
    client.get(reverse("home"))  # the first request after log-in also renews the session
    with django_assert_max_num_queries(12):
        first = client.get(reverse("enterprises:list"))
    assert len(first.context["page"].object_list) == 50
    assert first.context["page"].paginator.count == 120
    with django_assert_max_num_queries(12):
        last = client.get(reverse("enterprises:list"), {"page": 3})
    assert len(last.context["page"].object_list) == 20
    # A page number past the end shows the last page, not an error.
    assert client.get(reverse("enterprises:list"), {"page": 999}).context["page"].number == 3


def test_htmx_request_gets_the_results_fragment_only(client, people, companies):
    client.force_login(people.office)
    response = client.get(reverse("enterprises:list"), {"q": "机械"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "潍城机械有限公司" in html
    assert '<nav class="navbar' not in html


def test_detail_shows_liaison_persons(client, people, companies):
    client.force_login(people.office)
    response = client.get(reverse("enterprises:detail", args=[companies.east.pk]))
    assert response.status_code == 200
    assert companies.east.liaison_persons.get().name in response.content.decode()


def test_export_contains_exactly_the_filtered_rows(client, people, companies):
    import io

    from openpyxl import load_workbook

    client.force_login(people.office)
    response = client.get(reverse("enterprises:export"), {"q": "食品"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][0] == "青州食品有限公司"
    assert rows[1][1] == companies.west.credit_code


def test_login_is_required(client, companies):
    response = client.get(reverse("enterprises:list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_integrity_restriction_is_shown_with_its_reason(client, people, companies):
    Enterprise.objects.filter(pk=companies.east.pk).update(
        integrity_restricted=True, integrity_reason="行贿记录"
    )
    client.force_login(people.office)
    html = client.get(reverse("enterprises:detail", args=[companies.east.pk])).content.decode()
    assert "行贿记录" in html


def test_the_fragment_and_the_page_are_cached_apart(client, people, companies):
    client.force_login(people.office)
    response = client.get(reverse("enterprises:list"), {"q": "机械"}, HTTP_HX_REQUEST="true")
    assert "HX-Request" in response["Vary"]
    # The export link inside the fragment carries the search, so the export matches the list.
    assert "export.xlsx?q=" in response.content.decode()
