"""Settings: every WENPING_* variable read in one place, validated once, shown by ``wenping config``."""

from __future__ import annotations

import ast
import json
import os
import subprocess
from pathlib import Path

import pytest

from service.errors import SettingError
from service.settings import (
    DEFAULT_MAX_BODY,
    Settings,
    current_settings,
    readme_block,
    settings_table,
    shown,
    with_settings_table,
)

from .conftest import BIN, ROOT, SAMPLE_PATH

KEY_A = "key-a-1f3e9c"
KEY_B = "key-b-77d0aa"
EVERY_VARIABLE = [f"WENPING_{field.upper()}" for field in Settings.model_fields]


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def wenping(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The real CLI, with no WENPING_* variable but those in ``env``."""
    full_env = {k: v for k, v in os.environ.items() if not k.upper().startswith("WENPING_")}
    full_env.update(env or {})
    return subprocess.run([str(BIN / "wenping"), *args], capture_output=True, text=True, env=full_env, cwd=cwd, timeout=120)


@pytest.fixture
def clean(setting):
    """No WENPING_* variable in this test's environment."""
    for name in [n for n in os.environ if n.upper().startswith("WENPING_")]:
        setting(name, None)
    return setting


# ---------------------------------------------------------------- reading the environment


def test_defaults(clean):
    settings = Settings.load()
    assert settings.api_keys == () and settings.api_key_values() == ()
    assert settings.max_body == DEFAULT_MAX_BODY == 5 * 1024 * 1024
    assert settings.template_dirs == ()
    assert settings.render_timeout == 10
    assert (settings.header_timeout, settings.body_timeout) == (10, 20)
    assert settings.risk_profile is None
    assert (settings.soffice, settings.uno_python) == ("soffice", "/usr/bin/python3")
    assert settings.pdf_workers == min(2, os.cpu_count() or 1)
    assert settings.pdf_timeout == 60
    assert settings.pdf_deadline_seconds() == 180  # 3 × the timeout
    assert settings.min_free_space == 64 * 1024 * 1024
    assert settings.state_dir == Path.home() / ".local" / "state" / "wenping" and settings.database_url is None
    assert settings.model_fields_set == set()


def test_every_variable_is_read_from_the_environment(clean, tmp_path):
    values = {
        "WENPING_API_KEYS": f" {KEY_A} ,, {KEY_B} ",
        "WENPING_MAX_BODY": "512K",
        "WENPING_HEADER_TIMEOUT": "4",
        "WENPING_BODY_TIMEOUT": "7.5",
        "WENPING_TEMPLATE_DIRS": os.pathsep.join([str(tmp_path / "a"), "", str(tmp_path / "b")]),
        "WENPING_RENDER_TIMEOUT": "2.5",
        "WENPING_RISK_PROFILE": str(tmp_path / "profile.toml"),
        "WENPING_FONT_DIRS": os.pathsep.join([str(tmp_path / "fonts"), " "]),
        "WENPING_SOFFICE": "/opt/lo/program/soffice",
        "WENPING_UNO_PYTHON": "/opt/lo/program/python",
        "WENPING_PDF_WORKERS": " 3 ",
        "WENPING_PDF_TIMEOUT": "12.5",
        "WENPING_PDF_DEADLINE": "40",
        "WENPING_MIN_FREE_SPACE": "16M",
        "WENPING_STATE_DIR": str(tmp_path / "state"),
        "WENPING_DATABASE_URL": " postgresql+psycopg://wenping:secret@db/wenping ",
        "WENPING_BROKER_URL": " redis://:geheim@redis:6379/0 ",
        "WENPING_JOB_THREADS": "3",
        "WENPING_JOB_RETENTION": "3600",
        "WENPING_JOB_VISIBILITY_TIMEOUT": "90",
        "WENPING_CALLBACK_SECRET": "cb-secret-value",
    }
    assert sorted(values) == sorted(EVERY_VARIABLE)  # a new setting needs a line here
    for name, value in values.items():
        clean(name, value)
    settings = Settings.load()
    assert settings.api_key_values() == (KEY_A, KEY_B)
    assert settings.max_body == 512 * 1024
    assert (settings.header_timeout, settings.body_timeout) == (4, 7.5)
    assert settings.template_dirs == (tmp_path / "a", tmp_path / "b")
    assert settings.font_dirs == (tmp_path / "fonts",)
    assert settings.render_timeout == 2.5
    assert settings.risk_profile == tmp_path / "profile.toml"
    assert settings.soffice == "/opt/lo/program/soffice"
    assert settings.uno_python == "/opt/lo/program/python"
    assert settings.pdf_workers == 3
    assert settings.pdf_timeout == 12.5
    assert settings.pdf_deadline == settings.pdf_deadline_seconds() == 40
    assert settings.min_free_space == 16 * 1024 * 1024
    assert settings.state_dir == tmp_path / "state"
    assert settings.database_url.get_secret_value() == "postgresql+psycopg://wenping:secret@db/wenping"
    assert settings.broker() == "redis://:geheim@redis:6379/0"
    assert (settings.job_threads, settings.job_retention, settings.job_visibility_timeout) == (3, 3600, 90)
    assert settings.callback_secret.get_secret_value() == "cb-secret-value"
    shown_values = {row.name: row.value for row in shown(settings)}
    assert shown_values["WENPING_BROKER_URL"] == "redis://:***@redis:6379/0"
    assert shown_values["WENPING_CALLBACK_SECRET"] == "已设置（已隐藏）"
    assert {f"WENPING_{f.upper()}" for f in settings.model_fields_set} == set(values)


@pytest.mark.parametrize("text, size", [("1000", 1000), ("5M", 5 * 1024**2), ("5mb", 5 * 1024**2), ("1.5K", 1536), ("1G", 1024**3)])
def test_sizes(clean, text, size):
    clean("WENPING_MAX_BODY", text)
    assert Settings.load().max_body == size


def test_a_blank_variable_counts_as_unset(clean):
    for name in EVERY_VARIABLE:
        clean(name, "  ")
    settings = Settings.load()
    assert settings.model_fields_set == set()
    assert settings.model_dump() == Settings.model_construct().model_dump()  # the defaults


@pytest.mark.parametrize(
    "name, value, reason",
    [
        ("WENPING_MAX_BODY", "lots", "应为字节数或带单位的大小"),
        ("WENPING_MAX_BODY", "0", "必须大于 0"),
        ("WENPING_PDF_WORKERS", "abc", "应为整数"),
        ("WENPING_PDF_WORKERS", "2.5", "应为整数"),
        ("WENPING_PDF_WORKERS", "0", "应不小于 1"),
        ("WENPING_PDF_TIMEOUT", "soon", "应为数字"),
        ("WENPING_PDF_TIMEOUT", "-1", "应大于 0"),
        ("WENPING_PDF_TIMEOUT", "inf", "应为有限的数字"),
        ("WENPING_RENDER_TIMEOUT", "0", "应大于 0"),
        ("WENPING_RENDER_TIMEOUT", "nan", "应为有限的数字"),
        ("WENPING_HEADER_TIMEOUT", "0", "应大于 0"),
        ("WENPING_BODY_TIMEOUT", "later", "应为数字"),
    ],
)
def test_a_bad_value_names_the_variable_and_the_value(clean, name, value, reason):
    clean(name, value)
    with pytest.raises(SettingError) as info:
        Settings.load()
    message = str(info.value)
    assert f"环境变量 {name} 的值「{value}」有误" in message and reason in message
    assert "Traceback" not in message and "validation error" not in message
    assert info.value.exit_code == 2 and info.value.code == "bad-setting"


def test_a_bad_key_is_named_by_its_place_never_shown(clean):
    clean("WENPING_API_KEYS", f"{KEY_A},密钥 一")
    with pytest.raises(SettingError) as info:
        Settings.load()
    message = str(info.value)
    assert "WENPING_API_KEYS" in message and "第 2 个访问密钥" in message and has_chinese(message)
    assert KEY_A not in message and "密钥 一" not in message


def test_every_bad_value_is_named_at_once(clean):
    clean("WENPING_PDF_WORKERS", "many")
    clean("WENPING_MAX_BODY", "huge")
    message = str(pytest.raises(SettingError, Settings.load).value)
    assert "WENPING_PDF_WORKERS" in message and "WENPING_MAX_BODY" in message


def test_keys_are_masked_wherever_shown(clean):
    clean("WENPING_API_KEYS", f"{KEY_A},{KEY_B}")
    settings = Settings.load()
    assert KEY_A not in repr(settings) and KEY_A not in str(settings)
    assert KEY_A not in json.dumps(settings.model_dump(mode="json"))
    row = next(r for r in shown(settings) if r.name == "WENPING_API_KEYS")
    assert row.value == "已设置 2 个（已隐藏）" and row.source == "环境变量"


def test_the_process_settings_are_read_once_until_cleared(clean, monkeypatch):
    clean("WENPING_PDF_WORKERS", "3")
    first = current_settings()
    monkeypatch.setenv("WENPING_PDF_WORKERS", "4")
    assert current_settings() is first and first.pdf_workers == 3
    current_settings.cache_clear()
    assert current_settings().pdf_workers == 4


def test_settings_cannot_be_changed_once_loaded(clean):
    settings = Settings.load()
    with pytest.raises(ValueError):
        settings.pdf_workers = 5  # type: ignore[misc]


# ---------------------------------------------------------------- handed down


def test_stages_take_what_they_are_handed(clean, tmp_path):
    from service.render.template_sets import resolve_template_set, template_set_folders
    from service.risk.profile import DEFAULT_PROFILE, ProfileError, active_profile, profile_path

    sets = tmp_path / "sets"
    (sets / "town").mkdir(parents=True)
    (sets / "town" / "plan.docx").write_bytes((ROOT / "doc_templates" / "default" / "plan.docx").read_bytes())
    given = Settings(template_dirs=str(sets), risk_profile=str(tmp_path / "missing.toml"))
    assert template_set_folders(given.template_dirs) == {"town": sets / "town"}
    assert template_set_folders() == {}  # the process's settings: none configured
    assert resolve_template_set("town", given.template_dirs).folder == sets / "town"
    assert profile_path(given) == tmp_path / "missing.toml" and profile_path() == DEFAULT_PROFILE
    with pytest.raises(ProfileError, match="missing.toml"):
        active_profile(given)


def test_the_render_time_limit_comes_from_the_settings(clean):
    from service.render.environment import render_timeout

    assert render_timeout() == 10
    clean("WENPING_RENDER_TIMEOUT", "2.5")
    assert render_timeout() == 2.5


def test_the_web_app_takes_the_settings_it_is_given(clean):
    from service.web import SETTINGS_KEY, create_app

    settings = Settings(api_keys=f"{KEY_A}", max_body="1K")
    app = create_app(settings=settings)
    assert app.extensions[SETTINGS_KEY] is settings
    assert app.config["API_KEYS"] == (KEY_A,) and app.config["MAX_CONTENT_LENGTH"] == 1024
    explicit = create_app({"API_KEYS": "x-key", "MAX_CONTENT_LENGTH": 2048}, settings=settings)
    assert explicit.config["API_KEYS"] == ("x-key",) and explicit.config["MAX_CONTENT_LENGTH"] == 2048


def test_the_web_app_refuses_a_bad_setting(clean):
    from service.web import create_app

    clean("WENPING_MAX_BODY", "lots")
    with pytest.raises(SettingError, match="WENPING_MAX_BODY"):
        create_app()


# ---------------------------------------------------------------- wenping config


def test_config_shows_values_defaults_and_sources():
    run = wenping("config", env={"WENPING_API_KEYS": f"{KEY_A},{KEY_B}", "WENPING_PDF_WORKERS": "3"})
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert KEY_A not in out + run.stderr and KEY_B not in out + run.stderr
    assert "WENPING_API_KEYS = 已设置 2 个（已隐藏）（来源：环境变量" in out
    assert "WENPING_PDF_WORKERS = 3（来源：环境变量；默认值：2（单核机器为 1））" in out
    assert "WENPING_MAX_BODY = 5M（来源：默认值；默认值：5M）" in out
    for name in EVERY_VARIABLE:
        assert f"{name} = " in out
    assert "LibreOffice 程序 soffice 的路径" in out  # the description


def test_config_json():
    run = wenping("config", "--json", env={"WENPING_API_KEYS": KEY_A, "WENPING_MAX_BODY": "2M", "WENPING_PDF_WORKER": "3"})
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    rows = {row["name"]: row for row in data["settings"]}
    assert list(rows) == EVERY_VARIABLE
    assert rows["WENPING_API_KEYS"]["value"] == "已设置 1 个（已隐藏）" and KEY_A not in run.stdout
    assert (rows["WENPING_MAX_BODY"]["value"], rows["WENPING_MAX_BODY"]["source"]) == ("2M", "环境变量")
    assert (rows["WENPING_SOFFICE"]["value"], rows["WENPING_SOFFICE"]["source"]) == ("soffice", "默认值")
    assert all(has_chinese(row["description"]) for row in rows.values())
    assert data["unknown"] == ["WENPING_PDF_WORKER"]  # a typo is pointed out


def test_config_warns_of_an_unknown_variable():
    run = wenping("config", env={"WENPING_PDF_WORKER": "3"})
    assert run.returncode == 0 and "WENPING_PDF_WORKER 不是稳评的设置" in run.stderr


def test_config_with_a_bad_setting_exits_2():
    run = wenping("config", env={"WENPING_PDF_TIMEOUT": "soon"})
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.strip() == "错误：环境变量 WENPING_PDF_TIMEOUT 的值「soon」有误：应为数字"


def test_any_command_with_a_bad_setting_exits_2(tmp_path):
    run = wenping("generate", str(SAMPLE_PATH), "-o", str(tmp_path / "x.zip"), env={"WENPING_RENDER_TIMEOUT": "never"})
    assert run.returncode == 2
    assert "WENPING_RENDER_TIMEOUT" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "x.zip").exists()


