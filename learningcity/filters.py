"""Filters shared by every app's FilterSets."""

import django_filters
from django import forms


class WholeNumberField(forms.IntegerField):
    """A whole number the database can hold: huge or fractional values are a 400, not a 500."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -(2**31))
        kwargs.setdefault("max_value", 2**31 - 1)
        super().__init__(*args, **kwargs)


class WholeNumberFilter(django_filters.NumberFilter):
    """For ids and years; django-filter's NumberFilter takes any decimal."""

    field_class = WholeNumberField
