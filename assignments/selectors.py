from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from enterprises.models import Enterprise, EnterpriseCategory, KeyProject, LiaisonPerson
from enterprises.permissions import enterprises_for_user, projects_for_user
from org.models import Cadre, Department, Rank, Region
from org.scoping import regions_for_user, sees_everything, spans_whole_tree
from org.search import contains, search_q

from .models import Assignment
from .permissions import assignments_for_user
from .rules import RuleBook


def assignment_list(
    *,
    user,
    q: str = "",
    region: Region | None = None,
    department: Department | None = None,
    rank: Rank | None = None,
    category: str = "",
    kind: str = "",
    status: str = "active",
) -> QuerySet[Assignment]:
    # Few joins: with the regions, ranks and departments joined the query had eleven relations
    # and PostgreSQL spent 20 ms planning it for 5 ms of work. Ranks and departments come in
    # two small prefetch queries; the list names regions from region_labels().
    qs = (
        assignments_for_user(user)
        .select_related("cadre", "enterprise", "project")
        .prefetch_related(
            "cadre__rank",
            # Departments are named with their region (names repeat): joined in their query.
            Prefetch("cadre__department", queryset=Department.objects.labelled()),
        )
    )
    if status == "active":
        qs = qs.current()
    elif status == "ended":
        qs = qs.filter(Q(ended_on__isnull=False) | Q(term_end__lt=timezone.localdate()))
    if kind == "enterprise":
        qs = qs.filter(enterprise__isnull=False)
    elif kind == "project":
        qs = qs.filter(project__isnull=False)
    if region is not None:
        subtree = Region.objects.filter(path__startswith=region.path).values("pk")
        qs = qs.filter(
            Q(enterprise_id__in=Enterprise.objects.filter(region_id__in=subtree).values("pk"))
            | Q(project_id__in=KeyProject.objects.filter(region_id__in=subtree).values("pk"))
        )
    if department is not None:
        qs = qs.filter(cadre__department=department)
    if rank is not None:
        qs = qs.filter(cadre__rank=rank)
    if category:
        qs = qs.filter(enterprise_id__in=Enterprise.objects.filter(category=category).values("pk"))
    q = (q or "").strip()
    if q:
        # Semi-joins on each table searched: PostgreSQL evaluates each once, where OR-ing
        # LIKEs across three outer joins tested every link against every pattern. Enterprise
        # names are read through their grams index (org/search.py).
        code = Q(credit_code__startswith=q.upper()) if q.isascii() and q.isalnum() else None
        enterprise_matches = search_q(q, ["name"], other=code, stored=False)
        qs = qs.filter(
            Q(cadre_id__in=Cadre.objects.filter(contains("name", q)).values("pk"))
            | Q(enterprise_id__in=Enterprise.objects.filter(enterprise_matches).values("pk"))
            | Q(project_id__in=KeyProject.objects.filter(contains("name", q)).values("pk"))
        )
    return qs.order_by("-start_date", "-pk")


def region_labels(*, user) -> dict[int, str]:
    """ "County · town" (or the name) of every region the user sees, from one small query."""
    rows = list(regions_for_user(user).values_list("pk", "name", "level", "parent_id"))
    names = {pk: name for pk, name, _level, _parent in rows}
    return {
        pk: f"{names[parent]} · {name}" if level > 2 and parent in names else name
        for pk, name, level, parent in rows
    }


def my_assignments(*, user) -> list[Assignment]:
    """A cadre's active links with what the cadre needs on the road: the enterprise's
    liaison persons and the project's owner."""
    return list(
        Assignment.objects.current()
        .filter(cadre__user=user)
        .select_related("enterprise__region__parent", "project__region", "project__owner")
        .prefetch_related(
            Prefetch(
                "enterprise__liaison_persons",
                queryset=LiaisonPerson.objects.filter(is_active=True).order_by("slot"),
                to_attr="active_liaison_persons",
            )
        )
        .order_by("project_id", "enterprise__name", "project__name")
    )


def cadres_serving(*, enterprise_ids) -> dict[int, list[Assignment]]:
    """The active links of these enterprises, with the cadre's department (one query)."""
    serving: dict[int, list[Assignment]] = defaultdict(list)
    rows = (
        Assignment.objects.current()
        .filter(enterprise_id__in=list(enterprise_ids))
        .select_related("cadre__department__region__parent", "cadre__rank")
        .order_by("-is_primary", "cadre__name")
    )
    for assignment in rows:
        serving[assignment.enterprise_id].append(assignment)
    return serving


