"""Real SPARQL engines started for a test or a benchmark: ``oxigraph serve`` and OpenLink
Virtuoso (Debian's ``virtuoso-opensource``), each with a store of its own in a temporary
directory, on free ports of 127.0.0.1.

Virtuoso runs as ``virtuoso-t +foreground +configfile DIR/virtuoso.ini`` with a database
created in DIR. Its ``/sparql`` endpoint answers anyone and takes no updates (the ``SPARQL``
user has no ``SPARQL_UPDATE`` role); ``/sparql-auth`` and ``/sparql-graph-crud-auth`` take
queries, updates and Graph Store requests from the ``dba`` user with HTTP digest
authentication, which is how conflict-kg writes to it (``CKG_STORE_USER``,
``CKG_STORE_PASSWORD``)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.conftest import free_port  # this worker's block of ports (make test runs two workers)

OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
VIRTUOSO = shutil.which("virtuoso-t")
VIRTUOSO_USER = "dba"
VIRTUOSO_PASSWORD = "dba"  # a new database's dba password; the server listens on 127.0.0.1 only


@dataclass
class Engine:
    proc: subprocess.Popen[bytes]
    url: str  # the store URL conflict-kg is given (--store)
    env: dict[str, str]  # what conflict-kg needs besides the URL (credentials)
    query_url: str  # a query endpoint that anyone may read

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _wait(proc: subprocess.Popen[bytes], url: str, name: str, log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{name} exited with {proc.returncode}:\n{log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise AssertionError(f"{name} did not answer within {seconds:g} s:\n{log.read_text(errors='replace')[-2000:]}")


def start_oxigraph(location: Path, *extra: str, command: str = "serve") -> Engine:
    """``oxigraph serve --location LOCATION`` (``extra``: more options, e.g. ``--union-default-graph``)."""
    assert OXIGRAPH, "the oxigraph server CLI (PyPI 'oxigraph') is a test dependency"
    port = free_port()
    log = location.parent / f"oxigraph-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([OXIGRAPH, command, "--location", str(location), "--bind", f"127.0.0.1:{port}", *extra],
                                stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    _wait(proc, base + "/query", "oxigraph serve", log, 30)
    return Engine(proc, base, {}, base + "/query")


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {d}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
ThreadsPerQuery = 2
MaxQueryMem = 1G

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}
ServerThreads = 16
MaxClientConnections = 16
MaxKeepAlives = 16
KeepAliveTimeout = 10
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 0
"""


def start_virtuoso(directory: Path, *, buffers: int = 20000, max_rows: int = 10_000_000) -> Engine:
    """A Virtuoso server with a new database in ``directory`` (created; about 20 s on a busy machine).

    ``buffers``: 8 KB pages of its page cache (20,000 = 160 MB). ``max_rows``: its
    ``ResultSetMaxRows`` (Debian's default of 10,000 would cut off larger reads)."""
    assert VIRTUOSO, ("OpenLink Virtuoso (Debian package virtuoso-opensource, binary virtuoso-t) is a test "
                      "dependency: make system-deps installs it")
    directory.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(d=directory, sql_port=sql_port, http_port=http_port, buffers=buffers,
                                       dirty=buffers * 3 // 4, max_rows=max_rows), encoding="utf-8")
    log = directory / "virtuoso.out"
    with log.open("wb") as out:
        proc = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", str(ini)], cwd=directory,
                                stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    _wait(proc, base + "/sparql", "virtuoso-t", log, 180)
    return Engine(proc, base + "/sparql-auth",
                  {"CKG_STORE_USER": VIRTUOSO_USER, "CKG_STORE_PASSWORD": VIRTUOSO_PASSWORD}, base + "/sparql")
