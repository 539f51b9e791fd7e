"""One in-scope and one out-of-scope instance of every model registered in the admin.

A county administrator of 潍城区 ("east") must see the "in" instance and never the "out" one (in
青州市, "west"). Reference data is the city's: one instance, visible to everyone, written by the
city level only. CITY_ONLY models are not shown below the city level at all.

A model newly registered in the admin needs an entry here, or tests/org/test_admin_scoping.py
fails and says so.
"""

from __future__ import annotations

import datetime
import itertools

from django.contrib.auth.models import Group
from django.utils import timezone

from tests.factories import (
    CadreFactory,
    DepartmentFactory,
    EnterpriseFactory,
    KeyProjectFactory,
    LiaisonPersonFactory,
    UserFactory,
)

SCOPED, REFERENCE, CITY_ONLY = "scoped", "reference", "city_only"
_numbers = itertools.count(1)


def _n() -> int:
    return next(_numbers)


class World:
    """Builds (once) the instance of a model on one side: "in" (east) or "out" (west)."""

    def __init__(self, regions):
        self.regions = regions
        self._made: dict[tuple[str, str], object] = {}

    def region(self, side):
        return self.regions.east_town if side == "in" else self.regions.west

    def get(self, label: str, side: str = "in"):
        kind, make = CASES[label]
        if kind == REFERENCE:
            side = "in"
        key = (label, side)
        if key not in self._made:
            self._made[key] = make(self, side)
        return self._made[key]


def _axes(model):
    def make(world, side):
        user = world.get("org.User", side)
        extra = {
            "AccessAttempt": {"get_data": "", "post_data": "", "failures_since_start": 1},
            "AccessLog": {},
            "AccessFailureLog": {"locked_out": False},
        }[model.__name__]
        return model.objects.create(
            username=user.username,
            user_agent="pytest",
            ip_address="10.0.0.1",
            http_accept="*/*",
            path_info="/accounts/login/",
            **extra,
        )

    return make


def _beat(name):
    def make(world, side):
        from django_celery_beat import models as beat

        if name == "PeriodicTask":
            every = beat.IntervalSchedule.objects.create(every=7, period="days")
            return beat.PeriodicTask.objects.create(
                name=f"任务{_n()}", task="issues.tasks.sweep", interval=every
            )
        return {
            "ClockedSchedule": lambda: beat.ClockedSchedule.objects.create(
                clocked_time=timezone.now()
            ),
            "CrontabSchedule": lambda: beat.CrontabSchedule.objects.create(minute="5", hour="3"),
            "SolarSchedule": lambda: beat.SolarSchedule.objects.create(
                event="sunrise", latitude="36.70", longitude="119.10"
            ),
            "IntervalSchedule": lambda: beat.IntervalSchedule.objects.create(
                every=11, period="minutes"
            ),
        }[name]()

    return make


def _user(world, side):
    return UserFactory(username=f"{side}-user{_n()}", roles=["cadre"], region=world.region(side))


def _cadre(world, side):
    region = world.region(side)
    user = UserFactory(username=f"{side}-cadre{_n()}", roles=["cadre"], region=region)
    return CadreFactory(user=user, region=region, name=f"{side}干部{_n()}")


def _assignment(world, side):
    from assignments.models import Assignment

    return Assignment.objects.create(
        cadre=world.get("org.Cadre", side),
        enterprise=world.get("enterprises.Enterprise", side),
        start_date=datetime.date(2026, 1, 5),
        term_end=datetime.date(2029, 1, 5),
    )


def _ticket(world, side):
    from issues.models import Category, Source, Ticket

    return Ticket.objects.create(
        number=f"T{side}{_n():05d}",
        enterprise=world.get("enterprises.Enterprise", side),
        source=Source.ENTERPRISE,
        category=Category.objects.get(code="land"),
        title=f"{side}用地",
        description="指标",
        lead_department=world.get("org.Department", side),
    )


def _special_group(world, side):
    from issues.models import Category, SpecialGroup

    group = SpecialGroup.objects.create(name=f"{side}专班{_n()}", region=world.region(side))
    group.categories.add(Category.objects.get(code="land"))
    group.members.add(world.get("org.User", side))
    return group


def _meeting(world, side):
    from issues.models import Meeting

    return Meeting.objects.create(
        kind=Meeting.Kind.STANDING, region=world.region(side), held_on=datetime.date(2026, 3, 2)
    )


