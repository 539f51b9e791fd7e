"""The scoping primitives every app builds its querysets on.

"One platform, tiered management": a user sees the region of its account and everything below
it. A superuser sees everything; a user without a region sees nothing that is region-scoped.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Q

from .models import Region
from .roles import REGION_SCOPED_ROLES, REGISTRY_EDITOR_ROLES, Role

_ROLES_CACHE = "_liaison_roles"
ROOT_COUNT_CACHE_KEY = "org:region-root-count"


def user_roles(user) -> frozenset[str]:
    """The role names (group names) of `user`, read once per request object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    roles = getattr(user, _ROLES_CACHE, None)
    if roles is None:
        roles = frozenset(user.groups.values_list("name", flat=True))
        setattr(user, _ROLES_CACHE, roles)
    return roles


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def is_region_scoped(user) -> bool:
    return bool(user_roles(user) & REGION_SCOPED_ROLES)


def can_edit_registry(user) -> bool:
    return bool(user.is_superuser or user_roles(user) & REGISTRY_EDITOR_ROLES)


def sees_everything(user) -> bool:
    return bool(getattr(user, "is_superuser", False))


def spans_whole_tree(user) -> bool:
    """True when the user's region is the root of the only region tree, so that its subtree is
    every region and a scope filter would only slow the query down. The number of roots is
    cached for a minute (adding a city is rare, and a new root holds no records yet)."""
    region = getattr(user, "region", None)
    return is_region_scoped(user) and region_spans_whole_tree(region)


def region_spans_whole_tree(region) -> bool:
    """True when `region` is the root of the only region tree: a filter on its subtree keeps
    everything (and would only slow the query down)."""
    if region is None or region.parent_id is not None:
        return False
    roots = cache.get_or_set(
        ROOT_COUNT_CACHE_KEY, lambda: Region.objects.filter(parent__isnull=True).count(), 60
    )
    return roots == 1


def region_q(user, field: str = "region") -> Q:
    """A filter on `field` (a foreign key to Region) that keeps the user's region subtree.

    Superusers get an empty filter (everything); a user with no region, or whose roles are not
    region-scoped, gets a filter that matches nothing. Careful: an empty Q() OR-ed with another
    Q is that other Q, so callers that combine scopes check spans_whole_tree() first.
    """
    if sees_everything(user) or spans_whole_tree(user):
        return Q()
    region = getattr(user, "region", None)
    if region is None or not is_region_scoped(user):
        return Q(pk__in=[])
    return Q(**{f"{field}__path__startswith": region.path})


def regions_for_user(user):
    """Regions the user may see (its subtree), ordered as a tree."""
    if sees_everything(user):
        return Region.objects.all()
    region = getattr(user, "region", None)
    if region is None or not is_region_scoped(user):
        return Region.objects.none()
    return Region.objects.filter(path__startswith=region.path)


def ancestor_paths(path: str) -> list[str]:
    """The paths of a region and of every region above it ("370700/370702/" gives
    "370700/" and "370700/370702/")."""
    codes = [code for code in path.split("/") if code]
    return ["".join(f"{code}/" for code in codes[: i + 1]) for i in range(len(codes))]


def office_users_above(path: str):
    """The active liaison-office users of the region at `path` and of the regions above it:
    those answerable for what happens there."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            is_active=True, groups__name=Role.LIAISON_OFFICE, region__path__in=ancestor_paths(path)
        )
        .distinct()
    )


def office_index() -> list[tuple[int, str, str]]:
    """(user id, region path, language) of every active liaison-office user, read once by a
    sweep that then matches many paths against it (a path's offices are those whose region
    path begins it)."""
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.LIAISON_OFFICE)
        .exclude(region=None)
        .values_list("pk", "region__path", "language")
    )


def region_in_scope(user, region: Region | None) -> bool:
    if region is None:
        return False
    if sees_everything(user):
        return True
    own = getattr(user, "region", None)
    return own is not None and is_region_scoped(user) and region.path.startswith(own.path)


__all__ = [
    "Role",
    "can_edit_registry",
    "ancestor_paths",
    "has_role",
    "is_region_scoped",
    "office_index",
    "office_users_above",
    "region_in_scope",
    "region_q",
    "region_spans_whole_tree",
    "regions_for_user",
    "sees_everything",
    "spans_whole_tree",
    "user_roles",
]
