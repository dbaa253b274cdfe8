"""The tree shows the pipeline: each stage imports only the stages before it, and no private names cross packages.

    model → risk → checks → context → render → pdf → package → generate → doors (cli, web, batch)

``errors``, ``settings`` and ``files`` are the ground floor every stage may stand on.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import ROOT

SERVICE = ROOT / "service"
RANK = {
    "errors": 0, "settings": 0, "files": 0,
    "model": 1,
    "workbook": 1.5,
    "risk": 2,
    "checks": 3, "audit": 3,
    "context": 4,
    "render": 5,
    "pdf": 6,
    "package": 7,
    "generate": 8, "generate_period": 8,
    "register": 8.5,
    "cli": 9, "web": 9, "batch": 9, "jobs": 9,
}
DOORS = {"cli", "web", "batch", "jobs"}


def stage_of(module: str) -> str:
    """service.render.engine → render; service.generate → generate."""
    return module.split(".")[1]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) for every ``from service… import names`` and ``import service…`` in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("service.") and node.level == 0:
            found.append((node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names if a.name.startswith("service.")]
    return found


MODULES = sorted(p for p in SERVICE.rglob("*.py") if p.parent != SERVICE or p.name != "__init__.py")


def test_every_stage_has_a_rank():
    stages = {stage_of(module_name(p)) for p in MODULES}
    assert stages <= set(RANK), f"place these in the pipeline: {sorted(stages - set(RANK))}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SERVICE)))
def test_imports_point_down_the_pipeline(path):
    here = stage_of(module_name(path))
    for module, names in imports(path):
        there = stage_of(module)
        if there == here or (here in DOORS and there in DOORS) or RANK[there] == 0:
            continue
        assert RANK[there] < RANK[here], f"{module_name(path)} ({here}) imports {module} ({there}): upwards"
        private = [n for n in names if n.startswith("_")]
        assert not private, f"{module_name(path)} imports private {private} from {module}"


def test_the_checker_sees_an_upward_import(tmp_path):
    bad = tmp_path / "x.py"
    bad.write_text("from service.render.engine import CompiledTemplate\n", "utf-8")
    ((module, _),) = imports(bad)
    assert RANK[stage_of(module)] > RANK["context"]
