"""The Dockerfile, checked without a Docker engine (none runs on these machines): hadolint
lints it, and its install, build and start steps run in a clean venv from a copy of the
sources, as its stages do."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path

import httpx

from tests.conftest import ROOT, free_port

DOCKERFILE = ROOT / "Dockerfile"


def test_hadolint_is_clean() -> None:
    hadolint = Path(sys.executable).parent / "hadolint"
    proc = subprocess.run([str(hadolint), str(DOCKERFILE)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_dockerfile_steps_in_a_clean_venv(tmp_path: Path) -> None:
    text = DOCKERFILE.read_text()
    assert "USER 10001" in text and "HEALTHCHECK" in text and 'VOLUME ["/data"]' in text
    # the build stage's context: pyproject, README, kg, api, ontology, seeds, plus the editor assets
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for name in ("kg", "api", "ontology", "seeds"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    vendor = ROOT / "tools" / "node_modules" / "@zazuko" / "yasgui" / "build"
    (src / "api" / "static" / "vendor").mkdir(parents=True, exist_ok=True)
    for asset in ("yasgui.min.js", "yasgui.min.css"):
        shutil.copy(vendor / asset, src / "api" / "static" / "vendor" / asset)
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)  # this pip installs into it (--python): no copy of pip to set up
    extras = re.search(r"pip install '\.\[([a-z,]+)\]'", text)
    assert extras, "the build stage installs the package with its extras"
    # --no-compile: the .pyc files are written at first import instead (only that run is slower)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(env_dir / "bin" / "python"), "install", "--quiet",
                    "--no-compile", "--disable-pip-version-check", f"{src}[{extras.group(1)}]"], check=True,
                   timeout=900, cwd=tmp_path)
    assert (env_dir / "bin" / "dask").exists()  # the image can also run Dask workers
    kg = env_dir / "bin" / "kg"
    store = tmp_path / "seed-store"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CKG_")}
    # the installed data: ontology, shapes, world data and the seeds' conflict pack under share/
    pack = env_dir / "share" / "conflict-kg" / "ontology" / "packs" / "nagorno-karabakh-2020.ttl"
    assert pack.is_file() and (env_dir / "share" / "conflict-kg" / "ontology" / "world" / "states.tsv").is_file()
    gazetteer = env_dir / "share" / "conflict-kg" / "world.sqlite"  # CKG_GAZETTEER of the image
    assert "CKG_GAZETTEER=/opt/venv/share/conflict-kg/world.sqlite" in text
    env["CKG_GAZETTEER"] = str(gazetteer)
    # the image's RUN kg build makes this file from the GeoNames packages; building it is tested by
    # make install and tests/test_world.py, so this run starts from this machine's copy (saves ~40 s)
    from kg.geo.index import ensure_gazetteer

    shutil.copy(ensure_gazetteer(), gazetteer)
    subprocess.run([str(kg), "build", str(src / "seeds"), "--quiet", "--pack", str(pack)], check=True, timeout=600,
                   cwd=tmp_path, env={**env, "SOURCE_DATE_EPOCH": "0", "CKG_STORE": str(store)})
    assert gazetteer.is_file()
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen([str(kg), "serve", "--host", "127.0.0.1", "--port", str(port)], cwd=tmp_path,
                              env={**env, "CKG_STORE": str(store)}, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                health = httpx.get(base + "/sparql", params={"query": "ASK{}"}, timeout=4)
                break
            except httpx.HTTPError:
                if server.poll() is not None:
                    break
                time.sleep(0.2)
        else:
            raise AssertionError("the server did not answer the healthcheck")
        assert health.status_code == 200, (tmp_path / "serve.log").read_text()[-2000:]
        assert httpx.get(base + "/static/vendor/yasgui.min.js").status_code == 200
        assert "<th>Documents</th><td>5</td>" in httpx.get(base + "/").text
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
