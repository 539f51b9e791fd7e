"""Where the portal sends a browser back to, and what every download says about itself.

`safe_next` is the one door for a redirect target taken from the request (a `next` field or
parameter): it must name a page of this portal, over the request's own scheme, or the view's
default is used instead. Django's `url_has_allowed_host_and_scheme` refuses other hosts,
scheme-relative `//evil.example`, `/\\evil.example`, and schemes such as `javascript:`.
"""

from __future__ import annotations

from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

NEXT_FIELD = "next"
PRIVATE_NO_STORE = "private, no-store"


def is_safe_target(request, target: str | None) -> bool:
    # A path, or a full address, of this portal: a bare word would be taken by redirect() for
    # a view's name.
    if not target or not target.startswith(("/", "http://", "https://")):
        return False
    return url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def safe_next(request, default: str, *args, **kwargs) -> str:
    """The `next` of the request (POST first, then the query string) when it is a page of this
    portal; otherwise `default` (a URL name, resolved with args/kwargs, or a path)."""
    for source in (request.POST, request.GET):
        target = source.get(NEXT_FIELD, "").strip()
        if target:
            return (
                target if is_safe_target(request, target) else resolve_url(default, *args, **kwargs)
            )
    return resolve_url(default, *args, **kwargs)


def mark_download(response):
    """Headers every file the portal serves carries: never rendered inline, never sniffed into
    another type, never kept by a shared cache or the browser's disk cache."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = PRIVATE_NO_STORE
    return response
