"""Deterministic demo enterprises, liaison persons and key projects (used by `seed_demo`)."""

from __future__ import annotations

import random
from decimal import Decimal

from django.contrib.auth.models import Group

from org.demo import Scale, person_name, phone_number
from org.models import User
from org.roles import Role

from .models import (
    Enterprise,
    EnterpriseCategory,
    EnterpriseTag,
    KeyProject,
    LiaisonPerson,
    ProjectLevel,
    ProjectStage,
)
from .validators import ALPHABET, credit_code_check_char

BRAND_CHARS = (
    "鑫盛华泰恒远宏达鼎丰瑞祥金海晨光永利天成隆兴汇通中联创新嘉禾东方润泽佳美富源浩宇凯旋志诚"
)
INDUSTRY_WORDS = {
    EnterpriseCategory.INDUSTRIAL: [
        "机械",
        "化工",
        "纺织",
        "食品",
        "电子",
        "新材料",
        "汽车零部件",
        "动力",
        "生物科技",
        "精密制造",
        "农业装备",
        "造纸",
    ],
    EnterpriseCategory.CONSTRUCTION: ["建筑工程", "建设", "路桥工程", "建工", "装饰工程", "钢结构"],
    EnterpriseCategory.TRADE: ["商贸", "物流", "酒店", "餐饮管理", "超市", "供应链"],
    EnterpriseCategory.SERVICES: [
        "软件",
        "信息技术",
        "咨询服务",
        "文化传媒",
        "科技服务",
        "检测认证",
    ],
}
CATEGORY_WEIGHTS = [
    (EnterpriseCategory.INDUSTRIAL, 0.55),
    (EnterpriseCategory.CONSTRUCTION, 0.15),
    (EnterpriseCategory.TRADE, 0.2),
    (EnterpriseCategory.SERVICES, 0.1),
]
SUFFIXES = ["有限公司", "有限公司", "有限公司", "股份有限公司", "集团有限公司"]
STREETS = [
    "胜利街",
    "东风街",
    "健康街",
    "福寿街",
    "北海路",
    "新华路",
    "民生街",
    "金宝街",
    "潍州路",
    "玉清街",
]
PROJECT_WORDS = [
    "年产10万吨",
    "智能制造",
    "新能源",
    "产业园",
    "技改",
    "仓储物流中心",
    "研发中心",
    "扩建",
    "数字化车间",
    "综合体",
]


def credit_code(rng: random.Random, region_code: str, used: set[str]) -> str:
    while True:
        body = (
            "91"
            + region_code[:6]
            + "".join(rng.choice(ALPHABET[:10] + ALPHABET[10:]) for _ in range(9))
        )
        code = body + credit_code_check_char(body)
        if code not in used:
            used.add(code)
            return code


def seed_enterprises(rng: random.Random, scale: Scale, regions: dict, pw: str) -> None:
    regions_all = [*regions["counties"], *regions["towns"]]
    tags = list(EnterpriseTag.objects.all())
    tag_by_code = {t.code: t for t in tags}
    categories = [c for c, _ in CATEGORY_WEIGHTS]
    weights = [w for _, w in CATEGORY_WEIGHTS]
    used_codes: set[str] = set()
    used_names: set[str] = set()
    enterprises = []
    for _index in range(scale.enterprises):
        region = rng.choice(regions_all)
        county = region if region.level == 2 else region.parent
        category = rng.choices(categories, weights)[0]
        prefix = county.name[:2]
        name = ""
        while not name or name in used_names:
            name = (
                prefix
                + rng.choice(BRAND_CHARS)
                + rng.choice(BRAND_CHARS)
                + rng.choice(INDUSTRY_WORDS[category])
                + rng.choice(SUFFIXES)
            )
        used_names.add(name)
        revenue = Decimal(rng.randrange(500, 500_000)) + Decimal(rng.randrange(100)) / 100
        restricted = rng.random() < 0.004
        enterprises.append(
            Enterprise(
                name=name,
                credit_code=credit_code(rng, county.code, used_codes),
                region=region,
                category=category,
                employees=rng.randrange(20, 5000),
                annual_revenue=revenue,
                annual_tax=(revenue * Decimal("0.04")).quantize(Decimal("0.01")),
                address=f"{county.name}{rng.choice(STREETS)}{rng.randrange(1, 999)}号",
                legal_representative=person_name(rng),
                green_channel=rng.random() < 0.0075,
                integrity_restricted=restricted,
                integrity_reason="行贿记录，列入失廉惩戒名单" if restricted else "",
            )
        )
    Enterprise.objects.bulk_create(enterprises, batch_size=2000)
    saved = list(Enterprise.objects.order_by("pk").values_list("pk", "category", "annual_revenue"))
    Through = Enterprise.tags.through
    links = []
    for pk, category, revenue in saved:
        chosen = set()
        if category == EnterpriseCategory.INDUSTRIAL:
            chosen.add("above_size")
        if revenue >= 10_000:
            chosen.add("revenue_100m")
        for code, share in (
            ("foreign", 0.05),
            ("high_tech", 0.12),
            ("joint_stock", 0.2),
            ("listed", 0.02),
            ("four_new", 0.08),
            ("in_difficulty", 0.03),
        ):
            if rng.random() < share:
                chosen.add(code)
        links += [
            Through(enterprise_id=pk, enterprisetag_id=tag_by_code[c].pk) for c in sorted(chosen)
        ]
    Through.objects.bulk_create(links, batch_size=5000)
    _seed_liaison_persons(rng, [pk for pk, _c, _r in saved], pw)


