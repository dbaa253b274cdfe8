"""Command line: ``wenping validate``, ``wenping schema`` and the other doors.

Thin: parses arguments, calls the pipeline, prints. Exit codes: 0 done,
1 the case is invalid, 2 unreadable input or bad usage. Every ``WenpingError``
a command lets through is reported in one place, ``WenpingGroup.invoke``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from service import __version__
from service.errors import DiskFull, InputReadError, InvalidInput, OutputWriteError, UsageError, WenpingError
from service.files import is_disk_full, os_reason, overwritten_input, write_atomically
from service.generate import generate
from service.render.contract import check_folder
from service.render.template_sets import DEFAULT_SET, resolve_template_set
from service.context.registry import FILING_KEYS
from service.model.schema import case_schema, dumps
from service.checks.validation import CaseReadError, Validation, read_json, validate
from service.settings import Settings, current_settings, shown, unknown_variables


class WenpingGroup(click.Group):
    """The ``wenping`` command: the one place where a ``WenpingError`` becomes output and an exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except WenpingError as exc:
            report_error(exc)
            ctx.exit(exc.exit_code)


def report_error(exc: WenpingError) -> None:
    """On stderr: an invalid input with every error it has, anything else as one ``错误：`` line."""
    if isinstance(exc, InvalidInput):
        click.echo(f"{exc}：", err=True)
        for e in exc.validation.errors:
            click.echo(f"  - {e.path}：{e.message}", err=True)
    else:
        click.echo(f"错误：{exc}", err=True)


def _load(path: Path):
    try:
        return read_json(path.read_bytes())
    except FileNotFoundError:
        raise InputReadError(f"文件 {path} 不存在") from None
    except PermissionError:
        raise InputReadError(f"没有读取文件 {path} 的权限") from None
    except IsADirectoryError:
        raise InputReadError(f"{path} 是文件夹，不是案卷文件") from None
    except OSError as exc:
        raise InputReadError(f"无法读取文件 {path}（{exc.strerror}）") from None
    except CaseReadError as exc:
        raise CaseReadError(f"{path}：{exc}") from None


def _refuse_input(target: Path, inputs: list[Path]) -> None:
    """``UsageError`` if writing ``target`` would replace one of the ``inputs`` (same file on disk)."""
    hit = overwritten_input(target, inputs)
    if hit is not None:
        same = "" if hit == target else f"（即输入文件 {hit}）"
        raise UsageError(f"输出文件 {target}{same}是本次的输入文件，写入会覆盖它；请用 -o 指定另一个文件名")


def _write(target: Path, data: bytes, inputs: list[Path]) -> None:
    _refuse_input(target, inputs)  # again: a default name is known only now
    try:
        write_atomically(target, data)
    except OSError as exc:
        if is_disk_full(exc):
            raise DiskFull(f"无法写入 {target}（{os_reason(exc)}），未留下不完整的文件；请腾出空间后重试") from None
        raise OutputWriteError(f"无法写入 {target}（{os_reason(exc)}）") from None


class Door:
    """The CLI's settings (``WENPING_*``), read from the environment once, when a command first needs them."""

    def __init__(self) -> None:
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = current_settings()  # the same object the pipeline falls back to
        return self._settings


