"""pytest fixtures for the Apus integration tests.

Every fixture that starts a process (apus-server or a reference redis-server 7.0.15)
binds it to 127.0.0.1 on a free port with a private temporary --dir and no save
points unless asked, waits for PING to answer, and kills it by PID at teardown.
The apus binary comes from $APUS_SERVER or .build/release/apus-server.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

from harness import Server, apus_binary, redis_binary


def pytest_report_header(config):
    return [f"apus-server: {apus_binary()}", f"redis-server: {shutil.which(redis_binary())}"]


@pytest.fixture(scope="session")
def apus_bin() -> str:
    path = apus_binary()
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail(f"apus-server binary not found at {path}; run `swift build -c release` "
                    f"or set APUS_SERVER", pytrace=False)
    return path


@pytest.fixture(scope="session")
def redis_bin() -> str:
    path = shutil.which(redis_binary())
    if not path:
        pytest.fail("redis-server (7.0.x) is required for reference comparisons", pytrace=False)
    return path


class ServerFactory:
    """Starts servers on demand and guarantees they are killed afterwards."""

    def __init__(self, apus_bin: str, redis_bin: str, basedir: str):
        self.bins = {"apus": apus_bin, "redis": redis_bin}
        self.basedir = basedir
        self.servers: list[Server] = []

    def new(self, kind: str = "apus", start: bool = True, workdir: str | None = None, **kw) -> Server:
        if workdir is None:
            workdir = tempfile.mkdtemp(prefix=f"{kind}-", dir=self.basedir)
        srv = Server(self.bins[kind], kind, workdir=workdir, **kw)
        self.servers.append(srv)
        if start:
            srv.start()
        return srv

    def stop_all(self):
        for s in self.servers:
            s.stop()


@pytest.fixture
def servers(apus_bin, redis_bin, tmp_path):
    f = ServerFactory(apus_bin, redis_bin, str(tmp_path))
    try:
        yield f
    finally:
        f.stop_all()


@pytest.fixture
def apus(servers) -> Server:
    """A fresh apus-server (no persistence, also listening on a unix socket)."""
    return servers.new("apus", unixsocket=True)


@pytest.fixture
def redis_ref(servers) -> Server:
    return servers.new("redis")


@pytest.fixture(scope="module")
def pair(apus_bin, redis_bin, tmp_path_factory):
    """(apus, redis) started identically; shared by a module's differential cases."""
    base = str(tmp_path_factory.mktemp("pair"))
    f = ServerFactory(apus_bin, redis_bin, base)
    try:
        a = f.new("apus")
        r = f.new("redis")
        yield a, r
    finally:
        f.stop_all()


@pytest.fixture(params=[2, 3], ids=["resp2", "resp3"])
def protocol(request) -> int:
    return request.param


@pytest.fixture
def r(apus, protocol):
    """A redis-py client to a fresh apus-server, in RESP2 and RESP3."""
    c = apus.client(protocol=protocol)
    try:
        yield c
    finally:
        c.close()
