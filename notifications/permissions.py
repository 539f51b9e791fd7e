"""Who may see which notifications and group-bot webhooks (the admin's scope of this app)."""

from django.db.models import Q, QuerySet

from org.admin_scoping import user_scope_q
from org.scoping import region_q, sees_everything, spans_whole_tree

from .models import Notification, Webhook


def notifications_managed_by(user) -> QuerySet[Notification]:
    """The notifications of the accounts `user` manages: a notice may carry a one-click link
    (e.g. a rating link) meant for its recipient alone."""
    q = user_scope_q(user)
    qs = Notification.objects.all()
    return qs if q is None else qs.filter(recipient__in=_users(q))


def _users(q):
    from org.models import User

    return User.objects.filter(q).values("pk")


def webhooks_for_user(user) -> QuerySet[Webhook]:
    """Webhooks whose owners (region and department, where set) lie in the user's subtree."""
    qs = Webhook.objects.all()
    if sees_everything(user) or spans_whole_tree(user):
        return qs
    region_ok = Q(region__isnull=True) | region_q(user)
    department_ok = Q(department__isnull=True) | region_q(user, "department__region")
    return qs.filter(region_ok & department_ok)
