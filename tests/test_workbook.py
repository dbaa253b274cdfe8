"""The clerk's workbook: derived from the model, a faithful round trip, every door, LibreOffice Calc.

The round-trip property runs over cases generated from the case JSON Schema itself (so a field added
to the model is generated, written and read back without this file changing).
"""

from __future__ import annotations

import copy
import io
import json
import os
import shutil
import subprocess
import zipfile
from datetime import date

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, given, settings, strategies as st

from service.checks.validation import read_case_bytes, validate
from service.generate import generate
from service.model.case import Case
from service.model.schema import case_schema
from service.workbook import (
    GUIDE_SHEET, XLSX_TYPE, WorkbookInvalid, WorkbookReadError, WorkbookWriteError, read_workbook, workbook_bytes,
)
from service.workbook.layout import REQUIRED_MARK, case_layout, scalar_kind
from service.workbook.limits import MAX_UNZIPPED

from .conftest import BIN, SAMPLE_PATH, minimal_case
from .web_fixtures import AUTH, KEY, app_with

SOFFICE = os.environ.get("WENPING_SOFFICE") or shutil.which("soffice")


def normalised(data) -> dict:
    return Case.model_validate(data).model_dump(mode="json", exclude_none=True)


def round_trip(data: dict) -> dict:
    return normalised(read_workbook(workbook_bytes(normalised(data))))


@pytest.fixture(scope="module")
def sample() -> dict:
    return normalised(json.loads(SAMPLE_PATH.read_text("utf-8")))


@pytest.fixture(scope="module")
def sample_workbook(sample) -> bytes:
    return workbook_bytes(sample)


def edited(raw: bytes, sheet: str, cell: str, value) -> bytes:
    """The workbook with one cell changed, as a clerk would save it."""
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    wb[sheet][cell] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ------------------------------------------------------------------ derived from the model


def schema_paths(schema: dict) -> set[str]:
    """Every leaf field path of the case JSON Schema: list items as [], dictionary entries as {}."""
    defs = schema["$defs"]

    def resolve(node):
        node = next((o for o in node.get("anyOf", []) if o.get("type") != "null"), node)
        return defs[node["$ref"].rsplit("/", 1)[-1]] if "$ref" in node else node

    def walk(node, prefix):
        node = resolve(node)
        if node.get("type") == "object" and "properties" in node:
            for name, prop in node["properties"].items():
                yield from walk(prop, f"{prefix}.{name}" if prefix else name)
        elif node.get("type") == "array" and "properties" in resolve(node["items"]):
            yield from walk(node["items"], prefix + "[]")
        elif node.get("type") == "object":
            yield prefix + "{}"
        else:
            yield prefix

    return set(walk(schema, ""))


def workbook_paths(raw: bytes) -> set[str]:
    """The field paths a workbook's headers stand for, found from the headers written in the file."""
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    layout = case_layout()
    paths, prefixes = set(), {}
    for sheet in layout.sheets:
        parent = prefixes.get(sheet.parent.name, "") if sheet.parent else ""
        here = ".".join(p for p in (parent, ".".join(sheet.path)) if p)
        prefixes[sheet.name] = here + {"table": "[]", "entries": "{}", "kv": ""}[sheet.form]
        ws = wb[sheet.name]
        if sheet.form == "kv":
            shown = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
        else:
            shown = [c.value for c in ws[1]]
        for column in sheet.columns:
            assert column.header in shown, f"{sheet.name}: {column.header}"
            paths.add(prefixes[sheet.name] if sheet.form == "entries" else ".".join(p for p in (prefixes[sheet.name], column.dotted) if p))
    return paths


def test_every_field_of_the_model_is_in_the_blank_workbook():
    assert workbook_paths(workbook_bytes(None)) == schema_paths(case_schema())


