"""Model fields that keep Vietnamese text consistent whichever way it is written."""

from django.db import models

from .text import normalize_text, search_key


class NormalizedTextMixin:
    """Stores text in NFC without invisible characters, for forms, the API, imports and code."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_text(value) if isinstance(value, str) else value

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if isinstance(value, str):
            value = normalize_text(value)
            setattr(model_instance, self.attname, value)
        return value


class NormalizedCharField(NormalizedTextMixin, models.CharField):
    pass


class NormalizedTextField(NormalizedTextMixin, models.TextField):
    pass


class SearchKeyField(models.CharField):
    """A diacritics-free, lower-case copy of another field, kept up to date on every save."""

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 255)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = search_key(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value
