"""Command line: ``wenping validate``, ``wenping schema`` and the other doors.

Thin: parses arguments, calls the pipeline, prints. Exit codes: 0 done,
1 the case is invalid, 2 unreadable input or bad usage. Every ``WenpingError``
a command lets through is reported in one place, ``WenpingGroup.invoke``.
"""

from __future__ import annotations

import gc
import json
import sys
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import click

from service import __version__
from service.errors import DiskFull, InputReadError, InvalidInput, OutputWriteError, UsageError, WenpingError
from service.files import is_disk_full, os_reason, overwritten_input, unreadable, write_atomically

# The pipeline (pydantic models, templates, docx, pdf) is imported inside the commands that use it, so that
# `wenping --help` and `wenping validate` start quickly (bench/bench_cli.py).


@contextmanager
def lasting_imports():
    """Imports whose objects (model classes, their validators, tables) live as long as the process.

    No garbage collection runs while they load (it would find no garbage among them), and they are frozen
    after (``gc.freeze``): later collections, the one at exit included, do not walk them again. ~50 ms of
    `wenping validate`'s start (bench/bench_cli.py).
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if collecting:
            gc.enable()


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
            click.echo(f"  - {where(e)}：{e.message}", err=True)
    else:
        click.echo(f"错误：{exc}", err=True)


def where(issue) -> str:
    """An issue's place: its path, and its cell when the case came from a workbook."""
    cell = getattr(issue, "cell", None)
    return f"{cell}（{issue.path}）" if cell and issue.path else cell or issue.path


def _load(path: Path):
    """A case file's data: JSON or a workbook (.xlsx)."""
    from service.checks.validation import CaseReadError, read_case_bytes
    from service.workbook import WorkbookReadError

    try:
        return read_case_bytes(path.read_bytes())
    except OSError as exc:
        raise InputReadError(unreadable(path, exc)) from None
    except CaseReadError as exc:
        raise CaseReadError(f"{path}：{exc}") from None
    except WorkbookReadError as exc:
        raise WorkbookReadError(f"{path}：{exc}") from None


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
        self._settings = None

    @property
    def settings(self):
        """The ``service.settings.Settings`` of this command."""
        if self._settings is None:
            from service.settings import current_settings

            self._settings = current_settings()  # the same object the pipeline falls back to
        return self._settings


