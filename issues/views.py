from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from enterprises.selectors import enterprise_match_q
from org.calendar import working_days_between
from org.pagination import KeysFirstPaginator
from org.roles import Role
from org.scoping import has_role, region_in_scope

from . import actions, services
from .forms import (
    BulkAssignForm,
    CallbackForm,
    MeetingDecisionForm,
    MeetingPlanForm,
    RatingLinkForm,
    TicketFilterForm,
    TicketSubmitForm,
)
from .models import Source, Ticket
from .permissions import (
    capacities,
    departments_within,
    group_covers,
    submittable_enterprises,
    tickets_for_user,
    triage_region,
)
from .selectors import ticket_detail, ticket_list, ticket_list_rows
from .workflow import CLOCK_STATES, TRIAGE_STATES, Action, Actor, InvalidTransition, State

SEARCH_LIMIT = 20
SUBMITTER_ROLES = (Role.ENTERPRISE, Role.CADRE, Role.LIAISON_OFFICE, Role.ADMIN)


def can_submit(user) -> bool:
    """Problems are collected from enterprises, cadres and the office (on a caller's behalf)."""
    return bool(user.is_superuser or has_role(user, *SUBMITTER_ROLES))


def _detail_or_404(request, pk):
    try:
        return ticket_detail(user=request.user, pk=pk)
    except Ticket.DoesNotExist:
        raise Http404 from None


def _shortcuts(request):
    """The board's quick views for the user's work: (label, query, active)."""
    user = request.user
    views = [(_("All"), {})]
    if user.is_superuser or has_role(user, Role.LIAISON_OFFICE, Role.ADMIN):
        views += [
            (_("To triage"), {"state": "triage"}),
            (_("Overdue"), {"state": "open", "deadline": "overdue"}),
            (_("Due within 3 days"), {"deadline": "due_soon"}),
            (_("Awaiting rating"), {"state": State.REPLIED}),
        ]
    elif has_role(user, Role.DEPARTMENT):
        views += [
            (_("To acknowledge"), {"state": State.ASSIGNED}),
            (_("Overdue"), {"state": "open", "deadline": "overdue"}),
            (_("Due within 3 days"), {"deadline": "due_soon"}),
        ]
        if user.is_department_head:
            views.append((_("To sign off"), {"state": State.SIGNOFF}))
    else:
        views += [
            (pgettext("tickets", "Open"), {"state": "open"}),
            (_("Awaiting rating"), {"state": State.REPLIED}),
        ]
    current = {k: v for k, v in request.GET.items() if k != "page" and v}
    return [(label, urlencode(params), params == current) for label, params in views]


@login_required
@require_GET
def ticket_list_view(request):
    form = TicketFilterForm(request.GET if request.GET else None, user=request.user)
    kwargs = form.cleaned_data if form.is_bound and form.is_valid() else {}
    queryset = ticket_list(user=request.user, **{k: v for k, v in kwargs.items() if v})
    paginator = KeysFirstPaginator(
        queryset, 50, rows=ticket_list_rows, count_with_keys=bool(kwargs.get("q"))
    )
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    options = {
        n: form.options(n)
        for n in ("state", "category", "region", "department", "source", "deadline")
    }
    return render(
        request,
        "issues/list.html",
        {
            "form": form,
            "options": options,
            "page": page,
            "querystring": query.urlencode(),
            "shortcuts": _shortcuts(request),
            "can_submit": can_submit(request.user),
            "is_office": request.user.is_superuser
            or has_role(request.user, Role.LIAISON_OFFICE, Role.ADMIN),
            # The bulk assignment offers the same departments, none chosen in advance.
            "departments": [
                (value, label, False) for value, label, _chosen in options["department"]
            ],
        },
    )


def _source_for(user) -> str:
    if has_role(user, Role.ENTERPRISE):
        return Source.ENTERPRISE
    if has_role(user, Role.CADRE):
        return Source.CADRE
    return Source.OFFICE


