"""Shared fixtures: the canonical sample case and helpers to break it."""

from __future__ import annotations

import atexit
import copy
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from service.settings import current_settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_PATH = ROOT / "schemas" / "examples" / "sample-case.json"
# The contract's copy of the sample, kept beside the clone (CI has one): only tests/test_model.py compares
# the repository's copy with it; every test reads SAMPLE_PATH.
SHARED_SAMPLE = ROOT.parent / "shared" / "contract" / "sample-case.json"
BIN = ROOT / ".venv" / "bin"

# Whatever a test (or a command it runs) files in the register goes to a state folder of this session, never to
# the user's own ~/.local/state/wenping. Set before any app is made: some test modules build one on import.
TEST_STATE_DIR = tempfile.mkdtemp(prefix="wenping-test-state-")
os.environ["WENPING_STATE_DIR"] = TEST_STATE_DIR
atexit.register(shutil.rmtree, TEST_STATE_DIR, True)


@pytest.fixture(autouse=True)
def fresh_settings():
    """Every test reads the WENPING_* settings anew: tests change the environment."""
    current_settings.cache_clear()
    yield
    current_settings.cache_clear()


@pytest.fixture
def setting(monkeypatch):
    """``setting(name, value)`` sets a WENPING_* variable for this test (None: unsets it), then the
    process's settings are read anew."""

    def set_variable(name: str, value: str | None) -> None:
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
        current_settings.cache_clear()

    return set_variable


@pytest.fixture(scope="session")
def sample_data() -> dict:
    return json.loads(SAMPLE_PATH.read_text(encoding="utf-8"))


@pytest.fixture
def case_data(sample_data) -> dict:
    """A fresh deep copy of the sample, free to mutate."""
    return copy.deepcopy(sample_data)


def minimal_case() -> dict:
    """Only the fields docs/case.md §3 requires."""
    return {
        "schema_version": "1.0",
        "case_id": "MIN-1",
        "matter": {"name": "某村道路拓宽工程", "summary": "拟拓宽村主干道。"},
        "authority": {"name": "某镇人民政府", "lead_office": "镇综治办"},
        "leading_group": {"leader": {"name": "张三"}},
        "plan": {"issued_on": "2026-05-06"},
        "risks": [
            {
                "id": "R1",
                "name": "占地补偿争议",
                "probability": "中等",
                "impact": "较小",
                "measures": [{"action": "依标准补偿", "owner_unit": "镇财政所"}],
            }
        ],
        "report": {"issued_on": "2026-05-20"},
        "filing": {"filed_on": "2026-05-22"},
    }


@pytest.fixture
def minimal_data() -> dict:
    return minimal_case()


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL cluster of this test session (tests/pg.py), stopped and removed at its end."""
    from .pg import start_cluster

    cluster = start_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def farm(tmp_path_factory):
    """A real Redis (tests/redis_server.py) and two real ``wenping worker`` processes sharing a register."""
    from .jobs_fixtures import Farm
    from .redis_server import start_redis

    root = tmp_path_factory.mktemp("farm")
    redis = start_redis()
    farm = Farm(redis, root / "state", root)
    try:
        farm.start_worker()
        farm.start_worker()
        yield farm
    finally:
        farm.stop()
        redis.stop()