@click.group(cls=WenpingGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wenping")
@click.pass_context
def main(ctx: click.Context) -> None:
    """稳评：社会稳定风险评估报备材料生成工具。"""
    ctx.obj = Door()


def _print_human(result, path: Path) -> None:
    click.echo(f"{path}：{'通过校验' if result.valid else '未通过校验'}")
    if result.errors:
        click.echo(f"\n错误（{len(result.errors)} 项）：")
        for e in result.errors:
            click.echo(f"  - {where(e)}：{e.message}")
    if result.warnings:
        click.echo(f"\n提醒（{len(result.warnings)} 项）：")
        for w in result.warnings:
            click.echo(f"  - {where(w)}：{w.message}")
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
    with lasting_imports():
        from service.checks.validation import validate
        from service.context.readiness import validation_with_readiness

    result = validate(_load(file))
    if as_json:
        click.echo(json.dumps(validation_with_readiness(result), ensure_ascii=False, indent=2))
    else:
        _print_human(result, file)
        _print_readiness(result)
    sys.exit(0 if result.valid else 1)


@main.command("upgrade")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="写出的 2.0 案卷（默认：输出到屏幕）。")
def upgrade_cmd(file: Path, output: Path | None) -> None:
    """把 1.0 格式的案卷 FILE 升级为 2.0 格式（人员只登记一次，各处用编号引用）。"""
    from service.checks.validation import validate
    from service.model.case import SCHEMA_VERSION
    from service.model.upgrade import upgrade

    data = _load(file)
    version = data.get("schema_version") if isinstance(data, dict) else None
    upgraded, notes = upgrade(data)
    result = validate(upgraded)
    if result.case is None:
        for issue in result.errors:
            click.echo(f"错误：{issue.path}：{issue.message}", err=True)
        click.echo(f"{file} 有 {len(result.errors)} 处格式错误，未升级；请先改正", err=True)
        sys.exit(1)
    for note in notes:
        click.echo(f"提醒：{note.path}：{note.message}", err=True)
    text = json.dumps(result.case.model_dump(mode="json", exclude_defaults=True), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        _write(output, text.encode("utf-8"), [file])
        done = "已是 2.0 格式，已按 2.0 整理写出" if version == SCHEMA_VERSION else "已升级为 2.0 格式"
        click.echo(f"{file} {done}：{output}", err=True)


def _print_readiness(result) -> None:
    """Which documents the case can make now (docs/case.md, "Step by step")."""
    from service.context.readiness import readiness

    if result.case is not None:
        _print_ready(readiness(result.case), "\n材料准备情况：")


def _print_ready(table: dict, heading: str) -> None:
    from service.context.readiness import PACKAGE, describe
    from service.context.registry import kind

    click.echo(heading)
    for key, entry in table.items():
        name = "报备材料包" if key == PACKAGE else kind(key).name
        if entry["ready"]:
            meetings = entry.get("meetings")
            click.echo(f"  {name}：可以生成" + (f"（{len(meetings)} 份）" if meetings else ""))
        else:
            click.echo(f"  {name}：尚缺 {describe(entry['missing'])}")
class KindsOption(click.Option):
    """``--only``: its help lists the document kinds, read from the registry only when help is shown."""

    def get_help_record(self, ctx: click.Context):
        from service.context.registry import FILING_KEYS

        record = super().get_help_record(ctx)
        return (record[0], record[1] + "、".join(FILING_KEYS)) if record else record


def _kinds(values: tuple[str, ...]) -> list[str] | None:
    kinds = [k.strip() for v in values for k in v.split(",") if k.strip()]
    return kinds or None


@main.command("generate")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="输出的 zip 文件（默认：案卷编号_稳评报备材料.zip）。")
@click.option("--pdf", "pdf", is_flag=True, help="同时生成 PDF 和合订本「稳评报备材料.pdf」（需要 LibreOffice）。")
@click.option("--template-set", "template_set", metavar="NAME", help="使用模板套 NAME（在 WENPING_TEMPLATE_DIRS 中查找；默认：内置模板）。")
@click.option("--only", "only", multiple=True, metavar="KIND", cls=KindsOption, help="只生成这些文书，可重复或用逗号分隔：")
def generate_cmd(file: Path, output: Path | None, pdf: bool, template_set: str | None, only: tuple[str, ...]) -> None:
    """由案卷 FILE 生成报备材料包（zip）。"""
    if output is not None:
        _refuse_input(output, [file])
    data = _load(file)
    from service.generate import generate
    from service.render.template_sets import resolve_template_set

    templates = resolve_template_set(template_set)
    package = generate(data, only=_kinds(only), pdf=pdf, templates=templates)
    target = output or Path(package.file_name)
    _write(target, package.data, [file])
    for w in package.validation.warnings:
        click.echo(f"提醒：{where(w)}：{w.message}", err=True)
    count = sum(1 for f in package.manifest["files"] if f["kind"] not in ("case",))
    assessment = package.validation.assessment
    level = f"风险等级：{assessment.final_level}" if assessment else "尚未识别风险"
    click.echo(f"已生成 {target}（{count} 个文件，{level}）")


@main.command("workbook")
@click.argument("case", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="输出的表格文件（.xlsx；默认：案卷编号_案卷.xlsx，不给案卷时为 稳评案卷.xlsx）。")
def workbook_cmd(case: Path | None, output: Path | None) -> None:
    """生成案卷表格（Excel、WPS 表格、LibreOffice 均可填写）：不给 CASE 时为空白表格，否则填入案卷 CASE（JSON 或表格）。"""
    from service.checks.validation import validate
    from service.workbook import workbook_bytes

    if output is not None and output.suffix.lower() != ".xlsx":
        raise UsageError(f"输出文件 {output} 应以 .xlsx 结尾")
    inputs = [case] if case is not None else []
    if output is not None:
        _refuse_input(output, inputs)
    data = None
    if case is not None:
        result = validate(_load(case))
        if result.case is None:
            raise InvalidInput(f"案卷有 {len(result.errors)} 处格式错误，无法写成表格", result)
        data = result.case.model_dump(mode="json", exclude_none=True)
        for e in result.errors:
            click.echo(f"提醒：案卷中的错误照原样写入了表格，请在表格中改正：{where(e)}：{e.message}", err=True)
    target = output or Path(f"{data['case_id']}_案卷.xlsx" if data else "稳评案卷.xlsx")
    _write(target, workbook_bytes(data), inputs)
    click.echo(f"已生成 {target}（{'已填入案卷 ' + data['case_id'] if data else '空白表格，先看「填写说明」'}）")


@main.command("batch")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("-o", "--outdir", required=True, type=click.Path(path_type=Path, file_okay=False), help="输出文件夹（不存在时自动创建）。")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None, help="并行进程数（默认：CPU 核数）。")
@click.option("--pdf", "pdf", is_flag=True, help="同时生成 PDF 和合订本（需要 LibreOffice）。")
@click.option("--template-set", "template_set", metavar="NAME", default=None, help="使用的模板套（默认：default）。")
@click.option("--force", is_flag=True, help="全部重新生成，不跳过未变化的案卷。")
@click.option("--broker", "broker", metavar="URL", default=None,
              help="把案卷作为任务交给任务队列（如 redis://主机:6379/0）中的 wenping worker 进程生成；须与它们共用台账数据库和 WENPING_STATE_DIR。")
