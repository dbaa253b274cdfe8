"""Builds the default template set, doc_templates/default/*.docx.

The templates are ordinary Word documents a clerk may open and edit; this
script is how the shipped ones are made, so that their page set-up, styles
and numbering follow GB/T 9704-2012 exactly and reproducibly. Run
``python doc_templates/build.py`` after changing it; a test fails when the
committed files differ from what it builds.

Format (GB/T 9704-2012): A4; top 37 mm, binding (left) 28 mm, type area
156 × 225 mm; 22 lines × 28 characters; body 3号仿宋 (16 pt), first-line
indent 2 characters; title 2号小标宋 (22 pt) centred; headings 一、(黑体)
（一）(楷体) 1.（1）(仿宋) numbered by Word itself so that a missing section
never leaves a gap; page numbers 4号宋体 "— N —", odd pages right, even left.
"""

from __future__ import annotations

import sys
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

from service.render.docx_package import write_zip  # noqa: E402

# ------------------------------------------------------------------ units
MM = 1440 / 25.4  # twips per millimetre
LINE = 579  # 225 mm / 22 lines, in twips (28.95 pt)
BODY_PT = 16
CHAR = BODY_PT * 20  # one body character, twips
TYPE_WIDTH = 8845  # 156 mm in twips (page 11906 − 1587 − 1474)
# 28 characters of 16 pt need 448 pt but the type area is 442.25 pt wide: each
# character is tightened by 0.25 pt (w:spacing is in twentieths of a point).
TIGHTEN = '<w:spacing w:val="-5"/>'
CHAR_PITCH = CHAR - 5

FANGSONG, HEITI, KAITI, XBS, SONGTI, LATIN = "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体", "宋体", "Times New Roman"

NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def fonts(east_asia: str, latin: str = LATIN) -> str:
    return f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east_asia}" w:cs="{latin}" w:hint="eastAsia"/>'


def size(pt: float) -> str:
    half = int(pt * 2)
    return f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'


# ----------------------------------------------------------------- styles


def pstyle(sid, name, ppr="", rpr="", based="Normal", nxt="Normal", extra=""):
    based_xml = f'<w:basedOn w:val="{based}"/>' if based else ""
    return (
        f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{sid}"><w:name w:val="{name}"/>'
        f'{based_xml}<w:next w:val="{nxt}"/>{extra}<w:qFormat/><w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>'
    )


def heading(sid, name, level, font, bold=False):
    ppr = (
        f'<w:keepNext/><w:keepLines/><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="1"/></w:numPr>'
        f'<w:outlineLvl w:val="{level}"/>'
    )
    rpr = fonts(font) + ("<w:b/><w:bCs/>" if bold else "")
    return pstyle(sid, name, ppr, rpr)


def styles_xml() -> str:
    exact = f'<w:spacing w:before="0" w:after="0" w:line="{LINE}" w:lineRule="exact"/>'
    no_indent = '<w:ind w:firstLine="0" w:firstLineChars="0"/>'
    table_ppr = (
        '<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="360" w:lineRule="exact"/>'
        + no_indent + '<w:jc w:val="left"/>'
    )
    form_ppr = (
        '<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="260" w:lineRule="exact"/>' + no_indent
    )
    styles = [
        # Normal is Word's 正文: the body text of every document.
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
        f'<w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/>{exact}'
        f'<w:ind w:firstLineChars="200" w:firstLine="{2 * CHAR}"/></w:pPr>'
        f"<w:rPr>{fonts(FANGSONG)}{size(BODY_PT)}{TIGHTEN}</w:rPr></w:style>",
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>',
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
        '<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
        '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>',
        '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/><w:semiHidden/></w:style>',
        # Title is Word's 标题: 2号小标宋, centred, a blank line after it.
        '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/>'
        '<w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:jc w:val="center"/>'
        f'<w:spacing w:before="0" w:after="{LINE}" w:line="{LINE}" w:lineRule="exact"/>{no_indent}'
        f'<w:outlineLvl w:val="9"/></w:pPr><w:rPr>{fonts(XBS, XBS)}{size(22)}</w:rPr></w:style>',
        heading("H1", "一级标题", 0, HEITI),
        heading("H2", "二级标题", 1, KAITI),
        heading("H3", "三级标题", 2, FANGSONG),
        heading("H4", "四级标题", 3, FANGSONG),
        pstyle("DocNumber", "发文字号", f'<w:jc w:val="center"/>{no_indent}', fonts(KAITI)),
        pstyle("Recipient", "主送机关", no_indent),
        pstyle("NoIndent", "正文不缩进", no_indent),
        pstyle("Signature", "署名", f'<w:keepNext/><w:spacing w:before="{2 * LINE}" w:after="0" w:line="{LINE}" '
               f'w:lineRule="exact"/><w:jc w:val="right"/><w:ind w:right="{4 * CHAR}" w:firstLine="0" w:firstLineChars="0"/>'),
        pstyle("DateLine", "成文日期", f'<w:jc w:val="right"/><w:ind w:right="{4 * CHAR}" w:firstLine="0" w:firstLineChars="0"/>'),
        pstyle("Attachment", "附件说明", f'<w:ind w:left="{5 * CHAR}" w:hanging="{3 * CHAR}"/>'),
        pstyle("TableText", "表格", table_ppr, size(14)),
        pstyle("TableHead", "表头", table_ppr + '<w:jc w:val="center"/>', fonts(HEITI) + size(14), based="TableText", nxt="TableText"),
        pstyle("TableLabel", "表格项目", table_ppr + '<w:jc w:val="center"/>', fonts(HEITI) + size(14), based="TableText", nxt="TableText"),
        pstyle("FormText", "报备表文字", form_ppr, size(10.5), based="TableText", nxt="FormText"),
        pstyle("FormLabel", "报备表项目", form_ppr + '<w:jc w:val="center"/>', fonts(HEITI) + size(10.5), based="TableText", nxt="FormText"),
        pstyle("FormHead", "报备表表头", f'<w:spacing w:before="0" w:after="60" w:line="360" w:lineRule="exact"/><w:jc w:val="left"/>{no_indent}', size(12), nxt="FormHead"),
        pstyle("Caption", "表题", f'<w:keepNext/><w:jc w:val="center"/>{no_indent}', fonts(HEITI)),
        pstyle("Footer", "页脚", '<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
               + no_indent, fonts(SONGTI, SONGTI) + size(14)),
        '<w:style w:type="character" w:customStyle="1" w:styleId="Label"><w:name w:val="标签"/>'
        f'<w:qFormat/><w:rPr>{fonts(HEITI)}</w:rPr></w:style>',
        '<w:style w:type="table" w:customStyle="1" w:styleId="OfficialTable"><w:name w:val="稳评表格"/>'
        '<w:basedOn w:val="TableNormal"/><w:tblPr><w:jc w:val="center"/><w:tblBorders>'
        + "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + '</w:tblBorders><w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
        '<w:bottom w:w="57" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr>'
        '<w:trPr><w:cantSplit/></w:trPr><w:tcPr><w:vAlign w:val="center"/></w:tcPr></w:style>',
    ]
    return (
        f"{XML_HEAD}<w:styles {NS}><w:docDefaults><w:rPrDefault><w:rPr>{fonts(FANGSONG)}{size(BODY_PT)}"
        '<w:kern w:val="2"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        # overflowPunct "1" is Word's own default (punctuation may hang); LibreOffice reads the explicit
        # value the other way round and then keeps 。，、 after a full line instead of losing them in the PDF.
        '<w:pPrDefault><w:pPr><w:overflowPunct w:val="1"/><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault>'
        "</w:docDefaults>" + "".join(styles) + "</w:styles>"
    )


