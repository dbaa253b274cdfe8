"""Command line: ``wenping validate``, ``wenping schema`` and the other doors.

Thin: parses arguments, calls the pipeline, prints. Exit codes: 0 done,
1 the case is invalid, 2 unreadable input or bad usage.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .risk.profile import ProfileError
from .schema import case_schema, dumps
from .validation import CaseReadError, Validation, read_json, validate


class CliError(click.ClickException):
    """A failure the user can fix (unreadable file, bad setting): exit 2, a Chinese line."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"错误：{self.message}", err=True)


def _load(path: Path):
    try:
        return read_json(path.read_bytes())
    except FileNotFoundError:
        raise CliError(f"文件 {path} 不存在") from None
    except PermissionError:
        raise CliError(f"没有读取文件 {path} 的权限") from None
    except IsADirectoryError:
        raise CliError(f"{path} 是文件夹，不是案卷文件") from None
    except OSError as exc:
        raise CliError(f"无法读取文件 {path}（{exc.strerror}）") from None
    except CaseReadError as exc:
        raise CliError(f"{path}：{exc}") from None




@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wenping")
def main() -> None:
    """稳评：社会稳定风险评估报备材料生成工具。"""


def _print_human(result: Validation, path: Path) -> None:
    click.echo(f"{path}：{'通过校验' if result.valid else '未通过校验'}")
    if result.errors:
        click.echo(f"\n错误（{len(result.errors)} 项）：")
        for e in result.errors:
            click.echo(f"  - {e.path}：{e.message}")
    if result.warnings:
        click.echo(f"\n提醒（{len(result.warnings)} 项）：")
        for w in result.warnings:
            click.echo(f"  - {w.path}：{w.message}")
    a = result.assessment
    if a:
        click.echo("\n风险测算：")
        click.echo(f"  落实措施前  综合风险指数 {a.initial.index:.4f}  {a.initial.level}")
        click.echo(f"  落实措施后  综合风险指数 {a.residual.index:.4f}  {a.residual.level}")
        click.echo(f"  最终风险等级 {a.final_level}；决策建议：{a.advice_detail}")
        for f in a.factors:
            click.echo(
                f"  {f.risk.id} {f.risk.name}：R={f.r:.2f}（{f.degree}）→ {f.residual_r:.2f}（{f.residual_degree}）"
            )


@main.command("validate")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（供其他系统调用）。")
def validate_cmd(file: Path, as_json: bool) -> None:
    """校验案卷 FILE：列出错误、提醒和风险测算结果。"""
    data = _load(file)
    try:
        result = validate(data)
    except ProfileError as exc:
        raise CliError(str(exc)) from None
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        _print_human(result, file)
    sys.exit(0 if result.valid else 1)


@main.command("schema")
def schema_cmd() -> None:
    """输出案卷的 JSON Schema。"""
    click.echo(dumps(case_schema()), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
