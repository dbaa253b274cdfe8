"""Schema 1.0 → 2.0: a 1.0 case (people typed where they act) becomes a 2.0 case (people entered once).

Works on the parsed JSON, before validation, and changes only what has the shape it expects: anything
else is left where it is for validation to name. Each change that a clerk should know about (two people
of one name told apart, a restated field that disagreed with the case) comes back as a note, which
validation reports as a warning at the 1.0 path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional

from service.model.case import SCHEMA_VERSION


@dataclass(frozen=True)
class UpgradeNote:
    path: str
    message: str


PERSON_FIELDS = ("title", "unit", "phone")


@dataclass
class _People:
    """The people register being built: one entry per distinct person, in order of first appearance."""

    entries: list[dict] = field(default_factory=list)
    notes: list[UpgradeNote] = field(default_factory=list)

    def add(self, raw: Any, path: str, unit: Optional[str] = None) -> Any:
        """The id of the person ``raw`` ({"name", "title"?, "phone"?}) describes; ``raw`` itself if it is not one."""
        if not (isinstance(raw, dict) and isinstance(raw.get("name"), str)):
            return raw
        found = {k: raw[k] for k in PERSON_FIELDS if isinstance(raw.get(k), str) and raw[k].strip()}
        if unit:
            found["unit"] = unit
        namesakes = [e for e in self.entries if e["name"] == raw["name"]]
        for entry in namesakes:
            if _same_person(entry, found):
                entry.update({k: v for k, v in found.items() if k not in entry})
                return entry["id"]
        if namesakes:
            self.notes.append(
                UpgradeNote(path, f"「{raw['name']}」与前面同名人员的职务、单位或电话不同，已作为另一人登记，请核对")
            )
        return self._new(raw["name"], found)

    def named(self, name: Any, among: Optional[list[str]] = None) -> Any:
        """The id of the person called ``name`` (preferring ids in ``among``); a new entry if there is none."""
        if not isinstance(name, str):
            return name
        for entry in self.entries:
            if entry["name"] == name and (among is None or entry["id"] in among):
                return entry["id"]
        if among is not None:
            return self.named(name)
        return self._new(name, {})

    def _new(self, name: str, found: dict) -> str:
        pid = f"P{len(self.entries) + 1:02d}"
        self.entries.append({"id": pid, "name": name, **found})
        return pid


def _related(unit: str, title: str) -> bool:
    return unit in title or title in unit


def _same_person(entry: dict, found: dict) -> bool:
    """Whether ``found`` can describe the person ``entry`` records: no field disagrees, and where one side knows
    only a title and the other only a unit, they fit together (镇自然资源所 and 镇自然资源所所长, not 石桥村
    and 镇党委书记: a villager who shares the leader's name is another person)."""
    if any(entry.get(k) not in (None, v) for k, v in found.items()):
        return False
    if "unit" in found and "unit" not in entry and entry.get("title"):
        return _related(found["unit"], entry["title"])
    if "title" in found and "title" not in entry and entry.get("unit"):
        return _related(entry["unit"], found["title"])
    return True


def upgrade(data: Any) -> tuple[Any, list[UpgradeNote]]:
    """The 2.0 form of a 1.0 case and what the upgrade noted; anything else comes back unchanged."""
    if not (isinstance(data, dict) and data.get("schema_version") == "1.0"):
        return data, []
    case = _copy(data)
    people = _People()
    _authority(case, people)
    _leading_group(case, people)
    _work_team(case, people)
    _meetings(case, people)
    _measures(case, people)
    _stability_plan(case, people)
    _report(case, people)
    _summary(case)
    _plan(case)
    _decision(case, people)
    upgraded = {"schema_version": SCHEMA_VERSION}
    for key, value in case.items():
        if key == "schema_version":
            continue
        upgraded[key] = value
        if key == "case_id":
            upgraded["people"] = people.entries
    upgraded.setdefault("people", people.entries)
    return upgraded, people.notes


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _obj(parent: Any, key: str) -> Optional[dict]:
    value = parent.get(key) if isinstance(parent, dict) else None
    return value if isinstance(value, dict) else None


def _list(parent: Any, key: str) -> list:
    value = parent.get(key) if isinstance(parent, dict) else None
    return value if isinstance(value, list) else []


def _authority(case: dict, people: _People) -> None:
    auth = _obj(case, "authority")
    if auth and "contact" in auth:
        auth["contact"] = people.add(auth["contact"], "authority.contact")


def _leading_group(case: dict, people: _People) -> None:
    group = _obj(case, "leading_group")
    if not group:
        return
    if "leader" in group:
        group["leader"] = people.add(group["leader"], "leading_group.leader")
    for key in ("deputy_leaders", "members"):
        if key in group and isinstance(group[key], list):
            group[key] = [people.add(p, f"leading_group.{key}.{i}") for i, p in enumerate(group[key])]
    office = _obj(group, "office")
    if office and "director" in office:
        office["director"] = people.add(office["director"], "leading_group.office.director")


def _work_team(case: dict, people: _People) -> None:
    team = _list(case, "work_team")
    for i, member in enumerate(team):
        if isinstance(member, dict) and isinstance(member.get("name"), str):
            duty = member.get("duty")
            team[i] = {"person": people.add(member, f"work_team.{i}")}
            if duty is not None:
                team[i]["duty"] = duty


ADOPTION_PREFIX = re.compile(r"^(部分采纳|不予采纳|采纳)[。；;，,：:]\s*")


def _meetings(case: dict, people: _People) -> None:
    for mi, meeting in enumerate(_list(_obj(case, "consultation"), "meetings")):
        if not isinstance(meeting, dict):
            continue
        where = f"consultation.meetings.{mi}"
        present = []
        if "host" in meeting:
            meeting["host"] = people.add(meeting["host"], f"{where}.host")
            present.append(meeting["host"])
        if "recorder" in meeting:
            meeting["recorder"] = people.add(meeting["recorder"], f"{where}.recorder")
        for pi, participant in enumerate(_list(meeting, "participants")):
            if isinstance(participant, dict) and isinstance(participant.get("name"), str):
                unit = participant.get("unit") if isinstance(participant.get("unit"), str) else None
                pid = people.add({"name": participant["name"]}, f"{where}.participants.{pi}", unit=unit)
                meeting["participants"][pi] = {"person": pid, **{k: participant[k] for k in ("category",) if k in participant}}
                present.append(pid)
        for statement in _list(meeting, "statements"):
            if not isinstance(statement, dict):
                continue
            if "speaker" in statement:
                statement["speaker"] = people.named(statement["speaker"], among=present)
            _split_adoption(statement)


def _split_adoption(statement: dict) -> None:
    """「采纳。施工方案调整为……」: the adoption word becomes the statement's adoption, the rest its reply."""
    response = statement.get("response")
    if not isinstance(response, str) or "adoption" in statement:
        return
    match = ADOPTION_PREFIX.match(response)
    if match:
        statement["adoption"] = match.group(1)
        rest = response[match.end():].strip()
        if rest:
            statement["response"] = rest
        else:
            del statement["response"]


def _measures(case: dict, people: _People) -> None:
    for risk in _list(case, "risks"):
        for measure in _list(risk, "measures"):
            if isinstance(measure, dict) and "owner_person" in measure:
                measure["owner_person"] = people.named(measure["owner_person"])


RESPONSE_GRADES = (
    ("Ⅰ级", ("Ⅰ", "I级", "一级", "特别重大")),
    ("Ⅱ级", ("Ⅱ", "II级", "二级", "重大")),
    ("Ⅲ级", ("Ⅲ", "III级", "三级", "较大")),
    ("Ⅳ级", ("Ⅳ", "IV级", "四级", "一般")),
)
GRADE_NAMES = ("特别重大", "重大", "较大", "一般")


def _grade_of(level: str) -> Optional[str]:
    # 「特别重大」 contains 「重大」: the grades are tried from Ⅰ down, so it is matched first.
    return next((grade for grade, words in RESPONSE_GRADES if any(w in level for w in words)), None)


def _stability_plan(case: dict, people: _People) -> None:
    plan = _obj(case, "stability_plan")
    if not plan:
        return
    command = _obj(plan, "command")
    if command:
        if "commander" in command:
            command["commander"] = people.add(command["commander"], "stability_plan.command.commander")
        if isinstance(command.get("deputy_commanders"), list):
            command["deputy_commanders"] = [
                people.add(p, f"stability_plan.command.deputy_commanders.{i}") for i, p in enumerate(command["deputy_commanders"])
            ]
        group = _obj(case, "leading_group") or {}
        same_leader = command.get("commander") in (None, group.get("leader"))
        same_deputies = command.get("deputy_commanders") in (None, [], group.get("deputy_leaders"))
        if same_leader and same_deputies:
            del plan["command"]  # it restated the leading group, which 2.0 uses by default
    for gi, work_group in enumerate(_list(plan, "groups")):
        if isinstance(work_group, dict) and "leader" in work_group:
            work_group["leader"] = people.add(work_group["leader"], f"stability_plan.groups.{gi}.leader")
    if isinstance(plan.get("contacts"), list):
        plan["contacts"] = [people.add(c, f"stability_plan.contacts.{i}") for i, c in enumerate(plan["contacts"])]
    levels = _list(plan, "response_levels")
    for li, level in enumerate(levels):
        if not (isinstance(level, dict) and isinstance(level.get("level"), str)):
            continue
        name = level.pop("level")
        grade = _grade_of(name)
        if grade is None:
            grade = ("Ⅳ级", "Ⅲ级", "Ⅱ级", "Ⅰ级")[min(li, 3)]
            people.notes.append(
                UpgradeNote(f"stability_plan.response_levels.{li}.level", f"响应级别「{name}」看不出是几级，已按排列顺序定为{grade}，请核对")
            )
        upgraded = {"grade": grade}
        word = next((w for w in GRADE_NAMES if w in name), None)
        if word:
            upgraded["name"] = word
        elif grade not in name:
            upgraded["name"] = name
        plan["response_levels"][li] = {**upgraded, **level}


def _report(case: dict, people: _People) -> None:
    report = _obj(case, "report")
    if not report or "assessor" not in report:
        return
    assessor = report.pop("assessor")
    group = _obj(case, "leading_group")
    authority = (_obj(case, "authority") or {}).get("name")
    if not isinstance(assessor, str) or assessor == authority or group is None:
        return
    if "name" not in group:
        group["name"] = assessor  # the body that assessed is the leading group: plan and report now name it alike
    elif group["name"] != assessor:
        people.notes.append(
            UpgradeNote("report.assessor", f"评估主体「{assessor}」与领导小组名称「{group['name']}」不一致，报告以领导小组名称为准")
        )


def _summary(case: dict) -> None:
    summary = _obj(case, "summary")
    if not summary or "recipient" not in summary:
        return
    recipient = summary.pop("recipient")
    filing_office = (_obj(case, "authority") or {}).get("filing_office")
    if isinstance(recipient, str) and recipient != filing_office:
        summary.setdefault("issuing", {})["to"] = [recipient]


def _plan(case: dict) -> None:
    plan = _obj(case, "plan")
    if plan and "doc_number" in plan:
        plan.setdefault("issuing", {})["number"] = plan.pop("doc_number")
        # keep the issuing data where the 1.0 number stood: after issued_on
        ordered = {}
        for key, value in plan.items():
            if key != "issuing":
                ordered[key] = value
            if key == "issued_on":
                ordered["issuing"] = plan["issuing"]
        ordered.setdefault("issuing", plan["issuing"])
        plan.clear()
        plan.update(ordered)


def _decision(case: dict, people: _People) -> None:
    decision = _obj(_obj(case, "filing"), "decision")
    if not decision or "body" not in decision:
        return
    body = decision.pop("body")
    authority = _obj(case, "authority")
    if not isinstance(body, str) or authority is None:
        return
    given = authority.get("decision_body")
    if given is None:
        authority["decision_body"] = body
    elif given != body:
        people.notes.append(
            UpgradeNote("filing.decision.body", f"决策机构「{body}」与责任主体的决策机构「{given}」不一致，以后者为准")
        )