# -------------------------------------------------------------- numbering


def level(ilvl, fmt, text, style=None, font=None):
    style_xml = f'<w:pStyle w:val="{style}"/>' if style else ""
    rpr = f"<w:rPr>{fonts(font)}</w:rPr>" if font else ""
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{style_xml}'
        f'<w:suff w:val="nothing"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="0" w:firstLine="{2 * CHAR}"/></w:pPr>{rpr}</w:lvl>'
    )


def numbering_xml() -> str:
    headings = (
        '<w:abstractNum w:abstractNumId="1"><w:multiLevelType w:val="multilevel"/>'
        + level(0, "chineseCounting", "%1、", "H1", HEITI)
        + level(1, "chineseCounting", "（%2）", "H2", KAITI)
        + level(2, "decimal", "%3.", "H3", FANGSONG)
        + level(3, "decimal", "（%4）", "H4", FANGSONG)
        + "</w:abstractNum>"
    )
    bullets = (
        '<w:abstractNum w:abstractNumId="2"><w:multiLevelType w:val="singleLevel"/>'
        + level(0, "bullet", "• ")
        + "</w:abstractNum>"
    )
    ordered = (
        '<w:abstractNum w:abstractNumId="3"><w:multiLevelType w:val="singleLevel"/>'
        + level(0, "decimal", "%1.")
        + "</w:abstractNum>"
    )
    nums = "".join(
        f'<w:num w:numId="{n}"><w:abstractNumId w:val="{n}"/></w:num>' for n in (1, 2, 3)
    )
    return f"{XML_HEAD}<w:numbering {NS}>{headings}{bullets}{ordered}{nums}</w:numbering>"


# ------------------------------------------------------ body construction


def R(text: str, style: str | None = None, bold: bool = False) -> str:
    """A run of literal text."""
    rpr = (f'<w:rStyle w:val="{style}"/>' if style else "") + ("<w:b/><w:bCs/>" if bold else "")
    return f'<w:r>{"<w:rPr>" + rpr + "</w:rPr>" if rpr else ""}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def V(expr: str, style: str | None = None) -> str:
    """A run printing a context value; the tag stays whole inside one run."""
    return R("{{ " + expr + " }}", style)


def P(*runs: str, style: str | None = None, ppr: str = "") -> str:
    style_xml = f'<w:pStyle w:val="{style}"/>' if style else ""
    props = f"<w:pPr>{style_xml}{ppr}</w:pPr>" if style_xml or ppr else ""
    return f"<w:p>{props}{''.join(runs)}</w:p>"


def T(text: str, style: str | None = None) -> str:
    """A paragraph of text with {{ }} placeholders kept whole: "事项名称：{{ matter.name }}"."""
    return P(R(text), style=style)


def S(statement: str) -> str:
    """A control paragraph ({%p if … %}, {%p for … %}): removed at render."""
    return P(R("{%p " + statement + " %}"))


def MD(expr: str, style: str | None = None) -> str:
    """A narrative field: its Markdown becomes paragraphs in this paragraph's style."""
    return P(R("{{p " + expr + " }}"), style=style)


def H(level: int, text: str) -> str:
    return T(text, style=f"H{level}")


def cell(content: str, width: int, span: int = 1, shade: bool = False) -> str:
    span_xml = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{span_xml}</w:tcPr>{content}</w:tc>'


def row(cells: list[str], header: bool = False, height: int | None = None) -> str:
    props = ("<w:tblHeader/>" if header else "") + (f'<w:trHeight w:val="{height}"/>' if height else "")
    return f"<w:tr><w:trPr><w:cantSplit/>{props}</w:trPr>{''.join(cells)}</w:tr>"


def loop_row(statement: str, columns: int, widths: list[int]) -> str:
    """A row holding only a {%tr … %} tag (removed at render)."""
    return row([cell(P(R("{%tr " + statement + " %}"), style="TableText"), sum(widths), span=columns)])


def table_xml(widths: list[int], rows: list[str], cell_margins: str = "") -> str:
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (
        f'<w:tbl><w:tblPr><w:tblStyle w:val="OfficialTable"/><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        f'<w:tblLayout w:type="fixed"/>{cell_margins}</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{"".join(rows)}</w:tbl>'
    )


def table(widths: list[int], header: list[str], body: list[str], loop: str | None = None) -> str:
    """A bordered table: header row (repeated on each page), then body cells, looped when ``loop`` is given."""
    rows = [row([cell(P(R(h), style="TableHead"), w) for h, w in zip(header, widths)], header=True)]
    body_row = row([cell(P(R(c), style="TableText"), w) for c, w in zip(body, widths)])
    if loop:
        rows += [loop_row(f"for {loop}", len(widths), widths), body_row, loop_row("endfor", len(widths), widths)]
    else:
        rows.append(body_row)
    return table_xml(widths, rows)