def test_serve_with_a_bad_setting_exits_2(tmp_path):
    run = wenping("serve", "--port", "0", env={"WENPING_PDF_WORKERS": "zero"}, cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr.startswith("错误：环境变量 WENPING_PDF_WORKERS 的值「zero」有误：应为整数")
    assert "稳评服务已启动" not in run.stderr + run.stdout and "Traceback" not in run.stderr


# ---------------------------------------------------------------- the README table


def test_readme_settings_table_is_current():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_block(readme).strip() == settings_table().strip(), "README settings table is stale: run `make settings-doc`"


def test_settings_table_lists_every_variable():
    table = settings_table()
    assert table.startswith("| 变量 | 类型 | 默认值 | 说明 |")
    for name in EVERY_VARIABLE:
        assert f"| `{name}` |" in table
    stale = "x <!-- settings:start (make settings-doc writes this table from service/settings.py) -->\nold\n<!-- settings:end --> y"
    assert with_settings_table(stale) == stale.replace("\nold\n", "\n" + table)


# ---------------------------------------------------------------- one reader of the environment


def _env_lookups(tree: ast.Module):
    """(line, name) of every environment lookup by name: os.environ[x], os.environ.get(x), os.getenv(x), x in os.environ."""
    constants = {
        target.id: node.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }

    def is_environ(node) -> bool:
        return isinstance(node, ast.Attribute) and node.attr == "environ" or isinstance(node, ast.Name) and node.id == "environ"

    def name_of(node) -> str:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            return constants.get(node.id, f"<{node.id}>")
        if isinstance(node, ast.JoinedStr):
            return "".join(v.value for v in node.values if isinstance(v, ast.Constant)) + "<…>"
        return "<expression>"

    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and is_environ(node.value):
            yield node.lineno, name_of(node.slice)
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in ("get", "pop", "setdefault") and is_environ(func.value):
                yield node.lineno, name_of(node.args[0])
            elif isinstance(func, (ast.Attribute, ast.Name)) and getattr(func, "attr", getattr(func, "id", "")) in ("getenv", "getenvb"):
                yield node.lineno, name_of(node.args[0])
        elif isinstance(node, ast.Compare) and any(is_environ(c) for c in node.comparators):
            yield node.lineno, name_of(node.left)


def test_no_module_but_settings_reads_a_wenping_variable():
    offenders = []
    for path in sorted((ROOT / "service").rglob("*.py")):
        if path == ROOT / "service" / "settings.py":
            continue
        for line, name in _env_lookups(ast.parse(path.read_text(encoding="utf-8"))):
            if not name.startswith("<") and not name.upper().startswith("WENPING_"):
                continue  # another program's variable, read by name
            offenders.append(f"{path.relative_to(ROOT)}:{line} reads {name}")
    assert offenders == []


def test_the_lookup_finder_finds_lookups():
    source = 'import os\nNAME = "WENPING_X"\na = os.environ.get(NAME)\nb = os.getenv("WENPING_Y")\nc = os.environ["WENPING_Z"]\nd = "WENPING_W" in os.environ\ne = dict(os.environ)\n'
    assert sorted(_env_lookups(ast.parse(source))) == [(3, "WENPING_X"), (4, "WENPING_Y"), (5, "WENPING_Z"), (6, "WENPING_W")]
