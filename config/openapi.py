"""Hooks that make the generated OpenAPI schema (drf-spectacular) say what REST framework
really accepts."""


def allow_empty_query_values(result, generator, request, public):
    """An optional query parameter sent empty (`?manager_id=&page=`, as an HTML form sends an
    unfilled field) counts as not sent: REST framework's serializers and its paginator read it
    so. Say so (allowEmptyValue), or an integer parameter would claim to refuse it."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
    return result
