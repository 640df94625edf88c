"""Child processes that never outlive their parent.

Extraction workers (:mod:`kg.executors`) and query workers (:mod:`api.querypool`) call
:func:`die_with_parent` first thing: on Linux the kernel then SIGKILLs the child when its
parent exits, however the parent ends (SIGKILL included), so a killed ``kg build`` or
``kg serve`` leaves no process computing for no one.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys

__all__ = ["die_with_parent"]

_PR_SET_PDEATHSIG = 1
_PR_SET_NAME = 15


def _prctl(option: int, arg: int | bytes) -> None:
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(option, arg, 0, 0, 0)


def die_with_parent(name: bytes | None = None) -> None:
    """Be SIGKILLed when the parent process exits (Linux; elsewhere nothing), and take ``name``
    (as ``ps`` and ``top`` show it). Exits at once if the parent is already gone."""
    if sys.platform != "linux":
        return
    parent = os.getppid()
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if name:
        _prctl(_PR_SET_NAME, name[:15])
    if os.getppid() != parent:  # the parent exited before the line above
        os._exit(1)
