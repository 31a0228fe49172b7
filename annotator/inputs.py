"""What a request may carry: ids the database can hold, storable text, bounded bodies and JSON.

Every value a client sends reaches a query sooner or later, and PostgreSQL refuses what SQLite
takes in its stride: an integer beyond its 32-bit columns, a NUL character in text. Rather than
each view guarding each field, the limits are enforced where the values enter:

- URL ids: `BoundedIntConverter` is the app's `<int:...>` converter; a number the database
  cannot hold matches no rule (404).
- Form, query-string and JSON ids: `db_int` (a WTForms `coerce`, a `request.args.get` type)
  and `DbIntegerField` refuse them like any other malformed number; `DayField` keeps days
  where a day's arithmetic stays a date.
- Text: one check before every view refuses NUL characters and lone surrogates in the query
  string, the form fields, uploaded file names and URL parts (400 with the field named);
  `json_body` does the same for JSON.
- Bodies: each view declares how much it reads (`body_limit`, a setting name; forms get
  MAX_FORM_BYTES, JSON saves MAX_JSON_BYTES) and more is a 413. JSON is read only by the views
  that declare it (`accepts_json`), through `json_body`, which also bounds its nesting.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, TypeVar

from flask import Flask, abort, current_app, request
from werkzeug.routing import IntegerConverter
from wtforms import DateField, IntegerField
from wtforms.validators import StopValidation, ValidationError

# PostgreSQL's integer: the type of every id column. Positions start at 0.
DB_INT_MAX = 2**31 - 1
# Days a filter or a due date may name: a day either side stays a date (date.max + 1 day is
# an OverflowError), and nobody publishes before the year 1000.
FIRST_DAY, LAST_DAY = date(1000, 1, 1), date(9998, 12, 31)
MAX_JSON_DEPTH = 20

View = TypeVar("View", bound=Callable[..., Any])


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` that only matches 0 .. 2**31 - 1: ids and positions the database can hold."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = 0,  # noqa: A002
                 max: int | None = DB_INT_MAX, signed: bool = False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def db_int(value: Any) -> int:
    """Return value as an integer the database can hold (0 .. 2**31 - 1), else raise ValueError.

    A WTForms `coerce` and a `request.args.get(..., type=db_int)`: both turn the ValueError
    into "not a valid choice" or the default.
    """
    if isinstance(value, bool):
        raise ValueError("not a number")
    number = int(value)  # over 4300 digits is a ValueError too
    if not 0 <= number <= DB_INT_MAX:
        raise ValueError(f"{number} is out of range")
    return number


class DbIntegerField(IntegerField):
    """An IntegerField whose value the database can hold (0 .. 2**31 - 1)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        try:
            self.data = db_int(valuelist[0])
        except (TypeError, ValueError) as exc:
            self.data = None
            raise ValueError(f"Give a whole number from 0 to {DB_INT_MAX}.") from exc


class DayField(DateField):
    """A DateField (YYYY-MM-DD) whose day lies between FIRST_DAY and LAST_DAY."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(f"“{_shown(valuelist)}” is not a day: write it as YYYY-MM-DD, "
                             f"e.g. {date.today():%Y-%m-%d}.") from None
        if self.data is not None and not FIRST_DAY <= self.data <= LAST_DAY:
            day, self.data = self.data, None
            raise ValueError(f"{day} is outside the days this tool handles ({FIRST_DAY} to "
                             f"{LAST_DAY}).")


# Form errors say what is wrong with what was typed, not the field's help text again (WTForms'
# own messages, "Field cannot be longer than 200 characters.", "Number must be between 1 and
# 10.", say the rule). Every form uses these instead of bare Length, NumberRange, DataRequired.

def _shown(valuelist: list[Any], limit: int = 40) -> str:
    """The text a field was given, clipped for an error message."""
    text = str(valuelist[0]) if valuelist else ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class WholeNumberField(IntegerField):
    """An IntegerField whose refusal quotes what was typed."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(f"“{_shown(valuelist)}” is not a whole number: type digits "
                             "only, e.g. 12.") from None


class Required:
    """A field that must be given (blank or only spaces is not), with a message naming it."""

    def __init__(self, message: str):
        self.message = message
        self.field_flags = {"required": True}

    def __call__(self, form, field) -> None:
        data = field.data
        if data is None or (isinstance(data, str) and not data.strip()) or data == []:
            field.errors[:] = []
            raise StopValidation(self.message)


