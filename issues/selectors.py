import datetime

from django.db.models import Case, F, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from enterprises.models import Enterprise
from org.models import Region
from org.roles import Role
from org.scoping import region_q, spans_whole_tree, user_roles
from org.search import in_q, search_q

from .models import Attachment, Ticket, TicketEvent
from .permissions import OFFICE_ROLES, tickets_for_user
from .workflow import CLOCK_STATES, OPEN_STATES, TRIAGE_STATES


def ticket_list_rows(queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """What a row of the board shows (see org.pagination.KeysFirstPaginator): no descriptions,
    outcomes or comments, which may run to thousands of characters each."""
    return queryset.select_related(
        "enterprise", "category", "lead_department__region__parent"
    ).only(
        "number",
        "title",
        "state",
        "urgency",
        "due_date",
        "created_at",
        "enterprise__name",
        "category__name",
        "category__name_en",
        "lead_department__name",
        # The department's label names its region (names repeat across regions).
        "lead_department__region__name",
        "lead_department__region__level",
        "lead_department__region__parent__name",
    )


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
    qs = tickets_for_user(user)
    if state == "open":
        qs = qs.filter(state__in=list(OPEN_STATES))
    elif state == "triage":
        qs = qs.filter(state__in=list(TRIAGE_STATES))
        if (
            user_roles(user) & OFFICE_ROLES
            and not user.is_superuser
            and user.region_id
            and not spans_whole_tree(user)
        ):
            # What the user's office triages: not what a county office passed up above it.
            qs = qs.filter(Q(triage_region__isnull=True) | region_q(user, "triage_region"))
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
        # Arms that each read an index, so that PostgreSQL ORs their bitmaps rather than
        # testing every ticket (org/search.py): the title's grams, the enterprise's name, and
        # the number's prefix (numbers are letters and digits: SQ2026000123).
        names = Enterprise.objects.filter(search_q(q, ["name"], stored=False)).values("pk")
        other = in_q("enterprise_id", names)
        if q.isascii() and q.isalnum():
            other |= Q(number__startswith=q.upper())
        qs = qs.filter(search_q(q, ["title"], other=other))
    if Role.DEPARTMENT in user_roles(user) and not (user_roles(user) - {Role.DEPARTMENT}):
        # A department's inbox: its open work first, the nearest deadline on top, then what
        # it finished, the latest first. One department's tickets are few: sorted in memory.
        open_work = Q(state__in=list(OPEN_STATES))
        return qs.order_by(
            Case(When(open_work, then=Value(0)), default=Value(1)),
            Case(When(open_work, then=F("due_date"))).asc(nulls_last=True),
            F("created_at").desc(),
            "-pk",
        )
    newest = F("created_at")
    if q:
        # A search reads its matches from the indexes above and sorts them. Ordered by the bare
        # column, PostgreSQL may instead walk that column's whole index hoping to meet 50
        # matches early: 200 ms for a word no title holds. "+ 0 days" hides the index from it.
        newest = newest + datetime.timedelta(0)
    return qs.order_by(newest.desc(), "-pk")


# The detail page's relations, read in two queries: PostgreSQL plans a join of fifteen tables
# in 11 ms (for 1 ms of work); two joins of eight plan in under 4 ms together.
_DETAIL_RELATIONS = ("enterprise__region__parent", "category", "lead_department__region__parent")
_DETAIL_MORE = {
    "triage_region": None,
    "first_unit": "first_unit__region__parent",
    "reported_to": None,
    "project": None,
    "submitted_by": None,
    "merged_into": None,
}


def ticket_detail(*, user, pk: int) -> Ticket:
    """The ticket with its timeline; DoesNotExist outside the user's scope."""
    ticket = (
        tickets_for_user(user)
        .select_related(*_DETAIL_RELATIONS)
        .prefetch_related(
            "co_departments",
            Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")),
            Prefetch("events", queryset=TicketEvent.objects.select_related("actor")),
        )
        .get(pk=pk)
    )
    more = (
        Ticket.objects.select_related(*(path or name for name, path in _DETAIL_MORE.items()))
        .only("pk", *_DETAIL_MORE)
        .get(pk=ticket.pk)
    )
    for name in _DETAIL_MORE:
        setattr(ticket, name, getattr(more, name))  # the same ids: only the cache is filled
    return ticket


def likely_duplicates(*, user, ticket: Ticket, limit: int = 5) -> list[Ticket]:
    """The enterprise's other open tickets that are likely the same problem: the same category,
    or a similar title. Only the office merges, so only for a ticket awaiting triage."""
    from difflib import SequenceMatcher

    if ticket.state != "submitted":
        return []
    candidates = (
        tickets_for_user(user)
        .filter(enterprise_id=ticket.enterprise_id, state__in=list(OPEN_STATES))
        .exclude(pk=ticket.pk)
        .select_related("category")
        .order_by("-pk")[:50]
    )

    def similar(other: Ticket) -> bool:
        return SequenceMatcher(None, ticket.title, other.title).ratio() >= 0.6

    return [t for t in candidates if t.category_id == ticket.category_id or similar(t)][:limit]