@login_required
@require_http_methods(["GET", "POST"])
def ticket_submit_view(request):
    if not can_submit(request.user) or not submittable_enterprises(request.user).exists():
        raise PermissionDenied
    form = TicketSubmitForm(request.POST if request.method == "POST" else None, user=request.user)
    own = list(form.fields["enterprise"].queryset[:2])
    if len(own) == 1 and not form.is_bound:
        form.initial["enterprise"] = own[0].pk
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket = services.ticket_submit(
                    actor=request.user, source=_source_for(request.user), **data
                )
            except services.TicketError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Your problem was received as %(number)s.") % {"number": ticket.number},
                )
                return redirect("issues:detail", pk=ticket.pk)
        status = 422
    return render(
        request,
        "issues/form.html",
        {"form": form, "single_enterprise": own[0] if len(own) == 1 else None},
        status=status,
    )


@login_required
@require_GET
def enterprise_search_view(request):
    q = request.GET.get("enterprise_q", "").strip()
    qs = (
        submittable_enterprises(request.user)
        .filter(is_active=True)
        .select_related("region__parent")
    )
    if q:
        qs = qs.filter(enterprise_match_q(q))
    # Names may repeat (branches in several counties): each with its region, as assignments do.
    rows = [
        (e.pk, f"{e.name} · {e.region.label}") for e in qs.order_by("name", "pk")[:SEARCH_LIMIT]
    ]
    return render(request, "assignments/_options.html", {"rows": rows})


DECLINE_REASONS = [
    gettext_lazy("Not a matter for the government"),
    gettext_lazy("Already before a court or in arbitration"),
    gettext_lazy("A repeat of a problem already submitted"),
    gettext_lazy("Not a lawful or reasonable demand"),
]


def _timeline(ticket) -> list[dict]:
    """The ticket's history and its uploads, in the order they happened: who, when, what."""
    rows = [
        {"when": e.created_at, "event": e, "actor": e.actor, "cadre": _by_cadre(ticket, e)}
        for e in ticket.events.all()
    ]
    rows += [
        {"when": a.created_at, "attachment": a, "actor": a.uploaded_by}
        for a in ticket.attachments.all()
    ]
    return sorted(rows, key=lambda row: row["when"])


def _by_cadre(ticket, event) -> bool:
    """A cadre's report is shown as the cadre's, not as the office's (the workflow has no
    cadre actor: the office takes the ticket from there)."""
    return event.action == Action.SUBMIT and ticket.source == Source.CADRE


def _overdue_days(ticket) -> int:
    """Working days past the deadline while the department's clock runs; 0 when not late."""
    today = timezone.localdate()
    if ticket.state not in CLOCK_STATES or ticket.paused_since or not ticket.due_date:
        return 0
    return working_days_between(ticket.due_date, today) if ticket.due_date < today else 0


def _detail_context(request, ticket, posted=None):
    """The page of a ticket; `posted` is the bound form of an action that was refused, shown
    in place of its empty form with its errors next to its fields."""
    entries = actions.offered(ticket, request.user)
    forms = []
    for entry in entries:
        if posted is not None and posted[0] is entry:
            forms.append((entry, posted[1]))
        else:
            forms.append((entry, entry.build(ticket, request.user)))
    have = capacities(request.user, ticket)
    acknowledged = any(e.action == Action.ACKNOWLEDGE for e in ticket.events.all())
    return {
        "ticket": ticket,
        # First-asked responsibility: the unit that received it answers until a department
        # acknowledges the slip.
        "first_asked": None if acknowledged else ticket.first_unit,
        "acknowledged": acknowledged,
        # Why the office may route an escalated ticket: no special group covers it.
        "uncovered": ticket.state == State.ESCALATED
        and Actor.OFFICE in have
        and not group_covers(ticket),
        "triage_region": triage_region(ticket) if ticket.state in TRIAGE_STATES else None,
        "actions": [entry.action for entry in entries],
        "action_forms": forms,
        "timeline": _timeline(ticket),
        "overdue_days": _overdue_days(ticket),
        "is_enterprise": _sees_as_enterprise(request.user, ticket),
        "decline_reasons": DECLINE_REASONS,
    }


