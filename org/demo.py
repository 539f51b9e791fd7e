"""Deterministic demo data for the organisation registry (used by `seed_demo`)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from .models import Cadre, Department, Rank, Region, User
from .roles import Role

DEMO_PASSWORD = "Liaison#2026"  # noqa: S105 - printed for the demo accounts on purpose

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍鹏建华飞红亮宇浩凯健俊帆帅旭宁"
    "欣怡晨曦子涵志强国庆海燕立新春梅文博婷建国建军晓东晓燕振华德明永刚丽娟雪梅金凤"
)

# Weifang (潍坊市, 370700) and its county-level divisions.
CITY = ("370700", "潍坊市")
COUNTIES = [
    ("370702", "潍城区"),
    ("370703", "寒亭区"),
    ("370704", "坊子区"),
    ("370705", "奎文区"),
    ("370724", "临朐县"),
    ("370725", "昌乐县"),
    ("370781", "青州市"),
    ("370782", "诸城市"),
    ("370783", "寿光市"),
    ("370784", "安丘市"),
    ("370785", "高密市"),
    ("370786", "昌邑市"),
]
TOWN_NAMES = [
    "城关街道",
    "东城街道",
    "西城街道",
    "南苑街道",
    "北关街道",
    "新华街道",
    "朝阳街道",
    "兴安街道",
    "凤凰街道",
    "金山镇",
    "石埠镇",
    "王家庄镇",
    "柳疃镇",
    "双台镇",
    "营里镇",
    "高阳镇",
    "景芝镇",
    "吾山镇",
    "辛兴镇",
    "石门镇",
    "五图街道",
    "红河镇",
    "密州街道",
    "龙池镇",
    "九龙街道",
]
CITY_DEPARTMENTS = [
    ("市工业和信息化局", Department.Kind.LIAISON_OFFICE),
    ("市发展和改革委员会", Department.Kind.ECONOMIC),
    ("市商务局", Department.Kind.ECONOMIC),
    ("市科学技术局", Department.Kind.ECONOMIC),
    ("市财政局", Department.Kind.ECONOMIC),
    ("市地方金融监督管理局", Department.Kind.ECONOMIC),
    ("市自然资源和规划局", Department.Kind.FUNCTIONAL),
    ("市生态环境局", Department.Kind.FUNCTIONAL),
    ("市人力资源和社会保障局", Department.Kind.FUNCTIONAL),
    ("市市场监督管理局", Department.Kind.FUNCTIONAL),
    ("市行政审批服务局", Department.Kind.FUNCTIONAL),
    ("市住房和城乡建设局", Department.Kind.FUNCTIONAL),
    ("市应急管理局", Department.Kind.FUNCTIONAL),
    ("市委办公室", Department.Kind.OFFICE_BODY),
    ("市人大常委会办公室", Department.Kind.OFFICE_BODY),
    ("市政府办公室", Department.Kind.OFFICE_BODY),
    ("市政协办公室", Department.Kind.OFFICE_BODY),
    ("市中级人民法院", Department.Kind.OFFICE_BODY),
    ("市人民检察院", Department.Kind.OFFICE_BODY),
]
COUNTY_DEPARTMENTS = [
    ("工业和信息化局", Department.Kind.LIAISON_OFFICE),
    ("发展和改革局", Department.Kind.ECONOMIC),
    ("商务局", Department.Kind.ECONOMIC),
    ("自然资源局", Department.Kind.FUNCTIONAL),
    ("生态环境分局", Department.Kind.FUNCTIONAL),
    ("人力资源和社会保障局", Department.Kind.FUNCTIONAL),
    ("行政审批服务局", Department.Kind.FUNCTIONAL),
]


@dataclass(frozen=True)
class Scale:
    counties: int
    towns_per_county: int
    cadres: int
    enterprises: int
    projects: int


SCALES = {
    "demo": Scale(counties=3, towns_per_county=4, cadres=50, enterprises=200, projects=20),
    "weifang": Scale(
        counties=12, towns_per_county=10, cadres=15_000, enterprises=21_000, projects=1_000
    ),
}


def person_name(rng: random.Random) -> str:
    given_len = 1 if rng.random() < 0.3 else 2
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(given_len))


def phone_number(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"


def password_hash() -> str:
    # One hash for every generated account: hashing tens of thousands would take minutes.
    return make_password(DEMO_PASSWORD)


def seed_regions(scale: Scale) -> dict:
    city = Region.objects.create(code=CITY[0], name=CITY[1], level=Region.Level.CITY)
    counties, towns = [], []
    for code, name in COUNTIES[: scale.counties]:
        county = Region.objects.create(code=code, name=name, level=Region.Level.COUNTY, parent=city)
        counties.append(county)
        for index in range(scale.towns_per_county):
            towns.append(
                Region(
                    code=f"{code}{index + 1:03d}",
                    name=TOWN_NAMES[index % len(TOWN_NAMES)],
                    level=Region.Level.TOWN,
                    parent=county,
                )
            )
    for town in towns:
        town.path = f"{town.parent.path}{town.code}/"
    Region.objects.bulk_create(towns)
    return {"city": city, "counties": counties, "towns": list(Region.objects.filter(level=3))}


def seed_departments(regions: dict) -> list[Department]:
    departments = [
        Department(name=name, kind=kind, region=regions["city"]) for name, kind in CITY_DEPARTMENTS
    ]
    for county in regions["counties"]:
        prefix = county.name[:-1] if county.name.endswith(("区", "县")) else county.name
        departments += [
            Department(name=f"{prefix}{name}", kind=kind, region=county)
            for name, kind in COUNTY_DEPARTMENTS
        ]
    for town in regions["towns"]:
        departments.append(
            Department(
                name=f"{town.name}经济发展办公室", kind=Department.Kind.ECONOMIC, region=town
            )
        )
    Department.objects.bulk_create(departments)
    return list(Department.objects.select_related("region"))


# Share of cadres by rank (Weifang's mix of leaders, heads, deputies and section chiefs).
RANK_MIX = [
    ("ting", 0.01),
    ("county_head", 0.04),
    ("county_deputy", 0.10),
    ("section_chief", 0.35),
    ("section_deputy", 0.30),
    ("other", 0.20),
]


def seed_cadres(rng: random.Random, scale: Scale, regions: dict, departments, pw: str):
    ranks = {r.code: r for r in Rank.objects.all()}
    codes = [code for code, _ in RANK_MIX]
    weights = [w for _, w in RANK_MIX]
    by_region: dict[int, list[Department]] = {}
    for d in departments:
        if d.kind != Department.Kind.OFFICE_BODY:
            by_region.setdefault(d.region_id, []).append(d)
    all_regions = [regions["city"], *regions["counties"], *regions["towns"]]
    region_weights = [8 if r.level == 1 else 3 if r.level == 2 else 1 for r in all_regions]
    users, cadres = [], []
    for index in range(scale.cadres):
        rank_code = rng.choices(codes, weights)[0]
        # Senior ranks sit at city or county level.
        if rank_code in ("ting",):
            region = regions["city"]
        else:
            region = rng.choices(all_regions, region_weights)[0]
        department = rng.choice(by_region[region.pk])
        name = person_name(rng)
        users.append(
            User(
                username=f"c{index + 1:05d}",
                full_name=name,
                password=pw,
                region=region,
                department=department,
                phone=phone_number(rng),
            )
        )
        cadres.append((name, ranks[rank_code], department, region))
    User.objects.bulk_create(users, batch_size=2000)
    user_ids = dict(
        User.objects.filter(username__regex=r"^c[0-9]{5}$").values_list("username", "pk")
    )
    cadre_group = Group.objects.get(name=Role.CADRE)
    Through = User.groups.through
    Through.objects.bulk_create(
        [Through(user_id=pk, group_id=cadre_group.pk) for pk in user_ids.values()], batch_size=5000
    )
    rows = []
    for user, (name, rank, department, region) in zip(users, cadres, strict=True):
        rows.append(
            Cadre(
                user_id=user_ids[user.username],
                name=name,
                rank=rank,
                department=department,
                region=region,
                position=rng.choice(["局长", "副局长", "科长", "副科长", "主任", "副主任", "科员"]),
                phone=user.phone,
            )
        )
    Cadre.objects.bulk_create(rows, batch_size=2000)


DEMO_ACCOUNTS = [
    # username, role, full name, where
    ("admin", Role.ADMIN, "系统管理员", "city"),
    ("office", Role.LIAISON_OFFICE, "联络办 王敏", "city"),
    ("cadre", Role.CADRE, "服务专员 李强", "county"),
    ("enterprise", Role.ENTERPRISE, "企业联络员 张伟", "county"),
    ("department", Role.DEPARTMENT, "职能部门 赵静", "city"),
    ("depthead", Role.DEPARTMENT, "部门负责人 刘洋", "city"),  # signs off urgent replies
    ("specialgroup", Role.SPECIAL_GROUP, "专项小组 孙涛", "city"),
    ("leader", Role.LEADER, "市级领导 周建国", "city"),
    ("officepoint", Role.OFFICE_POINT_PERSON, "市政府办 吴娟", "city"),
    ("countyoffice", Role.LIAISON_OFFICE, "区联络办 陈磊", "county"),
]


def seed_demo_accounts(regions: dict, departments) -> dict[str, User]:
    city, county = regions["city"], regions["counties"][0]
    dept_by_name = {d.name: d for d in departments}
    department_for = {
        "office": "市工业和信息化局",
        "department": "市自然资源和规划局",
        "depthead": "市自然资源和规划局",
        "specialgroup": "市发展和改革委员会",
        "officepoint": "市政府办公室",
        "leader": "市政府办公室",
    }
    accounts = {}
    for username, role, full_name, where in DEMO_ACCOUNTS:
        user = User(
            username=username,
            full_name=full_name,
            region=city if where == "city" else county,
            department=dept_by_name.get(department_for.get(username, "")),
            is_staff=username == "admin",
            is_superuser=username == "admin",
            is_department_head=username == "depthead",
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name=role))
        accounts[username] = user
    cadre_user = accounts["cadre"]
    Cadre.objects.create(
        user=cadre_user,
        name="李强",
        rank=Rank.objects.get(code="section_chief"),
        department=Department.objects.filter(region=county).first(),
        region=county,
        position="科长",
        phone="13800000001",
    )
    return accounts
