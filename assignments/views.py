from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from enterprises.panels import Panel
from enterprises.permissions import enterprises_for_user, projects_for_user
from enterprises.selectors import enterprise_match_q
from org.forms import SpreadsheetUploadForm
from org.roles import Role
from org.scoping import has_role
from org.spreadsheets import SpreadsheetError, workbook_response

from .forms import AssignmentEndForm, AssignmentFilterForm, AssignmentForm
from .permissions import (
    assignments_for_user,
    cadres_assignable_by,
    can_end_assignment,
    can_manage_assignments,
    can_view_coverage,
)
from .selectors import (
    assignment_list,
    cadres_serving,
    coverage_for_user,
    my_assignments,
    region_labels,
    uncovered_enterprises,
)
from .services import (
    ASSIGNMENT_COLUMNS,
    EXPORT_COLUMNS,
    AssignmentError,
    assignment_create,
    assignment_end,
    assignment_export_rows,
    assignments_import,
)

SEARCH_LIMIT = 20
# What a row of the list shows (the export reads whole rows).
LIST_FIELDS = [
    "start_date",
    "term_end",
    "ended_on",
    "mode",
    "is_primary",
    "cadre__name",
    "cadre__rank__name",
    "cadre__department__name",
    "enterprise__name",
    "enterprise__region__name",
    "enterprise__region__level",
    "enterprise__region__parent__name",
    "project__name",
    "project__level",
    "project__region__name",
]


def _require_list_access(user):
    # The office and leaders see the links of their area; a cadre has "my enterprises".
    if not can_view_coverage(user):
        raise PermissionDenied


def _filtered(request):
    form = AssignmentFilterForm(request.GET or None, user=request.user)
    kwargs = form.filter_kwargs() if form.is_bound and form.is_valid() else {}
    return form, assignment_list(user=request.user, **kwargs)


@login_required
@require_GET
def assignment_list_view(request):
    _require_list_access(request.user)
    form, queryset = _filtered(request)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "assignments/list.html",
        {
            "form": form,
            "options": {
                name: form.options(name)
                for name in ("region", "department", "rank", "category", "kind", "status")
            },
            "page": page,
            "regions": region_labels(user=request.user),
            "querystring": query.urlencode(),
            "can_manage": can_manage_assignments(request.user),
        },
    )