def batch_cmd(inputs: tuple[str, ...], outdir: Path, jobs: int | None, pdf: bool, template_set: str | None, force: bool,
              broker: str | None) -> None:
    """批量生成报备材料包：INPUT 可以是案卷文件（JSON 或 .xlsx 表格）、文件夹（其中的 *.json 和 *.xlsx）或通配符（如 'cases/*.json'）。

    每个案卷生成一个 zip，另在输出文件夹写 report.csv 和 report.json；未变化的案卷再次运行时跳过。
    退出码：0 全部成功，1 有无效或失败的案卷，2 无法开始，130 被中断。
    """
    from service.batch import console_progress, run_batch

    progress = console_progress(outdir)
    try:
        report = run_batch(inputs, outdir, jobs=jobs, pdf=pdf, template_set=template_set, force=force, progress=progress,
                           broker=broker)
    finally:
        progress.close()
    if report.interrupted:
        click.echo(f"已中断：未完成的案卷没有生成任何文件，已完成的见报告。{report.summary()}", err=True)
    else:
        click.echo(report.summary())
    sys.exit(report.exit_code)


@main.command("summary")
@click.argument("file", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="输出文件（.docx 或 .pdf；默认：单位名称+期间+社会稳定风险评估工作情况汇报.docx）。")
@click.option("--pdf", "pdf", is_flag=True, help="同时生成 PDF，与 .docx 同名放在一起（需要 LibreOffice）。")
@click.option("--from", "start", metavar="DATE", help="由台账汇总：期间的第一天（YYYY-MM-DD），与 --to 同用，不给 FILE。")
@click.option("--to", "end", metavar="DATE", help="由台账汇总：期间的最后一天（YYYY-MM-DD）。")
@click.option("--unit", "unit", metavar="UNIT", help="由台账汇总：只汇总这个单位的案卷（默认：全部单位）。")
@click.option("--base", "base", type=click.Path(path_type=Path, dir_okay=False),
              help="由台账汇总：汇报单位自述部分（PERIOD 文件中 cases、period 以外的字段）；不给时取自最新的案卷。")
@click.option("--organisation", "organisation", metavar="NAME", help="由台账汇总：汇报单位名称（署名）。")
@click.pass_obj
def summary_cmd(door: Door, file: Path | None, output: Path | None, pdf: bool, start: str | None, end: str | None,
                unit: str | None, base: Path | None, organisation: str | None) -> None:
    """生成一段时间的稳评工作情况汇报：由汇报文件 FILE（PERIOD.json），或由台账（--from、--to）。

    FILE 写明汇报单位、期间、机制建设、存在的问题和下一步工作，以及期间内评估的各事项案卷
    （直接写入，或写案卷文件路径，路径相对于 FILE 所在文件夹）；汇报中的数字都由各案卷合计得出。
    由台账汇总时，案卷是报备日期在期间内、已出具材料包的案卷（各取期间内出具的最新版本），各案卷的实施进展
    取自跟踪督查记录。
    -o 以 .pdf 结尾时只生成 PDF；以 .docx 结尾（或不给 -o）时生成 .docx，加 --pdf 再在旁边生成同名 PDF。
    """
    from service.generate_period import build_period_report

    if output is not None and output.suffix.lower() not in (".docx", ".pdf"):
        raise UsageError(f"输出文件 {output} 应以 .docx 或 .pdf 结尾")
    pdf_only = output is not None and output.suffix.lower() == ".pdf"
    from_register = start is not None or end is not None
    if from_register == (file is not None):
        raise UsageError("请给出汇报文件 FILE，或用 --from 和 --to 由台账汇总（二者选一）")
    if not from_register and (unit or base or organisation):
        raise UsageError("--unit、--base 和 --organisation 只用于由台账汇总（--from、--to）")
    if from_register:
        data, inputs, base_dir = _register_period(door, start, end, unit, base, organisation), [p for p in [base] if p], None
    else:
        data = _load(file)
        inputs, base_dir = _period_inputs(file, data), file.parent
    if output is not None:
        _refuse_input(output, inputs)
        if pdf and not pdf_only:
            _refuse_input(output.with_suffix(".pdf"), inputs)
    report = build_period_report(data, pdf=pdf or pdf_only, base_dir=base_dir)
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
        click.echo(f"提醒：{where(w)}：{w.message}", err=True)
    outcome = report.context.outcome
    click.echo(f"已生成 {'、'.join(str(t) for t, _ in targets)}（{outcome.count}个事项：{outcome.final_levels_text}）")


