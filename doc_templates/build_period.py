"""Builds doc_templates/default/period_summary.docx, the period 工作情况汇报 template.

Same page set-up, styles, numbering and footers as the case documents: it is
made with the helpers of ``build.py`` (GB/T 9704-2012; see there). Its context
is ``service.context.period_models.PeriodContext``. Run ``python doc_templates/build_period.py``
after changing it; a test fails when the committed file differs from what it builds.

Structure (after the reference 工作情况汇报): 一、机制建设 二、程序执行 （一）六个步骤
（二）征求意见（统计表）（三）风险研判 三、成效（每个事项一节） 四、存在的问题 五、下一步工作.
Headings are numbered by Word, so a section left out (no problems given) leaves no gap.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

import build  # noqa: E402
from build import H, P, R, S, T, build_docx, cell, row, signature, table_xml, title  # noqa: E402

NAME = "period_summary.docx"
CENTER = '<w:jc w:val="center"/>'


def stats_table() -> str:
    """征求意见情况统计表: one row per case, then the 合计 row (figures from the context).

    4号 table text: the six figure columns are just wide enough for their two-line
    headers (「发放问卷」 over 「（份）」), the rest goes to the matter's name.
    """
    figures = [
        ("发放问卷", "（份）", "surveys_issued", 1290),
        ("有效问卷", "（份）", "surveys_valid", 1290),
        ("走访", "（户）", "households", 1010),
        ("会议", "（次）", "meetings", 1010),
        ("参会", "（人次）", "participants", 1290),
        ("意见建议", "（类）", "opinions", 1290),
    ]
    widths = [build.TYPE_WIDTH - sum(f[3] for f in figures)] + [f[3] for f in figures]

    def head(*lines: str) -> str:
        return P(*[R(line) if i == 0 else "<w:r><w:br/></w:r>" + R(line) for i, line in enumerate(lines)], style="TableHead")

    def body(var: str, style: str) -> str:
        cells = [cell(P(R("{{ " + var + ".name }}"), style=style), widths[0])]
        cells += [cell(P(R("{{ " + f"{var}.{f[2]}" + " }}"), style=style, ppr=CENTER), f[3]) for f in figures]
        return row(cells)

    def loop(tag: str) -> str:
        return row([cell(P(R("{%tr " + tag + " %}"), style="TableText"), sum(widths), span=len(widths))])

    rows = [
        row([cell(head("评估事项"), widths[0])] + [cell(head(a, b), w) for a, b, _, w in figures], header=True),
        loop("for r in procedure.rows"),
        body("r", "TableText"),
        loop("endfor"),
        body("procedure.totals", "TableHead"),
    ]
    return T("各评估事项征求意见情况统计表", style="Caption") + table_xml(widths, rows)


def period_doc() -> str:
    return (
        title("{{ title_display }}")
        + T("{{ recipient }}：", style="Recipient")
        + T("{{ period.lead }}，{{ organisation.self_name }}认真落实重大决策社会稳定风险评估制度，把稳评作为重大决策出台、"
            "重大项目实施的前置程序，{% if outcome.count > 1 %}对{{ outcome.names_text }}等{{ outcome.count }}个事项"
            "{% else %}对{{ outcome.names_text }}{% endif %}开展了社会稳定风险评估，从源头上防范化解社会矛盾。"
            "现将有关情况汇报如下：")
        # 一、机制建设
        + H(1, "健全工作机制，夯实稳评基础")
        + T("{{ organisation.self_name }}把稳评工作摆在维护稳定工作的重要位置"
            "{% if mechanism.practices_text %}，{{ mechanism.practices_text }}{% endif %}。"
            "成立了{{ mechanism.group_name }}，由{{ mechanism.leader.text }}任组长"
            "{% if mechanism.deputies_text %}，{{ mechanism.deputies_text }}任副组长{% endif %}"
            "{% if mechanism.members_count %}，{{ mechanism.members_count }}名相关单位负责人为成员{% endif %}，"
            "统筹领导{{ organisation.whole }}稳评工作{% if mechanism.office %}；领导小组办公室设在{{ mechanism.office }}，"
            "负责日常工作{% endif %}。")
        + S("if mechanism.documents")
        + T("{% if mechanism.documents|length > 1 %}结合实际，先后制定出台了{{ mechanism.documents_text }}"
            "等{{ mechanism.documents|length }}个制度文件{% else %}结合实际，制定出台了{{ mechanism.documents_text }}{% endif %}，"
            "对稳评的范围、内容、程序和责任作出规定，推动稳评工作制度化、规范化。")
        + S("endif")
        + T("明确{{ mechanism.lead_office }}为稳评工作牵头部门{% if mechanism.cooperating %}，{{ mechanism.cooperating }}"
            "等单位按照职责协调配合{% endif %}，形成了主要领导负总责、分管领导具体抓、牵头部门统筹协调、相关单位各负其责的工作格局。"
            "{% if mechanism.team_cases %}{% if mechanism.team_cases == outcome.count %}对每个评估事项分别成立专门的评估工作班子"
            "{% else %}{{ mechanism.team_cases }}个评估事项成立了专门的评估工作班子{% endif %}，"
            "共抽调{{ mechanism.team_members }}人次参与评估，做到一事一班子、责任到人。{% endif %}")
        # 二、程序执行
        + H(1, "严格评估程序，广泛听取民意")
        + H(2, "规范执行评估程序")
        + T("{{ organisation.self_name }}严格按照{{ procedure.steps_text }}六个步骤组织开展稳评，做到程序不减、环节不漏。")
        + S("for s in procedure.steps")
        + T("{{ s.ordinal }}{{ s.step }}。{{ s.text }}。")
        + S("endfor")
        + H(2, "广泛征求各方意见")
        + S("if procedure.any_consultation")
        + T("把征求意见作为稳评的关键环节，面对面听取群众诉求。{{ procedure.consultation_sentence }}。")
        + S("if procedure.participants_text")
        + T("参加座谈会、听证会、论证会的有{{ procedure.participants_text }}，"
            "既听取利益相关群众的诉求，又吸纳专业人士和社会各方面的意见，为科学评估提供了依据。")
        + S("endif")
        + S("if procedure.opinions_sentence")
        + T("对收集到的意见建议逐条分析研究，{{ procedure.opinions_sentence }}"
            "{% if procedure.rejected %}，对不予采纳的逐一向群众说明理由{% endif %}。")
        + S("endif")
        + stats_table()
        + S("else")
        + T("各评估事项通过查阅资料、听取有关部门意见等方式开展风险调查。")
        + S("endif")
        + H(2, "科学研判防控风险")
        + T("在充分听取意见的基础上，逐项分析风险来源和发生的可能性，共识别风险因素{{ procedure.risks_total }}项，"
            "按落实措施前的风险程度分，{{ procedure.degrees_text }}。针对识别出的风险，共制定防范化解措施"
            "{{ procedure.measures_total }}项，逐项落实到{{ procedure.measure_units }}个责任单位，"
            "并对可能发生的群体性事件和个人极端行为制定了应急处置预案。")
        # 三、成效
        + H(1, "注重结果运用，稳评成效逐步显现")
        + T("{{ period.lead }}开展稳评的{{ outcome.count }}个事项中，落实防范化解措施前{{ outcome.initial_levels_text }}；"
            "落实措施后，评估结论为{{ outcome.final_levels_text }}"
            "{% if outcome.decisions_text %}。经决策机构集体研究，决定{{ outcome.decisions_text }}{% endif %}{% if outcome.undecided %}，{{ outcome.undecided }}个尚待决策{% endif %}。"
            "具体情况如下：")
        + S("for c in outcome.cases")
        + H(2, "{{ c.name }}")
        + T("{% if c.overview %}该事项{{ c.overview }}。{% endif %}"
            "{% if c.consultation_text %}评估中，{{ c.consultation_text }}{% if c.opinions_sentence %}；{{ c.opinions_sentence }}{% endif %}。{% endif %}"
            "共识别风险因素{{ c.risk_count }}项，主要是{{ c.main_risks }}。"
            "制定防范化解措施{{ c.measures_count }}项{% if c.key_measures %}，其中{{ c.key_measures }}{% endif %}。"
            "{{ c.levels_text }}，评估结论为{{ c.final_level }}，建议{{ c.advice }}。{{ c.decision_text }}。"
            "{% if c.progress %}{{ c.progress }}{% endif %}")
        + S("endfor")
        + T("实践表明，稳评工作把群众工作做在决策之前，{% if outcome.lowered %}{{ outcome.lowered }}个事项落实防范化解措施后"
            "风险等级明显下降，{% endif %}把矛盾纠纷化解在萌芽状态，推动了维稳工作关口前移。")
        # 四、存在的问题
        + S("if problems")
        + H(1, "存在的问题")
        + T("在肯定成绩的同时，我们也清醒地看到，稳评工作还存在一些不足：")
        + S("for p in problems") + T("{{ p.sentence }}") + S("endfor")
        + S("endif")
        # 五、下一步工作
        + H(1, "下一步工作打算")
        + S("if next_steps")
        + T("下一步，{{ organisation.self_name }}将认真贯彻上级关于社会稳定风险评估工作的部署要求，坚持应评尽评、评以致用，"
            "不断提升稳评工作质量：")
        + S("for s in next_steps") + T("{{ s.sentence }}") + S("endfor")
        + S("else")
        + T("下一步，{{ organisation.self_name }}将持续跟踪已评估事项的实施情况，督促各项防范化解措施落实到位，"
            "坚持应评尽评、评以致用，不断提升稳评工作质量。")
        + S("endif")
        + T("特此汇报。")
        + signature("organisation.name", "issued_on")
    )


def build_period() -> bytes:
    return build_docx(period_doc())


def main() -> None:
    out = ROOT / "default" / NAME
    out.write_bytes(build_period())
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