def cols(*fractions: float) -> list[int]:
    """Column widths from fractions of the type area, summing exactly to it."""
    widths = [int(TYPE_WIDTH * f / sum(fractions)) for f in fractions]
    widths[-1] += TYPE_WIDTH - sum(widths)
    return widths


def signature(who: str, when: str) -> str:
    return T("{{ " + who + " }}", style="Signature") + T("{{ " + when + " }}", style="DateLine")


def bullets(items: str, var: str = "item", text: str | None = None, style: str | None = None) -> str:
    """One body paragraph per list item."""
    return S(f"for {var} in {items}") + T(text or "{{ " + var + " }}", style) + S("endfor")


def numbered(items: str, var: str = "item", text: str | None = None) -> str:
    """Items numbered in the text as 一是……二是…… would be; here 1. 2. under a body paragraph."""
    return S(f"for {var} in {items}") + T("{{ loop.index }}." + (text or "{{ " + var + " }}")) + S("endfor")


# --------------------------------------------------------------- documents


def title(text: str) -> str:
    return T(text, style="Title")


def filing_form() -> str:
    # One grid serves both row shapes: label | value (1 : 3) and three equal sign-off cells.
    label_w, third = TYPE_WIDTH // 4, TYPE_WIDTH // 3
    grid = [label_w, third - label_w, third, TYPE_WIDTH - 2 * third]
    value_w = TYPE_WIDTH - label_w

    # A one-page form: its own compact text styles (五号) rather than the 表格 style of reports.
    def tv(text: str) -> str:
        return T(text, style="FormText")

    def right(text: str) -> str:
        return P(R(text), style="FormText", ppr='<w:jc w:val="right"/>')

    def item(label: str, *paras: str) -> str:
        return row([cell(T(label, style="FormLabel"), label_w), cell("".join(paras), value_w, span=3)])

    def signoff(name: str, opinion: str, width: int, span: int) -> str:
        blank = P(style="FormText")
        return cell(T(name, style="FormLabel") + (tv(opinion) if opinion else blank) + blank + right("（盖章）") + right("年    月    日"), width, span)

    rows = [
        item("事项名称", tv("{{ matter.name }}")),
        item("责任主体", tv("{{ authority.name }}")),
        item("责任人", tv("{{ leading_group.leader.text }}")),
        item(
            "联系人及电话",
            S("if authority.contact"),
            tv("{{ authority.contact.text }}{% if authority.contact.phone %}　{{ authority.contact.phone }}{% endif %}"),
            S("else"), tv("{{ authority.lead_office }}"), S("endif"),
        ),
        item(
            "事项概况",
            MD("matter.summary", "FormText"),
            S("if matter.investment or matter.affected"),
            tv("{% if matter.investment %}总投资{{ matter.investment }}。{% endif %}{% if matter.affected %}涉及{{ matter.affected }}。{% endif %}"),
            S("endif"),
        ),
        item("主要风险", S("for f in risk.factors"), tv("{{ f.no }}. {{ f.name }}（风险值{{ f.r }}，{{ f.degree }}）"), S("endfor")),
        item("化解措施", S("for ms in risk.measures"), tv("{{ ms.no }}. {{ ms.action }}（{{ ms.owner_unit }}）"), S("endfor")),
        item(
            "风险等级",
            tv("落实措施前综合风险指数{{ risk.initial_index }}，{{ risk.initial_level }}；落实措施后综合风险指数"
               "{{ risk.residual_index }}，{{ risk.residual_level }}。{% if risk.assessed_level %}经综合研判，评定为{{ risk.assessed_level }}。{% endif %}"),
        ),
        item(
            "评估结论",
            S("if report.conclusion"), MD("report.conclusion", "FormText"), S("endif"),
            tv("风险等级为{{ risk.final_level }}，建议{{ risk.advice_detail }}。"),
        ),
        item(
            "决策意见",
            S("if filing.decision_result"),
            tv("{{ filing.decision_body }}{% if filing.decision_date %}于{{ filing.decision_date }}{% endif %}集体研究，决定{{ filing.decision_result }}。"
               "{% if filing.decision_content %}{{ filing.decision_content }}{% endif %}"),
            S("else"), tv("待{{ filing.decision_body }}集体研究决定。"), S("endif"),
        ),
        row(
            [
                signoff("评估单位意见", "经评估，风险等级为{{ risk.final_level }}。", grid[0] + grid[1], 2),
                signoff("决策部门意见", "", grid[2], 1),
                signoff("维稳办意见", "", grid[3], 1),
            ],
            height=1100,
        ),
    ]
    tight = (
        '<w:tblCellMar><w:top w:w="20" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
        '<w:bottom w:w="20" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
    )
    form = table_xml(grid, rows, tight)
    return (
        P(R("社会稳定风险评估事项报备表"), style="Title", ppr=f'<w:spacing w:before="0" w:after="120" w:line="{LINE}" w:lineRule="exact"/>')
        + T("报备单位（盖章）：{{ authority.name }}", style="FormHead")
        + T("{% if filing.number %}备案编号：{{ filing.number }}　　{% endif %}报备日期：{{ filing.filed_on }}", style="FormHead")
        + form
    )


