"""Processes as ``/proc`` shows them, and servers started for a check: what the tests and the
benchmarks (``bench/``) use to see that :mod:`kg.lifeline` keeps its promise (no process of a
killed run is left) and how much memory a server and its workers hold.

Linux only (``/proc``); nothing in ``kg`` itself calls it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import httpx

__all__ = ["alive", "descendants", "free_port", "processes_of", "stat", "total_rss_mb", "wait_for_http"]


def stat(pid: int) -> tuple[str, str, int] | None:
    """(name, state, parent pid) of a process, None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = text[text.index("(") + 1:text.rindex(")")]
    state, ppid = text[text.rindex(")") + 2:].split()[:2]
    return name, state, int(ppid)


def alive(pid: int) -> bool:
    """The process exists and is not a zombie."""
    found = stat(pid)
    return found is not None and found[1] != "Z"


def descendants(pid: int) -> list[int]:
    """Every process under ``pid`` (children, their children…)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (found := stat(int(entry))) is not None:
            children.setdefault(found[2], []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        kids = children.get(todo.pop(), [])
        out += kids
        todo += kids
    return out


def total_rss_mb(pid: int) -> float:
    """Resident memory of a process and every process under it, in MB."""
    total = 0
    for p in [pid, *descendants(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def processes_of(store: Path | str) -> list[int]:
    """Live processes of a run on ``store``: every process (but this one) whose environment or
    command line names it; ``kg``, its extraction and query workers and multiprocessing's helper
    processes all inherit ``CKG_STORE``."""
    marks = (f"CKG_STORE={store}".encode(), str(store).encode())
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if marks[0] in environ or any(marks[1] in part for part in cmdline):
            found.append(int(entry.name))
    return sorted(found)


def free_port() -> int:
    """A TCP port on the loopback that nothing listens on (now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_http(url: str, proc: subprocess.Popen[bytes] | subprocess.Popen[str], *, timeout: float = 60,
                  headers: dict[str, str] | None = None, pause: float = 0.2) -> bool:
    """Wait until ``GET url`` answers 200 from the server ``proc`` started; False if ``proc``
    exits first or ``timeout`` seconds pass (then ``proc`` is killed)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(url, headers=headers, timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            return False
        time.sleep(pause)
