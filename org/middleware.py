import time

from django.contrib.auth import SESSION_KEY

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
