from django import forms
from django.utils.translation import gettext_lazy as _


class SpreadsheetUploadForm(forms.Form):
    """The upload of every Excel import: the file and a "check only" switch."""

    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "class": "form-control",
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Check only (write nothing)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class SelectOptionsMixin:
    """(value, label, selected) triples for a filter form's selects, rendered by the
    `select_options` tag instead of Django's per-option widget templates (30 ms for the region
    tree). Regions are indented by level; departments show their region (their names repeat
    across regions); reference data shows its name in the active language; other model
    choices show their `name`."""

    def options(self, name: str) -> list[tuple[str, str, bool]]:
        from .models import Department, Region, TranslatedNameMixin, localized_name

        field = self.fields[name]
        selected = str(self[name].value() or "")
        if isinstance(field, forms.ModelChoiceField):
            model = field.queryset.model
            if model is Region:
                rows = field.queryset.values_list("pk", "name", "level")
                return [
                    (str(pk), "\u3000" * (level - 1) + label, str(pk) == selected)
                    for pk, label, level in rows
                ]
            if model is Department:
                labels = field.queryset.labels()
                return [(str(pk), label, str(pk) == selected) for pk, label in labels.items()]
            if issubclass(model, TranslatedNameMixin):
                rows = field.queryset.values_list("pk", "name", "name_en")
                return [
                    (str(pk), localized_name(label, label_en), str(pk) == selected)
                    for pk, label, label_en in rows
                ]
            rows = field.queryset.values_list("pk", "name")
            return [(str(pk), label, str(pk) == selected) for pk, label in rows]
        return [(str(value), str(label), str(value) == selected) for value, label in field.choices]


class _DepartmentLabels:
    """Departments labelled with their region (Department.label), read in the same query."""

    def _set_queryset(self, queryset):
        super()._set_queryset(None if queryset is None else queryset.labelled())

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def label_from_instance(self, obj) -> str:
        return obj.label


class DepartmentChoiceField(_DepartmentLabels, forms.ModelChoiceField):
    """Every department dropdown: each department with its region."""


class DepartmentMultipleChoiceField(_DepartmentLabels, forms.ModelMultipleChoiceField):
    """Every multiple choice of departments: each department with its region."""
