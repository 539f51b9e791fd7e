import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from assignments.permissions import can_view_coverage
from assignments.selectors import coverage_summary, my_link_counts
from enterprises.selectors import enterprise_overview_for_user
from issues.selectors import ticket_list
from issues.workflow import State
from org.roles import Role
from org.scoping import user_roles

logger = logging.getLogger(__name__)


@login_required
def home(request):
    roles = user_roles(request.user)
    context = {
        "roles": sorted(roles),
        "overview": enterprise_overview_for_user(request.user),
    }
    if Role.CADRE in roles:
        context["my_links"] = my_link_counts(user=request.user)
    if can_view_coverage(request.user):
        context["coverage"] = coverage_summary(user=request.user)
    if roles == {Role.ENTERPRISE}:
        # The enterprise's page leads with reporting a problem and following its own.
        board = reverse("issues:list")
        context["problems"] = {
            "open": ticket_list(user=request.user, state="open").count(),
            "open_url": f"{board}?{urlencode({'state': 'open'})}",
            "to_rate": ticket_list(user=request.user, state=State.REPLIED).count(),
            "to_rate_url": f"{board}?{urlencode({'state': State.REPLIED})}",
        }
    return render(request, "liaison/home.html", context)


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any driver error means "down" for a health probe
        logger.exception("health check: database unreachable")
        return "down"
    return "ok"


def _broker_state() -> str:
    from liaison.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # a health probe reports; it never raises
        logger.warning("health check: broker unreachable", exc_info=True)
        return "down"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    database = _database_state()
    broker = _broker_state()
    status = 200 if database == "ok" else 503
    body = {
        "status": "ok" if status == 200 and broker == "ok" else "degraded",
        "database": database,
        "broker": broker,
        "broker_transport": settings.CELERY_BROKER_URL.split(":", 1)[0],
    }
    if status != 200:
        body["status"] = "down"
    return JsonResponse(body, status=status)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def forbidden(request, exception=None):
    return render(request, "403.html", status=403)


# Said in both languages when even the layout cannot be drawn (say, the database is down).
BARE_SERVER_ERROR = (
    '<!DOCTYPE html><html lang="zh-hans"><head><meta charset="utf-8"><title>500</title></head>'
    "<body><h1>系统繁忙 / Server error</h1><p>请稍后再试。Please try again later.</p></body></html>"
)


def server_error(request):
    """The 500 page in the user's language with the site's layout; the bare bilingual page when
    drawing the layout fails too (it reads the session and the user from the database)."""
    try:
        return render(request, "500.html", status=500)
    except Exception:  # noqa: BLE001 - an error page must never fail
        logger.exception("The 500 page could not be drawn; sending the bare one.")
        return HttpResponseServerError(BARE_SERVER_ERROR)
