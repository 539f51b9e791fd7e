"""No input reaches a 500, and a refused request writes nothing.

The test walks the URL resolver (every pattern outside the admin, static files and set_language),
fills path parameters with ids of objects inside and outside the demo county and with junk, and
for every role's demo account (and an anonymous visitor) sends GET and POST requests whose
parameters carry nasty values: Unicode digits ('²', '١'), non-numbers, huge and negative numbers,
empty and very long strings, NUL bytes, lists. The parameter names come from the view's forms and
serializers and from the names the view's source reads out of request.GET / request.POST.

It asserts that no answer is a 5xx, that no GET writes to the database, and that a refused request
(4xx, or a form re-rendered with its errors) writes nothing: every INSERT/UPDATE/DELETE is
recorded while the request runs, and the main tables' row checksums are compared before and
after each endpoint's refused requests.

One test per area (URL namespace) so that a failure points at the area that owns it.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import re
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.exceptions import NoReverseMatch
from django.urls.resolvers import RegexPattern, RoutePattern
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from org.models import Region, User

# Areas: the first component of the URL name's namespace, or the URL prefix for un-namespaced
# patterns (the API router's names, the accounts views, the portal's own pages).
AREAS = ["portal", "accounts", "enterprises", "assignments", "notifications", "issues", "api"]
SKIPPED_PREFIXES = ("admin/", "static/", "i18n/", "media/")

# Tables whose writes are part of any request, refused or not: the session (messages, login),
# the failed-login log of django-axes.
UNCHECKED_TABLES = {"django_session", "axes_accessattempt", "axes_accesslog"}
UNCHECKED_TABLES |= {"axes_accessfailurelog"}
MAIN_APPS = ("org", "enterprises", "assignments", "issues", "notifications", "auth")

HUGE = "9" * 30
NASTY = [
    "²",
    "١",
    "١٢",
    "½",
    "abc",
    "-1",
    "0",
    "1.5",
    HUGE,
    "-" + HUGE,
    "1e400",
    "NaN",
    "inf",
    "",
    "   ",
    "x" * 5000,
    "中" * 3000,
    "a\x00b",
    "\x00",
    "2026-02-30",
    "99999-01-01",
    "0000-00-00",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%",
    "\\",
    "//evil.example/",
    "https://evil.example/",
    "javascript:alert(1)",
    "🙂" * 10,
]
# Several values under one name (?id=1&id=²).
LISTS = [["1", "²"], [HUGE, "-1"]]
# The values every field of every endpoint gets (NASTY in full goes to the hypothesis phase).
ROTATION = [
    "²",
    "١",
    "abc",
    "-1",
    "0",
    HUGE,
    "1e400",
    "",
    "x" * 5000,
    "a\x00b",
    "2026-02-30",
    "//evil.example/",
    "%",
    "🙂" * 10,
]
ERROR_MARKERS = ("is-invalid", "invalid-feedback", "errorlist", "alert-danger")
GENERIC_NAMES = ["page", "next", "q"]
PASSWORD = "Liaison#2026"
# Accounts per endpoint and method that get every value in every field (the county office
# first, then the city office, then the other roles in turn); the others get one value.
FULL_SWEEPS = 2
# Accounts that also try the endpoint's other URLs (an out-of-scope id, junk ids).
OTHER_URL_ACCOUNTS = ("countyoffice", "office", "enterprise", "department", "anonymous")


# Discovering the endpoints ---------------------------------------------------------------------


@dataclass
class Endpoint:
    name: str  # "namespace:name" or the bare name
    area: str
    params: list[str]
    callback: object
    route: str
    fields: list[str] = field(default_factory=list)


def _pattern_params(pattern) -> list[str]:
    if isinstance(pattern, RoutePattern):
        return list(pattern.converters)
    if isinstance(pattern, RegexPattern):
        return list(pattern.regex.groupindex)
    return []


def _walk(patterns, prefix="", namespace=None, params=()):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if route.lstrip("^").startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(
                entry.url_patterns, route, full_ns, (*params, *_pattern_params(entry.pattern))
            )
        elif isinstance(entry, URLPattern) and entry.name:
            if entry.name == "set_language":
                continue
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, route, entry.callback, [*params, *_pattern_params(entry.pattern)]


def _area(name: str, route: str) -> str:
    if ":" in name:
        return name.split(":", 1)[0]
    stripped = route.lstrip("^")
    if stripped.startswith("api/"):
        return "api"
    if stripped.startswith("accounts/"):
        return "accounts"
    return "portal"


REQUEST_NAME = re.compile(
    r"request\.(?:GET|POST|query_params|data)"
    r"(?:\.(?:get|getlist|pop)\(\s*|\[\s*)[\"'](\w+)[\"']"
)
CLASS_CALL = re.compile(r"\b([A-Z]\w*(?:Form|Serializer))\b")
HELPER_CALL = re.compile(r"\b(_\w+)\(\s*request\b")


def _source_of(callback):
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    target = cls or inspect.unwrap(callback)
    try:
        return inspect.getsource(target), inspect.getmodule(target)
    except (OSError, TypeError):
        return "", inspect.getmodule(target)


def _class_fields(cls) -> list[str]:
    names = list(getattr(cls, "base_fields", {}) or {})
    names += list(getattr(cls, "_declared_fields", {}) or {})
    meta = getattr(cls, "Meta", None)
    if meta is not None and isinstance(getattr(meta, "fields", None), list | tuple):
        names += list(meta.fields)
    return names


def _field_names(callback) -> list[str]:
    """Parameter names a view reads: its forms' and serializers' fields, and every literal name
    it (or a module helper it passes the request to) reads from request.GET/POST/data."""
    source, module = _source_of(callback)
    namespace = vars(module) if module else {}
    seen_helpers = set()
    sources = [source]
    for helper in HELPER_CALL.findall(source):
        if helper in namespace and helper not in seen_helpers and callable(namespace[helper]):
            seen_helpers.add(helper)
            sources.append(inspect.getsource(namespace[helper]))
    cls = getattr(callback, "cls", None)
    names: list[str] = []
    if cls is not None and getattr(cls, "serializer_class", None) is not None:
        names += _class_fields(cls.serializer_class)
    for text in sources:
        names += REQUEST_NAME.findall(text)
        for class_name in CLASS_CALL.findall(text):
            candidate = namespace.get(class_name)
            if inspect.isclass(candidate):
                names += _class_fields(candidate)
    names += GENERIC_NAMES
    return list(dict.fromkeys(names))


def discover() -> list[Endpoint]:
    found = []
    for name, route, callback, params in _walk(get_resolver().url_patterns):
        found.append(
            Endpoint(
                name=name,
                area=_area(name, route),
                params=params,
                callback=callback,
                route=route,
                fields=_field_names(callback),
            )
        )
    return found


# The world: demo data, one account per role ---------------------------------------------------


def _ids(model, region_path_field, inside: Region, outside: Region) -> list[str]:
    ids = []
    for region in (inside, outside):
        obj = (
            model.objects.filter(**{f"{region_path_field}__path__startswith": region.path})
            .order_by("pk")
            .first()
        )
        if obj is not None:
            ids.append(str(obj.pk))
    return ids


@pytest.fixture
def world(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    from assignments.models import Assignment
    from enterprises.models import Enterprise
    from issues.models import Attachment, Meeting, Ticket
    from notifications.models import Notification

    counties = list(Region.objects.filter(level=Region.Level.COUNTY).order_by("code"))
    inside, outside = counties[0], counties[1]
    users = {
        name: User.objects.get(username=name)
        for name in (
            "countyoffice",
            "office",
            "cadre",
            "enterprise",
            "department",
            "specialgroup",
            "leader",
            "officepoint",
            "depthead",  # the demo's department head, who signs off urgent replies
        )
    }
    users["anonymous"] = None
    some_notice = Notification.objects.order_by("pk").values_list("pk", flat=True).first()
    ids_by_model = {
        "enterprise": _ids(Enterprise, "region", inside, outside),
        "assignment": _ids(Assignment, "enterprise__region", inside, outside),
        "ticket": _ids(Ticket, "enterprise__region", inside, outside),
        "attachment": _ids(Attachment, "ticket__enterprise__region", inside, outside),
        "meeting": _ids(Meeting, "region", inside, outside),
    }
    value_ids = [i for ids in ids_by_model.values() for i in ids]
    if some_notice:
        value_ids.append(str(some_notice))
    return {"users": users, "ids": ids_by_model, "value_ids": list(dict.fromkeys(value_ids))}


def _model_for(endpoint: Endpoint) -> str | None:
    text = endpoint.name.lower()
    for key in ("attachment", "meeting", "assignment", "enterprise"):
        if key in text:
            return key
    if text.startswith("issues:"):
        return "ticket"
    return None


JUNK_PATH = ["0", HUGE, "²", "١", "abc", "-1"]


def _urls(endpoint: Endpoint, world) -> list[str]:
    """The endpoint's URL with its path parameters filled: in-scope and out-of-scope ids and
    junk (values the pattern refuses are left out: the resolver answers 404 for them)."""
    from django.urls import reverse

    if not endpoint.params:
        return [reverse(endpoint.name)]
    model = _model_for(endpoint)
    urls = []
    candidates = {}
    for param in endpoint.params:
        if param == "format":
            candidates[param] = ["json", "api", "xyz"]
        elif param == "token":
            candidates[param] = ["abc", "x" * 300, "1:abc:def", "²"]
        else:
            candidates[param] = (world["ids"].get(model) or ["1"]) + JUNK_PATH
    # One parameter varies at a time, the others take their first candidate.
    for param, values in candidates.items():
        for value in values:
            kwargs = {p: candidates[p][0] for p in endpoint.params}
            kwargs[param] = value
            try:
                urls.append(reverse(endpoint.name, kwargs=kwargs))
            except NoReverseMatch:
                continue
    return list(dict.fromkeys(urls))


# The checks ---------------------------------------------------------------------------------------

WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


class WriteLog:
    def __init__(self):
        self.tables: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        match = WRITE.match(sql)
        if match and match.group(1) not in UNCHECKED_TABLES:
            self.tables.append(match.group(1))
        return execute(sql, params, many, context)


def _main_tables() -> list:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in MAIN_APPS
        and model._meta.db_table not in UNCHECKED_TABLES
        and model._meta.managed
    ]


def checksum() -> dict[str, tuple[int, str]]:
    """Row count and a digest of every row of the main tables."""
    state = {}
    with connection.cursor() as cursor:
        for model in _main_tables():
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT * FROM {table} ORDER BY 1")  # noqa: S608 - table names
            rows = cursor.fetchall()
            digest = hashlib.sha256(repr(rows).encode()).hexdigest()
            state[model._meta.db_table] = (len(rows), digest)
    return state


def _refused(response) -> bool:
    if response.status_code >= 400:
        return True
    if response.status_code != 200 or response.get("Content-Type", "").find("html") < 0:
        return False
    body = response.content.decode("utf-8", "replace")
    return any(marker in body for marker in ERROR_MARKERS)


@dataclass
class Run:
    # One line per kind of failure (endpoint, method, what went wrong), with a count and the
    # first example: thousands of requests fail the same way when one parameter is not checked.
    kinds: dict[str, list] = field(default_factory=dict)
    requests: int = 0
    accepted_post: bool = False

    def fail(self, kind: str, example: str) -> None:
        entry = self.kinds.setdefault(kind, [0, example])
        entry[0] += 1

    @property
    def failures(self) -> list[str]:
        return [
            f"{kind} (x{count}), e.g. {example}" for kind, (count, example) in self.kinds.items()
        ]


class Fuzzer:
    def __init__(self, world, run: Run):
        self.world = world
        self.run = run
        self.clients: dict[str, Client] = {}
        self.full_sweeps: dict[tuple[str, str], int] = {}
        # Each value once per field: the i-th field takes VALUES[(i + k) % n] in request k, so
        # n requests cover every (field, value) pair.
        self.values = [*ROTATION, *LISTS, *world["value_ids"]]

    def client(self, who: str) -> Client:
        client = self.clients.get(who)
        if client is None:
            client = Client(raise_request_exception=False)
            self.clients[who] = client
        user = self.world["users"][who]
        if user is not None and client.session.get("_auth_user_id") != str(user.pk):
            client.force_login(user)
        return client

    def send(self, who: str, method: str, url: str, data: dict, name: str = ""):
        """One request; records what went wrong and returns (response, refused)."""
        client = self.client(who)
        log = WriteLog()
        self.run.requests += 1
        with connection.execute_wrapper(log):
            if method == "GET":
                response = client.get(url, data)
            else:
                response = client.post(url, data)
        shown = {
            k: v if len(str(v)) < 40 else f"{str(v)[:20]}…({len(str(v))})" for k, v in data.items()
        }
        where = f"{who} {method} {url} {shown!r}"
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            why = f" -> {exc[0].__name__}: {str(exc[1])[:120]}" if exc else ""
            kind = f"{response.status_code} {name} {method}{why[:70]}"
            self.run.fail(kind, f"{where}{why}")
            return response, True
        refused = _refused(response)
        if log.tables and (method == "GET" or refused):
            kind = "GET" if method == "GET" else f"refused ({response.status_code})"
            tables = sorted(set(log.tables))
            self.run.fail(f"{kind} {name} {method} wrote to {tables}", where)
        self.run.accepted_post |= method == "POST" and not refused
        return response, refused

    def sweep(self, who: str, endpoint: Endpoint, url: str, *, full: bool) -> None:
        """An empty GET and POST; then, for a method that reaches the view's logic, every field
        with every value (for the first FULL_SWEEPS accounts the method reaches, on the URL
        with an in-scope id), or every field with one value."""
        fields = endpoint.fields
        for method in ("GET", "POST"):
            response, _refused = self.send(who, method, url, {}, endpoint.name)
            if not _reaches_view(response):
                # Refused before any parameter is read (login, role, method): one request with
                # every field filled shows that no parameter is read before the refusal.
                self.send(who, method, url, {n: "²" for n in fields}, endpoint.name)
                continue
            key = (endpoint.name, method)
            if not full or self.full_sweeps.get(key, 0) >= FULL_SWEEPS:
                self.send(who, method, url, {n: "²" for n in fields}, endpoint.name)
                continue
            self.full_sweeps[key] = self.full_sweeps.get(key, 0) + 1
            n = len(self.values)
            for k in range(n):
                data = {name: self.values[(i + k) % n] for i, name in enumerate(fields)}
                self.send(who, method, url, data, endpoint.name)


def _reaches_view(response) -> bool:
    login = response.status_code == 302 and "/accounts/login/" in response.get("Location", "")
    return response.status_code not in (401, 403, 404, 405) and not login


def _combinations(fuzzer: Fuzzer, endpoint: Endpoint, world) -> None:
    """Then combinations of fields and values chosen by hypothesis (derandomized: the same
    examples on every run), for the roles that fill forms."""
    url = _urls(endpoint, world)[0]
    field_values = st.one_of(
        st.sampled_from(NASTY),
        st.sampled_from(world["value_ids"] or ["1"]),
        st.lists(st.sampled_from(NASTY[:12]), min_size=2, max_size=3),
    )

    @settings(
        max_examples=8,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        data=st.dictionaries(st.sampled_from(endpoint.fields), field_values, max_size=5),
        who=st.sampled_from(["office", "countyoffice", "cadre", "enterprise", "department"]),
        method=st.sampled_from(["GET", "POST"]),
    )
    def combined(data, who, method):
        fuzzer.send(who, method, url, data, endpoint.name)

    combined()


def _fuzz_area(area: str, world) -> Run:
    run = Run()
    fuzzer = Fuzzer(world, run)
    endpoints = [e for e in discover() if e.area == area]
    assert endpoints, f"no endpoint found in {area}"
    for endpoint in endpoints:
        # Log every account in first: a login is not part of what the endpoint writes.
        for who in world["users"]:
            fuzzer.client(who)
        before = checksum()
        run.accepted_post = False
        for position, url in enumerate(_urls(endpoint, world)):
            for who in world["users"]:
                if position > 0 and who not in OTHER_URL_ACCOUNTS:
                    continue
                if endpoint.name.endswith("logout") and who != "anonymous":
                    # Logging out is this endpoint's success; the next request logs in again.
                    fuzzer.send(who, "POST", url, {"next": "//evil.example/"}, endpoint.name)
                    continue
                fuzzer.sweep(who, endpoint, url, full=position == 0)
        _combinations(fuzzer, endpoint, world)
        if not run.accepted_post:
            after = checksum()
            changed = sorted(t for t in before if before[t] != after.get(t))
            if changed:
                run.fail(f"refused requests changed {changed}: {endpoint.name}", "")
    return run


@pytest.fixture
def quiet_request_log():
    """Thousands of refused requests log a warning each: keep the report readable."""
    logger = logging.getLogger("django.request")
    level, logger.level = logger.level, logging.CRITICAL + 1
    yield
    logger.level = level


@pytest.mark.parametrize("area", AREAS)
def test_no_input_reaches_a_500_and_refused_requests_write_nothing(area, world, quiet_request_log):
    run = _fuzz_area(area, world)
    assert run.requests > 0
    shown = "\n".join(run.failures)
    assert not run.failures, f"{len(run.failures)} failure(s) in {run.requests} requests:\n{shown}"


def test_discovery_sees_every_form_endpoint():
    """The walk finds the endpoints the portal is known to have, with their forms' fields, so
    that a broken discovery cannot make the fuzz test pass by testing nothing."""
    endpoints = {e.name: e for e in discover()}
    assert "admin:index" not in endpoints
    assert "set_language" not in endpoints
    assert {"cadre", "enterprise", "start_date", "term_end", "mode"} <= set(
        endpoints["assignments:create"].fields
    )
    assert {"id", "next"} <= set(endpoints["notifications:read"].fields)
    assert {"ended_on", "reason"} <= set(endpoints["assignments:end"].fields)
    assert "cadre_q" in endpoints["assignments:search-cadres"].fields
    assert {"cadre", "enterprise", "project"} <= set(endpoints["assignment-list"].fields)
    assert {e.area for e in endpoints.values()} == set(AREAS)