def test_the_blank_workbook_shows_the_clerk_what_to_type():
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(None)))
    assert wb.sheetnames[0] == GUIDE_SHEET
    risks = wb["风险"]
    headers = {c.value: c for c in risks[1]}
    assert risks.freeze_panes == "A2"
    grade = headers["发生概率" + REQUIRED_MARK]
    assert "从下拉列表中选取：很低、较低、中等、较高、很高" in grade.comment.text
    assert grade.fill.fgColor.rgb.endswith("FCE4D6")  # required: orange
    assert headers["落实措施后发生概率"].fill.fgColor.rgb.endswith("DDEBF7")
    dropdowns = {str(v.sqref).split(":")[0]: v.formula1 for v in risks.data_validations.dataValidation}
    assert dropdowns[grade.column_letter + "2"] == '"很低,较低,中等,较高,很高"'
    assert wb["措施"]["A1"].value == "风险编号" + REQUIRED_MARK
    assert wb["参会人员"]["A1"].value == "会议序号" + REQUIRED_MARK
    assert wb["会议"]["A1"].value == "序号"
    assert wb["案卷"]["B2"].value == "2.0"  # the one allowed version is filled in


def test_values_are_typed_cells(sample_workbook):
    wb = openpyxl.load_workbook(io.BytesIO(sample_workbook))
    plan = {wb["工作方案"].cell(r, 1).value: wb["工作方案"].cell(r, 2) for r in range(2, wb["工作方案"].max_row + 1)}
    assert plan["成文日期" + REQUIRED_MARK].value.date() == date(2026, 3, 2)
    assert plan["成文日期" + REQUIRED_MARK].number_format == "yyyy-mm-dd"
    assert plan["评估方法"].alignment.wrap_text and "\n" in plan["评估方法"].value
    matter = {wb["评估事项"].cell(r, 1).value: wb["评估事项"].cell(r, 2).value for r in range(2, 20)}
    assert matter["总投资（万元）"] == 2680
    assert wb["风险"]["G2"].value == 0.35


def test_the_same_case_gives_the_same_bytes(sample):
    assert workbook_bytes(sample) == workbook_bytes(copy.deepcopy(sample))


# ------------------------------------------------------------------ round trip


def test_the_sample_and_the_minimal_case_come_back_unchanged(sample):
    assert round_trip(sample) == sample
    assert round_trip(minimal_case()) == normalised(minimal_case())


def test_a_package_from_the_workbook_is_the_package_from_json(sample, sample_workbook):
    from_json = generate(json.loads(SAMPLE_PATH.read_text("utf-8")))
    from_workbook = generate(read_case_bytes(sample_workbook))
    assert from_workbook.data == from_json.data
    assert from_workbook.manifest["input_sha256"] == from_json.manifest["input_sha256"]


SAFE_TEXT = st.text(
    alphabet=st.sampled_from(list("青石镇村道路abcXYZ019 =-*#《》（）、，。:_x")), min_size=1, max_size=12
).filter(str.strip)  # a blank list item cannot be a line of a cell (writing refuses it, by name: tested below)


