"""The measures table's FilterSet as API query parameters: one filtering, documented once.

The parameters are derived from `reports.filters.LineFilter`, parsed by ninja (so the OpenAPI
schema lists them with their types), then handed back to the FilterSet as a query string.
"""

import datetime
from typing import Literal

import django_filters
from django.http import QueryDict
from ninja import Field, Schema
from pydantic import create_model

from reports.filters import LineFilter


def _parameters(name, filter_):
    """(parameter, type, extra Field arguments) for one filter of the FilterSet."""
    if isinstance(filter_, django_filters.DateFromToRangeFilter):
        # Its widget reads `<name>_after` and `<name>_before`.
        return [(f"{name}_after", datetime.date, {}), (f"{name}_before", datetime.date, {})]
    if isinstance(filter_, django_filters.DateFilter):
        return [(name, datetime.date, {})]
    if isinstance(filter_, django_filters.BooleanFilter):
        return [(name, bool, {})]
    if isinstance(filter_, django_filters.NumberFilter):
        bounds = {"ge": filter_.extra.get("min_value"), "le": filter_.extra.get("max_value")}
        return [(name, int, {k: v for k, v in bounds.items() if v is not None})]
    if isinstance(filter_, django_filters.MultipleChoiceFilter):
        values = tuple(str(value) for value, _ in filter_.extra["choices"])
        return [(name, list[Literal[values]], {})]
    if isinstance(filter_, django_filters.ModelChoiceFilter):
        return [(name, int, {"ge": 1})]
    if isinstance(filter_, django_filters.CharFilter):
        return [(name, str, {"max_length": 200})]
    raise TypeError(f"No API parameter for the filter {name!r} ({type(filter_).__name__})")


def _schema():
    fields = {}
    for name, filter_ in LineFilter.base_filters.items():
        description = str(filter_.extra.get("help_text") or filter_.label)
        for parameter, annotation, extra in _parameters(name, filter_):
            fields[parameter] = (
                annotation | None,
                Field(None, description=description, **extra),
            )
    return create_model("LineFilters", __base__=Schema, **fields)


LineFilters = _schema()


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def as_query(filters):
    """The parsed parameters as the query string the FilterSet reads."""
    data = QueryDict(mutable=True)
    for name, value in filters.dict(exclude_none=True).items():
        data.setlist(name, [_text(v) for v in (value if isinstance(value, list) else [value])])
    return data