@click.group(cls=WenpingGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wenping")
@click.pass_context
def main(ctx: click.Context) -> None:
    """稳评：社会稳定风险评估报备材料生成工具。"""
    ctx.obj = Door()


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
    result = validate(_load(file))
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        _print_human(result, file)
    sys.exit(0 if result.valid else 1)


def _kinds(values: tuple[str, ...]) -> list[str] | None:
    kinds = [k.strip() for v in values for k in v.split(",") if k.strip()]
    return kinds or None


@main.command("generate")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="输出的 zip 文件（默认：案卷编号_稳评报备材料.zip）。")
@click.option("--pdf", "pdf", is_flag=True, help="同时生成 PDF 和合订本「稳评报备材料.pdf」（需要 LibreOffice）。")
@click.option("--template-set", "template_set", metavar="NAME", help="使用模板套 NAME（在 WENPING_TEMPLATE_DIRS 中查找；默认：内置模板）。")
@click.option("--only", "only", multiple=True, metavar="KIND", help="只生成这些文书，可重复或用逗号分隔：" + "、".join(FILING_KEYS))
def generate_cmd(file: Path, output: Path | None, pdf: bool, template_set: str | None, only: tuple[str, ...]) -> None:
    """由案卷 FILE 生成报备材料包（zip）。"""
    if output is not None:
        _refuse_input(output, [file])
    data = _load(file)
    templates = resolve_template_set(template_set)
    package = generate(data, only=_kinds(only), pdf=pdf, templates=templates)
    target = output or Path(package.file_name)
    _write(target, package.data, [file])
    for w in package.validation.warnings:
        click.echo(f"提醒：{w.path}：{w.message}", err=True)
    count = sum(1 for f in package.manifest["files"] if f["kind"] not in ("case",))
    click.echo(f"已生成 {target}（{count} 个文件，风险等级：{package.validation.assessment.final_level}）")


@main.command("batch")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("-o", "--outdir", required=True, type=click.Path(path_type=Path, file_okay=False), help="输出文件夹（不存在时自动创建）。")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None, help="并行进程数（默认：CPU 核数）。")
@click.option("--pdf", "pdf", is_flag=True, help="同时生成 PDF 和合订本（需要 LibreOffice）。")
@click.option("--template-set", "template_set", metavar="NAME", default=None, help="使用的模板套（默认：default）。")
@click.option("--force", is_flag=True, help="全部重新生成，不跳过未变化的案卷。")
def batch_cmd(inputs: tuple[str, ...], outdir: Path, jobs: int | None, pdf: bool, template_set: str | None, force: bool) -> None:
    """批量生成报备材料包：INPUT 可以是案卷文件、文件夹（其中的 *.json）或通配符（如 'cases/*.json'）。

    每个案卷生成一个 zip，另在输出文件夹写 report.csv 和 report.json；未变化的案卷再次运行时跳过。
    退出码：0 全部成功，1 有无效或失败的案卷，2 无法开始，130 被中断。
    """
    from service.batch import console_progress, run_batch

    progress = console_progress(outdir)
    try:
        report = run_batch(inputs, outdir, jobs=jobs, pdf=pdf, template_set=template_set, force=force, progress=progress)
    finally:
        progress.close()
    if report.interrupted:
        click.echo(f"已中断：未完成的案卷没有生成任何文件，已完成的见报告。{report.summary()}", err=True)
    else:
        click.echo(report.summary())
    sys.exit(report.exit_code)


@main.command("summary")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="输出文件（.docx 或 .pdf；默认：单位名称+期间+社会稳定风险评估工作情况汇报.docx）。")
@click.option("--pdf", "pdf", is_flag=True, help="同时生成 PDF，与 .docx 同名放在一起（需要 LibreOffice）。")
def summary_cmd(file: Path, output: Path | None, pdf: bool) -> None:
    """由汇报文件 FILE（PERIOD.json）生成一段时间的稳评工作情况汇报。

    FILE 写明汇报单位、期间、机制建设、存在的问题和下一步工作，以及期间内评估的各事项案卷
    （直接写入，或写案卷文件路径，路径相对于 FILE 所在文件夹）；汇报中的数字都由各案卷合计得出。
    -o 以 .pdf 结尾时只生成 PDF；以 .docx 结尾（或不给 -o）时生成 .docx，加 --pdf 再在旁边生成同名 PDF。
    """
    from service.generate_period import build_period_report

    if output is not None and output.suffix.lower() not in (".docx", ".pdf"):
        raise UsageError(f"输出文件 {output} 应以 .docx 或 .pdf 结尾")
    pdf_only = output is not None and output.suffix.lower() == ".pdf"
    data = _load(file)
    inputs = _period_inputs(file, data)
    if output is not None:
        _refuse_input(output, inputs)
        if pdf and not pdf_only:
            _refuse_input(output.with_suffix(".pdf"), inputs)
    report = build_period_report(data, pdf=pdf or pdf_only, base_dir=file.parent)
    if pdf_only:
        targets = [(output, report.pdf)]
    else:
        docx_target = output or Path(report.file_name(".docx"))
        targets = [(docx_target, report.docx)] + ([(docx_target.with_suffix(".pdf"), report.pdf)] if pdf else [])
    for target, _ in targets:
        _refuse_input(target, inputs)  # every target before the first is written
    for target, payload in targets:
        _write(target, payload, inputs)
    for w in report.warnings:
        click.echo(f"提醒：{w.path}：{w.message}", err=True)
    outcome = report.context.outcome
    click.echo(f"已生成 {'、'.join(str(t) for t, _ in targets)}（{outcome.count}个事项：{outcome.final_levels_text}）")