def from_schema(schema: dict):
    """A strategy of case data from the JSON Schema: what a case may hold, as a workbook can hold it
    (no empty texts or objects: an empty cell is an absent value; list items without line breaks)."""
    defs = schema["$defs"]

    def resolve(node):
        options = [o for o in node.get("anyOf", []) if o.get("type") != "null"]
        node = {**node, **options[0]} if options else node
        return {**defs[node["$ref"].rsplit("/", 1)[-1]], **node} if "$ref" in node else node

    def value(node, depth=0):
        node = resolve(node)
        if "enum" in node or "const" in node:
            return st.sampled_from(node.get("enum") or [node["const"]])
        kind = node.get("type")
        if kind == "object" and "properties" in node:
            required = set(node.get("required", []))
            fields = {n: value(p, depth + 1) for n, p in node["properties"].items()}
            made = st.fixed_dictionaries(
                {n: s for n, s in fields.items() if n in required},
                optional={n: s for n, s in fields.items() if n not in required},
            )
            # An object with nothing in it (no fields, or only empty lists) reads back as none.
            return made if required else made.filter(lambda d: any(v != [] for v in d.values()))
        if kind == "object":
            return st.dictionaries(SAFE_TEXT, value(node["additionalProperties"]), min_size=1, max_size=3)
        if kind == "array":
            return st.lists(value(node["items"], depth + 1), min_size=node.get("minItems", 0), max_size=2 if depth else 3)
        if kind == "boolean":
            return st.booleans()
        if kind == "integer":
            return st.integers(node.get("minimum", 0), min(node.get("maximum", 10**6), 10**6))
        if kind == "number":
            high = int(node.get("maximum", 10**6)) * 100
            return st.integers(0, min(high, 10**8)).map(lambda n: n / 100 if n % 100 else n // 100)
        if node.get("format") == "date":
            return st.dates(date(1980, 1, 1), date(2099, 12, 31)).map(date.isoformat)
        if scalar_kind(node) == "clock":
            return st.times().map(lambda t: t.strftime("%H:%M"))
        if "pattern" in node:
            return st.from_regex(r"[A-Za-z0-9_-]{1,20}", fullmatch=True)
        if "x-markdown-max-items" in node:
            return st.lists(SAFE_TEXT, min_size=1, max_size=3).map("\n\n".join)
        return SAFE_TEXT

    return value(schema)


# No shrinking: each example writes and reads a whole workbook, and shrinking one takes minutes.
@settings(max_examples=25, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
@given(data=from_schema(case_schema()))
def test_any_case_comes_back_from_its_workbook_unchanged(data):
    try:
        case = normalised(data)
    except Exception:  # the strategy can break a model rule (e.g. a weight above 1): not a case
        return
    assert round_trip(case) == case


def test_a_list_item_with_a_line_break_is_refused_by_name(sample):
    case = copy.deepcopy(sample)
    case["plan"]["methods"][1] = "问卷\n调查"
    with pytest.raises(WorkbookWriteError, match="「评估方法」第 2 项含换行"):
        workbook_bytes(case)


# ------------------------------------------------------------------ errors at their cells


def test_a_wrong_grade_word_is_reported_at_its_cell(sample_workbook):
    bad = edited(sample_workbook, "风险", "H3", "很大")
    result = validate(read_workbook(bad))
    (error,) = result.errors
    assert error.as_dict() == {
        "path": "risks.1.probability",
        "message": "「发生概率」的取值「很大」无效，应为：很低、较低、中等、较高、很高",
        "cell": "风险!H3",
    }


def test_rule_errors_and_missing_fields_name_their_cells(sample_workbook):
    bad = edited(sample_workbook, "报备", "B2", None)
    cells = {e.path: e.cell for e in validate(read_workbook(bad)).errors}
    assert cells["filing.filed_on"] == "报备!B2"
    # P01 is in the people list but not at the first meeting: the speaker rule names the cell.
    statements = validate(read_workbook(edited(sample_workbook, "发言", "B2", "P01")))
    assert [(e.path, e.cell) for e in statements.errors] == [("consultation.meetings.0.statements.0.speaker", "发言!B2")]


def kv_cell(raw: bytes, sheet: str, header: str) -> str:
    """The value cell of a key/value sheet's row titled ``header`` (B7 …)."""
    ws = openpyxl.load_workbook(io.BytesIO(raw))[sheet]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == header)
    return f"B{row}"


def column_of(raw: bytes, sheet: str, header: str) -> str:
    ws = openpyxl.load_workbook(io.BytesIO(raw))[sheet]
    return next(c.column_letter for c in ws[1] if c.value == header)


def test_an_unknown_person_id_is_reported_at_its_cell(sample_workbook):
    leader = kv_cell(sample_workbook, "领导小组", "组长" + REQUIRED_MARK)
    owner = column_of(sample_workbook, "措施", "责任人") + "3"
    members = kv_cell(sample_workbook, "领导小组", "成员")
    listed = openpyxl.load_workbook(io.BytesIO(sample_workbook))["领导小组"][members].value.split("\n")
    raw = edited(sample_workbook, "领导小组", leader, "P98")
    raw = edited(raw, "措施", owner, "P99")
    raw = edited(raw, "领导小组", members, "\n".join([listed[0], "X1", *listed[2:]]))
    errors = {e.path: (e.cell, e.message) for e in validate(read_workbook(raw)).errors}
    assert errors["leading_group.leader"] == (
        f"领导小组!{leader}", "人员编号「P98」不在「人员」名单（people）中，请先在名单中登记此人"
    )
    assert errors["risks.0.measures.1.owner_person"][0] == f"措施!{owner}"
    assert errors["leading_group.members.1"][0] == f"领导小组!{members}"  # the cell holding the list


def test_people_are_listed_once_and_picked_by_id(sample_workbook, sample):
    wb = openpyxl.load_workbook(io.BytesIO(sample_workbook))
    people = wb["人员"]
    assert [c.value for c in people[1]] == ["人员编号＊", "姓名＊", "职务", "单位或身份", "联系电话"]
    first = sample["people"][0]
    assert [people.cell(2, n).value for n in (1, 2)] == [first["id"], first["name"]]
    assert people.max_row == len(sample["people"]) + 1
    guide = "\n".join(str(c.value) for row in wb[GUIDE_SHEET].iter_rows() for c in row if c.value)
    assert "每个人只在「人员」表登记一次" in guide

    def dropdown(sheet: str, cell: str):
        ws = wb[sheet]
        return next((v for v in ws.data_validations.dataValidation if cell in v.sqref), None)

    leader = dropdown("领导小组", kv_cell(sample_workbook, "领导小组", "组长" + REQUIRED_MARK))
    assert leader.formula1 == "'人员'!$A$2:$A$1201" and leader.showErrorMessage
    assert "先在「人员」表登记" in wb["领导小组"]["D3"].value
    assert wb["领导小组"]["C1"].value == "姓名（自动）" and "VLOOKUP(B3,'人员'!$A$2:$B$1201,2,FALSE)" in wb["领导小组"]["C3"].value
    for sheet, header in (("参会人员", "人员＊"), ("发言", "发言人＊"), ("措施", "责任人"), ("会议", "主持人＊")):
        check = dropdown(sheet, column_of(sample_workbook, sheet, header) + "2")
        assert check is not None and check.formula1 == "'人员'!$A$2:$A$1201", (sheet, header)
    # A cell of several ids (one per line) offers the list but takes more than one line.
    members = dropdown("领导小组", kv_cell(sample_workbook, "领导小组", "成员"))
    assert members.formula1 == "'人员'!$A$2:$A$1201" and not members.showErrorMessage


def period_cases() -> list[dict]:
    period = json.loads((SAMPLE_PATH.parent / "period-2026.json").read_text("utf-8"))
    return [c for c in period["cases"] if isinstance(c, dict)]


def test_issuing_is_read_as_a_clerk_writes_it():
    case = normalised(next(c for c in period_cases() if c.get("plan", {}).get("issuing")))
    raw = workbook_bytes(case)
    ws = openpyxl.load_workbook(io.BytesIO(raw))["工作方案"]
    shown = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(2, ws.max_row + 1)}
    issuing = case["plan"]["issuing"]
    assert shown["发文要素·发文字号"] == issuing["number"]
    for header, key in (("发文要素·主送机关", "to"), ("发文要素·抄送机关", "cc"), ("发文要素·附件", "attachments")):
        if issuing.get(key):
            assert shown[header] == "\n".join(issuing[key])  # one per line, as the other lists
    assert normalised(read_workbook(raw))["plan"]["issuing"] == issuing


