"""The discovery documents of RFC 7643 sections 5 to 7: what this server supports, said exactly.

Only the attributes CareMentor keeps are published, so a client (or scim2-tester) that reads
these never sends what would be dropped.
"""

from typing import Any

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SPC_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
RESOURCE_TYPE_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
SCHEMA_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"

MAX_RESULTS = 200


def _attr(
    name: str,
    *,
    type_: str = "string",
    multi: bool = False,
    required: bool = False,
    mutability: str = "readWrite",
    returned: str = "default",
    uniqueness: str = "none",
    description: str = "",
    sub: list[dict[str, Any]] | None = None,
    reference_types: list[str] | None = None,
) -> dict[str, Any]:
    attribute: dict[str, Any] = {
        "name": name,
        "type": type_,
        "multiValued": multi,
        "description": description or name,
        "required": required,
        "mutability": mutability,
        "returned": returned,
        "uniqueness": uniqueness,
    }
    if type_ in ("string", "reference"):
        attribute["caseExact"] = False
    if sub is not None:
        attribute["subAttributes"] = sub
    if reference_types is not None:
        attribute["referenceTypes"] = reference_types
    return attribute


USER_ATTRIBUTES = [
    _attr(
        "userName",
        required=True,
        uniqueness="server",
        description="Unique identifier for the person, usually their sign-in e-mail address.",
    ),
    _attr(
        "name",
        type_="complex",
        sub=[_attr("formatted"), _attr("familyName"), _attr("givenName")],
    ),
    _attr("displayName"),
    # Required because every person here signs in with an e-mail address.
    _attr(
        "emails",
        type_="complex",
        multi=True,
        required=True,
        sub=[_attr("value", required=True), _attr("type"), _attr("primary", type_="boolean")],
    ),
    # Required: an account is either in use or not; an absent value would mean neither.
    _attr("active", type_="boolean", required=True),
    _attr(
        "groups",
        type_="complex",
        multi=True,
        mutability="readOnly",
        sub=[
            _attr("value", mutability="readOnly"),
            _attr("$ref", type_="reference", mutability="readOnly", reference_types=["Group"]),
            _attr("display", mutability="readOnly"),
        ],
    ),
]

ENTERPRISE_ATTRIBUTES = [_attr("employeeNumber"), _attr("department")]

GROUP_ATTRIBUTES = [
    _attr("displayName", required=True, uniqueness="server"),
    _attr(
        "members",
        type_="complex",
        multi=True,
        sub=[
            _attr("value", mutability="immutable"),
            _attr("$ref", type_="reference", mutability="immutable", reference_types=["User"]),
        ],
    ),
]


def _schema(schema_id: str, name: str, description: str, attributes: list[Any], base: str) -> Any:
    return {
        "schemas": [SCHEMA_SCHEMA],
        "id": schema_id,
        "name": name,
        "description": description,
        "attributes": attributes,
        "meta": {"resourceType": "Schema", "location": f"{base}/Schemas/{schema_id}"},
    }


def schemas(base: str) -> list[dict[str, Any]]:
    return [
        _schema(USER_SCHEMA, "User", "A person in the organization", USER_ATTRIBUTES, base),
        _schema(
            ENTERPRISE_SCHEMA, "EnterpriseUser", "Employment details", ENTERPRISE_ATTRIBUTES, base
        ),
        _schema(GROUP_SCHEMA, "Group", "A group that may grant a role", GROUP_ATTRIBUTES, base),
    ]


def resource_types(base: str) -> list[dict[str, Any]]:
    return [
        {
            "schemas": [RESOURCE_TYPE_SCHEMA],
            "id": "User",
            "name": "User",
            "endpoint": "/Users",
            "description": "A person in the organization",
            "schema": USER_SCHEMA,
            "schemaExtensions": [{"schema": ENTERPRISE_SCHEMA, "required": False}],
            "meta": {"resourceType": "ResourceType", "location": f"{base}/ResourceTypes/User"},
        },
        {
            "schemas": [RESOURCE_TYPE_SCHEMA],
            "id": "Group",
            "name": "Group",
            "endpoint": "/Groups",
            "description": "A group that may grant a role",
            "schema": GROUP_SCHEMA,
            "schemaExtensions": [],
            "meta": {"resourceType": "ResourceType", "location": f"{base}/ResourceTypes/Group"},
        },
    ]


def service_provider_config(base: str, docs: str) -> dict[str, Any]:
    return {
        "schemas": [SPC_SCHEMA],
        "documentationUri": docs,
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": True},
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "Bearer token",
                "description": "A token made on the organization's integrations page.",
                "specUri": "https://www.rfc-editor.org/rfc/rfc6750",
                "documentationUri": docs,
                "primary": True,
            }
        ],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": f"{base}/ServiceProviderConfig",
        },
    }
