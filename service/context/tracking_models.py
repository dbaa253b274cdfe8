"""What the 跟踪督查情况报告 template can name: the case's context plus the tracking of its measures.

Every value is ready to print; every figure is counted from the register's tracking entries by
``service.context.tracking`` on the day the report is made for (``as_of``).
"""

from __future__ import annotations

from typing import Optional

from service.context.models import CaseContext, Ctx, F


class TrackedMeasureCtx(Ctx):
    no: int = F("序号（全部措施连续编号）")
    measure: str = F("措施编号，如「R1.2」（风险编号.该风险的第几条措施）")
    risk_name: str = F("所针对的风险")
    action: str = F("措施")
    owner_unit: str = F("责任单位")
    owner: str = F("责任单位及责任人，如「镇自然资源所（吴永红）」")
    deadline: Optional[str] = F("完成时限", None)
    status: str = F("状态：未开始、推进中、已完成或逾期（未完成且已过时限）")
    overdue: bool = F("是否逾期")
    updated_on: Optional[str] = F("最近一次跟踪的日期", None)
    note: Optional[str] = F("最近一次跟踪的情况说明", None)
    who: Optional[str] = F("最近一次跟踪的记录人", None)


class TrackingCtx(Ctx):
    as_of: str = F("统计截止日期")
    total: int = F("措施总数")
    done: int = F("已完成的措施数")
    in_progress: int = F("推进中的措施数")
    not_started: int = F("未开始的措施数")
    overdue: int = F("逾期的措施数")
    done_rate: str = F("完成率，如「66.67%」")
    all_done: bool = F("是否全部完成")
    stage: str = F("案卷阶段（全部完成时为结案）")
    measures: list[TrackedMeasureCtx] = F("各项措施")
    overdue_measures: list[TrackedMeasureCtx] = F("逾期的措施", [])
    overdue_text: Optional[str] = F("逾期措施，分号连接，如「调整方案……（各村党支部）」", None)


class TrackingContext(CaseContext):
    tracking: TrackingCtx = F("防范化解措施跟踪督查情况")
