"""The presets as the seeds say (DOMAIN.md):

- Weifang (001): the quota of each senior rank is also its minimum — a 厅级 cadre links 4
  enterprises and 3 projects, a head of a city department 3 and 2, a 副县级 cadre 2 and 1, a
  section chief of an economic department 1–2 enterprises or projects — so a senior cadre with
  fewer shows short on the coverage page.
- Tongxiang (002): "each city leader links at least 3 enterprises" and "staff of the 24
  enterprise-related departments, middle level and above, at least 3 each" — the leader ranks
  anywhere, the other middle-level ranks in functional and economic departments; not every
  rank everywhere, as the first preset had it.
"""

from django.db import migrations

WEIFANG = [
    # rank, department kind, min/max enterprises, min/max projects, min/max combined, m2o
    ("ting", "", 4, 4, 3, 3, None, None, False),
    ("county_head", "", 3, 3, 2, 2, None, None, False),
    ("county_deputy", "", 2, 2, 1, 1, None, None, False),
    ("section_chief", "economic", None, None, None, None, 1, 2, True),
]
TONGXIANG = [
    ("ting", ""),
    ("county_head", ""),
    *[
        (rank, kind)
        for rank in ("county_deputy", "section_chief", "section_deputy")
        for kind in ("functional", "economic")
    ],
]


def _set_rules(Rule, policy, ranks, rules):
    Rule.objects.filter(policy=policy).delete()
    for rank, kind, min_e, max_e, min_p, max_p, min_c, max_c, m2o in rules:
        Rule.objects.create(
            policy=policy,
            rank=ranks[rank],
            department_kind=kind,
            min_enterprises=min_e,
            max_enterprises=max_e,
            min_projects=min_p,
            max_projects=max_p,
            min_combined=min_c,
            max_combined=max_c,
            allow_many_to_one=m2o,
        )


def forwards(apps, schema_editor):
    Policy = apps.get_model("assignments", "QuotaPolicy")
    Rule = apps.get_model("assignments", "QuotaRule")
    ranks = {r.code: r for r in apps.get_model("org", "Rank").objects.all()}
    if not {"ting", "county_head", "county_deputy", "section_chief", "section_deputy"} <= set(
        ranks
    ):
        return  # ranks renamed by the administrator: leave the policies as they are
    weifang = Policy.objects.filter(code="weifang").first()
    if weifang is not None:
        _set_rules(Rule, weifang, ranks, WEIFANG)
    tongxiang = Policy.objects.filter(code="tongxiang").first()
    if tongxiang is not None:
        _set_rules(
            Rule,
            tongxiang,
            ranks,
            [(rank, kind, 3, None, None, None, None, None, False) for rank, kind in TONGXIANG],
        )


class Migration(migrations.Migration):
    dependencies = [("assignments", "0005_terms_sweep_schedule")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
