"""System checks (`manage.py check`, run by the test command) over what apps declare: every
case action names a permission its app declares, and its form and service import; no two schema
classes of the API take one name in its OpenAPI description."""

from __future__ import annotations

from typing import Any

from django.core import checks


@checks.register()
def check_case_types(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from dieuhanh.core import access
    from dieuhanh.core.cases import case_types

    errors: list[checks.CheckMessage] = []
    declared = access.declared()
    for ct in case_types():
        actions = declared.get(ct.app)
        if actions is None:
            errors.append(checks.Error(f"Case type {ct.name}: app {ct.app!r} declares no permissions", id="core.E001"))
            continue
        for a in ct.actions:
            where = f"{ct.name}.{a.name}"
            if a.permission not in actions:
                errors.append(checks.Error(f"{where}: permission {ct.app}.{a.permission} is not declared", id="core.E002"))
            try:
                a.form_class  # noqa: B018 - resolves the dotted path
                a.service_function  # noqa: B018
            except Exception as exc:
                errors.append(checks.Error(f"{where}: {exc}", id="core.E003"))
    return errors


@checks.register()
def check_field_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """The configured field keys open the identities the database holds (core/fieldkeys.py):
    `check`, `migrate` and `runserver` stop here rather than start and fail page after page."""
    from dieuhanh.core.fieldkeys import judge

    refused, warning = judge()
    if refused:
        return [checks.Error(refused, id="core.E010")]
    if warning:  # some identities would not open: an older key is missing
        return [checks.Warning(warning, id="core.W010")]
    return []


@checks.register()
def check_api_schema_names(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from dieuhanh.api import schema_name_clashes

    return [
        checks.Error(
            f"API schema name {name!r} is taken by {', '.join(classes)}: ninja would describe them all with one",
            hint="Give each class its own name (an app's prefix: PetitionStatsOut, DossierStatsOut), or share one class.",
            id="core.E004",
        )
        for name, classes in schema_name_clashes().items()
    ]
