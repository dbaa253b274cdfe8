"""Units, roles and keys; the 维稳办's review; step six; the period report from the register — tried as an
attacker would, against the real Flask app and a real register (SQLite and PostgreSQL).

Two towns (青石镇, 河桥镇) each with a clerk key, a county reviewer and a county admin, all named keys in the
register; ``WENPING_API_KEYS`` holds one more admin key for the stateless routes.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import date

import pytest
from sqlalchemy import text

from service.register import Register
from service.register.database import create, upgrade
from service.settings import Settings

from .units_world import (
    CASE_A,
    CASE_B,
    COUNTY,
    PROBLEM,
    TOWN_A,
    TOWN_B,
    bearer,
    body,
    count_filed,
    docx_text,
    reported_count,
    town_b_case,
)
from .web_fixtures import app_with

ENV_KEY = "env-admin-key-0c41d5e2"
JSON = {"Content-Type": "application/json"}


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request):
    if request.param == "postgresql":
        return request.getfixturevalue("postgres").new_database()
    return None


@pytest.fixture
def world(tmp_path, setting, database, sample_data):
    """The app, the register and the keys: ``world["keys"][name]`` is each key's secret."""
    setting("WENPING_STATE_DIR", str(tmp_path / "state"))
    setting("WENPING_DATABASE_URL", database)
    settings = Settings(state_dir=tmp_path / "state", database_url=database)
    register = Register.open(settings)
    keys = {
        "qs": register.add_key("qs-clerk", TOWN_A, "clerk").secret,
        "hq": register.add_key("hq-clerk", TOWN_B, "clerk").secret,
        "county": register.add_key("county-review", COUNTY, "reviewer").secret,
        "admin": register.add_key("county-admin", COUNTY, "admin").secret,
        "old": register.add_key("qs-old", TOWN_A, "clerk").secret,
    }
    register.revoke_key("qs-old")
    client = app_with(API_KEYS=(ENV_KEY,)).test_client()
    for who, case in (("qs", sample_data), ("hq", town_b_case(sample_data))):
        answer = client.post("/api/v1/cases", data=body(case), headers={**JSON, **bearer(keys[who])})
        assert answer.status_code == 201, answer.get_data(as_text=True)
    yield {"client": client, "register": register, "keys": keys, "sample": sample_data}
    register.close()


def call(client, method: str, path: str, key: str | None, data=None):
    headers = {**JSON, **(bearer(key) if key else {})}
    return client.open(path, method=method, data=body(data) if data is not None else None, headers=headers)


def problem(answer, status: int) -> dict:
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert answer.mimetype == PROBLEM
    found = answer.get_json()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in found["title"] + found["detail"]), found
    return found


TRACK = {"measure": "R1.1", "status": "推进中", "date": "2026-08-01", "note": "正在表决"}
REVIEW = {"result": "退回", "reasons": ["缺少听证会纪要"], "date": "2026-04-20"}

# Every route that names a case: (method, path, body).
CASE_ROUTES = [
    ("GET", "/api/v1/cases/{id}", None),
    ("GET", "/api/v1/cases/{id}/versions", None),
    ("GET", "/api/v1/cases/{id}/diff?from=1&to=1", None),
    ("POST", "/api/v1/cases/{id}/packages", None),
    ("GET", "/api/v1/cases/{id}/reviews", None),
    ("POST", "/api/v1/cases/{id}/reviews", REVIEW),
    ("GET", "/api/v1/cases/{id}/tracking?as_of=2026-09-01", None),
    ("POST", "/api/v1/cases/{id}/tracking", TRACK),
    ("GET", "/api/v1/cases/{id}/tracking/report?as_of=2026-09-01", None),
    ("GET", "/api/v1/cases/{id}/documents/filing_form", None),
]
# Every other protected route.
OTHER_ROUTES = [
    ("GET", "/api/v1/cases", None),
    ("GET", "/api/v1/summaries?from=2026-01-01&to=2026-12-31", None),
    ("GET", "/api/v1/keys", None),
    ("POST", "/api/v1/keys", {"name": "x", "unit": TOWN_A, "role": "clerk"}),
    ("DELETE", "/api/v1/keys/qs-clerk", None),
    ("GET", "/api/v1/audit-log", None),
    ("GET", "/api/v1/templates", None),
    ("POST", "/api/v1/validate", "SAMPLE"),
    ("POST", "/api/v1/packages", "SAMPLE"),
]