def _sees_as_enterprise(user, ticket) -> bool:
    """The enterprise (or anyone seeing the ticket only as its enterprise) is not shown the
    internal assignment slip."""
    return capacities(user, ticket) == {Actor.ENTERPRISE}


@login_required
@require_GET
def ticket_detail_view(request, pk: int):
    ticket = _detail_or_404(request, pk)
    return render(request, "issues/detail.html", _detail_context(request, ticket))


@login_required
@require_POST
def attachment_upload_view(request, pk: int):
    ticket = _detail_or_404(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to attach."))
        return render(request, "issues/detail.html", _detail_context(request, ticket), status=422)
    try:
        services.attachment_add(actor=request.user, ticket=ticket, upload=upload)
    except services.TicketError as exc:
        messages.error(request, str(exc))
        return render(request, "issues/detail.html", _detail_context(request, ticket), status=422)
    messages.success(request, _("The file was attached."))
    return redirect("issues:detail", pk=ticket.pk)


@login_required
@require_GET
def attachment_download_view(request, pk: int):
    """Only through the ticket's scope; the stored name is never shown. Always a download
    (never rendered inline), named with the extension of its checked type."""
    from org.http import mark_download
    from org.uploads import filename_for

    from .models import Attachment

    tickets = tickets_for_user(request.user)
    attachment = Attachment.objects.filter(pk=pk, ticket__in=tickets.values("pk")).first()
    if attachment is None:
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=filename_for(attachment.original_name, attachment.extension),
        content_type=attachment.content_type,
    )
    return mark_download(response)


@login_required
@require_GET
def ticket_slip_view(request, pk: int):
    """The printable assignment slip (联企服务交办单), or for a cross-department matter the
    escalation report to a city leader (联企服务呈报单)."""
    ticket = _detail_or_404(request, pk)
    report = ticket.state == State.REPORTED
    if (not ticket.lead_department_id and not report) or _sees_as_enterprise(request.user, ticket):
        raise Http404
    return render(request, "issues/slip.html", {"ticket": ticket, "report": report})


@login_required
@require_POST
def ticket_action_view(request, pk: int):
    """One action of the registry (issues/actions.py): its form checks the input, its service
    takes the step, and a refusal is shown next to the field it concerns."""
    ticket = _detail_or_404(request, pk)
    entry = actions.REGISTRY.get(request.POST.get("action", ""))
    if entry is None:
        messages.error(request, _("This action is not available here."))
        return render(request, "issues/detail.html", _detail_context(request, ticket), status=422)
    form = entry.build(ticket, request.user, request.POST)
    if form.is_valid():
        try:
            done = entry.perform(actor=request.user, ticket=ticket, data=form.cleaned_data)
        except (InvalidTransition, services.TicketError) as exc:
            form.add_error(None, str(exc))
            messages.error(request, str(exc))
        else:
            messages.success(request, entry.done(done))
            if tickets_for_user(request.user).filter(pk=pk).exists():
                return redirect("issues:detail", pk=pk)
            # e.g. a department that returned the slip no longer sees the ticket
            return redirect("issues:list")
    else:
        messages.error(
            request,
            _("“%(action)s” was not done: see the fields marked below.") % {"action": entry.label},
        )
    ticket = _detail_or_404(request, pk)
    return render(
        request,
        "issues/detail.html",
        _detail_context(request, ticket, posted=(entry, form)),
        status=422,
    )


