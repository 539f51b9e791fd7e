from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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
        from .permissions import submittable_enterprises

        # Only enterprises whose tickets the user then sees: a cadre's are those it serves.
        self.fields["enterprise"].queryset = submittable_enterprises(user).filter(is_active=True)
        self.fields["enterprise"].error_messages["invalid_choice"] = _(
            "Choose from the search results: this one is not in your area."
        )


# The largest value a primary key can hold (PostgreSQL integer): beyond it, no record.
MAX_ID = 2_147_483_647


def _lazy_percent(message, **values):
    """`message % values`, translated when shown rather than when the module is imported."""
    return lazy(lambda: str(message) % {k: str(v) for k, v in values.items()}, str)()


def id_field(label, *, required=True, **kwargs) -> forms.IntegerField:
    """An id from a request: a whole number that can be a primary key, or a clear error."""
    message = _lazy_percent(_("%(field)s: choose one from the list."), field=label)
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=1,
        max_value=MAX_ID,
        error_messages={
            "required": message,
            "invalid": message,
            "min_value": message,
            "max_value": message,
        },
        **kwargs,
    )


def days_field(label, *, maximum: int, required: bool = False) -> forms.IntegerField:
    """Working days in 1..maximum; the error names the field and the range."""
    message = _lazy_percent(
        _("%(field)s: give a whole number from 1 to %(max)s."), field=label, max=maximum
    )
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=1,
        max_value=maximum,
        error_messages={
            "required": message,
            "invalid": message,
            "min_value": message,
            "max_value": message,
        },
        widget=forms.NumberInput(
            attrs={"min": 1, "max": maximum, "class": "form-control form-control-sm w-auto"}
        ),
    )


def note_field(label, *, required: bool, message=None, rows: int = 2) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=5000,
        error_messages={"required": message or _("This field is required.")},
        widget=forms.Textarea(attrs={"rows": rows, "class": "form-control form-control-sm"}),
    )


def rating_field() -> forms.TypedChoiceField:
    """A score the user chooses: no default, so that nobody rates 5 by not looking."""
    return forms.TypedChoiceField(
        label=_("Satisfaction"),
        choices=[(i, f"{i} ★") for i in range(5, 0, -1)],
        coerce=int,
        error_messages={
            "required": _("Choose a rating from 1 to 5."),
            "invalid_choice": _("Choose a rating from 1 to 5."),
        },
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )


def confirm_field(label) -> forms.BooleanField:
    return forms.BooleanField(
        label=label,
        error_messages={"required": _("Tick the box to confirm.")},
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class IdListField(forms.TypedMultipleChoiceField):
    """Ids from ticked boxes: any whole number that can be a primary key is a choice; which of
    them the user may act on is the scope's business, not the form's."""

    def valid_value(self, value) -> bool:
        text = str(value)
        return text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_ID


class RatingLinkForm(forms.Form):
    """The one-click rating page (no login): a chosen score; a reason when not satisfied."""

    rating = rating_field()
    satisfied = forms.ChoiceField(
        choices=[("yes", _("Satisfied")), ("no", _("Not satisfied"))],
        error_messages={
            "required": _("Say whether you are satisfied."),
            "invalid_choice": _("Say whether you are satisfied."),
        },
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("satisfied") == "no" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say why you are not satisfied."))
        return data


BULK_LIMIT = 200


class BulkAssignForm(forms.Form):
    department = DepartmentChoiceField(
        queryset=Department.objects.filter(is_active=True),
        error_messages={
            "required": _("Choose the lead department."),
            "invalid_choice": _("Choose the lead department from the list."),
        },
    )
    ticket = IdListField(
        coerce=int,
        error_messages={
            "required": _("Tick the problems to assign."),
            "invalid_choice": _("Tick the problems from the list."),
        },
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            from .permissions import assignable_departments

            self.fields["department"].queryset = assignable_departments(user)

    def clean_ticket(self):
        ticked = self.cleaned_data["ticket"]
        if len(ticked) > BULK_LIMIT:
            raise forms.ValidationError(
                _("Tick at most %(limit)d problems at once.") % {"limit": BULK_LIMIT}
            )
        return ticked


class CallbackForm(forms.Form):
    ticket = id_field(_("Ticket"))
    confirmed = forms.ChoiceField(
        choices=[("yes", _("Confirms the outcome")), ("no", _("Does not confirm"))],
        error_messages={
            "required": _("Say whether the enterprise confirms the outcome."),
            "invalid_choice": _("Say whether the enterprise confirms the outcome."),
        },
    )
    note = forms.CharField(required=False, max_length=2000)


class MeetingPlanForm(forms.Form):
    group = id_field(_("Special group"), required=False)
    held_on = forms.DateField(
        label=_("Date"),
        error_messages={
            "required": _("Give the meeting's date."),
            "invalid": _("Give the meeting's date as YYYY-MM-DD."),
        },
    )


class MeetingDecisionForm(forms.Form):
    item = id_field(_("Agenda item"))
    decision = forms.CharField(max_length=20, required=False)
    department = DepartmentChoiceField(
        queryset=Department.objects.filter(is_active=True),
        required=False,
        error_messages={"invalid_choice": _("Choose the lead department from the list.")},
    )
    working_days = days_field(_("Working days"), maximum=120)
    note = forms.CharField(required=False, max_length=5000)

    def __init__(self, *args, region=None, **kwargs):
        super().__init__(*args, **kwargs)
        if region is not None:
            from .permissions import departments_within

            self.fields["department"].queryset = departments_within(region)


# The forms of the ticket actions (issues/actions.py): each holds the fields its action needs.


class TicketActionForm(forms.Form):
    """Base of every action's form: it knows the ticket and the user (for choices and scope).
    Field ids carry the action's name, since one page shows several of these forms."""

    def __init__(self, *args, ticket, user, action: str, **kwargs):
        self.ticket, self.user = ticket, user
        kwargs.setdefault("auto_id", f"id_{action}_%s")
        super().__init__(*args, **kwargs)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


class OptionalNoteForm(TicketActionForm):
    note = note_field(_("Note (optional)"), required=False)


class ReasonForm(TicketActionForm):
    note = note_field(_("Reason"), required=True, message=_("Give the reason."))


class QuestionForm(TicketActionForm):
    note = note_field(
        _("Information needed"), required=True, message=_("Say what information is needed.")
    )


class AnswerForm(TicketActionForm):
    note = note_field(
        _("The information asked for"),
        required=True,
        message=_("Write the information asked for."),
        rows=3,
    )


class OutcomeForm(TicketActionForm):
    note = note_field(_("The outcome"), required=True, message=_("Write the outcome."), rows=3)


class AssignForm(TicketActionForm):
    department = DepartmentChoiceField(
        label=_("Lead department"),
        queryset=Department.objects.filter(is_active=True).order_by("name"),
        empty_label=_("Choose the lead department…"),
        error_messages={
            "required": _("Choose the lead department."),
            "invalid_choice": _("Choose the lead department from the list."),
        },
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    working_days = days_field(_("Working days (empty: by the rule)"), maximum=120)
    co_departments = DepartmentMultipleChoiceField(
        label=_("Co-handling departments (optional; hold Ctrl to choose several)"),
        queryset=Department.objects.filter(is_active=True).order_by("name"),
        required=False,
        error_messages={"invalid_choice": _("Choose the co-handling departments from the list.")},
        widget=forms.SelectMultiple(attrs={"class": "form-select form-select-sm", "size": 3}),
    )
    note = note_field(_("Note (optional)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .permissions import assignable_departments

        # The departments the user may assign to: those the service then accepts.
        offered = assignable_departments(self.user, self.ticket).order_by("name")
        self.fields["department"].queryset = offered
        self.fields["co_departments"].queryset = offered


class ConfirmedReasonForm(TicketActionForm):
    """A destructive step: a reason, and a tick that says the user means it."""

    note = note_field(_("Reason"), required=True, message=_("Give the reason."))
    confirm = confirm_field(_("I understand this ends the handling of the problem."))


class MergeForm(TicketActionForm):
    into = forms.CharField(
        label=_("Number of the open ticket to merge into"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    suggested = forms.ChoiceField(
        label=_("Likely duplicates"),
        required=False,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    note = note_field(_("Note (optional)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import likely_duplicates

        self.duplicates = likely_duplicates(user=self.user, ticket=self.ticket)
        self.fields["suggested"].choices = [
            (t.number, f"{t.number} {t.title} ({t.category.display_name})") for t in self.duplicates
        ]
        self.fields["suggested"].error_messages["invalid_choice"] = _(
            "Choose one of the likely duplicates."
        )

    def clean(self):
        data = super().clean()
        number = (data.get("into") or "").strip().upper() or data.get("suggested") or ""
        if not number:
            self.add_error("into", _("Give the number of the ticket to merge into."))
            return data
        from .permissions import tickets_for_user

        # Through the scope, as every lookup: a number outside it does not exist here.
        target = tickets_for_user(self.user).filter(number=number).first()
        if target is None:
            self.add_error("into", _("No ticket has that number."))
        data["target"] = target
        return data


class ExtensionRequestForm(TicketActionForm):
    working_days = days_field(_("More working days"), maximum=60, required=True)
    note = note_field(_("Reason"), required=True, message=_("Say why more time is needed."))


class ExtensionDecisionForm(TicketActionForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Approve")), ("no", _("Refuse"))],
        error_messages={
            "required": _("Approve or refuse the extension."),
            "invalid_choice": _("Approve or refuse the extension."),
        },
        widget=forms.Select(attrs={"class": "form-select form-select-sm w-auto"}),
    )
    note = note_field(_("Note (optional)"), required=False)


class ConfirmRatingForm(TicketActionForm):
    rating = rating_field()
    note = note_field(_("Comment (optional)"), required=False)


class DissatisfiedForm(TicketActionForm):
    rating = rating_field()
    note = note_field(
        _("Why you are not satisfied"),
        required=True,
        message=_("Say why you are not satisfied."),
    )


class ReportForm(TicketActionForm):
    """The escalation report: the city leader it goes to, and why."""

    leader = forms.ModelChoiceField(
        label=_("City leader"),
        queryset=None,
        empty_label=_("Choose the leader…"),
        error_messages={
            "required": _("Choose the city leader the report goes to."),
            "invalid_choice": _("Choose the city leader from the list."),
        },
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    note = note_field(_("Reason"), required=True, message=_("Give the reason."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .permissions import reportable_leaders

        self.fields["leader"].queryset = reportable_leaders(self.user)
        self.fields["leader"].label_from_instance = lambda u: u.get_display_name()


class ReclassifyForm(TicketActionForm):
    category = forms.ModelChoiceField(
        label=_("New category"),
        queryset=Category.objects.all(),
        empty_label=_("Choose the category…"),
        error_messages={
            "required": _("Choose the new category."),
            "invalid_choice": _("Choose the category from the list."),
        },
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    note = note_field(_("Reason (optional)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.exclude(pk=self.ticket.category_id)