def routes_for(case_id: str, sample: dict):
    for method, path, data in CASE_ROUTES + OTHER_ROUTES:
        yield method, path.replace("{id}", case_id), sample if data == "SAMPLE" else data


# ------------------------------------------------------------------ who sees what


def test_each_town_lists_and_reads_only_its_own_cases(world):
    client, keys = world["client"], world["keys"]
    listed = lambda key: [c["case_id"] for c in call(client, "GET", "/api/v1/cases", key).get_json()["cases"]]  # noqa: E731
    assert listed(keys["qs"]) == [CASE_A]
    assert listed(keys["hq"]) == [CASE_B]
    assert listed(keys["county"]) == sorted([CASE_A, CASE_B]) == listed(keys["admin"]) == listed(ENV_KEY)
    mine = call(client, "GET", f"/api/v1/cases/{CASE_A}", keys["qs"]).get_json()
    assert mine["unit"] == TOWN_A and mine["review"] is None


def test_another_towns_case_is_as_absent_as_one_that_does_not_exist(world):
    client, keys = world["client"], world["keys"]
    for method, path, data in CASE_ROUTES:
        theirs = call(client, method, path.replace("{id}", CASE_A), keys["hq"], data)
        if method == "POST" and path.endswith("/reviews"):
            problem(theirs, 403)  # a clerk may not review at all: refused before the case is looked at
            continue
        absent = call(client, method, path.replace("{id}", "NO-SUCH-CASE"), keys["hq"], data)
        found, missing = problem(theirs, 404), problem(absent, 404)
        assert found["type"] == missing["type"] and found["title"] == missing["title"], path
        assert found["detail"] == missing["detail"].replace("NO-SUCH-CASE", CASE_A), path
        assert "镇西北片土地整理项目" not in theirs.get_data(as_text=True)
    # nothing of town A's case changed: no package filed, no tracking entry
    register = world["register"]
    assert register.packages(CASE_A) == [] and all(m.entries == () for m in register.measures(CASE_A, date(2026, 9, 1)))
    denied = [e for e in register.audit_log(CASE_A) if e.action == "denied"]
    assert denied and {e.key_name for e in denied} == {"hq-clerk"}


def test_a_town_cannot_take_over_another_towns_case_id(world):
    client, keys = world["client"], world["keys"]
    problem(call(client, "POST", "/api/v1/cases", keys["hq"], world["sample"]), 403)
    assert world["register"].case(CASE_A).versions == 1


def test_a_town_summarises_only_itself(world):
    client, keys = world["client"], world["keys"]
    problem(call(client, "GET", f"/api/v1/summaries?from=2026-01-01&to=2026-12-31&unit={TOWN_A}", keys["hq"]), 403)


def test_verify_tells_a_clerk_nothing_of_another_towns_package(world):
    client, keys = world["client"], world["keys"]
    filed = call(client, "POST", f"/api/v1/cases/{CASE_A}/packages", keys["qs"])
    digest = filed.headers["X-Wenping-Package-Sha256"]
    assert call(client, "GET", f"/api/v1/verify/{digest}", keys["qs"]).get_json()["issued"] is True
    assert call(client, "GET", f"/api/v1/verify/{digest}", keys["hq"]).get_json() == {"sha256": digest, "issued": False, "found": []}


# ------------------------------------------------------------------ keys and roles


def test_a_revoked_key_is_refused_on_every_route(world):
    for method, path, data in routes_for(CASE_A, world["sample"]):
        problem(call(world["client"], method, path, world["keys"]["old"], data), 403)