def plan_doc() -> str:
    w = cols(0.6, 1.6, 2.2, 3.6)
    return (
        title("{{ matter.name }}社会稳定风险评估工作方案")
        + S("if plan.doc_number") + T("（{{ plan.doc_number }}）", style="DocNumber") + S("endif")
        + T("为贯彻落实重大决策社会稳定风险评估制度，从源头上预防和减少社会矛盾，确保{{ matter.name }}依法、有序、平稳推进，"
            "根据{% if matter.legal_basis %}{{ matter.legal_basis|join_cn }}等规定{% else %}有关规定{% endif %}，结合实际，制定本方案。")
        + H(1, "评估事项")
        + MD("matter.summary")
        + S("if matter.location or matter.scale or matter.investment")
        + T("{% if matter.location %}项目实施地点为{{ matter.location }}。{% endif %}{% if matter.scale %}建设规模：{{ matter.scale }}。{% endif %}"
            "{% if matter.investment %}计划总投资{{ matter.investment }}。{% endif %}{% if matter.planned_start %}计划于{{ matter.planned_start }}开工。{% endif %}")
        + S("endif")
        + H(1, "组织领导")
        + T("为加强对评估工作的组织领导，成立{{ matter.name }}社会稳定风险评估工作领导小组，组成人员如下：")
        + P(R("组　长：", "Label"), V("leading_group.leader.text"))
        + S("if leading_group.deputy_leaders")
        + P(R("副组长：", "Label"), V("leading_group.deputy_leaders|map(attribute='text')|join_cn"))
        + S("endif")
        + S("if leading_group.members")
        + P(R("成　员：", "Label"), V("leading_group.members|map(attribute='text')|join_cn"))
        + S("endif")
        + T("领导小组办公室设在{{ leading_group.office_location or authority.lead_office }}"
            "{% if leading_group.office_director %}，由{{ leading_group.office_director.text }}兼任办公室主任{% endif %}，"
            "负责评估工作的组织协调和日常事务。{% if authority.cooperating %}{{ authority.cooperating }}按照各自职责协同配合。{% endif %}")
        + S("if work_team")
        + T("领导小组下设评估工作班子，具体承担评估工作：")
        + S("for t in work_team") + T("{{ t.text }}{% if t.duty %}：{{ t.duty }}{% endif %}。") + S("endfor")
        + S("endif")
        + H(1, "评估范围")
        + S("if plan.scope") + MD("plan.scope") + S("else")
        + T("评估范围为{{ matter.name }}{% if matter.affected %}涉及的{{ matter.affected }}{% endif %}，以及与项目实施有直接利害关系的单位和群众。")
        + S("endif")
        + H(1, "评估内容")
        + T("重点围绕合法性、合理性、可行性和可控性开展评估。")
        + S("for d in plan.dimensions") + H(2, "{{ d.label }}") + MD("d.text") + S("endfor")
        + H(1, "评估方法")
        + T("{% if plan.methods_text %}采取{{ plan.methods_text }}等方式，{% endif %}广泛征求利益相关方和社会各界的意见建议，"
            "对照风险等级标准（{{ risk.profile_name }}）逐项识别、估计风险，综合研判后形成评估结论。")
        + H(1, "步骤和时间安排")
        + S("if plan.schedule")
        + T("评估工作分{{ plan.schedule|length }}个步骤进行：")
        + table(w, ["序号", "步骤", "时间", "主要工作"], ["{{ s.no }}", "{{ s.step }}", "{{ s.period }}", "{{ s.tasks or '' }}"], loop="s in plan.schedule")
        + S("else")
        + T("按照制定评估方案、广泛征求意见、分析预测风险、形成评估结论、制定维稳方案、全程跟踪督查六个步骤依次推进。")
        + S("endif")
        + H(1, "工作要求")
        + S("if plan.requirements")
        + S("for req in plan.requirements") + H(2, "{{ req }}") + S("endfor")
        + S("else")
        + T("各有关单位要提高认识、落实责任，严格按照程序开展评估，如实反映群众意见，确保评估工作取得实效。")
        + S("endif")
        + signature("authority.name", "plan.issued_on")
    )


def minutes_doc() -> str:
    w = cols(0.6, 1.8, 3.2, 3.0)
    return (
        title("{{ meeting.title }}纪要")
        + P(R("时　　间：", "Label"), V("meeting.time"), style="NoIndent")
        + S("if meeting.place") + P(R("地　　点：", "Label"), V("meeting.place"), style="NoIndent") + S("endif")
        + P(R("主 持 人：", "Label"), V("meeting.host.text"), style="NoIndent")
        + S("if meeting.recorder") + P(R("记 录 人：", "Label"), V("meeting.recorder.text"), style="NoIndent") + S("endif")
        + S("if meeting.attendance")
        + P(R("出　　席：", "Label"), R("共{{ meeting.participant_count }}人（{{ meeting.attendance_text }}）"), style="NoIndent")
        + S("for g in meeting.attendance") + T("{{ g.category }}：{{ g.names }}") + S("endfor")
        + S("endif")
        + P(R("列　　席：", "Label"), R("{{ authority.lead_office }}{% if work_team %}、评估工作班子成员{% endif %}"), style="NoIndent")
        + T("{{ meeting.date }}，{{ authority.name }}{% if meeting.place %}在{{ meeting.place }}{% endif %}召开{{ meeting.title }}，"
            "就{{ matter.name }}社会稳定风险评估听取意见。会议由{{ meeting.host.text }}主持。现将会议主要情况纪要如下：")
        + S("if meeting.agenda")
        + H(1, "会议议程")
        + S("for a in meeting.agenda") + T("{{ loop.index }}. {{ a }}") + S("endfor")
        + S("endif")
        + S("if meeting.statements")
        + H(1, "发言及答复")
        + T("会上共有{{ meeting.statements|length }}人次发言，主要意见及答复如下：")
        + table(w, ["序号", "发言人", "意见建议", "答复及采纳情况"],
                ["{{ s.no }}", "{{ s.speaker_text }}", "{{ s.content }}", "{{ s.response or '会后研究答复' }}"], loop="s in meeting.statements")
        + S("endif")
        + H(1, "会议议定事项")
        + S("if meeting.resolutions") + MD("meeting.resolutions") + S("else")
        + T("会议听取了与会人员的意见建议，责成{{ authority.lead_office }}逐条梳理，纳入风险评估报告统筹研究。")
        + S("endif")
        + signature("authority.lead_office", "meeting.date")
    )


