from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from org.forms import SpreadsheetUploadForm
from org.pagination import KeysFirstPaginator
from org.scoping import regions_for_user
from org.spreadsheets import SpreadsheetError, workbook_response

from .forms import EnterpriseFilterForm
from .models import Enterprise
from .panels import detail_panels
from .permissions import can_edit_enterprise, can_import_enterprises, can_see_history
from .selectors import enterprise_detail, enterprise_list, enterprise_list_rows
from .services import ENTERPRISE_COLUMNS, enterprise_export_rows, enterprises_import

MAX_PROBLEMS_SHOWN = 500


def _filtered(request):
    form = EnterpriseFilterForm(request.GET or None, regions=regions_for_user(request.user))
    kwargs = form.filter_kwargs() if form.is_bound and form.is_valid() else {}
    return form, enterprise_list(user=request.user, **kwargs)


@login_required
@require_GET
def enterprise_list_view(request):
    form, queryset = _filtered(request)
    paginator = KeysFirstPaginator(queryset, 50, rows=enterprise_list_rows)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "region_options": [] if request.htmx else form.options("region"),
        "page": page,
        "querystring": query.urlencode(),
        "can_import": can_import_enterprises(request.user),
    }
    template = "enterprises/_list_results.html" if request.htmx else "enterprises/list.html"
    response = render(request, template, context)
    # The same URL answers a fragment to htmx and a page to the browser: caches (and the
    # browser's back button) must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def enterprise_detail_view(request, pk: int):
    try:
        enterprise = enterprise_detail(user=request.user, pk=pk)
    except Enterprise.DoesNotExist:
        raise Http404 from None
    history = None
    if can_see_history(request.user):
        history = enterprise.history.select_related("history_user").order_by("-history_date")[:10]
    return render(
        request,
        "enterprises/detail.html",
        {
            "enterprise": enterprise,
            "history": history,
            "can_edit": can_edit_enterprise(request.user, enterprise),
            "panels": detail_panels(request, enterprise),
        },
    )


@login_required
@require_GET
def enterprise_export_view(request):
    form, queryset = _filtered(request)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return workbook_response(
        filename=_("enterprises-%(stamp)s.xlsx") % {"stamp": stamp},
        columns=ENTERPRISE_COLUMNS,
        rows=enterprise_export_rows(queryset),
        title=_("Enterprises"),
    )


@login_required
@require_GET
def enterprise_template_view(request):
    if not can_import_enterprises(request.user):
        raise PermissionDenied
    return workbook_response(
        filename=_("enterprise-import-template.xlsx"),
        columns=ENTERPRISE_COLUMNS,
        rows=[],
        title=_("Enterprises"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_import_view(request):
    if not can_import_enterprises(request.user):
        raise PermissionDenied
    result = None
    if request.method == "POST":
        form = SpreadsheetUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = enterprises_import(
                    upload=form.cleaned_data["file"],
                    actor=request.user,
                    dry_run=form.cleaned_data["dry_run"],
                )
            except SpreadsheetError as exc:
                form.add_error("file", str(exc))
            else:
                if result.ok and not result.dry_run:
                    messages.success(
                        request,
                        _(
                            "Import done: %(created)d created, %(updated)d updated, "
                            "%(unchanged)d unchanged."
                        )
                        % {
                            "created": result.created,
                            "updated": result.updated,
                            "unchanged": result.unchanged,
                        },
                    )
    else:
        form = SpreadsheetUploadForm()
    status = 200 if result is None or result.ok else 422
    if request.method == "POST" and not form.is_valid():
        status = 422
    problems = result.problems[:MAX_PROBLEMS_SHOWN] if result else []
    return render(
        request,
        "enterprises/import.html",
        {
            "form": form,
            "result": result,
            "problems": problems,
            "hidden_problems": (len(result.problems) - len(problems)) if result else 0,
        },
        status=status,
    )
