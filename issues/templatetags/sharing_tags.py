"""The ticket page's sharing panel, computed here so that the page's view needs no part in it:
detail.html includes issues/_sharing.html, which calls sharing_panel."""

from django import template

from .. import sharing

register = template.Library()


@register.inclusion_tag("issues/_sharing_panel.html", takes_context=True)
def sharing_panel(context, ticket):
    user = context["request"].user
    share = sharing.can_share(user, ticket)
    delegate = not share and sharing.can_delegate(user, ticket)
    grants = list(sharing.grants_visible_to(user, ticket)) if share or delegate else []
    return {
        "ticket": ticket,
        "share": share,
        "delegate": delegate,
        "grants": grants,
        "csrf_token": context.get("csrf_token"),
    }
