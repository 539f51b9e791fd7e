import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from enterprises.permissions import enterprises_for_user
from enterprises.selectors import enterprise_match_q
from org.pagination import KeysFirstPaginator
from org.roles import Role
from org.scoping import has_role, region_in_scope

from . import services
from .forms import ActionForm, TicketFilterForm, TicketSubmitForm
from .models import Source, Ticket
from .permissions import capacities, tickets_for_user
from .selectors import ticket_detail, ticket_list, ticket_list_rows
from .workflow import OPEN_STATES, Action, InvalidTransition, State, allowed_actions

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
    if not can_submit(request.user) or not enterprises_for_user(request.user).exists():
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
    qs = enterprises_for_user(request.user).filter(is_active=True).select_related("region__parent")
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


def _detail_context(request, ticket, form=None):
    can = capacities(request.user, ticket)
    is_office = "office" in can
    duplicates = []
    if is_office and ticket.state == State.SUBMITTED:
        # Likely duplicates: the enterprise's other open tickets, same category first.
        duplicates = sorted(
            Ticket.objects.filter(enterprise_id=ticket.enterprise_id, state__in=list(OPEN_STATES))
            .exclude(pk=ticket.pk)
            .select_related("category")[:10],
            key=lambda t: (t.category_id != ticket.category_id, -t.pk),
        )[:5]
    return {
        "ticket": ticket,
        # Meeting decisions are taken on the meeting's page; the sweep's own steps nowhere.
        "actions": [
            a
            for a in allowed_actions(ticket.state, can)
            if a not in (Action.RESOLVE, Action.TO_MEETING, Action.EXPIRE)
        ],
        "Action": Action,
        "form": form or ActionForm(),
        "is_office": is_office,
        "duplicates": duplicates,
        "decline_reasons": DECLINE_REASONS,
    }


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
    """Only through the ticket's scope; the stored name is never shown."""
    from .models import Attachment

    tickets = tickets_for_user(request.user)
    attachment = Attachment.objects.filter(pk=pk, ticket__in=tickets.values("pk")).first()
    if attachment is None:
        raise Http404
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@login_required
@require_GET
def ticket_slip_view(request, pk: int):
    """The printable assignment slip (联企服务交办单), or for a cross-department matter the
    escalation report to a city leader (联企服务呈报单)."""
    ticket = _detail_or_404(request, pk)
    report = ticket.state == State.REPORTED
    if not ticket.lead_department_id and not report:
        raise Http404
    return render(request, "issues/slip.html", {"ticket": ticket, "report": report})