def _date_option(value: str | None, option: str) -> "date":
    from datetime import date

    if not value:
        raise UsageError(f"由台账汇总需要 {option}（日期，写作 YYYY-MM-DD）")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"{option} 应为日期，写作 YYYY-MM-DD（如 2026-12-31），实际为「{value[:20]}」") from None


def _register_period(door: Door, start: str | None, end: str | None, unit: str | None, base: Path | None,
                     organisation: str | None) -> dict:
    """The PERIOD data of the cases the register holds as filed between --from and --to."""
    from service.register.reports import period_data

    first, last = _date_option(start, "--from"), _date_option(end, "--to")
    if last < first:
        raise UsageError(f"--to（{last.isoformat()}）早于 --from（{first.isoformat()}）")
    own = _load(base) if base is not None else None
    if own is not None and not isinstance(own, dict):
        raise UsageError(f"{base} 应为 JSON 对象（PERIOD 文件中 cases、period 以外的字段）")
    with _register(door) as register:
        data = period_data(register, first, last, unit, base=own, organisation=organisation)
        register.record(_operator(), "summary", None, f"{first.isoformat()}—{last.isoformat()} {unit or '全部单位'}")
    return data


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
    from service.render.contract import check_folder
    from service.render.template_sets import DEFAULT_SET

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
    from service.model.schema import case_schema, dumps

    click.echo(dumps(case_schema()), nl=False)


@main.command("config")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
@click.pass_obj
def config_cmd(door: Door, as_json: bool) -> None:
    """列出生效的设置（环境变量 WENPING_*）：值（密钥隐藏）、默认值、来源和说明。"""
    from service.settings import shown, unknown_variables

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


@main.command("fonts")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出：{字体名称: {face, file, substitute}}。")
@click.option("--template-set", "template_set", metavar="NAME", help="列出模板套 NAME 所用的字体（默认：内置模板）。")
@click.pass_obj
def fonts_cmd(door: Door, as_json: bool, template_set: str | None) -> None:
    """列出模板所用的每个字体名称在 PDF 中实际由哪个字体打印，是否为替代字体（含 WENPING_FONT_DIRS）。"""
    from service.pdf.fonts import resolve_fonts, template_font_names

    folders = resolve_template_set(template_set, door.settings.template_dirs).folders() if template_set else []
    report = resolve_fonts(door.settings.font_dirs, template_font_names(*folders))
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    for name, found in report.items():
        if found["face"] is None:
            click.echo(f"{name}：无法查询（未安装 fontconfig 的 fc-match）")
            continue
        kind = "替代字体" if found["substitute"] else "本字体"
        click.echo(f"{name} → {found['face']}（{kind}）  {found['file']}")
    substitutes = [name for name, found in report.items() if found["substitute"]]
    if substitutes:
        click.echo(f"提醒：{'、'.join(substitutes)} 未安装，PDF 中用替代字体；"
                   "可把有授权的字体文件放入 WENPING_FONT_DIRS 所列文件夹", err=True)


@main.command("audit")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="FILE...")
@click.option("--json", "as_json", is_flag=True, help='以 JSON 输出：{"files": [{"file", "pages", "findings": [{"page", "rule", "message"}]}]}。')
def audit_cmd(files: tuple[Path, ...], as_json: bool) -> None:
    """按 GB/T 9704-2012 检查 .docx 或 .pdf 公文的格式（纸张、版心、行数字数、字体字号、页码、项目符号、标题断行、署名单独成页、半角标点）。

    退出码 0：未发现问题；1：发现问题；2：有文件无法读取。"""
    from service.audit import UnreadableDocument, audit_file
    from service.audit.rules import RULE_NAMES

    reports, unread = [], []
    for path in files:
        try:
            reports.append(audit_file(path).as_dict())
        except UnreadableDocument as exc:
            unread.append(exc)
            reports.append({"file": str(path), "pages": None, "findings": [], "error": str(exc)})
    if as_json:
        click.echo(json.dumps({"files": reports}, ensure_ascii=False, indent=2))
    else:
        for report in reports:
            if "error" in report:
                continue
            pages = f"{report['pages']} 页，" if report["pages"] is not None else ""
            if not report["findings"]:
                click.echo(f"{report['file']}：{pages}未发现不合 GB/T 9704 之处")
                continue
            click.echo(f"{report['file']}：{pages}{len(report['findings'])} 处不合 GB/T 9704：")
            for finding in report["findings"]:
                where = f"第 {finding['page']} 页 " if finding["page"] is not None else ""
                click.echo(f"  {where}[{RULE_NAMES.get(finding['rule'], finding['rule'])}] {finding['message']}")
    for exc in unread:
        report_error(exc)
    if unread:
        sys.exit(2)
    sys.exit(1 if any(r["findings"] for r in reports) else 0)


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