def test_without_a_key_every_protected_route_is_401_also_when_only_named_keys_exist(world, setting):
    client = app_with(API_KEYS=()).test_client()  # no WENPING_API_KEYS: the register's named keys protect it
    for method, path, data in routes_for(CASE_A, world["sample"]):
        answer = call(client, method, path, None, data)
        problem(answer, 401)
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    problem(call(client, "GET", "/api/v1/cases", "wpk_guessed-key"), 403)


def test_a_reviewer_cannot_write(world):
    client, county = world["client"], world["keys"]["county"]
    for method, path, data in [
        ("POST", "/api/v1/cases", world["sample"]),
        ("POST", f"/api/v1/cases/{CASE_A}/packages", None),
        ("POST", f"/api/v1/cases/{CASE_A}/tracking", TRACK),
        ("POST", "/api/v1/keys", {"name": "mine", "unit": COUNTY, "role": "admin"}),
        ("DELETE", "/api/v1/keys/qs-clerk", None),
    ]:
        found = problem(call(client, method, path, county, data), 403)
        assert "county-review" in found["detail"]
    assert world["register"].case(CASE_A).versions == 1 and world["register"].packages(CASE_A) == []


def test_admin_routes_refuse_clerks_and_reviewers(world):
    client, keys = world["client"], world["keys"]
    for who in ("qs", "county"):
        for method, path, data in [
            ("GET", "/api/v1/keys", None),
            ("POST", "/api/v1/keys", {"name": "evil", "unit": COUNTY, "role": "admin"}),
            ("DELETE", "/api/v1/keys/county-admin", None),
            ("GET", "/api/v1/audit-log", None),
        ]:
            problem(call(client, method, path, keys[who], data), 403)
    assert "evil" not in [k.name for k in world["register"].keys()]
    assert all(k.revoked_at is None for k in world["register"].keys() if k.name == "county-admin")


def test_keys_are_stored_as_hashes_and_never_answered_or_logged_after_creation(world, caplog):
    caplog.set_level(logging.DEBUG)
    client, keys, register = world["client"], world["keys"], world["register"]
    made = call(client, "POST", "/api/v1/keys", keys["admin"], {"name": "hq-2", "unit": TOWN_B, "role": "clerk"})
    assert made.status_code == 201 and made.headers["Cache-Control"] == "no-store"
    new_secret = made.get_json()["key"]
    assert call(client, "GET", "/api/v1/cases", new_secret).get_json()["cases"][0]["case_id"] == CASE_B
    secrets_ = [*keys.values(), new_secret]
    answers = [
        call(client, m, p, keys["admin"], d).get_data().decode("latin-1")  # binary answers too: the keys are ASCII
        for m, p, d in routes_for(CASE_A, world["sample"])
        if not (m != "GET" and p.startswith("/api/v1/keys"))  # making a key answers its secret, once, by design
    ]
    answers += [call(client, "GET", "/api/v1/keys", k).get_data(as_text=True) for k in keys.values()]
    with register.engine.connect() as connection:
        stored = [tuple(r) for r in connection.execute(text("SELECT name, unit, role, key_hash FROM api_keys"))]
        audit = [tuple(r) for r in connection.execute(text("SELECT * FROM audit_log"))]
    assert {row[3] for row in stored} == {hashlib.sha256(s.encode()).hexdigest() for s in secrets_}
    everything = "\n".join([*answers, caplog.text, repr(stored), repr(audit)])
    for secret in secrets_:
        assert secret not in everything
    assert "镇西北片土地整理项目" not in repr(audit)  # the log says who did what, never what the case says


# ------------------------------------------------------------------ review, tracking, period report


