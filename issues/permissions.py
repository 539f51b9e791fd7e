"""Who may see a ticket and in which capacity they act on it: the one scoping layer of every
ticket list, page, attachment, export and API endpoint.

A user reaches a ticket through its roles (the region subtree of the office and the leaders,
the lead or co-handling department, the cadre serving the enterprise, the enterprise itself),
through its special groups (tickets of the group's categories in the group's region that reached
the group), or through a per-object grant (TicketGrant, django-guardian): a ticket the office
shared with it, or an escalation report a leader delegated to it. The same facts decide the list
(ticket_scope_q) and the capacities on one ticket (capacities), so that lists, pages,
attachments, exports and the API agree."""

from django.db.models import Q, QuerySet

from assignments.models import Assignment
from enterprises.models import Enterprise, LiaisonPerson
from org.models import Department, Region
from org.roles import Role
from org.scoping import (
    has_role,
    region_in_scope,
    region_q,
    sees_everything,
    spans_whole_tree,
    user_roles,
)

from .models import SpecialGroup, Ticket, TicketGrant
from .workflow import TRIAGE_STATES, Actor, State

OFFICE_ROLES = {Role.LIAISON_OFFICE, Role.ADMIN}
# The states in which a ticket is before a special group (its list scope).
GROUP_STATES = (State.ESCALATED, State.MEETING)
# Per-object grants: the codename of each, and the capacity an acting grant gives.
VIEW_SHARED = "view_shared_ticket"
ACT_AS_OFFICE = "act_on_ticket"
ACT_FOR_LEADER = "act_for_leader"
GRANT_CAPACITY = {ACT_AS_OFFICE: Actor.OFFICE, ACT_FOR_LEADER: Actor.LEADER}


def _enterprises_of_area(user):
    subtree = Region.objects.filter(path__startswith=user.region.path).values("pk")
    return Enterprise.objects.filter(region_id__in=subtree).values("pk")


def _served_enterprises(user):
    """The enterprises a cadre serves through a current link (包靠)."""
    # current(): a link past its term counts nowhere, even before the nightly sweep ends it.
    return (
        Assignment.objects.current()
        .filter(cadre__user=user, enterprise__isnull=False)
        .values("enterprise_id")
    )


def _own_enterprises(user):
    return LiaisonPerson.objects.filter(user=user, is_active=True).values("enterprise_id")


def groups_of(user) -> QuerySet[SpecialGroup]:
    """The active special groups `user` leads or belongs to."""
    ids = SpecialGroup.members.through.objects.filter(user_id=user.pk).values("specialgroup_id")
    return SpecialGroup.objects.filter(Q(leader_id=user.pk) | Q(pk__in=ids), is_active=True)


def _group_scope_q(user) -> Q:
    """Tickets before one of the user's groups: of its categories, in its region subtree."""
    q = Q(pk__in=[])
    through = SpecialGroup.categories.through
    for group in groups_of(user).select_related("region"):
        categories = through.objects.filter(specialgroup_id=group.pk).values("category_id")
        subtree = Region.objects.filter(path__startswith=group.region.path).values("pk")
        q |= Q(
            category_id__in=categories,
            enterprise_id__in=Enterprise.objects.filter(region_id__in=subtree).values("pk"),
        )
    return q & Q(state__in=GROUP_STATES)


def _granted(user):
    """The tickets granted to `user` one by one (any grant lets it see the ticket)."""
    return TicketGrant.objects.filter(user_id=user.pk).values("content_object_id")


