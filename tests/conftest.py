import os
from types import SimpleNamespace

import pytest

from org.models import Region

from .factories import (
    EnterpriseFactory,
    LiaisonPersonFactory,
    RegionFactory,
    UserFactory,
)

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def pytest_configure(config):
    if REQUIRE_SERVICES:
        from django.conf import settings

        engine = settings.DATABASES["default"]["ENGINE"]
        if "postgresql" not in engine:
            raise pytest.UsageError(
                "REQUIRE_SERVICES=1 but DATABASE_URL does not point at PostgreSQL "
                f"(engine {engine})."
            )
        if not settings.REDIS_URL:
            raise pytest.UsageError("REQUIRE_SERVICES=1 but REDIS_URL is not set.")


def need_service(name: str, available: bool, why: str) -> None:
    """Skip when a live service is missing, or fail when REQUIRE_SERVICES=1."""
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{name} is required (REQUIRE_SERVICES=1) but {why}")
    pytest.skip(f"{name} not available: {why}")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The cache holds per-process facts (e.g. the number of region roots): none may leak from
    one test's database into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def regions(db):
    """Weifang with two counties and a town in each."""
    city = RegionFactory(code="370700", name="潍坊市", level=Region.Level.CITY)
    east = RegionFactory(code="370702", name="潍城区", level=Region.Level.COUNTY, parent=city)
    west = RegionFactory(code="370781", name="青州市", level=Region.Level.COUNTY, parent=city)
    east_town = RegionFactory(
        code="370702001", name="城关街道", level=Region.Level.TOWN, parent=east
    )
    west_town = RegionFactory(
        code="370781001", name="王府街道", level=Region.Level.TOWN, parent=west
    )
    return SimpleNamespace(
        city=city, east=east, west=west, east_town=east_town, west_town=west_town
    )


@pytest.fixture
def people(regions):
    """One account per role, most at city level; county accounts for the tiering."""
    return SimpleNamespace(
        superuser=UserFactory(username="root", is_superuser=True, is_staff=True),
        admin=UserFactory(username="cityadmin", roles=["admin"], region=regions.city),
        office=UserFactory(username="office", roles=["liaison_office"], region=regions.city),
        east_office=UserFactory(
            username="eastoffice", roles=["liaison_office"], region=regions.east
        ),
        cadre=UserFactory(username="cadre", roles=["cadre"], region=regions.east),
        department=UserFactory(username="dept", roles=["department"], region=regions.city),
        special_group=UserFactory(username="sg", roles=["special_group"], region=regions.city),
        leader=UserFactory(username="leader", roles=["leader"], region=regions.city),
        point=UserFactory(username="point", roles=["office_point_person"], region=regions.city),
        east_enterprise=UserFactory(username="entuser", roles=["enterprise"]),
        west_enterprise=UserFactory(username="entuser2", roles=["enterprise"]),
        no_role=UserFactory(username="norole", region=regions.city),
    )


@pytest.fixture
def companies(regions, people):
    """An enterprise in each county, each with its enterprise user as liaison person."""
    east = EnterpriseFactory(name="潍城机械有限公司", region=regions.east_town)
    west = EnterpriseFactory(name="青州食品有限公司", region=regions.west)
    LiaisonPersonFactory(enterprise=east, user=people.east_enterprise)
    LiaisonPersonFactory(enterprise=west, user=people.west_enterprise)
    return SimpleNamespace(east=east, west=west)