def test_a_returned_case_shows_its_reasons_and_is_filed_again(world):
    client, keys, sample = world["client"], world["keys"], world["sample"]
    problem(call(client, "POST", f"/api/v1/cases/{CASE_A}/reviews", keys["county"], REVIEW), 422)  # nothing filed yet
    call(client, "POST", f"/api/v1/cases/{CASE_A}/packages", keys["qs"])
    problem(call(client, "POST", f"/api/v1/cases/{CASE_A}/reviews", keys["county"], {"result": "退回"}), 422)
    returned = call(client, "POST", f"/api/v1/cases/{CASE_A}/reviews", keys["county"], REVIEW)
    assert returned.status_code == 201 and returned.get_json()["unit"] == COUNTY
    problem(call(client, "POST", f"/api/v1/cases/{CASE_A}/reviews", keys["county"], {"result": "予以备案"}), 409)
    seen = call(client, "GET", f"/api/v1/cases/{CASE_A}", keys["qs"]).get_json()["review"]
    assert (seen["result"], seen["reasons"], seen["date"], seen["version"]) == ("退回", ["缺少听证会纪要"], "2026-04-20", 1)

    corrected = json.loads(json.dumps(sample))
    corrected["report"]["recommendations"] = [*corrected["report"].get("recommendations", []), "补充听证会纪要"]
    assert call(client, "POST", "/api/v1/cases", keys["qs"], corrected).get_json()["version"] == 2
    call(client, "POST", f"/api/v1/cases/{CASE_A}/packages", keys["qs"])
    accepted = call(client, "POST", f"/api/v1/cases/{CASE_A}/reviews", keys["county"], {"result": "予以备案", "date": "2026-04-25"})
    assert accepted.status_code == 201 and accepted.get_json()["version"] == 2
    listing = call(client, "GET", f"/api/v1/cases/{CASE_A}/reviews", keys["qs"]).get_json()["reviews"]
    assert [(r["version"], r["result"]) for r in listing] == [(1, "退回"), (2, "予以备案")]


def test_bad_tracking_entries_name_the_field_and_value(world):
    client, qs = world["client"], world["keys"]["qs"]
    for data, field, shown in [
        ({**TRACK, "measure": "R9.1"}, None, "R9.1"),
        ({**TRACK, "status": "完成了"}, "status", "完成了"),
        ({**TRACK, "date": "2026-02-30"}, "date", "2026-02-30"),
        ({**TRACK, "colour": "red"}, "colour", "colour"),
    ]:
        found = problem(call(client, "POST", f"/api/v1/cases/{CASE_A}/tracking", qs, data), 422)
        assert shown in found["detail"]
        if field:
            assert found["errors"][0]["path"] == field


def test_a_town_tracks_its_measures_to_closure_and_the_report_is_reproducible(world):
    client, qs = world["client"], world["keys"]["qs"]
    path = f"/api/v1/cases/{CASE_A}/tracking"
    early = call(client, "GET", path + "?as_of=2026-08-20", qs).get_json()
    assert early["stage"] == "实施跟踪"
    overdue = [m["measure"] for m in early["measures"] if m["overdue"]]
    assert overdue == ["R1.1"]  # its deadline 2026-08-15 has passed, nothing recorded
    measures = [m["measure"] for m in early["measures"]]
    for n, measure in enumerate(measures):
        answer = call(client, "POST", path, qs, {"measure": measure, "status": "已完成", "date": f"2026-10-{n + 1:02d}", "who": "陈立新"})
        assert answer.status_code == 201
    assert answer.get_json()["stage"] == "结案"
    assert call(client, "GET", f"/api/v1/cases/{CASE_A}", qs).get_json()["stage"] == "结案"
    report = call(client, "GET", path + "/report?as_of=2026-10-03", qs)
    assert report.status_code == 200 and report.mimetype.endswith("document")
    written = docx_text(report.data)
    assert f"评估共提出防范化解措施{len(measures)}项" in written and "已完成3项" in written
    assert report.data == call(client, "GET", path + "/report?as_of=2026-10-03", qs).data  # same day, same bytes
    closed = docx_text(call(client, "GET", path + "/report?as_of=2026-12-31", qs).data)
    assert "本事项结案" in closed and "没有逾期未完成的措施" in closed


