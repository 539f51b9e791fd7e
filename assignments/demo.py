"""Deterministic demo links that respect the active quota policy (used by `seed_demo`)."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from django.utils import timezone

from enterprises.models import Enterprise, KeyProject
from org.models import Cadre, Region

from .models import Assignment, AssignmentMode
from .rules import RuleBook, add_years

# Ranks with no rule in the policy get this much when seeding (the policy sets no limit).
SEED_CAP = (2, 1, None)


def _caps(book: RuleBook, cadre) -> list:
    rule = book.rules.get((cadre.rank_id, cadre.department.kind if cadre.department_id else ""))
    rule = rule or book.rules.get((cadre.rank_id, ""))
    if rule is None:
        return list(SEED_CAP)
    return [rule.max_enterprises, rule.max_projects, rule.max_combined]


def seed_assignments(rng: random.Random, *, cover: float = 1.0, demo_user=None) -> int:
    book = RuleBook(actor=None)
    counties = {r.pk: (r.pk if r.level == 2 else r.parent_id) for r in Region.objects.all()}
    cadres = list(Cadre.objects.select_related("department").order_by("pk"))
    capacity = {c.pk: _caps(book, c) for c in cadres}
    pools: dict[int | None, list] = defaultdict(list)
    for cadre in cadres:
        pools[counties.get(cadre.region_id) if cadre.region.level > 1 else None].append(cadre)
    for pool in pools.values():
        rng.shuffle(pool)
    today = timezone.localdate()
    links: list[Assignment] = []

    def take(cadre, kind: int) -> bool:
        cap = capacity[cadre.pk]
        if cap[kind] is not None and cap[kind] <= 0:
            return False
        if cap[2] is not None and cap[2] <= 0:
            return False
        if cap[kind] is not None:
            cap[kind] -= 1
        if cap[2] is not None:
            cap[2] -= 1
        return True

    def link(cadre, enterprise_id=None, project_id=None):
        start = today - datetime.timedelta(days=rng.randrange(30, 900))
        links.append(
            Assignment(
                cadre=cadre,
                enterprise_id=enterprise_id,
                project_id=project_id,
                start_date=start,
                term_end=add_years(start, 3),
                mode=AssignmentMode.ONE_TO_ONE,
                is_primary=True,
            )
        )

    def pick(region_id, kind):
        for pool in (pools[counties.get(region_id)], pools[None]):
            while pool:
                cadre = pool[-1]
                if take(cadre, kind):
                    return cadre
                pool.pop()  # full
        return None

    taken_enterprises: set[int] = set()
    taken_projects: set[int] = set()
    if demo_user is not None:
        demo = next(c for c in cadres if c.user_id == demo_user.pk)
        county = counties[demo.region_id]
        nearby = Enterprise.objects.filter(
            region__path__contains=f"/{Region.objects.get(pk=county).code}/"
        )
        for enterprise_id in nearby.order_by("pk").values_list("pk", flat=True)[:2]:
            if take(demo, 0):
                link(demo, enterprise_id=enterprise_id)
                taken_enterprises.add(enterprise_id)

    # Key projects first: there are few of them and each should have its cadre.
    for project_id, region_id in KeyProject.objects.order_by("pk").values_list("pk", "region_id"):
        if project_id in taken_projects:
            continue
        cadre = pick(region_id, 1)
        if cadre is not None:
            link(cadre, project_id=project_id)
    enterprises = list(Enterprise.objects.order_by("pk").values_list("pk", "region_id"))
    rng.shuffle(enterprises)
    for enterprise_id, region_id in enterprises[: int(len(enterprises) * cover)]:
        if enterprise_id in taken_enterprises:
            continue
        cadre = pick(region_id, 0)
        if cadre is not None:
            link(cadre, enterprise_id=enterprise_id)
    Assignment.objects.bulk_create(links, batch_size=5000)
    return len(links)
