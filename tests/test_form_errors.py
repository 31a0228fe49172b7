"""Form errors say what is wrong with what was typed, not the field's help text again."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from flask_wtf import FlaskForm
from wtforms import Form, IntegerField
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

import annotator
from annotator.admin.forms import SplitForm
from annotator.annotations.forms import SourceForm
from annotator.auth.forms import TokenForm
from annotator.inputs import DbIntegerField, WholeNumberField
from annotator.queues.forms import ArticleFilterForm, QueueForm, SkipForm
from annotator.verdicts.forms import ScaleForm


def _all_forms() -> list[type]:
    for module in pkgutil.walk_packages(annotator.__path__, "annotator."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    found, todo = [], [FlaskForm, Form]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub.__module__.startswith("annotator.") and sub not in found:
                found.append(sub)
                todo.append(sub)
    return found


def _fields(form_class: type, where: str):
    """Yield (where, unbound field) for every field, into FormField and FieldList too."""
    for name in dir(form_class):
        field = getattr(form_class, name, None)
        if not isinstance(field, UnboundField):
            continue
        yield f"{where}.{name}", field
        inner = field.args[0] if field.args else None
        if isinstance(inner, UnboundField):  # FieldList(FormField(...))
            yield from _fields_of(inner, f"{where}.{name}[]")
        elif isinstance(inner, type):  # FormField(SubForm)
            yield from _fields(inner, f"{where}.{name}")


def _fields_of(field: UnboundField, where: str):
    yield where, field
    inner = field.args[0] if field.args else None
    if isinstance(inner, type):
        yield from _fields(inner, where)


FORMS = _all_forms()


def test_every_form_is_checked():
    names = {f.__name__ for f in FORMS}
    assert {"UserForm", "QueueForm", "TokenForm", "SourceForm", "ScaleForm", "FilterForm",
            "AdjudicationForm", "ChangePasswordForm", "UploadForm"} <= names


@pytest.mark.parametrize("form_class", FORMS, ids=lambda f: f"{f.__module__}.{f.__name__}")
def test_no_field_falls_back_to_a_generic_message(form_class):
    """WTForms' own messages state the rule ("Number must be between 1 and 10.", "This field
    is required.", "Not a valid integer value."), which the help text already says."""
    problems = []
    for where, field in _fields(form_class, form_class.__name__):
        for validator in field.kwargs.get("validators", []):
            if type(validator) in (Length, NumberRange):
                problems.append(f"{where}: {type(validator).__name__} (use TooLong or InRange)")
            if isinstance(validator, DataRequired | InputRequired) and not validator.message:
                problems.append(f"{where}: {type(validator).__name__} without a message")
        kind = field.field_class
        if issubclass(kind, IntegerField) and not issubclass(kind, WholeNumberField
                                                             | DbIntegerField):
            problems.append(f"{where}: IntegerField (use WholeNumberField)")
    assert not problems


def _errors(app, form_class, data, **kwargs) -> dict:
    with app.test_request_context(method="POST", data=data):
        form = form_class(**kwargs)
        form.validate()
        return {name: errors for name, errors in form.errors.items()}


@pytest.mark.parametrize(("form_class", "data", "field", "says"), [
    (TokenForm, {"name": "scraper", "expires_days": "ten"}, "expires_days",
     "“ten” is not a whole number"),
    (TokenForm, {"name": "scraper", "expires_days": "5000"}, "expires_days",
     "5000 is too many: at most 3650 days"),
    (TokenForm, {"name": "   "}, "name", "Give the token a name."),
    (TokenForm, {"name": "x" * 130}, "name", "This name is 130 characters long; at most 100"),
    (QueueForm, {"name": "Q", "overlap": "2.5", "lease_minutes": "60"}, "overlap",
     "“2.5” is not a whole number"),
    (SourceForm, {"unit_id": "1", "url": "https://example.org/a"}, "stance",
     "supports, contradicts or gives context"),
    (SourceForm, {"unit_id": "1", "url": "", "stance": "supports"}, "url",
     "Give the source's address."),
    (SplitForm, {"at": "0"}, "at", "0 is too few: at least 1"),
    (ArticleFilterForm, {"since": "2026-13-45"}, "since", "“2026-13-45” is not a day"),
    (ArticleFilterForm, {"since": "0999-01-01"}, "since", "0999-01-01 is outside the days"),
    (SkipForm, {"reason": "other", "note": "n" * 600}, "note", "This note is 600 characters"),
])
def test_an_error_says_what_is_wrong(app, form_class, data, field, says):
    errors = _errors(app, form_class, data)
    assert any(says in e for e in errors.get(field, [])), errors
    help_text = getattr(form_class, field).kwargs.get("description")
    assert help_text not in errors[field]


def test_a_rating_score_out_of_range_quotes_the_score(app):
    errors = _errors(app, ScaleForm, {"ratings-0-name": "False", "ratings-0-score": "140"})
    assert errors["ratings"][0]["score"] == ["140 is too many: at most 100 points."]
