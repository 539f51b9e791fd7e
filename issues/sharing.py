"""Per-ticket grants beyond the region scope, kept by django-guardian (TicketGrant): the office
shares one ticket with a named user (to read, or to read and act as the office), a leader
delegates one escalation report to a named official (who then acts as the leader on it).
Grants are read by the one scoping layer (permissions.ticket_scope_q and capacities), written
only here, revocable at once, and each grant and revocation is on the ticket's timeline."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from org.roles import Role
from org.scoping import region_q, sees_everything, user_roles

from .models import Ticket, TicketEvent, TicketGrant
from .permissions import (
    ACT_AS_OFFICE,
    ACT_FOR_LEADER,
    OFFICE_ROLES,
    VIEW_SHARED,
    forget_grants,
    own_capacities,
    tickets_for_user,
)
from .services import TicketError, required
from .workflow import Action, Actor

READ, ACT = "read", "act"
SHARE_CODENAMES = {READ: VIEW_SHARED, ACT: ACT_AS_OFFICE}
USER_SEARCH_LIMIT = 20


# Who may grant at all: the office shares, a leader delegates. Nobody else searches the area's
# accounts (the search names every account of the area, with its full name).
GRANTING_ROLES = frozenset({*OFFICE_ROLES, Role.LEADER})


def grantable_users(user) -> QuerySet:
    """Whom `user` may grant a ticket to: active accounts of its region subtree, never itself.
    Users of other areas are not offered, nor found by a search; a user who may grant nothing
    (a cadre, a department, an enterprise…) finds nobody."""
    users = get_user_model().objects.filter(is_active=True).exclude(pk=user.pk)
    if not (sees_everything(user) or user_roles(user) & GRANTING_ROLES):
        return users.none()
    return users.filter(region_q(user)).order_by("username")


def grantable_user_search(user, q: str) -> QuerySet:
    users = grantable_users(user)
    q = (q or "").strip()
    if q:
        users = users.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    return users[:USER_SEARCH_LIMIT]


def can_share(user, ticket: Ticket) -> bool:
    """The office of the ticket's area, by its own role (a grantee never passes a grant on)."""
    return Actor.OFFICE in own_capacities(user, ticket)


def can_delegate(user, ticket: Ticket) -> bool:
    """A leader before whom the ticket lies as an escalation report (by its own role)."""
    return Actor.LEADER in own_capacities(user, ticket)


def grants_visible_to(user, ticket: Ticket, *, office: bool | None = None):
    """The grants on `ticket` that `user` sees and may revoke: all of them for the office,
    a leader's own delegations for the leader. `office`: can_share(), when already known."""
    grants = TicketGrant.objects.filter(content_object=ticket).select_related(
        "user", "permission", "granted_by"
    )
    if office is None:
        office = can_share(user, ticket)
    if office:
        return grants.order_by("granted_at", "pk")
    return grants.filter(granted_by_id=user.pk).order_by("granted_at", "pk")


def _label(codename: str) -> str:
    return {
        VIEW_SHARED: _("to read"),
        ACT_AS_OFFICE: _("to read and act as the liaison office"),
        ACT_FOR_LEADER: _("to act as the city leader"),
    }[codename]


def _timeline(ticket: Ticket, *, action: str, actor, role: str, note: str) -> None:
    """A timeline entry that is not a transition: the state stays as it is."""
    forget_grants(ticket)  # the capacities read before this change are stale
    TicketEvent.objects.create(
        ticket=ticket,
        action=action,
        from_state=ticket.state,
        to_state=ticket.state,
        actor=actor,
        actor_role=role,
        note=note,
        created_at=timezone.now(),
    )


def _grant(*, actor, ticket: Ticket, grantee, codename: str, reason: str, replaces=()):
    if grantee is None or not grantable_users(actor).filter(pk=grantee.pk).exists():
        raise TicketError(_("Choose the user from the search results."))
    reason = required(reason, _("Say why the ticket is shared."))[:200]
    with transaction.atomic():
        for other in replaces:
            if other != codename:
                remove_perm(f"issues.{other}", grantee, ticket)
        grant = assign_perm(f"issues.{codename}", grantee, ticket)
        grant.granted_by = actor
        grant.reason = reason
        grant.granted_at = timezone.now()
        grant.save(update_fields=["granted_by", "reason", "granted_at"])
    return grant


def ticket_share(*, actor, ticket: Ticket, grantee, access: str, reason: str) -> TicketGrant:
    """The office shares `ticket` with `grantee`, to read or to read and act as the office.
    Sharing again with another access replaces the earlier share."""
    if not can_share(actor, ticket):
        raise TicketError(_("Only the liaison office of the ticket's area shares it."))
    if access not in SHARE_CODENAMES:
        raise TicketError(_("Choose whether the user may only read or also act."))
    codename = SHARE_CODENAMES[access]
    with transaction.atomic():
        grant = _grant(
            actor=actor,
            ticket=ticket,
            grantee=grantee,
            codename=codename,
            reason=reason,
            replaces=SHARE_CODENAMES.values(),
        )
        _timeline(
            ticket,
            action=Action.SHARE,
            actor=actor,
            role=Actor.OFFICE,
            note=_("With %(user)s, %(access)s: %(reason)s")
            % {
                "user": grantee.get_display_name(),
                "access": _label(codename),
                "reason": grant.reason,
            },
        )
    return grant


def ticket_delegate(*, actor, ticket: Ticket, grantee, reason: str) -> TicketGrant:
    """A leader delegates the escalation report before it to `grantee`, who may then act as
    the leader on it (assign it or send it to the special group)."""
    if not can_delegate(actor, ticket):
        raise TicketError(_("Only a leader before whom the report lies delegates it."))
    with transaction.atomic():
        grant = _grant(
            actor=actor, ticket=ticket, grantee=grantee, codename=ACT_FOR_LEADER, reason=reason
        )
        _timeline(
            ticket,
            action=Action.DELEGATE,
            actor=actor,
            role=Actor.LEADER,
            note=_("To %(user)s: %(reason)s")
            % {"user": grantee.get_display_name(), "reason": grant.reason},
        )
    return grant


def grant_revoke(*, actor, ticket: Ticket, grant_id: int) -> None:
    """Revoke a grant: its holder loses what it gave at once (the next request already)."""
    grant = grants_visible_to(actor, ticket).filter(pk=grant_id).first()
    if grant is None or not tickets_for_user(actor).filter(pk=ticket.pk).exists():
        raise TicketError(_("This access no longer exists."))
    role = Actor.OFFICE if can_share(actor, ticket) else Actor.LEADER
    with transaction.atomic():
        remove_perm(f"issues.{grant.permission.codename}", grant.user, ticket)
        _timeline(
            ticket,
            action=Action.REVOKE,
            actor=actor,
            role=role,
            note=_("%(user)s, %(access)s")
            % {"user": grant.user.get_display_name(), "access": _label(grant.permission.codename)},
        )
