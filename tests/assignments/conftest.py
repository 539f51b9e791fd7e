from types import SimpleNamespace

import pytest

from assignments.models import QuotaPolicy
from org.models import Department, Rank
from tests.factories import (
    CadreFactory,
    DepartmentFactory,
    EnterpriseFactory,
    KeyProjectFactory,
    UserFactory,
)


def rank(code):
    return Rank.objects.get(code=code)


@pytest.fixture
def use_policy(db):
    def activate(code):
        QuotaPolicy.objects.update(is_active=False)
        QuotaPolicy.objects.filter(code=code).update(is_active=True)

    return activate


@pytest.fixture
def depts(regions):
    return SimpleNamespace(
        city_econ=DepartmentFactory(
            name="市商务局", region=regions.city, kind=Department.Kind.ECONOMIC
        ),
        city_func=DepartmentFactory(name="市生态环境局", region=regions.city),
        east_econ=DepartmentFactory(
            name="潍城区商务局", region=regions.east, kind=Department.Kind.ECONOMIC
        ),
        west_func=DepartmentFactory(name="青州市自然资源局", region=regions.west),
    )


def make_cadre(name, rank_code, region, department=None, **kwargs):
    user = UserFactory(username=f"u-{name}", roles=["cadre"], region=region)
    return CadreFactory(
        user=user, name=name, rank=rank(rank_code), region=region, department=department, **kwargs
    )


@pytest.fixture
def cadres(regions, depts):
    return SimpleNamespace(
        ting=make_cadre("王厅", "ting", regions.city, depts.city_func),
        ting2=make_cadre("李厅", "ting", regions.city, depts.city_func),
        head=make_cadre("赵局", "county_head", regions.city, depts.city_func),
        deputy=make_cadre("钱副", "county_deputy", regions.east, depts.east_econ),
        chief=make_cadre("孙科", "section_chief", regions.east, depts.east_econ),
        chief2=make_cadre("周科", "section_chief", regions.city, depts.city_econ),
        func_chief=make_cadre("吴科", "section_chief", regions.city, depts.city_func),
        west=make_cadre("郑西", "county_deputy", regions.west, depts.west_func),
    )


@pytest.fixture
def firms(regions):
    east = [EnterpriseFactory(name=f"潍城企业{i}", region=regions.east_town) for i in range(6)]
    west = [EnterpriseFactory(name=f"青州企业{i}", region=regions.west) for i in range(2)]
    return SimpleNamespace(east=east, west=west)


@pytest.fixture
def projects(regions):
    return [
        KeyProjectFactory(name=f"项目{i}", code=f"XM{i:03d}", region=regions.east) for i in range(5)
    ]
