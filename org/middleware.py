import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.utils import translation

TOUCH_KEY = "_last_seen"
TOUCH_EVERY_SECONDS = 60


class ChineseByDefaultMiddleware:
    """The portal speaks Chinese unless the user picks another language in the footer.

    Django's LocaleMiddleware would follow the browser's Accept-Language header, so a browser
    set to English would get English without asking; the header is dropped before it looks.
    The user's choice (the language cookie set by the footer's switch) still applies.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class IdleSessionMiddleware:
    """Ends a logged-in session after SESSION_IDLE_MINUTES without a request.

    Each write renews the session's expiry (now + SESSION_COOKIE_AGE); writing it at most once
    a minute, instead of on every request, saves three queries per page while keeping the idle
    limit to the minute.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY):
            now = int(time.time())
            if now - session.get(TOUCH_KEY, 0) >= TOUCH_EVERY_SECONDS:
                session[TOUCH_KEY] = now
        return self.get_response(request)


class UserLanguageMiddleware:
    """Keeps the logged-in user's language (User.language, in which notifications are
    written) in step with the language the user reads the portal in.

    When the browser carries the language switch's cookie, that choice is the user's and is
    recorded when it differs (one UPDATE, only on a change). Without the cookie (a new
    browser), the portal speaks the user's recorded language. Runs after
    AuthenticationMiddleware and LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            current = translation.get_language()
            if chosen and translation.check_for_language(chosen):
                if current != user.language:
                    user.language = current
                    get_user_model().objects.filter(pk=user.pk).update(language=current)
            elif user.language and user.language != current:
                translation.activate(user.language)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class PrivateNoStoreMiddleware:
    """Every response the portal renders says `Cache-Control: private, no-store`: pages and
    downloads carry names, phones and problems that no shared cache, and no browser's disk
    cache on a shared office computer, may keep; that holds without a session too (the rating
    link shows a ticket's title and outcome to whoever holds the link; the login page carries
    a CSRF token). A view that already sent `no-store` (perhaps with more, e.g. `no-cache,
    must-revalidate`) keeps its own header; anything weaker (`public`, `max-age=…`) is
    replaced. Static files are answered by WhiteNoise before this runs and keep their
    long-lived caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return apply_private_no_store(self.get_response(request))


def apply_private_no_store(response):
    from django.utils.cache import cc_delim_re

    current = response.get("Cache-Control", "")
    directives = {d.split("=", 1)[0].strip().lower() for d in cc_delim_re.split(current) if d}
    if "no-store" in directives:
        if "private" not in directives:
            kept = [d for d in cc_delim_re.split(current) if d and d.strip().lower() != "public"]
            response["Cache-Control"] = ", ".join(["private", *kept])
    else:
        response["Cache-Control"] = "private, no-store"
    return response


class RejectNulMiddleware:
    """A NUL character in a parameter (`?q=a%00b`) is refused with a 400 before any view reads
    it: PostgreSQL cannot hold one in text and answers a query that carries one with an error
    (a 500), and no user types it. Forms refuse it too (Django's CharField); this covers every
    parameter a view reads without a form, and every view yet to be written."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sources = [request.GET]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            sources.append(request.POST)
        for params in sources:
            for key, values in params.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    from django.http import HttpResponseBadRequest
                    from django.utils.translation import gettext as _

                    return HttpResponseBadRequest(
                        _("The request holds a character that is not allowed (NUL)."),
                        content_type="text/plain; charset=utf-8",
                    )
        return self.get_response(request)
