"""SCIM resources in and out: payloads validated with scim2-models, rows written as JSON."""

from typing import Any

from django.utils.translation import gettext as _
from pydantic import ValidationError
from scim2_models import (
    Context,
    EnterpriseUser,
    Group,
    PatchOp,
    SCIMException,
    User,
)

from carementor.integrations.models import ScimGroup, ScimUser
from carementor.integrations.scim_schema import ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA
from carementor.integrations.services import GroupData, ScimError, UserData

FullUser = User[EnterpriseUser]


def _when(value: Any) -> str:
    return value.isoformat().replace("+00:00", "Z")


def user_resource(scim_user: ScimUser, base: str) -> dict[str, Any]:
    location = f"{base}/Users/{scim_user.code}"
    body: dict[str, Any] = {"schemas": [USER_SCHEMA], "id": scim_user.code}
    if scim_user.external_id:
        body["externalId"] = scim_user.external_id
    body["userName"] = scim_user.user_name
    name = {
        key: value
        for key, value in (
            ("formatted", scim_user.formatted_name),
            ("familyName", scim_user.family_name),
            ("givenName", scim_user.given_name),
        )
        if value
    }
    if name:
        body["name"] = name
    if scim_user.display_name:
        body["displayName"] = scim_user.display_name
    if scim_user.emails:
        body["emails"] = scim_user.emails
    body["active"] = scim_user.active
    groups = list(scim_user.groups.all())
    if groups:
        body["groups"] = [
            {"value": g.code, "$ref": f"{base}/Groups/{g.code}", "display": g.display_name}
            for g in groups
        ]
    enterprise = {
        key: value
        for key, value in (
            ("employeeNumber", scim_user.employee_number),
            ("department", scim_user.department),
        )
        if value
    }
    if enterprise:
        body["schemas"].append(ENTERPRISE_SCHEMA)
        body[ENTERPRISE_SCHEMA] = enterprise
    body["meta"] = {
        "resourceType": "User",
        "created": _when(scim_user.created_at),
        "lastModified": _when(scim_user.updated_at),
        "location": location,
        "version": scim_user.etag,
    }
    return body


def group_resource(group: ScimGroup, base: str) -> dict[str, Any]:
    body: dict[str, Any] = {"schemas": [GROUP_SCHEMA], "id": group.code}
    if group.external_id:
        body["externalId"] = group.external_id
    body["displayName"] = group.display_name
    members = list(group.members.all())
    if members:
        body["members"] = [{"value": m.code, "$ref": f"{base}/Users/{m.code}"} for m in members]
    body["meta"] = {
        "resourceType": "Group",
        "created": _when(group.created_at),
        "lastModified": _when(group.updated_at),
        "location": f"{base}/Groups/{group.code}",
        "version": group.etag,
    }
    return body


def _error_from(exc: ValidationError | SCIMException | ValueError) -> ScimError:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        kind = str(first.get("type", ""))
        where = ".".join(str(part) for part in first.get("loc", ()) if part != "value")
        scim_type = kind[len("scim_") :] if kind.startswith("scim_") else "invalidValue"
        if kind == "extra_forbidden":
            message = _("“%(attribute)s” is not an attribute of this resource.") % {
                "attribute": where
            }
        else:
            message = f"{where}: {first.get('msg', '')}" if where else str(first.get("msg", ""))
        return ScimError(message, scim_type=scim_type)
    if isinstance(exc, SCIMException):
        return ScimError(str(exc), scim_type=getattr(exc, "scim_type", "") or "invalidValue")
    return ScimError(str(exc), scim_type="invalidValue")


def _validated(model: Any, body: Any, context: Context) -> Any:
    if not isinstance(body, dict):
        raise ScimError(_("The body must be a JSON object."), scim_type="invalidSyntax")
    try:
        return model.model_validate(body, scim_ctx=context)
    except (ValidationError, SCIMException, ValueError) as exc:
        raise _error_from(exc) from exc


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _user_data(user: Any) -> UserData:
    if not _text(user.user_name):
        raise ScimError(_("“userName” is required."), scim_type="invalidValue")
    emails = []
    for email in user.emails or []:
        if not email.value:
            continue
        entry: dict[str, Any] = {"value": _text(email.value)}
        if email.type:
            entry["type"] = _text(email.type)
        if email.primary is not None:
            entry["primary"] = bool(email.primary)
        emails.append(entry)
    enterprise = user[EnterpriseUser]
    name = user.name
    return UserData(
        user_name=_text(user.user_name)[:254],
        external_id=_text(user.external_id)[:200],
        given_name=_text(name.given_name if name else None)[:150],
        family_name=_text(name.family_name if name else None)[:150],
        formatted_name=_text(name.formatted if name else None)[:300],
        display_name=_text(user.display_name)[:300],
        emails=emails[:10],
        employee_number=_text(enterprise.employee_number if enterprise else None)[:100],
        department=_text(enterprise.department if enterprise else None)[:200],
        active=True if user.active is None else bool(user.active),
    )


def parse_user(body: Any, *, replacing: bool = False) -> UserData:
    context = (
        Context.RESOURCE_REPLACEMENT_REQUEST if replacing else Context.RESOURCE_CREATION_REQUEST
    )
    return _user_data(_validated(FullUser, body, context))


def _group_data(group: Any) -> GroupData:
    if not _text(group.display_name):
        raise ScimError(_("“displayName” is required."), scim_type="invalidValue")
    return GroupData(
        display_name=_text(group.display_name)[:200],
        external_id=_text(group.external_id)[:200],
        member_codes=[_text(m.value) for m in group.members or [] if m.value],
    )


def parse_group(body: Any, *, replacing: bool = False) -> GroupData:
    context = (
        Context.RESOURCE_REPLACEMENT_REQUEST if replacing else Context.RESOURCE_CREATION_REQUEST
    )
    return _group_data(_validated(Group, body, context))


def _patched(model: Any, current: dict[str, Any], body: Any) -> Any:
    operation = _validated(PatchOp[model], body, Context.RESOURCE_PATCH_REQUEST)
    resource = model.model_validate(current)
    try:
        operation.patch(resource)
        # Re-validate the result: a patch must not leave a wrongly typed attribute behind.
        return model.model_validate(
            resource.model_dump(scim_ctx=None), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST
        )
    except (ValidationError, SCIMException, ValueError) as exc:
        raise _error_from(exc) from exc


def patch_user(scim_user: ScimUser, body: Any, base: str) -> UserData:
    return _user_data(_patched(FullUser, user_resource(scim_user, base), body))


def patch_group(group: ScimGroup, body: Any, base: str) -> GroupData:
    return _group_data(_patched(Group, group_resource(group, base), body))
