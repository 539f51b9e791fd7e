"""Who may see a ticket and in which capacity they act on it: the one scoping layer of every
ticket list, page, attachment, export and API endpoint."""

from django.db.models import Q, QuerySet

from assignments.models import Assignment
from enterprises.models import Enterprise, LiaisonPerson
from org.models import Region
from org.roles import Role
from org.scoping import has_role, region_in_scope, sees_everything, spans_whole_tree, user_roles

from .models import Ticket
from .workflow import Actor, State

OFFICE_ROLES = {Role.LIAISON_OFFICE, Role.ADMIN}


def _enterprises_of_area(user):
    subtree = Region.objects.filter(path__startswith=user.region.path).values("pk")
    return Enterprise.objects.filter(region_id__in=subtree).values("pk")


def ticket_scope_q(user) -> Q | None:
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if sees_everything(user):
        return None
    roles = user_roles(user)
    q = Q(pk__in=[])
    if roles & (OFFICE_ROLES | {Role.LEADER, Role.SPECIAL_GROUP}) and user.region_id:
        if spans_whole_tree(user) and roles & (OFFICE_ROLES | {Role.LEADER}):
            return None
        area = Q(enterprise_id__in=_enterprises_of_area(user))
        if roles & (OFFICE_ROLES | {Role.LEADER}):
            q |= area
        else:  # a special group works on what reaches it
            q |= area & Q(state__in=[State.ESCALATED, State.MEETING])
    if Role.DEPARTMENT in roles and user.department_id:
        # A subquery rather than a join, so that a ticket is one row and lists need no DISTINCT.
        co_handled = Ticket.co_departments.through.objects.filter(
            department_id=user.department_id
        ).values("ticket_id")
        q |= Q(lead_department_id=user.department_id) | Q(pk__in=co_handled)
    if Role.CADRE in roles:
        served = Assignment.objects.filter(
            cadre__user=user, ended_on__isnull=True, enterprise__isnull=False
        ).values("enterprise_id")
        q |= Q(enterprise_id__in=served)
    if Role.ENTERPRISE in roles:
        own = LiaisonPerson.objects.filter(user=user, is_active=True).values("enterprise_id")
        q |= Q(enterprise_id__in=own)
    return q


def tickets_for_user(user) -> QuerySet[Ticket]:
    q = ticket_scope_q(user)
    qs = Ticket.objects.all()
    return qs if q is None else qs.filter(q)


def capacities(user, ticket: Ticket) -> set[str]:
    """The workflow actors `user` may act as on `ticket`."""
    roles = user_roles(user)
    found: set[str] = set()
    if user.is_superuser or (
        roles & OFFICE_ROLES and region_in_scope(user, ticket.enterprise.region)
    ):
        found.add(Actor.OFFICE)
    if Role.LEADER in roles and region_in_scope(user, ticket.enterprise.region):
        found.add(Actor.LEADER)
    if Role.SPECIAL_GROUP in roles and region_in_scope(user, ticket.enterprise.region):
        found.add(Actor.GROUP)
    if (
        Role.DEPARTMENT in roles
        and user.department_id
        and user.department_id == ticket.lead_department_id
    ):
        found.add(Actor.DEPARTMENT)
        if user.is_department_head:
            found.add(Actor.HEAD)
    if (
        has_role(user, Role.ENTERPRISE)
        and LiaisonPerson.objects.filter(
            user=user, enterprise_id=ticket.enterprise_id, is_active=True
        ).exists()
    ):
        found.add(Actor.ENTERPRISE)
    return found