@main.command("worker")
@click.option("--concurrency", "-c", default=2, show_default=True, type=click.IntRange(1, 64), help="同时执行的任务数（线程数）。")
@click.option("--broker", "broker", metavar="URL", default=None, help="任务队列地址（默认：WENPING_BROKER_URL）。")
@click.pass_obj
def worker_cmd(door: Door, concurrency: int, broker: str | None) -> None:
    """执行任务队列中的任务（/api/v1/jobs、wenping batch --broker）；可在多台机器上各运行若干个。

    须与网页服务共用 WENPING_BROKER_URL、台账数据库（WENPING_DATABASE_URL）和 WENPING_STATE_DIR/blobs/。
    每个进程有自己的一组 LibreOffice（WENPING_PDF_WORKERS 个）。SIGTERM：做完手上的任务后退出。
    """
    broker = broker or door.settings.broker()
    if not broker:
        raise UsageError("未设置任务队列：请设置环境变量 WENPING_BROKER_URL（如 redis://127.0.0.1:6379/0）或使用 --broker")
    from service.jobs.celery_app import run_worker

    run_worker(broker, concurrency, door.settings)


# -- the register (台账): cases, versions, filed packages, verification ------------------------------


def _register(door: Door):
    from service.register import Register

    return Register.open(door.settings)


def _operator(name: str = "", unit: str | None = None):
    """Who acts at the command line: the operator (an admin of no unit), named in the audit log."""
    from service.register import Identity

    return Identity(f"命令行{('：' + name) if name else ''}"[:64], "admin", unit)


def _as_json(value) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def _when(moment) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S %z")


def _shown(value) -> str:
    if value is None:
        return "（无）"
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value


@main.group("cases")
def cases_group() -> None:
    """台账：提交案卷的各个版本，查看、比较，出具报备材料（存放处见 WENPING_STATE_DIR、WENPING_DATABASE_URL）。"""


@cases_group.command("submit")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--by", "by", default="", metavar="NAME", help="提交人。")
@click.option("--unit", "unit", default=None, metavar="UNIT", help="案卷所属单位（新案卷；该单位的经办人员密钥才能看到它）。")
@click.pass_obj
def cases_submit_cmd(door: Door, file: Path, by: str, unit: str | None) -> None:
    """把案卷文件 FILE 作为新版本登记到台账（内容与已有版本相同时不另立版本）。"""
    data = _load(file)
    with _register(door) as register:
        submitted = register.submit(data, by=by, unit=unit.strip() if unit else None)
        register.record(_operator(by, unit), "submit", submitted.version.case_id, f"第 {submitted.version.number} 版")
    v = submitted.version
    if submitted.created:
        click.echo(f"已登记：案卷 {v.case_id} 第 {v.number} 版（阶段：{v.stage}；SHA-256：{v.sha256}）")
    else:
        click.echo(f"内容与案卷 {v.case_id} 第 {v.number} 版相同，未另立版本（SHA-256：{v.sha256}）")


@cases_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
@click.pass_obj
def cases_list_cmd(door: Door, as_json: bool) -> None:
    """列出台账中的全部案卷。"""
    with _register(door) as register:
        cases = register.cases()
    if as_json:
        _as_json({"cases": [c.as_dict() for c in cases]})
        return
    if not cases:
        click.echo("台账中还没有案卷")
    for c in cases:
        click.echo(f"{c.case_id}  {c.matter}  阶段：{c.stage}  共 {c.versions} 版  最近提交：{_when(c.updated_at)}")


@cases_group.command("show")
@click.argument("case_id")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
@click.pass_obj
def cases_show_cmd(door: Door, case_id: str, as_json: bool) -> None:
    """显示一个案卷：事项、阶段、各版本和已出具的报备材料。"""
    with _register(door) as register:
        case, versions, packages = register.case(case_id), register.versions(case_id), register.packages(case_id)
        ready = register.readiness(case_id)
        reviews = register.reviews(case_id)
    if as_json:
        _as_json({**case.as_dict(), "history": [v.as_dict() for v in versions], "packages": [p.as_dict() for p in packages],
                  "readiness": ready, "reviews": [r.as_dict() for r in reviews]})
        return
    click.echo(f"案卷编号：{case.case_id}")
    if case.unit:
        click.echo(f"所属单位：{case.unit}")
    click.echo(f"事项名称：{case.matter}")
    click.echo(f"阶段：{case.stage}")
    click.echo(f"版本：共 {case.versions} 版，最近提交 {_when(case.updated_at)}")
    click.echo("已出具的报备材料：" + ("无" if not packages else ""))
    for p in packages:
        click.echo(f"  第 {p.version} 版 {p.file_name}（{'含 PDF' if p.pdf else '仅 Word'}）{_when(p.created_at)}  SHA-256：{p.sha256}")
    for r in reviews:
        why = f"，理由：{'；'.join(r.reasons)}" if r.reasons else ""
        click.echo(f"备案意见：第 {r.version} 版 {r.result}（{r.unit or r.reviewer}，{r.decided_on.isoformat()}）{why}")
    _print_ready(ready, f"材料准备情况（第 {case.versions} 版）：")


