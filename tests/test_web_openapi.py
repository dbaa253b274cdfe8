"""The OpenAPI document and the Flask app describe the same routes: paths, methods, parameters, keys."""

from __future__ import annotations

import re

import pytest

from service.web.openapi import ROUTES, build_openapi

from .web_fixtures import KEY, app_with

IGNORED_METHODS = {"HEAD", "OPTIONS"}
JSON_MEDIA = re.compile(r"^application/([\w.+-]+\+)?json$")


@pytest.fixture(scope="module", params=[False, True], ids=["open", "keyed"])
def app(request):
    return app_with(API_KEYS=KEY if request.param else ())


def openapi_path(rule: str) -> str:
    """Flask's ``/documents/<kind>`` or ``/<string:kind>`` → OpenAPI's ``/documents/{kind}``."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def flask_operations(app) -> dict[tuple[str, str], object]:
    """(OpenAPI path, lower-case method) → the Flask rule, for every route but the static files."""
    found = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in rule.methods - IGNORED_METHODS:
            found[(openapi_path(rule.rule), method.lower())] = rule
    return found


def documented_operations(spec: dict) -> dict[tuple[str, str], dict]:
    return {(path, method): op for path, item in spec["paths"].items() for method, op in item.items()}


def test_openapi_path_conversion():
    assert openapi_path("/api/v1/documents/<kind>") == "/api/v1/documents/{kind}"
    assert openapi_path("/a/<int:n>/b/<path:rest>") == "/a/{n}/b/{rest}"


def test_every_route_is_documented_and_every_documented_path_is_a_route(app):
    with app.app_context():
        spec = build_openapi(app)
    routes, documented = flask_operations(app), documented_operations(spec)
    assert set(routes) - set(documented) == set(), "routes missing from the OpenAPI document"
    assert set(documented) - set(routes) == set(), "documented operations the app does not serve"


def test_served_document_is_the_built_one(app):
    served = app.test_client().get("/api/v1/openapi.json").get_json()
    with app.app_context():
        assert served == build_openapi(app)


def test_route_table_names_the_view_that_serves_each_operation(app):
    routes = flask_operations(app)
    for route in ROUTES:
        assert routes[(route.path, route.method)].endpoint == route.endpoint, (route.method, route.path)
    assert len({(r.path, r.method) for r in ROUTES}) == len(ROUTES), "an operation is listed twice"


def test_path_parameters_are_the_rule_arguments(app):
    with app.app_context():
        spec = build_openapi(app)
    routes = flask_operations(app)
    for (path, method), op in documented_operations(spec).items():
        in_path = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
        assert in_path == set(routes[(path, method)].arguments) == set(re.findall(r"{(\w+)}", path)), path


def test_operation_ids_are_unique(app):
    with app.app_context():
        ids = [op["operationId"] for op in documented_operations(build_openapi(app)).values()]
    assert len(ids) == len(set(ids))


def test_json_bodies_are_described_by_the_models(app):
    """Every JSON request and response schema is a reference to a component generated from a model."""
    with app.app_context():
        spec = build_openapi(app)
    schemas = spec["components"]["schemas"]
    for (path, method), op in documented_operations(spec).items():
        bodies = [("request", op["requestBody"])] if "requestBody" in op else []
        bodies += list(op["responses"].items())
        for where, body in bodies:
            for media, content in body.get("content", {}).items():
                if JSON_MEDIA.match(media) or media == "multipart/form-data":
                    ref = content["schema"].get("$ref", "")
                    assert ref.startswith("#/components/schemas/"), (method, path, where, media)
                    assert ref.rsplit("/", 1)[-1] in schemas, ref


def call(client, route, headers=None):
    path = route.path.replace("{kind}", "plan")
    if route.method == "get":
        return client.get(path, headers=headers or {})
    if route.method == "delete":
        return client.delete(path, headers=headers or {})
    return client.post(path, data=b"{}", content_type="application/json", headers=headers or {})


def test_documented_key_requirement_is_what_the_app_does():
    """With keys configured: an operation documenting 401 refuses a request without a key; the others do not ask."""
    app = app_with(API_KEYS=KEY)
    with app.app_context():
        documented = documented_operations(build_openapi(app))
    client = app.test_client()
    for route in ROUTES:
        op = documented[(route.path, route.method)]
        status = call(client, route).status_code
        if "401" in op["responses"]:
            assert status == 401, (route.method, route.path)
        else:
            assert status != 401, (route.method, route.path)
        assert ("security" in op) == route.protected, (route.method, route.path)