# Coverage ----------------------------------------------------------------------------------


@dataclass
class CadreRow:
    label: str
    cadres: int = 0
    linked: int = 0
    enterprises: int = 0
    projects: int = 0
    under: int = 0
    over: int = 0


@dataclass
class EnterpriseRow:
    label: str
    total: int = 0
    covered: int = 0

    @property
    def uncovered(self) -> int:
        return self.total - self.covered

    @property
    def rate(self) -> float:
        return round(100 * self.covered / self.total, 1) if self.total else 0.0


@dataclass
class Coverage:
    by_region: list[EnterpriseRow] = field(default_factory=list)
    by_category: list[EnterpriseRow] = field(default_factory=list)
    enterprises: EnterpriseRow = field(default_factory=lambda: EnterpriseRow(""))
    cadres_by_region: list[CadreRow] = field(default_factory=list)
    cadres_by_department: list[CadreRow] = field(default_factory=list)
    cadres_by_rank: list[CadreRow] = field(default_factory=list)
    cadres: CadreRow = field(default_factory=lambda: CadreRow(""))
    projects: EnterpriseRow = field(default_factory=lambda: EnterpriseRow(""))


def coverage_for_user(user) -> Coverage:
    """Enterprises with and without a cadre, and cadres under or over their quota, in the
    user's area — grouped by region, category, department and rank. A fixed number of
    queries at any scale; every table's rows add up to its total."""
    regions = {r.pk: r for r in regions_for_user(user)}
    top = None if sees_everything(user) else user.region
    if top is None:
        roots = [r for r in regions.values() if r.parent_id is None]
        top = roots[0] if len(roots) == 1 else None

    def group(region_id: int) -> Region:
        region = regions[region_id]
        if top is None or region.pk == top.pk:
            return region
        while region.parent_id != top.pk:
            region = regions[region.parent_id]
        return region

    active_link = Assignment.objects.current().filter(enterprise_id=OuterRef("pk"))
    rows = (
        enterprises_for_user(user)
        .filter(is_active=True)
        .annotate(covered=Exists(active_link))
        .values("region_id", "category", "covered")
        .annotate(n=Count("pk"))
        .order_by()
    )
    coverage = Coverage()
    by_region: dict[int, EnterpriseRow] = {}
    labels = dict(EnterpriseCategory.choices)
    by_category = {value: EnterpriseRow(str(label)) for value, label in labels.items()}
    for row in rows:
        g = group(row["region_id"])
        target = by_region.setdefault(g.pk, EnterpriseRow(g.name))
        for bucket in (target, by_category[row["category"]], coverage.enterprises):
            bucket.total += row["n"]
            if row["covered"]:
                bucket.covered += row["n"]
    coverage.by_region = sorted(by_region.values(), key=lambda r: r.label)
    coverage.by_category = [row for row in by_category.values() if row.total]

    coverage.projects = _covered(projects_for_user(user), "project_id")

    # Cadres: one row per cadre with its active link counts, classified against the quota.
    book = RuleBook(actor=user)
    cadre_rows = _cadre_groups(user, list(regions))
    ranks = {r.pk: r for r in Rank.objects.all()}
    departments = Department.objects.filter(region_id__in=list(regions)).labels()
    by_cadre_region: dict[int, CadreRow] = {}
    by_department: dict[int | None, CadreRow] = {}
    by_rank: dict[int, CadreRow] = {}
    for region_id, rank_id, department_id, kind, n_ent, n_proj, count in cadre_rows:
        rule = book.rules.get((rank_id, kind or "")) or book.rules.get((rank_id, ""))
        under, over = _quota_state(rule, n_ent, n_proj)
        g = group(region_id)
        buckets = (
            by_cadre_region.setdefault(g.pk, CadreRow(g.name)),
            by_department.setdefault(department_id, CadreRow(departments.get(department_id, "—"))),
            by_rank.setdefault(rank_id, CadreRow(ranks[rank_id].display_name)),
            coverage.cadres,
        )
        for bucket in buckets:
            bucket.cadres += count
            bucket.linked += count if (n_ent or n_proj) else 0
            bucket.enterprises += n_ent * count
            bucket.projects += n_proj * count
            bucket.under += under * count
            bucket.over += over * count
    coverage.cadres_by_region = sorted(by_cadre_region.values(), key=lambda r: r.label)
    coverage.cadres_by_department = sorted(
        by_department.values(), key=lambda r: (-r.cadres, r.label)
    )
    coverage.cadres_by_rank = [
        by_rank[pk] for pk in sorted(by_rank, key=lambda pk: ranks[pk].order)
    ]
    return coverage