def every_example() -> list[dict]:
    """The canonical sample (upgraded from 1.0 on the way in) and each case of the period example."""
    return [json.loads(SAMPLE_PATH.read_text("utf-8")), *period_cases()]


@pytest.mark.parametrize("index", range(len(every_example())))
def test_every_example_comes_back_unchanged(index):
    case = normalised(every_example()[index])
    assert case["schema_version"] == "2.0"
    assert round_trip(case) == case


def test_an_early_case_reads_back_as_the_same_early_case(sample):
    early = {k: v for k, v in sample.items() if k not in ("risks", "report", "filing")}
    raw = workbook_bytes(normalised(early))
    back = normalised(read_workbook(raw))
    assert back == normalised(early)
    assert not {"risks", "report", "filing"} & set(back)
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    assert wb["风险"].max_row == 1 and wb["报备"]["B2"].value is None  # the sheets are there, empty


@pytest.mark.parametrize(
    "sheet, cell, value, message, where",
    [
        ("措施", "A3", "R9", "「风险」表中没有编号为「R9」的一行（现有：R1、R2、R3、R4）", "措施!A3"),
        ("参会人员", "A2", None, "请填写「会议序号」", "参会人员!A2"),
        ("风险", "L1", "备注", "表头「备注」不是「风险」表的项目", "风险!L1"),
        ("会议", "A3", 1, "序号「1」重复", "会议!A3"),
    ],
)
def test_sheets_that_do_not_fit_together_are_reported_at_the_cell(sample_workbook, sheet, cell, value, message, where):
    with pytest.raises(WorkbookInvalid) as caught:
        read_workbook(edited(sample_workbook, sheet, cell, value))
    problems = caught.value.validation.errors
    assert any(message in p.message and p.cell == where for p in problems), [p.as_dict() for p in problems]


