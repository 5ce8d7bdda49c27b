"""System checks (`manage.py check`, run by the test command) over what apps declare: every
case action names a permission its app declares, and its form and service import."""

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
    from dieuhanh.core.fieldkeys import problem

    message = problem()
    return [checks.Error(message, id="core.E010")] if message else []
