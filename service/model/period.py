"""The period file: one 工作情况汇报 over a period, as structured data (PERIOD.json).

Takes the parsed PERIOD.json; gives a validated, typed ``PeriodReport``. It
states what only the reporting organisation knows (who leads the work, which
documents it issued, its problems and next steps); every figure of the report
comes from the cases in ``cases``, each a complete case (``service.model.case``)
or, on the command line, the path of a case file relative to PERIOD.json.

The cases themselves are validated by ``service.checks.validation.validate`` (see
``service.checks.period``); this model only checks that each entry is an
object or a path.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional

from pydantic import ConfigDict, Field, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from service.model.case import MAX_ITEMS, MAX_PEOPLE, Strict

MAX_CASES = 500  # cases of one period: a county assesses tens a year; the request body bounds the rest
MAX_PATH_CHARS = 1_000  # a case file's path (Linux allows 4,096 bytes; real ones are tens of characters)

CaseId = Annotated[str, Field(max_length=64)]
"""A key of ``progress``: a case's ``case_id`` (at most 64 characters, as there)."""
from service.model.types import IsoDate, Name, Text

CASE_DEF = "Case"  # the name of the case schema inside period.schema.json's $defs
CASE_PLACEHOLDER = "x-wenping-case"  # marks where period_schema() puts {"$ref": "#/$defs/Case"}


def _case_entry(value: Any) -> Any:
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and len(value) > MAX_PATH_CHARS:
        raise PydanticCustomError(
            "period_case_path", "案卷文件的路径过长：共 {length} 个字符，最多 {limit} 个", {"length": len(value), "limit": MAX_PATH_CHARS}
        )
    if isinstance(value, str) and value.strip():
        return value
    raise PydanticCustomError(
        "period_case_entry",
        "应为案卷（对象 {…}）或案卷文件的路径（文字），实际为 {value}",
        {"value": value},
    )


CaseEntry = Annotated[
    Any,
    PlainValidator(_case_entry),
    WithJsonSchema(
        {
            "anyOf": [
                {CASE_PLACEHOLDER: True},
                {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": MAX_PATH_CHARS,
                    "title": "案卷文件路径",
                    "description": "仅限命令行：案卷 JSON 文件的路径，相对于本文件所在的文件夹。通过接口提交时案卷必须直接写在这里。",
                },
            ]
        }
    ),
]
"""One case of the period: the case object itself, or (command line only) the path of its file."""



class Official(Strict):
    """人员：姓名与职务。"""

    name: Name = Field(title="姓名", description="人员姓名。", examples=["王建国"])
    title: Optional[Text] = Field(None, title="职务", description="职务，写在姓名之后，如「镇党委书记」。", examples=["镇党委书记"])

class Organisation(Strict):
    """汇报单位：开展稳评工作、报送本汇报的机关。"""

    name: Name = Field(title="单位名称", description="汇报的署名。", examples=["青石镇人民政府"])
    party_committee: Optional[Text] = Field(None, title="党委名称", description="同级党委的全称。", examples=["中共青石镇委员会"])
    self_name: Optional[Name] = Field(
        None,
        title="正文中的自称",
        description="如「我镇」「我县」；未填时由单位名称推出（××镇人民政府 → 我镇），推不出时为「我们」。",
        examples=["我镇"],
    )


class ReportPeriod(Strict):
    """汇报期间。"""

    start: IsoDate = Field(title="开始日期", description="汇报期间的第一天。", examples=["2026-01-01"])
    end: IsoDate = Field(title="结束日期", description="汇报期间的最后一天，不得早于开始日期。", examples=["2026-12-31"])


class StandingGroup(Strict):
    """社会稳定风险评估工作领导小组（常设机构，统筹本单位全部稳评工作）。"""

    name: Optional[Name] = Field(
        None,
        title="领导小组名称",
        description="未填时为「社会稳定风险评估工作领导小组」。",
        examples=["青石镇社会稳定风险评估工作领导小组"],
    )
    leader: Official = Field(title="组长", description="领导小组组长。")
    deputy_leaders: list[Official] = Field(default_factory=list, title="副组长", description="领导小组副组长，按排序列出。", max_length=MAX_ITEMS)
    members: list[Official] = Field(default_factory=list, title="成员", description="领导小组成员，按排序列出。", max_length=MAX_PEOPLE)
    office: Optional[Name] = Field(None, title="领导小组办公室设在", description="领导小组办公室设在哪个部门。", examples=["镇综治办"])