def test_an_unknown_sheet_is_an_error(sample_workbook):
    wb = openpyxl.load_workbook(io.BytesIO(sample_workbook))
    wb.create_sheet("草稿")["A1"] = "随手记"
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(WorkbookInvalid) as caught:
        read_workbook(out.getvalue())
    assert caught.value.validation.errors[0].cell == "草稿!A1"


def test_typed_text_numbers_and_yes_no_are_understood(sample_workbook):
    raw = edited(edited(sample_workbook, "问卷题目", "C2", "是"), "会议", "F2", "09:30")
    raw = edited(raw, "征求意见", "B5", "500")  # 发放问卷 typed as text
    data = read_workbook(raw)
    assert data["consultation"]["survey"]["questions"][0]["multiple"] is True
    assert data["consultation"]["meetings"][0]["start_time"] == "09:30"
    assert data["consultation"]["survey"]["issued"] == 500


# ------------------------------------------------------------------ hostile files


def zip_of(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    bomb = zip_of({"xl/worksheets/sheet1.xml": b"\0" * (MAX_UNZIPPED + 1)})
    assert len(bomb) < 200_000
    with pytest.raises(WorkbookReadError, match="解压后有 64 MB，过大"):
        read_workbook(bomb)


@pytest.mark.parametrize("raw", [b"PK\x03\x04 not a zip", zip_of({"hello.txt": b"hi"})])
def test_what_is_not_a_workbook_is_unreadable(raw):
    with pytest.raises(WorkbookReadError, match="不是有效的 Excel 工作簿"):
        read_workbook(raw)


def test_rows_beyond_the_limit_are_refused(sample_workbook):
    from service.workbook.limits import MAX_ROWS

    with pytest.raises(WorkbookInvalid) as caught:
        read_workbook(edited(sample_workbook, "意见", f"A{MAX_ROWS + 5}", "多出来的一行"))
    assert "行数过多" in caught.value.validation.errors[0].message


# ------------------------------------------------------------------ doors


def test_cli_workbook_validate_and_generate(tmp_path):
    wenping = str(BIN / "wenping")
    run = lambda *args: subprocess.run([wenping, *args], capture_output=True, text=True, cwd=tmp_path, timeout=120)  # noqa: E731
    made = run("workbook", str(SAMPLE_PATH), "-o", "案卷.xlsx")
    assert made.returncode == 0, made.stderr
    assert run("workbook", "-o", "空白.xlsx").returncode == 0
    blank = run("validate", "空白.xlsx")
    assert blank.returncode == 1 and "评估事项!B2（matter.name）：缺少必填项「事项名称」" in blank.stdout
    assert run("generate", "案卷.xlsx", "-o", "a.zip").returncode == 0
    assert run("generate", str(SAMPLE_PATH), "-o", "b.zip").returncode == 0
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    (tmp_path / "bad.xlsx").write_bytes(edited((tmp_path / "案卷.xlsx").read_bytes(), "风险", "H3", "很大"))
    bad = run("generate", "bad.xlsx")
    assert bad.returncode == 1 and "风险!H3（risks.1.probability）：「发生概率」的取值「很大」无效" in bad.stderr
    wrong = run("workbook", "-o", "x.json")
    assert wrong.returncode == 2 and "应以 .xlsx 结尾" in wrong.stderr


def test_batch_takes_workbooks_and_skips_them_by_content(tmp_path, sample_workbook, sample):
    from service.batch import run_batch

    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "a.xlsx").write_bytes(sample_workbook)
    other = copy.deepcopy(sample)
    other["case_id"] = "OTHER-1"
    (cases / "b.json").write_text(json.dumps(other, ensure_ascii=False), "utf-8")
    first = run_batch([cases], tmp_path / "out", jobs=1)
    assert [r.status for r in first.records] == ["ok", "ok"]
    # Saved again with other bytes (as a spreadsheet program does), the same case is skipped.
    (cases / "a.xlsx").write_bytes(edited(sample_workbook, "案卷", "D1", None))
    assert (cases / "a.xlsx").read_bytes() != sample_workbook
    second = run_batch([cases], tmp_path / "out", jobs=1)
    assert [r.status for r in second.records] == ["skipped", "skipped"]