class TooLong:
    """At most `most` characters; the error says how long the text is."""

    def __init__(self, most: int, what: str = "This"):
        self.most, self.what = most, what
        self.field_flags = {"maxlength": most}

    def __call__(self, form, field) -> None:
        length = len(field.data or "")
        if length > self.most:
            raise ValidationError(f"{self.what} is {length} characters long; at most "
                                  f"{self.most} fit: shorten it by {length - self.most}.")


class InRange:
    """A number between lo and hi whose error says what was typed and which bound it broke."""

    def __init__(self, lo: int, hi: int | None, unit: str):
        self.lo, self.hi, self.unit = lo, hi, unit

    def __call__(self, form, field) -> None:
        value = field.data
        if value is None or (self.lo <= value and (self.hi is None or value <= self.hi)):
            return
        if value < self.lo:
            raise ValidationError(f"{value} is too few: at least {self.lo} {self.unit}.")
        raise ValidationError(f"{value} is too many: at most {self.hi} {self.unit}.")


def body_limit(setting: str) -> Callable[[View], View]:
    """Declare the most a view reads of a request body: the app setting named, in bytes."""

    def decorator(view: View) -> View:
        view.body_limit = setting  # read by _check_request
        return view

    return decorator


def accepts_json(view: View) -> View:
    """Declare that a view reads a JSON body (through json_body): others answer JSON with 415."""
    view.accepts_json = True
    view.body_limit = getattr(view, "body_limit", "MAX_JSON_BYTES")
    return view


def _too_deep(text: str, limit: int) -> bool:
    """Return whether JSON text nests arrays and objects deeper than limit (before parsing it)."""
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _strings(value: Any) -> Iterator[str]:
    """Yield every string of a parsed JSON value: keys and values."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def unstorable(text: str) -> bool:
    """Return whether text cannot be stored: a NUL character, or a lone surrogate (not UTF-8)."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _refuse_text(where: str) -> None:
    abort(400, description=f"The {where} holds a NUL character or a broken character "
                           "(a lone surrogate), which cannot be stored. Remove it and try again.")


def json_body(max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Return the request's JSON body, refusing with a reason what cannot be taken.

    Too large for the view's body limit: 413. Not UTF-8, not JSON, nested deeper than
    max_depth, or holding text that cannot be stored: 400.
    """
    if not request.is_json:
        abort(415, description="Send JSON (Content-Type: application/json).")
    raw = request.get_data(cache=True)  # 413 beyond request.max_content_length
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        abort(400, description="The JSON body is not UTF-8 text.")
    if _too_deep(text, max_depth):
        abort(400, description=f"The JSON body nests deeper than {max_depth} levels.")
    try:
        payload = json.loads(text)
    except ValueError as exc:  # malformed, or a number of over 4300 digits
        abort(400, description=f"The body is not valid JSON: {exc}.")
    if any(unstorable(s) for s in _strings(payload)):
        _refuse_text("JSON body")
    return payload


def _view() -> Callable | None:
    return current_app.view_functions.get(request.endpoint) if request.endpoint else None


def _check_request() -> None:
    """Bound the body to the view's limit; refuse unstorable text and JSON the view does not read.

    Runs before every other check that reads the body (CSRF reads the form).
    """
    view = _view()
    if view is None:
        return  # no such page: the routing error answers, nothing is read
    request.max_content_length = current_app.config[getattr(view, "body_limit",
                                                            "MAX_FORM_BYTES")]
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str) and unstorable(value):
            _refuse_text(f"address part {name!r}")
    for name, value in request.args.items(multi=True):
        if unstorable(name) or unstorable(value):
            _refuse_text(f"query-string field {name[:40]!r}")
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.is_json:
        if not getattr(view, "accepts_json", False):
            abort(415, description="This address takes a form, not JSON.")
        return  # the view reads it through json_body
    for name, value in request.form.items(multi=True):
        if unstorable(name or "") or unstorable(value or ""):
            _refuse_text(f"form field {name[:40]!r}")
    for upload in request.files.values():
        if unstorable(upload.filename or ""):
            _refuse_text("uploaded file's name")


def init_inputs(app: Flask) -> None:
    """Make `<int:...>` the bounded converter and check every request before other hooks.

    Call it before the blueprints register (their rules take the converter when added) and
    before CSRF protection (which reads the form, and must read it within the limit).
    """
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(_check_request)