@require_http_methods(["GET", "POST"])
def rating_link_view(request, token: str):
    """Rate a reply from the link in the notice, without logging in."""
    from enterprises.models import LiaisonPerson

    from .links import ticket_for_token

    ticket = ticket_for_token(token)
    if ticket is None or ticket.state != State.REPLIED:
        return render(request, "issues/rate_link.html", {"invalid": True}, status=410)
    form = RatingLinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        rater = (
            LiaisonPerson.objects.filter(
                enterprise_id=ticket.enterprise_id, is_active=True, user__isnull=False
            )
            .select_related("user")
            .order_by("slot")
            .first()
        )
        if not form.is_valid():
            pass
        elif rater is None:
            form.add_error(None, _("Your enterprise has no liaison account: log in to rate."))
        else:
            data = form.cleaned_data
            try:
                services.ticket_rate(
                    actor=rater.user,
                    ticket=ticket,
                    rating=data["rating"],
                    satisfied=data["satisfied"] == "yes",
                    comment=data["comment"],
                )
            except (InvalidTransition, services.TicketError) as exc:
                form.add_error(None, str(exc))
            else:
                return render(request, "issues/rate_link.html", {"done": True, "ticket": ticket})
        return render(
            request, "issues/rate_link.html", {"ticket": ticket, "form": form}, status=422
        )
    return render(request, "issues/rate_link.html", {"ticket": ticket, "form": form})


# Special groups and meetings ---------------------------------------------------------------


def _groups_for(user):
    from org.scoping import regions_for_user

    from .models import SpecialGroup

    groups = SpecialGroup.objects.filter(is_active=True).select_related("region", "leader")
    if user.is_superuser:
        return groups
    mine = groups.filter(members=user) | groups.filter(leader=user)
    in_area = groups.filter(region__in=regions_for_user(user).values("pk"))
    if has_role(user, Role.LIAISON_OFFICE, Role.ADMIN, Role.LEADER):
        return (mine | in_area).distinct()
    return mine.distinct()


