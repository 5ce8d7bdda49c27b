"""The API side of the case workflow (`core.cases`): one route per action of a case type,
`POST /api/v1/<cases>/{key}/<action>`, built from the declaration.

The JSON body is typed from the action's form (`ActionInput`): the same field names, the same
choices, the same Vietnamese messages. A key the client leaves out keeps the value the web form
would show (the case's current kind, today for the day of the step), so a client sends only what
it decides. The answers are the same for every case type:

- 404 a case outside the caller's scope;
- 403 a caller whose roles do not allow the action;
- 409 an action not open in the case's state, or already used up (`errors` names the state
  field);
- 422 input the body schema, the form or the service refuses, `errors` keyed by field;
- 200 with the case's detail (or what the action answers, e.g. 201 and a new case)."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field, create_model

from dieuhanh.core import audit
from dieuhanh.core.cases import ActionInput, CaseAction, CaseType, StateConflict
from dieuhanh.lib.params import DB_INT_MAX, DbId

if TYPE_CHECKING:
    from dieuhanh.core.http import AnyUser

Lookup = Callable[[HttpRequest, Any], Any]
Detail = Callable[[HttpRequest, Any], dict[str, Any]]
Answer = Callable[[HttpRequest, Any, Any], Any]


def _describe(f: forms.Field) -> str:
    words = [str(f.label or ""), str(f.help_text or "")]
    if isinstance(f, forms.ChoiceField) and not isinstance(f, forms.ModelChoiceField):
        pairs: Any = f.choices
        values = [str(v) for v, _label in pairs if v not in ("", None)]
        if values:
            words.append(" | ".join(values))
    return ". ".join(w for w in words if w)


def _annotation(f: forms.Field) -> tuple[Any, dict[str, Any]]:
    """The JSON type of a form field, with its bounds."""
    if isinstance(f, forms.NullBooleanField | forms.BooleanField):
        return bool | None, {}
    if isinstance(f, forms.DateTimeField):
        return dt.datetime | None, {}
    if isinstance(f, forms.DateField):
        return dt.date | None, {}
    if isinstance(f, forms.ModelMultipleChoiceField):
        return list[DbId] | None, {}
    if isinstance(f, forms.ModelChoiceField):
        return DbId | None, {}
    if isinstance(f, forms.IntegerField):
        low = f.min_value if isinstance(f.min_value, int) else -DB_INT_MAX
        high = f.max_value if isinstance(f.max_value, int) else DB_INT_MAX
        return int | None, {"ge": low, "le": high}
    if isinstance(f, forms.MultipleChoiceField):
        return list[str] | None, {}
    if isinstance(f, forms.CharField) and f.max_length:
        return str | None, {"max_length": f.max_length}
    return str | None, {}


def body_schema(case_type: CaseType, action: CaseAction) -> type[Schema]:
    """The pydantic body of `action`, from its form's fields; every key may be left out."""
    fields: dict[str, Any] = {}
    for name, f in action.form_class.base_fields.items():
        annotation, bounds = _annotation(f)
        fields[name] = (annotation, Field(None, description=_describe(f), **bounds))
    camel = "".join(part.title() for part in f"{case_type.name}_{action.name}".split("_"))
    model: type[Schema] = create_model(f"{camel}In", __base__=Schema, **fields)
    return model


def _as_data(value: Any) -> Any:
    """An initial value as the form would read it back from a request."""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, list | tuple) or hasattr(value, "values_list"):
        return [_as_data(v) for v in value]
    if callable(value):
        return _as_data(value())
    return value


def bound_form(action: CaseAction, case: Any, user: AnyUser, provided: dict[str, Any]) -> ActionInput:
    """The action's form bound to the keys the client sent over the values the page would show."""
    blank = action.form_class(case=case, user=user)
    data: dict[str, Any] = {}
    for name, f in blank.fields.items():
        initial = _as_data(blank.get_initial_for_field(f, name))
        if initial is not None:
            data[name] = initial
    for name, value in provided.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return action.form_class(data=data, case=case, user=user)


def renamed(exc: ValidationError, keys: dict[str, str]) -> ValidationError:
    """A service's errors under the names the client sent (`CaseAction.error_keys`)."""
    if not keys or not hasattr(exc, "error_dict"):
        return exc
    out: dict[str, list[str]] = {}
    for key, messages in exc.message_dict.items():
        out.setdefault(keys.get(key, key), []).extend(messages)
    return ValidationError(out)


def form_errors(form: forms.BaseForm) -> ValidationError:
    return ValidationError({name: [str(m) for m in messages] for name, messages in form.errors.items()})


def add_action_routes(
    router: Router, case_type: CaseType, *, key: str, lookup: Lookup, detail: Detail, schema: Any,
    answers: dict[str, tuple[int, Any, Answer]] | None = None, tags: list[str] | None = None,
) -> None:
    """Add `POST /{key}/<action>` to `router` for every action of `case_type`. `key` is the
    path parameter with its converter ("int:petition_id", "path:code"); `lookup(request, key)`
    returns the case the caller may see or raises Http404; `detail(request, case)` is the
    answer (`schema`) unless `answers[action]` gives (status, schema, answer(request, case,
    result))."""
    converter, _, name = key.rpartition(":")
    key_type: type = int if converter == "int" else str
    for action in case_type.actions:
        status, response, answer = (answers or {}).get(action.name, (200, schema, None))
        _add_route(router, case_type, action, name, key_type, f"/{{{key}}}/{action.name}", lookup, detail,
                   status, response, answer)


def _add_route(
    router: Router, case_type: CaseType, action: CaseAction, key_name: str, key_type: type, route: str,
    lookup: Lookup, detail: Detail, status: int, response: Any, answer: Answer | None,
) -> None:
    body = body_schema(case_type, action)

    def view(request: HttpRequest, **values: Any) -> Any:
        case = lookup(request, values[key_name])
        refusal = case_type.refusal(request.user, case, action)
        if refusal is not None:
            raise refusal
        form = bound_form(action, case, request.user, values["payload"].model_dump(exclude_unset=True))
        if not form.is_valid():
            raise form_errors(form)
        try:
            with audit.channel("api"):
                result = case_type.run(action, actor=request.user, case=case, **form.kwargs())
        except StateConflict:
            raise
        except ValidationError as exc:
            raise renamed(exc, action.error_keys) from None
        out = answer(request, case, result) if answer is not None else detail(request, lookup(request, values[key_name]))
        return Status(status, out) if status != 200 else out

    view.__name__ = f"{case_type.name}_{action.name}"
    view.__signature__ = inspect.Signature([  # type: ignore[attr-defined]
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=HttpRequest),
        inspect.Parameter(key_name, inspect.Parameter.KEYWORD_ONLY, annotation=key_type),
        inspect.Parameter("payload", inspect.Parameter.KEYWORD_ONLY, annotation=body),
    ])
    refusals = "403 nếu vai trò không được làm việc này, 409 nếu trạng thái hiện tại không cho phép"
    summary = str(action.title or action.label).capitalize()
    description = f"{summary}. Trạng thái xuất phát: {', '.join(action.sources) or 'mọi trạng thái'}"
    if action.target:
        description += f"; trạng thái sau: {action.target}"
    if action.recomputes:
        description += f"; tính lại: {', '.join(action.recomputes)}"
    router.post(
        route, response={status: response}, summary=summary, operation_id=view.__name__,
        description=f"{description}. Trả lời {refusals}, 422 nếu dữ liệu không hợp lệ.",
    )(view)


__all__ = ["add_action_routes", "body_schema", "bound_form"]
