"""Every ``WENPING_*`` setting, in one place: its type, default, parsing rule and Chinese description.

The one module that reads the environment for a ``WENPING_`` name. Each door (CLI, web app, gunicorn
serve, batch) loads the settings once and hands the values down::

    settings = Settings.load()             # validates the environment; SettingError if a value is bad
    Converter.from_settings(settings)

Code reached without a door's settings falls back to ``current_settings()``: one ``Settings`` per
process, loaded on first use (``current_settings.cache_clear()`` forgets it, after the environment
changes). A bad value stops the start with a Chinese ``service.errors.SettingError`` that names the
variable and the value (never the value of a secret).

``python -m service.settings README.md`` rewrites the settings table of the README (``make settings-doc``).
"""

from __future__ import annotations

import functools
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator

from service.errors import SettingError

ENV_PREFIX = "WENPING_"
DEFAULT_MAX_BODY = 5 * 1024 * 1024
DEFAULT_UNO_PYTHON = "/usr/bin/python3"
DEFAULT_MIN_FREE_SPACE = 64 * 1024 * 1024
PDF_DEADLINE_FACTOR = 3  # WENPING_PDF_DEADLINE unset: this many times WENPING_PDF_TIMEOUT

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}
_KEY_CHARS = re.compile(r"^[\x21-\x7e]+$")  # printable ASCII, no spaces: a key travels in an HTTP header


# -- parsing rules (shared with the web app's explicit config) ---------------------------------------


def parse_size(text: Any) -> int:
    """Bytes from ``5242880``, ``512K``, ``5M``, ``5MB``, ``1.5m``; ValueError (Chinese) otherwise."""
    match = _SIZE.match(str(text))
    if not match:
        raise ValueError("应为字节数或带单位的大小（如 5M、512K）")
    size = int(float(match.group(1)) * _UNITS[match.group(2).lower()])
    if size < 1:
        raise ValueError("必须大于 0")
    return size


def parse_keys(value: Any) -> tuple[str, ...]:
    """API keys from a comma-separated string or a list; blanks dropped; ValueError names the bad key's place."""
    if value is None:
        return ()
    items: Iterable[Any] = value.split(",") if isinstance(value, str) else value
    plain = (item.get_secret_value() if isinstance(item, SecretStr) else str(item) for item in items)
    keys = tuple(k for k in (p.strip() for p in plain) if k)
    for number, key in enumerate(keys, 1):
        if not _KEY_CHARS.match(key):
            raise ValueError(
                f"第 {number} 个访问密钥含有空格、汉字或其他非 ASCII 字符；"
                "密钥要放在 HTTP 请求头中，只能用英文字母、数字和符号"
            )
    return keys


def parse_dirs(value: Any) -> tuple[Path, ...]:
    """Folders from an ``os.pathsep``-separated string (or a list); blanks dropped."""
    if value is None:
        return ()
    items = value.split(os.pathsep) if isinstance(value, str) else value
    return tuple(Path(str(item).strip()) for item in items if str(item).strip())


def format_size(size: int) -> str:
    for unit, factor in (("G", 1024**3), ("M", 1024**2), ("K", 1024)):
        if size % factor == 0:
            return f"{size // factor}{unit}"
    return str(size)


def _default_pdf_workers() -> int:
    return min(2, os.cpu_count() or 1)


def _default_state_dir() -> Path:
    return Path.home() / ".local" / "state" / "wenping"


def mask_url(url: str) -> str:
    """A database URL with its password replaced by ``***`` (for showing it to a person)."""
    return re.sub(r"^([^:/]+://[^:/@]*):[^@]*@", r"\1:***@", url)


# -- the settings ----------------------------------------------------------------------------------


def _doc(kind: str, default: str) -> dict[str, str]:
    """How the README and ``wenping config`` show a setting's type and default (machine-independent)."""
    return {"kind": kind, "default_text": default}


def environment_values(environ: Optional[dict[str, str]] = None) -> dict[str, str]:
    """The ``WENPING_*`` variables that name a setting, by field name: names in any case, empty ones left out.

    Read here rather than with pydantic-settings: its import (asyncio, the cloud secret stores) cost ~40 ms of
    every command's start, `wenping validate`'s included (bench/bench_cli.py), for a prefix and this rule.
    """
    environ = os.environ if environ is None else environ
    fields = {env_name(field): field for field in Settings.model_fields}
    return {fields[name.upper()]: value for name, value in environ.items() if name.upper() in fields and value != ""}


