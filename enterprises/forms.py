from django import forms
from django.utils.translation import gettext_lazy as _

from org.forms import SelectOptionsMixin

from .models import EnterpriseCategory
from .selectors import tag_choices


class EnterpriseFilterForm(SelectOptionsMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Name or credit code"), "type": "search"}),
    )
    region = forms.ModelChoiceField(label=_("Region"), queryset=None, required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    tag = forms.ChoiceField(label=_("Tag"), required=False)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["region"].empty_label = _("All regions")
        self.fields["region"].label_from_instance = lambda r: "\u3000" * (r.level - 1) + r.name
        self.fields["category"].choices = [("", _("All categories")), *EnterpriseCategory.choices]
        self.fields["tag"].choices = [("", _("All tags")), *tag_choices()]
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def filter_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "region": data.get("region"),
            "category": data.get("category") or "",
            "tag": data.get("tag") or "",
        }
