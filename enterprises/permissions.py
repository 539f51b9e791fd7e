"""Who may see and change enterprises and key projects: the one scoping layer used by the views,
the exports, the API and the admin of this app."""

from django.db.models import Q, QuerySet

from org.roles import Role
from org.scoping import (
    can_edit_registry,
    has_role,
    is_region_scoped,
    region_in_scope,
    region_q,
    sees_everything,
    spans_whole_tree,
)

from .models import Enterprise, KeyProject, LiaisonPerson


def _own_enterprise_ids(user):
    return LiaisonPerson.objects.filter(user=user, is_active=True).values("enterprise_id")


def enterprise_scope_q(user) -> Q | None:
    """The filter of the enterprises `user` may see, or None for everything."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if sees_everything(user) or spans_whole_tree(user):
        return None
    q = Q(pk__in=[])
    if is_region_scoped(user):
        q |= region_q(user)
    if has_role(user, Role.ENTERPRISE):
        q |= Q(pk__in=_own_enterprise_ids(user))
    return q


def enterprises_for_user(user) -> QuerySet[Enterprise]:
    q = enterprise_scope_q(user)
    qs = Enterprise.objects.all()
    return qs if q is None else qs.filter(q)


def projects_for_user(user) -> QuerySet[KeyProject]:
    if not getattr(user, "is_authenticated", False):
        return KeyProject.objects.none()
    if sees_everything(user) or spans_whole_tree(user):
        return KeyProject.objects.all()
    q = Q(pk__in=[])
    if is_region_scoped(user):
        q |= region_q(user)
    if has_role(user, Role.ENTERPRISE):
        q |= Q(owner_id__in=_own_enterprise_ids(user))
    return KeyProject.objects.filter(q)


def can_import_enterprises(user) -> bool:
    return can_edit_registry(user)


def can_edit_enterprise(user, enterprise: Enterprise) -> bool:
    return can_edit_registry(user) and region_in_scope(user, enterprise.region)


def can_see_history(user) -> bool:
    return can_edit_registry(user)


def liaison_accounts_q(user) -> Q:
    """The accounts (a filter on User) of the active liaison persons of the enterprises `user`
    may see: an enterprise's account has no region, its enterprise places it. An account with
    a region is placed by its region alone (an official of another county named liaison person
    of an enterprise here is not this county's to manage)."""
    q = enterprise_scope_q(user)
    persons = LiaisonPerson.objects.filter(
        is_active=True, user__isnull=False, user__region__isnull=True
    )
    if q is not None:
        persons = persons.filter(enterprise__in=Enterprise.objects.filter(q).values("pk"))
    return Q(pk__in=persons.values("user_id"))