@cases_group.command("versions")
@click.argument("case_id")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
@click.pass_obj
def cases_versions_cmd(door: Door, case_id: str, as_json: bool) -> None:
    """列出一个案卷的各个版本。"""
    with _register(door) as register:
        versions = register.versions(case_id)
    if as_json:
        _as_json({"case_id": case_id, "versions": [v.as_dict() for v in versions]})
        return
    for v in versions:
        who = f"  提交人：{v.submitted_by}" if v.submitted_by else ""
        click.echo(f"第 {v.number} 版  {_when(v.submitted_at)}  阶段：{v.stage}{who}  SHA-256：{v.sha256}")


@cases_group.command("diff")
@click.argument("case_id")
@click.argument("old", type=click.IntRange(1))
@click.argument("new", type=click.IntRange(1))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
@click.pass_obj
def cases_diff_cmd(door: Door, case_id: str, old: int, new: int, as_json: bool) -> None:
    """比较案卷的两个版本（OLD、NEW 为版本号），逐项列出改动的字段。"""
    with _register(door) as register:
        changes = register.diff(case_id, old, new)
    if as_json:
        _as_json({"case_id": case_id, "old": old, "new": new, "changes": changes})
        return
    if not changes:
        click.echo(f"第 {old} 版与第 {new} 版内容相同")
    for change in changes:
        title = f"（{change['title']}）" if change["title"] else ""
        click.echo(f"{change['path']}{title}：{_shown(change['old'])} → {_shown(change['new'])}")


@cases_group.command("package")
@click.argument("case_id")
@click.option("--version", "version", type=click.IntRange(1), default=None, help="版本号（默认：最新版）。")
@click.option("--pdf", "pdf", is_flag=True, help="同时生成 PDF 和合订本（需要 LibreOffice）。")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False), help="输出的 zip 文件。")
@click.pass_obj
def cases_package_cmd(door: Door, case_id: str, version: int | None, pdf: bool, output: Path) -> None:
    """出具案卷某一版本的报备材料，登记到台账并写到 OUT.zip。"""
    if output.suffix.lower() != ".zip":
        raise UsageError(f"输出文件 {output} 应以 .zip 结尾")
    with _register(door) as register:
        filed = register.package(case_id, version, pdf=pdf)
    _write(output, filed.data, [])
    p = filed.package
    again = "" if filed.created else "（与此前出具的相同）"
    click.echo(f"已出具：案卷 {p.case_id} 第 {p.version} 版的报备材料{again} → {output}")
    click.echo(f"SHA-256：{p.sha256}")


def _digest_of(target: str) -> str:
    """The SHA-256 a user gave, or that of the file they named."""
    import hashlib
    import re

    if re.fullmatch(r"[0-9a-fA-F]{64}", target.strip()):
        return target.strip().lower()
    path = Path(target)
    if not path.exists() and not path.suffix:
        raise UsageError(f"「{target}」既不是文件，也不是 64 位十六进制的 SHA-256")
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise InputReadError(unreadable(path, exc)) from None


@main.command("verify")
@click.argument("target", metavar="FILE_OR_SHA256")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
@click.pass_obj
def verify_cmd(door: Door, target: str, as_json: bool) -> None:
    """核验一份报备材料（或其中任一文件）是否由本服务出具。退出码 0：是；1：不是。"""
    digest = _digest_of(target)
    with _register(door) as register:
        verification = register.verify(digest)
    if as_json:
        _as_json(verification.as_dict())
    elif not verification.issued:
        click.echo(f"未找到：SHA-256 为 {digest} 的文件不是本台账出具的报备材料，也不是其中的文件")
    else:
        click.echo(f"已核验：SHA-256 为 {digest} 的文件由本台账出具")
        for found in verification.found:
            what = "报备材料本身" if found.file is None else f"其中的文件「{found.file}」"
            click.echo(f"  案卷 {found.case_id} 第 {found.version} 版，{found.package_file_name}，{what}，"
                       f"出具于 {_when(found.issued_at)}")
    if not verification.issued:
        sys.exit(1)


@main.group("db")
def db_group() -> None:
    """台账数据库的维护。"""


