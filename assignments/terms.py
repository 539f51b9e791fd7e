"""The terms of the links (包靠): run daily by Celery beat (the schedule is data, created by a
migration and editable under Periodic tasks).

Set-based and idempotent, like the escalation sweep: one UPDATE ends every link whose term has
run out (it is kept, with its end date and reason, and its history row written in bulk), and
the links whose term ends within REMIND_DAYS are reminded once — a date on the link records
it — to the cadre and the liaison office nearest the enterprise or project. A second run the
same day changes nothing.
"""

from __future__ import annotations

import datetime
import urllib.parse
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.services import fan_out, notify_many
from org.scoping import office_index

from .models import Assignment

REMIND_DAYS = 30
BATCH = 1000


@dataclass
class TermsResult:
    counts: dict = field(default_factory=lambda: {"ended": 0, "reminded": 0})


def end_lapsed_links(*, today: datetime.date | None = None, only: Q | None = None) -> int:
    """End the links whose term ended before today, on the last day of their term (one UPDATE;
    `only` narrows it, e.g. to the cadre and target of a link about to be made)."""
    today = today or timezone.localdate()
    lapsed = Assignment.objects.filter(ended_on__isnull=True, term_end__lt=today)
    if only is not None:
        lapsed = lapsed.filter(only)
    with transaction.atomic():
        ids = list(lapsed.values_list("pk", flat=True))
        if not ids:
            return 0
        with translation.override(settings.LANGUAGE_CODE):
            reason = _("Term ended")
        ended = Assignment.objects.filter(pk__in=ids, ended_on__isnull=True).update(
            ended_on=F("term_end"), end_reason=reason
        )
        # The audit trail records the end like any other change (one INSERT per batch).
        Assignment.history.bulk_history_create(
            list(Assignment.objects.filter(pk__in=ids)),
            update=True,
            default_change_reason=reason,
            default_date=timezone.now(),
        )
    return ended


def _nearest_offices(offices, path: str) -> list[int]:
    """The office users of the deepest region above (or at) `path` that has any."""
    above = [(len(p), pk) for pk, p, _language in offices if path.startswith(p)]
    if not above:
        return []
    depth = max(length for length, _pk in above)
    return [pk for length, pk in above if length == depth]


def remind_terms_ending(*, today: datetime.date | None = None) -> int:
    """Remind the cadre and the office of each current link whose term ends within
    REMIND_DAYS, once per link."""
    today = today or timezone.localdate()
    due = Assignment.objects.current(today).filter(
        reminder_sent_on__isnull=True, term_end__lte=today + datetime.timedelta(days=REMIND_DAYS)
    )
    offices = None
    url = reverse("assignments:list")
    reminded = 0
    while True:
        rows = list(
            due.order_by("pk").values_list(
                "pk",
                "term_end",
                "cadre__name",
                "cadre__user_id",
                "enterprise__name",
                "enterprise__region__path",
                "project__name",
                "project__region__path",
            )[:BATCH]
        )
        if not rows:
            return reminded
        offices = offices if offices is not None else office_index()
        messages = []
        with translation.override(settings.LANGUAGE_CODE):
            for _pk, term_end, cadre, cadre_user, ent, ent_path, proj, proj_path in rows:
                title = _("The link of %(cadre)s to %(target)s ends on %(date)s") % {
                    "cadre": cadre,
                    "target": ent or proj,
                    "date": term_end,
                }
                body = _(
                    "Renew it with a new link before that day, or let it end: the link is "
                    "kept in the history either way."
                )
                recipients = {cadre_user, *_nearest_offices(offices, ent_path or proj_path or "")}
                for user_id in recipients - {None}:
                    messages.append(
                        {
                            "recipient_id": user_id,
                            "kind": "assignment_term",
                            "title": title[:200],
                            "body": body,
                            "url": f"{url}?{urllib.parse.urlencode({'q': cadre})}",
                        }
                    )
        with transaction.atomic():
            notify_many(messages)
            Assignment.objects.filter(pk__in=[r[0] for r in rows]).update(reminder_sent_on=today)
            fan_out(messages)
        reminded += len(rows)


def sweep_terms(*, today: datetime.date | None = None) -> TermsResult:
    today = today or timezone.localdate()
    result = TermsResult()
    result.counts["ended"] = end_lapsed_links(today=today)
    result.counts["reminded"] = remind_terms_ending(today=today)
    return result