def report_doc() -> str:
    return (
        title("{{ matter.name }}社会稳定风险评估报告")
        + T("根据{{ authority.name }}部署，{{ report.assessor }}对{{ matter.name }}开展了社会稳定风险评估。现将评估情况报告如下：")
        + H(1, "基本情况")
        + H(2, "项目概况")
        + MD("matter.summary")
        + S("if matter.location or matter.scale or matter.investment or matter.affected")
        + T("{% if matter.location %}项目位于{{ matter.location }}。{% endif %}{% if matter.scale %}建设规模：{{ matter.scale }}。{% endif %}"
            "{% if matter.investment %}总投资{{ matter.investment }}。{% endif %}{% if matter.affected %}涉及{{ matter.affected }}。{% endif %}"
            "{% if matter.planned_start %}计划于{{ matter.planned_start }}开工。{% endif %}")
        + S("endif")
        + S("if report.social_environment") + H(2, "社会环境") + MD("report.social_environment") + S("endif")
        + S("if matter.legal_basis")
        + H(2, "评估依据")
        + T("{{ matter.legal_basis|join_cn }}等法律法规和政策规定。")
        + S("endif")
        + H(2, "评估主体")
        + T("{{ report.assessor }}。评估工作由{{ leading_group.leader.text }}任组长，{{ authority.lead_office }}牵头"
            "{% if authority.cooperating %}，{{ authority.cooperating }}配合{% endif %}。")
        + H(2, "评估过程和方法")
        + T("评估工作于{{ plan.issued_on }}启动{% if plan.methods_text %}，采取{{ plan.methods_text }}等方法{% endif %}，"
            "按照制定评估方案、广泛征求意见、分析预测风险、形成评估结论、制定维稳方案、全程跟踪督查的步骤进行。")
        + H(1, "风险调查")
        + S("if consultation.any")
        + T("评估期间，通过{{ consultation.activities_text }}等方式广泛征求意见。")
        + S("for p in consultation.publicity")
        + H(2, "公示{% if consultation.publicity|length > 1 %}（第{{ p.no }}次）{% endif %}")
        + T("{{ p.period }}，通过{{ p.channels or '公示栏' }}对项目基本情况进行公示，公示期{{ p.days }}天"
            "{% if p.feedback_count is not none %}，收到反馈意见{{ p.feedback_count }}条{% endif %}。")
        + S("endfor")
        + S("if consultation.survey")
        + H(2, "问卷调查")
        + T("{{ consultation.survey.period }}，{% if consultation.survey.scope %}面向{{ consultation.survey.scope }}{% endif %}"
            "发放问卷{{ consultation.survey.issued }}份，回收{{ consultation.survey.returned }}份，回收率{{ consultation.survey.response_rate }}；"
            "其中有效问卷{{ consultation.survey.valid }}份，有效率{{ consultation.survey.valid_rate }}。"
            "{% if consultation.survey.support_rate %}调查显示，支持{{ matter.name }}的{{ consultation.survey.support_count }}人，"
            "支持率{{ consultation.survey.support_rate }}{% if consultation.survey.oppose_rate %}；不支持的{{ consultation.survey.oppose_count }}人，"
            "占{{ consultation.survey.oppose_rate }}{% endif %}。{% endif %}")
        + S("for q in consultation.survey.questions")
        + T("{{ q.no }}.{{ q.text }}{% if q.multiple %}（多选）{% endif %}："
            "{% for a in q.answers %}{{ a.option }}{{ a.count }}人（{{ a.rate }}）{% if not loop.last %}，{% endif %}{% endfor %}。")
        + S("endfor")
        + S("endif")
        + S("if consultation.visits")
        + H(2, "实地走访")
        + T("{{ consultation.visits.period }}，评估工作班子深入项目涉及村组{% if consultation.visits.households is not none %}走访群众{{ consultation.visits.households }}户{% else %}开展走访{% endif %}。")
        + S("if consultation.visits.findings") + MD("consultation.visits.findings") + S("endif")
        + S("endif")
        + S("if consultation.meetings")
        + H(2, "会议")
        + T("共召开{{ consultation.meetings_text }}，参会人员{{ consultation.participants_total }}人次。")
        + S("for mt in consultation.meetings")
        + T("{{ mt.date }}召开{{ mt.title }}，{{ mt.attendance_text or '有关人员' }}参加，"
            "收集发言{{ mt.statements|length }}人次。")
        + S("endfor")
        + S("endif")
        + S("else")
        + T("评估工作班子通过查阅资料、听取有关部门意见等方式开展了风险调查。")
        + S("endif")
        + S("if consultation.opinions")
        + H(2, "各方意见及采纳情况")
        + T("{{ consultation.opinions_sentence }}，具体情况如下：")
        + table(cols(0.6, 2.2, 2.0, 1.0, 1.2, 3.4), ["序号", "意见建议", "来源", "人次", "采纳情况", "处理情况"],
                ["{{ o.no }}", "{{ o.topic }}", "{{ o.source or '' }}", "{{ o.count if o.count is not none else '' }}", "{{ o.adoption }}", "{{ o.response or '' }}"],
                loop="o in consultation.opinions")
        + S("endif")
        + H(1, "风险识别")
        + T("在风险调查的基础上，共识别出{{ risk.by_category|length }}类{{ risk.count }}项风险因素：")
        + table(cols(0.6, 1.8, 3.0, 4.2), ["编号", "风险类别", "风险因素", "风险描述"],
                ["{{ f.id }}", "{{ f.category or '其他' }}", "{{ f.name }}", "{{ f.description or '' }}"], loop="f in risk.factors")
        + H(1, "风险估计")
        + T("按照{{ risk.profile_name }}，对各风险因素的发生概率（P）和影响程度（I）分级赋值，单因素风险值R=P×I；"
            "{{ risk.weights_text }}，综合风险指数为各因素风险值的加权和。")
        + table(cols(0.7, 2.6, 0.9, 1.2, 0.8, 1.2, 0.8, 1.8), ["编号", "风险因素", "权重", "发生概率", "P", "影响程度", "I", "R（程度）"],
                ["{{ f.id }}", "{{ f.name }}", "{{ f.weight }}", "{{ f.probability }}", "{{ f.p }}", "{{ f.impact }}", "{{ f.i }}", "{{ f.r }}（{{ f.degree }}）"],
                loop="f in risk.factors")
        + T("经测算，落实防范化解措施前综合风险指数为{{ risk.initial_index }}，初始风险等级为{{ risk.initial_level }}。")
        + H(1, "防范化解措施")
        + T("针对识别出的风险因素，制定防范化解措施{{ risk.measures|length }}项，明确责任单位、责任人和完成时限：")
        + table(cols(0.7, 1.9, 3.6, 1.8, 1.0, 1.6), ["序号", "风险因素", "措施", "责任单位", "责任人", "时限"],
                ["{{ ms.no }}", "{{ ms.risk_name }}", "{{ ms.action }}", "{{ ms.owner_unit }}", "{{ ms.owner_person or '' }}", "{{ ms.deadline or '长期' }}"],
                loop="ms in risk.measures")
        + H(1, "落实措施后的风险等级")
        + table(cols(0.7, 3.0, 1.4, 1.4, 1.3, 1.6), ["编号", "风险因素", "发生概率", "影响程度", "R", "风险程度"],
                ["{{ f.id }}", "{{ f.name }}", "{{ f.residual_probability }}", "{{ f.residual_impact }}", "{{ f.residual_r }}", "{{ f.residual_degree }}"],
                loop="f in risk.factors")
        + T("落实各项防范化解措施后，综合风险指数{% if risk.reduced %}由{{ risk.initial_index }}降为{{ risk.residual_index }}"
            "{% else %}为{{ risk.residual_index }}（措施前{{ risk.initial_index }}）{% endif %}，风险等级为{{ risk.residual_level }}。"
            "{% if risk.assessed_level %}经评估领导小组综合研判，评定风险等级为{{ risk.assessed_level }}。{% endif %}")
        + H(1, "评估结论和建议")
        + S("if report.conclusion") + MD("report.conclusion") + S("endif")
        + T("综合评估，{{ matter.name }}社会稳定风险等级为{{ risk.final_level }}，建议{{ risk.advice_detail }}。")
        + S("if report.recommendations")
        + T("为确保项目平稳实施，提出如下建议：")
        + S("for rec in report.recommendations") + H(2, "{{ rec }}") + S("endfor")
        + S("endif")
        + signature("report.assessor", "report.issued_on")
    )


