"""Child processes that never outlive their parent.

Extraction workers (:mod:`kg.executors`) and query workers (:mod:`api.querypool`) call
:func:`die_with_parent` first thing: on Linux the kernel then SIGKILLs the child when its
parent exits, however the parent ends (SIGKILL included), so a killed ``kg build`` or
``kg serve`` leaves no process computing for no one.

A parent can also die before the child gets there (the child is still importing): the child
then has a new parent already, and :func:`die_with_parent` exits when its parent is not the
one it was started by (``parent``, the pid the caller passed to it). :class:`Lifeline` arms it
early in a multiprocessing child: when the child unpickles its arguments, before any task or
initializer runs.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
from typing import Any

__all__ = ["Lifeline", "die_with_parent"]

_PR_SET_PDEATHSIG = 1
_PR_SET_NAME = 15


def _prctl(option: int, arg: int | bytes) -> None:
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(option, arg, 0, 0, 0)


def die_with_parent(name: bytes | None = None, *, parent: int | None = None) -> None:
    """Be SIGKILLed when the parent process exits (Linux; elsewhere nothing), and take ``name``
    (as ``ps`` and ``top`` show it). Exits at once if the parent is already gone: ``parent`` is
    the pid the child's OS parent must have (the caller passes its own pid to the child)."""
    if sys.platform != "linux":
        return
    expected = os.getppid() if parent is None else parent
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if name:
        _prctl(_PR_SET_NAME, name[:15])
    if os.getppid() != expected:
        os._exit(1)  # the parent exited before the death signal was set


class Lifeline:
    """Pass one to a child process (``Pool(initargs=(Lifeline(),))``, a ``Process`` argument): on
    unpickling in the child it sets the death signal for the process that made it."""

    def __init__(self, name: bytes | None = None) -> None:
        self.parent = os.getpid()
        self.name = name

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        die_with_parent(self.name, parent=self.parent)