class IssuedDocument(Strict):
    """制定出台的稳评制度文件。"""

    title: Name = Field(
        title="文件名称",
        description="不必加书名号。",
        examples=["关于开展重大决策社会稳定风险评估工作的实施意见"],
    )
    doc_number: Optional[Text] = Field(None, title="发文字号", description="文件的发文字号，年份用六角括号〔〕。", examples=["青发〔2026〕3号"])
    issued_on: Optional[IsoDate] = Field(None, title="印发日期", description="文件印发的日期。")


class Mechanism(Strict):
    """机制建设：组织领导、制度文件、牵头部门和配合单位。"""

    leading_group: StandingGroup = Field(title="领导小组", description="统筹本单位稳评工作的常设领导小组。")
    documents: list[IssuedDocument] = Field(default_factory=list, title="出台的制度文件", description="期间内制定出台的稳评制度文件。", max_length=MAX_ITEMS)
    lead_office: Name = Field(title="牵头部门", description="牵头负责稳评工作的部门。", examples=["镇综治办"])
    cooperating_units: list[Name] = Field(default_factory=list, title="配合单位", description="配合开展稳评工作的单位，每项一个。", examples=[["镇司法所", "青石派出所"]], max_length=MAX_PEOPLE)
    practices: list[Name] = Field(
        default_factory=list,
        title="工作机制和做法",
        description="每项一句，不写序号，如「将稳评工作纳入全年工作要点」。",
        examples=[["将稳评工作纳入全年工作要点", "定期召开党政联席会议专题研究稳评工作"]], max_length=MAX_ITEMS,
    )


class PeriodReport(Strict):
    """一段时间内社会稳定风险评估工作情况的汇报：单位自述的部分和所评估的各事项案卷。"""

    model_config = ConfigDict(title="稳评工作情况汇报")

    schema_version: Literal["1.0"] = Field(title="格式版本", description="汇报文件格式的版本，目前只有 1.0。")
    title: Optional[Name] = Field(
        None,
        title="标题",
        description="未填时为「关于2026年度社会稳定风险评估工作情况的汇报」之类，由汇报期间推出。",
    )
    organisation: Organisation = Field(title="汇报单位", description="开展稳评工作、报送本汇报的单位。")
    recipient: Name = Field(title="主送机关", description="汇报报送的机关。", examples=["江城市维稳办"])
    period: ReportPeriod = Field(title="汇报期间", description="汇报所涵盖的起止日期。")
    issued_on: IsoDate = Field(title="成文日期", description="汇报的成文日期：不得早于期间开始日期，也不得早于任何一件案卷的报备日期。", examples=["2026-12-18"])
    mechanism: Mechanism = Field(title="机制建设", description="机制建设部分的内容。")
    problems: list[Name] = Field(
        default_factory=list, title="存在的问题", description="每项一段，不写「一是」，生成时自动编排。", max_length=MAX_ITEMS,
    )
    next_steps: list[Name] = Field(
        default_factory=list, title="下一步工作", description="每项一段，不写「一是」，生成时自动编排。", max_length=MAX_ITEMS,
    )
    progress: dict[CaseId, Name] = Field(
        default_factory=dict,
        title="实施进展",
        description="键为案卷编号，值为该事项评估、决策之后的实施进展，写入成效部分。",
        examples=[{"QS-WP-2026-001": "项目已于9月开工，承包地调整方案经3个村村民代表大会表决通过。"}], max_length=MAX_CASES,
    )
    cases: list[CaseEntry] = Field(
        min_length=1,
        title="评估事项案卷",
        description="期间内开展稳评的各事项，每项是一份完整的稳评案卷（格式同 case.schema.json）；命令行也可写案卷文件路径。", max_length=MAX_CASES,
    )
