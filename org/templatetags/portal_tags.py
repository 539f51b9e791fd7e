"""Template helpers shared by every app's pages."""

from django import template
from django.utils.html import format_html_join

register = template.Library()


@register.simple_tag
def select_options(options):
    """<option>s from (value, label, selected) triples. Filter forms offer hundreds of regions
    and departments; a template loop spent several milliseconds a page on them."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if selected else "", label) for value, label, selected in options),
    )
