"""Deterministic demo tickets with their history (used by `seed_demo`).

The Weifang scale is 150,000 tickets over three years: about 10% open, 3% reopened, 7%
replied and awaiting a rating, 80% closed, and 5,000 open tickets overdue (not yet noticed by
the sweep, so that it has work to do).
"""

from __future__ import annotations

import datetime
import random

from django.conf import settings
from django.utils import timezone

from enterprises.models import Enterprise
from org.calendar import Calendar
from org.models import Department

from .models import Category, Source, Ticket, TicketEvent, Urgency
from .workflow import Action, Actor, State

TITLES = {
    "labour": ["招工难，急需一线操作工", "技能工人流失严重"],
    "environment": ["环评审批进度慢", "排污许可证续期"],
    "funding": ["流动资金紧张，申请贷款贴息", "应收账款回款难"],
    "technology": ["技术改造项目申报", "研发平台认定"],
    "talent": ["高层次人才落户", "人才公寓申请"],
    "market": ["产品开拓海外市场", "参加展会补贴"],
    "approval": ["施工许可办理", "消防验收排期"],
    "land": ["扩建缺少用地指标", "土地证办理"],
    "energy": ["用电增容", "天然气供应不稳定"],
    "policy": ["惠企政策兑现", "税收优惠咨询"],
    "other": ["道路配套不完善", "周边交通拥堵"],
}
OPEN = [State.SUBMITTED, State.ASSIGNED, State.IN_PROGRESS, State.INFO_REQUESTED, State.ESCALATED]


def seed_tickets(rng: random.Random, *, total: int, overdue: int) -> int:
    now = timezone.now()
    today = timezone.localdate()
    calendar = Calendar(
        today - datetime.timedelta(days=3 * 366 + 60), today + datetime.timedelta(days=60)
    )
    categories = list(Category.objects.all())
    enterprises = list(Enterprise.objects.values_list("pk", "region_id", "region__parent_id"))
    departments: dict[int | None, list[int]] = {}
    for pk, region_id, kind in Department.objects.values_list("pk", "region_id", "kind"):
        if kind in (Department.Kind.FUNCTIONAL, Department.Kind.ECONOMIC):
            departments.setdefault(region_id, []).append(pk)
    city_departments = next(iter(departments.values())) if departments else []
    urgencies = [Urgency.URGENT, Urgency.HIGH, Urgency.NORMAL, Urgency.COMPLEX]
    days_for = {Urgency.URGENT: 3, Urgency.HIGH: 5, Urgency.NORMAL: 10, Urgency.COMPLEX: 15}
    tickets: list[Ticket] = []
    plans: list[tuple] = []
    sequence: dict[int, int] = {}
    overdue_left = overdue
    for index in range(total):
        roll = rng.random()
        if index < overdue:
            state = State.IN_PROGRESS if rng.random() < 0.8 else State.ASSIGNED
        elif roll < 0.10:
            state = rng.choice(OPEN)
        elif roll < 0.13:
            state = State.IN_PROGRESS  # reopened
        elif roll < 0.20:
            state = State.REPLIED
        else:
            state = State.CLOSED
        recent = state in OPEN or state == State.REPLIED or index < overdue
        age = rng.randrange(1, 40) if recent else rng.randrange(40, 3 * 365)
        created = now - datetime.timedelta(days=age, minutes=rng.randrange(600))
        created_day = timezone.localdate(created)
        enterprise_id, region_id, county_id = rng.choice(enterprises)
        category = rng.choice(categories)
        urgency = rng.choice(urgencies)
        pool = departments.get(county_id) or departments.get(region_id) or city_departments
        assigned = state != State.SUBMITTED
        due = calendar.add(created_day, days_for[urgency]) if assigned else None
        if index < overdue:
            overdue_left -= 1
            due = calendar.subtract(today, rng.randrange(1, 12))
        elif state in (State.ASSIGNED, State.IN_PROGRESS, State.INFO_REQUESTED) and due < today:
            due = calendar.add(today, rng.randrange(2, 10))  # keep the overdue count exact
        year = created.year
        sequence[year] = sequence.get(year, 0) + 1
        reopened = 0.10 <= roll < 0.13 and index >= overdue
        closed = state == State.CLOSED
        replied = closed_at = None
        if state == State.REPLIED:
            # Within the rating window: older unrated replies were closed by the sweep.
            window = datetime.timedelta(days=settings.RATING_WINDOW_DAYS, hours=-1)
            replied = max(created + datetime.timedelta(hours=2), now - rng.random() * window)
        elif closed:
            replied = created + datetime.timedelta(days=rng.randrange(1, 15))
            closed_at = replied + datetime.timedelta(hours=rng.randrange(1, 7 * 24))
        tickets.append(
            Ticket(
                number=f"SQ{year}{sequence[year]:06d}",
                enterprise_id=enterprise_id,
                source=rng.choice(list(Source.values)),
                category=category,
                title=rng.choice(TITLES.get(category.code, TITLES["other"])),
                description="企业反映的问题，详见附件。",
                urgency=urgency,
                state=state,
                lead_department_id=rng.choice(pool) if assigned and pool else None,
                acknowledge_by=calendar.add(created_day, 1) if assigned else None,
                due_date=due,
                paused_since=today if state == State.INFO_REQUESTED else None,
                reopen_count=1 if reopened else 0,
                outcome="已协调解决" if state in (State.REPLIED, State.CLOSED) else "",
                replied_at=replied,
                rating=rng.choice([3, 4, 5, 5, 5]) if closed else None,
                closed_at=closed_at,
                created_at=created,
                ack_notified=True,
                due_soon_notified=index >= overdue,
                overdue_notified=index >= overdue,
            )
        )
        plans.append((created, state, reopened))
    Ticket.objects.bulk_create(tickets, batch_size=5000)
    ids = list(Ticket.objects.order_by("pk").values_list("pk", flat=True))[-total:]
    events = []
    for pk, (created, state, reopened) in zip(ids, plans, strict=True):
        steps = [(Action.SUBMIT, "", State.SUBMITTED, Actor.ENTERPRISE)]
        if state != State.SUBMITTED:
            steps.append((Action.ASSIGN, State.SUBMITTED, State.ASSIGNED, Actor.OFFICE))
        if state in (
            State.IN_PROGRESS,
            State.INFO_REQUESTED,
            State.ESCALATED,
            State.REPLIED,
            State.CLOSED,
        ):
            steps.append((Action.ACKNOWLEDGE, State.ASSIGNED, State.IN_PROGRESS, Actor.DEPARTMENT))
        if state in (State.REPLIED, State.CLOSED) or reopened:
            steps.append((Action.REPLY, State.IN_PROGRESS, State.REPLIED, Actor.DEPARTMENT))
        if reopened:
            steps.append((Action.REOPEN, State.REPLIED, State.IN_PROGRESS, Actor.ENTERPRISE))
        if state == State.CLOSED:
            steps.append((Action.CONFIRM, State.REPLIED, State.CLOSED, Actor.ENTERPRISE))
        if state == State.ESCALATED:
            steps.append((Action.ESCALATE, State.IN_PROGRESS, State.ESCALATED, Actor.SYSTEM))
        if state == State.INFO_REQUESTED:
            steps.append(
                (Action.REQUEST_INFO, State.IN_PROGRESS, State.INFO_REQUESTED, Actor.DEPARTMENT)
            )
        for offset, (action, source, target, role) in enumerate(steps):
            events.append(
                TicketEvent(
                    ticket_id=pk,
                    action=action,
                    from_state=source,
                    to_state=target,
                    actor_role=role,
                    created_at=created + datetime.timedelta(hours=offset * 20),
                )
            )
        if len(events) >= 20000:
            TicketEvent.objects.bulk_create(events, batch_size=5000)
            events = []
    TicketEvent.objects.bulk_create(events, batch_size=5000)
    return total


