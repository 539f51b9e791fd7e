from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from org.admin_scoping import CityLevelInlineMixin, ScopedAdminMixin

from .models import Assignment, QuotaPolicy, QuotaRule
from .permissions import assignment_scope_q
from .rules import active_policy, add_years
from .services import (
    AssignmentError,
    assignment_change_problems,
    assignment_create,
    assignment_end,
    assignment_problems,
    assignment_update,
)


class QuotaRuleInline(CityLevelInlineMixin, admin.TabularInline):
    model = QuotaRule
    extra = 0


@admin.register(QuotaPolicy)
class QuotaPolicyAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    reference_data = True
    list_display = ["name", "code", "is_active", "default_term_years", "no_duplicate_leader"]
    inlines = [QuotaRuleInline]


class AssignmentAdminForm(forms.ModelForm):
    """New links go through the same service (and so the same rules) as every other path."""

    term_end = forms.DateField(
        label=_("End of term"), required=False, help_text=_("Empty: the policy's default term.")
    )

    class Meta:
        model = Assignment
        fields = [
            "cadre",
            "enterprise",
            "project",
            "start_date",
            "term_end",
            "mode",
            "is_primary",
            "note",
        ]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if self.instance.pk:
            # The instance still holds the stored values here: the rules judge the change.
            problems = assignment_change_problems(
                actor=self.request.user,
                assignment=self.instance,
                is_primary=data.get("is_primary", False),
            )
            if problems:
                raise ValidationError({"is_primary": [message for _field, message in problems]})
            return data
        if not data.get("term_end") and data.get("start_date"):
            policy = active_policy()
            data["term_end"] = add_years(
                data["start_date"], policy.default_term_years if policy else 3
            )
        problems = assignment_problems(
            actor=self.request.user,
            cadre=data["cadre"],
            enterprise=data.get("enterprise"),
            project=data.get("project"),
            start_date=data.get("start_date"),
            term_end=data.get("term_end"),
            mode=data.get("mode"),
            is_primary=data.get("is_primary", True),
        )
        field_errors: dict = {}
        for name, message in problems:
            field = name if name in self.fields else None
            if name == "target":
                field = "project" if data.get("project") else "enterprise"
            field_errors.setdefault(field, []).append(message)
        if field_errors:
            raise ValidationError(field_errors)
        return data


@admin.register(Assignment)
class AssignmentAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    form = AssignmentAdminForm
    list_display = [
        "cadre",
        "enterprise",
        "project",
        "start_date",
        "term_end",
        "ended_on",
        "mode",
        "is_primary",
    ]
    list_filter = ["mode", "is_primary", "ended_on", "cadre__rank"]
    search_fields = ["cadre__name", "enterprise__name", "enterprise__credit_code", "project__name"]
    list_select_related = ["cadre", "enterprise", "project"]
    autocomplete_fields = ["cadre", "enterprise", "project"]
    actions = ["end_selected"]

    def scope_queryset(self, request, queryset):
        q = assignment_scope_q(request.user)
        return queryset if q is None else queryset.filter(q)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.request = request
        return form

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # A link's parties and dates are history: to change them, end it and make a new one.
        return [
            "cadre",
            "enterprise",
            "project",
            "start_date",
            "term_end",
            "mode",
            "ended_on",
            "end_reason",
        ]

    def save_model(self, request, obj, form, change):
        if change:
            try:
                assignment_update(
                    actor=request.user, assignment=obj, is_primary=obj.is_primary, note=obj.note
                )
            except AssignmentError as exc:  # changed between the check and the save
                raise ValidationError(exc.messages) from exc
            return
        try:
            created = assignment_create(
                actor=request.user,
                cadre=obj.cadre,
                enterprise=obj.enterprise,
                project=obj.project,
                start_date=obj.start_date,
                term_end=obj.term_end,
                mode=obj.mode,
                is_primary=obj.is_primary,
                note=obj.note,
            )
        except AssignmentError as exc:  # changed between the check and the save
            raise ValidationError(exc.messages) from exc
        obj.pk = created.pk

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("End the selected links today"))
    def end_selected(self, request, queryset):
        ended = 0
        for assignment in queryset.filter(ended_on__isnull=True):
            try:
                assignment_end(
                    actor=request.user,
                    assignment=assignment,
                    reason=str(_("Ended in the administration")),
                )
                ended += 1
            except AssignmentError as exc:
                self.message_user(request, "; ".join(exc.messages), messages.ERROR)
        self.message_user(request, _("%(count)d links ended.") % {"count": ended})