def stability_doc() -> str:
    return (
        title("{{ matter.name }}维稳工作方案（应急处置预案）")
        + T("为有效防范和妥善处置{{ matter.name }}实施过程中可能发生的矛盾纠纷和不稳定事件，确保项目顺利实施和社会大局稳定，"
            "根据社会稳定风险评估结论，制定本方案。")
        + H(1, "工作原则")
        + S("if stability.principles")
        + T("坚持{{ stability.principles|join_cn('，') }}的原则。")
        + S("else")
        + T("坚持预防为主、依法处置、快速反应、就地化解的原则。")
        + S("endif")
        + H(1, "组织指挥体系")
        + T("成立{{ matter.name }}维稳工作指挥部，{{ stability.commander.text }}任总指挥"
            "{% if stability.deputy_commanders %}，{{ stability.deputy_commanders|map(attribute='text')|join_cn }}任副总指挥{% endif %}，"
            "统一领导和指挥维稳及应急处置工作。指挥部办公室设在{{ authority.lead_office }}。")
        + S("if stability.groups")
        + T("指挥部下设{{ stability.groups|length }}个工作组：")
        + table(cols(1.6, 1.6, 2.2, 4.0), ["工作组", "牵头单位", "组长", "主要职责"],
                ["{{ g.name }}", "{{ g.lead_unit or '' }}", "{{ g.leader.text if g.leader else '' }}", "{{ g.duties or '' }}"], loop="g in stability.groups")
        + S("endif")
        + H(1, "风险点及化解措施")
        + T("根据评估报告，本项目主要风险点及化解措施如下：")
        + S("for f in risk.factors")
        + H(2, "{{ f.name }}")
        + S("if f.description") + MD("f.description") + S("endif")
        + T("风险程度：落实措施前{{ f.degree }}，落实措施后{{ f.residual_degree }}。化解措施：")
        + S("for ms in f.measures")
        + T("{{ loop.index }}. {{ ms.action }}。责任单位：{{ ms.owner_unit }}{% if ms.owner_person %}（{{ ms.owner_person }}）{% endif %}"
            "{% if ms.deadline %}，{{ ms.deadline }}前完成{% endif %}。")
        + S("endfor")
        + S("endfor")
        + H(1, "预警监测和信息报告")
        + S("if stability.indicators")
        + T("出现下列情形之一的，立即启动预警：")
        + S("for ind in stability.indicators") + T("{{ loop.index }}. {{ ind }}；") + S("endfor")
        + S("endif")
        + S("if stability.reporting") + MD("stability.reporting") + S("else")
        + T("各村（社区）和有关单位发现苗头性、倾向性问题，要第一时间报告{{ authority.lead_office }}，由其及时报告指挥部，不得迟报、漏报、瞒报。")
        + S("endif")
        + H(1, "分级响应")
        + S("if stability.response_levels")
        + table(cols(1.2, 3.4, 4.4), ["响应级别", "启动条件", "处置措施"], ["{{ r.level }}", "{{ r.trigger }}", "{{ r.actions }}"], loop="r in stability.response_levels")
        + S("else")
        + T("根据事态性质、规模和影响，由指挥部确定响应级别：一般事件由相关工作组就地处置，较大以上事件由总指挥或副总指挥赶赴现场指挥处置，并及时报告上级维稳部门。")
        + S("endif")
        + H(1, "善后处置")
        + S("if stability.aftermath") + MD("stability.aftermath") + S("else")
        + T("事件处置结束后，及时查明原因，依法依规解决群众合理诉求，做好相关人员的思想疏导工作，防止矛盾反复。")
        + S("endif")
        + H(1, "保障措施")
        + S("if stability.support") + MD("stability.support") + S("else")
        + T("各有关单位要落实人员、经费和物资保障，保持通讯畅通，确保应急处置工作及时有效。")
        + S("endif")
        + S("if stability.contacts")
        + H(1, "联系方式")
        + table(cols(2.0, 4.0, 3.0), ["姓名", "职务", "联系电话"], ["{{ c.name }}", "{{ c.title or '' }}", "{{ c.phone or '' }}"], loop="c in stability.contacts")
        + S("endif")
        + signature("authority.name", "stability.issued_on")
    )