def ticket_scope_q(user) -> Q | None:
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if sees_everything(user):
        return None
    roles = user_roles(user)
    q = Q(pk__in=_granted(user))
    if roles & (OFFICE_ROLES | {Role.LEADER}) and user.region_id:
        if spans_whole_tree(user):
            return None
        q |= Q(enterprise_id__in=_enterprises_of_area(user))
    if roles & {Role.SPECIAL_GROUP, Role.LEADER}:
        q |= _group_scope_q(user)
    if Role.LEADER in roles:
        # The escalation reports addressed to the leader, wherever it sits.
        q |= Q(reported_to_id=user.pk)
    if Role.DEPARTMENT in roles and user.department_id:
        # A subquery rather than a join, so that a ticket is one row and lists need no DISTINCT.
        co_handled = Ticket.co_departments.through.objects.filter(
            department_id=user.department_id
        ).values("ticket_id")
        q |= Q(lead_department_id=user.department_id) | Q(pk__in=co_handled)
    if Role.CADRE in roles:
        q |= Q(enterprise_id__in=_served_enterprises(user))
    if Role.ENTERPRISE in roles:
        q |= Q(enterprise_id__in=_own_enterprises(user))
    return q


def tickets_for_user(user) -> QuerySet[Ticket]:
    q = ticket_scope_q(user)
    qs = Ticket.objects.all()
    return qs if q is None else qs.filter(q)


def _in_group_of(user, ticket: Ticket) -> bool:
    region = ticket.enterprise.region
    return any(
        region.path.startswith(group.region.path)
        for group in groups_of(user).filter(categories=ticket.category_id).select_related("region")
    )


def county_of(region: Region | None) -> Region | None:
    """The county (or the city) a region belongs to: a town's parent, else the region."""
    if region is not None and region.level == Region.Level.TOWN and region.parent_id:
        return region.parent
    return region


def triage_region(ticket: Ticket) -> Region | None:
    """The region whose liaison office triages `ticket`: the one recorded, by default the
    enterprise's county."""
    if ticket.triage_region_id:
        return ticket.triage_region
    return county_of(ticket.enterprise.region)


def triages(user, ticket: Ticket) -> bool:
    """True when `user`'s office is the one that triages `ticket` (or one above it): a county
    office that passed a ticket up keeps seeing it, but no longer triages it."""
    region = triage_region(ticket)
    return region is None or region_in_scope(user, region)


def group_covers(ticket: Ticket) -> bool:
    """True when an active special group covers the ticket's category in its region chain."""
    path = ticket.enterprise.region.path
    return any(
        path.startswith(group_path)
        for group_path in SpecialGroup.objects.filter(
            is_active=True, categories=ticket.category_id
        ).values_list("region__path", flat=True)
    )


def group_cover_index() -> dict[int, list[str]]:
    """category id → the region paths of the active groups covering it: one query, for a
    batch of tickets (the sweep)."""
    index: dict[int, list[str]] = {}
    rows = SpecialGroup.categories.through.objects.filter(specialgroup__is_active=True)
    for category_id, path in rows.values_list("category_id", "specialgroup__region__path"):
        index.setdefault(category_id, []).append(path)
    return index


def reportable_leaders(user) -> QuerySet:
    """The leaders an escalation report from `user` may go to: active users with the leader
    role in the office's area."""
    from django.contrib.auth import get_user_model

    if not getattr(user, "is_authenticated", False):
        return get_user_model().objects.none()
    return (
        get_user_model()
        .objects.filter(region_q(user), is_active=True, groups__name=Role.LEADER)
        .exclude(region=None)
        .order_by("full_name", "username")
    )


def own_capacities(user, ticket: Ticket) -> set[str]:
    """The workflow actors `user` may act as on `ticket` by its own roles, not by a grant."""
    if not getattr(user, "is_authenticated", False):
        return set()
    roles = user_roles(user)
    found: set[str] = set()
    region = ticket.enterprise.region
    if user.is_superuser or (roles & OFFICE_ROLES and region_in_scope(user, region)):
        # While it waits for triage, only the office that triages it acts (one passed up is
        # read-only for the county office below).
        if user.is_superuser or ticket.state not in TRIAGE_STATES or triages(user, ticket):
            found.add(Actor.OFFICE)
    # A leader takes part in an escalation report addressed to it, while it is one (a report
    # from before reports were addressed: any leader of the area).
    if (
        Role.LEADER in roles
        and ticket.state == State.REPORTED
        and (
            ticket.reported_to_id == user.pk
            or (ticket.reported_to_id is None and region_in_scope(user, region))
        )
    ):
        found.add(Actor.LEADER)
    # A special group takes part in what is before it: its categories, its region subtree.
    if (
        roles & {Role.SPECIAL_GROUP, Role.LEADER}
        and ticket.state in GROUP_STATES
        and _in_group_of(user, ticket)
    ):
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


