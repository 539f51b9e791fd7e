"""Panels that apps on higher floors add to the enterprise detail page.

An app that knows more about an enterprise (its cadres, its problems, its visits) registers a
function in its AppConfig.ready(); the enterprise page renders what each returns. This keeps the
page open to them without the registry importing any of them.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict


_PANELS: list[tuple[int, Callable]] = []


def register_detail_panel(function: Callable, *, order: int = 100) -> None:
    """function(request, enterprise) -> Panel | None"""
    if function not in [f for _, f in _PANELS]:
        _PANELS.append((order, function))
        _PANELS.sort(key=lambda item: item[0])


def detail_panels(request, enterprise) -> list[Panel]:
    panels = []
    for _order, function in _PANELS:
        panel = function(request, enterprise)
        if panel is not None:
            panels.append(panel)
    return panels
