from django.db.models import Count, Prefetch, Q, QuerySet

from org.models import Region, localized_name
from org.search import contains

from .models import Enterprise, EnterpriseCategory, EnterpriseTag, KeyProject, LiaisonPerson
from .permissions import enterprises_for_user, projects_for_user

# What a row of the list page shows (enterprise_list_rows narrows the query to them).
LIST_FIELDS = [
    "name",
    "credit_code",
    "category",
    "green_channel",
    "integrity_restricted",
    "is_active",
    "region__name",
    "region__code",
    "region__level",
    "region__parent__name",
]


def enterprise_match_q(q: str) -> Q:
    """Enterprises whose name holds `q` (in any case) or whose credit code starts with it.
    21,000 short names scan in a few milliseconds; a credit code is digits and capitals."""
    matches = contains("name", q)
    if q.isascii() and q.isalnum():
        matches |= Q(credit_code__startswith=q.upper())
    return matches


def enterprise_list_rows(queryset: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    """A page's rows, chosen by org.pagination.KeysFirstPaginator: a deep page (page 200 of
    the city) then walks the (name, id) index for its keys rather than sorting the table."""
    return queryset.select_related("region__parent").prefetch_related("tags").only(*LIST_FIELDS)


def enterprise_list(
    *,
    user,
    q: str = "",
    region: Region | None = None,
    category: str = "",
    tag: str = "",
) -> QuerySet[Enterprise]:
    """The enterprises `user` may see, filtered, with what a list row shows."""
    qs = enterprises_for_user(user).select_related("region").prefetch_related("tags")
    q = (q or "").strip()
    if q:
        qs = qs.filter(enterprise_match_q(q))
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    if category:
        qs = qs.filter(category=category)
    if tag:
        qs = qs.filter(tags__code=tag)
    return qs.order_by("name", "pk")


def enterprise_detail(*, user, pk: int) -> Enterprise:
    """The enterprise with its liaison persons and projects; DoesNotExist outside the scope."""
    return (
        enterprises_for_user(user)
        .select_related("region", "region__parent")
        .prefetch_related(
            "tags",
            Prefetch(
                "liaison_persons",
                queryset=LiaisonPerson.objects.filter(is_active=True).order_by("slot"),
                to_attr="active_liaison_persons",
            ),
            Prefetch(
                "projects",
                queryset=KeyProject.objects.filter(is_active=True).select_related("region"),
                to_attr="active_projects",
            ),
        )
        .get(pk=pk)
    )


def enterprise_overview_for_user(user) -> dict:
    """Counts for the home page: enterprises in scope by category, and projects."""
    counts = (
        enterprises_for_user(user)
        .filter(is_active=True)
        .aggregate(
            total=Count("pk"),
            restricted=Count("pk", filter=Q(integrity_restricted=True)),
            green=Count("pk", filter=Q(green_channel=True)),
            **{
                f"cat_{value}": Count("pk", filter=Q(category=value))
                for value in EnterpriseCategory.values
            },
        )
    )
    by_category = [
        {"value": value, "label": label, "count": counts[f"cat_{value}"]}
        for value, label in EnterpriseCategory.choices
    ]
    return {
        "total": counts["total"],
        "restricted": counts["restricted"],
        "green": counts["green"],
        "by_category": by_category,
        "projects": projects_for_user(user).filter(is_active=True).count(),
    }


def tag_choices() -> list[tuple[str, str]]:
    """(code, name in the active language) of every tag."""
    return [
        (code, localized_name(name, name_en))
        for code, name, name_en in EnterpriseTag.objects.values_list("code", "name", "name_en")
    ]
