"""Jinja2 templates of the HTML pages, autoescaped: text from articles is always shown as text."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

__all__ = ["render"]


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(loader=PackageLoader("api", "templates"), autoescape=select_autoescape(default=True),
                       trim_blocks=True, lstrip_blocks=True)


def render(name: str, **context: Any) -> str:
    """Render ``api/templates/{name}`` with ``context``."""
    return _env().get_template(name).render(**context)
