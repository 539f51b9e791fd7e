"""The ticket page's sharing panel, computed here so that the page's view needs no part in it:
detail.html includes issues/_sharing.html, which calls sharing_panel."""

from django import template

from .. import sharing
from ..permissions import own_capacities
from ..workflow import Actor

register = template.Library()


@register.inclusion_tag("issues/_sharing_panel.html", takes_context=True)
def sharing_panel(context, ticket):
    user = context["request"].user
    own = own_capacities(user, ticket)
    share = Actor.OFFICE in own
    delegate = not share and Actor.LEADER in own
    grants = list(sharing.grants_visible_to(user, ticket, office=share))
    return {
        "ticket": ticket,
        "share": share,
        "delegate": delegate,
        "grants": grants,
        "csrf_token": context.get("csrf_token"),
    }