_GRANTS_READ = "_grants_read"


def forget_grants(ticket: Ticket) -> None:
    """Drop what granted_capacities() read for `ticket` (after a grant or a revocation)."""
    ticket.__dict__.pop(_GRANTS_READ, None)


def granted_capacities(user, ticket: Ticket) -> set[str]:
    """The capacities a grant on this ticket gives `user`: the office's for a ticket shared to
    act on, the leader's for a delegated escalation report while it is one."""
    if not getattr(user, "is_authenticated", False):
        return set()
    # Read once per ticket object and user: a page asks several times (the actions, the
    # sharing panel, the upload box); sharing.py forgets it when a grant changes.
    known = ticket.__dict__.setdefault(_GRANTS_READ, {})
    if user.pk not in known:
        known[user.pk] = frozenset(
            TicketGrant.objects.filter(
                user_id=user.pk,
                content_object_id=ticket.pk,
                permission__codename__in=GRANT_CAPACITY,
            ).values_list("permission__codename", flat=True)
        )
    found = {GRANT_CAPACITY[c] for c in known[user.pk]}
    if ticket.state != State.REPORTED:
        found.discard(Actor.LEADER)
    return found


def capacities(user, ticket: Ticket) -> set[str]:
    """The workflow actors `user` may act as on `ticket`."""
    return own_capacities(user, ticket) | granted_capacities(user, ticket)


def departments_within(region: Region | None) -> QuerySet[Department]:
    """The active departments of `region` and the regions below it."""
    if region is None:
        return Department.objects.none()
    return Department.objects.filter(is_active=True, region__path__startswith=region.path)


def assignable_departments(user, ticket: Ticket | None = None) -> QuerySet[Department]:
    """The departments `user` may choose for an assignment, lead or co-handling: active, and in
    its region subtree (a county office its county's, the city office any in the city). On a
    `ticket` it acts on by a grant, also those of the granter's area: the grantee acts as the
    granter would. The one list every assignment form offers and every assignment service
    checks."""
    q = region_q(user)
    if ticket is not None and getattr(user, "is_authenticated", False):
        granters = TicketGrant.objects.filter(
            user_id=user.pk,
            content_object_id=ticket.pk,
            permission__codename__in=GRANT_CAPACITY,
            granted_by__region__isnull=False,
        ).values_list("granted_by__region__path", flat=True)
        for path in granters:
            q |= Q(region__path__startswith=path)
    return Department.objects.filter(q, is_active=True).order_by("region__path", "name")


def submittable_enterprises(user) -> QuerySet[Enterprise]:
    """The enterprises `user` may submit problems for, each one whose tickets it then sees:
    the office those of its area, a cadre those it serves through a current link, a liaison
    person its own."""
    if not getattr(user, "is_authenticated", False):
        return Enterprise.objects.none()
    if sees_everything(user):
        return Enterprise.objects.all()
    roles = user_roles(user)
    q = Q(pk__in=[])
    if roles & OFFICE_ROLES and user.region_id:
        if spans_whole_tree(user):
            return Enterprise.objects.all()
        q |= Q(pk__in=_enterprises_of_area(user))
    if Role.CADRE in roles:
        q |= Q(pk__in=_served_enterprises(user))
    if Role.ENTERPRISE in roles:
        q |= Q(pk__in=_own_enterprises(user))
    return Enterprise.objects.filter(q)
