import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

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
    # Each demo account can log in and has its role.
    for username in ["admin", "office", "cadre", "enterprise", "department", "leader"]:
        assert User.objects.get(username=username).check_password("Liaison#2026")
    # The department head signs off urgent replies, and has one waiting on the board.
    head = User.objects.get(username="depthead")
    assert head.is_department_head and head.check_password("Liaison#2026")
    assert head.department == User.objects.get(username="department").department
    from issues.models import Ticket
    from issues.selectors import ticket_list

    waiting = ticket_list(user=head, state="signoff")
    assert waiting.count() == 1 and waiting.get().urgency == "urgent"
    assert waiting.get() in Ticket.objects.filter(lead_department=head.department)
    enterprise_user = User.objects.get(username="enterprise")
    assert LiaisonPerson.objects.filter(user=enterprise_user).count() == 1

    with pytest.raises(CommandError):
        call_command("seed_demo", "--scale", "demo", verbosity=0)
    call_command("seed_demo", "--if-empty", verbosity=0)  # does nothing, succeeds


class Rollback(Exception):
    pass


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data():
    def sample():
        return list(
            Enterprise.objects.order_by("credit_code").values_list(
                "name", "credit_code", "region__code"
            )
        ) + list(Cadre.objects.order_by("user__username").values_list("name", "rank__code"))

    runs = []
    for _ in range(2):
        try:
            with transaction.atomic():
                call_command("seed_demo", "--scale", "demo", "--seed", "7", verbosity=0)
                runs.append(sample())
                raise Rollback
        except Rollback:
            pass
    assert runs[0] == runs[1]
    assert len(runs[0]) == 200 + 51  # 200 enterprises, 50 cadres and the demo cadre
