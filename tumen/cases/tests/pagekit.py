"""The pages of the URL conf, and real addresses of each, for tests that visit every page."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# Django's own admin is left to Django's tests.
SKIPPED_PREFIXES = ("admin/",)


@dataclass(frozen=True)
class Route:
    pattern: str  # "cases/<text:number>/members/"
    params: tuple[str, ...]

    def __str__(self) -> str:
        return self.pattern or "/"


def _walk(patterns, prefix: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            full = prefix + str(entry.pattern)
            if not full.startswith(SKIPPED_PREFIXES):
                yield Route(full, tuple(entry.pattern.converters))


def routes() -> list[Route]:
    return sorted(set(_walk(get_resolver().url_patterns)), key=str)


def _fill(route: Route, values: dict[str, str]) -> str:
    path = route.pattern
    for name in route.params:
        start = path.index("<")
        end = path.index(">", start)
        path = path[:start] + str(values[name]) + path[end + 1 :]
    return "/" + path


def addresses_of(route: Route, real: dict) -> list[str]:
    """The page at each real value of its parameters, and once at hostile ones."""
    if not route.params:
        return [_fill(route, {})]
    count = max(len(real.get(name, [""])) for name in route.params)
    addresses = [
        _fill(route, {n: real.get(n, ["x"])[i % len(real.get(n, ["x"]))] for n in route.params})
        for i in range(count)
    ]
    addresses.append(_fill(route, dict.fromkeys(route.params, "9" * 30)))
    return addresses
