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
    reviewer has approved (acknowledged, accepted) it.

    Some obligations are met in parts: each community learning centre of a district sends its
    own yearly report. Their reader gives every district asked about, with ``parts_due`` (the
    parts owed, 0: nothing is owed), ``parts_sent`` (when each part that is in was first sent)
    and ``parts_approved``; ``first_submitted_at`` is then when the last part came in, once every
    part is in, else None."""

    first_submitted_at: datetime.datetime | None
    approved: bool
    parts_due: int | None = None  # None: one submission per district
    parts_sent: tuple[datetime.datetime, ...] = ()
    parts_approved: int = 0

    @property
    def in_parts(self) -> bool:
        return self.parts_due is not None


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
