import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from enterprises.models import Enterprise
from org.models import Region
from org.roles import Role
from org.scoping import user_roles

from .models import Ticket, TicketEvent
from .permissions import ticket_scope_q
from .workflow import CLOCK_STATES, OPEN_STATES


def ticket_list(
    *,
    user,
    q="",
    state="",
    category=None,
    region=None,
    department=None,
    source="",
    deadline="",
) -> QuerySet[Ticket]:
    scope = ticket_scope_q(user)
    qs = Ticket.objects.all() if scope is None else Ticket.objects.filter(scope)
    if Role.DEPARTMENT in user_roles(user) and user.department_id:
        # co_departments makes the scope a join: keep one row per ticket.
        qs = qs.distinct()
    if state == "open":
        qs = qs.filter(state__in=list(OPEN_STATES))
    elif state:
        qs = qs.filter(state=state)
    if category is not None:
        qs = qs.filter(category=category)
    if region is not None:
        subtree = Region.objects.filter(path__startswith=region.path).values("pk")
        qs = qs.filter(
            enterprise_id__in=Enterprise.objects.filter(region_id__in=subtree).values("pk")
        )
    if department is not None:
        qs = qs.filter(lead_department=department)
    if source:
        qs = qs.filter(source=source)
    today = timezone.localdate()
    if deadline == "overdue":
        qs = qs.filter(state__in=list(CLOCK_STATES), due_date__lt=today, paused_since=None)
    elif deadline == "due_soon":
        qs = qs.filter(
            state__in=list(CLOCK_STATES),
            due_date__gte=today,
            due_date__lte=today + datetime.timedelta(days=3),
        )
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(number__startswith=q.upper())
            | Q(title__contains=q)
            | Q(enterprise_id__in=Enterprise.objects.filter(name__contains=q).values("pk"))
        )
    qs = qs.select_related("enterprise", "category", "lead_department")
    if Role.DEPARTMENT in user_roles(user) and not (user_roles(user) - {Role.DEPARTMENT}):
        return qs.order_by("due_date", "pk")  # a department's inbox: most urgent first
    return qs.order_by("-created_at", "-pk")


def ticket_detail(*, user, pk: int) -> Ticket:
    """The ticket with its timeline; DoesNotExist outside the user's scope."""
    scope = ticket_scope_q(user)
    qs = Ticket.objects.all() if scope is None else Ticket.objects.filter(scope).distinct()
    return (
        qs.select_related(
            "enterprise__region",
            "category",
            "lead_department",
            "project",
            "submitted_by",
            "merged_into",
        )
        .prefetch_related(
            "co_departments",
            "attachments",
            Prefetch("events", queryset=TicketEvent.objects.select_related("actor")),
        )
        .get(pk=pk)
    )