def summary_doc() -> str:
    return (
        title("关于{{ matter.name }}社会稳定风险评估工作情况的汇报")
        + T("{{ summary.recipient }}：", style="Recipient")
        + T("按照重大决策社会稳定风险评估工作要求，{{ authority.name }}对{{ matter.name }}开展了社会稳定风险评估。现将有关情况汇报如下：")
        + H(1, "加强组织领导，明确工作责任")
        + T("成立了由{{ leading_group.leader.text }}任组长{% if leading_group.deputy_leaders %}，"
            "{{ leading_group.deputy_leaders|map(attribute='text')|join_cn }}任副组长{% endif %}的评估工作领导小组，"
            "明确{{ authority.lead_office }}为牵头部门{% if authority.cooperating %}，{{ authority.cooperating }}协调配合{% endif %}"
            "{% if work_team %}，并抽调{{ work_team|length }}名同志组成评估工作班子，责任到人{% endif %}。"
            "{{ plan.issued_on }}制定印发了评估工作方案{% if plan.doc_number %}（{{ plan.doc_number }}）{% endif %}。")
        + H(1, "严格评估程序，广泛征求意见")
        + S("if consultation.any")
        + T("评估工作严格按照六个步骤推进，突出征求意见这一关键环节，通过{{ consultation.activities_text }}等方式倾听群众诉求。")
        + S("for p in consultation.publicity")
        + T("{{ p.period }}通过{{ p.channels or '公示栏' }}公示项目情况{% if p.feedback_count is not none %}，收到反馈意见{{ p.feedback_count }}条{% endif %}。")
        + S("endfor")
        + S("if consultation.survey")
        + T("发放问卷{{ consultation.survey.issued }}份，回收{{ consultation.survey.returned }}份，有效问卷{{ consultation.survey.valid }}份"
            "{% if consultation.survey.support_rate %}，支持率{{ consultation.survey.support_rate }}{% endif %}。")
        + S("endif")
        + S("if consultation.visits")
        + T("{% if consultation.visits.households is not none %}入户走访群众{{ consultation.visits.households }}户{% else %}深入村组开展走访{% endif %}，面对面听取意见。")
        + S("endif")
        + S("if consultation.meetings")
        + T("召开{{ consultation.meetings_text }}，{{ consultation.participants_total }}人次参加，"
            "{% for mt in consultation.meetings %}{{ mt.title }}{% if mt.attendance_text %}（{{ mt.attendance_text }}）{% endif %}{% if not loop.last %}、{% endif %}{% endfor %}。")
        + S("endif")
        + S("if consultation.opinions_sentence")
        + T("{{ consultation.opinions_sentence }}，对不予采纳的意见均已做好解释说明。")
        + S("endif")
        + S("else")
        + T("评估工作严格按照六个步骤推进，通过查阅资料、听取有关部门意见等方式开展风险调查。")
        + S("endif")
        + H(1, "科学研判风险，落实化解措施")
        + T("共识别风险因素{{ risk.count }}项，主要是{{ risk.main_risks }}。落实措施前综合风险指数{{ risk.initial_index }}，为{{ risk.initial_level }}；"
            "针对各项风险制定防范化解措施{{ risk.measures|length }}项，落实后综合风险指数{% if risk.reduced %}降为{% else %}为{% endif %}{{ risk.residual_index }}，为{{ risk.residual_level }}。"
            "评估结论为{{ risk.final_level }}，建议{{ risk.advice_detail }}。"
            "{% if filing.decision_result %}{{ filing.decision_body }}{% if filing.decision_date %}于{{ filing.decision_date }}{% endif %}集体研究，决定{{ filing.decision_result }}。{% endif %}"
            "{% if stability.given %}同时制定了维稳工作方案和应急处置预案。{% endif %}")
        + S("if summary.problems")
        + H(1, "存在的问题")
        + S("for item in summary.problems") + T("{{ '一二三四五六七八九十'[loop.index0] if loop.index <= 10 else loop.index }}是{{ item }}") + S("endfor")
        + S("endif")
        + H(1, "下一步工作")
        + S("if summary.next_steps")
        + S("for item in summary.next_steps") + T("{{ '一二三四五六七八九十'[loop.index0] if loop.index <= 10 else loop.index }}是{{ item }}") + S("endfor")
        + S("else")
        + T("我们将持续跟踪项目实施情况，督促各项防范化解措施落实到位，及时排查化解矛盾纠纷，确保项目顺利实施。")
        + S("endif")
        + T("特此汇报。")
        + signature("authority.name", "summary.issued_on")
    )


def index_doc() -> str:
    return (
        title("{{ matter.name }}社会稳定风险评估报备材料目录")
        + T("案卷编号：{{ case_id }}", style="NoIndent")
        + S("if filing.number") + T("备案编号：{{ filing.number }}", style="NoIndent") + S("endif")
        + S("if has_pages")
        + table(cols(0.8, 6.2, 2.0), ["序号", "材料名称", "页码"], ["{{ e.no }}", "{{ e.title }}", "{{ e.pages }}"], loop="e in entries")
        + S("else")
        + table(cols(0.8, 4.4, 3.8), ["序号", "材料名称", "文件名"], ["{{ e.no }}", "{{ e.title }}", "{{ e.file }}"], loop="e in entries")
        + S("endif")
        + T("报备单位：{{ authority.name }}", style="Signature")
        + T("{{ filing.filed_on }}", style="DateLine")
    )


