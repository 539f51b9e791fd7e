"""Who may see and change assignments: the one scoping layer of every assignment list, page,
export and API endpoint."""

from django.db.models import Q, QuerySet

from enterprises.models import Enterprise, KeyProject
from org.models import Cadre, Region
from org.roles import Role
from org.scoping import has_role, region_in_scope, sees_everything, spans_whole_tree, user_roles

from .models import Assignment

MANAGER_ROLES = {Role.LIAISON_OFFICE, Role.ADMIN}
COVERAGE_ROLES = MANAGER_ROLES | {Role.LEADER}


def can_manage_assignments(user) -> bool:
    return bool(sees_everything(user) or (user_roles(user) & MANAGER_ROLES and user.region_id))


def can_view_coverage(user) -> bool:
    return bool(sees_everything(user) or (user_roles(user) & COVERAGE_ROLES and user.region_id))


def _subtree_ids(user):
    return Region.objects.filter(path__startswith=user.region.path).values("pk")


def assignment_scope_q(user) -> Q | None:
    """None for everything; otherwise the filter of the links `user` may see."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if sees_everything(user):
        return None
    q = Q(pk__in=[])
    if user_roles(user) & COVERAGE_ROLES and user.region_id:
        if spans_whole_tree(user):
            return None
        subtree = _subtree_ids(user)
        # Two semi-joins (enterprise_id IN …, project_id IN …): joining both targets and
        # OR-ing their regions made PostgreSQL scan every link with both joins (130 ms).
        q |= Q(enterprise_id__in=Enterprise.objects.filter(region_id__in=subtree).values("pk"))
        q |= Q(project_id__in=KeyProject.objects.filter(region_id__in=subtree).values("pk"))
    if has_role(user, Role.CADRE):
        q |= Q(cadre__user=user)
    # Enterprise users see who serves them on their enterprise's page (name, department and
    # phone), not the links themselves.
    return q


def assignments_for_user(user) -> QuerySet[Assignment]:
    q = assignment_scope_q(user)
    return Assignment.objects.all() if q is None else Assignment.objects.filter(q)


def cadres_assignable_by(user) -> QuerySet[Cadre]:
    """Active cadres that `user` may link (those working in its region subtree)."""
    if not can_manage_assignments(user):
        return Cadre.objects.none()
    qs = Cadre.objects.filter(is_active=True)
    if sees_everything(user):
        return qs
    return qs.filter(region__path__startswith=user.region.path)


def can_end_assignment(user, assignment: Assignment) -> bool:
    target = assignment.enterprise or assignment.project
    return can_manage_assignments(user) and region_in_scope(user, target.region)
