from django.urls import path

from carementor.integrations import scim

# No trailing slashes: SCIM clients build URLs as ``{base}/Users/{id}``.
urlpatterns = [
    path("", scim.root, name="scim_root"),
    path(
        "ServiceProviderConfig", scim.service_provider_config, name="scim_service_provider_config"
    ),
    path("ResourceTypes", scim.resource_types, name="scim_resource_types"),
    path("ResourceTypes/<str:name>", scim.resource_type, name="scim_resource_type"),
    path("Schemas", scim.schemas, name="scim_schemas"),
    path("Schemas/<str:schema_id>", scim.schema, name="scim_schema"),
    path("Users", scim.users, name="scim_users"),
    path("Users/.search", scim.users_search, name="scim_users_search"),
    path("Users/<str:code>", scim.user, name="scim_user"),
    path("Groups", scim.groups, name="scim_groups"),
    path("Groups/.search", scim.groups_search, name="scim_groups_search"),
    path("Groups/<str:code>", scim.group, name="scim_group"),
    path(".search", scim.root_search, name="scim_search"),
    path("<path:rest>", scim.unknown, name="scim_unknown"),
]
