import pytest

from enterprises.models import Enterprise
from org.scoping import region_in_scope, region_q, regions_for_user, user_roles

pytestmark = pytest.mark.django_db


def test_a_county_user_sees_its_county_subtree_only(regions, people):
    visible = set(regions_for_user(people.east_office))
    assert visible == {regions.east, regions.east_town}
    assert region_in_scope(people.east_office, regions.east_town)
    assert not region_in_scope(people.east_office, regions.west)
    assert not region_in_scope(people.east_office, regions.city)


def test_a_city_user_sees_every_region(regions, people):
    assert set(regions_for_user(people.office)) == {
        regions.city,
        regions.east,
        regions.west,
        regions.east_town,
        regions.west_town,
    }


def test_a_user_without_region_or_role_sees_nothing(regions, people, companies):
    assert not regions_for_user(people.east_enterprise).exists()
    assert not Enterprise.objects.filter(region_q(people.east_enterprise)).exists()
    people.no_role.region = regions.city
    assert not Enterprise.objects.filter(region_q(people.no_role)).exists()


def test_a_superuser_sees_everything(regions, people, companies):
    assert Enterprise.objects.filter(region_q(people.superuser)).count() == 2


def test_roles_are_read_once_per_user_object(people, django_assert_num_queries):
    user = people.office
    with django_assert_num_queries(1):
        assert user_roles(user) == {"liaison_office"}
        assert user_roles(user) == {"liaison_office"}


def test_sibling_codes_do_not_leak_by_prefix(db):
    # 370702 must not see 3707021 (a code that merely starts with the same digits): the path
    # ends every code with "/".
    from tests.factories import RegionFactory

    city = RegionFactory(code="370700", level=1)
    a = RegionFactory(code="370702", level=2, parent=city)
    b = RegionFactory(code="3707021", level=2, parent=city)
    assert a.path == "370700/370702/"
    assert not b.is_within(a)