@login_required
@require_http_methods(["GET", "POST"])
def groups_view(request):
    from . import meetings
    from .models import Meeting

    groups = list(_groups_for(request.user).prefetch_related("categories"))
    if not groups and not has_role(request.user, Role.LIAISON_OFFICE, Role.ADMIN):
        raise PermissionDenied
    if request.method == "POST":
        form = MeetingPlanForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("issues:groups")
        chosen = form.cleaned_data["group"]
        group = next((g for g in groups if g.pk == chosen), None)
        if chosen is not None and group is None:
            messages.error(request, _("Special group: choose one from the list."))
            return redirect("issues:groups")
        try:
            meeting = meetings.meeting_plan(
                actor=request.user,
                held_on=form.cleaned_data["held_on"],
                group=group,
                region=None if group else request.user.region,
            )
        except services.TicketError as exc:
            messages.error(request, str(exc))
            return redirect("issues:groups")
        return redirect("issues:meeting", pk=meeting.pk)
    planned = {
        (m.group_id, m.region_id): m
        for m in Meeting.objects.filter(
            Q(group__in=[g.pk for g in groups])
            | Q(kind=Meeting.Kind.STANDING, region=request.user.region_id),
            status=Meeting.Status.PLANNED,
        ).order_by("-held_on")
    }
    rows = [
        (g, meetings.waiting(group=g, region=g.region).count(), planned.get((g.pk, g.region_id)))
        for g in groups
    ]
    standing = standing_next = None
    if request.user.region_id and has_role(request.user, Role.LIAISON_OFFICE, Role.ADMIN):
        standing = meetings.waiting(group=None, region=request.user.region).count()
        standing_next = planned.get((None, request.user.region_id))
    recent = Meeting.objects.filter(
        Q(group__in=[g.pk for g in groups])
        | Q(kind=Meeting.Kind.STANDING, region=request.user.region_id)
    ).select_related("group")[:20]
    return render(
        request,
        "issues/groups.html",
        {"rows": rows, "standing": standing, "standing_next": standing_next, "meetings": recent},
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_view(request, pk: int):

    from . import meetings
    from .models import Meeting

    meeting = Meeting.objects.select_related("group", "region").filter(pk=pk).first()
    if meeting is None:
        raise Http404
    # Leaders of the area follow the meetings; the groups' members and the office run them.
    watches = has_role(request.user, Role.LEADER) and region_in_scope(request.user, meeting.region)
    if not (meetings.can_run(request.user, meeting) or watches):
        raise Http404
    status = 200
    form = None
    if request.method == "POST":
        try:
            if "minutes" in request.POST:
                meetings.meeting_close(
                    actor=request.user, meeting=meeting, minutes=request.POST["minutes"]
                )
            else:
                form = MeetingDecisionForm(request.POST, region=meeting.region)
                if not form.is_valid():
                    raise services.TicketError(
                        " ".join(e for errors in form.errors.values() for e in errors)
                    )
                data = form.cleaned_data
                item = meeting.items.select_related("ticket").filter(pk=data["item"]).first()
                if item is None:
                    raise services.TicketError(_("Agenda item: choose one from the list."))
                meetings.meeting_decide(
                    actor=request.user,
                    item=item,
                    decision=data["decision"],
                    note=data["note"],
                    department=data["department"],
                    working_days=data["working_days"],
                )
        except (services.TicketError, InvalidTransition) as exc:
            messages.error(request, str(exc))
            status = 422
        else:
            return redirect("issues:meeting", pk=meeting.pk)
    items = meeting.items.select_related(
        "ticket__enterprise", "ticket__category", "ticket__lead_department__region__parent"
    )
    return render(
        request,
        "issues/meeting.html",
        {
            "meeting": meeting,
            "items": items,
            "departments": [
                (d.pk, d.label)
                for d in departments_within(meeting.region).labelled().order_by("name")
            ],
            "can_run": meetings.can_run(request.user, meeting),
        },
        status=status,
    )


def _with_contacts(tickets):
    """The enterprise's liaison persons (name and phone), the people the office calls back."""
    from django.db.models import Prefetch

    from enterprises.models import LiaisonPerson

    return tickets.prefetch_related(
        Prefetch(
            "enterprise__liaison_persons",
            queryset=LiaisonPerson.objects.filter(is_active=True).order_by("slot"),
            to_attr="contacts",
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
def callbacks_view(request):
    """The office's call-back list: a sample of closed and withdrawn tickets to phone."""
    if not (request.user.is_superuser or has_role(request.user, Role.LIAISON_OFFICE, Role.ADMIN)):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = CallbackForm(request.POST)
        ticket = None
        if form.is_valid():
            ticket = tickets_for_user(request.user).filter(pk=form.cleaned_data["ticket"]).first()
            if ticket is None:
                form.add_error("ticket", _("Ticket: choose one from the list."))
        if ticket is None:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            status = 422
        else:
            try:
                services.callback_record(
                    actor=request.user,
                    ticket=ticket,
                    confirmed=form.cleaned_data["confirmed"] == "yes",
                    note=form.cleaned_data["note"],
                )
            except services.TicketError as exc:
                messages.error(request, str(exc))
                status = 422
            else:
                messages.success(
                    request,
                    _("The call-back on %(number)s was recorded.") % {"number": ticket.number},
                )
                return redirect("issues:callbacks")
    return render(
        request,
        "issues/callbacks.html",
        {"tickets": _with_contacts(services.callback_sample(user=request.user))},
        status=status,
    )


@login_required
@require_POST
def bulk_assign_view(request):
    """The office assigns several submitted tickets to one department at once; each goes
    through the same service (and transition) as a single assignment."""
    from org.http import safe_next

    if not (request.user.is_superuser or has_role(request.user, Role.LIAISON_OFFICE, Role.ADMIN)):
        raise PermissionDenied
    form = BulkAssignForm(request.POST, user=request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(safe_next(request, "issues:list"))
    department, ids = form.cleaned_data["department"], form.cleaned_data["ticket"]
    tickets = tickets_for_user(request.user).filter(pk__in=ids)
    done, refused = 0, []
    for ticket in tickets.select_related("category"):
        try:
            services.ticket_assign(actor=request.user, ticket=ticket, department=department)
            done += 1
        except (InvalidTransition, services.TicketError) as exc:
            refused.append(_("%(number)s: %(reason)s") % {"number": ticket.number, "reason": exc})
    if done:
        messages.success(
            request,
            _("%(count)d problems were assigned to %(department)s.")
            % {"count": done, "department": department.label},
        )
    for line in refused[:10]:
        messages.error(request, line)
    return redirect(safe_next(request, "issues:list"))