@pytest.fixture(scope="module")
def client():
    # With a key: a keyless app refuses requests once any test of the process has seen a named key.
    return app_with(API_KEYS=KEY).test_client()


def test_api_takes_a_workbook(client, sample_workbook):
    answer = client.post("/api/v1/packages", data=sample_workbook, content_type=XLSX_TYPE, headers=AUTH)
    assert answer.status_code == 200
    assert answer.data == generate(json.loads(SAMPLE_PATH.read_text("utf-8"))).data
    bad = client.post("/api/v1/validate", data=edited(sample_workbook, "风险", "H3", "很大"), content_type=XLSX_TYPE, headers=AUTH)
    assert bad.get_json()["errors"][0]["cell"] == "风险!H3"
    broken = client.post("/api/v1/packages", data=edited(sample_workbook, "措施", "A3", "R9"), content_type=XLSX_TYPE, headers=AUTH)
    assert broken.status_code == 422 and broken.get_json()["errors"][0]["cell"] == "措施!A3"
    junk = client.post("/api/v1/packages", data=b"PK\x03\x04junk", content_type=XLSX_TYPE, headers=AUTH)
    assert junk.status_code == 400 and "不是有效的 Excel 工作簿" in junk.get_json()["detail"]


def test_form_offers_and_takes_workbooks(client, sample_workbook):
    page = client.get("/").get_data(as_text=True)
    assert "下载空白案卷表格" in page and ".xlsx" in page
    blank = client.get("/case-workbook.xlsx")
    assert blank.mimetype == XLSX_TYPE and blank.data == workbook_bytes(None)
    assert client.get("/sample-case.xlsx").data == sample_workbook
    answer = client.post("/", data={"case_file": (io.BytesIO(sample_workbook), "案卷.xlsx"), "action": "generate", "api_key": KEY},
                         content_type="multipart/form-data")
    assert answer.mimetype == "application/zip"
    bad = edited(sample_workbook, "风险", "H3", "很大")
    shown = client.post("/", data={"case_file": (io.BytesIO(bad), "案卷.xlsx"), "action": "validate", "api_key": KEY},
                        content_type="multipart/form-data").get_data(as_text=True)
    assert "风险!H3" in shown and "「发生概率」的取值「很大」无效" in shown


# ------------------------------------------------------------------ LibreOffice Calc


@pytest.mark.skipif(not SOFFICE, reason="LibreOffice is not installed")
def test_libreoffice_calc_opens_and_saves_the_workbook(tmp_path, sample_workbook, sample):
    """What Calc saves (its own writer, its own dates and numbers) reads back as the same case."""
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    (source / "case.xlsx").write_bytes(sample_workbook)
    (source / "blank.xlsx").write_bytes(workbook_bytes(None))
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    run = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--norestore",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(source / "case.xlsx"), str(source / "blank.xlsx")],
        capture_output=True, text=True, timeout=300, env=env,
    )
    assert run.returncode == 0, run.stderr
    saved = (out / "case.xlsx").read_bytes()
    assert saved != sample_workbook
    assert normalised(read_workbook(saved)) == sample
    wb = openpyxl.load_workbook(io.BytesIO(saved))  # (headless Calc has no view: frozen panes are not saved)
    assert any(v.formula1 == '"很低,较低,中等,较高,很高"' for v in wb["风险"].data_validations.dataValidation)
    assert any(v.formula1.replace("'", "") == "人员!$A$2:$A$1201" for v in wb["领导小组"].data_validations.dataValidation)
    # Calc looked up the names the clerk sees beside the ids (its saved values of the formulas).
    shown = openpyxl.load_workbook(io.BytesIO(saved), data_only=True)
    name_of = {p["id"]: p["name"] for p in sample["people"]}
    assert shown["领导小组"]["C3"].value == name_of[sample["leading_group"]["leader"]]
    owners = [(r[3].value, r[4].value) for r in shown["措施"].iter_rows(min_row=2) if r[3].value]
    assert owners and all(name == name_of[ref] for ref, name in owners)
    blank = validate(read_workbook((out / "blank.xlsx").read_bytes()))
    assert {e.cell for e in blank.errors} >= {"案卷!B3", "评估事项!B2", "领导小组!B3"}