def _period_inputs(file: Path, data) -> list[Path]:
    """PERIOD.json and the case files it names (relative to its folder), none of which may be overwritten."""
    cases = data.get("cases") if isinstance(data, dict) else None
    named = [file.parent / entry for entry in (cases if isinstance(cases, list) else []) if isinstance(entry, str) and entry.strip()]
    return [file, *named]


@main.group("templates")
def templates_group() -> None:
    """文书模板相关命令。"""


@templates_group.command("check")
@click.argument("folder", required=False, type=click.Path(path_type=Path, file_okay=False, exists=True))
def templates_check_cmd(folder: Path | None) -> None:
    """检查模板 FOLDER（默认：内置模板）所用变量是否都由上下文提供。"""
    folder = folder or DEFAULT_SET
    reports = check_folder(folder, require_all=folder == DEFAULT_SET)
    for r in reports:
        click.echo(f"{r.path.name}：{'通过' if r.ok else '有问题'}")
        for problem in r.problems:
            click.echo(f"  ! {problem}")
        for warning in r.warnings:
            click.echo(f"  提醒：{warning}")
        click.echo(f"  变量：{'、'.join(r.leaf_variables())}")
    failed = [r for r in reports if not r.ok]
    if failed:
        click.echo(f"{len(failed)} 个模板有问题：{'、'.join(r.path.name for r in failed)}", err=True)
        sys.exit(1)


@main.command("schema")
def schema_cmd() -> None:
    """输出案卷的 JSON Schema。"""
    click.echo(dumps(case_schema()), nl=False)


@main.command("config")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
@click.pass_obj
def config_cmd(door: Door, as_json: bool) -> None:
    """列出生效的设置（环境变量 WENPING_*）：值（密钥隐藏）、默认值、来源和说明。"""
    rows = shown(door.settings)
    unknown = unknown_variables()
    if as_json:
        click.echo(json.dumps({"settings": [r.as_dict() for r in rows], "unknown": unknown}, ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo(f"{r.name} = {r.value}（来源：{r.source}；默认值：{r.default}）")
        click.echo(f"    {r.description}")
    for name in unknown:
        click.echo(f"提醒：环境变量 {name} 不是稳评的设置，已忽略（拼写有误？）", err=True)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址；未配置访问密钥时只能是本机地址。")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="端口（0：任选空闲端口）。")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="工作进程数。")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64), help="每个工作进程的线程数。")
@click.option("--insecure-no-auth", is_flag=True, help="未配置访问密钥（WENPING_API_KEYS）时仍监听非本机地址（不安全）。")
def serve_cmd(host: str, port: int, workers: int, threads: int, insecure_no_auth: bool) -> None:
    """启动网页表单和 HTTP 接口服务（gunicorn）。"""
    from service.web.server import serve

    serve(host=host, port=port, workers=workers, threads=threads, insecure_no_auth=insecure_no_auth)


if __name__ == "__main__":  # pragma: no cover
    main()