def county_filing_form() -> str:
    """An example county's own 报备表: a different layout over the same context (examples/county)."""
    third = TYPE_WIDTH // 3
    six = [TYPE_WIDTH // 6] * 5 + [TYPE_WIDTH - 5 * (TYPE_WIDTH // 6)]

    def tv(text: str) -> str:
        return T(text, style="FormText")

    def label(text: str, width: int, span: int = 1) -> str:
        return cell(T(text, style="FormLabel"), width, span)

    def value(content: str, width: int, span: int = 1) -> str:
        return cell(content, width, span)

    wide = TYPE_WIDTH - six[0]
    rows = [
        row([label("报备单位", six[0]), value(tv("{{ authority.name }}"), six[1] + six[2], 2),
             label("报备日期", six[3]), value(tv("{{ filing.filed_on }}"), six[4] + six[5], 2)]),
        row([label("事项名称", six[0]), value(tv("{{ matter.name }}"), wide, 5)]),
        row([label("牵头部门", six[0]), value(tv("{{ authority.lead_office }}"), six[1] + six[2], 2),
             label("责任人", six[3]), value(tv("{{ leading_group.leader.text }}"), six[4] + six[5], 2)]),
        row([label("事项概况", six[0]), value(MD("matter.summary", "FormText"), wide, 5)]),
        row([label("风险评估情况", six[0]), value(tv(
            "共识别风险{{ risk.count }}项；综合风险指数{{ risk.initial_index }}（{{ risk.initial_level }}），"
            "落实措施后{{ risk.residual_index }}（{{ risk.residual_level }}）；结论：{{ risk.final_level }}，{{ risk.advice }}。"), wide, 5)]),
        row([label("序号", six[0]), label("主要风险", six[1] + six[2], 2), label("程度", six[3]), label("化解措施及责任单位", six[4] + six[5], 2)]),
        loop_row("for f in risk.factors", 6, six),
        row([value(tv("{{ f.no }}"), six[0]), value(tv("{{ f.name }}"), six[1] + six[2], 2), value(tv("{{ f.degree }}"), six[3]),
             value(S("for ms in f.measures") + tv("{{ ms.action }}（{{ ms.owner_unit }}）") + S("endfor"), six[4] + six[5], 2)]),
        loop_row("endfor", 6, six),
        row([label("决策意见", six[0]), value(tv("{% if filing.decision_result %}{{ filing.decision_body }}决定{{ filing.decision_result }}"
                                                  "{% else %}待集体研究{% endif %}"), wide, 5)]),
    ]
    for name in ("评估单位意见", "决策部门意见", "县维稳办意见"):
        rows.append(row([label(name, six[0]), value(P(style="FormText") + P(R("（盖章）　　年　　月　　日"), style="FormText",
                                                                         ppr='<w:jc w:val="right"/>'), wide, 5)]))
    tight = (
        '<w:tblCellMar><w:top w:w="20" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
        '<w:bottom w:w="20" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
    )
    del third
    return (
        P(R("江城县重大事项社会稳定风险评估报备表"), style="Title", ppr=f'<w:spacing w:before="0" w:after="120" w:line="{LINE}" w:lineRule="exact"/>')
        + T("{% if filing.number %}备案编号：{{ filing.number }}{% endif %}", style="FormHead")
        + table_xml(six, rows, tight)
    )


EXAMPLE_SETS = {"county": {"filing_form": county_filing_form}}


DOCUMENTS = {
    "filing_form": filing_form,
    "plan": plan_doc,
    "minutes": minutes_doc,
    "report": report_doc,
    "stability_plan": stability_doc,
    "summary": summary_doc,
    "index": index_doc,
}

# ------------------------------------------------------------ the package


def section_properties() -> str:
    return (
        '<w:sectPr><w:footerReference w:type="default" r:id="rIdFooterOdd"/>'
        '<w:footerReference w:type="even" r:id="rIdFooterEven"/>'
        '<w:pgSz w:w="11906" w:h="16838"/>'
        f'<w:pgMar w:top="{round(37 * MM)}" w:right="{round(26 * MM)}" w:bottom="{round(35 * MM)}" '
        f'w:left="{round(28 * MM)}" w:header="851" w:footer="{round(23 * MM)}" w:gutter="0"/>'
        '<w:cols w:space="425"/>'
        f'<w:docGrid w:linePitch="{LINE}"/></w:sectPr>'
    )


def footer(align: str) -> str:
    indent = f'<w:ind w:{"right" if align == "right" else "left"}="{14 * 20}"/>'
    page_field = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    return (
        f'{XML_HEAD}<w:ftr {NS}><w:p><w:pPr><w:pStyle w:val="Footer"/><w:jc w:val="{align}"/>{indent}</w:pPr>'
        f'<w:r><w:t xml:space="preserve">— </w:t></w:r>{page_field}<w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>'
    )


CONTENT_TYPES = (
    XML_HEAD
    + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>'
    '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
    '<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    '<Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)

PACKAGE_RELS = (
    XML_HEAD
    + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)

DOCUMENT_RELS = (
    XML_HEAD
    + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    '<Relationship Id="rIdNumbering" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>'
    '<Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>'
    '<Relationship Id="rIdFooterOdd" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>'
    '<Relationship Id="rIdFooterEven" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/>'
    "</Relationships>"
)

SETTINGS = (
    f'{XML_HEAD}<w:settings {NS}><w:zoom w:percent="100"/><w:evenAndOddHeaders/>'
    '<w:defaultTabStop w:val="420"/><w:drawingGridVerticalSpacing w:val="579"/>'
    '<w:characterSpacingControl w:val="compressPunctuation"/><w:compat>'
    '<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>'
    "</w:compat></w:settings>"
)

APP = (
    XML_HEAD
    + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>wenping</Application><DocSecurity>0</DocSecurity></Properties>"
)

CORE_PLACEHOLDER = (
    XML_HEAD
    + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>稳评文书模板</dc:title></cp:coreProperties>'
)


def build_docx(body: str) -> bytes:
    document = f"{XML_HEAD}<w:document {NS}><w:body>{body}{section_properties()}</w:body></w:document>"
    parts = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", PACKAGE_RELS),
        ("docProps/core.xml", CORE_PLACEHOLDER),
        ("docProps/app.xml", APP),
        ("word/document.xml", document),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS),
        ("word/styles.xml", styles_xml()),
        ("word/numbering.xml", numbering_xml()),
        ("word/settings.xml", SETTINGS),
        ("word/footer1.xml", footer("right")),
        ("word/footer2.xml", footer("left")),
    ]
    return write_zip((name, text.encode("utf-8")) for name, text in parts)


def build_all() -> dict[str, bytes]:
    return {f"{kind}.docx": build_docx(make()) for kind, make in DOCUMENTS.items()}


README_START, README_END = "<!-- variables:start -->", "<!-- variables:end -->"


def readme_with_variables(readme: str) -> str:
    """README.md with its variable reference regenerated from the context models."""
    from service.render.contract import variables_markdown

    head, rest = readme.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    return f"{head}{README_START}\n{variables_markdown()}{README_END}{tail}"


def build_examples() -> dict[str, bytes]:
    """The example template sets, as {"county/filing_form.docx": bytes}."""
    return {
        f"{set_name}/{kind}.docx": build_docx(make())
        for set_name, kinds in EXAMPLE_SETS.items()
        for kind, make in kinds.items()
    }


def main() -> None:
    out = ROOT / "default"
    out.mkdir(exist_ok=True)
    for name, data in build_all().items():
        (out / name).write_bytes(data)
        print(f"wrote {out / name}")
    for name, data in build_examples().items():
        target = ROOT / "examples" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        print(f"wrote {target}")
    readme = ROOT / "README.md"
    readme.write_text(readme_with_variables(readme.read_text("utf-8")), "utf-8")
    print(f"wrote {readme}")


if __name__ == "__main__":
    main()