def _seed_liaison_persons(rng: random.Random, enterprise_ids: list[int], pw: str) -> None:
    users, persons = [], []
    for number, enterprise_id in enumerate(enterprise_ids, start=1):
        name = person_name(rng)
        phone = phone_number(rng)
        users.append(User(username=f"e{number:05d}", full_name=name, password=pw, phone=phone))
        persons.append((enterprise_id, 1, name, phone, "办公室主任"))
        if rng.random() < 0.4:
            persons.append((enterprise_id, 2, person_name(rng), phone_number(rng), "综合部经理"))
    User.objects.bulk_create(users, batch_size=2000)
    ids = dict(User.objects.filter(username__regex=r"^e[0-9]{5}$").values_list("username", "pk"))
    group = Group.objects.get(name=Role.ENTERPRISE)
    Through = User.groups.through
    Through.objects.bulk_create(
        [Through(user_id=pk, group_id=group.pk) for pk in ids.values()], batch_size=5000
    )
    first_slot_user = {
        enterprise_id: ids[f"e{number:05d}"]
        for number, enterprise_id in enumerate(enterprise_ids, start=1)
    }
    LiaisonPerson.objects.bulk_create(
        [
            LiaisonPerson(
                enterprise_id=enterprise_id,
                slot=slot,
                user_id=first_slot_user[enterprise_id] if slot == 1 else None,
                name=name,
                phone=phone,
                position=position,
            )
            for enterprise_id, slot, name, phone, position in persons
        ],
        batch_size=5000,
    )


def seed_projects(rng: random.Random, scale: Scale, regions: dict) -> None:
    enterprises = list(Enterprise.objects.values_list("pk", "region_id", "name"))
    levels = [ProjectLevel.PROVINCE, ProjectLevel.CITY, ProjectLevel.COUNTY]
    level_weights = [0.1, 0.3, 0.6]
    stages = list(ProjectStage.values)
    projects = []
    for index in range(scale.projects):
        level = rng.choices(levels, level_weights)[0]
        owner = rng.choice(enterprises) if rng.random() < 0.7 else None
        region_id = owner[1] if owner else rng.choice(regions["counties"]).pk
        brand = owner[2][2:4] if owner else rng.choice(BRAND_CHARS) + rng.choice(BRAND_CHARS)
        projects.append(
            KeyProject(
                code=f"XM{index + 1:05d}",
                name=f"{brand}{rng.choice(PROJECT_WORDS)}项目",
                level=level,
                region_id=region_id,
                owner_id=owner[0] if owner else None,
                stage=rng.choice(stages),
                investment=Decimal(rng.randrange(5_000, 2_000_000)),
            )
        )
    KeyProject.objects.bulk_create(projects, batch_size=2000)


def link_demo_enterprise_account(user: User, county_id: int) -> None:
    """The demo enterprise account becomes the liaison person of an enterprise in its county."""
    enterprise = Enterprise.objects.filter(region__parent_id=county_id).order_by("pk").first() or (
        Enterprise.objects.order_by("pk").first()
    )
    LiaisonPerson.objects.filter(enterprise=enterprise, slot=1).update(
        user=user, name="张伟", phone="13800000002"
    )
