"""Short sheet names and ordering hints: optional, a field missing here gets its title as sheet name.

Keys are dotted field paths of the case (list indices left out).
"""

from __future__ import annotations

ROOT_SHEET = "案卷"
GUIDE_SHEET = "填写说明"  # the first sheet: how to fill the workbook in; not read back
KV_HEADERS = ("项目", "内容", "说明")  # the header row of a key/value sheet

SHEET_NAMES = {
    "matter": "评估事项",
    "authority": "责任主体",
    "leading_group": "领导小组",
    "leading_group.deputy_leaders": "领导小组副组长",
    "leading_group.members": "领导小组成员",
    "work_team": "工作班子",
    "plan": "工作方案",
    "plan.schedule": "步骤安排",
    "consultation": "征求意见",
    "consultation.publicity": "公示",
    "consultation.survey.questions": "问卷题目",
    "consultation.survey.questions.answers": "问卷选项",
    "consultation.meetings": "会议",
    "consultation.meetings.participants": "参会人员",
    "consultation.meetings.statements": "发言",
    "opinions": "意见",
    "risks": "风险",
    "risks.measures": "措施",
    "report": "评估报告",
    "stability_plan": "维稳方案",
    "stability_plan.command.deputy_commanders": "副总指挥",
    "stability_plan.groups": "工作组",
    "stability_plan.response_levels": "分级响应",
    "stability_plan.contacts": "应急联系人",
    "summary": "工作汇报",
    "filing": "报备",
}

# A dictionary's sheet: the headers of its name and value columns.
DICT_HEADERS = {
    "consultation.survey.questions.answers": ("选项", "回答数"),
}