class Settings(BaseModel):
    """The service's settings, from ``WENPING_*`` environment variables (a blank one counts as unset).

    ``Settings(**values)``: the given values over the environment's; each list setting is one string in the
    environment (split by its validator, never read as JSON).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

    api_keys: tuple[SecretStr, ...] = Field(
        default=(),
        description="HTTP 接口和表单的访问密钥，多个用英文逗号分隔；只能用英文字母、数字和符号（不含空格）。"
        "不设则不验证身份，wenping serve 也只肯监听本机地址",
        json_schema_extra=_doc("密钥列表（逗号分隔）", "不设"),
    )
    max_body: int = Field(
        default=DEFAULT_MAX_BODY,
        description="一次请求最多接收的内容大小，超过则答 413；nginx 的 client_max_body_size 应略大于它",
        json_schema_extra=_doc("大小（字节数，或如 5M、512K）", "5M"),
    )
    header_timeout: float = Field(
        default=10.0,
        gt=0,
        allow_inf_nan=False,
        description="wenping serve 等待一个请求的请求行和全部请求头的最长秒数（从收到第一个字节算起），超时答 408 并断开",
        json_schema_extra=_doc("秒数", "10"),
    )
    body_timeout: float = Field(
        default=20.0,
        gt=0,
        allow_inf_nan=False,
        description="wenping serve 接收请求内容时最多等待下一段数据的秒数，超时答 408 并断开",
        json_schema_extra=_doc("秒数", "20"),
    )
    template_dirs: tuple[Path, ...] = Field(
        default=(),
        description="到哪些文件夹找模板套，多个用冒号分隔；其中每个含 .docx 的子文件夹是一套模板，"
        "以子文件夹名称（--template-set）选用，同名时前面的文件夹优先",
        json_schema_extra=_doc("文件夹列表（冒号分隔）", "不设（只有内置模板）"),
    )
    render_timeout: float = Field(
        default=10.0,
        gt=0,
        allow_inf_nan=False,
        description="渲染一份文书时模板最多运行的秒数，超过即停止",
        json_schema_extra=_doc("秒数", "10"),
    )
    risk_profile: Optional[Path] = Field(
        default=None,
        description="本地风险标准文件（TOML，键与内置的 service/risk/default_profile.toml 相同）",
        json_schema_extra=_doc("文件路径", "不设（内置标准）"),
    )
    soffice: str = Field(
        default="soffice",
        description="LibreOffice 程序 soffice 的路径（生成 PDF 用）",
        json_schema_extra=_doc("程序路径", "soffice（在 PATH 中查找）"),
    )
    uno_python: str = Field(
        default=DEFAULT_UNO_PYTHON,
        description="能导入 uno（Debian 软件包 python3-uno）的 Python 程序路径",
        json_schema_extra=_doc("程序路径", DEFAULT_UNO_PYTHON),
    )
    font_dirs: tuple[Path, ...] = Field(
        default=(),
        description="PDF 转换另外使用的字体文件夹，多个用冒号分隔：放入本单位有授权的仿宋_GB2312、方正小标宋简体等字体文件，"
        "PDF 即用真字体，不再用替代字体（wenping fonts 列出实际所用字体）",
        json_schema_extra=_doc("文件夹列表（冒号分隔）", "不设（只用系统字体）"),
    )
    pdf_workers: int = Field(
        default_factory=_default_pdf_workers,
        ge=1,
        description="每个进程同时运行的 LibreOffice 个数（每个约 220 MB 内存；"
        "wenping serve 的每个工作进程各有一组）",
        json_schema_extra=_doc("正整数", "2（单核机器为 1）"),
    )
    pdf_timeout: float = Field(
        default=60.0,
        gt=0,
        allow_inf_nan=False,
        description="一份文档转换为 PDF 最多用的秒数，超过则重试一次，仍超时即报错",
        json_schema_extra=_doc("秒数", "60"),
    )
    pdf_deadline: Optional[float] = Field(
        default=None,
        gt=0,
        allow_inf_nan=False,
        description="一次请求（一个材料包）的全部 PDF 转换（各份文档、重试、重启 LibreOffice）最多用的秒数，"
        "超过即停止并报超时（HTTP 504）",
        json_schema_extra=_doc("秒数", "WENPING_PDF_TIMEOUT 的 3 倍"),
    )
    min_free_space: int = Field(
        default=DEFAULT_MIN_FREE_SPACE,
        description="临时文件夹（TMPDIR）所在磁盘至少应有的空闲空间：不足时 /readyz 答 503，"
        "PDF 转换失败时报磁盘空间不足",
        json_schema_extra=_doc("大小（字节数，或如 64M、1G）", "64M"),
    )

    state_dir: Path = Field(
        default_factory=_default_state_dir,
        description="台账（案卷各版本和已出具的报备材料）的存放文件夹：内置 SQLite 数据库 register.sqlite3 "
        "和材料文件夹 blobs/，首次使用时自动创建",
        json_schema_extra=_doc("文件夹路径", "~/.local/state/wenping"),
    )
    database_url: Optional[SecretStr] = Field(
        default=None,
        description="台账数据库的地址，如 postgresql+psycopg://用户:密码@主机/库名；不设则用 WENPING_STATE_DIR "
        "中的 SQLite 文件。材料文件总在 WENPING_STATE_DIR/blobs/",
        json_schema_extra=_doc("数据库 URL（含密码，显示时隐藏）", "不设（SQLite）"),
    )

    broker_url: Optional[SecretStr] = Field(
        default=None,
        description="任务队列（Celery）的 Redis 地址，如 redis://主机:6379/0；设了则 /api/v1/jobs 的任务交给 wenping worker "
        "进程（可在多台机器上）执行，它们须与网页服务共用台账数据库和 WENPING_STATE_DIR/blobs/；不设则在网页服务进程内执行",
        json_schema_extra=_doc("Redis URL（含密码，显示时隐藏）", "不设（进程内执行）"),
    )
    job_threads: int = Field(
        default=2,
        ge=1,
        le=64,
        description="不设 WENPING_BROKER_URL 时，每个网页服务进程同时执行的任务数",
        json_schema_extra=_doc("正整数", "2"),
    )
    job_retention: float = Field(
        default=7 * 24 * 3600.0,
        gt=0,
        allow_inf_nan=False,
        description="任务结束后保留其状态和结果的秒数，过期的任务和只属于它的结果文件在提交新任务时清除",
        json_schema_extra=_doc("秒数", "604800（7 天）"),
    )
    job_visibility_timeout: float = Field(
        default=300.0,
        gt=0,
        allow_inf_nan=False,
        description="任务已被某个 wenping worker 取走、却这么多秒仍未确认完成（该进程被强行终止或所在机器宕机）时，"
        "交给另一个 worker 重做；应大于一个任务最长的用时（较长的任务可能被重做一次，结果仍只存一份）",
        json_schema_extra=_doc("秒数", "300"),
    )
    callback_secret: Optional[SecretStr] = Field(
        default=None,
        description="任务结束时通知 callback_url 所用的签名密钥：请求头 X-Wenping-Signature 为 sha256= 加请求体的 "
        "HMAC-SHA256（十六进制）；不设则不接受带 callback_url 的任务",
        json_schema_extra=_doc("密钥", "不设"),
    )

    @model_validator(mode="before")
    @classmethod
    def _environment_then_blank_is_unset(cls, data: Any) -> Any:
        """The environment's values under the given ones; ``WENPING_X=" "`` means the default, as an empty value does."""
        if isinstance(data, dict):
            data = {**environment_values(), **data}
            return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}
        return data

    @field_validator("api_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: Any) -> tuple[str, ...]:
        return parse_keys(value)

    @field_validator("max_body", "min_free_space", mode="before")
    @classmethod
    def _parse_size(cls, value: Any) -> int:
        return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else parse_size(value)

    @field_validator("template_dirs", "font_dirs", mode="before")
    @classmethod
    def _split_dirs(cls, value: Any) -> tuple[Path, ...]:
        return parse_dirs(value)

    @field_validator("soffice", "uno_python", "risk_profile", "state_dir", "database_url", "broker_url", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value

    @field_validator("broker_url", mode="after")
    @classmethod
    def _redis_only(cls, value: Optional[SecretStr]) -> Optional[SecretStr]:
        if value is not None and not value.get_secret_value().startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("应为 Redis 地址，以 redis://、rediss:// 或 unix:// 开头")
        return value

    @classmethod
    def load(cls) -> "Settings":
        """The settings in force, from the environment; ``SettingError`` (Chinese) for a bad value."""
        try:
            return cls()
        except ValidationError as exc:
            raise SettingError("；".join(_explain(error) for error in exc.errors())) from None

    def api_key_values(self) -> tuple[str, ...]:
        """The keys themselves, for comparing with a request's key; never print them."""
        return tuple(key.get_secret_value() for key in self.api_keys)

    def broker(self) -> Optional[str]:
        """The Celery broker URL, or None: jobs run in-process."""
        return self.broker_url.get_secret_value() if self.broker_url else None

    def pdf_deadline_seconds(self) -> float:
        """The bound on all PDF conversion of one request: ``WENPING_PDF_DEADLINE``, else 3 × the timeout."""
        return self.pdf_deadline or PDF_DEADLINE_FACTOR * self.pdf_timeout

    def pdf_options(self) -> dict[str, Any]:
        """What the PDF converter takes from the settings."""
        return {
            "pool_size": self.pdf_workers,
            "timeout": self.pdf_timeout,
            "deadline": self.pdf_deadline_seconds(),
            "min_free_space": self.min_free_space,
            "soffice": self.soffice,
            "python": self.uno_python,
            "font_dirs": self.font_dirs,
        }


SECRET_FIELDS = frozenset({"api_keys", "database_url", "broker_url", "callback_secret"})

_REASONS = {
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "finite_number": "应为有限的数字",
    "path_type": "应为路径",
    "string_type": "应为文字",
}


def env_name(field: str) -> str:
    return ENV_PREFIX + field.upper()


def _reason(error: dict[str, Any]) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    if kind == "greater_than":
        return f"应大于 {ctx['gt']:g}"
    if kind == "greater_than_equal":
        return f"应不小于 {ctx['ge']:g}"
    if kind == "extra_forbidden":
        return "不是已知的设置"
    return _REASONS.get(kind, "无法使用")


def _explain(error: dict[str, Any]) -> str:
    """One Chinese sentence naming the variable and (unless secret) the offending value."""
    field = str(error["loc"][0]) if error.get("loc") else ""
    name = env_name(field) if field else "环境变量"
    if field in SECRET_FIELDS or isinstance(error.get("input"), dict):
        return f"环境变量 {name} 有误：{_reason(error)}"
    return f"环境变量 {name} 的值「{error.get('input')}」有误：{_reason(error)}"


@functools.cache
def current_settings() -> Settings:
    """The settings of this process, loaded on first use (``current_settings.cache_clear()`` to reload)."""
    return Settings.load()


# -- showing the settings (wenping config, the README table) ------------------------------------------


@dataclass(frozen=True)
class Shown:
    """One setting as a person reads it."""

    name: str
    kind: str
    value: str
    default: str
    source: str
    description: str

    def as_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "type": self.kind,
            "value": self.value,
            "default": self.default,
            "source": self.source,
            "description": self.description,
        }


def show_value(field: str, value: Any) -> str:
    """A setting's value for a person; secrets masked."""
    if field in ("database_url", "broker_url"):
        return mask_url(value.get_secret_value()) if value else "未设置"
    if field in SECRET_FIELDS:
        if not value:
            return "未设置"
        return f"已设置 {len(value)} 个（已隐藏）" if isinstance(value, tuple) else "已设置（已隐藏）"
    if field in ("max_body", "min_free_space"):
        return format_size(value)
    if isinstance(value, tuple):
        return os.pathsep.join(str(v) for v in value) if value else "未设置"
    if value is None:
        return "未设置"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def shown(settings: Settings) -> list[Shown]:
    """Every setting with its effective value (secrets masked), default, source and description."""
    rows = []
    for field, info in Settings.model_fields.items():
        extra = info.json_schema_extra or {}
        rows.append(
            Shown(
                name=env_name(field),
                kind=extra["kind"],
                value=show_value(field, getattr(settings, field)),
                default=extra["default_text"],
                source="环境变量" if field in settings.model_fields_set else "默认值",
                description=info.description or "",
            )
        )
    return rows


def unknown_variables(environ: Optional[dict[str, str]] = None) -> list[str]:
    """``WENPING_*`` variables that name no setting (a typo, most likely)."""
    environ = os.environ if environ is None else environ
    known = {env_name(field) for field in Settings.model_fields}
    return sorted(name for name in environ if name.upper().startswith(ENV_PREFIX) and name.upper() not in known)


def settings_table() -> str:
    """The README's Markdown table of every setting, from the model (no machine-dependent values)."""
    lines = ["| 变量 | 类型 | 默认值 | 说明 |", "| --- | --- | --- | --- |"]
    for field, info in Settings.model_fields.items():
        extra = info.json_schema_extra or {}
        cells = [f"`{env_name(field)}`", extra["kind"], extra["default_text"], info.description or ""]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


BLOCK_START = "<!-- settings:start (make settings-doc writes this table from service/settings.py) -->"
BLOCK_END = "<!-- settings:end -->"


def readme_block(text: str) -> str:
    """The text between the README's settings markers."""
    start, end = text.index(BLOCK_START) + len(BLOCK_START), text.index(BLOCK_END)
    return text[start:end]


def with_settings_table(text: str) -> str:
    """``text`` (the README) with the block between the markers replaced by the current table."""
    start, end = text.index(BLOCK_START) + len(BLOCK_START), text.index(BLOCK_END)
    return text[:start] + "\n" + settings_table() + text[end:]


def _write_readme(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    updated = with_settings_table(text)
    if updated != text:
        path.write_text(updated, encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover (make settings-doc)
    _write_readme(Path(sys.argv[1] if len(sys.argv) > 1 else "README.md"))
