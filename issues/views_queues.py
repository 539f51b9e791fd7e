"""What a special group or the standing meeting is waiting on: the list behind each count on
the groups page. Read through the ticket scope, like every list."""

from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from org.pagination import KeysFirstPaginator
from org.roles import Role
from org.scoping import has_role

from .meetings import waiting
from .models import AgendaItem, Meeting
from .permissions import ticket_scope_q

PAGE_SIZE = 50


def _with_next_meeting(rows):
    """The page's rows, each with the planned meeting whose agenda holds it, if any."""
    planned = AgendaItem.objects.filter(
        ticket=OuterRef("pk"), meeting__status=Meeting.Status.PLANNED
    ).order_by("meeting__held_on")
    return rows.annotate(
        next_meeting_id=Subquery(planned.values("meeting_id")[:1]),
        next_meeting_on=Subquery(planned.values("meeting__held_on")[:1]),
    ).select_related("enterprise", "category")


def _listing(request, *, tickets, group, region):
    scope = ticket_scope_q(request.user)  # None: the whole tree, no filter to pay for
    if scope is not None:
        tickets = tickets.filter(scope)
    # Keys first: the count and the page's keys read the ticket table alone; the page's 50
    # rows then take their enterprise, category and next meeting.
    paginator = KeysFirstPaginator(
        tickets.order_by("due_date", "pk"), PAGE_SIZE, rows=_with_next_meeting
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "issues/waiting.html",
        {"page": page, "group": group, "region": region, "querystring": ""},
    )


@login_required
@require_GET
def group_waiting_view(request, pk: int):
    from .views import _groups_for

    group = _groups_for(request.user).filter(pk=pk).first()
    if group is None:
        raise Http404
    return _listing(
        request, tickets=waiting(group=group, region=group.region), group=group, region=None
    )


@login_required
@require_GET
def standing_waiting_view(request):
    user = request.user
    if not user.region_id or not (
        user.is_superuser or has_role(user, Role.LIAISON_OFFICE, Role.ADMIN)
    ):
        raise Http404
    return _listing(
        request, tickets=waiting(group=None, region=user.region), group=None, region=user.region
    )