@login_required
@require_GET
def assignment_export_view(request):
    _require_list_access(request.user)
    _form, queryset = _filtered(request)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return workbook_response(
        filename=_("assignments-%(stamp)s.xlsx") % {"stamp": stamp},
        columns=EXPORT_COLUMNS,
        rows=assignment_export_rows(queryset),
        title=_("Assignments"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignment_create_view(request):
    if not can_manage_assignments(request.user):
        raise PermissionDenied
    # The enterprise page's "link a cadre" button opens the form with its enterprise chosen.
    initial = {
        name: request.GET[name]
        for name in ("cadre", "enterprise", "project")
        if request.GET.get(name, "").isdigit()
    }
    if "project" in initial:
        initial["target_kind"] = "project"
    form = AssignmentForm(
        request.POST if request.method == "POST" else None, user=request.user, initial=initial
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                assignment = assignment_create(
                    actor=request.user,
                    cadre=data["cadre"],
                    enterprise=data.get("enterprise"),
                    project=data.get("project"),
                    start_date=data["start_date"],
                    term_end=data.get("term_end"),
                    mode=data["mode"],
                    is_primary=data["is_primary"],
                    note=data.get("note", ""),
                )
            except AssignmentError as exc:
                for name, errors in exc.message_dict.items():
                    field = name if name in form.fields else None
                    if name == "target":
                        field = "project" if data.get("project") else "enterprise"
                    for error in errors:
                        form.add_error(field, error)
            else:
                messages.success(
                    request,
                    _("%(cadre)s is now linked to %(target)s.")
                    % {"cadre": assignment.cadre, "target": assignment.target},
                )
                return redirect("assignments:list")
        status = 422
    # Show the chosen cadre and target again (after an error, or when pre-filled).
    selected = {name: form.selected(name) for name in ("cadre", "enterprise", "project")}
    return render(
        request, "assignments/form.html", {"form": form, "selected": selected}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignment_end_view(request, pk: int):
    assignment = (
        assignments_for_user(request.user)
        .select_related("cadre", "enterprise__region", "project__region")
        .filter(pk=pk)
        .first()
    )
    if assignment is None:
        raise Http404
    if not can_end_assignment(request.user, assignment):
        raise PermissionDenied
    form = AssignmentEndForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                assignment_end(
                    actor=request.user,
                    assignment=assignment,
                    ended_on=form.cleaned_data["ended_on"],
                    reason=form.cleaned_data["reason"],
                )
            except AssignmentError as exc:
                for errors in exc.message_dict.values():
                    for error in errors:
                        form.add_error("ended_on", error)
            else:
                messages.success(request, _("The link was ended; it stays in the history."))
                return redirect("assignments:list")
        status = 422
    return render(
        request, "assignments/end.html", {"form": form, "assignment": assignment}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignment_import_view(request):
    if not can_manage_assignments(request.user):
        raise PermissionDenied
    result = None
    form = SpreadsheetUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = assignments_import(
                upload=form.cleaned_data["file"],
                actor=request.user,
                dry_run=form.cleaned_data["dry_run"],
            )
        except SpreadsheetError as exc:
            form.add_error("file", str(exc))
        else:
            if result.ok and not result.dry_run:
                messages.success(
                    request, _("%(count)d links were created.") % {"count": result.created}
                )
    status = 200
    if request.method == "POST" and (not form.is_valid() or (result and not result.ok)):
        status = 422
    return render(
        request,
        "assignments/import.html",
        {"form": form, "result": result, "problems": result.problems[:500] if result else []},
        status=status,
    )


@login_required
@require_GET
def assignment_template_view(request):
    if not can_manage_assignments(request.user):
        raise PermissionDenied
    return workbook_response(
        filename=_("contact-table-template.xlsx"),
        columns=ASSIGNMENT_COLUMNS,
        rows=[],
        title=_("Contact table"),
    )


# Search-as-you-type for the link form (htmx fills the selects) ----------------------------


def _search_response(request, rows):
    return render(request, "assignments/_options.html", {"rows": rows})


@login_required
@require_GET
def cadre_search_view(request):
    if not can_manage_assignments(request.user):
        raise PermissionDenied
    q = request.GET.get("cadre_q", "").strip()
    qs = cadres_assignable_by(request.user).select_related("rank", "department__region__parent")
    if q:
        qs = qs.filter(name__contains=q) | qs.filter(user__username=q) | qs.filter(phone=q)
    rows = [(c.pk, c.label) for c in qs.order_by("name", "pk")[:SEARCH_LIMIT]]
    return _search_response(request, rows)


@login_required
@require_GET
def enterprise_search_view(request):
    if not can_manage_assignments(request.user):
        raise PermissionDenied
    q = request.GET.get("enterprise_q", "").strip()
    qs = enterprises_for_user(request.user).filter(is_active=True).select_related("region__parent")
    if q:
        qs = qs.filter(enterprise_match_q(q))
    rows = [
        (e.pk, f"{e.name} · {e.region.label}") for e in qs.order_by("name", "pk")[:SEARCH_LIMIT]
    ]
    return _search_response(request, rows)


@login_required
@require_GET
def project_search_view(request):
    if not can_manage_assignments(request.user):
        raise PermissionDenied
    q = request.GET.get("project_q", "").strip()
    qs = projects_for_user(request.user).filter(is_active=True).select_related("region__parent")
    if q:
        qs = qs.filter(name__contains=q) | qs.filter(code=q.upper())
    rows = [
        (p.pk, f"{p.name} · {p.code or ''} · {p.region.label}")
        for p in qs.order_by("name", "pk")[:SEARCH_LIMIT]
    ]
    return _search_response(request, rows)


# The cadre's own page, coverage, and the enterprise page's panel ---------------------------


@login_required
@require_GET
def my_assignments_view(request):
    if not has_role(request.user, Role.CADRE):
        raise PermissionDenied
    links = my_assignments(user=request.user)
    return render(
        request,
        "assignments/mine.html",
        {
            "enterprise_links": [a for a in links if a.enterprise_id],
            "project_links": [a for a in links if a.project_id],
        },
    )


@login_required
@require_GET
def coverage_view(request):
    if not can_view_coverage(request.user):
        raise PermissionDenied
    return render(
        request, "assignments/coverage.html", {"coverage": coverage_for_user(request.user)}
    )


@login_required
@require_GET
def uncovered_view(request):
    if not can_view_coverage(request.user):
        raise PermissionDenied
    page = Paginator(uncovered_enterprises(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "assignments/uncovered.html", {"page": page})


def enterprise_cadres_panel(request, enterprise):
    """Who serves this enterprise: shown to everyone who may see the enterprise (its own
    liaison persons included: name, department and phone only)."""
    links = cadres_serving(enterprise_ids=[enterprise.pk]).get(enterprise.pk, [])
    return Panel(
        "assignments/_enterprise_panel.html",
        {
            "links": links,
            "can_manage": can_manage_assignments(request.user),
            "enterprise_id": enterprise.pk,
        },
    )