def test_the_period_report_states_the_registers_counts(world):
    client, keys, register = world["client"], world["keys"], world["register"]
    problem(call(client, "GET", "/api/v1/summaries?from=2026-01-01&to=2026-12-31", keys["county"]), 404)  # nothing filed
    for who, case_id in (("qs", CASE_A), ("hq", CASE_B)):
        call(client, "POST", f"/api/v1/cases/{case_id}/packages", keys[who])
    for key, unit, start, end in [
        ("county", None, "2026-01-01", "2026-12-31"),
        ("county", TOWN_B, "2026-01-01", "2026-12-31"),
        ("qs", None, "2026-04-01", "2026-04-30"),
    ]:
        query = f"/api/v1/summaries?from={start}&to={end}" + (f"&unit={unit}" if unit else "")
        answer = call(client, "GET", query, keys[key])
        assert answer.status_code == 200, answer.get_data(as_text=True)
        expected = count_filed(register.engine, start, end, unit or (TOWN_A if key == "qs" else None))
        assert reported_count(docx_text(answer.data)) == expected
    assert count_filed(register.engine, "2026-01-01", "2026-12-31") == 2
    problem(call(client, "GET", "/api/v1/summaries?from=2026-05-01&to=2026-12-31", keys["county"]), 404)
    problem(call(client, "GET", "/api/v1/summaries?from=2026-13-01&to=2026-12-31", keys["county"]), 400)


def test_an_older_register_gets_the_filing_dates_of_its_packages(tmp_path, database, sample_data):
    """0001 → head: packages filed before the units revision are found by their 报备日期."""
    from alembic import command

    from service.register.database import alembic_config

    settings = Settings(state_dir=tmp_path / "state", database_url=database)
    with Register.open(settings) as register:
        register.submit(sample_data)
        register.package(CASE_A)
    engine = create(database or f"sqlite:///{tmp_path / 'state' / 'register.sqlite3'}")
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0001")
    with engine.begin() as connection:
        assert "filed_on" not in [c["name"] for c in __import__("sqlalchemy").inspect(connection).get_columns("packages")]
    upgrade(engine)
    assert count_filed(engine, "2026-04-16", "2026-04-16") == 1
    engine.dispose()


def test_the_filing_context_carries_the_reviewers_decision(world):
    """The 报备表 can fill its 上级维稳办备案 cell: ``filing.review`` once the 维稳办 has decided, none before."""
    from service.generate import prepare

    client, keys = world["client"], world["keys"]
    assert prepare(world["sample"]).context.filing.review is None
    call(client, "POST", f"/api/v1/cases/{CASE_A}/packages", keys["qs"])
    call(client, "POST", f"/api/v1/cases/{CASE_A}/reviews", keys["county"], REVIEW)
    review = world["register"].latest_review(CASE_A, 1).as_dict()
    decided = prepare(world["sample"], review=review).context.filing.review
    assert (decided.result, decided.date, decided.reasons_text, decided.unit) == ("退回", "2026年4月20日", "缺少听证会纪要", COUNTY)
    form = call(client, "GET", f"/api/v1/cases/{CASE_A}/documents/filing_form?version=1", keys["qs"])
    assert form.status_code == 200 and "社会稳定风险评估事项报备表" in docx_text(form.data)
    assert "退回。理由：缺少听证会纪要。" in docx_text(form.data)  # the 上级维稳办备案 cell
    problem(call(client, "GET", f"/api/v1/cases/{CASE_A}/documents/filing_form", keys["hq"]), 404)


def test_open_mode_does_not_make_a_register_and_an_unreadable_one_never_opens_the_door(tmp_path, setting, sample_data):
    state = tmp_path / "state"
    setting("WENPING_STATE_DIR", str(state))
    client = app_with(API_KEYS=()).test_client()
    assert call(client, "POST", "/api/v1/validate", None, sample_data).status_code == 200  # no keys at all: open
    assert not state.exists()  # asking whether named keys exist made no register

    with Register.open(Settings(state_dir=state)) as register:
        register.add_key("qs-clerk", TOWN_A, "clerk")
    problem(call(client, "POST", "/api/v1/validate", None, sample_data), 401)
    with client.application.app_context():
        from service.web.auth import register as app_register

        with app_register().engine.begin() as connection:
            connection.execute(text("DROP TABLE api_keys"))  # the register can no longer say which keys exist
    refused = call(client, "POST", "/api/v1/validate", None, sample_data)
    assert refused.status_code >= 500 and refused.mimetype == PROBLEM  # refused, never let through
