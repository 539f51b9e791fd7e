from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import EnterpriseCategory
from enterprises.permissions import enterprises_for_user, projects_for_user
from org.forms import DepartmentChoiceField, SelectOptionsMixin
from org.models import Department, Rank
from org.scoping import regions_for_user

from .models import AssignmentMode
from .permissions import cadres_assignable_by

STATUS_CHOICES = [("active", _("Active")), ("ended", _("Ended")), ("all", _("All"))]
KIND_CHOICES = [
    ("", _("Enterprises and projects")),
    ("enterprise", _("Enterprises")),
    ("project", _("Key projects")),
]


class AssignmentFilterForm(SelectOptionsMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    region = forms.ModelChoiceField(label=_("Region"), queryset=None, required=False)
    department = DepartmentChoiceField(label=_("Department"), queryset=None, required=False)
    rank = forms.ModelChoiceField(label=_("Rank"), queryset=Rank.objects.all(), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=KIND_CHOICES, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = regions_for_user(user)
        self.fields["region"].queryset = regions
        self.fields["department"].queryset = Department.objects.filter(
            region__in=regions.values("pk")
        ).order_by("region__path", "name")
        self.fields["category"].choices = [("", _("All categories")), *EnterpriseCategory.choices]

    def filter_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "region": data.get("region"),
            "department": data.get("department"),
            "rank": data.get("rank"),
            "category": data.get("category") or "",
            "kind": data.get("kind") or "",
            "status": data.get("status") or "active",
        }


class AssignmentForm(forms.Form):
    cadre = forms.ModelChoiceField(label=_("Cadre"), queryset=None)
    target_kind = forms.ChoiceField(
        label=_("Link to"),
        choices=[("enterprise", _("An enterprise")), ("project", _("A key project"))],
        initial="enterprise",
        widget=forms.RadioSelect,
    )
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=None, required=False)
    project = forms.ModelChoiceField(label=_("Key project"), queryset=None, required=False)
    start_date = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    term_end = forms.DateField(
        label=_("End of term"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the policy's default term (3 years)."),
    )
    mode = forms.ChoiceField(label=_("Mode"), choices=AssignmentMode.choices)
    is_primary = forms.BooleanField(label=_("Primary contact"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadres_assignable_by(user).select_related(
            "rank", "department"
        )
        self.fields["enterprise"].queryset = enterprises_for_user(user).filter(is_active=True)
        self.fields["project"].queryset = projects_for_user(user).filter(is_active=True)
        self.fields["start_date"].initial = timezone.localdate
        for name in ("cadre", "enterprise", "project"):
            self.fields[name].error_messages["invalid_choice"] = _(
                "Choose from the search results: this one is not in your area."
            )
        self.fields["cadre"].error_messages["required"] = _("Choose the cadre.")

    def clean(self):
        data = super().clean()
        kind = data.get("target_kind")
        if kind == "enterprise":
            data["project"] = None
            if not data.get("enterprise") and "enterprise" not in self.errors:
                self.add_error("enterprise", _("Choose the enterprise."))
        elif kind == "project":
            data["enterprise"] = None
            if not data.get("project") and "project" not in self.errors:
                self.add_error("project", _("Choose the key project."))
        start, end = data.get("start_date"), data.get("term_end")
        if start and end and end <= start:
            self.add_error("term_end", _("The end of term must be after the start date."))
        return data

    def selected(self, name: str):
        """The chosen object of a search-filled select, to show it again after an error."""
        value = self[name].value()
        if not value:
            return None
        try:
            return self.fields[name].queryset.get(pk=value)
        except (ValueError, TypeError, self.fields[name].queryset.model.DoesNotExist):
            return None


class AssignmentEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].initial = timezone.localdate