def give_work_to(department_id: int) -> int:
    """The demo department account should open an inbox with work in it: a few open tickets,
    two of them overdue, move to its department; one urgent reply awaits its head's
    sign-off."""
    today = timezone.localdate()
    open_work = Ticket.objects.filter(state__in=[State.ASSIGNED, State.IN_PROGRESS])
    late = open_work.filter(due_date__lt=today).order_by("pk").values_list("pk", flat=True)[:2]
    coming = open_work.filter(due_date__gte=today).order_by("pk").values_list("pk", flat=True)
    picked = [*late, *coming[:6]]
    moved = Ticket.objects.filter(pk__in=picked).update(lead_department_id=department_id)
    # One urgent reply waits for the head's sign-off (the demo account `depthead`).
    waiting = (
        Ticket.objects.filter(pk__in=picked, state=State.IN_PROGRESS)
        .exclude(pk__in=list(late))
        .order_by("pk")
        .first()
    )
    if waiting is not None:
        outcome = "已协调市自然资源和规划局调整用地指标，拟于下月挂牌。"
        Ticket.objects.filter(pk=waiting.pk).update(
            urgency=Urgency.URGENT, state=State.SIGNOFF, outcome=outcome
        )
        TicketEvent.objects.create(
            ticket_id=waiting.pk,
            action=Action.SUBMIT_REPLY,
            from_state=State.IN_PROGRESS,
            to_state=State.SIGNOFF,
            actor_role=Actor.DEPARTMENT,
            note=outcome,
            created_at=timezone.now(),
        )
    return moved


GROUPS = [
    ("要素保障专项小组", ["land", "energy", "approval"]),
    ("融资与人才专项小组", ["funding", "talent", "labour"]),
    ("市场与政策专项小组", ["market", "policy", "technology", "environment", "other"]),
]


def seed_special_groups(*, region, leader) -> None:
    from .models import SpecialGroup

    categories = {c.code: c for c in Category.objects.all()}
    for name, codes in GROUPS:
        group = SpecialGroup.objects.create(name=name, region=region, leader=leader)
        group.categories.set([categories[c] for c in codes])
