"""The OpenAPI document tells the truth: one component per name, every status documented."""

from collections import defaultdict
from typing import Any

from ninja import Schema

from carementor.api import api


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def test_every_schema_name_is_unique():
    # ninja names a component after its class: two classes with one name document one of
    # them for both (the credential decision was documented as a mentorship extension's).
    modules: dict[str, set[str]] = defaultdict(set)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("carementor."):
            modules[cls.__name__].add(cls.__module__)
    assert {name: where for name, where in modules.items() if len(where) > 1} == {}


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = api.get_openapi_schema()
    return [
        (method, path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]


def test_the_credential_decision_documents_its_real_body():
    schema = api.get_openapi_schema()
    operation = schema["paths"]["/api/v1/credentials/review/{code}/decide"]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert set(body["properties"]) == {"decision", "reason", "checklist"}
    assert body["required"] == ["decision"]


def test_every_operation_documents_the_errors_it_can_always_return():
    for method, path, operation in _operations():
        statuses = {str(status) for status in operation["responses"]}
        expected = {"503"}  # the database is down
        if operation.get("security"):
            expected |= {"401", "403"}
        if "{" in path:
            expected.add("404")
        if operation.get("parameters") or "requestBody" in operation:
            expected.add("422")
        if "requestBody" in operation:
            expected |= {"400", "413", "415"}
        assert expected <= statuses, (method, path, expected - statuses)


def test_rate_limited_operations_document_429():
    limited = {
        ("post", "/api/v1/communities/{code}/posts"),
        ("post", "/api/v1/communities/posts/{code}/comments"),
        ("post", "/api/v1/communities/chats/{code}/messages"),
        ("get", "/api/v1/certificates/verify/{code}"),
    }
    documented = {
        (method, path)
        for method, path, operation in _operations()
        if "429" in {str(status) for status in operation["responses"]}
    }
    assert limited <= documented, limited - documented


def test_text_fields_document_that_control_characters_are_refused():
    schema = api.get_openapi_schema()
    me = schema["components"]["schemas"]["MePatchIn"]["properties"]["full_name"]
    patterns = [branch.get("pattern") for branch in me.get("anyOf", [me])]
    assert any(p and "\\u202a" in p for p in patterns)
