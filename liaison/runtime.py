"""Process tuning shared by the web server and the benchmark.

A Django request allocates many short-lived objects (model instances, template nodes); with
CPython's default thresholds the cyclic garbage collector runs a full collection every few
requests and costs a third of a list page. The objects that live as long as the process (code,
settings, URL patterns, templates) are moved out of the collector's sight with gc.freeze(), and
the first generation's threshold is raised, as large Django deployments do.
"""

import gc

GEN0_THRESHOLD = 50_000


def tune_gc() -> None:
    gc.collect()
    gc.freeze()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GEN0_THRESHOLD, gen1, gen2)


class ClientErrorsWithoutTraceback:
    """A logging filter: a request refused (403) or not found (404) is the user's matter, not a
    fault of the server, and is logged as one line — without the traceback of the
    PermissionDenied or Http404 that produced it. Server errors (5xx) keep their traceback."""

    def filter(self, record) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