@login_required
@require_POST
def ticket_action_view(request, pk: int):
    ticket = _detail_or_404(request, pk)
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was not filled in correctly."))
        return render(
            request, "issues/detail.html", _detail_context(request, ticket, form), status=422
        )
    data = form.cleaned_data
    action = data["action"]
    note = data.get("note") or ""
    user = request.user
    try:
        if action == Action.ASSIGN:
            if data.get("department") is None:
                raise services.TicketError(_("Choose the lead department."))
            services.ticket_assign(
                actor=user,
                ticket=ticket,
                department=data["department"],
                co_departments=data.get("co_departments") or [],
                working_days=data.get("working_days"),
                note=note,
            )
        elif action == Action.REPORT:
            services.ticket_report(actor=user, ticket=ticket, reason=note)
        elif action == Action.ACKNOWLEDGE:
            services.ticket_acknowledge(actor=user, ticket=ticket, note=note)
        elif action == Action.RETURN:
            services.ticket_return(actor=user, ticket=ticket, reason=note)
        elif action == Action.DECLINE:
            services.ticket_decline(actor=user, ticket=ticket, reason=note)
        elif action == Action.MERGE:
            # Through the scope, as every lookup: a number outside it does not exist here.
            number = (data.get("into") or "").strip().upper()
            into = tickets_for_user(user).filter(number=number).first()
            if into is None:
                raise services.TicketError(_("No ticket has that number."))
            services.ticket_merge(actor=user, ticket=ticket, into=into, note=note)
        elif action == Action.REQUEST_INFO:
            services.ticket_request_info(actor=user, ticket=ticket, question=note)
        elif action == Action.PROVIDE_INFO:
            services.ticket_provide_info(actor=user, ticket=ticket, answer=note)
        elif action in (Action.REPLY, Action.SUBMIT_REPLY):
            services.ticket_reply(actor=user, ticket=ticket, outcome=note)
        elif action == Action.SIGN_OFF:
            services.ticket_sign_off(actor=user, ticket=ticket, note=note)
        elif action == Action.SEND_BACK:
            services.ticket_send_back(actor=user, ticket=ticket, reason=note)
        elif action == Action.REQUEST_EXTENSION:
            services.ticket_request_extension(
                actor=user, ticket=ticket, working_days=data.get("working_days"), reason=note
            )
        elif action == Action.DECIDE_EXTENSION:
            services.ticket_decide_extension(
                actor=user, ticket=ticket, approve=data.get("satisfied") == "yes", note=note
            )
        elif action == Action.ESCALATE:
            services.ticket_escalate(actor=user, ticket=ticket, note=note)
        elif action in (Action.CONFIRM, Action.REOPEN):
            if not data.get("rating") or not data.get("satisfied"):
                raise services.TicketError(
                    _("Give a rating from 1 to 5 and say whether you are satisfied.")
                )
            services.ticket_rate(
                actor=user,
                ticket=ticket,
                rating=data["rating"],
                satisfied=data["satisfied"] == "yes",
                comment=note,
            )
        elif action == Action.WITHDRAW:
            services.ticket_withdraw(actor=user, ticket=ticket, reason=note)
        else:
            raise services.TicketError(_("This action is not available here."))
    except (InvalidTransition, services.TicketError) as exc:
        messages.error(request, str(exc))
        ticket = _detail_or_404(request, pk)
        return render(
            request, "issues/detail.html", _detail_context(request, ticket, form), status=422
        )
    messages.success(request, _("Done."))
    try:
        return redirect("issues:detail", pk=_detail_or_404(request, pk).pk)
    except Http404:  # e.g. a department that returned the slip no longer sees the ticket
        return redirect("issues:list")


