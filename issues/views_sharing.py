"""The ticket page's sharing panel: the office shares a ticket with a named user of its area,
a leader delegates an escalation report, either revokes. Views check input through forms and
call one service of issues/sharing.py; the panel itself is rendered by the sharing_panel tag."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from . import sharing
from .permissions import tickets_for_user
from .services import TicketError


class GrantForm(forms.Form):
    grantee = forms.ModelChoiceField(
        label=gettext_lazy("User"),
        queryset=None,
        error_messages={
            "required": gettext_lazy("Choose the user from the search results."),
            "invalid_choice": gettext_lazy("Choose the user from the search results."),
        },
    )
    access = forms.ChoiceField(
        label=gettext_lazy("Access"),
        choices=[
            (sharing.READ, gettext_lazy("Read")),
            (sharing.ACT, gettext_lazy("Read and act")),
        ],
        required=False,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=200,
        error_messages={"required": gettext_lazy("Say why the ticket is shared.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grantee"].queryset = sharing.grantable_users(user)


class RevokeForm(forms.Form):
    grant = forms.IntegerField(min_value=1)


def _ticket_or_404(request, pk):
    ticket = (
        tickets_for_user(request.user)
        .select_related("enterprise__region", "category")
        .filter(pk=pk)
        .first()
    )
    if ticket is None:
        raise Http404
    return ticket


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@login_required
@require_POST
def ticket_share_view(request, pk: int):
    """Share (the office) or delegate (a leader on a report): `mode` says which."""
    ticket = _ticket_or_404(request, pk)
    delegate = request.POST.get("mode") == "delegate"
    allowed = sharing.can_delegate if delegate else sharing.can_share
    if not allowed(request.user, ticket):
        raise Http404
    form = GrantForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(ticket)
    data = form.cleaned_data
    try:
        if delegate:
            sharing.ticket_delegate(
                actor=request.user, ticket=ticket, grantee=data["grantee"], reason=data["reason"]
            )
        else:
            sharing.ticket_share(
                actor=request.user,
                ticket=ticket,
                grantee=data["grantee"],
                access=data["access"],
                reason=data["reason"],
            )
    except TicketError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(user)s now has access to this ticket.")
            % {"user": data["grantee"].get_display_name()},
        )
    return redirect(ticket)


@login_required
@require_POST
def grant_revoke_view(request, pk: int):
    ticket = _ticket_or_404(request, pk)
    form = RevokeForm(request.POST)
    try:
        if not form.is_valid():
            raise TicketError(_("This access no longer exists."))
        sharing.grant_revoke(actor=request.user, ticket=ticket, grant_id=form.cleaned_data["grant"])
    except TicketError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The access was revoked."))
    return redirect(ticket)


@login_required
@require_GET
def grantee_search_view(request):
    """The users of the searcher's area matching a name, as <option>s (htmx)."""
    q = request.GET.get("grantee_q", "")[:100]
    rows = [
        (u.pk, f"{u.get_display_name()} ({u.username})")
        for u in sharing.grantable_user_search(request.user, q)
    ]
    return render(request, "assignments/_options.html", {"rows": rows})
