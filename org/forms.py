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
    tree). Regions are indented by level; other model choices show their `name`."""

    def options(self, name: str) -> list[tuple[str, str, bool]]:
        from .models import Region

        field = self.fields[name]
        selected = str(self[name].value() or "")
        if isinstance(field, forms.ModelChoiceField):
            if field.queryset.model is Region:
                rows = field.queryset.values_list("pk", "name", "level")
                return [
                    (str(pk), "\u3000" * (level - 1) + label, str(pk) == selected)
                    for pk, label, level in rows
                ]
            rows = field.queryset.values_list("pk", "name")
            return [(str(pk), label, str(pk) == selected) for pk, label in rows]
        return [(str(value), str(label), str(value) == selected) for value, label in field.choices]