@require_http_methods(["GET", "POST"])
def rating_link_view(request, token: str):
    """Rate a reply from the link in the notice, without logging in."""
    from enterprises.models import LiaisonPerson

    from .links import ticket_for_token

    ticket = ticket_for_token(token)
    if ticket is None or ticket.state != State.REPLIED:
        return render(request, "issues/rate_link.html", {"invalid": True}, status=410)
    if request.method == "POST":
        rating = request.POST.get("rating", "")
        satisfied = request.POST.get("satisfied", "")
        rater = (
            LiaisonPerson.objects.filter(
                enterprise_id=ticket.enterprise_id, is_active=True, user__isnull=False
            )
            .select_related("user")
            .order_by("slot")
            .first()
        )
        if not rating.isdigit() or satisfied not in ("yes", "no"):
            messages.error(
                request, _("Give a rating from 1 to 5 and say whether you are satisfied.")
            )
        elif rater is None:
            messages.error(request, _("Your enterprise has no liaison account: log in to rate."))
        else:
            try:
                services.ticket_rate(
                    actor=rater.user,
                    ticket=ticket,
                    rating=int(rating),
                    satisfied=satisfied == "yes",
                    comment=request.POST.get("comment", "")[:2000],
                )
            except (InvalidTransition, services.TicketError) as exc:
                messages.error(request, str(exc))
            else:
                return render(request, "issues/rate_link.html", {"done": True, "ticket": ticket})
        return render(request, "issues/rate_link.html", {"ticket": ticket}, status=422)
    return render(request, "issues/rate_link.html", {"ticket": ticket})


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
        group = next((g for g in groups if str(g.pk) == request.POST.get("group")), None)
        try:
            held_on = datetime.date.fromisoformat(request.POST.get("held_on", ""))
        except ValueError:
            messages.error(request, _("Give the meeting's date."))
            return redirect("issues:groups")
        try:
            meeting = meetings.meeting_plan(
                actor=request.user,
                held_on=held_on,
                group=group,
                region=None if group else request.user.region,
            )
        except services.TicketError as exc:
            messages.error(request, str(exc))
            return redirect("issues:groups")
        return redirect("issues:meeting", pk=meeting.pk)
    rows = [(g, meetings.queue(group=g, region=g.region).count()) for g in groups]
    standing = None
    if request.user.region_id and has_role(request.user, Role.LIAISON_OFFICE, Role.ADMIN):
        standing = meetings.queue(group=None, region=request.user.region).count()
    recent = Meeting.objects.filter(
        Q(group__in=[g.pk for g in groups])
        | Q(kind=Meeting.Kind.STANDING, region=request.user.region_id)
    ).select_related("group")[:20]
    return render(
        request, "issues/groups.html", {"rows": rows, "standing": standing, "meetings": recent}
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_view(request, pk: int):
    from org.models import Department

    from . import meetings
    from .models import AgendaItem, Meeting

    meeting = Meeting.objects.select_related("group", "region").filter(pk=pk).first()
    if meeting is None:
        raise Http404
    # Leaders of the area follow the meetings; the groups' members and the office run them.
    watches = has_role(request.user, Role.LEADER) and region_in_scope(request.user, meeting.region)
    if not (meetings.can_run(request.user, meeting) or watches):
        raise Http404
    status = 200
    if request.method == "POST":
        try:
            if "minutes" in request.POST:
                meetings.meeting_close(
                    actor=request.user, meeting=meeting, minutes=request.POST["minutes"]
                )
            else:
                item = meeting.items.select_related("ticket").get(pk=request.POST.get("item"))
                department = Department.objects.filter(
                    pk=request.POST.get("department") or None, is_active=True
                ).first()
                days = request.POST.get("working_days", "")
                meetings.meeting_decide(
                    actor=request.user,
                    item=item,
                    decision=request.POST.get("decision", ""),
                    note=request.POST.get("note", ""),
                    department=department,
                    working_days=int(days) if days.isdigit() else None,
                )
        except (
            services.TicketError,
            InvalidTransition,
            AgendaItem.DoesNotExist,
            ValueError,
        ) as exc:
            messages.error(request, str(exc) or _("The form was not filled in correctly."))
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
                for d in Department.objects.filter(is_active=True).labelled().order_by("name")
            ],
            "can_run": meetings.can_run(request.user, meeting),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def callbacks_view(request):
    """The office's call-back list: a sample of closed and withdrawn tickets to phone."""
    if not (request.user.is_superuser or has_role(request.user, Role.LIAISON_OFFICE, Role.ADMIN)):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        ticket = _detail_or_404(request, request.POST.get("ticket") or 0)
        confirmed = request.POST.get("confirmed")
        try:
            if confirmed not in ("yes", "no"):
                raise services.TicketError(_("Say whether the enterprise confirms the outcome."))
            services.callback_record(
                actor=request.user,
                ticket=ticket,
                confirmed=confirmed == "yes",
                note=request.POST.get("note", ""),
            )
        except services.TicketError as exc:
            messages.error(request, str(exc))
            status = 422
        else:
            messages.success(request, _("The call-back was recorded."))
            return redirect("issues:callbacks")
    return render(
        request,
        "issues/callbacks.html",
        {"tickets": services.callback_sample(user=request.user)},
        status=status,
    )


@login_required
@require_POST
def bulk_assign_view(request):
    """The office assigns several submitted tickets to one department at once; each goes
    through the same service (and transition) as a single assignment."""
    from org.models import Department

    if not (request.user.is_superuser or has_role(request.user, Role.LIAISON_OFFICE, Role.ADMIN)):
        raise PermissionDenied
    department = Department.objects.filter(
        pk=request.POST.get("department") or None, is_active=True
    ).first()
    ids = [int(v) for v in request.POST.getlist("ticket") if v.isdigit()][:200]
    if department is None or not ids:
        messages.error(request, _("Tick the problems and choose the lead department."))
        return redirect(request.POST.get("next") or "issues:list")
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
    target = request.POST.get("next", "")
    if target.startswith("/issues/"):
        return redirect(target)
    return redirect("issues:list")
