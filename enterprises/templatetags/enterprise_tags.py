"""The rows of the enterprise list, written in Python.

The list is the most used page of the registry; rendering its 50 rows through the template
engine cost about 10 ms a page (a third of the request), format_html about 1 ms. The markup is
the same as a template would write, escaped the same way.
"""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def enterprise_rows(enterprises):
    labels = {
        "name": _("Name"),
        "code": _("Credit code"),
        "region": _("Region"),
        "category": _("Category"),
        "tags": _("Tags"),
    }
    badges = {
        "green": format_html(
            '<span class="badge text-bg-success ms-1">{}</span>', _("Green channel")
        ),
        "restricted": format_html(
            '<span class="badge text-bg-danger ms-1">{}</span>', _("Restricted")
        ),
        "inactive": format_html(
            '<span class="badge text-bg-secondary ms-1">{}</span>', _("Inactive")
        ),
    }
    # One reverse() for the page; each row's link only swaps the id in.
    detail = reverse("enterprises:detail", args=[0]).removesuffix("0/")
    rows = []
    for e in enterprises:
        flags = mark_safe(  # noqa: S308 - the badges above are built with format_html
            (badges["green"] if e.green_channel else "")
            + (badges["restricted"] if e.integrity_restricted else "")
            + ("" if e.is_active else badges["inactive"])
        )
        tags = (
            format_html_join(
                " ",
                '<span class="badge text-bg-light border">{}</span>',
                ((t.display_name,) for t in e.tags.all()),
            )
            or "—"
        )
        rows.append(
            format_html(
                '<tr><td data-label="{}"><a href="{}{}/">{}</a>{}</td>'
                '<td data-label="{}" class="credit-code small">{}</td>'
                '<td data-label="{}">{}</td>'
                '<td data-label="{}" class="small">{}</td>'
                '<td data-label="{}">{}</td></tr>',
                labels["name"],
                detail,
                e.pk,
                e.name,
                flags,
                labels["code"],
                e.credit_code,
                labels["region"],
                e.region.label,
                labels["category"],
                e.get_category_display(),
                labels["tags"],
                tags,
            )
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every row is built with format_html