@db_group.command("upgrade")
@click.pass_obj
def db_upgrade_cmd(door: Door) -> None:
    """建立或升级台账数据库的表（可重复运行）。"""
    from service.register import upgrade
    from service.register.database import create, database_url

    engine = create(database_url(door.settings))
    try:
        before, after = upgrade(engine)
    finally:
        engine.dispose()
    where = engine.url.render_as_string(hide_password=True)
    if before == after:
        click.echo(f"台账数据库已是最新版本（{after}）：{where}")
    else:
        click.echo(f"台账数据库已从版本 {before or '（空）'} 升级到 {after}：{where}")


@db_group.command("clean")
@click.option("--all", "everything", is_flag=True, help="不论新旧，删除全部无主文件（确认没有正在出具的材料时用）。")
@click.pass_obj
def db_clean_cmd(door: Door, everything: bool) -> None:
    """删除过期的任务及其结果，以及材料文件夹中没有登记的文件（出具中途失败留下的，默认只删一小时以前的）。"""
    with _register(door) as register:
        expired = register.jobs.remove_expired(door.settings.job_retention)
        removed = register.remove_orphans(0 if everything else 3600)
    if expired:
        click.echo(f"已删除 {expired} 个过了保留期限（WENPING_JOB_RETENTION）的任务及其结果")
    click.echo(f"已删除 {len(removed)} 个无主文件" if removed else "没有无主文件")


# -- units, roles and keys; the audit log; review (备案); step six (全程跟踪督查) ----------------------------


def _day(value: str | None, option: str):
    """A --date/--as-of value (YYYY-MM-DD); today when not given."""
    from datetime import date

    if not value:
        return date.today()
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"{option} 应为日期，写作 YYYY-MM-DD（如 2026-09-30），实际为「{value[:20]}」") from None


@main.group("keys")
def keys_group() -> None:
    """访问密钥：每个密钥有名称、所属单位（镇或县）和角色（clerk 经办人员、reviewer 维稳办、admin 管理员）。"""


@keys_group.command("add")
@click.option("--name", "name", required=True, help="密钥名称（字母、数字、汉字和 _ . -）。")
@click.option("--unit", "unit", required=True, help="所属单位，如「青石镇」「江城县」。")
@click.option("--role", "role", required=True, type=click.Choice(["clerk", "reviewer", "admin"]), help="角色。")
@click.pass_obj
def keys_add_cmd(door: Door, name: str, unit: str, role: str) -> None:
    """新建访问密钥：密钥只显示这一次，台账只保存其 SHA-256。"""
    from service.register import ROLE_NAMES

    with _register(door) as register:
        made = register.add_key(name, unit, role)
        register.record(_operator(), "key-add", None, f"{made.info.name}（{made.info.unit}，{made.info.role}）")
    click.echo(f"已新建访问密钥「{made.info.name}」（{made.info.unit}，{ROLE_NAMES[made.info.role]}）：", err=True)
    click.echo(made.secret)
    click.echo("请立即交给使用人妥善保存：密钥只显示这一次，遗失后只能吊销再新建。", err=True)


@keys_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
@click.pass_obj
def keys_list_cmd(door: Door, as_json: bool) -> None:
    """列出访问密钥（名称、单位、角色、状态；不含密钥本身）。"""
    from service.register import ROLE_NAMES

    with _register(door) as register:
        keys = register.keys()
    if as_json:
        _as_json({"keys": [k.as_dict() for k in keys]})
        return
    if not keys:
        click.echo("还没有命名的访问密钥（可用 wenping keys add 新建）")
    for k in keys:
        state = f"已吊销（{_when(k.revoked_at)}）" if k.revoked_at else "有效"
        click.echo(f"{k.name}  {k.unit}  {ROLE_NAMES[k.role]}  {state}  创建于 {_when(k.created_at)}")


@keys_group.command("revoke")
@click.argument("name")
@click.pass_obj
def keys_revoke_cmd(door: Door, name: str) -> None:
    """吊销访问密钥 NAME：此后用它的请求一律拒绝。"""
    with _register(door) as register:
        info = register.revoke_key(name)
        register.record(_operator(), "key-revoke", None, info.name)
    click.echo(f"已吊销访问密钥「{info.name}」（{info.unit}）")


