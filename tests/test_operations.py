"""compose.yaml, the deployment written down (docs/operations.md), says only what the code does:
every WENPING_* variable it sets is a setting, every command it runs is a `wenping` command, Redis keeps its queue."""

from __future__ import annotations

import yaml

from service.cli import main
from service.settings import unknown_variables

from .conftest import ROOT

COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text("utf-8"))
WENPING_SERVICES = ("migrate", "web", "worker")


def test_every_variable_is_a_setting():
    for name in WENPING_SERVICES:
        environment = COMPOSE["services"][name]["environment"]
        names = {k: "x" for k in environment if k.startswith("WENPING_") and k != "WENPING_DB_PASSWORD"}
        assert names and unknown_variables(names) == [], name


def test_every_command_is_a_wenping_command():
    for name in WENPING_SERVICES:
        command = COMPOSE["services"][name]["command"]
        assert command[0] == "wenping"
        group = main
        for word in command[1:]:
            if word.startswith("-"):
                break
            group = group.commands[word] if hasattr(group, "commands") else group
        options = {opt for param in group.params for opt in param.opts}
        assert {w for w in command[1:] if w.startswith("--")} <= options, command


def test_redis_keeps_the_queue_and_web_and_workers_share_the_state():
    assert "--appendonly" in COMPOSE["services"]["redis"]["command"]
    web, worker = COMPOSE["services"]["web"], COMPOSE["services"]["worker"]
    assert web["environment"] == worker["environment"] and web["volumes"] == worker["volumes"]
    assert web["environment"]["WENPING_BROKER_URL"].startswith("redis://")
