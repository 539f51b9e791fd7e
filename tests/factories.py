"""factory_boy factories shared by the test packages."""

import factory
from django.contrib.auth.models import Group

from enterprises.models import Enterprise, EnterpriseCategory, KeyProject, LiaisonPerson
from enterprises.validators import credit_code_check_char
from org.models import Cadre, Department, Rank, Region, User

PASSWORD = "Correct-horse-42"


def make_credit_code(n: int, region_code: str = "370702") -> str:
    body = f"91{region_code[:6]}{n:09d}"
    return body + credit_code_check_char(body)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"区域{n}")
    code = factory.Sequence(lambda n: f"{370000 + n:06d}")
    level = Region.Level.CITY
    parent = None


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"部门{n}")
    region = factory.SubFactory(RegionFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*[Group.objects.get(name=role) for role in extracted])
        if create:
            self.save()


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadre

    user = factory.SubFactory(UserFactory, roles=["cadre"])
    name = factory.Sequence(lambda n: f"干部{n}")
    rank = factory.LazyFunction(lambda: Rank.objects.get(code="section_chief"))
    region = factory.SubFactory(RegionFactory)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n:04d}有限公司")
    credit_code = factory.Sequence(lambda n: make_credit_code(n))
    region = factory.SubFactory(RegionFactory)
    category = EnterpriseCategory.INDUSTRIAL


class LiaisonPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiaisonPerson

    enterprise = factory.SubFactory(EnterpriseFactory)
    name = factory.Sequence(lambda n: f"联络员{n}")
    phone = "13800000000"
    slot = 1


class KeyProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyProject

    name = factory.Sequence(lambda n: f"重点项目{n}")
    level = "city"
    region = factory.SubFactory(RegionFactory)


def submit_ticket(actor, enterprise, *, title="用地", description="指标", category="land", **extra):
    """A problem collected through the service, as the pages collect it."""
    from issues.models import Category, Source
    from issues.services import ticket_submit

    extra.setdefault("source", Source.ENTERPRISE)
    return ticket_submit(
        actor=actor,
        enterprise=enterprise,
        category=Category.objects.get(code=category),
        title=title,
        description=description,
        **extra,
    )