@main.command("audit-log")
@click.option("--case", "case_id", default=None, metavar="ID", help="只列出这个案卷的记录。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
@click.pass_obj
def audit_log_cmd(door: Door, case_id: str | None, as_json: bool) -> None:
    """操作记录：谁（密钥名称、单位）在何时对哪个案卷做了什么（不含案卷内容）。"""
    with _register(door) as register:
        entries = register.audit_log(case_id)
    if as_json:
        _as_json({"entries": [e.as_dict() for e in entries]})
        return
    if not entries:
        click.echo("没有操作记录")
    for e in entries:
        who = f"{e.key_name}（{e.unit}）" if e.unit else e.key_name
        click.echo(f"{_when(e.at)}  {who}  {e.action}  {e.case_id or '—'}  {e.detail}")


@cases_group.command("review")
@click.argument("case_id")
@click.option("--result", "result", required=True, type=click.Choice(["予以备案", "退回"]), help="备案意见。")
@click.option("--reason", "reasons", multiple=True, metavar="TEXT", help="退回的理由，可重复（退回时至少一条）。")
@click.option("--date", "day", default=None, metavar="DATE", help="备案日期（默认当天）。")
@click.option("--package", "package", default=None, metavar="SHA256", help="材料包的 SHA-256（默认最近出具的）。")
@click.option("--by", "by", required=True, metavar="NAME", help="审核人。")
@click.option("--unit", "unit", required=True, metavar="UNIT", help="审核单位，如「江城县维稳办」。")
@click.pass_obj
def cases_review_cmd(door: Door, case_id: str, result: str, reasons: tuple[str, ...], day: str | None,
                     package: str | None, by: str, unit: str) -> None:
    """登记维稳办对案卷材料包的备案意见：予以备案，或退回（写明理由）。"""
    from service.register import Identity

    reviewer = Identity(by.strip()[:64] or "命令行", "reviewer", unit.strip())
    with _register(door) as register:
        review = register.review(case_id, result, list(reasons), reviewer, _day(day, "--date"), package)
        register.record(_operator(by, unit), "review", case_id, f"第 {review.version} 版 {review.result}")
    why = f"，理由：{'；'.join(review.reasons)}" if review.reasons else ""
    click.echo(f"已登记：案卷 {case_id} 第 {review.version} 版的材料包{review.result}（{review.decided_on.isoformat()}）{why}")


@cases_group.command("track")
@click.argument("case_id")
@click.option("--measure", "measure", required=True, metavar="R1.1", help="措施：风险编号.序号（从 1 起）。")
@click.option("--status", "status", required=True, type=click.Choice(["未开始", "推进中", "已完成", "逾期"]), help="状态。")
@click.option("--date", "day", default=None, metavar="DATE", help="日期（默认当天）。")
@click.option("--note", "note", default="", help="情况说明。")
@click.option("--who", "who", default="", help="记录人。")
@click.pass_obj
def cases_track_cmd(door: Door, case_id: str, measure: str, status: str, day: str | None, note: str, who: str) -> None:
    """全程跟踪督查：登记一项防范化解措施的落实情况。"""
    with _register(door) as register:
        entry = register.track(case_id, measure, status, _day(day, "--date"), note, who)
        register.record(_operator(who), "track", case_id, f"{entry.measure} {entry.status}")
        stage = register.case(case_id).stage
    click.echo(f"已登记：案卷 {case_id} 措施 {entry.measure} {entry.status}（{entry.on.isoformat()}）；案卷阶段：{stage}")


@cases_group.command("tracking")
@click.argument("case_id")
@click.option("--as-of", "as_of", default=None, metavar="DATE", help="统计截止日期（默认当天；给出时结果可重复）。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
@click.pass_obj
def cases_tracking_cmd(door: Door, case_id: str, as_of: str | None, as_json: bool) -> None:
    """列出案卷各项措施的落实情况（未完成且已过完成时限的为逾期）。"""
    day = _day(as_of, "--as-of")
    with _register(door) as register:
        measures, stage = register.measures(case_id, day), register.case(case_id).stage
    if as_json:
        _as_json({"case_id": case_id, "as_of": day.isoformat(), "stage": stage, "measures": [m.as_dict() for m in measures]})
        return
    click.echo(f"案卷 {case_id}，截至 {day.isoformat()}，阶段：{stage}")
    for m in measures:
        deadline = f"时限 {m.deadline.isoformat()}" if m.deadline else "无时限"
        click.echo(f"  {m.measure}  {m.status}  {m.action}（{m.owner_unit}，{deadline}）")


@cases_group.command("tracking-report")
@click.argument("case_id")
@click.option("--as-of", "as_of", default=None, metavar="DATE", help="统计截止日期，也是报告的成文日期（默认当天）。")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False), help="输出文件（.docx 或 .pdf）。")
@click.pass_obj
def cases_tracking_report_cmd(door: Door, case_id: str, as_of: str | None, output: Path) -> None:
    """生成案卷的跟踪督查情况报告（-o 以 .pdf 结尾时生成 PDF）。"""
    from service.register.reports import tracking_report

    if output.suffix.lower() not in (".docx", ".pdf"):
        raise UsageError(f"输出文件 {output} 应以 .docx 或 .pdf 结尾")
    with _register(door) as register:
        made = tracking_report(register, case_id, _day(as_of, "--as-of"), pdf=output.suffix.lower() == ".pdf")
    _write(output, made.data, [])
    click.echo(f"已生成 {output}")


if __name__ == "__main__":  # pragma: no cover
    main()