def _supervision(world, side):
    from issues.models import SupervisionNotice

    return SupervisionNotice.objects.create(
        ticket=world.get("issues.Ticket", side),
        department=world.get("org.Department", side),
        due_date=datetime.date(2026, 3, 2),
        overdue_working_days=2,
    )


def _webhook(world, side):
    from notifications.models import Webhook

    return Webhook.objects.create(
        name=f"{side}群机器人{_n()}",
        kind=Webhook.Kind.WECOM,
        url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x",
        region=world.region(side),
    )


def _notification(world, side):
    from notifications.models import Notification

    return Notification.objects.create(
        recipient=world.get("org.User", side),
        kind="rate",
        title=f"{side}请评价",
        url="/issues/rate/one-click-token/",
    )


def _delivery(world, side):
    from notifications.models import Delivery

    return Delivery.objects.create(channel="email", target="west@example.com", ok=True)


def _first(label):
    def make(world, side):
        from django.apps import apps

        return apps.get_model(label).objects.order_by("pk").first()

    return make


def _calendar_day(world, side):
    from org.models import CalendarDay

    return CalendarDay.objects.create(
        date=datetime.date(2026, 10, 8), name="国庆", is_working_day=False
    )


def _tag(world, side):
    from enterprises.models import EnterpriseTag

    return EnterpriseTag.objects.create(code=f"tag{_n()}", name=f"标签{_n()}")


def _deadline_rule(world, side):
    from issues.models import DeadlineRule

    return DeadlineRule.objects.order_by("pk").first() or DeadlineRule.objects.create(
        urgency="normal", working_days=10
    )


CASES = {
    # django.contrib.auth
    "auth.Group": (REFERENCE, lambda world, side: Group.objects.get(name="leader")),
    # django_celery_beat
    "django_celery_beat.PeriodicTask": (REFERENCE, _beat("PeriodicTask")),
    "django_celery_beat.ClockedSchedule": (REFERENCE, _beat("ClockedSchedule")),
    "django_celery_beat.CrontabSchedule": (REFERENCE, _beat("CrontabSchedule")),
    "django_celery_beat.SolarSchedule": (REFERENCE, _beat("SolarSchedule")),
    "django_celery_beat.IntervalSchedule": (REFERENCE, _beat("IntervalSchedule")),
    # django-axes: the login logs of the accounts in scope
    "axes.AccessAttempt": (SCOPED, None),
    "axes.AccessLog": (SCOPED, None),
    "axes.AccessFailureLog": (SCOPED, None),
    # org
    "org.Region": (SCOPED, lambda world, side: world.region(side)),
    "org.Department": (
        SCOPED,
        lambda world, side: DepartmentFactory(name=f"{side}局{_n()}", region=world.region(side)),
    ),
    "org.Rank": (REFERENCE, _first("org.Rank")),
    "org.User": (SCOPED, _user),
    "org.Cadre": (SCOPED, _cadre),
    "org.CalendarDay": (REFERENCE, _calendar_day),
    # enterprises
    "enterprises.EnterpriseTag": (REFERENCE, _tag),
    "enterprises.Enterprise": (
        SCOPED,
        lambda world, side: EnterpriseFactory(name=f"{side}企业{_n()}", region=world.region(side)),
    ),
    "enterprises.LiaisonPerson": (
        SCOPED,
        lambda world, side: LiaisonPersonFactory(
            enterprise=world.get("enterprises.Enterprise", side), name=f"{side}联络员"
        ),
    ),
    "enterprises.KeyProject": (
        SCOPED,
        lambda world, side: KeyProjectFactory(name=f"{side}项目{_n()}", region=world.region(side)),
    ),
    # notifications
    "notifications.Webhook": (SCOPED, _webhook),
    "notifications.Notification": (SCOPED, _notification),
    "notifications.Delivery": (CITY_ONLY, _delivery),
    # assignments
    "assignments.QuotaPolicy": (REFERENCE, _first("assignments.QuotaPolicy")),
    "assignments.Assignment": (SCOPED, _assignment),
    # issues
    "issues.Category": (REFERENCE, _first("issues.Category")),
    "issues.DeadlineRule": (REFERENCE, _deadline_rule),
    "issues.SpecialGroup": (SCOPED, _special_group),
    "issues.Ticket": (SCOPED, _ticket),
    "issues.SupervisionNotice": (SCOPED, _supervision),
    "issues.Meeting": (SCOPED, _meeting),
}


def _fill_axes():
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        CASES[model._meta.label] = (SCOPED, _axes(model))


_fill_axes()
