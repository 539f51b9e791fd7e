from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enterprises.permissions import enterprises_for_user
from org.forms import DepartmentChoiceField, DepartmentMultipleChoiceField, SelectOptionsMixin
from org.models import Department
from org.scoping import regions_for_user

from .models import Category, Source, Urgency
from .workflow import State

OVERDUE_CHOICES = [
    ("", _("Any deadline")),
    ("overdue", _("Overdue")),
    ("due_soon", _("Due within 3 days")),
]


class TicketFilterForm(SelectOptionsMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("State"), required=False)
    category = forms.ModelChoiceField(
        label=_("Problem category"), queryset=Category.objects.all(), required=False
    )
    region = forms.ModelChoiceField(label=_("Region"), queryset=None, required=False)
    department = DepartmentChoiceField(label=_("Department"), queryset=None, required=False)
    source = forms.ChoiceField(label=_("Source"), required=False)
    deadline = forms.ChoiceField(label=_("Deadline"), choices=OVERDUE_CHOICES, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = regions_for_user(user)
        self.fields["region"].queryset = regions
        self.fields["department"].queryset = Department.objects.filter(
            region__in=regions.values("pk")
        ).order_by("name")
        self.fields["state"].choices = [
            ("", _("All states")),
            ("open", pgettext_lazy("tickets", "Open")),
            ("triage", _("To triage")),
            *State.choices,
        ]
        self.fields["source"].choices = [("", _("All sources")), *Source.choices]


class TicketSubmitForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=None)
    category = forms.ModelChoiceField(label=_("Problem category"), queryset=Category.objects.all())
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    consent_to_share = forms.BooleanField(
        label=_("The details may be shared with the bodies that handle the problem"),
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises_for_user(user).filter(is_active=True)
        self.fields["enterprise"].error_messages["invalid_choice"] = _(
            "Choose from the search results: this one is not in your area."
        )


class ActionForm(forms.Form):
    """The fields of every ticket action; each action reads the ones it needs."""

    action = forms.CharField()
    note = forms.CharField(required=False, max_length=5000, widget=forms.Textarea)
    department = DepartmentChoiceField(
        queryset=Department.objects.filter(is_active=True), required=False
    )
    co_departments = DepartmentMultipleChoiceField(
        queryset=Department.objects.filter(is_active=True), required=False
    )
    working_days = forms.IntegerField(required=False, min_value=1, max_value=120)
    rating = forms.TypedChoiceField(
        choices=[(i, str(i)) for i in range(1, 6)], coerce=int, required=False
    )
    satisfied = forms.TypedChoiceField(
        choices=[("yes", _("Satisfied")), ("no", _("Not satisfied"))], required=False
    )
    into = forms.CharField(required=False, max_length=20)
