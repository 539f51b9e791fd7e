"""The registry of `make bench` scenarios.

Each app declares its scenarios in `<app>/bench.py` with the `scenario` decorator; the `bench`
command discovers them, loads the Weifang scale once, and measures each one in-process through
the full Django stack (test client), with its query count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Scenario:
    name: str
    target_ms: float
    max_queries: int
    prepare: Callable  # prepare(client) -> run(): performs one measured operation
    runs: int = 30


SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str, *, target_ms: float, max_queries: int, runs: int = 30):
    def register(prepare):
        SCENARIOS[name] = Scenario(name, target_ms, max_queries, prepare, runs)
        return prepare

    return register


def get_in_turn(client, url: str, params: list[dict]) -> Callable:
    """A run() that GETs ``url`` with each of ``params`` in turn and expects a 200."""
    state = {"i": 0}

    def run():
        state["i"] += 1
        response = client.get(url, params[state["i"] % len(params)])
        assert response.status_code == 200, response.status_code
        return response

    return run
