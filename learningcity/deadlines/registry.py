"""Where each kind of obligation is read from.

The apps that own submissions (districts, indicators, clc) sit above this one, so they register
their reader here from their ``AppConfig.ready()``, the way apps register with the Django admin.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Submitted:
    """A district's submission for an obligation: when it was first sent, and whether the
    reviewer has approved (acknowledged, accepted) it."""

    first_submitted_at: datetime.datetime
    approved: bool


@dataclass(frozen=True)
class Source:
    # (period, district ids or None for all) -> {district id: Submitted}, in one query.
    submitted: Callable[..., dict[int, Submitted]]
    # (period, district) -> path of the page where the district enters it.
    entry_url: Callable[..., str]


SOURCES: dict[str, Source] = {}


def register(kind: str, *, submitted: Callable, entry_url: Callable) -> None:
    SOURCES[kind] = Source(submitted=submitted, entry_url=entry_url)


def source(kind: str) -> Source:
    return SOURCES[kind]