_CADRE_GROUPS_SQL = """
    SELECT c.region_id, c.rank_id, c.department_id, d.kind,
           COALESCE(a.n_ent, 0), COALESCE(a.n_proj, 0), COUNT(*)
    FROM org_cadre c
    LEFT JOIN org_department d ON d.id = c.department_id
    LEFT JOIN (
        SELECT cadre_id,
               SUM(CASE WHEN enterprise_id IS NOT NULL THEN 1 ELSE 0 END) AS n_ent,
               SUM(CASE WHEN project_id IS NOT NULL THEN 1 ELSE 0 END) AS n_proj
        FROM assignments_assignment
        WHERE ended_on IS NULL AND term_end >= %s
        GROUP BY cadre_id
    ) a ON a.cadre_id = c.id
    WHERE c.is_active {scope}
    GROUP BY c.region_id, c.rank_id, c.department_id, d.kind, COALESCE(a.n_ent, 0),
             COALESCE(a.n_proj, 0)
"""


def _cadre_groups(user, region_ids: list[int]) -> list[tuple]:
    """Active cadres grouped by (region, rank, department, kind, active enterprise links,
    active project links) with the number of cadres in each group: about 2,400 rows at the
    Weifang scale instead of 15,000. Raw SQL because the ORM cannot group by the result of
    an aggregate (the per-cadre counts); every value is a bound parameter."""
    params: list = [timezone.localdate()]  # current links only: within their term
    scope = ""
    if not (sees_everything(user) or spans_whole_tree(user)):
        if not region_ids:
            return []
        scope = f"AND c.region_id IN ({', '.join(['%s'] * len(region_ids))})"
        params += region_ids
    with connection.cursor() as cursor:
        cursor.execute(_CADRE_GROUPS_SQL.format(scope=scope), params)  # noqa: S608 - placeholders only
        return cursor.fetchall()


def _quota_state(rule, n_ent: int, n_proj: int) -> tuple[int, int]:
    """(1, 0) when under a minimum, (0, 1) when over a maximum, else (0, 0)."""
    if rule is None:
        return 0, 0
    total = n_ent + n_proj
    over = (
        (rule.max_enterprises is not None and n_ent > rule.max_enterprises)
        or (rule.max_projects is not None and n_proj > rule.max_projects)
        or (rule.max_combined is not None and total > rule.max_combined)
    )
    under = (
        (rule.min_enterprises is not None and n_ent < rule.min_enterprises)
        or (rule.min_projects is not None and n_proj < rule.min_projects)
        or (rule.min_combined is not None and total < rule.min_combined)
    )
    return (0, 1) if over else ((1, 0) if under else (0, 0))


def uncovered_enterprises(*, user) -> QuerySet[Enterprise]:
    active_link = Assignment.objects.current().filter(enterprise_id=OuterRef("pk"))
    return (
        enterprises_for_user(user)
        .filter(is_active=True)
        .filter(~Exists(active_link))
        .select_related("region__parent")
        .order_by("name", "pk")
    )


def coverage_summary(*, user) -> EnterpriseRow:
    """Enterprises in the user's area and how many have a cadre (one query, for the home page)."""
    return _covered(enterprises_for_user(user), "enterprise_id")


def _covered(queryset, link: str) -> EnterpriseRow:
    """How many of the active rows of `queryset` an active link reaches through `link`."""
    active_link = Assignment.objects.current().filter(**{link: OuterRef("pk")})
    counts = EnterpriseRow("")
    rows = (
        queryset.filter(is_active=True)
        .annotate(covered=Exists(active_link))
        .values("covered")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts.total += row["n"]
        counts.covered += row["n"] if row["covered"] else 0
    return counts


def my_link_counts(*, user) -> dict:
    counts = (
        Assignment.objects.current()
        .filter(cadre__user=user)
        .aggregate(
            enterprises=Count("pk", filter=Q(enterprise__isnull=False)),
            projects=Count("pk", filter=Q(project__isnull=False)),
        )
    )
    return counts
