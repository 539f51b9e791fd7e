"""The quota presets of DOMAIN.md. Weifang's is active; the office may switch in the admin."""

from django.db import migrations

ALL_RANKS = ["ting", "county_head", "county_deputy", "section_chief", "section_deputy", "other"]

PRESETS = [
    {
        "code": "weifang",
        "name": "潍坊：服务专员制度",
        "is_active": True,
        "source": "001 潍坊 2021",
        "no_duplicate_leader": False,
        "rules": [
            # rank, department kind, min/max enterprises, min/max projects, min/max combined,
            # many-to-one
            ("ting", "", None, 4, None, 3, None, None, False),
            ("county_head", "", None, 3, None, 2, None, None, False),
            ("county_deputy", "", None, 2, None, 1, None, None, False),
            ("section_chief", "economic", None, None, None, None, 1, 2, True),
        ],
    },
    {
        "code": "tongxiang",
        "name": "桐乡：干部联千企",
        "is_active": False,
        "source": "002 桐乡 2014",
        "no_duplicate_leader": False,
        "rules": [(rank, "", 3, None, None, None, None, None, False) for rank in ALL_RANKS],
    },
    {
        "code": "qingdao",
        "name": "青岛：亲清政商关系",
        "is_active": False,
        "source": "004 青岛 2018",
        "no_duplicate_leader": True,
        "rules": [
            ("ting", "", 1, 2, None, None, None, None, False),
            ("county_head", "", 1, 2, None, None, None, None, False),
        ],
    },
    {
        "code": "linyi",
        "name": "临沂：重点企业项目包靠",
        "is_active": False,
        "source": "003 临沂 2018",
        "no_duplicate_leader": False,
        "rules": [(rank, "", None, None, None, None, 1, 2, True) for rank in ALL_RANKS],
    },
]


def forwards(apps, schema_editor):
    Policy = apps.get_model("assignments", "QuotaPolicy")
    Rule = apps.get_model("assignments", "QuotaRule")
    Rank = apps.get_model("org", "Rank")
    ranks = {r.code: r for r in Rank.objects.all()}
    for preset in PRESETS:
        policy, _ = Policy.objects.update_or_create(
            code=preset["code"],
            defaults={
                "name": preset["name"],
                "is_active": preset["is_active"],
                "source": preset["source"],
                "no_duplicate_leader": preset["no_duplicate_leader"],
                "default_term_years": 3,
            },
        )
        for rank, kind, min_e, max_e, min_p, max_p, min_c, max_c, m2o in preset["rules"]:
            Rule.objects.update_or_create(
                policy=policy,
                rank=ranks[rank],
                department_kind=kind,
                defaults={
                    "min_enterprises": min_e,
                    "max_enterprises": max_e,
                    "min_projects": min_p,
                    "max_projects": max_p,
                    "min_combined": min_c,
                    "max_combined": max_c,
                    "allow_many_to_one": m2o,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("assignments", "0001_initial"), ("org", "0002_roles_ranks_schedule")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
