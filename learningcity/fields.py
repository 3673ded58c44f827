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


class SearchKeyField(models.TextField):
    """A diacritics-free, lower-case copy of other fields, kept up to date on every save.

    Search compares against it with a plain ``contains``, the same on SQLite and PostgreSQL.
    """

    def __init__(self, *args, sources: tuple[str, ...], **kwargs):
        self.sources = tuple(sources)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["sources"] = self.sources
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        text = "\n".join(getattr(model_instance, source) or "" for source in self.sources)
        value = search_key(text)
        setattr(model_instance, self.attname, value)
        return value
