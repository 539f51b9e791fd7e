from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from org.http import safe_next

from .models import ChannelPreference


class MarkReadForm(forms.Form):
    """`id`: one notice (empty: all of them). Where to go back to is safe_next's business."""

    id = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = ChannelPreference
        fields = ["email"]
        labels = {"email": gettext_lazy("Also send my notices by e-mail")}


@login_required
@require_GET
def badge(request):
    """The bell's unread count, fetched by htmx after the page: pages pay no query for it."""
    unread = request.user.notifications.filter(read_at__isnull=True).count()
    return render(request, "notifications/_badge.html", {"unread": unread})


@login_required
@require_GET
def notification_list(request):
    page = Paginator(request.user.notifications.all(), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page, "querystring": ""})


@login_required
@require_POST
def mark_read(request):
    """Mark one notice (id=…) or all of them read; only ever the user's own."""
    form = MarkReadForm(request.POST)
    if not form.is_valid():
        # A notice number that is not a number marks nothing (not "all of them").
        return HttpResponseBadRequest(_("This notice number is not valid; nothing was marked."))
    notes = request.user.notifications.filter(read_at__isnull=True)
    if form.cleaned_data["id"] is not None:
        notes = notes.filter(pk=form.cleaned_data["id"])
    notes.update(read_at=timezone.now())
    return redirect(safe_next(request, "notifications:list"))


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    # Reading the page writes nothing: the preference row is made when it is first saved.
    preference = ChannelPreference.objects.filter(user=request.user).first()
    if preference is None:
        preference = ChannelPreference(user=request.user)
    form = PreferenceForm(request.POST if request.method == "POST" else None, instance=preference)
    if request.method == "POST" and form.is_valid():
        ChannelPreference.objects.update_or_create(
            user=request.user, defaults={"email": form.cleaned_data["email"]}
        )
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
