import pytest
from django.core.management import CommandError, call_command

from enterprises.models import Enterprise, KeyProject, LiaisonPerson
from enterprises.validators import validate_credit_code
from org.models import Cadre, Region, User


@pytest.mark.django_db
def test_seed_demo_is_deterministic_and_realistic(django_db_blocker):
    call_command("seed_demo", "--scale", "demo", "--seed", "7", verbosity=0)
    assert Region.objects.filter(level=1).count() == 1
    assert Region.objects.filter(level=2).count() == 3
    assert 9 <= Region.objects.filter(level=3).count() <= 12
    assert 45 <= Cadre.objects.count() <= 55
    assert Enterprise.objects.count() == 200
    assert KeyProject.objects.count() == 20
    for code in Enterprise.objects.values_list("credit_code", flat=True):
        validate_credit_code(code)
    # Every enterprise has one or two liaison persons.
    per_enterprise = LiaisonPerson.objects.values_list("enterprise_id", flat=True)
    assert set(per_enterprise) == set(Enterprise.objects.values_list("pk", flat=True))
    first = list(Enterprise.objects.order_by("credit_code").values_list("name", "credit_code")[:5])
    # Each demo account can log in and has its role.
    for username in ["admin", "office", "cadre", "enterprise", "department", "leader"]:
        assert User.objects.get(username=username).check_password("Liaison#2026")
    enterprise_user = User.objects.get(username="enterprise")
    assert LiaisonPerson.objects.filter(user=enterprise_user).count() == 1

    with pytest.raises(CommandError):
        call_command("seed_demo", "--scale", "demo", verbosity=0)
    call_command("seed_demo", "--if-empty", verbosity=0)  # does nothing, succeeds

    # The same seed gives the same data.
    for model in (LiaisonPerson, KeyProject, Enterprise, Cadre):
        model.objects.all().delete()
    User.objects.all().delete()
    Region.objects.order_by("-level").filter(level=3).delete()
    Region.objects.order_by("-level").filter(level=2).delete()
    from org.models import Department

    Department.objects.all().delete()
    Region.objects.all().delete()
    call_command("seed_demo", "--scale", "demo", "--seed", "7", verbosity=0)
    again = list(Enterprise.objects.order_by("credit_code").values_list("name", "credit_code")[:5])
    assert again == first
