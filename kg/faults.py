"""Deterministic fault injection, for the tests: SIGKILL this process at a named point.

``CKG_FAULT=<point>`` (or ``<point>:<n>``, the n-th time the point is reached; default the
first) makes :func:`point` kill the process there with SIGKILL, as a power cut or the OOM
killer would. Unset (always, outside tests), :func:`point` is one dictionary lookup and
:func:`guard` returns the store it is given, untouched.

Every write path passes its points (``tests/test_faults.py`` kills at each and checks that the
store is as before or as after, never between):

``store.write`` / ``store.written``
    before / after every change to the embedded store's files (each ``update``, ``load``,
    ``bulk_load``, ``extend``, ``add``, ``remove``… call on the pyoxigraph store, wrapped by
    :func:`guard`). A replace split into a drop and an insert shows up as two changes, and
    ``store.written:1`` then kills between them.
``remote.update`` / ``remote.updated``
    before / after every update request to a remote store (:mod:`kg.remote`); ``remote.query``
    before and after every other request.
``build.batch``
    :meth:`kg.build.Builder.add`, after a batch is written and before it is reported done.
``build.flush``
    :meth:`kg.build.Builder.add`, before the closing flush.
``extract.submitted``
    after each batch is handed to the extraction executor (the first time: while a pool's
    worker processes are still starting).
``build.static``
    after the ontology and curated entities are written, before any document.
``build.optimize``
    ``kg build``, before the store is compacted.
``api.write``
    ``POST`` / ``DELETE /documents``, after the store is written, before the answer is sent.
"""

from __future__ import annotations

import os
import signal
from typing import Any, TypeVar

__all__ = ["POINTS", "guard", "point"]

POINTS = ("store.write", "store.written", "remote.update", "remote.updated", "remote.query", "build.static",
          "extract.submitted", "build.batch", "build.flush", "build.optimize", "api.write")
ENV = "CKG_FAULT"
_MUTATORS = frozenset({"update", "load", "bulk_load", "extend", "bulk_extend", "add", "remove", "clear",
                       "clear_graph", "remove_graph", "add_graph"})
_seen: dict[str, int] = {}

T = TypeVar("T")


def _target() -> tuple[str, int] | None:
    value = os.environ.get(ENV)
    if not value:
        return None
    name, _, nth = value.partition(":")
    if name not in POINTS:
        raise ValueError(f"{ENV}={value!r}: unknown point; use one of {', '.join(POINTS)}")
    return name, int(nth or 1)


def point(name: str) -> None:
    """SIGKILL this process if ``CKG_FAULT`` names this point (and this is its n-th passage)."""
    target = _target()
    if target is None or target[0] != name:
        return
    _seen[name] = _seen.get(name, 0) + 1
    if _seen[name] == target[1]:
        os.kill(os.getpid(), signal.SIGKILL)


class _Guarded:
    """A pyoxigraph store whose every change passes ``store.write`` before and ``store.written`` after."""

    def __init__(self, store: Any) -> None:
        self._store = store

    def __getattr__(self, attr: str) -> Any:
        value = getattr(self._store, attr)
        if attr not in _MUTATORS:
            return value

        def change(*args: Any, **kwargs: Any) -> Any:
            point("store.write")
            result = value(*args, **kwargs)
            point("store.written")
            return result

        return change

    def __iter__(self) -> Any:
        return iter(self._store)

    def __len__(self) -> int:
        return len(self._store)


def guard(store: T) -> T:
    """``store`` itself, or (when ``CKG_FAULT`` names a ``store.`` point) ``store`` with its
    changes passing the ``store.write`` and ``store.written`` points."""
    target = _target()
    if target is None or not target[0].startswith("store."):
        return store
    return _Guarded(store)  # type: ignore[return-value]
